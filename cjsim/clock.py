"""The one clock of a simulator. Nothing else in cjsim reads the time.

Two modes:

* ``system``: ``now`` is the real time (``time.time_ns()``, read at each call, so freezegun
  in the test process drives it) plus an offset that ``advance``/``set`` move.
* ``frozen``: ``now`` is a stored instant that moves only through ``advance``/``set``.

Time is integer microseconds since the epoch (``now_us``); windows compare integers, never
floats. The mode and the offset/instant live in a :class:`ClockState` held by the store, so
several worker processes sharing one store share one simulated time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol

US = 1_000_000
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


@dataclass(frozen=True)
class ClockState:
    frozen: bool
    frozen_at_us: int = 0  # the instant, when frozen
    offset_us: int = 0  # added to the real time, when flowing


class ClockStateBackend(Protocol):
    def load_clock(self) -> ClockState | None: ...
    def save_clock(self, state: ClockState) -> None: ...


def _real_us() -> int:
    return time.time_ns() // 1000


def parse_instant(value: str | datetime) -> int:
    """An aware datetime or ISO-8601 string with an offset -> epoch microseconds."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"not an ISO-8601 time: {value!r}") from exc
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime or ISO string, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"time {value.isoformat()} has no UTC offset; give one, e.g. +08:00")
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def to_datetime(us: int, tz: timezone | None = CHINA) -> datetime:
    base = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)
    return base.astimezone(tz) if tz is not None else base


def iso(us: int, tz: timezone = CHINA, precise: bool = True) -> str:
    """ISO-8601 with a literal offset (``+08:00``, never ``Z``); microseconds only when
    ``precise`` and the instant has them (CJ's own dates are whole seconds)."""
    dt = to_datetime(us, tz)
    return dt.isoformat(timespec="microseconds" if precise and dt.microsecond else "seconds")


class Clock:
    """The simulator's time. Cheap to call: one read of the state, one of the real time."""

    def __init__(self, backend: ClockStateBackend, *, frozen: bool = False,
                 start: str | datetime | None = None) -> None:
        self._backend = backend
        self._initial = (frozen, start)
        if backend.load_clock() is None:  # a fresh store: seed it; a durable one wins
            self.reset()

    def reset(self) -> None:
        """Back to the configured start (used by ``Simulator.reset``)."""
        frozen, start = self._initial
        start_us = parse_instant(start) if start is not None else _real_us()
        if frozen:
            self._backend.save_clock(ClockState(frozen=True, frozen_at_us=start_us))
        else:
            self._backend.save_clock(ClockState(frozen=False, offset_us=start_us - _real_us()))

    @property
    def backend(self) -> ClockStateBackend:
        """Where the clock keeps its state (the store, or a layer over it)."""
        return self._backend

    def use_backend(self, backend: ClockStateBackend) -> None:
        """Put a layer between the clock and its state: the pytest plugin uses it so the
        simulator follows freezegun while a test freezes time."""
        self._backend = backend

    @property
    def state(self) -> ClockState:
        state = self._backend.load_clock()
        assert state is not None
        return state

    @property
    def frozen(self) -> bool:
        return self.state.frozen

    def now_us(self) -> int:
        state = self.state
        return state.frozen_at_us if state.frozen else _real_us() + state.offset_us

    def now(self) -> datetime:
        """Aware datetime in China time (CJ's zone for most fields)."""
        return to_datetime(self.now_us())

    def time(self) -> float:
        return self.now_us() / US

    def advance(self, seconds: float) -> int:
        if seconds != seconds or seconds in (float("inf"), float("-inf")):
            raise ValueError("advance needs a finite number of seconds")
        delta = round(seconds * US)
        state = self.state
        if state.frozen:
            self._backend.save_clock(ClockState(True, frozen_at_us=state.frozen_at_us + delta))
        else:
            self._backend.save_clock(ClockState(False, offset_us=state.offset_us + delta))
        return self.now_us()

    def set(self, when: str | datetime) -> int:
        target = parse_instant(when)
        if self.state.frozen:
            self._backend.save_clock(ClockState(True, frozen_at_us=target))
        else:
            self._backend.save_clock(ClockState(False, offset_us=target - _real_us()))
        return target

    def freeze(self) -> int:
        now = self.now_us()
        self._backend.save_clock(ClockState(True, frozen_at_us=now))
        return now

    def unfreeze(self) -> int:
        state = self.state
        if state.frozen:
            self._backend.save_clock(ClockState(False, offset_us=state.frozen_at_us - _real_us()))
        return self.now_us()

    def snapshot(self) -> dict[str, object]:
        """The control API's clock shape."""
        state = self.state
        now = state.frozen_at_us if state.frozen else _real_us() + state.offset_us
        return {"now": iso(now), "epoch": now / US, "frozen": state.frozen}
