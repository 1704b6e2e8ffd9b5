"""The store interface: every piece of simulator state goes through it.

Documents are JSON objects in namespaces (``accounts``, ``orders:100042``, ...); logs are
bounded rings (journal, violations, deliveries); the limiter's windows have their own
atomic primitive because check-all-then-commit must be one step on every backend (one
lock in memory, ``BEGIN IMMEDIATE`` in SQLite, one Lua script in Redis).

Domain code never mutates a document it read: it builds a new one and ``put``s it inside a
transaction. A transaction that raises stores nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any, NamedTuple, TypeVar

from cjsim.clock import ClockMove, ClockState

Doc = dict[str, Any]
# Reads one committed document (``Store.get``, or a request's already-read documents first)
Reader = Callable[[str, str], "Doc | None"]
# Reads a whole namespace, ordered by key (``Store.items``, or a request's already-read ones)
SpaceReader = Callable[[str], "list[tuple[str, Doc]]"]


# A document made only when somebody reads it (the journal's exchange: most are never read),
# given to ``Store.append_with``: a plain tuple ``(kind, *pieces)`` of immutable values
# (strings, bytes, numbers, tuples of them), which the garbage collector stops tracking, and
# the function registered for ``kind`` (:func:`deferred_kind`) makes the document of it. The
# in-memory store keeps the tuple and makes the document when it is read; the other stores
# write the document at once (:func:`resolved`).
Deferred = tuple[Any, ...]
_MAKERS: dict[str, Callable[[Deferred], Doc]] = {}


def deferred_kind(kind: str, maker: Callable[[Deferred], Doc]) -> None:
    """Register how the document of a ``(kind, *pieces)`` deferred one is made."""
    _MAKERS[kind] = maker


def resolved(doc: Doc | Deferred) -> Doc:
    """The document itself of a ``Doc`` or a ``Deferred``."""
    return doc if isinstance(doc, dict) else _MAKERS[doc[0]](doc)


class StoreUnavailable(Exception):
    """The backend cannot be reached (Redis down, SQLite locked too long). Requests answer
    CJ's 1600000 "System busy"; the control API's health says degraded."""


# Hits are kept this long past their window, because a request that read its instant
# before a slow moment (a busy SQLite lock, a loaded worker) must still see every hit
# within one period of that instant when it finally reaches the limiter.
LATE_SLACK_US = 10_000_000

# Log entries are appended in id order, save a few writers racing between taking an id and
# appending: a ``since`` read walks back from the newest and stops once this many entries
# in a row are at or below ``since`` (a dashboard polling every 500 ms reads a few entries,
# not the whole ring).
SINCE_SLACK = 64


def newer_than(newest_first: Iterable[Doc], since_id: int) -> list[Doc]:
    """The entries with an id above ``since_id``, in log order, from the log read newest
    first; stops ``SINCE_SLACK`` older entries past the last newer one."""
    out: list[Doc] = []
    older = 0
    for entry in newest_first:
        if entry["id"] > since_id:
            out.append(entry)
            older = 0
        else:
            older += 1
            if older >= SINCE_SLACK:
                break
    out.reverse()
    return out


def prune_before(check_period_us: int, now_us: int) -> int:
    """Sliding hits at or below this instant can be forgotten."""
    return now_us - check_period_us - LATE_SLACK_US


class WindowCheck(NamedTuple):
    """One counter a request must fit in (a NamedTuple: built on every request, cheaply).

    Windows count units, not hits: a request is accepted iff ``used + cost <= limit`` in
    every window, and a commit adds ``cost`` to each (a cost of 0 is always accepted and
    leaves nothing behind). ``used`` is:

    Sliding (``window_id`` None): the units of the committed hits that lie in
    ``(now - period_us, now + period_us)``; a period may be any length. In a sequential
    run nothing lies after ``now``, so this is CJ's ``(now - period, now]``; but a request
    whose instant was read just before another one committed a later hit (two threads, or
    two worker processes) must count that hit too, or two accepted calls could land within
    one period.
    Fixed/calendar (``window_id`` set): the counter of that window; a new window id starts
    from zero and the old one is dropped. ``expires_us`` tells when the window ends; a late
    request that meets a newer stored window counts in the newer one rather than resetting
    it.
    """

    key: str
    limit: int
    period_us: int = 0
    window_id: str | None = None
    expires_us: int = 0
    cost: int = 1


class LimitResult(NamedTuple):
    failed: int | None  # index of the first check that did not fit, None if all fit
    counts: tuple[int, ...]  # units used in each window before this request (up to `failed`)
    committed: bool


class Opening(NamedTuple):
    """What a request reads before anything else (``Store.open_call``)."""

    clock: ClockState | None  # None: the store lost its state (then nothing else was read)
    seq: int  # the sequence's next value (0 when ``clock`` is None: nothing was counted)
    docs: tuple[Doc | None, ...]  # the documents asked for, in order
    spaces: tuple[list[tuple[str, Doc]], ...] = ()  # the namespaces asked for, each by key


class Txn(ABC):
    """Reads see the transaction's own writes; writes land only on commit."""

    @abstractmethod
    def get(self, ns: str, key: str) -> Doc | None: ...

    @abstractmethod
    def put(self, ns: str, key: str, doc: Doc) -> None: ...

    @abstractmethod
    def delete(self, ns: str, key: str) -> None: ...

    @abstractmethod
    def items(self, ns: str) -> list[tuple[str, Doc]]:
        """Every document of a namespace, ordered by key."""

    @abstractmethod
    def next_seq(self, name: str) -> int: ...


