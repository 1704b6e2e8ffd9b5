from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cjsim import Simulator
from tests.conftest import store_options
from tests.shop import Receiver, Shop, running, shop_of


@pytest.fixture
def shop_sim(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Simulator]:
    with running(**store_options(store_kind, request, tmp_path)) as sim:
        yield sim


@pytest.fixture
def shop(shop_sim: Simulator) -> Shop:
    return shop_of(shop_sim)


@pytest.fixture
def other(shop_sim: Simulator) -> Shop:
    """A second account on the same simulator."""
    return shop_of(shop_sim, "other@example.com")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r
