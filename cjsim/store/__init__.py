"""State behind one interface. ``open_store(url)`` picks the backend from the URL."""

from __future__ import annotations

from cjsim.store.base import Doc, LimitResult, Store, StoreUnavailable, Txn, WindowCheck
from cjsim.store.memory import MemoryStore


def open_store(url: str | Store | None = None, prefix: str = "cjsim") -> Store:
    if isinstance(url, Store):
        return url
    if url is None or url in ("memory://", "memory", ""):
        return MemoryStore()
    raise ValueError(f"unsupported store URL {url!r} (this build knows memory://)")


__all__ = ["Doc", "LimitResult", "MemoryStore", "Store", "StoreUnavailable", "Txn", "WindowCheck", "open_store"]
