"""The tick: due steps are noticed once, cheaply, whoever ticks and however far the clock jumps."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.domain import progress
from tests.shop import DAY, order_body, running

US = 1_000_000
T0 = 1_767_578_400 * US


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with running(webhooks=False) as s:
        yield s


def _paid(sim: Simulator, number: str = "p1") -> dict[str, Any]:
    acct = sim.accounts.by_email("t@example.com") or sim.account("t@example.com", level="advanced")
    vid = sim.catalogue.products[0].variants[0].vid
    return sim.domain.orders.create(acct.open_id, order_body(vid, payType=2, orderNumber=number),
                                    sim.clock.now_us())


def test_nothing_due_is_one_read_and_no_message(sim: Simulator) -> None:
    assert progress.tick(sim.store, T0) == []
    doc = _paid(sim)
    assert progress.tick(sim.store, doc["shipAtUs"] - 1) == []


def test_each_step_is_sent_once_even_when_the_clock_jumps(sim: Simulator) -> None:
    doc = _paid(sim)
    first = progress.tick(sim.store, doc["shipAtUs"])
    assert [(m.type, m.message_type) for m in first] == [("ORDER", "UPDATE"), ("LOGISTIC", "INSERT")]
    assert first[0].params["orderStatus"] == "SHIPPED"
    assert progress.tick(sim.store, doc["shipAtUs"]) == []
    rest = progress.tick(sim.store, doc["shipAtUs"] + 30 * DAY * US)
    logistic = [m for m in rest if m.type == "LOGISTIC"]
    assert [m.params["trackingStatus"] for m in logistic] == [4, 5, 6, 7, 8, 9, 10, 12]
    assert rest[-1].type == "ORDER" and rest[-1].params["orderStatus"] == "DELIVERED"
    assert rest[-1].params["completeDate"] is not None
    assert sim.store.items(progress.PROGRESS) == [] and not progress.pending(sim.store)


def test_events_of_a_step_stop_at_that_step(sim: Simulator) -> None:
    doc = _paid(sim)
    messages = progress.tick(sim.store, doc["shipAtUs"] + 3 * DAY * US)
    logistic = [m for m in messages if m.type == "LOGISTIC"]
    sizes = [len(json.loads(m.params["logisticsTrackEvents"])) for m in logistic]
    assert sizes == [1, 2, 3, 4]


def test_the_due_time_is_the_earliest_of_all_orders(sim: Simulator) -> None:
    a = _paid(sim, "a")
    sim.clock.advance(3600)
    _paid(sim, "b")
    assert sim.store.get(progress.DUE_NS, progress.DUE_KEY) == {"dueUs": a["shipAtUs"]}
    progress.tick(sim.store, a["shipAtUs"])
    due = sim.store.get(progress.DUE_NS, progress.DUE_KEY)
    assert due is not None and due["dueUs"] == a["shipAtUs"] + 3600 * US  # b ships an hour later


def test_concurrent_ticks_send_each_step_once(sim: Simulator) -> None:
    for i in range(5):
        _paid(sim, f"c{i}")
    now = T0 + 40 * DAY * US
    results: list[int] = []

    def run() -> None:
        results.append(len(progress.tick(sim.store, now)))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 5 * (2 + 8 + 1)  # per order: SHIPPED+INSERT, 8 updates, DELIVERED


def test_a_cancelled_order_stops_its_timeline(sim: Simulator) -> None:
    doc = _paid(sim)
    sim.domain.orders.cancel(doc["openId"], doc["orderId"], T0 + 1)
    assert progress.tick(sim.store, T0 + 30 * DAY * US) == []


def test_the_ticker_thread_stops_when_nothing_moves(sim: Simulator) -> None:
    doc = _paid(sim)
    ticker = sim.domain._ticker
    assert ticker is not None and ticker.is_alive()
    sim.clock.set("2026-03-01T00:00:00+08:00")
    ticker.join(timeout=5)
    assert not ticker.is_alive()
    assert sim.domain.orders.get(doc["openId"], doc["orderId"])["status"] == "UNSHIPPED"
    assert not progress.pending(sim.store)
