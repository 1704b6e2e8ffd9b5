"""A limit rule is a row of data. The engine evaluates rows; it knows no rule by name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

Scope = Literal["ip", "account", "interface"]
Applies = Literal["all", "login", "non_login", "paths"]
Calendar = Literal["hour", "day", "month", "quarter", "year", "total"]

# CJ's quotaType numbers (cj-rules §3.4)
QUOTA_TYPES: Mapping[int, Calendar] = MappingProxyType(
    {0: "total", 1: "year", 2: "quarter", 3: "month", 4: "day", 5: "hour"}
)


@dataclass(frozen=True)
class Rule:
    """One limit.

    ``limit`` is a number, or ``limit_by_level`` maps account level -> number. A rule with
    ``period_s`` is a sliding window; with ``calendar`` a calendar window in the profile's
    time zone. ``message`` is a template: ``{limit}``, ``{count}``, ``{period}``.
    ``early`` rules need only the IP and are checked before the request is even parsed.
    """

    id: str
    description: str
    applies: Applies
    scope: tuple[Scope, ...]
    code: int
    message: str
    http_status: int = 200
    login_http_status: int | None = None
    limit: int | None = None
    limit_by_level: Mapping[int, int] | None = None
    period_s: float | None = None
    calendar: Calendar | None = None
    paths: frozenset[str] = frozenset()
    only_unverified: bool = False
    early: bool = False
    enabled: bool = True
    # "account_quotas": the row stands for every quota configured on the account
    source: Literal["table", "account_quotas"] = "table"

    def __post_init__(self) -> None:
        if (self.period_s is None) == (self.calendar is None) and self.source == "table":
            raise ValueError(f"rule {self.id}: give exactly one of period_s and calendar")
        if self.limit is None and self.limit_by_level is None and self.source == "table":
            raise ValueError(f"rule {self.id}: give limit or limit_by_level")

    def status_for(self, login: bool) -> int:
        if login and self.login_http_status is not None:
            return self.login_http_status
        return self.http_status

    def with_changes(self, **changes: Any) -> Rule:
        return replace(self, **changes)


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

    def replace_rule(self, rule_id: str, **changes: Any) -> RuleTable:
        self.by_id(rule_id)  # KeyError for an unknown rule
        return RuleTable(tuple(r.with_changes(**changes) if r.id == rule_id else r
                               for r in self.rules))
