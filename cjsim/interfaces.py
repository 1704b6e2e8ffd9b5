"""Interfaces switched offline (1600100), by the control API or a scenario."""

from __future__ import annotations

from typing import Any

from cjsim.errors import CJError
from cjsim.store import Reader, Store

NS = "offline"


class Interfaces:
    def __init__(self, store: Store) -> None:
        self.store = store

    def set_offline(self, path: str, offline: bool, *, start_us: int | None = None,
                    end_us: int | None = None) -> None:
        """Offline now (no bounds) or during [start, end) of simulated time."""
        with self.store.transaction() as tx:
            if offline:
                tx.put(NS, path, {"path": path, "startUs": start_us, "endUs": end_us})
            else:
                tx.delete(NS, path)

    @staticmethod
    def read_key(path: str) -> tuple[str, str]:
        """The document ``is_offline`` reads (a request reads it with its opening)."""
        return NS, path

    def is_offline(self, path: str, now_us: int, read: Reader | None = None) -> bool:
        doc = (read or self.store.get)(NS, path)
        if doc is None:
            return False
        start, end = doc.get("startUs"), doc.get("endUs")
        return (start is None or now_us >= start) and (end is None or now_us < end)

    def ensure_online(self, path: str, now_us: int, read: Reader | None = None) -> None:
        if self.is_offline(path, now_us, read):
            raise CJError(1600100, reason="offline")

    def offline(self) -> list[dict[str, Any]]:
        return [doc for _, doc in self.store.items(NS)]
