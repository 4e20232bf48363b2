"""The `read_all` fixture: every item iter_inputs yields for some sources."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from newsmill.model import Page, Skip
from newsmill.options import ReadOptions
from newsmill.read import iter_inputs

ReadAll = Callable[..., list[Page | Skip]]


@pytest.fixture
def read_all() -> ReadAll:
    def run(*sources: str | Path, **options: int) -> list[Page | Skip]:
        return list(iter_inputs([str(s) for s in sources], ReadOptions(**options)))  # type: ignore[arg-type]

    return run
