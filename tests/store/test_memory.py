"""The memory store's own behaviour (the contract all stores share is test_contract.py)."""

from __future__ import annotations

import gc
import tracemalloc

from cjsim.store.memory import MemoryStore


def test_small_documents_take_their_own_size_not_a_serializer_buffer() -> None:
    """orjson's bytes keep a 4 KiB buffer whatever their length: 2,000 documents of ~100
    bytes must not hold 8 MB (the journal keeps 10,000 exchanges in this store)."""
    store = MemoryStore()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(2000):
            store.put("docs", str(i), {"id": i, "text": "x" * 80})
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert store.get("docs", "1999") == {"id": 1999, "text": "x" * 80}
    assert held < 2000 * 600, f"{held / 2000:.0f} bytes per 100-byte document"
