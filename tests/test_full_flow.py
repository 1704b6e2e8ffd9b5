"""CJ's verification flow, "from product query to pushing orders", end to end.

One scenario, two transports: in-process (the Flask test client) and over a real socket
against ``cjsim serve`` in a subprocess. Both drive the clock through the control API, as a
client in another language would, and both receive the webhooks on a real local receiver.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
import requests

from cjsim import Simulator
from tests.conftest import store_options
from tests.serve import spawn
from tests.shop import DAY, Receiver, count, order_body

START = "2026-01-05T10:00:00+08:00"
API_KEY = "CJ100042@api@" + "c" * 32
EVERY_STORE = True  # tests/conftest.py runs the in-process flow on every store kind


class Transport(Protocol):
    def cj(self, method: str, path: str, token: str | None, *, query: dict[str, Any] | None = None,
           body: Any = None) -> dict[str, Any]: ...

    def control(self, method: str, path: str, body: Any = None) -> Any: ...


class InProcess:
    def __init__(self, sim: Simulator) -> None:
        self.http = sim.app.test_client()

    def cj(self, method: str, path: str, token: str | None, *, query: dict[str, Any] | None = None,
           body: Any = None) -> dict[str, Any]:
        headers = {"CJ-Access-Token": token} if token else {}
        response = self.http.open("/api2.0/v1/" + path, method=method, headers=headers,
                                  query_string=query, json=body)
        return response.get_json()  # type: ignore[no-any-return]

    def control(self, method: str, path: str, body: Any = None) -> Any:
        return self.http.open("/__cjsim/" + path, method=method, json=body).get_json()


class OverSocket:
    def __init__(self, root: str) -> None:
        self.root = root
        self.session = requests.Session()
        self.session.trust_env = False

    def cj(self, method: str, path: str, token: str | None, *, query: dict[str, Any] | None = None,
           body: Any = None) -> dict[str, Any]:
        headers = {"CJ-Access-Token": token} if token else {}
        response = self.session.request(method, f"{self.root}/api2.0/v1/{path}", headers=headers,
                                        params=query, json=body, timeout=10)
        assert response.headers["Content-Type"].startswith("application/json")
        return response.json()  # type: ignore[no-any-return]

    def control(self, method: str, path: str, body: Any = None) -> Any:
        return self.session.request(method, f"{self.root}/__cjsim/{path}", json=body, timeout=10).json()


class Client:
    """A well-behaved integrator: one call per simulated second, the clock moved remotely."""

    def __init__(self, transport: Transport, api_key: str) -> None:
        self.t = transport
        self.api_key = api_key
        self.token: str | None = None
        self.open_id = 0

    def login(self) -> None:
        data = self.ok("POST", "authentication/getAccessToken", body={"apiKey": self.api_key})
        self.token, self.open_id = data["accessToken"], data["openId"]
        assert data["accessTokenExpiryDate"].endswith("+08:00")

    def advance(self, seconds: float) -> None:
        self.t.control("POST", "clock", {"advance": seconds})

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        self.advance(1)
        return self.t.cj(method, path, self.token, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.call(method, path, **kwargs)
        assert answer["code"] == 200, (path, answer)
        return answer["data"]


def full_flow(t: Transport, api_key: str, receiver: Receiver) -> None:
    c = Client(t, api_key)
    c.login()
    # search, product, variants, stock, freight
    found = c.ok("GET", "product/listV2", query={"keyWord": "phone case",
                                                 "startWarehouseInventory": "1", "page": "1", "size": "10"})
    pid = found["content"][0]["productList"][0]["id"]
    product = c.ok("GET", "product/query", query={"pid": pid})
    assert product["pid"] == pid and product["productNameEn"]
    variants = c.ok("GET", "product/variant/query", query={"pid": pid})
    vid = variants[0]["vid"]
    assert vid in [v["vid"] for v in product["variants"]]
    stock = c.ok("GET", "product/stock/queryByVid", query={"vid": vid})
    cn = next(row for row in stock if row["countryCode"] == "CN")
    assert cn["storageNum"] >= 2
    quote = c.ok("POST", "logistic/freightCalculate", body={
        "startCountryCode": "CN", "endCountryCode": "US", "products": [{"vid": vid, "quantity": 2}]})
    line = quote[0]
    # webhooks, then the order: create (V2), confirm, pay
    assert c.ok("POST", "webhook/set", body={
        "order": {"type": "ENABLE", "callbackUrls": [receiver.url]},
        "logistics": {"type": "ENABLE", "callbackUrls": [receiver.url]}}) is True
    balance = c.ok("GET", "shopping/pay/getBalance")["amount"]
    created = c.ok("POST", "shopping/order/createOrderV2",
                   body=order_body(vid, orderNumber="flow-1", logisticName=line["logisticName"]))
    order_id = created["orderId"]
    assert created["postageAmount"] == line["logisticPrice"]
    assert c.ok("PATCH", "shopping/order/confirmOrder", body={"orderId": order_id}) == order_id
    assert c.ok("POST", "shopping/pay/payBalance", body={"orderId": order_id}) == order_id
    after = c.ok("GET", "shopping/pay/getBalance")["amount"]
    assert after == pytest.approx(balance - created["orderAmount"])
    # the clock until delivered
    status = None
    for _ in range(20):
        c.advance(DAY)
        detail = c.ok("GET", "shopping/order/getOrderDetail", query={"orderId": order_id})
        status = detail["orderStatus"]
        if status == "DELIVERED":
            break
    assert status == "DELIVERED"
    tracking = c.ok("GET", "logistic/trackInfo", query={"trackNumber": detail["trackNumber"]})
    assert tracking[0]["trackingStatus"] == "Delivered" and tracking[0]["trackingTo"] == "US"
    # ORDER and LOGISTIC webhooks, signed with the openId
    got = receiver.wait_for(lambda r: count("LOGISTIC", n=9)(r) and any(
        x.body["type"] == "ORDER" and x.body["params"]["orderStatus"] == "DELIVERED" for x in r))
    assert all(r.signed_by(c.open_id) for r in got)
    statuses = [r.body["params"]["orderStatus"] for r in got if r.body["type"] == "ORDER"]
    assert statuses[0] == "CREATED" and set(statuses) == {
        "CREATED", "UNPAID", "UNSHIPPED", "SHIPPED", "DELIVERED"}
    logistic = [r.body for r in got if r.body["type"] == "LOGISTIC"]
    assert logistic[0]["messageType"] == "INSERT" and logistic[-1]["params"]["trackingStatus"] == 12
    assert all(b["params"]["orderId"] == order_id for b in logistic)


def failing_flows(t: Transport) -> None:
    """The same flow with an empty balance (1604000) and an unknown logisticName (1605000)."""
    poor = t.control("POST", "accounts", {"email": "poor@example.com", "level": "advanced",
                                          "verified": True, "balance": 0})
    c = Client(t, poor["apiKey"])
    c.login()
    vid = c.ok("GET", "product/query", query={"productSku": "CJSJBHPK01234"})["variants"][0]["vid"]
    order_id = c.ok("POST", "shopping/order/createOrderV2", body=order_body(vid, orderNumber="poor-1"))["orderId"]
    c.ok("PATCH", "shopping/order/confirmOrder", body={"orderId": order_id})
    assert c.call("POST", "shopping/pay/payBalance", body={"orderId": order_id})["code"] == 1604000
    assert c.call("POST", "shopping/order/createOrderV2",
                  body=order_body(vid, orderNumber="poor-2", payType=2))["code"] == 1604000
    assert c.ok("GET", "shopping/order/getOrderDetail", query={"orderId": order_id})["orderStatus"] == "UNPAID"
    unknown = c.call("POST", "shopping/order/createOrderV2",
                     body=order_body(vid, orderNumber="poor-3", logisticName="Teleport Express"))
    assert unknown["code"] == 1605000 and unknown["data"] is None
    assert c.ok("GET", "shopping/order/list")["total"] == 1


def test_full_flow_in_process(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    sim = Simulator(seed=7, clock="frozen", start=START, domain_options={"retry_delay_s": 0.05},
                    accounts=[{"email": "shop@example.com", "apiKey": API_KEY, "level": "advanced",
                               "verified": True}], **store_options(store_kind, request, tmp_path))
    try:
        with Receiver() as receiver:
            full_flow(InProcess(sim), API_KEY, receiver)
        failing_flows(InProcess(sim))
    finally:
        sim.close()


@pytest.fixture
def served() -> Iterator[str]:
    served = spawn("--seed", "7", "--clock", "frozen", "--start", START, "--webhook-retry-delay", "0.05",
                   "--account", f"shop@example.com:{API_KEY}:advanced:verified")
    proc, root = served.proc, served.root
    try:
        yield root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_full_flow_over_a_real_socket_against_cjsim_serve(served: str) -> None:
    transport = OverSocket(served)
    with Receiver() as receiver:
        full_flow(transport, API_KEY, receiver)
    failing_flows(transport)
    deliveries = transport.control("GET", "webhooks/deliveries?wait=5")["deliveries"]
    assert deliveries and all(d["outcome"] == "delivered" for d in deliveries)
