"""The ``cj-2026`` profile's golden numbers (tests/data/cj-2026.md): the points budget, its
reset at 00:00 UTC, order conversion, and the 2026 token rules, on every store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.domain.orders import orders_ns
from tests.conftest import TOKEN, Client

LIST = "/api2.0/v1/product/list?pageNum=1&pageSize=10"
QUERY = "/api2.0/v1/product/query?productSku=CJSJBHPK01234"
SETTING = "/api2.0/v1/setting/get"
REFRESH = "/api2.0/v1/authentication/refreshAccessToken"


def answer(response: Any) -> tuple[int, int, str]:
    body = response.get_json()
    return response.status_code, body["code"], body["message"]


@pytest.fixture
def me(make_sim: Callable[..., Simulator]) -> tuple[Simulator, Client, Any]:
    sim = make_sim(seed=3, profile="cj-2026", start="2026-07-06T10:00:00+00:00")
    account = sim.account(level="advanced", verified=True)
    client = Client(sim)
    client.login(account.api_key)
    return sim, client, account


def test_a_thousand_listings_spend_the_base_and_the_next_one_is_refused(
        me: tuple[Simulator, Client, Any]) -> None:
    sim, client, account = me
    for n in range(1000):
        sim.clock.advance(1)  # the per-level and per-IP rates stay out of the way
        assert answer(client.get(LIST))[:2] == (200, 200), n
    sim.clock.advance(1)
    assert answer(client.get(LIST)) == (
        200, 16900500, "Insufficient API points. Used today: 50000, Remaining: 0, Required: 50.")
    assert client.get(LIST).get_json()["data"] is None
    assert [v["rule"] for v in sim.violations()] == ["P", "P"]
    points = sim.points_usage(account)
    assert points == {"date": "2026-07-06", "total": 50_000, "base": 50_000, "conversion": 0,
                      "used": 50_000, "remaining": 0, "usedBase": 50_000, "usedConversion": 0}


def test_a_ten_point_call_does_not_fit_in_five_and_free_interfaces_still_answer(
        me: tuple[Simulator, Client, Any]) -> None:
    sim, client, account = me
    sim.set_points(account, used=49_995)
    assert answer(client.get(QUERY)) == (
        200, 16900500, "Insufficient API points. Used today: 49995, Remaining: 5, Required: 10.")
    assert sim.points_usage(account)["used"] == 49_995  # nothing deducted
    sim.clock.advance(1)
    assert answer(client.get(SETTING))[:2] == (200, 200)
    sim.set_points(account, used=49_990)  # down as well as up
    sim.clock.advance(1)
    assert answer(client.get(QUERY))[:2] == (200, 200)
    assert sim.points_usage(account)["remaining"] == 0


def test_the_points_come_back_at_midnight_utc_not_before(
        me: tuple[Simulator, Client, Any]) -> None:
    sim, client, account = me
    sim.set_points(account, used=50_000)
    sim.clock.set("2026-07-06T23:59:59.999999+00:00")
    assert answer(client.get(LIST))[1] == 16900500
    sim.clock.set("2026-07-07T00:00:00+00:00")
    assert answer(client.get(LIST))[:2] == (200, 200)
    assert sim.points_usage(account)["used"] == 50


def test_points_status_429_is_a_knob(make_sim: Callable[..., Simulator]) -> None:
    from cjsim.profiles import build_profile

    sim = make_sim(seed=3, profile=build_profile("cj-2026", points_status=429, points_base=60),
                   start="2026-07-06T10:00:00+00:00")
    account = sim.account(level="advanced", verified=True)
    client = Client(sim)
    client.login(account.api_key)
    assert answer(client.get(LIST))[:2] == (200, 200)
    sim.clock.advance(1)
    assert answer(client.get(LIST)) == (
        429, 16900500, "Insufficient API points. Used today: 50, Remaining: 10, Required: 50.")


def test_an_order_paid_adds_its_points_from_the_next_utc_day(
        me: tuple[Simulator, Client, Any]) -> None:
    sim, _client, account = me
    now = sim.clock.now_us()
    day = 86_400 * 1_000_000
    for order_id, paid_us, amount in (("A", now - 40 * day, "25.00"),   # May/June: counts
                                      ("B", now - 200 * day, "90.00"),  # too old
                                      ("C", now - 60_000_000, "70.00")):  # today: tomorrow
        sim.store.put(orders_ns(account.open_id), order_id, {
            "orderId": order_id, "createdUs": paid_us, "paidUs": paid_us,
            "orderAmount": amount, "cancelledUs": None})
    sim.points._cache.clear()  # the orders were written behind the simulator's back
    points = sim.points_usage(account)
    assert (points["conversion"], points["total"]) == (2_500, 52_500)
    sim.clock.set("2026-07-07T00:00:00+00:00")
    assert sim.points_usage(account)["conversion"] == 7_000  # July's 70 USD now count


def test_conversion_points_are_spent_after_the_base(me: tuple[Simulator, Client, Any]) -> None:
    sim, client, account = me
    sim.set_points(account, conversion=100, used=50_060)
    assert answer(client.get(QUERY))[:2] == (200, 200)
    points = sim.points_usage(account)
    assert (points["used"], points["usedBase"], points["usedConversion"], points["remaining"]) \
        == (50_070, 50_000, 70, 30)


def login(client: Client, api_key: str) -> tuple[int, dict[str, Any]]:
    response = client.call("POST", TOKEN, json={"apiKey": api_key}, token="")
    return response.status_code, response.get_json()


def test_tokens_are_cached_for_a_day_and_asked_at_most_once_a_second(
        me: tuple[Simulator, Client, Any]) -> None:
    sim, client, account = me
    sim.clock.advance(1)
    first = client.login(account.api_key)  # the fixture's pair, answered again
    sim.clock.advance(2)
    status, again = login(client, account.api_key)
    assert status == 200 and again["data"] == first
    sim.clock.advance(0.001)
    status, refused = login(client, account.api_key)
    assert (status, refused["code"], refused["message"]) == (
        429, 1600200, "Too Many Requests, QPS limit is 1 time/1second")
    sim.clock.advance(2)
    refreshed = client.call("POST", REFRESH, json={"refreshToken": first["refreshToken"]},
                            token="").get_json()
    assert refreshed["code"] == 200
    assert refreshed["data"]["accessToken"] == first["accessToken"]
    assert refreshed["data"]["accessTokenExpiryDate"] == first["accessTokenExpiryDate"]
    sim.clock.advance(86_400)
    status, fresh = login(client, account.api_key)
    assert status == 200 and fresh["data"]["accessToken"] != first["accessToken"]
    client.token = first["accessToken"]  # the old pair stays valid until its own expiry
    assert answer(client.get(SETTING))[:2] == (200, 200)
    assert "API@CJ" not in repr(sim.store.items("token_cache"))  # sealed, never in clear
