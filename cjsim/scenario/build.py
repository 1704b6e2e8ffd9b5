"""From a schema-valid document to a :class:`Scenario`: the checks a schema cannot express.

Times must parse, interfaces must exist, the rule knobs must build a profile, and an action
must not ask for two answers at once. Every problem is collected with its field path, so a
file with three mistakes gets three lines, not three runs.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Mapping
from fnmatch import fnmatchcase
from typing import Any

from cjsim.domain.accounts import EMAIL_RE, AccountError, normalize_path, parse_balance, parse_level, parse_quotas
from cjsim.domain.catalogue.changes import parse_change
from cjsim.limits.points import points_rule
from cjsim.profiles import PROFILES, build_profile
from cjsim.scenario.errors import Collector, FieldPath
from cjsim.scenario.model import (
    AccountSpec,
    Action,
    ClockSpec,
    Fault,
    Limits,
    Match,
    Scenario,
    Step,
    TimeRef,
    parse_duration,
)

# An action gives at most one answer; these keys each decide the answer.
ANSWERS = ("code", "body", "reset_connection", "offline", "false_negative")
GLOB_CHARS = frozenset("*?[")


def is_glob(path: str) -> bool:
    return any(c in GLOB_CHARS for c in path)


def build(doc: Mapping[str, Any], out: Collector, known_paths: Collection[str] | None,
          skip: frozenset[tuple[str | int, ...]] = frozenset()) -> Scenario | None:
    """``skip``: parts the schema refused (a top-level key, or one item of a list): the rest
    is still checked, so every problem is reported in one pass."""
    def part(key: str, empty: Any) -> Any:
        return empty if (key,) in skip else (doc.get(key) or empty)

    def items(key: str) -> list[tuple[int, Any]]:
        return [(i, raw) for i, raw in enumerate(part(key, [])) if (key, i) not in skip]

    limits = _limits(part("limits", {}), None if ("profile",) in skip else doc.get("profile"), out)
    accounts = _accounts(items("accounts"), out, known_paths)
    _points_need_a_budget(items("accounts"), doc.get("profile"), out)
    clock = _clock(part("clock", {}), out)
    faults = tuple(f for i, raw in items("faults")
                   if (f := _fault(raw, ("faults", i), out, known_paths)) is not None)
    timeline = tuple(s for i, raw in items("timeline")
                     if (s := _step(raw, ("timeline", i), out, known_paths)) is not None)
    if out.problems:
        return None
    return Scenario(
        name=doc["name"], source=out.source, raw=doc, description=doc.get("description", ""),
        seed=doc.get("seed"), profile=doc.get("profile"), limits=limits, accounts=accounts,
        clock=clock, catalog_seed=doc.get("catalog_seed"), faults=faults, timeline=timeline,
        lines=out.lines,
    )


# -- settings ------------------------------------------------------------------------------
def _limits(raw: Mapping[str, Any], profile: str | None, out: Collector) -> Limits:
    if profile is not None and profile not in PROFILES:
        out.add(("profile",), f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
        profile = None
    messages = {int(code): text for code, text in (raw.get("messages") or {}).items()}
    limits = Limits(
        strictness=raw.get("strictness"), throttle_status=raw.get("throttle_status"),
        daily_limit=raw.get("daily_limit"), daily_tz=raw.get("daily_tz"),
        access_token_ttl_s=raw.get("access_token_ttl_s"),
        refresh_token_ttl_s=raw.get("refresh_token_ttl_s"),
        rejected_count_toward_ip=raw.get("rejected_count_toward_ip"),
        points_base=raw.get("points_base"), points_status=raw.get("points_status"),
        points_tz=raw.get("points_tz"), token_cache_s=raw.get("token_cache_s"),
        max_offset=raw.get("max_offset"),
        webhook_url_policy=raw.get("webhook_url_policy"),
        messages=messages, rules=raw.get("rules") or {},
    )
    # Build the profile once per knob group, so each error points at its own field.
    knobs = limits.knobs()
    rules = knobs.pop("rules", {})
    name = profile or "legacy"
    for key, value in knobs.items():
        try:
            build_profile(name, **{key: value})
        except ValueError as exc:
            out.add(("limits", key), str(exc))
    for rule_id, rule_knobs in rules.items():
        try:
            build_profile(name, rules={rule_id: rule_knobs})
        except ValueError as exc:
            out.add(("limits", "rules", rule_id), str(exc))
    return limits


def _verbatim(value: Any) -> Any:
    return value


# an account's own fields, as an account of the scenario or a timeline step gives them
_ACCOUNT_FIELDS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("level", parse_level), ("verified", _verbatim), ("balance", parse_balance),
    ("quotaLimits", parse_quotas))


def _account_fields(raw: Mapping[str, Any], where: FieldPath, out: Collector) -> dict[str, Any]:
    """The account fields ``raw`` gives, parsed (absent ones left out); each problem reported
    at its own field."""
    parsed: dict[str, Any] = {}
    for key, parse in _ACCOUNT_FIELDS:
        if key in raw:
            try:
                parsed[key] = parse(raw[key])
            except AccountError as exc:
                out.add((*where, key), str(exc))
    return parsed


def _accounts(raw: list[tuple[int, Mapping[str, Any]]], out: Collector,
              known_paths: Collection[str] | None) -> tuple[AccountSpec, ...]:
    specs: list[AccountSpec] = []
    emails: set[str] = set()
    for index, item in raw:
        where: FieldPath = ("accounts", index)
        email = item["email"].strip()
        if not EMAIL_RE.match(email):
            out.add((*where, "email"), f"expected an email address name@host, got {email!r}")
        elif email.lower() in emails:
            out.add((*where, "email"), f"account {email} is listed twice")
        emails.add(email.lower())
        fields = _account_fields(item, where, out)
        quotas = fields.get("quotaLimits")
        calls: dict[str, int] = {}
        for path, count in (item.get("callsToday") or {}).items():
            full = _interface(path, (*where, "callsToday", path), out, known_paths, glob=False)
            if full is not None:
                calls[full] = count
        specs.append(AccountSpec(
            email=email, api_key=item.get("apiKey"), open_id=item.get("openId"),
            level=fields.get("level"), verified=fields.get("verified"),
            balance=fields.get("balance"), name=item.get("name"),
            quota_limits=tuple(quotas) if quotas is not None else None, calls_today=calls,
            points_used=item.get("pointsUsed"), points_conversion=item.get("pointsConversion")))
    return tuple(specs)


def _points_need_a_budget(raw: list[tuple[int, Mapping[str, Any]]], profile: Any,
                          out: Collector) -> None:
    """``pointsUsed``/``pointsConversion`` only mean something under a points profile."""
    known = PROFILES.get(profile) if isinstance(profile, str) else None
    if known is not None and points_rule(known) is not None:
        return
    for index, item in raw:
        for key in ("pointsUsed", "pointsConversion"):
            if key in item:
                out.add(("accounts", index, key),
                        f"{key} needs a profile with API points (profile: cj-2026)")


def _clock(raw: Mapping[str, Any], out: Collector) -> ClockSpec:
    start = raw.get("start")
    if start is not None:
        try:
            TimeRef.parse(start)
        except ValueError as exc:
            out.add(("clock", "start"), str(exc))
        if isinstance(start, str) and start.startswith("+"):
            out.add(("clock", "start"), "expected an ISO-8601 time with an offset, "
                                        f"e.g. 2026-01-05T10:00:00+08:00, got {start!r}")
    return ClockSpec(start=start, frozen=raw.get("frozen"))


# -- faults --------------------------------------------------------------------------------
def _interface(path: str, where: FieldPath, out: Collector, known_paths: Collection[str] | None,
               glob: bool = True) -> str | None:
    full = normalize_path(path)
    if is_glob(full):
        if not glob:
            out.add(where, f"expected an exact interface path here, not a glob: {path!r}")
            return None
        if known_paths is not None and not any(fnmatchcase(p, full) for p in known_paths):
            out.add(where, f"the glob {path!r} matches no interface of the simulator")
            return None
        return full
    if known_paths is not None and full not in known_paths:
        near = difflib.get_close_matches(full, sorted(known_paths), n=1)
        hint = (f"did you mean {near[0].removeprefix('/api2.0/v1/')!r}?" if near
                else "GET /__cjsim/interfaces lists them")
        out.add(where, f"{path!r} is not an interface of the simulator ({hint})")
        return None
    return full


def _account_ref(value: str | int) -> str | int:
    return value.strip().lower() if isinstance(value, str) else value


def _time_ref(text: str, where: FieldPath, out: Collector) -> TimeRef | None:
    try:
        return TimeRef.parse(text)
    except ValueError as exc:
        out.add(where, str(exc))
        return None


def _fault(raw: Mapping[str, Any], where: FieldPath, out: Collector,
           known_paths: Collection[str] | None) -> Fault | None:
    before = len(out.problems)
    match = _match(raw["match"], (*where, "match"), out, known_paths)
    action = _action(raw["action"], (*where, "action"), out)
    if len(out.problems) > before or match is None or action is None:
        return None
    return Fault(match=match, action=action, raw=raw)


def _match(raw: Mapping[str, Any], where: FieldPath, out: Collector,
           known_paths: Collection[str] | None) -> Match | None:
    path = None
    if "path" in raw:
        path = _interface(raw["path"], (*where, "path"), out, known_paths)
    methods = raw.get("method")
    method_set = frozenset(m.upper() for m in ([methods] if isinstance(methods, str) else methods or []))
    between = None
    if "between" in raw:
        start = _time_ref(raw["between"][0], (*where, "between", 0), out)
        end = _time_ref(raw["between"][1], (*where, "between", 1), out)
        if start is not None and end is not None:
            if not end.relative and not start.relative and end.us <= start.us:
                out.add((*where, "between"), "the range ends before it starts")
            elif end.relative and end.us == 0:
                out.add((*where, "between", 1), "the range is empty: expected a positive duration")
            between = (start, end)
    return Match(
        path=path, glob=path is not None and is_glob(path), methods=method_set,
        account=_account_ref(raw["account"]) if "account" in raw else None,
        calls=frozenset(raw.get("calls") or ()), every=raw.get("every"), after=raw.get("after"),
        between=between, probability=raw.get("probability"),
    )


def _action(raw: Mapping[str, Any], where: FieldPath, out: Collector) -> Action | None:
    # false booleans mean "not this": the action is what remains
    given = {k: v for k, v in raw.items() if v is not False}
    answers = [k for k in ANSWERS if k in given]
    if len(answers) > 1:
        out.add(where, f"one answer per action: give at most one of {', '.join(ANSWERS)} "
                       f"(got {' and '.join(answers)})")
    if "message" in given and not ({"code", "false_negative"} & set(given)):
        out.add((*where, "message"), "a message needs a code (or false_negative) to go with")
    if "content_type" in given and "body" not in given:
        out.add((*where, "content_type"), "content_type needs a body to describe")
    if "http_status" in given and ({"reset_connection", "offline"} & set(given)):
        out.add((*where, "http_status"), "a reset connection or an offline interface has no HTTP status to set")
    if "truncate_body" in given and ({"reset_connection", "offline"} & set(given)):
        out.add((*where, "truncate_body"), "there is no body to cut when the connection is reset "
                                           "or the interface is offline")
    if not given or set(given) <= {"message", "content_type"}:
        out.add(where, "this action does nothing: give code, body, http_status, delay_ms, "
                       "reset_connection, truncate_body, revoke_tokens, offline or false_negative")
    offline: bool | int = False
    if "offline" in given:
        value = given["offline"]
        if value is True:
            offline = True
        else:
            try:
                offline = parse_duration(value)
            except ValueError as exc:
                out.add((*where, "offline"), str(exc))
    body = given.get("body")
    return Action(
        code=given.get("code"), message=given.get("message"), http_status=given.get("http_status"),
        body=body.encode("utf-8") if isinstance(body, str) else None,
        content_type=given.get("content_type"), delay_ms=given.get("delay_ms", 0),
        reset_connection=bool(given.get("reset_connection")),
        truncate_body=given.get("truncate_body"), revoke_tokens=bool(given.get("revoke_tokens")),
        offline=offline, false_negative=bool(given.get("false_negative")),
    )


# -- timeline ------------------------------------------------------------------------------
def _step(raw: Mapping[str, Any], where: FieldPath, out: Collector,
          known_paths: Collection[str] | None) -> Step | None:
    before = len(out.problems)
    at = _time_ref(raw["at"], (*where, "at"), out)
    changes = _account_fields(raw, where, out)
    paths: dict[str, tuple[str, ...]] = {}
    for key in ("offline", "online"):
        value = raw.get(key)
        items = [value] if isinstance(value, str) else list(value or [])
        full = [_interface(p, (*where, key) if isinstance(value, str) else (*where, key, i), out,
                           known_paths, glob=False) for i, p in enumerate(items)]
        paths[key] = tuple(p for p in full if p is not None)
    products: dict[str, dict[str, Any]] = {}
    for pid, change in (raw.get("products") or {}).items():
        try:
            products[pid] = parse_change(change)
        except ValueError as exc:
            out.add((*where, "products", pid), str(exc))
    if "account" in raw and not changes:
        if not (raw.get("expire_tokens") or raw.get("revoke_tokens")):
            out.add((*where, "account"), "an account is named but nothing changes for it")
    acting = changes or paths["offline"] or paths["online"] or raw.get("expire_tokens") \
        or raw.get("revoke_tokens") or products
    if not acting and len(out.problems) == before:
        out.add(where, "this step does nothing: give level, verified, balance, quotaLimits, "
                       "offline, online, expire_tokens, revoke_tokens or products")
    if len(out.problems) > before or at is None:
        return None
    return Step(at=at, account=_account_ref(raw["account"]) if "account" in raw else None,
                changes=changes, offline=paths["offline"], online=paths["online"],
                expire_tokens=bool(raw.get("expire_tokens")),
                revoke_tokens=bool(raw.get("revoke_tokens")), products=products, raw=raw)
