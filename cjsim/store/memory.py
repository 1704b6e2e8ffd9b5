"""The in-memory store: one lock, documents kept as JSON bytes.

Keeping documents serialized costs a microsecond or two per read but makes this store
behave exactly like the durable ones: nobody can change state by mutating a dict they read.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import orjson

from cjsim.clock import ClockMove, ClockState
from cjsim.store.base import (
    DELETED,
    LATE_SLACK_US,
    Deferred,
    Doc,
    LimitResult,
    Opening,
    Store,
    Txn,
    WindowCheck,
    newer_than,
    overlay,
    prune_before,
    resolved,
    sorted_items,
)

_SWEEP_EVERY = 4096
# a NamedTuple made from its field tuple in C (its generated ``__new__`` is a Python call):
# a request's opening and its limiter result, on every request
_new_result = tuple.__new__
# a unit-cost window's old hits are dropped in batches, once the oldest is this far past
# its window (LATE_SLACK_US and as much again), not one by one on every request
_PRUNE_AFTER_US = 2 * LATE_SLACK_US
_NONE: dict[str, bytes] = {}  # an absent namespace (never written to)


def compact(raw: bytes) -> bytes:
    """``raw`` in a block of its own size. orjson's bytes keep the buffer they were written
    in (4 KiB at least, 32 KiB for a 3 KiB product answer): a store of many small documents
    would hold that for each."""
    return bytes(memoryview(raw))


Stored = bytes | Deferred  # a document as JSON bytes, or one made when it is first read


def _load(raw: Stored) -> Any:
    """The document of a stored value: a deferred one is encoded first, so its reader gets
    exactly what reading it back from JSON bytes gives (lists for tuples, and so on)."""
    if isinstance(raw, tuple):
        raw = orjson.dumps(resolved(raw))
    return orjson.loads(raw)


class _MemoryTxn(Txn):
    """Buffered writes. A nested transaction starts from a copy of its parent's writes and
    hands them back when it ends, so the outermost one alone touches the documents."""

    def __init__(self, store: MemoryStore, parent: _MemoryTxn | None = None) -> None:
        self._store = store
        self._parent = parent
        self._writes: dict[tuple[str, str], bytes | object] = (
            {} if parent is None else dict(parent._writes))

    def get(self, ns: str, key: str) -> Doc | None:
        raw = self._writes.get((ns, key))
        if raw is DELETED:
            return None
        if raw is None:
            raw = self._store._docs.get(ns, {}).get(key)
        return None if raw is None else _load(raw)  # type: ignore[arg-type]

    def put(self, ns: str, key: str, doc: Doc) -> None:
        self._writes[(ns, key)] = compact(orjson.dumps(doc))

    def delete(self, ns: str, key: str) -> None:
        self._writes[(ns, key)] = DELETED

    def items(self, ns: str) -> list[tuple[str, Doc]]:
        merged = overlay(self._store._docs.get(ns, {}), self._writes, ns)
        return sorted_items((k, _load(v)) for k, v in merged.items())

    def next_seq(self, name: str) -> int:
        return self._store._next_seq_locked(name)

    def commit(self) -> None:
        if self._parent is not None:
            self._parent._writes = self._writes
            return
        docs = self._store._docs
        for (ns, key), raw in self._writes.items():
            if raw is DELETED:
                docs.get(ns, {}).pop(key, None)
            else:
                docs.setdefault(ns, {})[key] = raw  # type: ignore[assignment]


class MemoryStore(Store):
    url = "memory://"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._local = threading.local()  # the thread's open transaction
        # how many transactions are open (on any thread): while none is, no thread-local
        # is looked at (a request's opening and journal write run outside of one)
        self._open_txns = 0
        self._docs: dict[str, dict[str, Stored]] = {}
        self._seqs: dict[str, int] = {}
        self._sliding: dict[str, list[Any]] = {}  # key -> [period, sorted hits, costs or None]
        self._fixed: dict[str, tuple[str, int, int]] = {}  # key -> (window id, count, expires)
        self._logs: dict[str, deque[Doc]] = {}
        self._clock: ClockState | None = None
        self._commits = 0

    # documents
    def get(self, ns: str, key: str) -> Doc | None:
        raw = self._docs.get(ns, {}).get(key)
        return None if raw is None else _load(raw)

    def items(self, ns: str) -> list[tuple[str, Doc]]:
        if getattr(self._local, "txn", None) is not None:  # inside a transaction: see its writes
            return super().items(ns)
        with self._lock:
            raw = list(self._docs.get(ns, _NONE).items())
        return sorted_items((k, _load(v)) for k, v in raw)

    def open_call(self, seq: str, reads: Sequence[tuple[str, str]],
                  spaces: Sequence[str] = ()) -> Opening:
        """``Store.open_call`` under one lock, without a transaction (the request's first
        step: nothing is written but the sequence)."""
        if self._open_txns and getattr(self._local, "txn", None) is not None:
            return super().open_call(seq, reads, spaces)
        docs = self._docs
        with self._lock:
            clock = self._clock
            if clock is None:
                return Opening(None, 0, ())
            value = self._next_seq_locked(seq)
            raws = [docs.get(ns, _NONE).get(key) for ns, key in reads]
            found = [list(docs.get(ns, _NONE).items()) for ns in spaces] if spaces else None
        loads = orjson.loads
        opened = tuple([None if raw is None else loads(raw) if type(raw) is bytes else _load(raw)
                        for raw in raws])
        if found is None:
            return _new_result(Opening, (clock, value, opened, ()))
        return _new_result(Opening, (clock, value, opened, tuple([
            sorted_items([(k, _load(v)) for k, v in pairs]) if pairs else [] for pairs in found])))

    @contextmanager
    def transaction(self) -> Iterator[Txn]:
        with self._lock:
            parent: _MemoryTxn | None = getattr(self._local, "txn", None)
            tx = _MemoryTxn(self, parent)
            self._local.txn = tx
            self._open_txns += 1
            try:
                yield tx
            finally:
                self._local.txn = parent
                self._open_txns -= 1
            tx.commit()

    # sequences
    def _next_seq_locked(self, name: str) -> int:
        value = self._seqs.get(name, 0) + 1
        self._seqs[name] = value
        return value

    def next_seq(self, name: str) -> int:
        with self._lock:
            return self._next_seq_locked(name)

    # limiter
    # A sliding window is [period, sorted hit instants, their costs or None (all 1)].
    @staticmethod
    def _used(entry: list[Any], period: int, now_us: int) -> int:
        hits = entry[1]
        low = bisect_right(hits, now_us - period - LATE_SLACK_US)
        if low:  # older than any window of this key: prune
            del hits[:low]
            if entry[2] is not None:
                del entry[2][:low]
        # (now - period, now + period): see WindowCheck on late requests
        start, end = bisect_right(hits, now_us - period), bisect_left(hits, now_us + period)
        return end - start if entry[2] is None else sum(entry[2][start:end])

    def _count(self, check: WindowCheck, now_us: int) -> int:
        if check.window_id is None:
            entry = self._sliding.get(check.key)
            return 0 if entry is None else self._used(entry, check.period_us, now_us)
        fixed = self._fixed.get(check.key)
        if fixed is None:
            return 0
        if fixed[0] == check.window_id or fixed[2] > check.expires_us > 0:
            return fixed[1]
        return 0

    def limit(self, checks: Sequence[WindowCheck], now_us: int, commit: bool) -> LimitResult:
        # _count, inlined for unit-cost windows: this runs on every request and keeps the
        # entries for the commit. A check is unpacked once (a NamedTuple's fields are
        # attribute look-ups); a sequential run never has a hit after ``now``, so the window's
        # end is the list's end and a new hit is appended (bisect only for a late request).
        sliding, fixed = self._sliding, self._fixed
        with self._lock:
            counts: list[int] = []
            entries: list[Any] = []
            for index, (key, limit, period, window_id, expires, cost) in enumerate(checks):
                if window_id is None:
                    entry: Any = sliding.get(key)
                    if entry is None:
                        count = 0
                    elif entry[2] is None:
                        hits = entry[1]
                        start = now_us - period
                        if hits and hits[0] <= start - _PRUNE_AFTER_US:
                            del hits[:bisect_right(hits, start - LATE_SLACK_US)]
                        if not hits:
                            count = 0
                        elif hits[-1] < now_us + period:
                            count = len(hits) - bisect_right(hits, start)
                        else:
                            count = bisect_left(hits, now_us + period) - bisect_right(hits, start)
                    else:
                        count = self._used(entry, period, now_us)
                else:
                    entry = fixed.get(key)
                    if entry is None:
                        count = 0
                    elif entry[0] == window_id or entry[2] > expires > 0:
                        count = entry[1]
                    else:
                        count = 0
                counts.append(count)
                entries.append(entry)
                if count + cost > limit:
                    return LimitResult(index, tuple(counts), False)
            if not commit:
                return LimitResult(None, tuple(counts), False)
            for (key, _, period, window_id, expires, cost), count, entry in zip(checks, counts, entries):
                if window_id is None:
                    if cost <= 0:
                        continue
                    if entry is None:
                        sliding[key] = [period, [now_us], None if cost == 1 else [cost]]
                        continue
                    hits, costs = entry[1], entry[2]
                    if cost != 1 and costs is None:
                        costs = entry[2] = [1] * len(hits)
                    if costs is None:
                        if not hits or hits[-1] <= now_us:
                            hits.append(now_us)
                        else:
                            insort(hits, now_us)
                    else:
                        at = bisect_right(hits, now_us)
                        hits.insert(at, now_us)
                        costs.insert(at, cost)
                    if entry[0] < period:
                        entry[0] = period
                elif entry is not None and entry[2] > expires > 0:  # a newer window
                    fixed[key] = (entry[0], count + cost, entry[2])
                else:
                    fixed[key] = (window_id, count + cost, expires)
            self._commits += 1
            if self._commits % _SWEEP_EVERY == 0:
                self._sweep(now_us)
            return _new_result(LimitResult, (None, tuple(counts), True))

    def peek(self, checks: Sequence[WindowCheck], now_us: int) -> tuple[int, ...]:
        with self._lock:
            return tuple(self._count(check, now_us) for check in checks)

    def _sweep(self, now_us: int) -> None:
        """Forget windows nobody can hit any more, so many keys cannot grow memory. Each
        sliding key keeps its hits for its own (longest) period."""
        stale = [k for k, (period, hits, _) in self._sliding.items()
                 if not hits or hits[-1] <= prune_before(period, now_us)]
        for key in stale:
            del self._sliding[key]
        expired = [k for k, (_, _, expires) in self._fixed.items() if expires and expires <= now_us]
        for key in expired:
            del self._fixed[key]

    def window_keys(self) -> int:
        """How many windows are held (for memory tests)."""
        with self._lock:
            return len(self._sliding) + len(self._fixed)

    # logs
    def _ring(self, log: str, maxlen: int) -> deque[Any]:
        """The log's ring, made (or resized, keeping its newest entries) to ``maxlen``; under the lock."""
        ring = self._logs.get(log)
        if ring is None or ring.maxlen != maxlen:
            ring = deque(ring or (), maxlen=maxlen)
            self._logs[log] = ring
        return ring

    def append(self, log: str, entry: Doc, maxlen: int) -> None:
        with self._lock:
            self._ring(log, maxlen).append(entry)

    def append_with(self, log: str, entry: Doc, maxlen: int,
                    docs: Sequence[tuple[str, str, Doc | Deferred | None]]) -> None:
        """``Store.append_with`` under one lock, the documents encoded before it is taken;
        a ``Deferred`` one is kept as its pieces (made and encoded when first read), each
        bytes piece in a block of its own size (an answer as orjson wrote it holds a 32 KiB
        buffer: a journal of 10,000 product answers held 167 MB)."""
        if self._open_txns and getattr(self._local, "txn", None) is not None:
            super().append_with(log, entry, maxlen, docs)
            return
        encoded: list[tuple[str, str, Stored | None]] = []
        for ns, key, doc in docs:
            if doc is None:
                encoded.append((ns, key, None))
            elif isinstance(doc, dict):  # a document (any dict), else a Deferred's pieces
                encoded.append((ns, key, compact(orjson.dumps(doc))))
            else:
                encoded.append((ns, key, tuple([compact(piece) if type(piece) is bytes else piece
                                                for piece in doc])))
        with self._lock:
            ring = self._logs.get(log)
            if ring is None or ring.maxlen != maxlen:
                ring = self._ring(log, maxlen)
            ring.append(entry)
            stored = self._docs
            for ns, key, raw in encoded:
                space = stored.get(ns)
                if raw is None:
                    if space is not None:
                        space.pop(key, None)
                elif space is None:
                    stored[ns] = {key: raw}
                else:
                    space[key] = raw

    def tail(self, log: str, limit: int | None = None, since_id: int | None = None) -> list[Doc]:
        with self._lock:
            ring = self._logs.get(log, deque())
            entries = list(ring) if since_id is None else newer_than(reversed(ring), since_id)
        if limit is not None:
            entries = entries[-limit:] if limit > 0 else []
        return entries

    def clear_log(self, log: str) -> None:
        with self._lock:
            self._logs.pop(log, None)

    # clock
    def load_clock(self) -> ClockState | None:
        return self._clock

    def save_clock(self, state: ClockState) -> None:
        self._clock = state

    def move_clock(self, move: ClockMove) -> ClockState | None:
        with self._lock:
            if self._clock is None:
                return None
            self._clock = move.apply(self._clock)
            return self._clock

    def wipe(self, keep_clock: bool = False, keep_seqs: Callable[[str], bool] | None = None) -> None:
        with self._lock:
            if keep_seqs is not None:
                self._seqs = {name: value for name, value in self._seqs.items() if keep_seqs(name)}
            self._docs.clear()
            self._sliding.clear()
            self._fixed.clear()
            self._logs.clear()
            if not keep_clock:
                self._clock = None
