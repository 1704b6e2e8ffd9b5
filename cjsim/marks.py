"""What the journal records of each CJ request for the audit (``cjsim.audit``): ``fp`` and
``tokenId``, digests only.

Its own small module: every request needs it, while the audit itself (its rules and texts)
is imported only when somebody audits, so a simulator's start-up does not pay for it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from cjsim.call import presented_token, query_pairs
from cjsim.domain.ids import digest

# (method, path, query string) of a request without a body -> its fp: a client repeats
# its few GET requests
_FPS: dict[tuple[str, str, str], str] = {}


def fingerprint(call: Any) -> str:
    """``fp``: a digest of the method, path, query pairs (sorted) and JSON body (sorted keys)."""
    hasher = hashlib.blake2b(digest_size=8)
    hasher.update(f"{call.method} {call.path}\n".encode("utf-8", "surrogatepass"))
    query = getattr(call, "query", None)
    if query:
        hasher.update(orjson.dumps(sorted(query_pairs(query))))
    if call.body is not None:
        hasher.update(b"\n" + orjson.dumps(call.body, option=orjson.OPT_SORT_KEYS, default=str))
    return hasher.hexdigest()


def request_marks(call: Any) -> dict[str, str]:
    """Journal extras of one call: ``fp`` (which exact request) and ``tokenId`` (which token
    was presented, also when it was refused). Digests only: the journal holds no secret."""
    text = getattr(call, "query_text", None)
    if text is None or call.body is not None:
        fp = fingerprint(call)
    else:  # the query string alone decides the query pairs
        key = (call.method, call.path, text)
        cached = _FPS.get(key)
        if cached is None:
            cached = fingerprint(call)
            if len(_FPS) >= 1024:  # query strings come from clients: keep a bounded few
                _FPS.clear()
            _FPS[key] = cached
        fp = cached
    marks = {"fp": fp}
    if "tokenId" not in call.notes:
        token = presented_token(call.headers)
        if token:
            marks["tokenId"] = digest(token)[:12]
    return marks
