"""The store interface's contract, the same on memory, SQLite and Redis."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from cjsim.clock import ClockState
from cjsim.store import Store, WindowCheck
from cjsim.store.base import deferred_kind
from cjsim.store.memory import MemoryStore

US = 1_000_000


def test_documents_put_get_delete_items(store: Store) -> None:
    with store.transaction() as tx:
        tx.put("orders:1", "b", {"n": 2, "nested": {"x": [1, 2]}})
        tx.put("orders:1", "a", {"n": 1})
        tx.put("orders:2", "a", {"n": 3})
        assert tx.get("orders:1", "b") == {"n": 2, "nested": {"x": [1, 2]}}  # own writes
    assert store.get("orders:1", "a") == {"n": 1}
    assert [k for k, _ in store.items("orders:1")] == ["a", "b"]
    with store.transaction() as tx:
        tx.delete("orders:1", "a")
        assert tx.get("orders:1", "a") is None
        assert [k for k, _ in tx.items("orders:1")] == ["b"]
    assert store.get("orders:1", "a") is None


def test_a_transaction_that_raises_stores_nothing(store: Store) -> None:
    store.put("accounts", "1", {"balance": "10.00"})
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.put("accounts", "1", {"balance": "0.00"})
            tx.put("orders:1", "x", {"id": "x"})
            raise RuntimeError("validation failed late")
    assert store.get("accounts", "1") == {"balance": "10.00"}
    assert store.get("orders:1", "x") is None


def test_reading_a_document_and_changing_the_copy_changes_nothing(store: Store) -> None:
    store.put("ns", "k", {"list": [1]})
    doc = store.get("ns", "k")
    assert doc is not None
    doc["list"].append(2)
    assert store.get("ns", "k") == {"list": [1]}


def test_transactions_are_serialised(store: Store) -> None:
    store.put("counter", "c", {"n": 0})

    def bump(_: int) -> None:
        for _ in range(20):
            with store.transaction() as tx:
                doc = tx.get("counter", "c")
                assert doc is not None
                tx.put("counter", "c", {"n": doc["n"] + 1})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(bump, range(8)))
    assert store.get("counter", "c") == {"n": 160}


def test_sequences_never_repeat_across_threads(store: Store) -> None:
    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(lambda _: store.next_seq("journal"), range(400)))
    assert sorted(values) == list(range(1, 401))


def test_sliding_window_edges(store: Store) -> None:
    check = WindowCheck("R4|1", 2, US)
    t = 1_767_578_400 * US
    assert store.limit([check], t, commit=True).committed
    assert store.limit([check], t, commit=True).committed
    refused = store.limit([check], t + US - 1, commit=True)
    assert refused.failed == 0 and refused.counts == (2,)
    assert store.limit([check], t + US, commit=True).committed


def test_fixed_windows_reset_on_a_new_window_id(store: Store) -> None:
    day1 = WindowCheck("R5|1|/x", 1, 0, "2026-01-05", 10)
    day2 = WindowCheck("R5|1|/x", 1, 0, "2026-01-06", 20)
    assert store.limit([day1], 5, commit=True).committed
    assert store.limit([day1], 6, commit=True).failed == 0
    assert store.limit([day2], 11, commit=True).committed
    assert store.peek([day2], 12) == (1,)


def test_check_all_then_commit_counts_in_all_or_none(store: Store) -> None:
    a = WindowCheck("a", 3, US)
    b = WindowCheck("b", 1, 0, "w", 0)
    assert store.limit([a, b], US, commit=True).committed
    result = store.limit([a, b], US, commit=True)
    assert (result.failed, result.committed) == (1, False)
    assert store.peek([a, b], US) == (1, 1)
    assert not store.limit([a], US, commit=False).committed
    assert store.peek([a], US) == (1,)


def test_no_two_threads_take_the_last_slot(store: Store) -> None:
    check = WindowCheck("hot", 5, 10 * US)
    barrier = threading.Barrier(16)

    def race(_: int) -> bool:
        barrier.wait()
        return store.limit([check], 100 * US, commit=True).committed

    with ThreadPoolExecutor(16) as pool:
        wins = sum(pool.map(race, range(16)))
    assert wins == 5


def test_logs_are_bounded_rings_read_oldest_first(store: Store) -> None:
    for i in range(1, 13):
        store.append("journal", {"id": i, "path": f"/p{i}"}, maxlen=5)
    entries = store.tail("journal")
    assert [e["id"] for e in entries] == [8, 9, 10, 11, 12]
    assert [e["id"] for e in store.tail("journal", limit=2)] == [11, 12]
    assert [e["id"] for e in store.tail("journal", since_id=10)] == [11, 12]
    store.clear_log("journal")
    assert store.tail("journal") == []


def test_clock_state_round_trips(store: Store) -> None:
    assert store.load_clock() is None
    store.save_clock(ClockState(True, frozen_at_us=1_767_578_400_123_456))
    assert store.load_clock() == ClockState(True, 1_767_578_400_123_456, 0)
    store.save_clock(ClockState(False, offset_us=-42))
    assert store.load_clock() == ClockState(False, 0, -42)


def test_wipe_forgets_state_but_sequences_keep_counting(store: Store) -> None:
    store.put("accounts", "1", {"x": 1})
    store.limit([WindowCheck("k", 1, US)], US, commit=True)
    store.append("journal", {"id": 1}, 10)
    first = store.next_seq("journal")
    store.save_clock(ClockState(True, 5))
    store.wipe()
    assert store.get("accounts", "1") is None
    assert store.peek([WindowCheck("k", 1, US)], US) == (0,)
    assert store.tail("journal") == []
    assert store.load_clock() is None
    assert store.next_seq("journal") == first + 1


def test_exactly_one_process_seeds_a_fresh_store(store: Store) -> None:
    barrier = threading.Barrier(8)

    def claim(_: int) -> bool:
        barrier.wait()
        return store.claim_seed()

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(claim, range(8))) == 1


# -- units, not hits (a rule's cost) ---------------------------------------------------------

def test_a_check_admits_while_used_plus_cost_fits_and_a_commit_adds_the_cost(store: Store) -> None:
    t = 1_767_578_400 * US
    for window in (WindowCheck("budget|1", 100, 0, "2026-01-05", t + 3600 * US, 50),
                   WindowCheck("slide|1", 100, 60 * US, None, 0, 50)):
        assert store.limit([window], t, commit=True).committed
        assert store.limit([window], t + 1, commit=True).committed
        refused = store.limit([window], t + 2, commit=True)
        assert refused.failed == 0 and refused.counts == (100,)
        assert store.peek([window], t + 3) == (100,)
        free = window._replace(cost=0)
        assert store.limit([free], t + 4, commit=True).committed  # costs nothing, fits
        assert store.peek([window], t + 5) == (100,)


def test_a_cost_that_does_not_fit_refuses_even_below_the_limit(store: Store) -> None:
    t = 1_767_578_400 * US
    ten = WindowCheck("mixed|1", 25, 0, "d1", t + 3600 * US, 10)
    assert store.limit([ten], t, commit=True).committed
    assert store.limit([ten], t, commit=True).committed
    assert store.limit([ten], t, commit=True).failed == 0  # 20 + 10 > 25
    one = ten._replace(cost=1)
    for _ in range(5):
        assert store.limit([one], t, commit=True).committed
    assert store.limit([one], t, commit=True).failed == 0
    assert store.peek([one], t) == (25,)


def test_an_all_or_nothing_commit_adds_each_window_its_own_cost(store: Store) -> None:
    t = 1_767_578_400 * US
    cheap = WindowCheck("a|1", 5, US, None, 0, 1)
    dear = WindowCheck("b|1", 100, 0, "d1", t + 3600 * US, 60)
    assert store.limit([cheap, dear], t, commit=True).committed
    refused = store.limit([cheap, dear], t + 1, commit=True)
    assert refused.failed == 1 and refused.counts == (1, 60)
    assert store.peek([cheap, dear], t + 2) == (1, 60)  # the refusal counted nowhere


# -- windows of any length ------------------------------------------------------------------

def test_a_two_day_sliding_window_keeps_its_hits_through_a_sweep(store: Store) -> None:
    t = 1_767_578_400 * US
    two_days = WindowCheck("long|1", 1, 2 * 86_400 * US)
    assert store.limit([two_days], t, commit=True).committed
    later = t + 36 * 3600 * US  # a day and a half later: still inside the window
    # thousands of other commits trigger the periodic sweep of every store
    other = WindowCheck("short|1", 10**9, US)
    for i in range(9000):
        store.limit([other], later + i, commit=True)
    refused = store.limit([two_days], later + 9000, commit=True)
    assert refused.failed == 0 and refused.counts == (1,)
    assert store.limit([two_days], t + 2 * 86_400 * US, commit=True).committed


# -- nested transactions ----------------------------------------------------------------------

def test_an_outer_rollback_loses_the_inner_transactions_writes(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction() as outer:
            outer.put("ns", "outer", {"v": 1})
            with store.transaction() as inner:
                assert inner.get("ns", "outer") == {"v": 1}  # sees the outer's writes
                inner.put("ns", "inner", {"v": 2})
            assert outer.get("ns", "inner") == {"v": 2}  # and the outer sees the inner's
            raise RuntimeError("outer fails after the inner committed")
    assert store.get("ns", "outer") is None
    assert store.get("ns", "inner") is None


def test_an_inner_rollback_keeps_the_outer_writes(store: Store) -> None:
    with store.transaction() as outer:
        outer.put("ns", "outer", {"v": 1})
        with pytest.raises(RuntimeError):
            with store.transaction() as inner:
                inner.put("ns", "inner", {"v": 2})
                inner.put("ns", "outer", {"v": 3})
                raise RuntimeError("inner fails")
        assert outer.get("ns", "outer") == {"v": 1}
        assert [k for k, _ in outer.items("ns")] == ["outer"]
    assert store.get("ns", "outer") == {"v": 1}
    assert store.get("ns", "inner") is None


def test_a_claimed_seed_is_incomplete_until_the_seeder_says_done(store: Store) -> None:
    assert store.seed_complete()  # nothing claimed: nobody to wait for
    assert store.claim_seed()
    assert not store.seed_complete()
    store.seed_done()
    assert store.seed_complete()
    assert not store.claim_seed()


def test_open_call_reads_the_clock_a_sequence_documents_and_namespaces_in_one_step(store: Store) -> None:
    with store.transaction() as tx:
        tx.put("a", "1", {"v": 1})
        tx.put("space", "k2", {"v": 2})
        tx.put("space", "k1", {"v": 1})
    assert store.open_call("seqx", [("a", "1")]) == (None, 0, (), ())  # no clock: lost state
    assert store.next_seq("seqx") == 1  # ... and nothing was counted
    state = ClockState(True, frozen_at_us=123)
    store.save_clock(state)
    opening = store.open_call("seqx", [("a", "1"), ("a", "missing"), ("none", "x")], ["space", "empty"])
    assert opening.clock == state and opening.seq == 2
    assert opening.docs == ({"v": 1}, None, None)
    assert opening.spaces == ([("k1", {"v": 1}), ("k2", {"v": 2})], [])
    assert store.open_call("seqx", []).seq == 3


def test_append_with_writes_the_entry_and_its_documents(store: Store) -> None:
    store.put("beside", "old", {"v": 0})
    store.append_with("logx", {"id": 1, "what": "first"}, 2,
                      [("beside", "new", {"v": 1}), ("beside", "old", None)])
    assert store.tail("logx") == [{"id": 1, "what": "first"}]
    assert store.items("beside") == [("new", {"v": 1})]


def _made(pieces: tuple[object, ...]) -> dict[str, object]:
    made.append(pieces)
    return {"pairs": pieces[1], "n": pieces[2], "raw": bytes(pieces[3]).decode()}  # type: ignore[call-overload]


made: list[tuple[object, ...]] = []
deferred_kind("test.contract", _made)


def test_a_deferred_document_reads_back_as_the_document_it_makes(store: Store) -> None:
    """``append_with`` takes a document as ``(kind, *pieces)``: every store gives back the
    document its registered function makes, as JSON (tuples read back as lists), wherever
    it is read; the in-memory one makes it only when it is read."""
    made.clear()
    pieces = ("test.contract", (("a", "1"), ("b", "2")), 3, b"caf\xc3\xa9")
    store.append_with("logx", {"id": 1}, 5, [("beside", "k", pieces)])
    if isinstance(store, MemoryStore):
        assert made == []  # nothing made yet
    document = {"pairs": [["a", "1"], ["b", "2"]], "n": 3, "raw": "café"}
    assert store.get("beside", "k") == document
    assert store.items("beside") == [("k", document)]
    store.save_clock(ClockState(True, frozen_at_us=123))
    opening = store.open_call("seqx", [("beside", "k")], ["beside"])
    assert opening.docs == (document,) and opening.spaces == ([("k", document)],)
    with store.transaction() as tx:
        assert tx.get("beside", "k") == document
        assert tx.items("beside") == [("k", document)]
        store.append_with("logx", {"id": 2}, 5, [("beside", "t", pieces)])  # inside one
    assert store.get("beside", "t") == document
    assert store.get("beside", "k") == document  # read again: the same
    assert made  # (made at least once, on every store)
