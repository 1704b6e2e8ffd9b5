"""The bundled library: every scenario loads, validates, says what it proves, and does it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from cjsim import Simulator
from cjsim.scenario import bundled, load
from cjsim.server import BackgroundServer
from tests.scenario.conftest import Driver, SimFactory
from tests.shop import DEMO_SKU, order_body

DAILY = ("Too Many Requests, Sorry, you have reached the daily request limit (1000 times/day). "
         "Number of requests made: 1000. Please try again tomorrow.")
Effect = Callable[[Simulator], None]
EFFECTS: dict[str, Effect] = {}


def effect(name: str) -> Callable[[Effect], Effect]:
    def register(fn: Effect) -> Effect:
        EFFECTS[name] = fn
        return fn
    return register


def driver(sim: Simulator, email: str | None = None) -> Driver:
    d = Driver(sim, email)
    d.login()
    return d


@pytest.mark.parametrize("name", bundled.names())
def test_every_bundled_scenario_loads_and_explains_itself(name: str) -> None:
    scenario = load(name)
    assert scenario.name == name
    assert scenario.source == f"bundled:{name}"
    words = scenario.description.split()
    assert len(words) >= 30, "a paragraph: what it sets up and what it proves"
    assert "Proves" in scenario.description or "proves" in scenario.description


def test_the_library_is_big_enough_and_every_scenario_has_an_effect_test() -> None:
    assert len(bundled.names()) >= 12
    assert set(EFFECTS) == set(bundled.names())


@pytest.mark.parametrize("name", bundled.names())
def test_bundled_scenario_shows_its_effect(make: SimFactory, name: str) -> None:
    EFFECTS[name](make(name))


# -- one effect per scenario ---------------------------------------------------------------------
@effect("daily-quota-exhausted")
def _daily(sim: Simulator) -> None:
    d = driver(sim)
    assert [d.code() for _ in range(3)] == [200, 200, 200]
    fourth = d.get("product/list")
    assert (fourth["code"], fourth["message"]) == (1600200, DAILY)
    assert d.code("product/listV2") == 200
    usage = sim.usage(d.account)["daily"]
    assert {"path": "/api2.0/v1/product/list", "count": 1000, "remaining": 0}.items() <= usage[0].items()


@effect("free-level-qps")
def _free(sim: Simulator) -> None:
    d = driver(sim)
    assert d.code("setting/get", advance=1) == 200
    second = d.open("GET", "setting/get", advance=0.999999)
    assert (second.status_code, second.get_json()["code"], second.get_json()["message"]) == (
        200, 1600200, "Too Many Requests, QPS limit is 1 time/1second")
    assert d.code("setting/get", advance=0.000001) == 200


@effect("token-expires-mid-run")
def _token_expires(sim: Simulator) -> None:
    d = driver(sim)
    assert d.code("setting/get") == 200
    sim.clock.set("2026-01-05T10:09:59+08:00")
    assert d.code("setting/get", advance=0) == 200
    assert d.code("setting/get") == 1600001  # 10:10:00
    refreshed = d.post("authentication/refreshAccessToken", {"refreshToken": d.refresh_token})
    assert refreshed["code"] == 200
    d.token = refreshed["data"]["accessToken"]
    assert d.code("setting/get") == 200


@effect("refresh-token-revoked")
def _refresh_revoked(sim: Simulator) -> None:
    d = driver(sim)
    refused = d.post("authentication/refreshAccessToken", {"refreshToken": d.refresh_token})
    assert refused["code"] == 1600003
    assert d.code("setting/get") == 1600001
    early = d.http.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": d.api_key})
    assert (early.status_code, early.get_json()["code"]) == (429, 1600200)  # once per 5 minutes
    sim.clock.advance(300)
    d.login()
    assert d.code("setting/get") == 200


@effect("system-busy-burst")
def _busy(sim: Simulator) -> None:
    d = driver(sim)
    answers = [d.get("product/list") for _ in range(6)]
    assert [a["code"] for a in answers] == [200, 200, 1600000, 1600000, 1600000, 200]
    assert answers[2]["message"] == "System busy"
    assert sim.faults.describe()["faults"][0]["fired"] == 3


@effect("throttle-as-http-429")
def _as_429(sim: Simulator) -> None:
    d = driver(sim)
    assert d.code("setting/get") == 200
    second = d.open("GET", "setting/get")
    assert (second.status_code, second.get_json()["code"]) == (429, 1600200)


@effect("interface-offline-window")
def _offline(sim: Simulator) -> None:
    d = driver(sim)
    assert d.code() == 200
    sim.clock.set("2026-01-05T10:00:59+08:00")
    assert [d.code(), d.code("product/listV2")] == [1600100, 200]  # 10:01:00, 10:01:01
    sim.clock.set("2026-01-05T10:10:58+08:00")
    assert d.code() == 1600100  # 10:10:59
    assert d.code() == 200  # 10:11:00


@effect("balance-insufficient")
def _balance(sim: Simulator) -> None:
    d = driver(sim)
    vid = d.get("product/query", productSku=DEMO_SKU)["data"]["variants"][0]["vid"]
    before = sim.store.items(f"orders:{d.account.open_id}")
    paid_now = d.post("shopping/order/createOrderV2", order_body(vid, payType=2))
    assert paid_now["code"] == 1604000 and paid_now["message"].startswith("Balance is insufficient")
    assert sim.store.items(f"orders:{d.account.open_id}") == before  # stored nothing
    order_id = d.post("shopping/order/createOrderV2", order_body(vid, payType=3))["data"]["orderId"]
    assert d.open("PATCH", "shopping/order/confirmOrder", advance=1, json={"orderId": order_id}).get_json()["code"] == 200
    assert d.post("shopping/pay/payBalance", {"orderId": order_id})["code"] == 1604000
    assert str(sim.accounts.get(d.account.open_id).balance) == "5.00"  # type: ignore[union-attr]


@effect("slow-gateway")
def _slow(sim: Simulator) -> None:
    d = driver(sim)
    before = sim.clock.now_us()
    started = time.monotonic()
    assert d.code("product/list", advance=0) == 200
    assert time.monotonic() - started >= 0.25
    assert sim.clock.now_us() == before  # wall time only
    assert d.code("setting/get") == 200
    # which calls the delay held is read from the journal, not from a wall-time upper bound
    faults = {e["path"].rsplit("/v1/", 1)[-1]: e.get("fault") for e in sim.journal()[-2:]}
    assert faults["product/list"] and not faults["setting/get"], faults


@effect("gateway-html-502")
def _html(sim: Simulator) -> None:
    d = driver(sim)
    assert d.code() == 200
    page = d.open("GET", "product/list", advance=1)
    assert page.status_code == 502 and page.headers["Content-Type"] == "text/html"
    assert b"<title>502 Bad Gateway</title>" in page.data and b"nginx" in page.data
    assert d.code() == 200


@effect("connection-reset")
def _reset(sim: Simulator) -> None:
    d = driver(sim)
    assert d.code() == 200
    with BackgroundServer(sim.app) as server:
        sim.clock.advance(1)
        with pytest.raises(requests.ConnectionError):
            requests.get(server.url("product/list"), headers={"CJ-Access-Token": d.token}, timeout=5)
    assert d.code() == 200


@effect("malformed-json-response")
def _malformed(sim: Simulator) -> None:
    d = driver(sim)
    assert d.code() == 200
    cut = d.open("GET", "product/list", advance=1)
    assert cut.status_code == 200 and cut.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        json.loads(cut.data)
    empty = d.open("GET", "product/list", advance=1)
    assert (empty.status_code, empty.data) == (200, b"")
    assert d.code() == 200


@effect("false-negative-order-create")
def _false_negative(sim: Simulator) -> None:
    d = driver(sim)
    vid = d.get("product/query", productSku=DEMO_SKU)["data"]["variants"][0]["vid"]
    body = order_body(vid)
    answer = d.post("shopping/order/createOrderV2", body)
    assert answer["code"] == 1603000
    detail = d.get("shopping/order/getOrderDetail", orderId=body["orderNumber"])
    assert detail["code"] == 200 and detail["data"]["orderStatus"] == "CREATED"
    assert d.post("shopping/order/createOrderV2", body)["code"] == 1603000  # no duplicate
    fresh = d.post("shopping/order/createOrderV2", order_body(vid))
    assert fresh["code"] == 200  # only the first create was faulted


@effect("midnight-rollover")
def _midnight(sim: Simulator) -> None:
    d = driver(sim)
    assert d.get("product/list")["message"] == DAILY  # 23:59:51
    sim.clock.set("2026-01-05T23:59:59.999999+08:00")
    assert d.get("product/list", advance=0)["message"] == DAILY
    sim.clock.set("2026-01-06T00:00:00+08:00")
    assert d.code(advance=0) == 200


@effect("three-accounts-one-ip")
def _one_ip(sim: Simulator) -> None:
    tenants = [driver(sim, f"tenant-{x}@example.com") for x in "abc"]
    sim.clock.advance(1)
    answers: list[dict[str, Any]] = []
    for _ in range(6):
        for tenant in tenants:
            answers.append(tenant.get("setting/get", advance=0))
    assert [a["code"] for a in answers[:10]] == [200] * 10
    assert {a["code"] for a in answers[10:]} == {1600200}
    assert answers[10]["message"] == "Too Many Requests, QPS limit is 10 time/1second"
    assert {v["rule"] for v in sim.violations()} == {"R1"}


@effect("truncated-response")
def _truncated(sim: Simulator) -> None:
    d = driver(sim)
    pid = d.get("product/list")["data"]["list"][0]["pid"]
    assert d.get("product/query", pid=pid)["code"] == 200
    cut = d.open("GET", "product/query", advance=1, query_string={"pid": pid})
    assert len(cut.data) == 40 and int(cut.headers["Content-Length"]) > 40
    assert sim.journal()[-1]["code"] == 200  # the query ran and was counted


@effect("flaky-network")
def _flaky(sim: Simulator) -> None:
    d = driver(sim)
    seen = [d.open("GET", "product/list", advance=1) for _ in range(100)]
    kinds = [r.status_code if r.status_code != 200 else r.get_json()["code"] for r in seen]
    busy, gateway = kinds.count(1600000), kinds.count(503)
    assert 3 <= busy <= 20 and 1 <= gateway <= 12, (busy, gateway)
    assert kinds.count(200) == 100 - busy - gateway
    again = Simulator(scenario="flaky-network")
    try:
        d2 = driver(again)
        kinds2 = [r.status_code if r.status_code != 200 else r.get_json()["code"]
                  for r in (d2.open("GET", "product/list", advance=1) for _ in range(100))]
    finally:
        again.close()
    assert kinds2 == kinds  # the seed replays the same bad day


@effect("level-downgrade-mid-run")
def _downgrade(sim: Simulator) -> None:
    d = driver(sim)
    assert d.get("setting/get")["data"]["setting"]["qpsLimit"] == 4
    assert [d.code("setting/get", advance=0) for _ in range(3)] == [200, 200, 200]  # 4 in that second
    sim.clock.set("2026-01-05T10:01:00+08:00")
    assert d.get("setting/get", advance=0)["data"]["setting"]["qpsLimit"] == 1
    second = d.get("setting/get", advance=0)
    assert (second["code"], second["message"]) == (1600200, "Too Many Requests, QPS limit is 1 time/1second")
