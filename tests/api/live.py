"""A client of the live server (real HTTP over loopback) for the per-family full-flow tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from cjsim import Simulator
from cjsim.server import BackgroundServer
from tests.shop import Shop


class Live:
    def __init__(self, shop: Shop, server: BackgroundServer) -> None:
        self.shop = shop
        self.server = server
        self.session = requests.Session()

    @property
    def sim(self) -> Simulator:
        return self.shop.sim

    def call(self, method: str, path: str, *, query: dict[str, Any] | None = None,
             body: Any = None, **kwargs: Any) -> dict[str, Any]:
        self.sim.clock.advance(1)
        headers = {"CJ-Access-Token": self.shop.token, **kwargs.pop("headers", {})}
        response = self.session.request(method, self.server.url(path), params=query, json=body,
                                        headers=headers, timeout=10, **kwargs)
        return response.json()  # type: ignore[no-any-return]

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.call(method, path, **kwargs)
        assert answer["code"] == 200, answer
        return answer["data"]


@contextmanager
def live(shop: Shop) -> Iterator[Live]:
    with BackgroundServer(shop.sim.app) as server:
        yield Live(shop, server)
