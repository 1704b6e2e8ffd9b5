"""The one clock: system mode follows time.time() (freezegun), frozen mode moves on command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from cjsim.clock import US, Clock, iso, parse_instant
from cjsim.store import MemoryStore

START = "2026-01-05T10:00:00+08:00"


def frozen() -> Clock:
    return Clock(MemoryStore(), frozen=True, start=START)


def test_frozen_clock_does_not_move_by_itself() -> None:
    clock = frozen()
    first = clock.now_us()
    assert clock.now_us() == first == parse_instant(START)


def test_advance_moves_by_exact_microseconds() -> None:
    clock = frozen()
    before = clock.now_us()
    clock.advance(0.999999)
    assert clock.now_us() - before == 999_999
    clock.advance(86_400 * 15)
    assert clock.now_us() - before == 999_999 + 15 * 86_400 * US


def test_set_accepts_iso_strings_and_aware_datetimes() -> None:
    clock = frozen()
    clock.set("2026-02-01T00:00:00Z")
    assert clock.now() == datetime(2026, 2, 1, tzinfo=UTC)
    clock.set(datetime(2026, 3, 1, 8, tzinfo=timezone(timedelta(hours=8))))
    assert iso(clock.now_us()) == "2026-03-01T08:00:00+08:00"


def test_set_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="offset"):
        frozen().set("2026-02-01T00:00:00")


def test_system_clock_follows_freezegun() -> None:
    with freeze_time("2026-01-05 02:00:00", tz_offset=0) as frozen_time:
        clock = Clock(MemoryStore())
        assert iso(clock.now_us()) == "2026-01-05T10:00:00+08:00"
        frozen_time.tick(timedelta(seconds=90))
        assert iso(clock.now_us()) == "2026-01-05T10:01:30+08:00"


def test_system_clock_with_offset_keeps_flowing_with_real_time() -> None:
    with freeze_time("2026-01-05 02:00:00") as frozen_time:
        clock = Clock(MemoryStore(), start="2030-01-01T00:00:00+00:00")
        assert not clock.frozen
        frozen_time.tick(timedelta(seconds=5))
        assert clock.now() == datetime(2030, 1, 1, 0, 0, 5, tzinfo=UTC)
        clock.advance(60)
        assert clock.now() == datetime(2030, 1, 1, 0, 1, 5, tzinfo=UTC)


def test_freeze_and_unfreeze_keep_the_current_instant() -> None:
    with freeze_time("2026-01-05 02:00:00") as frozen_time:
        clock = Clock(MemoryStore())
        clock.advance(10)
        stopped = clock.freeze()
        frozen_time.tick(timedelta(seconds=30))
        assert clock.now_us() == stopped
        clock.unfreeze()
        frozen_time.tick(timedelta(seconds=2))
        assert clock.now_us() == stopped + 2 * US


def test_reset_returns_to_the_start() -> None:
    clock = frozen()
    clock.advance(1000)
    clock.reset()
    assert clock.now_us() == parse_instant(START)


@pytest.mark.parametrize("seconds", [10**400, -(10**400), 2**64, float("inf")])
def test_advance_past_the_range_is_a_value_error(seconds: float) -> None:
    """An integer past float's range (a sleep patched onto the clock may be given one) is
    refused as out of range, not with an OverflowError from a float conversion."""
    clock = frozen()
    before = clock.now_us()
    with pytest.raises(ValueError):
        clock.advance(seconds)
    assert clock.now_us() == before


def test_advance_refuses_nan() -> None:
    with pytest.raises(ValueError):
        frozen().advance(float("nan"))


def test_iso_uses_a_literal_china_offset_never_z() -> None:
    assert iso(parse_instant("2026-01-05T01:30:12Z"), precise=False) == "2026-01-05T09:30:12+08:00"


def test_control_api_drives_the_clock(client) -> None:  # type: ignore[no-untyped-def]
    http = client.http
    got = http.get("/__cjsim/clock").get_json()
    assert got == {"now": START, "epoch": parse_instant(START) / US, "frozen": True}
    moved = http.post("/__cjsim/clock", json={"advance": 90.5}).get_json()
    assert moved["now"] == "2026-01-05T10:01:30.500000+08:00"
    moved = http.post("/__cjsim/clock", json={"set": "2026-01-06T00:00:00+08:00"}).get_json()
    assert moved["now"] == "2026-01-06T00:00:00+08:00"
    assert http.post("/__cjsim/clock", json={"freeze": False}).get_json()["frozen"] is False
    assert http.post("/__cjsim/clock", json={"freeze": True}).get_json()["frozen"] is True


@pytest.mark.parametrize("body", [{}, {"advance": "ten"}, {"set": "yesterday"},
                                  {"set": "2026-01-01T00:00:00"}, {"freeze": "yes"},
                                  {"jump": 3}, [1, 2]])
def test_control_api_clock_rejects_bad_input_with_a_reason(client, body) -> None:  # type: ignore[no-untyped-def]
    response = client.http.post("/__cjsim/clock", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]


@settings(max_examples=500)
@given(st.integers(min_value=-2_000_000_000 * 1_000_000, max_value=4_000_000_000 * 1_000_000))
def test_the_iso_writer_writes_what_iso_writes(us: int) -> None:
    from cjsim.clock import IsoWriter

    write = IsoWriter()
    assert write(us) == iso(us)
    assert write(us - us % 1_000_000) == iso(us - us % 1_000_000)  # the whole second: no fraction
    assert write(us + 1) == iso(us + 1)  # from the cached second (or the next)
    assert IsoWriter(timezone(timedelta(hours=-5, minutes=-30)))(us) == iso(us, timezone(timedelta(hours=-5, minutes=-30)))
