"""The limiter's parts: calendar windows, the memory store's windows, and bounds."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from cjsim.clock import US, parse_instant
from cjsim.limits.windows import calendar_window
from cjsim.store import MemoryStore, WindowCheck
from cjsim.store.memory import _PRUNE_AFTER_US
from tests.conftest import Client

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("calendar, at, wid, start, end", [
    ("day", "2026-01-05T23:59:59.999999+08:00", "2026-01-05",
     "2026-01-05T00:00:00+08:00", "2026-01-06T00:00:00+08:00"),
    ("hour", "2026-01-05T10:30:00+08:00", "2026-01-05T10",
     "2026-01-05T10:00:00+08:00", "2026-01-05T11:00:00+08:00"),
    ("month", "2026-12-15T00:00:00+08:00", "2026-12/m",
     "2026-12-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00"),
    ("quarter", "2026-05-15T00:00:00+08:00", "2026-04/q",
     "2026-04-01T00:00:00+08:00", "2026-07-01T00:00:00+08:00"),
    ("year", "2026-05-15T00:00:00+08:00", "2026-01/y",
     "2026-01-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00"),
])
def test_calendar_windows(calendar: str, at: str, wid: str, start: str, end: str) -> None:
    assert calendar_window(calendar, parse_instant(at), SH) == (
        wid, parse_instant(start), parse_instant(end))


def test_day_window_follows_dst_in_a_dst_zone() -> None:
    ny = ZoneInfo("America/New_York")
    wid, start, end = calendar_window("day", parse_instant("2026-03-08T12:00:00-04:00"), ny)
    assert wid == "2026-03-08" and (end - start) == 23 * 3600 * US


def test_sliding_window_holds_a_bounded_number_of_timestamps() -> None:
    """At most `limit` per period, over the period plus the late-request slack and the
    batch the store lets old hits gather before it drops them."""
    store = MemoryStore()
    check = WindowCheck("k", limit=3, period_us=US)
    for i in range(10_000):  # 100/s for 100 s, 3/s accepted
        store.limit([check], 10 * US + i * 10_000, commit=True)
        assert len(store._sliding["k"][1]) <= 3 * (1 + _PRUNE_AFTER_US // US + 1)
    same_instant = MemoryStore()
    for _ in range(100):
        same_instant.limit([check], US, commit=True)
    assert len(same_instant._sliding["k"][1]) == 3


def test_all_or_nothing_commit() -> None:
    store = MemoryStore()
    a, b = WindowCheck("a", 5, US), WindowCheck("b", 1, US)
    assert store.limit([a, b], US, commit=True).committed
    result = store.limit([a, b], US, commit=True)
    assert result.failed == 1 and not result.committed
    assert store.peek([a, b], US) == (1, 1)  # `a` was not counted for the rejected request


def test_past_calendar_counters_are_dropped() -> None:
    store = MemoryStore()
    for day in range(50):
        check = WindowCheck("daily", 10, 0, f"day-{day}", (day + 1) * 86_400 * US)
        store.limit([check], day * 86_400 * US, commit=True)
    assert len(store._fixed) == 1


def test_windows_of_idle_keys_are_swept() -> None:
    store = MemoryStore()
    for i in range(10_000):
        store.limit([WindowCheck(f"ip-{i}", 10, US)], i * US, commit=True)
    assert store.window_keys() < 5_000


def test_a_full_simulated_day_of_traffic(make_sim) -> None:  # type: ignore[no-untyped-def]
    """1,000 calls, the reset at midnight, the next day's first call (functional; the wall
    time is measured in benchmarks/)."""
    sim = make_sim(start="2026-01-05T08:00:00+08:00")
    account = sim.account(level="free")
    client = Client(sim)
    client.login(account.api_key)
    codes = []
    for _ in range(1001):
        sim.clock.advance(1)
        codes.append(client.get("setting/get").get_json()["code"])
    assert codes.count(200) == 1000 and codes[-1] == 1600200
    sim.clock.set("2026-01-06T00:00:00+08:00")
    assert client.get("setting/get").get_json()["code"] == 200


def test_recorded_calls_fill_only_the_windows_of_their_role(make_sim) -> None:  # type: ignore[no-untyped-def]
    """``Simulator.record_calls`` (a scenario's callsToday) counts in the daily window, as far
    as its limit, and leaves the rate windows alone."""
    sim = make_sim()
    account = sim.account(level="free")
    path = "/api2.0/v1/setting/get"
    sim.record_calls(account, path, 998, sim.clock.now_us(), role="daily")
    usage = sim.usage(account)
    assert [(d["path"], d["count"]) for d in usage["daily"]] == [(path, 998)]
    assert usage["qps"]["inWindow"] == 0  # the account rate window counted nothing
    sim.record_calls(account, path, 5, sim.clock.now_us(), role="daily")  # 2 fit, 3 do not
    assert [d["count"] for d in sim.usage(account)["daily"]] == [1000]
    client = Client(sim)
    client.login(account.api_key)
    sim.clock.advance(1)
    answer = client.get("setting/get").get_json()
    assert answer["code"] == 1600200 and "Number of requests made: 1000" in answer["message"]
