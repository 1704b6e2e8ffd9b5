"""A limit rule is a row of data. The engine evaluates rows; it knows no rule by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from cjsim.limits.engine import Subject

Scope = Literal["ip", "account", "interface"]
Applies = Literal["all", "login", "non_login", "paths"]
Calendar = Literal["hour", "day", "month", "quarter", "year", "total"]
# What a rule is for. Code outside the profiles and the engine selects rules by role, never
# by id: the audit, usage reports, ``daily_limit``, a scenario's seeded calls.
Role = Literal["ip_rate", "login", "daily", "quota", "account_rate", "interface_rate", "budget"]
ROLES: tuple[Role, ...] = ("ip_rate", "login", "daily", "quota", "account_rate",
                           "interface_rate", "budget")

# CJ's quotaType numbers (docs/rules.md, "Account quotas")
QUOTA_TYPES: Mapping[int, Calendar] = MappingProxyType(
    {0: "total", 1: "year", 2: "quarter", 3: "month", 4: "day", 5: "hour"}
)


@dataclass(frozen=True)
class Rule:
    """One limit.

    ``limit`` is a number, or ``limit_by_level`` maps account level -> number; a profile may
    also give ``limit_from``, a function of the caller (:class:`~cjsim.limits.engine.Subject`)
    that returns the limit (e.g. an account's own points budget), ``None`` to fall back on
    the table. A rule with ``period_s`` is a sliding window; with ``calendar`` a calendar
    window in the profile's time zone. ``cost`` is what one call uses of the limit: a
    number, or interface path -> number (unlisted interfaces cost ``default_cost``).

    Texts are templates rendered from the rule's *effective* numbers (:meth:`render`):
    ``message`` (the answer), ``description``, and the audit's ``title`` and ``advice``.
    Fields: ``{limit}``, ``{period}`` (seconds), ``{window}`` ("second", "5 minutes",
    "day"), ``{times}`` ("once", "twice", "3 times"), ``{levels}`` (the per-level limits,
    named by ``level_names``), and in a message ``{count}`` (units used before the call).
    ``early`` rules need only the IP and are checked before the request is even parsed.
    """

    id: str
    role: Role
    description: str
    applies: Applies
    scope: tuple[Scope, ...]
    code: int
    message: str
    http_status: int = 200
    login_http_status: int | None = None
    limit: int | None = None
    limit_by_level: Mapping[int, int] | None = None
    limit_from: Callable[[Subject], int | None] | None = None
    period_s: float | None = None
    calendar: Calendar | None = None
    cost: int | Mapping[str, int] = 1
    default_cost: int = 1
    paths: frozenset[str] = frozenset()
    only_unverified: bool = False
    early: bool = False
    enabled: bool = True
    title: str = ""
    advice: str = ""
    level_names: Mapping[int, str] | None = None
    # a calendar window in this zone instead of the profile's (CJ's points reset at 00:00 UTC)
    tz: str | None = None
    # "account_quotas": the row stands for every quota configured on the account
    source: Literal["table", "account_quotas"] = "table"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"rule {self.id}: role must be one of {', '.join(ROLES)}, not {self.role!r}")
        if (self.period_s is None) == (self.calendar is None) and self.source == "table":
            raise ValueError(f"rule {self.id}: give exactly one of period_s and calendar")
        if self.limit is None and self.limit_by_level is None and self.limit_from is None \
                and self.source == "table":
            raise ValueError(f"rule {self.id}: give limit, limit_by_level or limit_from")
        costs = self.cost.values() if isinstance(self.cost, Mapping) else (self.cost,)
        if any(not isinstance(c, int) or isinstance(c, bool) or c < 0
               for c in (*costs, self.default_cost)):
            raise ValueError(f"rule {self.id}: a cost is a whole number of units, 0 or more")

    def status_for(self, login: bool) -> int:
        if login and self.login_http_status is not None:
            return self.login_http_status
        return self.http_status

    def cost_of(self, path: str) -> int:
        cost = self.cost
        if isinstance(cost, Mapping):
            return cost.get(path, self.default_cost)
        return cost

    def with_changes(self, **changes: Any) -> Rule:
        return replace(self, **changes)

    # -- words -----------------------------------------------------------------------------
    def period_text(self) -> str:
        period = self.period_s
        if period is None:
            return ""
        return str(int(period)) if period == int(period) else str(period)

    def window_text(self) -> str:
        if self.calendar is not None:
            return "all time" if self.calendar == "total" else self.calendar
        period = self.period_s or 0
        for unit, seconds in (("day", 86_400), ("hour", 3600), ("minute", 60), ("second", 1)):
            if period >= seconds and period % seconds == 0:
                n = int(period // seconds)
                return unit if n == 1 else f"{n} {unit}s"
        return f"{period:g} seconds"

    def levels_text(self) -> str:
        """"Free 1/s, Plus 2/s, ...": the per-level limits, neighbours of one name merged."""
        if not self.limit_by_level:
            return ""
        per = "s" if self.period_s == 1 else self.window_text()
        names = self.level_names or {}
        groups: list[tuple[str, int, list[int]]] = []
        for level, limit in sorted(self.limit_by_level.items()):
            name = names.get(level, f"level {level}")
            if groups and groups[-1][0] == name and groups[-1][1] == limit:
                groups[-1][2].append(level)
            else:
                groups.append((name, limit, [level]))
        clashes = {name for name, _, _ in groups if sum(g[0] == name for g in groups) > 1}
        parts = []
        for name, limit, levels in groups:
            label = name
            if name in clashes:
                span = str(levels[0]) if len(levels) == 1 else f"{levels[0]}-{levels[-1]}"
                label = f"{name} (level {span})"
            parts.append(f"{label} {limit}/{per}")
        return ", ".join(parts)

    def render(self, template: str, limit: int | None = None, count: int | None = None,
               cost: int | None = None) -> str:
        """``template`` with this rule's effective numbers (``limit`` for the caller's own
        limit, e.g. its level's; else the rule's). A budget's message may also name
        ``{used}`` (= ``{count}``), ``{remaining}`` (limit - used, not below 0) and
        ``{required}`` (the refused call's ``cost``)."""
        if not template:
            return ""
        shown = limit if limit is not None else self.limit
        times = {1: "once", 2: "twice"}.get(shown or 0, f"{shown} times")
        remaining = max(0, (shown or 0) - (count or 0))
        return template.format(limit=shown, count=count, period=self.period_text(),
                               window=self.window_text(), times=times, levels=self.levels_text(),
                               used=count, remaining=remaining, required=cost)

    def described(self) -> str:
        return self.render(self.description)


@dataclass(frozen=True)
class Quota:
    """An account quota from ``setting.quotaLimits``."""

    url: str
    limit: int
    type: int

    def as_json(self) -> dict[str, Any]:
        return {"quotaUrl": self.url, "quotaLimit": self.limit, "quotaType": self.type}


@dataclass(frozen=True)
class RuleTable:
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def ids(self) -> list[str]:
        return [r.id for r in self.rules]

    def with_role(self, *roles: Role) -> list[Rule]:
        return [r for r in self.rules if r.role in roles]

    def get(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None

    def replace_rule(self, rule_id: str, **changes: Any) -> RuleTable:
        self.by_id(rule_id)  # KeyError for an unknown rule
        return RuleTable(tuple(r.with_changes(**changes) if r.id == rule_id else r
                               for r in self.rules))
