"""The test's handle on simulated time: ``cj_clock``, sleep patching, and freezegun.

Why a wrapper around the clock's *state backend* rather than a Clock subclass: parts of the
simulator keep a bound ``clock.now_us`` from construction (the order ticker does), so only
something the existing Clock instance reads at every call can change what it answers. While
freezegun is active, the wrapper answers "frozen at freezegun's instant", so the simulator's
time *is* freezegun's time (ticking, stepping and ``move_to`` included), and a clock change
made through cjsim (``advance``, ``set``, a patched ``time.sleep``) moves freezegun too, so
the client under test and the simulator never disagree.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, SupportsIndex

from cjsim.clock import ClockMove, ClockState, ClockStateBackend, parse_instant
from cjsim.sleep import SERVER_THREAD_PREFIXES, SIMULATOR_MODULES, SleepPatch

if TYPE_CHECKING:
    from cjsim.simulator import Simulator

_EPOCH = datetime(1970, 1, 1)


def _freezegun_factory() -> Any | None:
    """The active freezegun time factory, if a ``freeze_time`` is running (any thread)."""
    api = sys.modules.get("freezegun.api")
    factories = getattr(api, "freeze_factories", None) if api is not None else None
    return factories[-1] if factories else None


def freezegun_now_us() -> int | None:
    factory = _freezegun_factory()
    if factory is None:
        return None
    moment: datetime = factory()  # naive UTC
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (moment - _EPOCH) // timedelta(microseconds=1)


class FreezegunAwareState:
    """A clock-state backend that defers to freezegun while it is active."""

    def __init__(self, inner: ClockStateBackend) -> None:
        self.inner = inner

    def load_clock(self) -> ClockState | None:
        fake = freezegun_now_us()
        if fake is None:
            return self.inner.load_clock()
        return ClockState(frozen=True, frozen_at_us=fake)

    def save_clock(self, state: ClockState) -> None:
        factory = _freezegun_factory()
        fake = freezegun_now_us()
        if factory is None or fake is None:
            self.inner.save_clock(state)
            return
        target = state.frozen_at_us if state.frozen else time.time_ns() // 1000 + state.offset_us
        if target != fake and hasattr(factory, "tick"):
            factory.tick(timedelta(microseconds=target - fake))
        self.inner.save_clock(ClockState(frozen=True, frozen_at_us=target))

    def move_clock(self, move: ClockMove) -> ClockState | None:
        if _freezegun_factory() is None:
            return self.inner.move_clock(move)
        state = self.load_clock()
        assert state is not None  # frozen at freezegun's instant
        moved = move.apply(state)
        self.save_clock(moved)
        return moved


def follow_freezegun(sim: Simulator) -> None:
    """Make ``sim``'s clock follow freezegun whenever a test freezes time (idempotent)."""
    if not isinstance(sim.clock.backend, FreezegunAwareState):
        sim.clock.use_backend(FreezegunAwareState(sim.clock.backend))


class CJClock:
    """The ``cj_clock`` fixture: the test's simulator clock, plus sleep patching."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self._patch: SleepPatch | None = None
        self._watch: RealSleepWatch | None = None

    # -- reading ------------------------------------------------------------------------
    def now(self) -> datetime:
        """The simulated now, in China time (CJ's zone)."""
        return self.sim.clock.now()

    def now_us(self) -> int:
        return self.sim.clock.now_us()

    @property
    def frozen(self) -> bool:
        return self.sim.clock.frozen

    # -- moving -------------------------------------------------------------------------
    def advance(self, seconds: float | timedelta) -> datetime:
        """Move the simulated time forward (freezegun's too, when it is active)."""
        if isinstance(seconds, timedelta):
            seconds = seconds.total_seconds()
        self.sim.clock.advance(float(seconds))
        return self.now()

    def set(self, when: str | datetime) -> datetime:
        """Jump to an ISO-8601 time with an offset, or an aware datetime."""
        parse_instant(when)  # a clear error before anything moves
        self.sim.clock.set(when)
        return self.now()

    def freeze(self) -> datetime:
        self.sim.clock.freeze()
        return self.now()

    def unfreeze(self) -> datetime:
        self.sim.clock.unfreeze()
        return self.now()

    # -- sleep ----------------------------------------------------------------------------
    def patch_sleep(self, keep_frozen: bool = False) -> SleepPatch:
        """Patch ``time.sleep`` until teardown (or the end of a ``with`` block). The clock
        then flows, unless ``keep_frozen`` (the plugin's default on a frozen clock: time
        moves only by the client's sleeps and the test's own moves)."""
        if not keep_frozen and _freezegun_factory() is None:
            self.sim.clock.unfreeze()
        if self._patch is not None and self._patch.active:
            return self._patch
        self._patch = SleepPatch(self.advance)
        return self._patch

    def watch_real_sleep(self) -> RealSleepWatch:
        """Count the client's real sleeps (``sleep="real"`` on a frozen clock)."""
        self._watch = RealSleepWatch()
        return self._watch

    def real_sleep_advice(self) -> str | None:
        """One sentence when the client slept real time while the clock stayed frozen."""
        watch = self._watch
        if watch is None or not watch.slept or not self.frozen:
            return None
        return (f"The client slept {watch.slept:.2f} s of real time ({watch.calls} time.sleep call"
                f"{'s' if watch.calls != 1 else ''}) while the simulator's clock was frozen, so simulated"
                " time did not move: drop sleep='real' from @pytest.mark.cj (time.sleep then advances"
                " the simulated clock) or move it with cj_clock.advance(seconds).")

    @property
    def slept(self) -> float:
        """Seconds the client slept through patched ``time.sleep`` (0 when not patched)."""
        return self._patch.slept if self._patch is not None else 0.0

    def close(self) -> None:
        if self._patch is not None:
            self._patch.stop()
        if self._watch is not None:
            self._watch.stop()


class RealSleepWatch:
    """``time.sleep`` unchanged, but the client's sleeps counted (not the simulator's own)."""

    def __init__(self) -> None:
        self._real = time.sleep
        self.calls = 0
        self.slept = 0.0
        self._fake = self._sleep
        time.sleep = self._fake

    def _sleep(self, seconds: float | SupportsIndex) -> None:
        caller = str(sys._getframe(1).f_globals.get("__name__", ""))
        if not (caller.startswith(SIMULATOR_MODULES)
                or threading.current_thread().name.startswith(SERVER_THREAD_PREFIXES)):
            self.calls += 1
            self.slept += max(float(seconds), 0.0)
        self._real(seconds)

    def stop(self) -> None:
        if time.sleep is self._fake:
            time.sleep = self._real


__all__ = ["CJClock", "FreezegunAwareState", "RealSleepWatch", "SleepPatch", "follow_freezegun", "freezegun_now_us"]
