"""The SQLite store: durable, shared by worker processes on one host.

WAL mode (readers never wait for the writer), ``synchronous=NORMAL`` (a committed
transaction survives the process being killed), ``BEGIN IMMEDIATE`` for every
check-then-commit, so two workers can never both take the last slot of a window. One
connection per thread and process (re-opened after a fork).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from cjsim.clock import ClockState
from cjsim.store.base import (
    LATE_SLACK_US,
    Doc,
    LimitResult,
    Store,
    StoreUnavailable,
    Txn,
    WindowCheck,
    prune_before,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
                                 PRIMARY KEY (ns, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seqs (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, ts INTEGER NOT NULL,
                                 cost INTEGER NOT NULL DEFAULT 1, keep INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS hits_key_ts ON hits (key, ts);
CREATE TABLE IF NOT EXISTS windows (key TEXT PRIMARY KEY, wid TEXT NOT NULL,
                                    count INTEGER NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS logs (log TEXT NOT NULL, id INTEGER NOT NULL, value BLOB NOT NULL,
                                 PRIMARY KEY (log, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clock (id INTEGER PRIMARY KEY CHECK (id = 1), frozen INTEGER NOT NULL,
                                  frozen_at INTEGER NOT NULL, offset INTEGER NOT NULL);
"""

_SWEEP_EVERY = 4096
# hits of a file written before hits knew their own horizon (``keep``) are kept this long
_OLD_HIT_HORIZON_US = 86_400_000_000


class _SqliteTxn(Txn):
    def __init__(self, conn: sqlite3.Connection, store: SqliteStore) -> None:
        self._conn = conn
        self._store = store

    def get(self, ns: str, key: str) -> Doc | None:
        row = self._conn.execute("SELECT value FROM docs WHERE ns=? AND key=?", (ns, key)).fetchone()
        return None if row is None else orjson.loads(row[0])

    def put(self, ns: str, key: str, doc: Doc) -> None:
        self._conn.execute("INSERT OR REPLACE INTO docs (ns, key, value) VALUES (?, ?, ?)",
                           (ns, key, orjson.dumps(doc)))

    def delete(self, ns: str, key: str) -> None:
        self._conn.execute("DELETE FROM docs WHERE ns=? AND key=?", (ns, key))

    def items(self, ns: str) -> list[tuple[str, Doc]]:
        rows = self._conn.execute("SELECT key, value FROM docs WHERE ns=? ORDER BY key", (ns,))
        return [(key, orjson.loads(value)) for key, value in rows]

    def next_seq(self, name: str) -> int:
        return self._store._next_seq(self._conn, name)


