"""The limiter engine: turns the profile's rule rows into window checks and asks the store
to check them all and commit them all in one atomic step.

It knows no rule by name: a new limit is a new row in a profile table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cjsim.clock import US
from cjsim.errors import CJError
from cjsim.limits.rules import QUOTA_TYPES, Quota, Rule
from cjsim.limits.windows import CalendarCache
from cjsim.profiles import Profile
from cjsim.store import Store, WindowCheck


@dataclass(frozen=True, slots=True)
class Subject:
    """Who is calling what, as far as limits care."""

    ip: str
    path: str
    login: bool
    account: str | None = None  # openId, or for a login call the credential it names
    level: int | None = None
    verified: bool = False
    quotas: tuple[Quota, ...] = ()


@dataclass(frozen=True, slots=True)
class Tripped:
    rule: Rule
    limit: int
    count: int
    error: CJError


@dataclass(slots=True)
class Decision:
    tripped: Tripped | None = None
    rejected: bool = False  # False when accepted, or when shadow mode let it through

    @property
    def ok(self) -> bool:
        return not self.rejected


@dataclass(frozen=True, slots=True)
class _Planned:
    rule: Rule
    limit: int
    check: WindowCheck


@dataclass
class Limiter:
    profile_source: Callable[[], Profile]
    store: Store
    _calendars: dict[str, CalendarCache] = field(default_factory=dict)

    @property
    def profile(self) -> Profile:
        return self.profile_source()

    # -- planning ----------------------------------------------------------------------
    def plan(self, subject: Subject, now_us: int, early_only: bool = False) -> list[_Planned]:
        profile = self.profile
        planned: list[_Planned] = []
        for rule in profile.rules.rules:
            if not rule.enabled or (early_only and not rule.early):
                continue
            if not _applies(rule, subject):
                continue
            if rule.source == "account_quotas":
                for quota in subject.quotas:
                    if quota.url == subject.path and quota.type in QUOTA_TYPES:
                        planned.append(self._quota(rule, subject, quota, now_us, profile))
                continue
            limit = rule.limit
            if rule.limit_by_level is not None:
                if subject.level is None:
                    continue
                limit = rule.limit_by_level.get(subject.level, limit)
            if limit is None:
                continue
            key = self._key(rule.id, rule.scope, subject)
            if key is None:
                continue
            planned.append(_Planned(rule, limit, self._window(rule, key, limit, now_us, profile)))
        return planned

    @staticmethod
    def _key(prefix: str, scope: tuple[str, ...], subject: Subject) -> str | None:
        parts = [prefix]
        for part in scope:
            value = {"ip": subject.ip, "account": subject.account,
                     "interface": subject.path}[part]
            if value is None:
                return None
            parts.append(value)
        return "|".join(parts)

    def _window(self, rule: Rule, key: str, limit: int, now_us: int,
                profile: Profile) -> WindowCheck:
        if rule.calendar is not None:
            return self._calendar_check(rule.calendar, key, limit, now_us, profile)
        assert rule.period_s is not None
        period_us = round(rule.period_s * US)
        if profile.strictness == "lenient":
            index = now_us // period_us
            return WindowCheck(key, limit, period_us, str(index), (index + 1) * period_us)
        return WindowCheck(key, limit, period_us)

    def _calendar_check(self, calendar: str, key: str, limit: int, now_us: int,
                        profile: Profile) -> WindowCheck:
        cache = self._calendars.get(profile.tz)
        if cache is None:
            cache = self._calendars[profile.tz] = CalendarCache(profile.zone)
        wid, _start, end = cache.window(calendar, now_us)
        return WindowCheck(key, limit, 0, wid, end)

    def _quota(self, rule: Rule, subject: Subject, quota: Quota, now_us: int,
               profile: Profile) -> _Planned:
        calendar = QUOTA_TYPES[quota.type]
        key = f"Q{quota.type}|{subject.account}|{quota.url}"
        check = self._calendar_check(calendar, key, quota.limit, now_us, profile)
        return _Planned(rule, quota.limit, check)

    # -- deciding ----------------------------------------------------------------------
    def precheck(self, subject: Subject, now_us: int) -> Decision:
        """The early rules (per IP), checked before the request is parsed. Counts nothing."""
        if self.profile.strictness == "shadow":
            return Decision()
        planned = self.plan(subject, now_us, early_only=True)
        if not planned:
            return Decision()
        result = self.store.limit([p.check for p in planned], now_us, commit=False)
        if result.failed is None:
            return Decision()
        return Decision(self._tripped(planned[result.failed], result.counts[result.failed],
                                      subject), rejected=True)

    def admit(self, subject: Subject, now_us: int) -> Decision:
        """Every applicable rule, all-or-nothing: counted in all windows, or in none."""
        profile = self.profile
        planned = self.plan(subject, now_us)
        if not planned:
            return Decision()
        checks = [p.check for p in planned]
        result = self.store.limit(checks, now_us, commit=True)
        if result.failed is None:
            return Decision()
        tripped = self._tripped(planned[result.failed], result.counts[result.failed], subject)
        if profile.rejected_count_toward_ip and profile.strictness != "shadow":
            early = [c for p, c in zip(planned, checks) if p.rule.early]
            if early:
                self.store.limit(early, now_us, commit=True)
        return Decision(tripped, rejected=profile.strictness != "shadow")

    def _tripped(self, planned: _Planned, count: int, subject: Subject) -> Tripped:
        rule = planned.rule
        period = rule.period_s
        period_text = str(int(period)) if period is not None and period == int(period) else str(period)
        message = rule.message.format(limit=planned.limit, count=count, period=period_text)
        error = CJError(rule.code, message=message, http_status=rule.status_for(subject.login),
                        reason=f"limit:{rule.id}")
        return Tripped(rule, planned.limit, count, error)

    # -- reporting -----------------------------------------------------------------------
    def usage(self, subject: Subject, now_us: int) -> list[tuple[Rule, int, int]]:
        """(rule, limit, current count) for every window that applies to ``subject``."""
        planned = self.plan(subject, now_us)
        counts = self.store.peek([p.check for p in planned], now_us)
        return [(p.rule, p.limit, c) for p, c in zip(planned, counts)]


def _applies(rule: Rule, subject: Subject) -> bool:
    if rule.only_unverified and subject.verified:
        return False
    if rule.applies == "all":
        return True
    if rule.applies == "login":
        return subject.login
    if rule.applies == "non_login":
        return not subject.login
    return subject.path in rule.paths
