from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.server import BackgroundServer
from tests.redis_server import RedisServer, describe_redis_server

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


def pytest_report_header(config: pytest.Config) -> str:
    return describe_redis_server()


# -- stores: the behavioural suites (limits, domain, scenarios) run on every store ----------

STORE_KINDS = [k.strip() for k in os.environ.get("CJSIM_TEST_STORES", "memory,sqlite,redis").split(",")
               if k.strip()]
_prefixes = itertools.count(1)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


def store_options(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    if kind == "memory":
        return {"store": "memory://"}
    if kind == "sqlite":
        return {"store": f"sqlite:///{tmp_path}/cjsim-{next(_prefixes)}.db"}
    if kind == "redis":
        server = request.getfixturevalue("redis_server")
        return {"store": server.url, "store_prefix": f"t{os.getpid()}-{next(_prefixes)}"}
    raise ValueError(f"unknown store kind {kind!r}")


# the behavioural suites: every test under these folders (or in a module that sets
# EVERY_STORE = True) that uses the store runs once per kind
EVERY_STORE = frozenset({"api", "limits", "scenario", "store"})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" not in metafunc.fixturenames or any(
            "store_kind" in m.args[0] for m in metafunc.definition.iter_markers("parametrize")):
        return
    relative = metafunc.definition.path.relative_to(Path(__file__).parent)
    if relative.parts[0] in EVERY_STORE or getattr(metafunc.module, "EVERY_STORE", False):
        metafunc.parametrize("store_kind", STORE_KINDS, indirect=True)


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    """The store under test: memory in the plain suites; in the EVERY_STORE folders each test
    runs on every kind of STORE_KINDS (CJSIM_TEST_STORES, default memory, sqlite and redis)."""
    return str(getattr(request, "param", "memory"))


@pytest.fixture
def make_sim(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., Simulator]:
    """A factory of simulators on the store under test (frozen clock at START by default)."""
    made: list[Simulator] = []

    def make(**options: Any) -> Simulator:
        options.setdefault("clock", "frozen")
        options.setdefault("start", START)
        for key, value in store_options(store_kind, request, tmp_path).items():
            options.setdefault(key, value)
        sim = Simulator(**options)
        made.append(sim)
        return sim

    yield make  # type: ignore[misc]
    for sim in made:
        close = getattr(sim, "close", None)
        if callable(close):
            close()
        sim.store.close()


@pytest.fixture
def sim(make_sim: Callable[..., Simulator]) -> Simulator:
    return make_sim(seed=7, trust_ip_header=True)


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
