"""Profiles: the rule table plus every knob of cj-rules §3/§5, as data.

``build_profile("legacy", daily_limit=500, throttle_status=429)`` returns a new immutable
profile; nothing in a handler knows these numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cjsim.errors import Catalogue
from cjsim.limits.rules import QUOTA_TYPES, Rule, RuleTable
from cjsim.profiles import legacy

Strictness = Literal["strict", "lenient", "shadow"]
STRICTNESS: tuple[Strictness, ...] = ("strict", "lenient", "shadow")

RULE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "limit": int, "period_s": (int, float), "http_status": int, "login_http_status": int,
    "message": str, "enabled": bool, "scope": (list, tuple), "calendar": str,
    "limit_by_level": dict,
}


@dataclass(frozen=True)
class Profile:
    name: str
    rules: RuleTable
    tz: str = "Asia/Shanghai"
    strictness: Strictness = "strict"
    access_token_ttl_s: int = 15 * 86_400
    refresh_token_ttl_s: int = 180 * 86_400
    login_paths: frozenset[str] = legacy.LOGIN_PATHS
    get_token_path: str = legacy.GET_TOKEN
    # knob (cj-rules §3): a request rejected by a limit still counts toward R1
    rejected_count_toward_ip: bool = False
    catalogue: Catalogue = field(default_factory=Catalogue)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "strictness": self.strictness,
            "tz": self.tz,
            "rules": [
                {"id": r.id, "description": r.description, "limit": r.limit,
                 "limitByLevel": dict(r.limit_by_level) if r.limit_by_level else None,
                 "periodSeconds": r.period_s, "calendar": r.calendar, "scope": list(r.scope),
                 "httpStatus": r.http_status, "code": r.code, "enabled": r.enabled}
                for r in self.rules.rules
            ],
        }


PROFILES: Mapping[str, Profile] = MappingProxyType(
    {"legacy": Profile(name="legacy", rules=legacy.RULES)}
)


def build_profile(
    name: str = "legacy",
    *,
    strictness: str | None = None,
    throttle_status: int | None = None,
    daily_limit: int | None = None,
    daily_tz: str | None = None,
    rules: Mapping[str, Mapping[str, Any]] | None = None,
    access_token_ttl_s: int | None = None,
    refresh_token_ttl_s: int | None = None,
    messages: Mapping[int, str] | None = None,
    rejected_count_toward_ip: bool | None = None,
    base: Profile | None = None,
) -> Profile:
    """A profile with knobs overridden. Raises ValueError naming the bad knob.

    ``base`` starts from a built profile instead of the named one (a scenario layering its
    limits on a running simulator keeps the knobs set before it)."""
    if base is None and name not in PROFILES:
        raise ValueError(f"unknown profile {name!r} (known: {', '.join(PROFILES)})")
    profile = base if base is not None else PROFILES[name]
    table = profile.rules
    changes: dict[str, Any] = {}
    if strictness is not None:
        if strictness not in STRICTNESS:
            raise ValueError(f"strictness must be one of {', '.join(STRICTNESS)}, not {strictness!r}")
        changes["strictness"] = strictness
    if throttle_status is not None:
        if throttle_status not in (200, 429):
            raise ValueError(f"throttle_status must be 200 or 429, not {throttle_status!r}")
        table = RuleTable(tuple(
            r.with_changes(http_status=throttle_status, login_http_status=throttle_status)
            if r.code == 1600200 else r for r in table.rules))
    if daily_limit is not None:
        if not isinstance(daily_limit, int) or isinstance(daily_limit, bool) or daily_limit < 1:
            raise ValueError(f"daily_limit must be a positive integer, not {daily_limit!r}")
        table = table.replace_rule("R5", limit=daily_limit)
    if daily_tz is not None:
        try:
            ZoneInfo(daily_tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {daily_tz!r}") from exc
        changes["tz"] = daily_tz
    for rule_id, knobs in (rules or {}).items():
        table = _override_rule(table, rule_id, knobs)
    if access_token_ttl_s is not None:
        changes["access_token_ttl_s"] = _positive("access_token_ttl_s", access_token_ttl_s)
    if refresh_token_ttl_s is not None:
        changes["refresh_token_ttl_s"] = _positive("refresh_token_ttl_s", refresh_token_ttl_s)
    if messages:
        changes["catalogue"] = profile.catalogue.with_messages(messages)
    if rejected_count_toward_ip is not None:
        changes["rejected_count_toward_ip"] = bool(rejected_count_toward_ip)
    return replace(profile, rules=table, **changes)


def _positive(name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")
    return value


def _override_rule(table: RuleTable, rule_id: str, knobs: Mapping[str, Any]) -> RuleTable:
    try:
        rule: Rule = table.by_id(rule_id)
    except KeyError:
        raise ValueError(f"unknown rule {rule_id!r} (known: {', '.join(table.ids())})") from None
    changes: dict[str, Any] = {}
    for knob, raw in knobs.items():
        value: Any = raw
        expected = RULE_FIELDS.get(knob)
        if expected is None:
            raise ValueError(f"rule {rule_id}: unknown knob {knob!r} "
                             f"(known: {', '.join(sorted(RULE_FIELDS))})")
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ValueError(f"rule {rule_id}: {knob} has the wrong type ({value!r})")
        if knob == "scope":
            parts = tuple(raw)
            bad = [s for s in parts if s not in ("ip", "account", "interface")]
            if bad or not parts:
                raise ValueError(f"rule {rule_id}: scope must use ip/account/interface, not {raw!r}")
            value = parts
        if knob == "limit_by_level":
            value = MappingProxyType({int(k): int(v) for k, v in raw.items()})
        if knob == "calendar" and value not in QUOTA_TYPES.values():
            raise ValueError(f"rule {rule_id}: calendar must be one of "
                             f"{', '.join(QUOTA_TYPES.values())}, not {value!r}")
        if knob in ("limit", "period_s") and value <= 0:
            raise ValueError(f"rule {rule_id}: {knob} must be positive, not {value!r}")
        changes[knob] = value
    if "period_s" in changes and rule.calendar is not None:
        changes["calendar"] = None
    if "calendar" in changes and changes["calendar"] is not None:
        changes["period_s"] = None
    return table.replace_rule(rule_id, **changes)
