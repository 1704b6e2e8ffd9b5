"""Every answer under /api2.0/ is an envelope, also when the answer cannot be encoded: integer
parameters are bounded (1600300 beyond), and an encode failure is 1600000, journaled."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from cjsim import Simulator
from cjsim.errors import SEED_CATALOGUE
from cjsim.params import INT64_MAX, Field
from cjsim.routes import route
from cjsim.server import BackgroundServer

HUGE = "18446744073709551616"  # 2**64: beyond any integer orjson can write


def login(server: BackgroundServer, sim: Simulator) -> dict[str, str]:
    account = sim.account(level="advanced", verified=True)
    token = requests.post(server.url("authentication/getAccessToken"), json={"apiKey": account.api_key},
                          timeout=5).json()["data"]["accessToken"]
    return {"CJ-Access-Token": token}


def journal(server: BackgroundServer) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = requests.get(server.url("/__cjsim/journal"), timeout=5).json()["entries"]
    return entries


@pytest.mark.parametrize("path", ["shopping/order/list", "product/list"])
@pytest.mark.parametrize("param", ["pageNum", "pageSize"])
def test_a_huge_page_number_is_1600300_and_journaled(path: str, param: str) -> None:
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00", seed=1)
    with BackgroundServer(sim.app) as server:
        headers = login(server, sim)
        sim.clock.advance(1)
        answer = requests.get(server.url(path), params={param: HUGE}, headers=headers, timeout=5)
        assert answer.headers["Content-Type"].startswith("application/json"), answer.text[:200]
        body = answer.json()
        assert body["code"] == 1600300 and param in answer.headers["X-CJSim-Detail"], body
        last = journal(server)[-1]
        assert last["path"].endswith(path) and last["code"] == 1600300


def test_the_largest_page_number_is_answered() -> None:
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00", seed=1)
    with BackgroundServer(sim.app) as server:
        headers = login(server, sim)
        sim.clock.advance(1)
        body = requests.get(server.url("shopping/order/list"), params={"pageNum": 2**31 - 1},
                            headers=headers, timeout=5).json()
        assert body["code"] == 200 and body["data"]["pageNum"] == 2**31 - 1 and body["data"]["list"] == []
        sim.clock.advance(1)
        body = requests.get(server.url("shopping/order/list"), params={"pageNum": 2**31},
                            headers=headers, timeout=5).json()
        assert body["code"] == 1600300


def test_every_integer_parameter_has_bounds() -> None:
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")

    def ints(fields: tuple[Field, ...]) -> list[Field]:
        out = [f for f in fields if f.kind == "int"]
        for f in fields:
            out += ints(f.items)
        return out

    unbounded = [f"{r.path}: {f.name}" for r in sim.routes for f in ints(r.params)
                 if f.choices is None and (f.min is None or f.max is None)]
    assert unbounded == []


def test_an_integer_beyond_int64_is_1600300_even_without_bounds() -> None:
    from cjsim.params import parse_query

    with pytest.raises(Exception) as caught:
        parse_query((Field("n", "int"),), {"n": str(INT64_MAX + 1)})
    assert getattr(caught.value, "code", None) == 1600300
    assert parse_query((Field("n", "int"),), {"n": str(INT64_MAX)}) == {"n": INT64_MAX}


def test_an_answer_that_cannot_be_encoded_is_1600000_json_and_journaled() -> None:
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
    sim.routes.add(route("test/unencodable", "GET", lambda call: {"n": 2**64}, auth=False))
    with BackgroundServer(sim.app) as server:
        answer = requests.get(server.url("test/unencodable"), timeout=5)
        assert answer.status_code == 500
        assert answer.headers["Content-Type"].startswith("application/json"), answer.text[:200]
        body = json.loads(answer.content)
        assert body["code"] == 1600000 and body["code"] in SEED_CATALOGUE
        last = journal(server)[-1]
        assert last["path"] == "/api2.0/v1/test/unencodable" and last["code"] == 1600000
