"""Redis losing its data (a restart without persistence, FLUSHALL) while the simulator runs:
the next call notices the missing state, puts the start state back with a warning, and no
call answers 500. Health says it happened."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from cjsim.server import BackgroundServer
from cjsim.simulator import Simulator
from tests.conftest import START
from tests.redis_server import RedisServer

KEY = "CJ1@api@" + "a" * 32


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    """A server of its own: the tests flush it."""
    started = RedisServer(tmp_path / "redis").start()
    yield started
    started.stop()


@pytest.fixture
def sim(server: RedisServer) -> Iterator[Simulator]:
    made = Simulator(seed=1, clock="frozen", start=START, store=server.url, store_prefix="rec",
                     accounts=[f"dev@example.com:{KEY}:free"])
    yield made
    made.close()


def _cj(http: BackgroundServer, path: str, token: str | None = None, **kwargs: Any) -> Any:
    headers = {"CJ-Access-Token": token} if token else {}
    method = "POST" if "json" in kwargs else "GET"
    answer = requests.request(method, http.url(path), headers=headers, timeout=10, **kwargs)
    assert answer.status_code != 500, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    return answer.json()


def _login(http: BackgroundServer, api_key: str) -> str:
    body = _cj(http, "authentication/getAccessToken", json={"apiKey": api_key})
    assert body["code"] == 200, body
    return str(body["data"]["accessToken"])


def test_flushall_between_calls_recreates_the_start_state(
        sim: Simulator, server: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    with BackgroundServer(sim.app) as http:
        token = _login(http, KEY)
        sim.clock.advance(86_400)
        before = requests.get(http.url("/__cjsim/clock"), timeout=5).json()["now"]
        assert _cj(http, "setting/get", token)["code"] == 200
        redis.Redis.from_url(server.url).flushall()
        with caplog.at_level(logging.WARNING, logger="cjsim"):
            stale = _cj(http, "setting/get", token)  # the token went with the state
        assert stale["code"] != 200 and stale["code"] != 1600000, stale
        assert any("lost the simulator's state" in r.getMessage() for r in caplog.records)
        token = _login(http, KEY)  # the configured account is back
        assert _cj(http, "setting/get", token)["code"] == 200
        assert requests.get(http.url("/__cjsim/clock"), timeout=5).json()["now"] == before
        health = requests.get(http.url("/__cjsim/health"), timeout=5)
        assert health.status_code == 200
        assert health.json()["status"] == "ok" and "lost" in health.json()["recovered"]["detail"]
        requests.post(http.url("/__cjsim/reset"), timeout=5).raise_for_status()
        assert requests.get(http.url("/__cjsim/health"), timeout=5).json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/__cjsim/accounts", "/__cjsim/journal", "/__cjsim/clock",
                                  "/__cjsim/health", "/__cjsim/interfaces"])
def test_a_control_call_first_after_flushall_sees_the_start_state(
        sim: Simulator, server: RedisServer, path: str) -> None:
    with BackgroundServer(sim.app) as http:
        redis.Redis.from_url(server.url).flushall()
        answer = requests.get(http.url(path), timeout=5)
        assert answer.status_code == 200, answer.text
        accounts = requests.get(http.url("/__cjsim/accounts"), timeout=5).json()["accounts"]
        # the configured account is back (its key shown as a hint: the store keeps its digest)
        assert [(a["email"], a["apiKeyHint"]) for a in accounts] == [("dev@example.com", f"{KEY[:4]}…{KEY[-4:]}")]


def test_the_demo_key_of_the_banner_works_after_a_restart_without_persistence(server: RedisServer) -> None:
    sim = Simulator(seed=1, clock="frozen", start=START, store=server.url, store_prefix="demo",
                    demo_account=True)
    try:
        banner_key = sim.generated_keys[sim.accounts.all()[0].open_id]  # what the banner prints
        with BackgroundServer(sim.app) as http:
            _login(http, banner_key)
            server.stop()
            server.start_on_same_port()
            token = _login(http, banner_key)
            assert _cj(http, "setting/get", token)["code"] == 200
            sim.clock.advance(2)  # a free account: one call a second
            assert _cj(http, "product/getCategory", token)["code"] == 200
    finally:
        sim.close()
