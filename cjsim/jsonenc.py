"""JSON in and out of the CJ API.

orjson is used because it (a) writes ``Decimal`` as a raw number through ``Fragment`` --
CJ writes money as ``4.10``, and both the stdlib and Flask's provider cannot -- and (b) is
about 3x faster than the stdlib encoder on our payloads, which matters for the in-process
overhead targets. Key order is insertion order (CJ's example order), never sorted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

JSONDecodeError = orjson.JSONDecodeError


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return orjson.Fragment(str(obj))
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"cannot encode {type(obj).__name__} as JSON")


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, default=_default)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)