class Store(ABC):
    url: str = "memory://"

    # -- documents -------------------------------------------------------------------
    @abstractmethod
    def get(self, ns: str, key: str) -> Doc | None:
        """A committed document (no transaction needed for a single read)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Txn]:
        """Exclusive, atomic, all-or-nothing. A transaction opened inside another (same
        thread) is a savepoint of it: it sees the outer writes, its own writes reach the
        outer one when it ends, and the outer one's rollback loses them too."""

    def items(self, ns: str) -> list[tuple[str, Doc]]:
        with self.transaction() as tx:
            return tx.items(ns)

    def put(self, ns: str, key: str, doc: Doc) -> None:
        with self.transaction() as tx:
            tx.put(ns, key, doc)

    # -- sequences -------------------------------------------------------------------
    @abstractmethod
    def next_seq(self, name: str) -> int:
        """1, 2, 3, ... per name; never repeats within one store's life (reset included)."""

    def open_call(self, seq: str, reads: Sequence[tuple[str, str]],
                  spaces: Sequence[str] = ()) -> Opening:
        """The clock, the next value of sequence ``seq``, the committed documents ``reads``
        (namespace, key) and every document of the namespaces ``spaces``, as one step: a
        backend over a network answers it in one round trip (a request's other round trips
        are the limiter and the journal). When the clock is missing (lost state: see
        ``Simulator``) it counts and reads nothing else."""
        clock = self.load_clock()
        if clock is None:
            return Opening(None, 0, ())
        return Opening(clock, self.next_seq(seq), tuple(self.get(ns, key) for ns, key in reads),
                       tuple(self.items(ns) for ns in spaces))

    # -- limiter ---------------------------------------------------------------------
    @abstractmethod
    def limit(self, checks: Sequence[WindowCheck], now_us: int, commit: bool) -> LimitResult:
        """Check every window (``used + cost <= limit``); if all fit and ``commit``, add each
        window its ``cost``. Atomic: counted in all windows or in none."""

    @abstractmethod
    def peek(self, checks: Sequence[WindowCheck], now_us: int) -> tuple[int, ...]:
        """Units used in each window now (for the usage report); changes nothing."""

    # -- bounded logs ----------------------------------------------------------------
    @abstractmethod
    def append(self, log: str, entry: Doc, maxlen: int) -> None: ...

    def append_with(self, log: str, entry: Doc, maxlen: int,
                    docs: Sequence[tuple[str, str, Doc | Deferred | None]]) -> None:
        """``append``, and write ``docs`` (namespace, key, document, which may be
        ``Deferred``; None deletes it) beside the entry: one round trip on Redis (the
        journal's entry and its exchange). The documents are blind writes of keys only this
        entry's writer owns."""
        self.append(log, entry, maxlen)
        if docs:
            with self.transaction() as tx:
                for ns, key, doc in docs:
                    if doc is None:
                        tx.delete(ns, key)
                    else:
                        tx.put(ns, key, resolved(doc))

    @abstractmethod
    def tail(self, log: str, limit: int | None = None, since_id: int | None = None) -> list[Doc]:
        """Entries oldest first: the last ``limit``, or those with ``id`` > ``since_id``."""

    @abstractmethod
    def clear_log(self, log: str) -> None: ...

    # -- clock -----------------------------------------------------------------------
    @abstractmethod
    def load_clock(self) -> ClockState | None: ...

    @abstractmethod
    def save_clock(self, state: ClockState) -> None: ...

    def move_clock(self, move: ClockMove) -> ClockState | None:
        """The stored clock moved by ``move``, atomically: two workers advancing at once both
        count (one round trip on Redis). None, and nothing stored, when no clock is stored;
        nothing is stored either when ``move`` raises (out of range)."""
        with self.transaction():  # the store's exclusive lock
            state = self.load_clock()
            if state is None:
                return None
            moved = move.apply(state)
            self.save_clock(moved)
            return moved

    # -- lifecycle -------------------------------------------------------------------
    @abstractmethod
    def wipe(self, keep_clock: bool = False, keep_seqs: Callable[[str], bool] | None = None) -> None:
        """Forget every document, window and log. Sequences keep counting, unless
        ``keep_seqs`` is given: then every sequence it does not keep restarts from 1."""

    def health(self) -> tuple[bool, str]:
        return True, "ok"

    def close(self) -> None:
        return None

    def claim_seed(self) -> bool:
        """True for exactly one caller while the store holds no simulator state yet: that
        caller seeds it (several worker processes may start on one store at once) and calls
        ``seed_done`` when the start state is complete."""
        with self.transaction() as tx:
            if tx.get("meta", "seeded") is not None:
                return False
            tx.put("meta", "seeded", {"seeded": True, "done": False})
            return True

    def seed_done(self) -> None:
        self.put("meta", "seeded", {"seeded": True, "done": True})

    def seed_complete(self) -> bool:
        """False while another caller is still seeding (a claim from before ``done`` existed
        counts as complete)."""
        doc = self.get("meta", "seeded")
        return doc is None or bool(doc.get("done", True))

    def unclaim_seed(self) -> None:
        with self.transaction() as tx:
            tx.delete("meta", "seeded")


