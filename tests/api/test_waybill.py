"""uploadWaybillInfo / updateWaybillInfo: multipart/form-data bodies declared by the route row."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from tests.api.live import live
from tests.shop import DAY, Shop


def form(shop: Shop, path: str, fields: dict[str, Any], file: bytes | None = b"%PDF-1.4 label") -> Any:
    data: dict[str, Any] = dict(fields)
    if file is not None:
        data["waybillFile"] = (io.BytesIO(file), "label.pdf", "application/pdf")
    return shop.call("POST", path, data=data, content_type="multipart/form-data")


def test_upload_then_update_a_waybill(shop: Shop) -> None:
    order_id = shop.created(shop.demo_vid())
    up = form(shop, "shopping/order/uploadWaybillInfo", {"orderId": order_id, "trackNumber": "TT1"})
    assert up["code"] == 200, up
    assert (up["data"]["trackNumber"], up["data"]["fileName"]) == ("TT1", "label.pdf")
    again = form(shop, "shopping/order/uploadWaybillInfo", {"orderId": order_id, "trackNumber": "TT2"})
    assert again["code"] == 1600300 and "updateWaybillInfo" in shop.sim.journal()[-1]["detail"]
    upd = form(shop, "shopping/order/updateWaybillInfo", {"orderId": order_id, "trackNumber": "TT3"}, None)
    assert upd["data"]["trackNumber"] == "TT3" and upd["data"]["fileName"] == "label.pdf"
    stored = shop.sim.store.get(f"orders:{shop.open_id}", order_id)
    assert stored is not None and stored["waybill"]["file"]["size"] == len(b"%PDF-1.4 label")


def test_update_needs_an_upload_first_and_unknown_orders_are_not_found(shop: Shop) -> None:
    order_id = shop.created(shop.demo_vid())
    assert form(shop, "shopping/order/updateWaybillInfo", {"orderId": order_id}, None)["code"] == 1600300
    assert form(shop, "shopping/order/uploadWaybillInfo", {"orderId": "404", "trackNumber": "T"})["code"] == 1603100


def test_a_shipped_order_keeps_its_waybill(shop: Shop) -> None:
    order_id = shop.paid(shop.demo_vid())
    shop.sim.clock.advance(2 * DAY)
    shop.login()
    assert form(shop, "shopping/order/uploadWaybillInfo", {"orderId": order_id, "trackNumber": "T"})["code"] == 1600300


MULTI = "multipart/form-data"


@pytest.mark.parametrize("make", [
    lambda: {"json": {"orderId": "1", "trackNumber": "T"}},  # JSON where CJ documents multipart
    lambda: {"data": {"orderId": "1", "trackNumber": "T"}, "content_type": MULTI},  # no file
    lambda: {"data": {"orderId": "1", "trackNumber": "T", "waybillFile": "text"}, "content_type": MULTI},
    lambda: {"data": {"trackNumber": "T", "waybillFile": (io.BytesIO(b"x"), "a.pdf")}, "content_type": MULTI},
])
def test_bad_shapes_are_1600300(shop: Shop, make: Callable[[], dict[str, Any]]) -> None:
    assert shop.call("POST", "shopping/order/uploadWaybillInfo", **make())["code"] == 1600300


def test_json_routes_still_refuse_form_bodies(shop: Shop) -> None:
    answer = shop.call("POST", "shopping/order/createOrderV2", data={"orderNumber": "x"},
                       content_type="multipart/form-data")
    assert answer["code"] == 1600300 and "form-data" in shop.sim.journal()[-1]["detail"]


def test_full_waybill_flow_through_the_live_server(shop: Shop) -> None:
    order_id = shop.created(shop.demo_vid())
    with live(shop) as cj:
        cj.sim.clock.advance(1)
        answer = cj.session.post(cj.server.url("shopping/order/uploadWaybillInfo"),
                                 headers={"CJ-Access-Token": shop.token},
                                 data={"orderId": order_id, "trackNumber": "LIVE1"},
                                 files={"waybillFile": ("label.pdf", b"%PDF", "application/pdf")},
                                 timeout=10).json()
        assert answer["code"] == 200 and answer["data"]["fileName"] == "label.pdf"
