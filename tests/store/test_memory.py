"""The memory store's own behaviour (the contract all stores share is test_contract.py)."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable

from cjsim.store.memory import MemoryStore


def _held_after(fill: Callable[[], None]) -> int:
    """Bytes still allocated (traced) after ``fill`` ran."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        fill()
        return int(tracemalloc.get_traced_memory()[0] - before)
    finally:
        tracemalloc.stop()


def test_small_documents_take_their_own_size_not_a_serializer_buffer() -> None:
    """orjson's bytes keep a 4 KiB buffer whatever their length: 2,000 documents of ~100
    bytes must not hold 8 MB (the journal keeps 10,000 exchanges in this store)."""
    store = MemoryStore()

    def fill() -> None:
        for i in range(2000):
            store.put("docs", str(i), {"id": i, "text": "x" * 80})

    held = _held_after(fill)
    assert store.get("docs", "1999") == {"id": 1999, "text": "x" * 80}
    assert held < 2000 * 600, f"{held / 2000:.0f} bytes per 100-byte document"


def test_a_journal_exchange_keeps_its_answer_at_the_answer_s_size() -> None:
    """The journal keeps each exchange as its pieces (a ``Deferred``), among them the answer
    as orjson wrote it: a 3 KiB product answer came with a 32 KiB buffer, and a ring of
    10,000 held 167 MB. Each bytes piece is kept at its own size."""
    import orjson

    product = {"data": {f"field{i}": "value " * 4 for i in range(100)}}
    store = MemoryStore()
    answers: list[bytes] = []

    def journal() -> None:
        for i in range(500):
            answer = orjson.dumps({**product, "requestId": str(i)})
            pieces = ("test.kind", (), (("Host", "x"),), None, 0, False, 200, None, answer,
                      len(answer), False)
            store.append_with("log", {"id": i}, 1000, [("exchange", str(i), pieces)])
        answers.append(answer)  # the last one, to compare with what was kept

    held = _held_after(journal)
    answer = answers[0]
    size = len(answer)
    assert 2500 < size < 4000
    kept = store._docs["exchange"]["499"]
    assert isinstance(kept, tuple) and kept[8] == answer  # the same pieces, the same answer
    assert held < 500 * (size + 1500), f"{held / 500:.0f} bytes per {size}-byte answer"


def test_append_with_takes_any_dict_as_a_document() -> None:
    """A document beside a log entry may be any dict (an OrderedDict too), not only the
    plain one the journal gives: it is stored as that document, not taken for a
    ``Deferred``'s pieces."""
    from collections import OrderedDict

    store = MemoryStore()
    store.append_with("log", {"id": 1}, 10, [("ns", "k", OrderedDict(a=1, b=[2]))])
    assert store.get("ns", "k") == {"a": 1, "b": [2]}
    assert store.tail("log") == [{"id": 1}]
