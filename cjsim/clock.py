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

import re
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import NamedTuple, Protocol

US = 1_000_000
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")

# The instants a clock may show, with room to spare for every instant derived from now (a
# token's expiry, a window's end) to still be a date in any zone: a move past them is
# refused before it is stored, not found broken by the next reader.
MIN_US = 0  # 1970-01-01T00:00:00Z
MAX_US = 221_845_392_000 * US  # 9000-01-01T00:00:00Z
_SPAN_S = (MAX_US - MIN_US) / US  # the longest move there is, in seconds
_INFINITIES = (float("inf"), float("-inf"))
# A duration is a few numbers with units: "+5m", "1h30m", "-500ms" (scenario timelines and
# the control API's clock share this one parser).
_DURATION_PART = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,6}))?(ms|s|m|h|d)")
_DURATION = re.compile(r"(?:[0-9]{1,12}(?:\.[0-9]{1,6})?(?:ms|s|m|h|d))+")
_UNIT_US = {"ms": 1_000, "s": US, "m": 60 * US, "h": 3_600 * US, "d": 86_400 * US}
DURATION_FORMS = "+500ms, +30s, +10m, +1h30m or +2d"


def check_zone(name: str) -> str:
    """``name`` if it names an IANA time zone, else ValueError ``unknown time zone 'name'``.

    Every way ``ZoneInfo`` refuses a name is one answer: not found, not a key ("", "/x",
    "../x") and a directory of the zone database ("America": an OSError)."""
    from zoneinfo import ZoneInfo  # lazily: `import cjsim` stays light

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


def in_range(us: int) -> bool:
    return MIN_US <= us <= MAX_US


def out_of_range(what: str = "the time") -> ValueError:
    return ValueError(f"{what} would be outside the simulator's range "
                      "(1970-01-01T00:00:00Z .. 9000-01-01T00:00:00Z)")


def check_instant(us: int, what: str = "the time") -> int:
    """``us`` when a clock may show it, else a ValueError naming the range."""
    if not in_range(us):
        raise out_of_range(what)
    return us


def parse_duration(text: object, *, sign: str = "+") -> int:
    """A duration -> microseconds. ``sign="+"``: a leading ``+`` is required (scenario
    timelines: ``+1h30m``); ``sign="any"``: ``5m``, ``+5m`` or ``-5m`` (negative)."""
    body = text if isinstance(text, str) else ""
    negative = False
    if sign == "+":
        ok = body.startswith("+")
        body = body[1:]
    else:
        if body[:1] in ("+", "-"):
            negative, body = body[0] == "-", body[1:]
        ok = True
    if not ok or not _DURATION.fullmatch(body):
        shown = repr(text) if not isinstance(text, str) or len(text) <= 40 else repr(text[:37] + "...")
        raise ValueError(f"expected a duration such as {DURATION_FORMS}, got {shown}")
    total = 0
    for whole, fraction, unit in _DURATION_PART.findall(body):
        scale = _UNIT_US[unit]
        total += int(whole) * scale
        if fraction:
            total += int(fraction) * scale // 10 ** len(fraction)
    return -total if negative else total


class ClockState(NamedTuple):
    """The clock as stored (immutable; a NamedTuple: every clock move makes one)."""

    frozen: bool
    frozen_at_us: int = 0  # the instant, when frozen
    offset_us: int = 0  # added to the real time, when flowing


class ClockMove(NamedTuple):
    """One change of the clock (``Clock.move``), read against the real time ``real_us``:
    ``set_us`` (or now plus ``advance_us``) becomes now, then ``freeze`` (None: keep the
    mode) freezes or unfreezes the clock there."""

    real_us: int
    advance_us: int = 0
    set_us: int | None = None
    freeze: bool | None = None

    def now(self, state: ClockState) -> int:
        return state.frozen_at_us if state.frozen else self.real_us + state.offset_us

    def apply(self, state: ClockState) -> ClockState:
        """The state after the move (ValueError if now would leave the clock's range)."""
        target = self.set_us if self.set_us is not None else self.now(state) + self.advance_us
        check_instant(target)
        frozen = state.frozen if self.freeze is None else self.freeze
        if frozen:
            return ClockState(True, frozen_at_us=target)
        return ClockState(False, offset_us=target - self.real_us)


class ClockStateBackend(Protocol):
    def load_clock(self) -> ClockState | None: ...
    def save_clock(self, state: ClockState) -> None: ...

    def move_clock(self, move: ClockMove) -> ClockState | None:
        """Apply ``move`` to the stored state as one atomic step (one round trip on Redis:
        two workers advancing at once both count) and return the new state; None, storing
        nothing, when no state is stored. A ValueError from ``move`` stores nothing."""


def _real_us() -> int:
    return time.time_ns() // 1000


def system_now_us() -> int:
    """The real time, for the one check made before a simulator's clock exists (where a
    scenario's relative times will land when it starts now)."""
    return _real_us()


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
    try:
        delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    except OverflowError:
        raise ValueError(f"time {value.isoformat()} is out of range") from None
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def to_datetime(us: int, tz: timezone | None = CHINA) -> datetime:
    base = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)
    return base.astimezone(tz) if tz is not None else base


def iso(us: int, tz: timezone = CHINA, precise: bool = True) -> str:
    """ISO-8601 with a literal offset (``+08:00``, never ``Z``); microseconds only when
    ``precise`` and the instant has them (CJ's own dates are whole seconds)."""
    dt = to_datetime(us, tz)
    return dt.isoformat(timespec="microseconds" if precise and dt.microsecond else "seconds")


class IsoWriter:
    """``iso`` for many instants close together (a journal page): the date, time and offset
    are formatted once per whole second, the microseconds pasted in. Same text as ``iso``."""

    def __init__(self, tz: timezone = CHINA) -> None:
        self.tz = tz
        self._seconds: dict[int, str] = {}

    def __call__(self, us: int) -> str:
        second, micro = divmod(us, US)
        text = self._seconds.get(second)
        if text is None:
            if len(self._seconds) > 4096:
                self._seconds.clear()
            text = self._seconds[second] = iso(second * US, self.tz)
        return text if not micro else f"{text[:19]}.{micro:06d}{text[19:]}"


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
        """Move by ``seconds`` (ValueError, and nothing stored, if the result is out of range)."""
        if seconds != seconds or seconds in _INFINITIES:  # an int of any size is finite
            raise ValueError("advance needs a finite number of seconds")
        if abs(seconds) > _SPAN_S:
            check_instant(MAX_US + 1)
        return self.move(advance_us=round(seconds * US))

    def set(self, when: str | datetime) -> int:
        return self.move(set_us=parse_instant(when))

    def move(self, *, advance_us: int | None = None, set_us: int | None = None,
             freeze: bool | None = None) -> int:
        """One change of the clock, checked first and stored once (atomically: see
        ``ClockStateBackend.move_clock``): ``set_us`` (or now plus ``advance_us``) becomes
        now, then ``freeze`` freezes or unfreezes the clock there. Freezing right after a
        set freezes exactly at the set instant."""
        if set_us is not None:
            check_instant(set_us)
        move = ClockMove(_real_us(), advance_us or 0, set_us, freeze)
        state = self._backend.move_clock(move)
        assert state is not None
        return move.now(state)

    def freeze(self) -> int:
        return self.move(freeze=True)

    def unfreeze(self) -> int:
        return self.move(freeze=False)

    def snapshot(self) -> dict[str, object]:
        """The control API's clock shape."""
        state = self.state
        now = state.frozen_at_us if state.frozen else _real_us() + state.offset_us
        return {"now": iso(now), "epoch": now / US, "frozen": state.frozen}
