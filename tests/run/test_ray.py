"""The Ray executor in local mode gives what the local executor gives; a killed worker is
retried. Skipped when Ray is not installed; Ray is stopped with `ray stop --force` after."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.run.conftest import SEEDS, SHARD_FILES, content, run_local

from newsmill.options import Options
from newsmill.run import RunSettings, run_pipeline
from newsmill.run.faults import ENV
from newsmill.run.synthetic import write_text_pages

pytestmark = pytest.mark.ray

PARITY_PAGES = 2000


@pytest.fixture(scope="module")
def ray_executor(ray_session: None) -> object:
    from newsmill.run.ray import RayExecutor

    executor = RayExecutor(2, model=Options().enrich.spacy_model)
    yield executor
    executor.close()


def _run_ray(executor: object, sources: list[Path], out: Path, enrich: bool, **kw: int) -> None:
    settings = RunSettings(enrich=enrich, shard_files=kw.get("shard_files", SHARD_FILES))
    run_pipeline([str(s) for s in sources], str(out), Options(), executor, settings)  # type: ignore[arg-type]


def test_seeds_with_enrichment_match_the_local_executor(
    ray_executor: object, tmp_path: Path
) -> None:
    run_local([SEEDS], tmp_path / "local", enrich=True)
    _run_ray(ray_executor, [SEEDS], tmp_path / "ray", enrich=True)
    local, ray = content(tmp_path / "local"), content(tmp_path / "ray")
    assert local["quotes"] and local["figures"] and local["members"]
    assert ray == local


def test_synthetic_pages_match_and_a_killed_worker_is_retried(
    ray_executor: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = write_text_pages(tmp_path / "pages", SEEDS, PARITY_PAGES)
    stats = run_local([pages], tmp_path / "local", shard_files=250)
    monkeypatch.setenv(ENV, "kill:segment:shard-00003")
    _run_ray(ray_executor, [pages], tmp_path / "ray", enrich=False, shard_files=250)
    local, ray = content(tmp_path / "local"), content(tmp_path / "ray")
    assert len({a["page"]["sha256"] for a in local["articles"]}) == stats.pages
    assert stats.pages + stats.dupes == PARITY_PAGES
    assert local["clusters"]
    assert ray == local
