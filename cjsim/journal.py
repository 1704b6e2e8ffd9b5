"""What the journal keeps of one exchange, and the HAR export.

The journal list (``GET /__cjsim/journal``) stays small: one flat entry per CJ request
(kept by the store's bounded log). The exchange itself -- query, headers and body of the
request, headers and body of the answer -- is kept beside it, one document per journal id
in the ``journal:exchange`` namespace, and dropped when its entry leaves the ring. Bodies
are kept up to ``journal_body_bytes`` (a cut body says so) and credentials are masked
(:func:`cjsim.domain.ids.mask_secrets`, the one masking function) before anything is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from cjsim import jsonenc
from cjsim.call import query_pairs
from cjsim.domain.ids import is_secret_name, mask_pairs, mask_secrets, mask_value
from cjsim.pipeline import CACHED_QUERY_MAX, JSON_HEADERS
from cjsim.store.base import Deferred, deferred_kind

if TYPE_CHECKING:
    from cjsim.call import Call
    from cjsim.simulator import Simulator

EXCHANGE = "journal:exchange"
DEFAULT_BODY_BYTES = 16 * 1024
HEADER_VALUE_MAX = 2048  # one header value kept; beyond, cut (a 64 KiB cookie says nothing)
HEADERS_MAX = 64


def cut_note(kept: int, size: int) -> str:
    return f"\n… [cjsim: body cut, {kept} of {size} bytes kept (--journal-body-bytes)]"


def bounded_text(raw: bytes | None, limit: int, masked: bool = True) -> tuple[str | None, int, bool]:
    """(masked text, size in bytes, cut?) of a body. A cut body ends with :func:`cut_note`.
    ``masked=False`` only for answers that cannot hold a credential (:func:`answer_may_hold_secrets`)."""
    if raw is None:
        return None, 0, False
    size = len(raw)
    cut = size > limit
    text = raw[:limit].decode("utf-8", "replace") if cut else raw.decode("utf-8", "replace")
    if masked:
        text = mask_secrets(text)
    if cut:
        text += cut_note(limit, size)
    return text, size, cut


class _HeaderNames(dict[str, "str | None"]):
    """environ key -> the header name werkzeug's EnvironHeaders gives it, or None for a key
    that is not a header, so the journal reads the environ directly, in werkzeug's order
    and spelling. A key not seen yet is looked at once (``__missing__``)."""

    def __missing__(self, key: str) -> str | None:
        name: str | None
        if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            name = key[5:].replace("_", "-").title()
        elif key in _BODY_KEYS:
            name = key.replace("_", "-").title()
        else:
            name = None
        if len(self) >= 1024:  # header names come from clients: keep a bounded few
            self.clear()
        self[key] = name
        return name


_HEADER_NAMES = _HeaderNames()
_BODY_KEYS = ("CONTENT_TYPE", "CONTENT_LENGTH")


# the environ's keys (one client sends the same ones, in the same order) -> its header keys,
# their names and whether each names a credential, in order: a request's headers are then
# read and masked without looking at every key or name
_PLANS: dict[tuple[str, ...], tuple[tuple[str, str, bool], ...]] = {}


def _plan(keys: tuple[str, ...]) -> tuple[tuple[str, str, bool], ...]:
    names = _HEADER_NAMES
    plan = tuple([(key, name, is_secret_name(name)) for key in keys
                  if (name := names[key]) is not None])
    if len(_PLANS) >= 256:  # keys come from clients: keep a bounded few
        _PLANS.clear()
    _PLANS[keys] = plan
    return plan


def _plan_of(environ: Mapping[str, Any]) -> tuple[tuple[str, str, bool], ...]:
    keys = tuple(environ)
    plan = _PLANS.get(keys)
    return _plan(keys) if plan is None else plan


def _cut(value: str) -> str:
    return value if len(value) <= HEADER_VALUE_MAX else value[:HEADER_VALUE_MAX] + "…"


def _journal_headers(call: Call) -> tuple[tuple[str, str], ...]:
    """The request's header pairs as the journal keeps them: ``EnvironHeaders(environ)``'s
    names and order (read from the environ through its plan, at a fraction of its cost), a
    bounded few, each value bounded, then every credential's masked as
    :func:`cjsim.domain.ids.mask_pairs` does (the plan has looked at the names already)."""
    environ = getattr(call.headers, "environ", None)
    if not isinstance(environ, dict):
        pairs = [(name, _cut(value))
                 for name, value in (call.headers.items() if call.headers is not None else ())]
        return tuple(mask_pairs(pairs[:HEADERS_MAX]))
    out: list[tuple[str, str]] = []
    for key, name, secret in _plan_of(environ):
        value = environ[key]
        if not value and key in _BODY_KEYS:
            continue
        value = _cut(value)
        out.append((name, mask_value(value) if secret else value))
        if len(out) == HEADERS_MAX:
            break
    return tuple(out)


# a query string without a credential -> its journal pairs (a client repeats its few short ones)
_QUERY_PAIRS: dict[str, tuple[tuple[str, str], ...]] = {}


def _journal_query(call: Call) -> tuple[tuple[str, str], ...]:
    """The request's query pairs as the journal keeps them, credentials masked. Those of a
    query string that holds none are kept for the next request that sends it (one that
    holds one is never kept: no credential outlives its request here)."""
    query = call.query
    if not query:
        return ()
    text = call.query_text
    pairs = _QUERY_PAIRS.get(text) if text is not None else None
    if pairs is None:
        raw = query_pairs(query)
        pairs = tuple(mask_pairs(raw))
        if text is not None and len(text) <= CACHED_QUERY_MAX and list(pairs) == raw:
            if len(_QUERY_PAIRS) >= 256:
                _QUERY_PAIRS.clear()
            _QUERY_PAIRS[text] = pairs
    return pairs


def answer_may_hold_secrets(call: Call) -> bool:
    """Whether an answer must pass through the masking function before it is kept. Answers
    our handlers build for an authenticated, non-authentication interface never carry a
    credential (tokens are issued only by the authentication family); an unknown path, a
    login or authentication interface, or an answer a scenario fault shaped may. Masking a
    product answer costs more than the rest of the request (its many ``...Key`` names are
    all looked at), so it is skipped only where it cannot find anything."""
    route = call.route
    return (route is None or not route.auth or route.login or "/authentication/" in route.path
            or "fault" in call.notes)


def json_string(raw: bytes) -> orjson.Fragment:
    """``orjson.dumps(raw.decode())`` of bytes orjson wrote itself (valid UTF-8 without a
    control character: it escapes those), made without decoding them: orjson escapes only
    quotes, backslashes and control characters. A product answer is mostly non-ASCII text:
    decoding it and encoding the text again cost as much as the answer's own encoding."""
    return orjson.Fragment(b'"' + raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"')


EXCHANGE_KIND = "journal.exchange"  # the kind of its deferred documents (cjsim.store.base)


def exchange(call: Call, status: int, answer: bytes | None,
             answer_headers: Sequence[tuple[str, str]], limit: int,
             answer_is_json: bool = False) -> Deferred:
    """One exchange, masked and bounded, as the pieces its stored document
    (:func:`exchange_doc`) is made of when somebody reads it: most exchanges never are,
    and the document of a product answer (:func:`json_string`) and its encoding cost more
    than a tenth of the request. Credentials are masked here already, so no store ever
    holds one. A plain tuple of immutable values (``cjsim.store.base.Deferred``): the
    kind, the request and the answer's size and headers in one tuple, and the answer (the
    piece the in-memory store copies at its own size); the in-memory store keeps it (and
    the garbage collector stops tracking it), the other stores write its document at once.

    ``answer_is_json``: the answer is orjson's output (the pipeline's envelope); then a
    whole one that needs no masking is kept as it is, and stored as the very document its
    text would make (:func:`json_string`)."""
    raw = call.raw_body
    body, body_size, body_cut = (None, 0, False) if raw is None else bounded_text(raw, limit)
    reply: str | bytes | None
    masked = answer_may_hold_secrets(call)
    if answer_is_json and answer is not None and len(answer) <= limit and not masked:
        reply, reply_size, reply_cut = answer, len(answer), False  # a JSON string when read
    else:
        reply, reply_size, reply_cut = bounded_text(answer, limit, masked=masked)
    # the answer's headers left out when they are the envelope's own (JSON, its length)
    envelope = (len(answer_headers) == 2 and answer_headers[0] == JSON_HEADERS[0]
                and answer_headers[1] == ("Content-Length", str(reply_size)))
    return (EXCHANGE_KIND, (_journal_query(call), _journal_headers(call), body, body_size, body_cut,
                            status, None if envelope else tuple(answer_headers), reply_size, reply_cut),
            reply)


def exchange_doc(pieces: Deferred) -> dict[str, Any]:
    """The stored document of one exchange (:func:`exchange`). Short keys, and the answer's
    headers left out when they are the envelope's own (JSON, its length): the journal
    keeps 10,000 of these."""
    _, (query, headers, body, body_size, body_cut, status, answer_headers, reply_size, reply_cut), reply = pieces
    return {
        # pairs as tuples: orjson writes them as the same arrays
        "q": query, "h": headers,
        "b": body, "bs": body_size, "bc": body_cut,
        "s": status, "rh": answer_headers,
        "r": json_string(reply) if isinstance(reply, bytes) else reply, "rs": reply_size, "rc": reply_cut,
    }


deferred_kind(EXCHANGE_KIND, exchange_doc)


def _body(text: str | None, cut: bool) -> Any:
    """A stored body as the entry shows it: JSON when it is whole JSON, else the text."""
    if text is None or cut or not text.strip():
        return text
    try:
        return jsonenc.loads(text)
    except jsonenc.JSONDecodeError:
        return text


def _as_dict(pairs: Iterable[Sequence[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            out[name] = [*out[name], value] if isinstance(out[name], list) else [out[name], value]
        else:
            out[name] = value
    return out


def _answer_headers(doc: Mapping[str, Any]) -> list[Sequence[str]]:
    if doc["rh"] is not None:
        return list(doc["rh"])
    return [JSON_HEADERS[0], ("Content-Length", str(doc["rs"]))]


def full_entry(entry: Mapping[str, Any], doc: Mapping[str, Any]) -> dict[str, Any]:
    """``GET /__cjsim/journal/<id>``: the list entry plus its request and answer."""
    out = dict(entry)
    out["request"] = {
        "method": entry["method"], "path": entry["path"], "query": _as_dict(doc["q"]),
        "headers": _as_dict(doc["h"]), "body": _body(doc["b"], doc["bc"]),
        "bodySize": doc["bs"], "bodyCut": doc["bc"],
    }
    out["response"] = {
        "status": doc["s"], "headers": _as_dict(_answer_headers(doc)), "body": _body(doc["r"], doc["rc"]),
        "bodySize": doc["rs"], "bodyCut": doc["rc"],
    }
    return out


def find(sim: Simulator, journal_id: int) -> dict[str, Any] | None:
    """The whole entry of a journal id, or None when unknown or evicted."""
    doc = sim.store.get(EXCHANGE, str(journal_id))
    if doc is None:
        return None
    entry = next((e for e in sim.journal(since_id=journal_id - 1) if e["id"] == journal_id), None)
    return None if entry is None else full_entry(entry, doc)


# -- HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) ----------------------------

def _har_pairs(pairs: Iterable[Sequence[str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _mime(headers: Iterable[Sequence[str]]) -> str:
    return next((v for n, v in headers if n.lower() == "content-type"), "")


def har_entry(entry: Mapping[str, Any], doc: Mapping[str, Any] | None, origin: str) -> dict[str, Any]:
    """One HAR entry. ``time`` and ``timings.wait`` are the server-side wall latency;
    ``startedDateTime`` is the simulated instant of the call."""
    doc = doc or {"q": [], "h": [], "b": None, "bs": 0, "bc": False, "s": entry.get("status", 0),
                  "rh": [], "r": None, "rs": -1, "rc": False}
    host = next((v for n, v in doc["h"] if n.lower() == "host"), None)
    base = f"http://{host}" if host else origin.rstrip("/")
    query = doc["q"]
    url = base + entry["path"]
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode([(n, v) for n, v in query])
    wait_ms = (entry.get("latencyUs") or 0) / 1000
    request: dict[str, Any] = {
        "method": entry["method"], "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
        "headers": _har_pairs(doc["h"]), "queryString": _har_pairs(query),
        "headersSize": -1, "bodySize": doc["bs"] if doc["b"] is not None else 0,
    }
    if doc["b"] is not None:
        request["postData"] = {"mimeType": _mime(doc["h"]) or "application/octet-stream",
                               "text": doc["b"]}
    status = int(doc["s"])
    answer_headers = _answer_headers(doc)
    content: dict[str, Any] = {"size": max(doc["rs"], 0), "mimeType": _mime(answer_headers) or "x-unknown"}
    if doc["r"] is not None:
        content["text"] = doc["r"]
    if doc["rc"]:
        content["comment"] = "cut by cjsim (--journal-body-bytes)"
    from cjsim.pipeline import REASONS

    return {
        "startedDateTime": entry["time"],
        "time": wait_ms,
        "request": request,
        "response": {
            "status": status, "statusText": REASONS.get(status, ""), "httpVersion": "HTTP/1.1",
            "cookies": [], "headers": _har_pairs(answer_headers), "content": content,
            "redirectURL": "", "headersSize": -1, "bodySize": max(doc["rs"], -1),
        },
        "cache": {},
        "timings": {"send": 0, "wait": wait_ms, "receive": 0},
        "comment": f"journal #{entry['id']}",
        "_cjsim": {k: entry.get(k) for k in ("id", "code", "message", "detail", "rule", "reason",
                                               "requestId", "openId", "ip", "fault")},
    }


def har(sim: Simulator, since_id: int | None, origin: str) -> dict[str, Any]:
    """The journal (or the entries after ``since_id``) as a HAR 1.2 log."""
    from cjsim import __version__

    entries = sim.journal(since_id=since_id)
    out = [har_entry(e, sim.store.get(EXCHANGE, str(e["id"])), origin) for e in entries]
    return {"log": {"version": "1.2", "creator": {"name": "cjsim", "version": __version__},
                    "entries": out,
                    "comment": "CJ requests journaled by cjsim; times are simulated, "
                               "latencies wall-clock; credentials masked"}}
