"""A CJ request on the Redis store costs at most three round trips on the happy path: the
opening (clock, journal id, offline flag, order ticker's due time, token, account, the
route's account documents), the limiter script, and the journal write.

Round trips are counted at the client's connection: every command or pipeline that goes to
redis-server is one ``send_packed_command`` followed by one read of its replies.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from cjsim.simulator import Simulator
from tests.conftest import START
from tests.redis_server import RedisServer

MAX_ROUND_TRIPS = 3


class RoundTrips:
    """Counts the round trips of every connection of the redis-py client class in use."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def wrap(self, monkeypatch: pytest.MonkeyPatch, connection_class: type[Any]) -> None:
        original = connection_class.send_packed_command
        sent = self.sent

        def send_packed_command(conn: Any, command: Any, check_health: bool = True) -> None:
            chunks = command if isinstance(command, list) else [command]
            head = b"".join(bytes(c) for c in chunks)[:80]
            sent.append(head.decode("latin-1").replace("\r\n", " "))
            original(conn, command, check_health)

        monkeypatch.setattr(connection_class, "send_packed_command", send_packed_command)

    def take(self) -> list[str]:
        out = list(self.sent)
        self.sent.clear()
        return out


@pytest.fixture
def sim(redis_server: RedisServer) -> Iterator[Simulator]:
    made = Simulator(seed=7, clock="frozen", start=START, store=redis_server.url,
                     store_prefix="round-trips")
    made.reset()  # a clean slate on the shared server
    yield made
    made.close()


@pytest.fixture
def counted(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> RoundTrips:
    trips = RoundTrips()
    client: redis.Redis = sim.store._client  # type: ignore[attr-defined]
    trips.wrap(monkeypatch, client.connection_pool.connection_class)
    return trips


def _calls(sim: Simulator) -> list[tuple[str, str, Any]]:
    account = sim.account(level="advanced", verified=True, balance=1_000)
    client = sim.app.test_client()
    token = client.post("/api2.0/v1/authentication/getAccessToken",
                        json={"apiKey": account.api_key}).get_json()["data"]["accessToken"]
    sim.clock.advance(1)
    headers = {"CJ-Access-Token": token}
    listing = client.get("/api2.0/v1/product/list?pageSize=1", headers=headers).get_json()
    pid = listing["data"]["list"][0]["pid"]
    sim.clock.advance(1)
    product = client.get(f"/api2.0/v1/product/query?pid={pid}", headers=headers).get_json()
    vid = product["data"]["variants"][0]["vid"]
    sim.clock.advance(1)
    freight = {"startCountryCode": "CN", "endCountryCode": "US", "products": [{"vid": vid, "quantity": 2}]}
    return [("GET", f"/api2.0/v1/product/query?pid={pid}", None),
            ("GET", "/api2.0/v1/product/list?pageSize=2", None),
            ("GET", "/api2.0/v1/setting/get", None),
            ("POST", "/api2.0/v1/logistic/freightCalculate", freight),
            ("__token__", token, None)]


def test_a_happy_request_costs_at_most_three_round_trips(sim: Simulator, counted: RoundTrips) -> None:
    *calls, (_, token, _) = _calls(sim)
    client = sim.app.test_client()
    headers = {"CJ-Access-Token": token}
    seen: dict[str, list[int]] = {}
    for _ in range(3):  # the first round also loads the Lua scripts (NOSCRIPT, then EVAL)
        for method, path, body in calls:
            sim.clock.advance(1)
            counted.take()
            answer = client.open(path, method=method, headers=headers, json=body).get_json()
            sent = counted.take()
            assert answer["code"] == 200, (path, answer)
            seen.setdefault(f"{method} {path}", []).append(len(sent))
            if _ > 0:  # warmed up
                assert len(sent) <= MAX_ROUND_TRIPS, (path, len(sent), sent)
    assert all(trips[1:] == [MAX_ROUND_TRIPS] * 2 for trips in seen.values()), seen


def test_the_count_sees_every_round_trip(sim: Simulator, counted: RoundTrips) -> None:
    """The counter is not blind: separate commands count one each, a pipeline counts one."""
    client: redis.Redis = sim.store._client  # type: ignore[attr-defined]
    counted.take()
    client.get("x")
    client.get("y")
    pipe = client.pipeline(transaction=False)
    pipe.get("x")
    pipe.get("y")
    pipe.execute()
    assert len(counted.take()) == 3


def test_the_journal_and_the_windows_still_see_every_request(sim: Simulator, counted: RoundTrips) -> None:
    """Three round trips, and nothing skipped: each call is journaled with its own id and
    counted in its windows (the limiter refuses the call over the account's rate)."""
    *calls, (_, token, _) = _calls(sim)
    client = sim.app.test_client()
    headers = {"CJ-Access-Token": token}
    before = sim.journal()[-1]["id"]
    method, path, _ = calls[0]
    codes = [client.get(path, headers=headers).get_json()["code"] for _ in range(7)]
    assert codes == [200] * 6 + [1600200]  # Advanced: 6/s, the clock does not move
    ids = [e["id"] for e in sim.journal(since_id=before)]
    assert ids == list(range(before + 1, before + 8))


def test_the_answer_does_not_wait_for_the_journal_write(sim: Simulator, counted: RoundTrips,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Of the three round trips, the request waits for two replies (opening, limiter): the
    journal write's replies are read at the process's next store step, and that step sees the
    write (another thread's too)."""
    *calls, (_, token, _) = _calls(sim)
    client = sim.app.test_client()
    headers = {"CJ-Access-Token": token}
    connection_class = sim.store._client.connection_pool.connection_class  # type: ignore[attr-defined]
    original = connection_class.read_response
    waited: list[int] = []

    def read_response(conn: Any, *args: Any, **kwargs: Any) -> Any:
        waited.append(1)
        return original(conn, *args, **kwargs)

    monkeypatch.setattr(connection_class, "read_response", read_response)
    for method, path, body in calls * 2:
        sim.clock.advance(1)
        counted.take()
        waited.clear()
        answer: list[dict[str, Any]] = []

        def request(method: str = method, path: str = path, body: Any = body,
                    answer: list[dict[str, Any]] = answer) -> None:
            answer.append(client.open(path, method=method, headers=headers, json=body).get_json())

        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
        assert answer[0]["code"] == 200, (path, answer)
        assert len(counted.take()) == MAX_ROUND_TRIPS
        assert len(waited) == 2, path  # one reply each: the opening and the limiter scripts
        entry = sim.journal(limit=1)[-1]  # this thread's read sees the other thread's write
        assert (entry["path"], entry["code"]) == (path.split("?")[0], 200)
        assert sim.journal_entry(entry["id"])["response"]["status"] == 200  # and its exchange
