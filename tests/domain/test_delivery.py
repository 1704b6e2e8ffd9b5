"""The delivery worker: started on demand, signed POSTs, retries, cancel and close."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from cjsim.domain import delivery
from cjsim.domain.delivery import Dispatcher, Job
from cjsim.domain.options import DomainOptions
from cjsim.store import MemoryStore
from tests.shop import Receiver


@pytest.fixture
def fast_idle(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(delivery, "IDLE_S", 0.05)
    yield


def _dispatcher(**options: object) -> Dispatcher:
    opts = DomainOptions.build({"retry_delay_s": 0.05, **options})
    return Dispatcher(MemoryStore(), lambda: 1_767_578_400_000_000, opts)


def _job(url: str, body: bytes = b'{"messageId":"m","type":"ORDER","messageType":"INSERT","params":{}}') -> Job:
    return Job(100042, url, "m", "ORDER", "INSERT", body)


def test_the_worker_starts_on_demand_and_exits_when_idle(fast_idle: None) -> None:
    d = _dispatcher()
    assert d._worker is None
    with Receiver() as receiver:
        d.submit(_job(receiver.url))
        assert d.wait_idle(5)
        assert receiver.received[0].signed_by(100042)
        assert receiver.received[0].raw == _job(receiver.url).body
    worker = d._worker
    if worker is not None:
        worker.join(timeout=2)
    assert d._worker is None
    entry = d.log()[0]
    assert entry["time"] == "2026-01-05T10:00:00+08:00" and entry["ok"] is True
    d.close()


def test_cancel_pending_drops_waiting_retries() -> None:
    d = _dispatcher(retry_delay_s=5)
    with Receiver(statuses=[500] * 5) as receiver:
        d.submit(_job(receiver.url))
        receiver.wait_for(lambda got: len(got) == 1)
        for _ in range(500):  # until the failed attempt is recorded and its retry waits
            if d._waiting:
                break
            time.sleep(0.01)
        d.cancel_pending()
        assert d.wait_idle(1)
        assert len(receiver.received) == 1
    d.close()


def test_close_stops_the_worker_and_refuses_new_jobs() -> None:
    d = _dispatcher()
    with Receiver() as receiver:
        d.submit(_job(receiver.url))
        d.wait_idle(5)
        d.close()
        d.submit(_job(receiver.url))
        assert len(receiver.received) == 1
