"""Helpers for the shop tests: a real webhook receiver, a well-behaved client, order bodies."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cjsim import Simulator
from cjsim.domain.webhooks import verify
from cjsim.jsonenc import loads

START = "2026-01-05T10:00:00+08:00"
DAY = 86_400
DEMO_SKU = "CJSJBHPK01234"


@dataclass(frozen=True)
class Received:
    path: str
    sign: str
    raw: bytes

    @property
    def body(self) -> dict[str, Any]:
        return loads(self.raw)  # type: ignore[no-any-return]

    def signed_by(self, open_id: int) -> bool:
        return verify(self.raw, open_id, self.sign)


class Receiver:
    """A threaded http.server on a free loopback port that records every POST.

    ``statuses`` are answered in order (then 200 for ever), so a test can make the first
    attempts fail; ``delay_s`` answers late; ``hold`` answers only once that event is set.
    """

    def __init__(self, statuses: list[int] | None = None, delay_s: float = 0.0,
                 hold: threading.Event | None = None) -> None:
        self.received: list[Received] = []
        self.statuses = list(statuses or [])
        self.delay_s = delay_s
        self.hold = hold
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._cond:
                    receiver.received.append(Received(self.path, self.headers.get("sign", ""), raw))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver._cond.notify_all()
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                if receiver.hold is not None:
                    receiver.hold.wait()
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/cj"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bodies(self, type_: str | None = None) -> list[dict[str, Any]]:
        with self._cond:
            got = [r.body for r in self.received]
        return [b for b in got if type_ is None or b["type"] == type_]

    def wait_for(self, check: Callable[[list[Received]], bool], timeout: float = 10.0) -> list[Received]:
        """Block until ``check(received)`` holds; fail the test after ``timeout``."""
        with self._cond:
            if not self._cond.wait_for(lambda: check(list(self.received)), timeout):
                types = [(r.body["type"], r.body["messageType"]) for r in self.received]
                raise AssertionError(f"webhooks never matched; got {types}")
            return list(self.received)


def count(type_: str, message_type: str | None = None, n: int = 1) -> Callable[[list[Received]], bool]:
    def check(got: list[Received]) -> bool:
        return sum(1 for r in got if r.body["type"] == type_
                   and (message_type is None or r.body["messageType"] == message_type)) >= n
    return check


class Shop:
    """A logged-in, well-behaved in-process client: one call per simulated second (R4)."""

    def __init__(self, sim: Simulator, account: Any) -> None:
        self.sim = sim
        self.account = account
        self.http = sim.app.test_client()
        self.token = ""
        self.login()

    def login(self) -> None:
        """A fresh token (tokens live 15 simulated days: long clock moves need a new one)."""
        answer = self.http.post("/api2.0/v1/authentication/getAccessToken",
                                json={"apiKey": self.account.api_key}).get_json()
        assert answer["code"] == 200, answer
        self.token = answer["data"]["accessToken"]

    @property
    def open_id(self) -> int:
        return int(self.account.open_id)

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        self.sim.clock.advance(1)
        headers = {"CJ-Access-Token": self.token, **kwargs.pop("headers", {})}
        response = self.http.open("/api2.0/v1/" + path, method=method, headers=headers, **kwargs)
        return response.get_json()  # type: ignore[no-any-return]

    def get(self, path: str, **query: Any) -> dict[str, Any]:
        return self.call("GET", path, query_string=query)

    def post(self, path: str, body: Any) -> dict[str, Any]:
        return self.call("POST", path, json=body)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.call(method, path, **kwargs)
        assert answer["code"] == 200, answer
        return answer["data"]

    # -- shortcuts -------------------------------------------------------------------------
    def demo_vid(self, index: int = 0) -> str:
        data = self.ok("GET", "product/query", query_string={"productSku": DEMO_SKU})
        return str(data["variants"][index]["vid"])

    def create(self, vid: str, **overrides: Any) -> dict[str, Any]:
        return self.post("shopping/order/createOrderV2", order_body(vid, **overrides))

    def created(self, vid: str, **overrides: Any) -> str:
        answer = self.create(vid, **overrides)
        assert answer["code"] == 200, answer
        return str(answer["data"]["orderId"])

    def paid(self, vid: str, **overrides: Any) -> str:
        """An order through the one-order flow: create (payType 3), confirm, payBalance."""
        order_id = self.created(vid, payType=3, **overrides)
        self.ok("PATCH", "shopping/order/confirmOrder", json={"orderId": order_id})
        self.ok("POST", "shopping/pay/payBalance", json={"orderId": order_id})
        return order_id

    def status(self, order_id: str) -> str:
        return str(self.ok("GET", "shopping/order/getOrderDetail",
                           query_string={"orderId": order_id})["orderStatus"])

    def balance(self) -> Any:
        return self.ok("GET", "shopping/pay/getBalance")["amount"]

    def enable(self, url: str, *topics: str) -> dict[str, Any]:
        return self.post("webhook/set", {t: {"type": "ENABLE", "callbackUrls": [url]}
                                         for t in topics or ("order", "logistics")})


_counter = iter(range(1, 1_000_000))


def order_body(vid: str | None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "orderNumber": f"shop-{next(_counter)}", "shippingCountryCode": "US",
        "shippingCountry": "United States", "shippingProvince": "New York",
        "shippingCity": "New York", "shippingAddress": "1 Main St",
        "shippingCustomerName": "Ann Lee", "shippingPhone": "2125550100",
        "shippingZip": "10001", "logisticName": "CJPacket Ordinary", "fromCountryCode": "CN",
        "payType": 3, "products": [{"vid": vid, "quantity": 2, "storeLineItemId": "li-1"}],
    }
    body.update(overrides)
    return body


def new_sim(**options: Any) -> Simulator:
    """A frozen-clock simulator whose webhook retries are quick."""
    domain = {"retry_delay_s": 0.05, "tick_interval_s": 0.05, **options.pop("domain_options", {})}
    return Simulator(seed=options.pop("seed", 7), clock="frozen", start=START,
                     domain_options=domain, **options)


def shop_of(sim: Simulator, email: str = "shop@example.com", **account: Any) -> Shop:
    account.setdefault("level", "advanced")
    account.setdefault("verified", True)
    return Shop(sim, sim.account(email, **account))


@contextmanager
def running(**options: Any) -> Iterator[Simulator]:
    """``new_sim`` that is closed afterwards (its ticker and webhook threads stop)."""
    sim = new_sim(**options)
    try:
        yield sim
    finally:
        sim.close()
