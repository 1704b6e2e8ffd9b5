"""API points (docs/rules.md, "Points"): a day's budget = base + order conversion.

The budget itself is a rule row (role ``budget``, ``limit_from=PointsTotal``) counted by the
engine like any calendar window; this module computes each account's conversion points for a
day and reads or sets the day's window for the control API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from cjsim.limits.rules import Rule
from cjsim.limits.windows import calendar_window

if TYPE_CHECKING:
    from cjsim.limits.engine import Limiter, Subject
    from cjsim.profiles.model import Profile
    from cjsim.store import Store

OVERRIDES = "points"  # store namespace: "<openId>|<day>" -> {"conversion": N}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class PointsTotal:
    """``limit_from`` of a points rule: base points + the caller's order conversion."""

    base: int

    def __call__(self, subject: Subject) -> int | None:
        return self.base + subject.points if subject.points else None

    def rebased(self, base: int) -> PointsTotal:
        return PointsTotal(base)

    @property
    def __name__(self) -> str:  # GET /__cjsim/profile names the limit's source
        return "base + order conversion"


def points_rule(profile: Profile) -> Rule | None:
    for rule in profile.rules.with_role("budget"):
        if rule.enabled and isinstance(rule.limit_from, PointsTotal):
            return rule
    return None


def conversion_of(paid: Iterable[tuple[int, Decimal]], day_start_us: int, zone: ZoneInfo,
                  per_usd: int) -> int:
    """Points for the day starting at ``day_start_us``: ``per_usd`` x the largest monthly
    sum of paid amounts among the 3 calendar months ending with yesterday's month. Orders
    paid today count from tomorrow."""
    yesterday = (_EPOCH + timedelta(microseconds=day_start_us - 1)).astimezone(zone)
    months = []
    for back in range(3):
        total = yesterday.year * 12 + yesterday.month - 1 - back
        months.append((total // 12, total % 12 + 1))
    sums = dict.fromkeys(months, Decimal(0))
    for paid_us, amount in paid:
        if paid_us >= day_start_us:
            continue
        when = (_EPOCH + timedelta(microseconds=paid_us)).astimezone(zone)
        month = (when.year, when.month)
        if month in sums:
            sums[month] += amount
    return int(max(sums.values()) * per_usd)


class Points:
    """Each account's conversion points per day (cached: a day's value never changes, but for
    a control-API override), and the day's usage."""

    def __init__(self, store: Store, profile: Callable[[], Profile],
                 paid_orders: Callable[[int], list[tuple[int, Decimal]]]) -> None:
        self.store = store
        self.profile = profile
        self.paid_orders = paid_orders
        self._cache: dict[tuple[int, str], int] = {}
        self._day: tuple[str, int, int, str] | None = None  # (tz, start, end, id)

    def day(self, rule: Rule, now_us: int) -> tuple[str, int, int]:
        tz = rule.tz or self.profile().tz
        hit = self._day
        if hit is not None and hit[0] == tz and hit[1] <= now_us < hit[2]:
            return hit[3], hit[1], hit[2]
        wid, start, end = calendar_window("day", now_us, ZoneInfo(tz))
        self._day = (tz, start, end, wid)
        return wid, start, end

    def conversion(self, open_id: int, now_us: int) -> int:
        """Today's conversion points of ``open_id`` (0 when the profile has none)."""
        profile = self.profile()
        if not profile.points_per_usd:
            return 0
        rule = points_rule(profile)
        if rule is None:
            return 0
        wid, start, _ = self.day(rule, now_us)
        key = (open_id, wid)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        override = self.store.get(OVERRIDES, f"{open_id}|{wid}")
        if override is not None:
            value = int(override["conversion"])
        else:
            value = conversion_of(self.paid_orders(open_id), start,
                                  ZoneInfo(rule.tz or profile.tz), profile.points_per_usd)
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[key] = value
        return value

    def set_conversion(self, open_id: int, value: int, now_us: int) -> None:
        rule = points_rule(self.profile())
        if rule is None:
            raise ValueError("this profile has no points budget")
        wid, _, _ = self.day(rule, now_us)
        self.store.put(OVERRIDES, f"{open_id}|{wid}", {"conversion": value})
        self._cache.pop((open_id, wid), None)

    def usage(self, limiter: Limiter, subject: Subject, now_us: int) -> dict[str, Any] | None:
        """``{"date", "total", "base", "conversion", "used", "remaining"}`` for today."""
        rule = points_rule(self.profile())
        if rule is None or not isinstance(rule.limit_from, PointsTotal):
            return None
        wid, _, _ = self.day(rule, now_us)
        base = rule.limit_from.base
        check = self._check(limiter, subject, now_us, rule)
        used = self.store.peek([check], now_us)[0] if check is not None else 0
        total = base + subject.points
        return {"date": wid, "total": total, "base": base, "conversion": subject.points,
                "used": used, "remaining": max(0, total - used),
                "usedBase": min(used, base), "usedConversion": max(0, used - base)}

    def set_used(self, limiter: Limiter, subject: Subject, used: int, now_us: int) -> None:
        """Put today's window at ``used`` points (a test that starts near exhaustion)."""
        rule = points_rule(self.profile())
        check = self._check(limiter, subject, now_us, rule) if rule is not None else None
        if check is None:
            raise ValueError("this profile has no points budget")
        current = self.store.peek([check], now_us)[0]
        if used != current:
            self.store.limit([check._replace(limit=max(used, current) + 1, cost=used - current)],
                             now_us, commit=True)

    @staticmethod
    def _check(limiter: Limiter, subject: Subject, now_us: int, rule: Rule | None) -> Any:
        for planned in limiter.plan(subject, now_us):
            if planned.rule is rule:
                return planned.check
        return None


