"""Bad input through `newsmill ingest`: each gets a reason and a summary line, no traceback,
and the rest of the run goes on."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from newsmill.cli import app

runner = CliRunner()


def _bad_folder(root: Path, seed_dir: Path) -> Path:
    folder = root / "captures"
    folder.mkdir()
    (folder / "good.txt").write_bytes((seed_dir / "000_6d123157b1660c19.txt").read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello " * 100)
    (folder / "archive.zip").write_bytes(buffer.getvalue())
    (folder / "latin1.txt").write_bytes(
        "Caf\xe9 au lait, na\xefve r\xe9sum\xe9.\n".encode("latin-1") * 20
    )
    (folder / "broken.html.gz").write_bytes(gzip.compress(b"<html><body><p>x</p>" * 50)[:40])
    (folder / "broken.warc.gz").write_bytes(
        gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n")[:30]
    )
    (folder / "malformed.html").write_text(
        "<html><body><div><p>Unclosed paragraph about the summit talks in Rio that went on "
        "well into the night, officials said on Tuesday.<div><span>more text</body>",
        "utf-8",
    )
    (folder / "nothing_here").mkdir()
    return folder


def test_bad_inputs_are_recorded_and_the_run_goes_on(tmp_path: Path, seed_dir: Path) -> None:
    folder = _bad_folder(tmp_path, seed_dir)
    db = str(tmp_path / "n.db")
    missing = str(tmp_path / "does-not-exist")
    result = runner.invoke(app, ["ingest", str(folder), missing, "--db", db, "--no-enrich"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    out = result.output
    for reason in ("empty", "binary", "bad_gzip", "missing"):
        assert reason in out, f"{reason} missing from the summary:\n{out}"
    skipped = runner.invoke(app, ["skipped", "--db", db, "--json"])
    sources = skipped.output
    assert "empty.txt" in sources and "image.png" in sources and "does-not-exist" in sources
    listed = runner.invoke(app, ["articles", "--db", db, "--json", "--all-copies"])
    assert '"Blinken' in listed.output  # the good page is there
    # the latin-1 page was decoded (lossless) and kept
    lines = runner.invoke(
        app, ["export", "--db", db, "--what", "lines", "--out", str(tmp_path / "l.jsonl")]
    )
    assert lines.exit_code == 0
    assert "latin1.txt" in (tmp_path / "l.jsonl").read_text("utf-8")


def test_only_bad_input_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "n.db")]
    )
    assert result.exit_code == 1
    assert "empty" in result.output and "Traceback" not in result.output
