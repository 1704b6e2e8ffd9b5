"""The limiter engine: turns the profile's rule rows into window checks and asks the store
to check them all and commit them all in one atomic step.

It knows no rule by name: a new limit is a new row in a profile table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from cjsim.clock import US
from cjsim.errors import CJError
from cjsim.limits.rules import QUOTA_TYPES, Quota, Rule
from cjsim.limits.windows import CalendarCache
from cjsim.profiles import Profile
from cjsim.store import Store, WindowCheck


class Subject(NamedTuple):
    """Who is calling what, as far as limits care (hashable: plans are cached by it)."""

    ip: str
    path: str
    login: bool
    account: str | None = None  # openId, or for a login call the credential it names
    level: int | None = None
    verified: bool = False
    quotas: tuple[Quota, ...] = ()
    points: int = 0  # the account's order-conversion points today (profiles with a points budget)


@dataclass(frozen=True, slots=True)
class Tripped:
    rule: Rule
    limit: int
    count: int
    error: CJError


@dataclass(frozen=True, slots=True)
class Decision:
    tripped: Tripped | None = None
    rejected: bool = False  # False when accepted, or when shadow mode let it through


ACCEPTED = Decision()  # immutable, shared by every accepted request


class _Planned(NamedTuple):
    rule: Rule
    limit: int
    check: WindowCheck


_CachedPlan = tuple[Profile, int, int, tuple[list[_Planned], list[WindowCheck]]]
_ALL, _LOGIN, _NON_LOGIN, _PATHS = range(4)
_PLAN_CACHE_SIZE = 4096


def _narrow(valid: list[int], start: int, end: int) -> None:
    valid[0] = max(valid[0], start)
    valid[1] = min(valid[1], end)
_SCOPE_ATTRS = {"ip": "ip", "account": "account", "interface": "path"}


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: Rule
    applies: int
    attrs: tuple[str, ...]  # Subject attributes that make the key, in scope order
    prefix: str
    period_us: int
    calendar: str | None
    quotas: bool
    cost: int  # -1: the cost depends on the interface (Rule.cost_of)

    @classmethod
    def of(cls, rule: Rule) -> _Compiled:
        applies = {"all": _ALL, "login": _LOGIN, "non_login": _NON_LOGIN, "paths": _PATHS}
        return cls(rule=rule, applies=applies[rule.applies],
                   attrs=tuple(_SCOPE_ATTRS[s] for s in rule.scope), prefix=rule.id,
                   period_us=round(rule.period_s * US) if rule.period_s else 0,
                   calendar=rule.calendar, quotas=rule.source == "account_quotas",
                   cost=rule.cost if isinstance(rule.cost, int) else -1)


@dataclass
class Limiter:
    profile_source: Callable[[], Profile]
    store: Store
    _calendars: dict[str, CalendarCache] = field(default_factory=dict)
    _compiled_for: tuple[Profile, tuple[_Compiled, ...]] | None = None
    # plans by subject: (profile, valid from, valid until, (plan, its window checks))
    _plans: dict[Subject, _CachedPlan] = field(default_factory=dict)
    _early_plans: dict[Subject, _CachedPlan] = field(default_factory=dict)  # the early rules only

    @property
    def profile(self) -> Profile:
        return self.profile_source()

    # -- planning ----------------------------------------------------------------------
    def _compiled(self, profile: Profile) -> tuple[_Compiled, ...]:
        """The profile's rows, prepared once: the hot path only reads precomputed fields."""
        cached = self._compiled_for
        if cached is not None and cached[0] is profile:
            return cached[1]
        compiled = tuple(_Compiled.of(rule) for rule in profile.rules.rules if rule.enabled)
        self._compiled_for = (profile, compiled)
        return compiled

    def plan(self, subject: Subject, now_us: int, early_only: bool = False) -> list[_Planned]:
        """The checks of every rule that applies, in the table's order.

        A plan depends on the subject and, for calendar and lenient windows, on which window
        ``now`` falls in; so it is cached per subject until the first of its windows ends.
        A caller must not change the list it gets.
        """
        return self._cached(subject, now_us, early_only, self.profile_source())[0]

    def _cached(self, subject: Subject, now_us: int, early_only: bool,
                profile: Profile) -> tuple[list[_Planned], list[WindowCheck]]:
        """The plan of ``subject`` and its window checks, from the cache while they hold."""
        plans = self._early_plans if early_only else self._plans
        hit = plans.get(subject)
        if hit is not None and hit[0] is profile and hit[1] <= now_us < hit[2]:
            return hit[3]
        planned, valid = self._plan(subject, now_us, early_only, profile)
        if len(plans) >= _PLAN_CACHE_SIZE:
            plans.clear()
        found = (planned, [p.check for p in planned])
        plans[subject] = (profile, valid[0], valid[1], found)
        return found

    def _plan(self, subject: Subject, now_us: int, early_only: bool,
              profile: Profile) -> tuple[list[_Planned], list[int]]:
        lenient = profile.strictness == "lenient"
        planned: list[_Planned] = []
        valid = [-(2**62), 2**62]  # the instants this plan holds for
        for row in self._compiled(profile):
            rule = row.rule
            if early_only and not rule.early:
                continue
            applies = row.applies
            if applies == _NON_LOGIN:
                if subject.login:
                    continue
            elif applies == _LOGIN:
                if not subject.login:
                    continue
            elif applies == _PATHS and subject.path not in rule.paths:
                continue
            if rule.only_unverified and subject.verified:
                continue
            if row.quotas:
                for quota in subject.quotas:
                    if quota.url == subject.path and quota.type in QUOTA_TYPES:
                        planned.append(self._quota(rule, subject, quota, now_us, profile, valid))
                continue
            limit = rule.limit
            if rule.limit_by_level is not None:
                if subject.level is None:
                    continue
                limit = rule.limit_by_level.get(subject.level, limit)
            if rule.limit_from is not None:  # e.g. an account's own budget
                own = rule.limit_from(subject)
                if own is not None:
                    limit = own
            if limit is None:
                continue
            parts = [row.prefix]
            for attr in row.attrs:
                value = getattr(subject, attr)
                if value is None:
                    break
                parts.append(value)
            else:
                key = "|".join(parts)
                cost = row.cost if row.cost >= 0 else rule.cost_of(subject.path)
                if row.calendar is not None:
                    check = self._calendar_check(row.calendar, key, limit, now_us, profile, valid,
                                                 cost, rule.tz)
                elif lenient:
                    index = now_us // row.period_us
                    check = WindowCheck(key, limit, row.period_us, str(index),
                                        (index + 1) * row.period_us, cost)
                    _narrow(valid, index * row.period_us, (index + 1) * row.period_us)
                else:
                    check = WindowCheck(key, limit, row.period_us, None, 0, cost)
                planned.append(_Planned(rule, limit, check))
        return planned, valid

    def _calendar_check(self, calendar: str, key: str, limit: int, now_us: int,
                        profile: Profile, valid: list[int], cost: int,
                        tz: str | None = None) -> WindowCheck:
        zone = tz or profile.tz
        cache = self._calendars.get(zone)
        if cache is None:
            cache = self._calendars[zone] = CalendarCache(ZoneInfo(zone))
        wid, start, end = cache.window(calendar, now_us)
        if end:  # "total" never ends
            _narrow(valid, start, end)
        return WindowCheck(key, limit, 0, wid, end, cost)

    def _quota(self, rule: Rule, subject: Subject, quota: Quota, now_us: int,
               profile: Profile, valid: list[int]) -> _Planned:
        calendar = QUOTA_TYPES[quota.type]
        key = f"Q{quota.type}|{subject.account}|{quota.url}"
        check = self._calendar_check(calendar, key, quota.limit, now_us, profile, valid,
                                     rule.cost_of(subject.path))
        return _Planned(rule, quota.limit, check)

    # -- deciding ----------------------------------------------------------------------
    def precheck(self, subject: Subject, now_us: int) -> Decision:
        """The early rules (per IP), checked before the request is parsed. Counts nothing."""
        profile = self.profile_source()
        if profile.strictness == "shadow":
            return ACCEPTED
        planned, checks = self._cached(subject, now_us, True, profile)
        if not planned:
            return ACCEPTED
        result = self.store.limit(checks, now_us, commit=False)
        if result.failed is None:
            return ACCEPTED
        return Decision(self._tripped(planned[result.failed], result.counts[result.failed],
                                      subject), rejected=True)

    def admit(self, subject: Subject, now_us: int) -> Decision:
        """Every applicable rule, all-or-nothing: counted in all windows, or in none."""
        profile = self.profile_source()
        planned, checks = self._cached(subject, now_us, False, profile)
        if not planned:
            return ACCEPTED
        result = self.store.limit(checks, now_us, commit=True)
        if result.failed is None:
            return ACCEPTED
        tripped = self._tripped(planned[result.failed], result.counts[result.failed], subject)
        if profile.rejected_count_toward_ip and profile.strictness != "shadow":
            early = [c for p, c in zip(planned, checks) if p.rule.early]
            if early:
                self.store.limit(early, now_us, commit=True)
        return Decision(tripped, rejected=profile.strictness != "shadow")

    def _tripped(self, planned: _Planned, count: int, subject: Subject) -> Tripped:
        rule = planned.rule
        message = rule.render(rule.message, limit=planned.limit, count=count,
                              cost=planned.check.cost)
        error = CJError(rule.code, message=message, http_status=rule.status_for(subject.login),
                        reason=f"limit:{rule.id}")
        return Tripped(rule, planned.limit, count, error)

    def record(self, subject: Subject, now_us: int, *, role: str, count: int) -> None:
        """Count ``count`` calls of ``subject`` in the windows of the rules of ``role`` only,
        as that many admitted calls would have (a scenario's ``callsToday``): a window stops
        at its limit, the other rules' windows are left alone."""
        for planned in self.plan(subject, now_us):
            check = planned.check
            if planned.rule.role != role or check.cost <= 0 or count <= 0:
                continue
            used = self.store.peek([check], now_us)[0]
            calls = min(count, max(0, check.limit - used) // check.cost)
            if calls:
                self.store.limit([check._replace(cost=calls * check.cost)], now_us, commit=True)

    # -- reporting -----------------------------------------------------------------------
    def usage(self, subject: Subject, now_us: int) -> list[tuple[Rule, int, int]]:
        """(rule, limit, units used) for every window that applies to ``subject``."""
        planned = self.plan(subject, now_us)
        counts = self.store.peek([p.check for p in planned], now_us)
        return [(p.rule, p.limit, c) for p, c in zip(planned, counts)]
