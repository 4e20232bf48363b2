"""A run killed with SIGKILL mid-way resumes: same result, completed shards not redone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.run.conftest import SHARD_FILES, content

NEWSMILL = str(Path(sys.executable).parent / "newsmill")


def _command(synthetic: Path, out: Path) -> list[str]:
    return [
        NEWSMILL,
        "run",
        str(synthetic),
        "--out",
        str(out),
        "--workers",
        "2",
        "--no-enrich",
        "--shard-files",
        str(SHARD_FILES),
        "--no-progress",
        "--json",
    ]


def _markers(out: Path) -> dict[str, int]:
    return {
        str(p.relative_to(out / "_done")): p.stat().st_mtime_ns
        for p in (out / "_done").rglob("*.json")
    }


def test_a_killed_run_resumes_where_it_stopped(
    synthetic: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ds"
    process = subprocess.Popen(
        _command(synthetic, out),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not list((out / "_done" / "segment").glob("*.json")):
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the driver and its workers, no cleanup
        process.wait(timeout=30)
    before = _markers(out)
    assert any(name.startswith("segment") for name in before)
    assert not (out / "_done" / "clusters").exists()
    finished = subprocess.run(_command(synthetic, out), capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    stats = json.loads(finished.stdout)
    assert stats["reused"] == len(before)
    after = _markers(out)
    assert {name: after[name] for name in before} == before  # completed units not redone
    assert content(out) == content(reference)
