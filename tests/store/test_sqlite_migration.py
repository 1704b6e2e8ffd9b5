"""A SQLite file written before windows counted units opens, keeps its hits and counts on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cjsim.store import WindowCheck
from cjsim.store.sqlite import SqliteStore

US = 1_000_000


def test_an_old_file_gains_cost_and_horizon_and_keeps_its_hits(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    t = 1_767_578_400 * US
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE hits (key TEXT NOT NULL, ts INTEGER NOT NULL)")
    conn.execute("INSERT INTO hits (key, ts) VALUES ('R4|1', ?)", (t,))
    conn.commit()
    conn.close()
    store = SqliteStore(path)
    try:
        check = WindowCheck("R4|1", 2, US)
        assert store.peek([check], t + 1) == (1,)
        assert store.limit([check._replace(cost=1)], t + 2, commit=True).committed
        refused = store.limit([check], t + 3, commit=True)
        assert refused.failed == 0 and refused.counts == (2,)
        columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(hits)")}
        assert {"cost", "keep"} <= columns
    finally:
        store.close()
