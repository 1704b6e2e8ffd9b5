from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cjsim.store import Store, open_store
from tests.conftest import store_options


@pytest.fixture
def store(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    options = store_options(store_kind, request, tmp_path)
    opened = open_store(options["store"], prefix=options.get("store_prefix", "cjsim"))
    yield opened
    opened.close()
