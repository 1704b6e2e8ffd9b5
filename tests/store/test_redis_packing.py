"""The Redis request path packs commands with hiredis in one call (cjsim.store.redis._packed):
the bytes must be exactly what redis-py's own packer sends, and what hiredis refuses goes
through redis-py's packer (which refuses it the same way redis-py always did)."""

from __future__ import annotations

import pytest
import redis
from redis.exceptions import DataError

from cjsim.store.redis import _packed

COMMANDS = [
    ("EVALSHA", "a" * 40, 2, "cj:k1", "cj:k2", "10", 1_000_000, -5, b"\x00\xff json"),
    ("RPUSH", "cj:l:journal", b'{"id":1,"path":"/api2.0/v1/product/query"}'),
    ("LTRIM", "cj:l:journal", -10_000, -1),
    ("HSET", "cj:d:journal:exchange", "12", "caf\u00e9 \u4e2d\u6587"),
    ("SET", "k", memoryview(b"view"), 2.5),
]


def _connection() -> redis.Connection:
    return redis.Connection(host="127.0.0.1", port=1)  # never connected: only its packer is used


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_packed_like_redis_py(command: tuple[object, ...]) -> None:
    conn = _connection()
    assert b"".join(_packed(conn, command)) == b"".join(bytes(c) for c in conn.pack_command(*command))


def test_what_hiredis_refuses_is_refused_as_redis_py_refuses_it() -> None:
    with pytest.raises(DataError):
        _packed(_connection(), ("SET", "k", None))
