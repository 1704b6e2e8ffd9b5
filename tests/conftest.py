from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.server import BackgroundServer

START = "2026-01-05T10:00:00+08:00"
TOKEN = "/api2.0/v1/authentication/getAccessToken"


class Client:
    """A thin test client over a simulator's Flask app (no socket)."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.http = sim.app.test_client()
        self.token: str | None = None

    def call(self, method: str, path: str, *, token: str | None = None, ip: str | None = None,
             **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}) or {})
        tok = token if token is not None else self.token
        if tok is not None:
            headers.setdefault("CJ-Access-Token", tok)
        if ip is not None:
            headers["X-CJSim-Client-IP"] = ip
        full = path if path.startswith("/") else "/api2.0/v1/" + path
        return self.http.open(full, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.call("POST", path, **kwargs)

    def login(self, api_key: str, ip: str | None = None) -> dict[str, Any]:
        response = self.call("POST", TOKEN, json={"apiKey": api_key}, ip=ip, token="")
        body = response.get_json()
        assert body["code"] == 200, body
        self.token = body["data"]["accessToken"]
        return body["data"]  # type: ignore[no-any-return]


@pytest.fixture
def sim() -> Simulator:
    return Simulator(seed=7, clock="frozen", start=START, trust_ip_header=True)


@pytest.fixture
def client(sim: Simulator) -> Client:
    return Client(sim)


@pytest.fixture
def account(sim: Simulator) -> Any:
    return sim.account("dev@example.com", level="free")


@pytest.fixture
def logged_in(client: Client, account: Any, sim: Simulator) -> Client:
    client.login(account.api_key)
    sim.clock.advance(1)  # the login counted toward R1 (per IP): start the test on a fresh second
    return client


@pytest.fixture
def live(sim: Simulator) -> Iterator[BackgroundServer]:
    with BackgroundServer(sim.app) as server:
        yield server
