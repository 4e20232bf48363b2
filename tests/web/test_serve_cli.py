"""`newsmill serve` refuses what it must before starting a server."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from newsmill.cli import app

runner = CliRunner()


def test_serve_refuses_a_public_address_without_the_flag(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "x.db"), "--host", "0.0.0.0"])
    assert result.exit_code != 0
    assert "--public" in result.output


def test_serve_needs_an_existing_store(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = runner.invoke(app, ["serve", "--db", str(missing)])
    assert result.exit_code == 2
    assert "newsmill ingest" in result.output
    assert not missing.exists()  # read-only: never creates a store
