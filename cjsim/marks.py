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


def request_marks(call: Any) -> dict[str, str]:
    """Journal extras of one call: ``fp`` (which exact request) and ``tokenId`` (which token
    was presented, also when it was refused). Digests only: the journal holds no secret."""
    hasher = hashlib.blake2b(digest_size=8)
    hasher.update(f"{call.method} {call.path}\n".encode("utf-8", "surrogatepass"))
    query = getattr(call, "query", None)
    if query:
        hasher.update(orjson.dumps(sorted(query_pairs(query))))
    if call.body is not None:
        hasher.update(b"\n" + orjson.dumps(call.body, option=orjson.OPT_SORT_KEYS, default=str))
    marks = {"fp": hasher.hexdigest()}
    if "tokenId" not in call.notes:
        token = presented_token(call.headers)
        if token:
            marks["tokenId"] = digest(token)[:12]
    return marks
