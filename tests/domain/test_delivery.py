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
    assert not d._workers
    with Receiver() as receiver:
        d.submit(_job(receiver.url))
        assert d.wait_idle(5)
        assert receiver.received[0].signed_by(100042)
        assert receiver.received[0].raw == _job(receiver.url).body
    for worker in list(d._workers):
        worker.join(timeout=2)
    assert not d._workers
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


# -- one account's receivers never hold up another's ---------------------------------------


def _for(open_id: int, url: str, n: int = 0) -> Job:
    return Job(open_id, url, f"m{open_id}-{n}", "ORDER", "INSERT",
               b'{"messageId":"m","type":"ORDER","messageType":"INSERT","params":{}}')


def test_hanging_receivers_of_one_account_do_not_delay_another_account() -> None:
    # A's five receivers hold every request far longer than the webhook timeout; B answers
    # at once. B's message must arrive while A's attempts are still waiting for theirs.
    d = _dispatcher(timeout_s=1.5, retries=0)
    with Receiver(delay_s=30) as hanging, Receiver() as fast:
        for n in range(5):
            d.submit(_for(1, f"{hanging.url}/{n}", n))
        d.submit(_for(2, fast.url))
        fast.wait_for(lambda got: len(got) == 1)
        for _ in range(1000):  # until the first attempt, of either account, is recorded
            if d.log():
                break
            time.sleep(0.001)
        assert [e["openId"] for e in d.log()] == [2], "B's delivery waited for A's receivers"
        assert d.log()[0]["outcome"] == "delivered"
        d.close()


def test_a_full_lane_drops_and_records_while_other_accounts_go_on(caplog: pytest.LogCaptureFixture) -> None:
    d = _dispatcher(timeout_s=1.5, retries=0)
    d.max_queued = 3
    with Receiver(delay_s=30) as hanging, Receiver() as fast:
        d.submit(_for(1, hanging.url, 0))
        hanging.wait_for(lambda got: len(got) == 1)  # in flight: the lane is empty again
        with caplog.at_level("WARNING", logger="cjsim.webhooks"):
            for n in range(1, 6):  # three fit, two are dropped
                d.submit(_for(1, hanging.url, n))
        dropped = [e for e in d.log() if e["outcome"] == "dropped"]
        assert [e["messageId"] for e in dropped] == ["m1-4", "m1-5"]
        assert all(e["openId"] == 1 and e["ok"] is False and "full" in e["error"] for e in dropped)
        assert len([r for r in caplog.records if "is full" in r.getMessage()]) == 1
        d.submit(_for(2, fast.url))
        fast.wait_for(lambda got: len(got) == 1)
        d.close()
