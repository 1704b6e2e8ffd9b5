"""One CJ request as the handlers see it: no globals, everything they need is here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import MultiDict as RealMultiDict

if TYPE_CHECKING:
    from werkzeug.datastructures import Headers, MultiDict

    from cjsim.domain.accounts import Account
    from cjsim.domain.tokens import TokenInfo
    from cjsim.routes import Route
    from cjsim.simulator import Simulator

TOKEN_HEADER = "CJ-Access-Token"  # the one header CJ reads the access token from


def query_pairs(query: MultiDict[str, str]) -> list[tuple[str, str]]:
    """``query.items(multi=True)`` as a list (a MultiDict is a dict of lists: read directly)."""
    if not isinstance(query, RealMultiDict):
        return list(query.items(multi=True))
    return [(key, value) for key, values in dict.items(query) for value in values]


TOKEN_KEY = "HTTP_CJ_ACCESS_TOKEN"  # the header's WSGI environ key


def presented_token(headers: Headers | None) -> str:
    """The access token a request presents, exactly as the pipeline authenticates it (blanks stripped)."""
    if headers is None:
        return ""
    environ = getattr(headers, "environ", None)  # EnvironHeaders: one dict lookup
    value = environ.get(TOKEN_KEY) if isinstance(environ, dict) else headers.get(TOKEN_HEADER)
    return (value or "").strip()


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
    query_text: str | None = None  # the query string ``query`` was parsed from, when known
    # the token the request presents and its digest, as its opening read them (auth routes)
    presented: tuple[str, str] | None = None
    # the documents the request read with its opening (one store round trip), by (ns, key)
    opened: dict[tuple[str, str], Any] = field(default_factory=dict)
    opened_spaces: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)

    def read(self, ns: str, key: str) -> Any:
        """A committed document: from the request's opening if it was read there (the same
        instant's state), else from the store."""
        opened = self.opened
        if (ns, key) in opened:
            return opened[(ns, key)]
        return self.sim.store.get(ns, key)

    def read_all(self, ns: str) -> list[tuple[str, Any]]:
        """Every committed document of a namespace, by key: from the request's opening if
        it was read there, else from the store."""
        found = self.opened_spaces.get(ns)
        return self.sim.store.items(ns) if found is None else found

    @property
    def open_id(self) -> int:
        assert self.account is not None, "handler of an endpoint without auth asked for account"
        return self.account.open_id
