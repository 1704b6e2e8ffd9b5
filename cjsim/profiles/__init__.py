"""Profiles: each module of this package holds one (``PROFILE``): a rule table plus every
knob of docs/rules.md, as data. Adding a profile is adding a file.

``build_profile("legacy", daily_limit=500, throttle_status=429)`` returns a new immutable
profile; nothing in a handler knows these numbers.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from cjsim.clock import check_zone
from cjsim.limits.points import PointsTotal
from cjsim.limits.rules import QUOTA_TYPES, Rule, RuleTable
from cjsim.profiles.model import STRICTNESS, Profile, Strictness

API_PREFIX = "/api2.0/v1/"

__all__ = ["PROFILES", "STRICTNESS", "Profile", "Strictness", "build_profile", "discover"]

RULE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "limit": int, "period_s": (int, float), "http_status": int, "login_http_status": int,
    "message": str, "enabled": bool, "scope": (list, tuple), "calendar": str,
    "limit_by_level": dict, "cost": (int, dict), "advice": str, "title": str,
    "description": str,
}


def discover(package: str = __name__) -> dict[str, Profile]:
    """Every ``PROFILE`` defined by a module of ``package`` (``model`` and private modules
    aside), by name."""
    found: dict[str, Profile] = {}
    path = importlib.import_module(package).__path__
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "model":
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        profile = getattr(module, "PROFILE", None)
        if not isinstance(profile, Profile):
            continue
        if profile.name in found:
            raise ValueError(f"two profiles are named {profile.name!r}")
        found[profile.name] = profile
    return found


PROFILES: Mapping[str, Profile] = MappingProxyType(discover())


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
    points_base: int | None = None,
    points_status: int | None = None,
    points_tz: str | None = None,
    token_cache_s: int | None = None,
    max_offset: int | None = None,
    webhook_url_policy: str | None = None,
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
        daily = table.with_role("daily")
        if not daily:
            raise ValueError(f"daily_limit: profile {profile.name!r} has no daily rule")
        for rule in daily:
            table = table.replace_rule(rule.id, limit=daily_limit)
    if daily_tz is not None:
        changes["tz"] = check_zone(daily_tz)
    points = {"points_base": points_base, "points_status": points_status, "points_tz": points_tz}
    if any(v is not None for v in points.values()):
        table = _points_knobs(table, profile.name, points_base, points_status, points_tz)
    if token_cache_s is not None:
        changes["token_cache_s"] = _positive("token_cache_s", token_cache_s)
    if max_offset is not None:
        changes["max_offset"] = _positive("max_offset", max_offset)
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
    if webhook_url_policy is not None:
        if webhook_url_policy not in ("local", "cj"):
            raise ValueError(f"webhook_url_policy must be 'local' or 'cj', not {webhook_url_policy!r}")
        changes["webhook_url_policy"] = webhook_url_policy
    return replace(profile, rules=table, **changes)


def _points_knobs(table: RuleTable, name: str, base: int | None, status: int | None,
                  tz: str | None) -> RuleTable:
    """``points_base``, ``points_status`` (200|429), ``points_tz`` on the points rule."""
    rules = [r for r in table.with_role("budget") if isinstance(r.limit_from, PointsTotal)]
    if not rules:
        raise ValueError(f"points_base/points_status/points_tz: profile {name!r} has no points"
                         " budget (use --profile cj-2026)")
    changes: dict[str, Any] = {}
    if base is not None:
        changes["limit"] = _positive("points_base", base)
        changes["limit_from"] = PointsTotal(changes["limit"])
    if status is not None:
        if status not in (200, 429):
            raise ValueError(f"points_status must be 200 or 429, not {status!r}")
        changes["http_status"] = status
    if tz is not None:
        try:
            changes["tz"] = check_zone(tz)
        except ValueError as exc:
            raise ValueError(f"points_tz: {exc}") from None
    for rule in rules:
        table = table.replace_rule(rule.id, **changes)
    return table


def _positive(name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")
    return value


def _cost(rule_id: str, raw: Any) -> int | Mapping[str, int]:
    def units(v: Any) -> int:
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"rule {rule_id}: a cost is a whole number 0 or more, not {v!r}")
        return v

    if isinstance(raw, dict):  # "product/query" is short for "/api2.0/v1/product/query"
        return MappingProxyType({(p if p.startswith("/") else API_PREFIX + p): units(v)
                                 for p, v in ((str(k), v) for k, v in raw.items())})
    return units(raw)


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
            try:
                value = MappingProxyType({int(k): int(v) for k, v in raw.items()})
            except (TypeError, ValueError):
                raise ValueError(f"rule {rule_id}: limit_by_level maps levels to whole numbers, "
                                 f"not {raw!r}") from None
            if any(v <= 0 for v in value.values()):
                raise ValueError(f"rule {rule_id}: limit_by_level's limits must be positive")
        if knob == "cost":
            value = _cost(rule_id, raw)
        if knob == "calendar" and value not in QUOTA_TYPES.values():
            raise ValueError(f"rule {rule_id}: calendar must be one of "
                             f"{', '.join(QUOTA_TYPES.values())}, not {value!r}")
        if knob in ("limit", "period_s") and value <= 0:
            raise ValueError(f"rule {rule_id}: {knob} must be positive, not {value!r}")
        changes[knob] = value
    if "limit" in changes and isinstance(rule.limit_from, PointsTotal):
        changes["limit_from"] = rule.limit_from.rebased(changes["limit"])
    if "period_s" in changes and rule.calendar is not None:
        changes["calendar"] = None
    if "calendar" in changes and changes["calendar"] is not None:
        changes["period_s"] = None
    changed = table.replace_rule(rule_id, **changes)
    _check_templates(changed.by_id(rule_id))
    return changed


def _check_templates(rule: Rule) -> None:
    """A template naming an unknown field would fail on the first refusal: refuse it now."""
    for knob in ("message", "description", "title", "advice"):
        try:
            rule.render(getattr(rule, knob), limit=1, count=0, cost=1)
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            raise ValueError(f"rule {rule.id}: {knob} is not a valid template ({exc!r}); "
                             "it may use {limit}, {count}, {period}, {window}, {times}, "
                             "{levels}, {used}, {remaining}, {required}") from None
