"""Calendar windows in a time zone: which window an instant falls in, and when it ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cjsim.clock import US

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(dt: datetime) -> int:
    delta = dt - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def calendar_window(calendar: str, now_us: int, zone: ZoneInfo) -> tuple[str, int, int]:
    """(window id, start, end) of the calendar window holding ``now_us``; end is exclusive.

    ``total`` never ends. Days, hours, months, quarters and years follow the zone's local
    calendar, so the day resets at local midnight ("tomorrow"), DST included.
    """
    if calendar == "total":
        return "total", 0, 0
    local = (_EPOCH + timedelta(microseconds=now_us)).astimezone(zone)
    if calendar == "hour":
        start = local.replace(minute=0, second=0, microsecond=0)
        end = (start.astimezone(UTC) + timedelta(hours=1)).astimezone(zone)
        wid = start.strftime("%Y-%m-%dT%H")
    elif calendar == "day":
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        nxt = start.date() + timedelta(days=1)
        end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=zone)
        wid = start.strftime("%Y-%m-%d")
    elif calendar in ("month", "quarter", "year"):
        months = {"month": 1, "quarter": 3, "year": 12}[calendar]
        first = ((local.month - 1) // months) * months + 1
        start = datetime(local.year, first, 1, tzinfo=zone)
        total = local.year * 12 + first - 1 + months
        end = datetime(total // 12, total % 12 + 1, 1, tzinfo=zone)
        wid = f"{local.year}-{first:02d}/{calendar[0]}"
    else:
        raise ValueError(f"unknown calendar window {calendar!r}")
    return wid, _us(start), _us(end)


class CalendarCache:
    """Remembers the current window per calendar so the hot path skips tz arithmetic."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._cache: dict[str, tuple[str, int, int]] = {}

    def window(self, calendar: str, now_us: int) -> tuple[str, int, int]:
        hit = self._cache.get(calendar)
        if hit is not None and hit[1] <= now_us < hit[2]:
            return hit
        window = calendar_window(calendar, now_us, self.zone)
        if calendar != "total":
            self._cache[calendar] = window
        return window
