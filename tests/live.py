"""A client of a simulator served over a real loopback socket (``BackgroundServer``).

The full-flow test of each family goes through it: real HTTP, the server's own threads, the
same JSON a client in another language would see. The clock is moved in-process, one
simulated second per call (so R4 never trips), as ``tests.shop.Shop`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from cjsim import Simulator
from cjsim.server import BackgroundServer


class Live:
    def __init__(self, sim: Simulator, root: str, api_key: str) -> None:
        self.sim = sim
        self.root = root
        self.http = requests.Session()
        self.http.trust_env = False
        answer = self.http.post(f"{root}/api2.0/v1/authentication/getAccessToken",
                                json={"apiKey": api_key}, timeout=10).json()
        assert answer["code"] == 200, answer
        self.token = answer["data"]["accessToken"]

    def call(self, method: str, path: str, *, query: dict[str, Any] | None = None,
             body: Any = None) -> dict[str, Any]:
        self.sim.clock.advance(1)
        response = self.http.request(method, f"{self.root}/api2.0/v1/{path}", params=query,
                                     json=body, headers={"CJ-Access-Token": self.token},
                                     timeout=10)
        return response.json()  # type: ignore[no-any-return]

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.call(method, path, **kwargs)
        assert answer["code"] == 200, answer
        return answer["data"]

    def control(self, method: str, path: str, body: Any = None) -> requests.Response:
        return self.http.request(method, f"{self.root}/__cjsim/{path}", json=body, timeout=10)


@contextmanager
def live(sim: Simulator, email: str = "live@example.com") -> Iterator[Live]:
    account = sim.account(email, level="advanced", verified=True)
    with BackgroundServer(sim.app) as server:
        yield Live(sim, server.root, account.api_key)
