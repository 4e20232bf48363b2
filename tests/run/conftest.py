from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from newsmill.options import Options
from newsmill.run import RunSettings, RunStats, run_pipeline
from newsmill.run.local import LocalExecutor
from newsmill.run.synthetic import write_text_pages

SEEDS = Path(__file__).parents[1] / "fixtures" / "pages"
SYNTHETIC_PAGES = 200
SHARD_FILES = 25  # 200 pages -> 8 shards


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_text_pages(tmp_path_factory.mktemp("synthetic"), SEEDS, SYNTHETIC_PAGES)


def run_local(
    sources: list[Path], out: Path, workers: int = 2, enrich: bool = False, **settings: Any
) -> RunStats:
    executor = LocalExecutor(workers)
    try:
        run_settings = RunSettings(enrich=enrich, **({"shard_files": SHARD_FILES} | settings))
        return run_pipeline([str(s) for s in sources], str(out), Options(), executor, run_settings)
    finally:
        executor.close()


@pytest.fixture(scope="session")
def reference(synthetic: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic pages run once, cleanly, with two workers."""
    out = tmp_path_factory.mktemp("reference") / "ds"
    run_local([synthetic], out)
    return out


#: What a dataset holds, per folder, with the columns that identify a row.
CONTENT = {
    "articles": "id",
    "lines": ("page", "line"),
    "members": "article",
    "links": ("article", "other"),
    "clusters": "id",
    "quotes": "id",
    "figures": "id",
    "mentions": ("article", "seq"),
    "skipped": ("source", "reason"),
}


def content(
    dataset: Path, folders: tuple[str, ...] = tuple(CONTENT)
) -> dict[str, list[dict[str, Any]]]:
    """Every row of the named folders, in a fixed order: what two runs must agree on."""
    out = {}
    for folder in folders:
        rows: list[dict[str, Any]] = []
        for path in sorted((dataset / folder).rglob("*.parquet")):
            rows.extend(pq.read_table(path).to_pylist())
        key = CONTENT[folder]
        names = (key,) if isinstance(key, str) else key
        out[folder] = sorted(rows, key=lambda r: tuple(str(r[n]) for n in names))
    return out


@pytest.fixture(scope="session")
def ray_session() -> Iterator[None]:
    """A private local Ray for the session; `ray stop --force` afterwards, whatever happens."""
    pytest.importorskip("ray")
    os.environ["RAY_AUTH_MODE"] = "disabled"
    try:
        yield
    finally:
        import ray

        if ray.is_initialized():
            ray.shutdown()
        ray_cli = shutil.which("ray") or str(Path(os.sys.executable).parent / "ray")
        subprocess.run([ray_cli, "stop", "--force"], capture_output=True, check=False, timeout=60)
