"""What a profile is: a named rule table plus the knobs around it (docs/rules.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from cjsim.errors import Catalogue, CJError
from cjsim.limits.rules import Rule, RuleTable

Strictness = Literal["strict", "lenient", "shadow"]
STRICTNESS: tuple[Strictness, ...] = get_args(Strictness)


@dataclass(frozen=True)
class Profile:
    name: str
    rules: RuleTable
    login_paths: frozenset[str]
    get_token_path: str
    summary: str = ""
    tz: str = "Asia/Shanghai"
    strictness: Strictness = "strict"
    access_token_ttl_s: int = 15 * 86_400
    refresh_token_ttl_s: int = 180 * 86_400
    # knob (docs/rules.md, "Decisions"): a request rejected by a limit still counts toward
    # the early (per-IP) rules
    rejected_count_toward_ip: bool = False
    # knob (docs/interfaces.md, "Webhook URL policy"): "local" accepts loopback/http receivers
    # (the audit reports them), "cj" refuses them as CJ does
    webhook_url_policy: str = "local"
    catalogue: Catalogue = field(default_factory=Catalogue)
    # cj-2026 (docs/rules.md, "Profiles"): getAccessToken/refreshAccessToken answer the same
    # pair for this long after issuing it (None: every login issues a new pair)
    token_cache_s: int | None = None
    # points per USD of the largest of the last 3 calendar months' paid orders, added to the
    # day's points budget (0: no order conversion)
    points_per_usd: int = 0
    # product/list, listV2: the deepest (pageNum-1) x pageSize accepted (None: no limit)
    max_offset: int | None = None
    # error kind (CJError.reason) -> this profile's code: handlers raise the seed's code with a
    # kind, and a profile whose CJ answers the kind with another code says so here
    kinds: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def answers(self, kind: str) -> bool:
        """Does this profile answer ``kind`` with a code of its own? The checks CJ added since
        the seed (a non-JSON content type, an unknown country code in freight) run only where
        it does: ``legacy`` goes on accepting what they refuse."""
        return kind in self.kinds

    def translate(self, error: CJError) -> CJError:
        """``error`` as this profile answers it: its kind's code and catalogue text."""
        code = self.kinds.get(error.reason or "")
        if code is None or code == error.code:
            return error
        return replace(error, code=code, message=None)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def describe(self) -> dict[str, Any]:
        """The effective table as JSON (``GET /__cjsim/profile``, ``cjsim profiles show``)."""
        return {"name": self.name, "summary": self.summary, "strictness": self.strictness,
                "tz": self.tz, "rules": [describe_rule(r) for r in self.rules.rules]}


def describe_rule(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"id": rule.id, "role": rule.role, "description": rule.described(),
                           "enabled": rule.enabled, "limit": rule.limit}
    if rule.limit_by_level is not None:
        out["limit_by_level"] = {str(k): v for k, v in sorted(rule.limit_by_level.items())}
    if rule.limit_from is not None:
        out["limit_from"] = getattr(rule.limit_from, "__name__", "account")
    if rule.source == "account_quotas":
        out["window"] = "each quota's own (setting.quotaLimits quotaType)"
    elif rule.calendar is not None:
        out["calendar"] = rule.calendar
    else:
        out["period_s"] = rule.period_s
    out["per"] = list(rule.scope)
    out["applies"] = rule.applies
    if rule.paths:
        out["paths"] = sorted(rule.paths)
    if rule.only_unverified:
        out["only_unverified"] = True
    if isinstance(rule.cost, int):
        out["cost"] = rule.cost
    else:
        out["cost"] = {**dict(sorted(rule.cost.items())), "*": rule.default_cost}
    out["http_status"] = rule.http_status
    if rule.login_http_status is not None:
        out["login_http_status"] = rule.login_http_status
    out["code"] = rule.code
    out["message"] = rule.message
    out["title"] = rule.render(rule.title)
    out["advice"] = rule.render(rule.advice)
    return out
