"""The simulator checks itself against its own OpenAPI document (Schemathesis, real HTTP).

Every operation gets valid and invalid inputs (positive and negative generation, derandomised,
a few examples each); every answer must be an envelope the document allows for that operation:
success with ``data`` matching the row's ``data`` schema, or one of its declared error codes
with ``data: null``, on a documented HTTP status and content type, and never a server error.

The simulator runs on a frozen clock with strictness ``shadow`` (limits recorded, never
enforced) so throttles do not hide the answers, and without webhook deliveries (random
callback URLs are never contacted).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cjsim import Simulator
from cjsim.openapi import TOKEN_HEADER, document
from cjsim.server import BackgroundServer
from tests.conftest import START

SCHEMA = schemathesis.openapi.from_dict(document())
SCHEMA.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
LOGIN = "/api2.0/v1/authentication/getAccessToken"
REVOKES_THE_TOKEN = {"/api2.0/v1/authentication/logout"}


class Live:
    def __init__(self) -> None:
        self.sim = Simulator(seed=11, clock="frozen", start=START, strictness="shadow",
                             webhooks=False)
        self.account = self.sim.account("fuzz@example.com", level="advanced", balance=10_000)
        self.server = BackgroundServer(self.sim.app).start()
        self.http = requests.Session()
        self.token = self.login()

    def login(self) -> str:
        """A token the way a client gets one: getAccessToken over HTTP."""
        body = self.http.post(self.server.url(LOGIN), json={"apiKey": self.account.api_key},
                              timeout=10).json()
        assert body["code"] == 200, body
        return str(body["data"]["accessToken"])

    def close(self) -> None:
        self.http.close()
        self.server.stop()
        self.sim.close()


@pytest.fixture(scope="module")
def live_sim() -> Iterator[Live]:
    live = Live()
    yield live
    live.close()


@SCHEMA.parametrize()
@settings(max_examples=4, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_answer_is_what_the_document_declares(case: Any, live_sim: Live) -> None:
    if case.path in REVOKES_THE_TOKEN:  # logout kills the token: the next case needs a new one
        live_sim.token = live_sim.login()
    headers = {TOKEN_HEADER: live_sim.token}
    response = case.call(base_url=live_sim.server.root, session=live_sim.http, headers=headers,
                         timeout=10)
    case.validate_response(response, checks=CHECKS)
    envelope = response.json()
    assert set(envelope) == {"code", "result", "message", "data", "requestId", "success"}


def _checked(live: Live, method: str, path: str, **parts: Any) -> Any:
    """One call as a Schemathesis case of the document's operation, validated like the fuzz."""
    case = SCHEMA[f"/api2.0/v1/{path}"][method].Case(**parts)
    response = case.call(base_url=live.server.root, session=live.http,
                         headers={TOKEN_HEADER: live.token}, timeout=10)
    case.validate_response(response, checks=CHECKS)
    body = response.json()
    assert body["code"] == 200, body
    return body["data"]


def test_a_whole_shop_flow_answers_what_the_document_declares(live_sim: Live) -> None:
    """Random ids rarely hit a product or an order: this walks the real ones, so every
    success ``data`` (with the optional parts the features add) is checked too."""
    live = live_sim
    live.token = live.login()
    _checked(live, "GET", "product/getCategory")
    _checked(live, "GET", "setting/get")
    _checked(live, "GET", "shopping/pay/getBalance")
    page = _checked(live, "GET", "product/list", query={"pageSize": 3})
    _checked(live, "GET", "product/listV2", query={"size": 3, "features": ["enable_category",
                                                                        "enable_video",
                                                                        "enable_description"]})
    pid = page["list"][0]["pid"]
    for item in _checked(live, "GET", "product/list", query={"pageSize": 40})["list"]:
        _checked(live, "GET", "product/query", query={"pid": item["pid"]})  # one price or a range
    product = _checked(live, "GET", "product/query",
                       query={"pid": pid, "features": ["enable_inventory", "enable_video"]})
    vid, sku = product["variants"][0]["vid"], product["variants"][0]["variantSku"]
    _checked(live, "GET", "product/variant/query", query={"pid": pid})
    _checked(live, "GET", "product/variant/queryByVid", query={"vid": vid, "features": ["enable_inventory"]})
    _checked(live, "GET", "product/stock/queryByVid", query={"vid": vid})
    _checked(live, "GET", "product/stock/queryBySku", query={"sku": sku})
    _checked(live, "GET", "product/stock/getInventoryByPid", query={"pid": pid})
    lines = [{"vid": vid, "quantity": 1}]
    quotes = _checked(live, "POST", "logistic/freightCalculate",
                      body={"startCountryCode": "CN", "endCountryCode": "US", "products": lines})
    address = {"shippingCountryCode": "US", "shippingCountry": "United States",
               "shippingProvince": "CA", "shippingCity": "Los Angeles", "shippingAddress": "1 Main St",
               "shippingCustomerName": "Ann Lee", "shippingZip": "90001", "shippingPhone": "5550100",
               "logisticName": quotes[0]["logisticName"], "fromCountryCode": "CN"}
    first = _checked(live, "POST", "shopping/order/createOrderV2",
                     body={**address, "orderNumber": "flow-1", "products": lines})
    second = _checked(live, "POST", "shopping/order/createOrder",
                      body={**address, "orderNumber": "flow-2", "products": lines})
    cart = _checked(live, "POST", "shopping/order/createOrderV2",
                    body={**address, "orderNumber": "flow-3", "products": lines})
    _checked(live, "PATCH", "shopping/order/confirmOrder", body={"orderId": first["orderId"]})
    _checked(live, "POST", "shopping/pay/payBalance", body={"orderId": first["orderId"]})
    _checked(live, "POST", "shopping/order/addCart", body={"cjOrderIdList": [cart["orderId"]]})
    shipment = _checked(live, "POST", "shopping/order/addCartConfirm", body={"cjOrderIdList": [cart["orderId"]]})
    parent = _checked(live, "POST", "shopping/order/saveGenerateParentOrder",
                      body={"shipmentOrderId": shipment["shipmentsId"]})
    _checked(live, "POST", "shopping/pay/payBalanceV2",
             body={"shipmentOrderId": shipment["shipmentsId"], "payId": parent["payId"]})
    live.sim.clock.advance(3 * 86_400)  # paid orders ship after a day
    shipped = _checked(live, "GET", "shopping/order/getOrderDetail",
                       query={"orderId": first["orderId"], "features": ["LOGISTICS_TIMELINESS"]})
    assert shipped["trackNumber"] and "logisticsTimeliness" in shipped
    tracks = _checked(live, "GET", "logistic/trackInfo", query={"trackNumber": [shipped["trackNumber"]]})
    assert tracks and tracks[0]["trackingNumber"] == shipped["trackNumber"]
    _checked(live, "GET", "logistic/getTrackInfo", query={"trackNumber": [shipped["trackNumber"]]})
    _checked(live, "GET", "shopping/order/list")
    _checked(live, "DELETE", "shopping/order/deleteOrder", query={"orderId": second})
    _checked(live, "POST", "webhook/set",
             body={"order": {"type": "ENABLE", "callbackUrls": ["https://shop.example/cj"]}})
    tokens = live.http.post(live.server.url(LOGIN), json={"apiKey": live.account.api_key}, timeout=10).json()
    _checked(live, "POST", "authentication/refreshAccessToken",
             body={"refreshToken": tokens["data"]["refreshToken"]})
    _checked(live, "POST", "authentication/logout")
    live.token = live.login()
