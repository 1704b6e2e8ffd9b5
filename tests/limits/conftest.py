from __future__ import annotations

import pytest

from tests.conftest import STORE_KINDS


@pytest.fixture(params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    """Every limits test runs on every store (memory, SQLite, Redis)."""
    return str(request.param)
