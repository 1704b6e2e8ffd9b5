"""One CJ request as the handlers see it: no globals, everything they need is here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from werkzeug.datastructures import Headers, MultiDict

    from cjsim.domain.accounts import Account
    from cjsim.domain.tokens import TokenInfo
    from cjsim.routes import Route
    from cjsim.simulator import Simulator


@dataclass
class Call:
    sim: Simulator
    method: str
    path: str
    ip: str
    now_us: int
    journal_id: int
    query: MultiDict[str, str]
    headers: Headers
    route: Route | None = None
    body: Any = None  # the parsed JSON body (POST/PATCH), None for query endpoints
    account: Account | None = None
    token: TokenInfo | None = None
    subject: str | None = None  # login calls: the account the credentials name
    params: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)  # journal extras (rule, reason, ...)
    raw_body: bytes | None = None  # the body as sent (what the journal shows), None if unread
    started_ns: int = 0  # perf_counter_ns() on arrival: the journal's wall-clock latency

    @property
    def open_id(self) -> int:
        assert self.account is not None, "handler of an endpoint without auth asked for account"
        return self.account.open_id
