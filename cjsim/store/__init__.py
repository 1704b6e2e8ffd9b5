"""State behind one interface. ``open_store(url)`` picks the backend from the URL."""

from __future__ import annotations

from cjsim.store.base import (
    Doc,
    LimitResult,
    Opening,
    Reader,
    SpaceReader,
    Store,
    StoreUnavailable,
    Txn,
    WindowCheck,
    check_prefix,
)
from cjsim.store.memory import MemoryStore


def open_store(url: str | Store | None = None, prefix: str = "cjsim") -> Store:
    if isinstance(url, Store):
        return url
    check_prefix(prefix)  # refused on every backend, so a typo is caught before Redis is used
    if url is None or url in ("memory://", "memory", ""):
        return MemoryStore()
    if url.startswith("sqlite:///"):
        from cjsim.store.sqlite import SqliteStore

        path = url[len("sqlite:///"):]
        if not path:
            raise ValueError("sqlite:///PATH needs a file path, e.g. sqlite:///./cjsim.db")
        return SqliteStore(path)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from cjsim.store.redis import RedisStore

        return RedisStore(url, prefix=prefix)
    raise ValueError(f"unsupported store URL {url!r} (use memory://, sqlite:///PATH or "
                     "redis://HOST:PORT/DB)")


__all__ = ["Doc", "LimitResult", "MemoryStore", "Opening", "Reader", "SpaceReader", "Store", "StoreUnavailable", "Txn",
           "WindowCheck", "open_store"]
