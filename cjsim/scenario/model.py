"""A scenario as typed, immutable data: what the loader builds and the engine runs.

Everything here is already validated: the engine never re-checks a value, and a model
object can be handed to another process as its ``raw`` JSON and rebuilt identically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cjsim.clock import check_instant, parse_instant
from cjsim.clock import parse_duration as clock_duration
from cjsim.scenario.errors import Lines


def parse_duration(text: str) -> int:
    """``+1h30m`` -> microseconds. Raises ValueError with the expected form."""
    return clock_duration(text, sign="+")


@dataclass(frozen=True)
class TimeRef:
    """An instant: absolute (epoch microseconds) or an offset from a base instant.

    Relative instants let one scenario file work on any start date: ``+10m`` is ten
    minutes after the scenario started (for ``between``'s end: after the range's start).
    """

    us: int
    relative: bool

    @classmethod
    def parse(cls, text: str) -> TimeRef:
        if isinstance(text, str) and text.startswith("+"):
            return cls(parse_duration(text), True)
        try:
            return cls(check_instant(parse_instant(text)), False)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"expected an ISO-8601 time with an offset "
                             f"(2026-01-05T10:00:00+08:00) or a duration (+10m): {exc}") from None

    def resolve(self, base_us: int) -> int:
        return base_us + self.us if self.relative else self.us


@dataclass(frozen=True)
class Limits:
    """Rule knobs, named as ``cjsim serve``'s flags and ``build_profile``'s arguments."""

    strictness: str | None = None
    throttle_status: int | None = None
    daily_limit: int | None = None
    daily_tz: str | None = None
    access_token_ttl_s: int | None = None
    refresh_token_ttl_s: int | None = None
    rejected_count_toward_ip: bool | None = None
    points_base: int | None = None
    points_status: int | None = None
    points_tz: str | None = None
    token_cache_s: int | None = None
    max_offset: int | None = None
    webhook_url_policy: str | None = None
    messages: Mapping[int, str] = field(default_factory=dict)
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def knobs(self) -> dict[str, Any]:
        """The set knobs as ``build_profile`` keywords."""
        out: dict[str, Any] = {}
        for name in ("strictness", "throttle_status", "daily_limit", "daily_tz",
                     "access_token_ttl_s", "refresh_token_ttl_s", "rejected_count_toward_ip",
                     "points_base", "points_status", "points_tz", "token_cache_s", "max_offset",
                     "webhook_url_policy"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.messages:
            out["messages"] = dict(self.messages)
        if self.rules:
            out["rules"] = {k: dict(v) for k, v in self.rules.items()}
        return out


@dataclass(frozen=True)
class AccountSpec:
    """An account the scenario creates (or updates, when the email exists)."""

    email: str
    api_key: str | None = None
    open_id: int | None = None
    level: int | None = None
    verified: bool | None = None
    balance: str | None = None
    name: str | None = None
    quota_limits: tuple[dict[str, Any], ...] | None = None
    calls_today: Mapping[str, int] = field(default_factory=dict)  # full path -> calls
    points_used: int | None = None  # cj-2026: API points already spent today
    points_conversion: int | None = None  # cj-2026: today's order-conversion points

    def create_kwargs(self) -> dict[str, Any]:
        """Keywords of ``Accounts.create`` (unset fields keep their defaults)."""
        out: dict[str, Any] = {"email": self.email}
        for key, value in (("api_key", self.api_key), ("open_id", self.open_id),
                           ("level", self.level), ("verified", self.verified),
                           ("balance", self.balance), ("name", self.name)):
            if value is not None:
                out[key] = value
        if self.quota_limits is not None:
            out["quotas"] = [dict(q) for q in self.quota_limits]
        return out

    def update_changes(self) -> dict[str, Any]:
        """The changes of ``Accounts.update`` for an account that already exists."""
        out: dict[str, Any] = {}
        for key, value in (("level", self.level), ("verified", self.verified),
                           ("balance", self.balance), ("name", self.name)):
            if value is not None:
                out[key] = value
        if self.quota_limits is not None:
            out["quotaLimits"] = [dict(q) for q in self.quota_limits]
        return out


@dataclass(frozen=True)
class ClockSpec:
    start: str | None = None
    frozen: bool | None = None


@dataclass(frozen=True)
class Match:
    """Which calls a fault picks. Unset keys match everything; set keys must all hold."""

    path: str | None = None  # a full path (/api2.0/v1/...) or a glob over full paths
    glob: bool = False
    methods: frozenset[str] = frozenset()
    account: str | int | None = None  # lowercased email, or openId
    calls: frozenset[int] = frozenset()
    every: int | None = None
    after: int | None = None
    between: tuple[TimeRef, TimeRef] | None = None
    probability: float | None = None


@dataclass(frozen=True)
class Action:
    code: int | None = None
    message: str | None = None
    http_status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    delay_ms: int = 0
    reset_connection: bool = False
    truncate_body: int | bool | None = None  # bytes kept, or True for half the body
    revoke_tokens: bool = False
    offline: bool | int = False  # True, or a duration in microseconds
    false_negative: bool = False


@dataclass(frozen=True)
class Fault:
    match: Match
    action: Action
    raw: Mapping[str, Any]  # the fault as written (the control API shows it back)


@dataclass(frozen=True)
class Step:
    """A timeline step: at a simulated instant, change accounts, interfaces or tokens."""

    at: TimeRef
    account: str | int | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)  # Accounts.update changes
    offline: tuple[str, ...] = ()
    online: tuple[str, ...] = ()
    expire_tokens: bool = False
    revoke_tokens: bool = False
    # pid -> catalogue change (cjsim/domain/catalogue/changes.py), already shape-checked
    products: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    source: str  # where it came from: a file, bundled:<name>, <dict>
    raw: Mapping[str, Any]  # the validated document, JSON-compatible
    description: str = ""
    seed: int | None = None
    profile: str | None = None
    limits: Limits = field(default_factory=Limits)
    accounts: tuple[AccountSpec, ...] = ()
    clock: ClockSpec = field(default_factory=ClockSpec)
    catalog_seed: int | None = None
    faults: tuple[Fault, ...] = ()
    timeline: tuple[Step, ...] = ()
    lines: Lines = field(default_factory=Lines, compare=False, repr=False)  # for later errors
