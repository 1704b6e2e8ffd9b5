"""Moving the clock is one atomic step of the store (``Store.move_clock``): on every store it
lands where ``ClockMove.apply`` says, refuses an instant out of range storing nothing, and
two threads (or workers) advancing at once both count. On Redis it is one round trip."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from cjsim.clock import MAX_US, MIN_US, US, ClockMove, ClockState
from cjsim.simulator import Simulator
from cjsim.store import Store
from tests.store.test_round_trips import RoundTrips

REAL = 1_767_000_000 * US  # a real time, as Clock.move reads it
MOVES = [
    ClockMove(REAL, advance_us=5), ClockMove(REAL, advance_us=-7 * US),
    ClockMove(REAL, set_us=MAX_US), ClockMove(REAL, set_us=MIN_US),
    ClockMove(REAL, advance_us=3, freeze=True), ClockMove(REAL, advance_us=3, freeze=False),
    ClockMove(REAL, set_us=2 * US, freeze=False), ClockMove(REAL, set_us=2 * US, freeze=True),
    ClockMove(REAL), ClockMove(REAL, freeze=True), ClockMove(REAL, freeze=False),
]
STATES = [ClockState(True, frozen_at_us=1_767_225_600 * US + 1),
          ClockState(False, offset_us=-123_456_789),
          ClockState(True, frozen_at_us=MAX_US - 1), ClockState(False, offset_us=MAX_US - REAL - 2)]


@pytest.mark.parametrize("move", MOVES, ids=repr)
def test_a_move_lands_where_apply_says(store: Store, move: ClockMove) -> None:
    for state in STATES:
        store.save_clock(state)
        try:
            expected: ClockState | str = move.apply(state)
        except ValueError:
            expected = "refused"
        try:
            moved: ClockState | str | None = store.move_clock(move)
        except ValueError:
            moved = "refused"
        assert moved == expected, state
        assert store.load_clock() == (state if expected == "refused" else expected), state


@pytest.mark.parametrize("edge", [MIN_US, MAX_US])
@pytest.mark.parametrize("frozen", [True, False])
def test_the_range_is_exact_to_the_microsecond(store: Store, edge: int, frozen: bool) -> None:
    """Instants past 2^53 us (Lua's doubles) are still compared exactly."""
    start = ClockState(True, frozen_at_us=edge + 10) if frozen else ClockState(False, offset_us=edge + 10 - REAL)
    if edge == MAX_US:
        start = ClockState(True, frozen_at_us=edge - 10) if frozen else ClockState(False, offset_us=edge - 10 - REAL)
    step = 10 if edge == MAX_US else -10
    store.save_clock(start)
    with pytest.raises(ValueError, match="outside the simulator's range"):
        store.move_clock(ClockMove(REAL, advance_us=step + (1 if step > 0 else -1)))
    assert store.load_clock() == start
    moved = store.move_clock(ClockMove(REAL, advance_us=step))
    assert moved is not None and ClockMove(REAL).now(moved) == edge


def test_no_stored_clock_moves_nothing(store: Store) -> None:
    store.wipe()
    assert store.move_clock(ClockMove(REAL, advance_us=1)) is None
    assert store.load_clock() is None


def test_two_threads_advancing_at_once_both_count(make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim()
    other = make_sim(store=sim.store.url, **({"store_prefix": sim.store.prefix}  # type: ignore[attr-defined]
                                             if hasattr(sim.store, "prefix") else {}))
    if sim.store.url == "memory://":
        other = sim  # one process's memory: the same simulator from two threads
    start = sim.clock.now_us()
    steps = 150

    def advance(target: Simulator) -> None:
        for _ in range(steps):
            target.clock.advance(1)

    threads = [threading.Thread(target=advance, args=(s,)) for s in (sim, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sim.clock.now_us() - start == 2 * steps * US


@pytest.mark.parametrize("store_kind", ["redis"], indirect=True)
def test_a_clock_move_is_one_round_trip_on_redis(make_sim: Callable[..., Simulator],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    sim = make_sim()
    trips = RoundTrips()
    trips.wrap(monkeypatch, sim.store._client.connection_pool.connection_class)  # type: ignore[attr-defined]
    start = sim.clock.now_us()
    sim.clock.advance(1)  # loads the script
    trips.take()
    sim.clock.advance(1)
    sim.clock.set("2030-01-01T00:00:00+00:00")
    sim.clock.unfreeze()
    sim.clock.freeze()
    assert len(trips.take()) == 4
    assert start + 2 * US <= sim.clock.now_us()