class SqliteStore(Store):
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        self.url = f"sqlite:///{self.path}"
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._commits = 0
        self._appends = 0
        conn = self._conn()
        conn.executescript(SCHEMA)
        self._migrate(conn)

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """A file from before hits had a cost and a horizon gets both columns."""
        columns = {row[1] for row in conn.execute("PRAGMA table_info(hits)")}
        if "cost" in columns and "keep" in columns:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(hits)")}
            if "cost" not in columns:
                conn.execute("ALTER TABLE hits ADD COLUMN cost INTEGER NOT NULL DEFAULT 1")
            if "keep" not in columns:
                conn.execute("ALTER TABLE hits ADD COLUMN keep INTEGER NOT NULL DEFAULT 0")
                conn.execute("UPDATE hits SET keep = ts + ?", (_OLD_HIT_HORIZON_US,))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- connections -----------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        local = self._local
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None or local.pid != os.getpid():
            try:
                conn = sqlite3.connect(self.path, timeout=15, isolation_level=None,
                                       check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA busy_timeout=15000")
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"cannot open {self.path}: {exc}") from exc
            local.conn, local.pid, local.depth = conn, os.getpid(), 0
        return conn

    @contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested use becomes a savepoint of the outer one."""
        conn = self._conn()
        local = self._local
        depth = local.depth
        try:
            conn.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT sp{depth}")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"sqlite busy: {exc}") from exc
        local.depth = depth + 1
        try:
            yield conn
        except BaseException:
            local.depth = depth
            conn.execute("ROLLBACK" if depth == 0 else f"ROLLBACK TO sp{depth}")
            if depth:
                conn.execute(f"RELEASE sp{depth}")
            raise
        local.depth = depth
        conn.execute("COMMIT" if depth == 0 else f"RELEASE sp{depth}")

    # -- documents -------------------------------------------------------------------------
    def get(self, ns: str, key: str) -> Doc | None:
        row = self._conn().execute("SELECT value FROM docs WHERE ns=? AND key=?", (ns, key)).fetchone()
        return None if row is None else orjson.loads(row[0])

    @contextmanager
    def transaction(self) -> Iterator[Txn]:
        with self._immediate() as conn:
            yield _SqliteTxn(conn, self)

    # -- sequences -------------------------------------------------------------------------
    @staticmethod
    def _next_seq(conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute(
            "INSERT INTO seqs (name, value) VALUES (?, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value", (name,)).fetchone()
        return int(row[0])

    def next_seq(self, name: str) -> int:
        with self._immediate() as conn:
            return self._next_seq(conn, name)

    # -- limiter ---------------------------------------------------------------------------
    @staticmethod
    def _used(conn: sqlite3.Connection, check: WindowCheck, now_us: int) -> int:
        row = conn.execute("SELECT TOTAL(cost) FROM hits WHERE key=? AND ts>? AND ts<?",
                           (check.key, now_us - check.period_us, now_us + check.period_us)).fetchone()
        return int(row[0])

    @classmethod
    def _count(cls, conn: sqlite3.Connection, check: WindowCheck, now_us: int) -> int:
        if check.window_id is None:
            conn.execute("DELETE FROM hits WHERE key=? AND ts<=?",
                         (check.key, prune_before(check.period_us, now_us)))
            return cls._used(conn, check, now_us)
        row = conn.execute("SELECT wid, count, expires FROM windows WHERE key=?", (check.key,)).fetchone()
        if row is None:
            return 0
        if row[0] == check.window_id or row[2] > check.expires_us > 0:
            return int(row[1])
        return 0

    def limit(self, checks: Sequence[WindowCheck], now_us: int, commit: bool) -> LimitResult:
        with self._immediate() as conn:
            counts: list[int] = []
            for index, check in enumerate(checks):
                count = self._count(conn, check, now_us)
                counts.append(count)
                if count + check.cost > check.limit:
                    return LimitResult(index, tuple(counts), False)
            if not commit:
                return LimitResult(None, tuple(counts), False)
            for check, count in zip(checks, counts):
                if check.window_id is None:
                    if check.cost > 0:  # each hit is kept for its own window's period
                        conn.execute("INSERT INTO hits (key, ts, cost, keep) VALUES (?, ?, ?, ?)",
                                     (check.key, now_us, check.cost,
                                      now_us + check.period_us + LATE_SLACK_US))
                else:  # a late request meeting a newer stored window counts in that one
                    conn.execute(
                        "INSERT INTO windows (key, wid, count, expires) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET count = excluded.count, "
                        "wid = CASE WHEN windows.expires > excluded.expires AND excluded.expires > 0 "
                        "THEN windows.wid ELSE excluded.wid END, "
                        "expires = MAX(windows.expires, excluded.expires)",
                        (check.key, check.window_id, count + check.cost, check.expires_us))
            self._commits += 1
            if self._commits % _SWEEP_EVERY == 0:
                conn.execute("DELETE FROM hits WHERE keep <= ?", (now_us,))
                conn.execute("DELETE FROM windows WHERE expires > 0 AND expires <= ?", (now_us,))
            return LimitResult(None, tuple(counts), True)

    def peek(self, checks: Sequence[WindowCheck], now_us: int) -> tuple[int, ...]:
        conn = self._conn()
        out = []
        for check in checks:
            if check.window_id is None:
                out.append(self._used(conn, check, now_us))
            else:
                out.append(self._count(conn, check, now_us))
        return tuple(out)

    # -- logs ------------------------------------------------------------------------------
    def append(self, log: str, entry: Doc, maxlen: int) -> None:
        with self._immediate() as conn:
            entry_id = entry.get("id")
            if not isinstance(entry_id, int):
                entry_id = self._next_seq(conn, f"log:{log}")
                entry = {"id": entry_id, **entry}
            conn.execute("INSERT OR REPLACE INTO logs (log, id, value) VALUES (?, ?, ?)",
                         (log, entry_id, orjson.dumps(entry)))
            conn.execute("DELETE FROM logs WHERE log=? AND id<=?", (log, entry_id - maxlen))
            self._appends += 1
            if self._appends % 1024 == 0:  # ids may have gaps: trim to the exact size now and then
                conn.execute("DELETE FROM logs WHERE log=? AND id NOT IN (SELECT id FROM logs "
                             "WHERE log=? ORDER BY id DESC LIMIT ?)", (log, log, maxlen))

    def tail(self, log: str, limit: int | None = None, since_id: int | None = None) -> list[Doc]:
        conn = self._conn()
        sql = "SELECT value FROM logs WHERE log=?"
        args: list[Any] = [log]
        if since_id is not None:
            sql += " AND id>?"
            args.append(since_id)
        if limit is not None:
            if limit <= 0:
                return []
            rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
            rows.reverse()
        else:
            rows = conn.execute(sql + " ORDER BY id", args).fetchall()
        return [orjson.loads(row[0]) for row in rows]

    def clear_log(self, log: str) -> None:
        with self._immediate() as conn:
            conn.execute("DELETE FROM logs WHERE log=?", (log,))

    # -- clock -----------------------------------------------------------------------------
    def load_clock(self) -> ClockState | None:
        row = self._conn().execute("SELECT frozen, frozen_at, offset FROM clock WHERE id=1").fetchone()
        return None if row is None else ClockState(bool(row[0]), row[1], row[2])

    def save_clock(self, state: ClockState) -> None:
        with self._immediate() as conn:
            conn.execute("INSERT OR REPLACE INTO clock (id, frozen, frozen_at, offset) "
                         "VALUES (1, ?, ?, ?)", (int(state.frozen), state.frozen_at_us, state.offset_us))

    # -- lifecycle -------------------------------------------------------------------------
    def wipe(self, keep_clock: bool = False, keep_seqs: Callable[[str], bool] | None = None) -> None:
        with self._immediate() as conn:
            if keep_seqs is not None:
                names = [row[0] for row in conn.execute("SELECT name FROM seqs")]
                conn.executemany("DELETE FROM seqs WHERE name=?",
                                 [(name,) for name in names if not keep_seqs(name)])
            for table in ("docs", "hits", "windows", "logs"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
            if not keep_clock:
                conn.execute("DELETE FROM clock")

    def health(self) -> tuple[bool, str]:
        try:
            self._conn().execute("SELECT 1").fetchone()
        except (sqlite3.Error, StoreUnavailable) as exc:
            return False, str(exc)
        return True, "ok"

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def describe(self) -> dict[str, Any]:
        return {"url": self.url}
