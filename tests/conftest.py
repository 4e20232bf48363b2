from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED_PAGES = FIXTURES / "pages"


@pytest.fixture
def seed_dir() -> Path:
    return SEED_PAGES
