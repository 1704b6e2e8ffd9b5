"""A ``since`` read of a log (the dashboard polls the journal with it every 500 ms) reads the
new end of the log, not the whole ring, and still sees entries appended slightly out of order."""

from __future__ import annotations

from typing import Any

import pytest

from cjsim.store import Store
from cjsim.store.base import SINCE_SLACK
from cjsim.store.memory import MemoryStore


def test_since_returns_the_newer_entries_even_a_little_out_of_order(store: Store) -> None:
    ids = list(range(1, 301))
    ids[250], ids[251] = ids[251], ids[250]  # two writers raced between taking an id and appending
    ids.remove(200)
    ids.insert(240, 200)  # one appended 40 entries late (within the slack)
    for i in ids:
        store.append("journal", {"id": i}, maxlen=1000)
    got = [e["id"] for e in store.tail("journal", since_id=199)]
    assert sorted(got) == list(range(200, 301))  # memory keeps append order, SQLite and Redis id order
    assert store.tail("journal", since_id=300) == []
    assert sorted(e["id"] for e in store.tail("journal", since_id=0)) == list(range(1, 301))
    assert [e["id"] for e in store.tail("journal", since_id=290, limit=3)] in ([298, 299, 300],)


class _Untouchable(dict[str, Any]):
    def __getitem__(self, key: str) -> Any:
        raise AssertionError("a since read looked at an old entry")


def test_a_memory_since_read_does_not_walk_the_whole_ring() -> None:
    store = MemoryStore()
    store.append("journal", _Untouchable(id=0), maxlen=100_000)
    for i in range(1, 10_001):
        store.append("journal", {"id": i}, maxlen=100_000)
    assert [e["id"] for e in store.tail("journal", since_id=9_998)] == [9_999, 10_000]
    with pytest.raises(AssertionError, match="old entry"):
        store.tail("journal", since_id=0)  # the whole ring is reached only when asked for


def test_a_redis_since_read_fetches_the_end_of_the_list(store: Store, store_kind: str) -> None:
    if store_kind != "redis":
        pytest.skip("Redis-specific: the LRANGE calls")
    for i in range(1, 5_001):
        store.append("journal", {"id": i}, maxlen=10_000)
    client = store._client  # type: ignore[attr-defined]
    asked: list[tuple[int, int]] = []
    real = client.lrange

    def spy(key: str, start: int, end: int) -> Any:
        asked.append((start, end))
        return real(key, start, end)

    client.lrange = spy
    try:
        assert [e["id"] for e in store.tail("journal", since_id=4_990)] == list(range(4_991, 5_001))
    finally:
        client.lrange = real
    assert asked and all(start < 0 and -start <= 4 * SINCE_SLACK for start, _ in asked), asked
