"""One CJ request, top to bottom (docs/rules.md, "Order of checks").

    known path (1600101; 1600100 for one CJ documents but not simulated)
    -> online (1600100) -> scenario faults -> per-IP limit (R1)
    -> method and body shape (1600300) -> token (1600002/1600001)
    -> limits: login, daily, quotas, account QPS, interface QPS (1600200/1600201)
    -> parameters (1600300) -> handler -> envelope -> journal

Every answer under ``/api2.0/`` leaves through ``_respond`` as a JSON envelope, whatever
went wrong; a handler bug becomes 1600000 with HTTP 500 and a log line, never a traceback.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from werkzeug.datastructures import EnvironHeaders, ImmutableMultiDict
from werkzeug.exceptions import BadRequest

from cjsim import jsonenc
from cjsim.call import Call, presented_token
from cjsim.domain.ids import mask_secrets
from cjsim.domain.logistics import known_country
from cjsim.domain.progress import DUE_READ
from cjsim.envelope import failure, success
from cjsim.errors import WRONG_JSON_MESSAGE, CJError, illegal
from cjsim.faults import SCENARIO_VERSION, NoFaults
from cjsim.limits.engine import Decision, Subject
from cjsim.params import countries, parse_object, parse_query
from cjsim.store import StoreUnavailable

if TYPE_CHECKING:
    from cjsim.routes import Route
    from cjsim.simulator import Simulator

log = logging.getLogger("cjsim")

API_ROOT = "/api2.0"
IP_HEADER = "HTTP_X_CJSIM_CLIENT_IP"
JSON_HEADERS = [("Content-Type", "application/json; charset=utf-8")]
REASONS = {200: "OK", 400: "BAD REQUEST", 404: "NOT FOUND", 405: "METHOD NOT ALLOWED",
           413: "REQUEST ENTITY TOO LARGE", 429: "TOO MANY REQUESTS",
           500: "INTERNAL SERVER ERROR", 502: "BAD GATEWAY", 503: "SERVICE UNAVAILABLE"}

StartResponse = Callable[..., Any]
_new_subject = tuple.__new__  # a NamedTuple from its field tuple, without its Python __new__
JOURNAL_SEQ = "journal"  # the journal's log, whose sequence numbers its entries (a request's journal id)
# what the envelope's exact catalogue message leaves out ("pageSize must be at most 200")
DETAIL_HEADER = "X-CJSim-Detail"


# error kinds of checks only a profile that answers them makes (Profile.answers)
NOT_JSON = "content-type"
UNKNOWN_COUNTRY = "country:unknown"


def _is_json(ctype: str) -> bool:
    """``application/json`` or ``application/<x>+json``, parameters aside (lower case)."""
    media = ctype.partition(";")[0].strip()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _known_countries(route: Route, params: dict[str, Any]) -> None:
    """1600300 (kind ``country:unknown``) for a country code the simulator does not know."""
    for name, code in countries(route.params, params):
        if not known_country(code):
            raise illegal(f"{name} {code} is not a known country", reason=UNKNOWN_COUNTRY,
                          param=name)


def _header_text(text: str) -> str:
    """``text`` as one header line: printable ASCII (others as \\uXXXX), at most 1,000 chars."""
    safe = "".join(c if " " <= c <= "~" else f"\\u{ord(c):04x}" for c in text)
    return safe[:1000]


_QUERIES: dict[str, ImmutableMultiDict[str, str]] = {}  # a client repeats its few query strings
# the longest query string kept for the next request (256 of them at most): a longer one is
# parsed anew each time, so these caches hold at most 256 x 2 KiB whatever clients send
CACHED_QUERY_MAX = 2048
_NO_QUERY: ImmutableMultiDict[str, str] = ImmutableMultiDict()


def _query_args(query: str) -> ImmutableMultiDict[str, str]:
    """A query string's arguments, kept for the next request that sends it: read-only, so
    every request that sends it can be given the same one."""
    if not query:
        return _NO_QUERY
    args = _QUERIES.get(query)
    if args is None:
        args = ImmutableMultiDict(parse_qsl(query, keep_blank_values=True, errors="replace"))
        if len(query) > CACHED_QUERY_MAX:
            return args
        if len(_QUERIES) >= 256:
            _QUERIES.clear()
        _QUERIES[query] = args
    return args


class RawAnswer(Exception):
    """An answer that is not a CJ envelope (a fault: HTML gateway page, reset, cut body)."""

    def __init__(self, respond: Callable[[StartResponse], Iterable[bytes]], status: int,
                 code: int | None = None) -> None:
        super().__init__(status)
        self.respond = respond
        self.status = status
        self.code = code


def _read(stream: Any, size: int) -> bytes:
    """Up to ``size`` bytes of the request body. A body the client sent wrong (cut short, a
    malformed chunk, a half-close, too slow) is the client's error: 1600300, not "System busy"
    (which tells it to retry a request that can never succeed). Servers report it as
    werkzeug's ``BadRequest``/``ClientDisconnected`` (ours, werkzeug's ``LimitedStream``) or
    an ``OSError`` (werkzeug's dechunker, a socket timeout or reset)."""
    try:
        return bytes(stream.read(size))
    except (BadRequest, OSError) as exc:
        detail = exc.description if isinstance(exc, BadRequest) else str(exc) or type(exc).__name__
        raise illegal(f"the request body could not be read: {detail}", reason="bad-body") from None


class CJApi:
    """WSGI middleware: ``/api2.0/...`` is answered here, everything else by ``inner``."""

    def __init__(self, sim: Simulator, inner: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> None:
        self.sim = sim
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or ""
        if path == API_ROOT or path.startswith(API_ROOT + "/"):
            return self.sim.pipeline.serve(environ, start_response)
        return self.inner(environ, start_response)


class Pipeline:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    # -- entry ---------------------------------------------------------------------------
    def serve(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        sim = self.sim
        call = self._new_call(environ)
        status = 200
        try:
            try:
                data = self._run(call, environ)
                payload = success(data, sim.request_id(call))
            except CJError as raised:
                err = sim.profile.translate(raised)
                status = err.http_status
                if err.reason and "reason" not in call.notes:
                    call.notes["reason"] = err.reason
                if err.detail and "detail" not in call.notes:
                    call.notes["detail"] = err.detail
                payload = failure(err, sim.request_id(call), sim.profile.catalogue)
            body = jsonenc.dumps(payload)  # inside the guard: an answer that cannot be encoded is a bug
        except RawAnswer as raw:  # a scenario fault that answers below the envelope
            self._journal(call, raw.code, raw.status, None, None, None, [])
            return raw.respond(start_response)
        except StoreUnavailable as exc:  # state is out of reach: CJ's "System busy", retryable
            log.warning("store unavailable on %s %s: %s", call.method, call.path, exc)
            status = 503
            call.notes["reason"] = "store-unavailable"
            payload = failure(CJError(1600000), sim.request_id(call), sim.profile.catalogue)
            body = jsonenc.dumps(payload)
        except Exception:  # a bug of ours: log it, answer like CJ does when it is down
            log.exception("internal error on %s %s", call.method, call.path)
            status = 500
            call.notes["reason"] = "internal-error"
            payload = failure(CJError(1600000), sim.request_id(call), sim.profile.catalogue)
            body = jsonenc.dumps(payload)
        return self._respond(call, status, payload, body, start_response)

    def _new_call(self, environ: dict[str, Any]) -> Call:
        sim = self.sim
        ip = environ.get("REMOTE_ADDR") or "0.0.0.0"
        if sim.trust_ip_header and environ.get(IP_HEADER):
            ip = str(environ[IP_HEADER]).strip()[:64] or ip
        query = environ.get("QUERY_STRING", "")
        return Call(
            sim=sim, method=str(environ.get("REQUEST_METHOD", "GET")).upper(),
            path=environ.get("PATH_INFO", "") or "/", ip=ip, now_us=0, journal_id=0,
            query=_query_args(query),
            headers=EnvironHeaders(environ), query_text=query,
            # Wall-clock latency for the journal and the log: the one read of real time
            # outside the clock, because it measures the server's work, not simulated time.
            started_ns=time.perf_counter_ns(),
        )

    # -- the checks, in CJ's order -------------------------------------------------------
    def _open(self, call: Call, route: Route | None, follow_scenarios: bool) -> None:
        """The request's opening: the clock, its journal id and every document the checks
        before the limiter read (the due time of the order ticker, the offline flag, the
        catalogue changes' version,
        token and the account it names, the shared scenario version when it is looked at,
        the route's ``account_docs`` and ``spaces``), in one store step: one round trip on Redis. The
        limiter and the journal write are the request's two other round trips."""
        sim = self.sim
        reads = [DUE_READ, sim.interfaces.read_key(call.path), sim.domain.CHANGES_READ]
        if follow_scenarios:
            reads.append(SCENARIO_VERSION)
        if route is not None and route.auth:
            token = presented_token(call.headers)
            if token:
                read_key = sim.tokens.read_key(token)
                call.presented = (token, read_key[1])
                reads.append(read_key)
                owner = sim.tokens.owner_hint(token)
                if owner is not None:
                    key = str(owner)
                    reads.append((sim.accounts.NS, key))
                    for ns in route.account_docs:
                        reads.append((ns, key))
        spaces = route.spaces if route is not None else ()
        opening = sim.store.open_call(JOURNAL_SEQ, reads, spaces)
        if opening.clock is None:  # the store lost its state: put it back, then read again
            sim.ensure_state(direct=True)
            opening = sim.store.open_call(JOURNAL_SEQ, reads, spaces)
            if opening.clock is None:
                raise StoreUnavailable("the store lost the simulator's state again")
        with sim.primed_clock(opening.clock):
            call.now_us = sim.clock.now_us()  # one instant for the whole request
        call.journal_id = opening.seq
        call.opened = dict(zip(reads, opening.docs))
        if spaces:
            call.opened_spaces = dict(zip(spaces, opening.spaces))

    def _run(self, call: Call, environ: dict[str, Any]) -> Any:
        sim = self.sim
        route = sim.routes.get(call.path)
        follow_scenarios = sim.scenario_check_due()
        self._open(call, route, follow_scenarios)
        # webhooks the clock made due (nothing more to read when none are)
        ticked = sim.tick(call.now_us, call.read, follow_scenarios)
        if ticked or not isinstance(sim.faults, NoFaults):
            # orders moved, or a scenario is active (its timeline steps and faults change
            # accounts, tokens and interfaces before the checks): read them afresh
            call.opened, call.opened_spaces = {}, {}
        if route is None:
            why = sim.routes.not_simulated.get(call.path)
            if why is not None:  # documented by CJ, not simulated: "offline", not "not found"
                raise CJError(1600100, detail=f"not simulated: {why}", reason="not-simulated")
            raise CJError(1600101, reason="unknown-path")
        call.route = route
        sim.interfaces.ensure_online(call.path, call.now_us, call.read)
        sim.faults.before(call)  # may raise a CJError or a RawAnswer
        try:
            self._shape_and_token(call, route, environ)
        except CJError:
            # The per-IP limit (R1) comes before these checks in CJ's order. A request that
            # passes them meets R1 again, first, in `admit`; so R1 is looked at here only
            # when they fail, and the happy path makes a single limiter call.
            self._limit(call, sim.limiter.precheck(self._subject(call), call.now_us))
            raise
        self._limit(call, sim.limiter.admit(self._subject(call), call.now_us))
        sim.faults.admitted(call)  # a scenario's CJ error: the limits counted the call
        call.params = (parse_query(route.params, call.query) if route.takes_query
                       else parse_object(route.params, call.body or {}))
        if sim.profile.answers(UNKNOWN_COUNTRY):
            _known_countries(route, call.params)
        data = route.handler(call)
        return sim.faults.after(call, data)

    def _journal(self, call: Call, code: int | None, status: int, request_id: str | None,
                 message: str | None, answer: bytes | None, headers: list[tuple[str, str]]) -> None:
        try:
            # every answer given here is the envelope as jsonenc (orjson) wrote it
            self.sim.journal_call(call, code, status, request_id, message=message, answer=answer,
                                  answer_headers=headers, answer_is_json=answer is not None)
        except Exception as exc:  # noqa: BLE001 - the answer matters more than its record
            log.warning("could not journal %s %s: %s", call.method, call.path, exc)

    def _shape_and_token(self, call: Call, route: Route, environ: dict[str, Any]) -> None:
        if call.method != route.method:
            raise illegal(f"request method '{call.method}' not supported; use {route.method}",
                          reason="wrong-method", param=call.method[:16])
        call.body = self._read_body(call, route, environ)
        if route.auth:
            self._authenticate(call)
        elif route.subject is not None:
            call.subject = route.subject(call)

    def _subject(self, call: Call) -> Subject:
        route = call.route
        login = route is not None and route.login
        account = call.account
        if account is not None and not login:  # made in C from its fields: on every request
            return _new_subject(Subject, (
                call.ip, call.path, False, str(account.open_id), account.level, account.verified,
                account.quotas, self.sim.points.conversion(account.open_id, call.now_us)))
        return Subject(call.ip, call.path, login, call.subject)

    def _limit(self, call: Call, decision: Decision) -> None:
        tripped = decision.tripped
        if tripped is None:
            return
        call.notes["rule"] = tripped.rule.id
        self.sim.record_violation(call, tripped.rule.id, rejected=decision.rejected,
                                  limit=tripped.limit, used=tripped.count)
        if decision.rejected:
            raise tripped.error

    def _read_body(self, call: Call, route: Route, environ: dict[str, Any]) -> Any:
        if route.body == "query":
            return None  # GET/DELETE: the body and its Content-Type are ignored
        raw = self._raw_body(environ)
        call.raw_body = raw
        ctype = str(environ.get("CONTENT_TYPE", "")).lower()
        if route.body == "multipart":
            return _multipart(environ, raw, ctype)
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            raise illegal("this interface takes a JSON body, not form-data", reason="form-body",
                          param=str(environ.get("CONTENT_TYPE", ""))[:100])
        if ctype and not _is_json(ctype) and self.sim.profile.answers(NOT_JSON):
            raise illegal("this interface takes a JSON body (Content-Type: application/json)",
                          reason=NOT_JSON, param=str(environ.get("CONTENT_TYPE", ""))[:100])
        if not raw.strip():
            if route.body == "json_or_empty":
                return {}
            detail = "this interface takes a JSON body"
            if environ.get("QUERY_STRING"):
                detail += ", not URL parameters"
            raise illegal(detail, reason="no-body")
        try:
            body = jsonenc.loads(raw)
        except jsonenc.JSONDecodeError:
            raise CJError(1600300, message=WRONG_JSON_MESSAGE, reason="wrong-json") from None
        if not isinstance(body, dict):
            raise illegal("the JSON body must be an object", reason="body-not-object")
        return body

    def _raw_body(self, environ: dict[str, Any]) -> bytes:
        limit = self.sim.max_body_bytes
        length_text = environ.get("CONTENT_LENGTH") or ""
        stream = environ.get("wsgi.input")
        if stream is None:
            return b""
        if length_text:
            try:
                length = int(length_text)
            except ValueError:
                raise illegal("Content-Length is not a number", reason="bad-length") from None
            if length > limit:
                raise illegal(f"the body is larger than {limit} bytes", reason="body-too-large")
            data = _read(stream, length) if length > 0 else b""
            if len(data) < length:
                raise illegal(f"the body ended after {len(data)} of its {length} bytes (Content-Length)",
                              reason="bad-body")
            return data
        if environ.get("wsgi.input_terminated") or "chunked" in str(
                environ.get("HTTP_TRANSFER_ENCODING", "")).lower():
            data = _read(stream, limit + 1)
            if len(data) > limit:
                raise illegal(f"the body is larger than {limit} bytes", reason="body-too-large")
            return data
        return b""

    def _authenticate(self, call: Call) -> None:
        presented = call.presented  # the opening's: the token and its digest, made once
        token, key = presented if presented is not None else (presented_token(call.headers), None)
        if not token:
            raise CJError(1600002, reason="token:missing")
        info = self.sim.tokens.authenticate(token, call.now_us, call.read, key=key)
        call.token = info
        call.notes["tokenId"] = info.token_id
        account = self.sim.accounts.get(info.open_id, call.read)
        if account is None:
            raise CJError(1600001, reason="token:no-account")
        call.account = account

    # -- the answer ----------------------------------------------------------------------
    def _respond(self, call: Call, status: int, payload: dict[str, Any], body: bytes,
                 start_response: StartResponse) -> Iterable[bytes]:
        headers = [*JSON_HEADERS, ("Content-Length", str(len(body)))]
        detail = call.notes.get("detail")
        if detail:
            headers.append((DETAIL_HEADER, _header_text(mask_secrets(str(detail)))))
        self._journal(call, payload["code"], status, payload["requestId"], payload.get("message"),
                      body, headers)
        start_response(f"{status} {REASONS.get(status, 'UNKNOWN')}", headers)
        return [body]


def _multipart(environ: dict[str, Any], raw: bytes, ctype: str) -> dict[str, Any]:
    """A multipart/form-data body (a route row with ``body="multipart"``): text parts as
    strings, file parts as ``{filename, contentType, size}`` (the bytes are not kept)."""
    if not ctype.startswith("multipart/form-data"):
        raise illegal("this interface takes a multipart/form-data body", reason="not-multipart")
    from werkzeug.formparser import parse_form_data

    env = {**environ, "wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw))}
    try:
        _, form, files = parse_form_data(env, silent=False)
    except ValueError as exc:
        raise illegal(f"the multipart body could not be read: {exc}", reason="bad-body") from None
    body: dict[str, Any] = {key: form.get(key) for key in form}
    for key in files:
        part = files[key]
        data = part.read()
        body[key] = {"filename": part.filename or "", "contentType": part.mimetype or "",
                     "size": len(data)}
    return body