# Characters a store prefix may not hold: Redis glob syntax (a prefix must never widen the
# pattern that finds its own keys) and the braces that delimit it inside every key.
PREFIX_FORBIDDEN = frozenset("*?[]\\^{}")


def check_prefix(prefix: object, name: str = "store_prefix") -> str:
    """``prefix`` if it can name one simulator's keys, else a ValueError naming ``name``."""
    if not isinstance(prefix, str) or not prefix:
        raise ValueError(f"{name} must be a non-empty string, not {prefix!r}")
    bad = sorted({c for c in prefix if c in PREFIX_FORBIDDEN or not c.isprintable() or c.isspace()})
    if bad:
        raise ValueError(f"{name} {prefix!r} may not contain {' '.join(repr(c) for c in bad)} "
                         "(glob characters, braces, spaces and control characters are refused)")
    if len(prefix) > 100:
        raise ValueError(f"{name} is {len(prefix)} characters long; at most 100")
    return prefix


def sorted_items(pairs: Iterable[tuple[str, Doc]]) -> list[tuple[str, Doc]]:
    return sorted(pairs, key=lambda kv: kv[0])


# A transaction's buffered writes: serialised documents, or DELETED.
DELETED = object()
Writes = dict[tuple[str, str], "bytes | object"]


_Raw = TypeVar("_Raw")  # a stored document: JSON bytes, or what the in-memory store keeps


def overlay(committed: dict[str, _Raw], writes: Writes, ns: str) -> dict[str, _Raw]:
    """``committed`` (one namespace's serialised documents) with a transaction's pending
    writes to that namespace applied, as the transaction itself must see them."""
    merged = dict(committed)
    for (wns, key), raw in writes.items():
        if wns != ns:
            continue
        if raw is DELETED:
            merged.pop(key, None)
        else:
            merged[key] = raw  # type: ignore[assignment]
    return merged
