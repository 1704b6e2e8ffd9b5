"""What an order looks like from outside: its status at an instant, the order objects of
docs/endpoints.md ("orders"), and the ORDER / LOGISTIC webhook params (docs/rules.md, "Webhooks").

Why "at an instant": a stored order only records what people did (created, confirmed, paid,
cancelled) and when it leaves the warehouse and arrives (``shipAtUs``, ``deliverAtUs``,
fixed at payment). SHIPPED and DELIVERED are read off the clock, so an order is right at
any time without anything having run in between.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from cjsim.domain import logistics as lg
from cjsim.money import money
from cjsim.store import Doc

CREATED, IN_CART, UNPAID = "CREATED", "IN_CART", "UNPAID"
UNSHIPPED, SHIPPED, DELIVERED, CANCELLED = "UNSHIPPED", "SHIPPED", "DELIVERED", "CANCELLED"
STATUSES = (CREATED, IN_CART, UNPAID, UNSHIPPED, SHIPPED, DELIVERED, CANCELLED)
LIST_FILTERS = (*STATUSES, "OTHER")  # OTHER matches nothing in the simulator (docs/rules.md, "Order lifecycle")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def orders_ns(open_id: int | str) -> str:
    """Orders live per account, so another account's order id is simply not found (1603100)."""
    return f"orders:{open_id}"


def utc_text(us: int | None) -> str | None:
    """``yyyy-MM-dd HH:mm:ss`` in UTC: the order dates of docs/rules.md, "Formats"."""
    if us is None:
        return None
    return f"{_EPOCH + timedelta(microseconds=us):%Y-%m-%d %H:%M:%S}"


def status_at(doc: Doc, now_us: int) -> str:
    """The order's status at ``now_us``: stored, or SHIPPED/DELIVERED once the clock passed."""
    status: str = doc["status"]
    if status == UNSHIPPED and doc.get("shipAtUs") is not None and now_us >= doc["shipAtUs"]:
        done = doc.get("deliverAtUs")
        return DELIVERED if done is not None and now_us >= done else SHIPPED
    return status


def shipped(doc: Doc, now_us: int) -> bool:
    return status_at(doc, now_us) in (SHIPPED, DELIVERED)


def steps_of(doc: Doc) -> tuple[lg.Step, ...]:
    """The tracking run fixed at payment (so later option changes do not rewrite history)."""
    return tuple(lg.Step(code, delay) for code, delay in doc.get("steps") or ())


def _amount(doc: Doc, name: str) -> Decimal:
    return money(doc[name])


def _tracking(doc: Doc, now_us: int) -> tuple[str | None, str | None]:
    if not shipped(doc, now_us):
        return None, None
    number = doc["trackNumber"]
    return number, lg.tracking_url(number)


def cj_order_code(doc: Doc) -> str | None:
    """CJ's own order code: given when CJ takes the order (confirmed or paid), else null."""
    return f"CJ{doc['cjOrderId']}" if doc.get("cjOrderId") else None


def _cj_fields(doc: Doc) -> dict[str, Any]:
    """cjOrderCode, and the two fields the simulator never sets: productionOrderStatus (it has
    no production (POD) orders) and abnormalType (no order becomes abnormal)."""
    return {"cjOrderCode": cj_order_code(doc), "productionOrderStatus": None, "abnormalType": None}


def _items(doc: Doc) -> list[dict[str, Any]]:
    return [{"lineItemId": line["lineItemId"], "storeLineItemId": line.get("storeLineItemId"),
             "vid": line["vid"], "quantity": line["quantity"], "sellPrice": money(line["sellPrice"])}
            for line in doc["lines"]]


def list_item(doc: Doc, now_us: int) -> dict[str, Any]:
    """An order in shopping/order/list (docs/endpoints.md, shopping/order/list, key order)."""
    ship = doc["shipping"]
    number, url = _tracking(doc, now_us)
    return {
        "orderId": doc["orderId"], "orderNum": doc["orderNumber"], "cjOrderId": doc["cjOrderId"],
        "shippingCountryCode": ship["countryCode"], "shippingProvince": ship["province"],
        "shippingCity": ship["city"], "shippingAddress": ship["address"],
        "shippingCustomerName": ship["customerName"], "shippingPhone": ship.get("phone"),
        "remark": doc.get("remark"), "logisticName": doc["logisticName"],
        "storageId": doc.get("storageId"), "storageName": doc.get("storageName"),
        "trackNumber": number, "trackingUrl": url, "orderWeight": doc["weight"],
        "orderAmount": _amount(doc, "orderAmount"), "productAmount": _amount(doc, "productAmount"),
        "postageAmount": _amount(doc, "postageAmount"), "orderStatus": status_at(doc, now_us),
        "createDate": utc_text(doc["createdUs"]), "paymentDate": utc_text(doc.get("paidUs")),
        "storeCreateDate": None, **_cj_fields(doc),
        "productList": [{"vid": line["vid"], "quantity": line["quantity"],
                         "sellPrice": money(line["sellPrice"])} for line in doc["lines"]],
    }


def detail(doc: Doc, now_us: int, features: Sequence[str] = ()) -> dict[str, Any]:
    """getOrderDetail (docs/endpoints.md, getOrderDetail, key order); LOGISTICS_TIMELINESS adds the route's lines."""
    ship = doc["shipping"]
    number, url = _tracking(doc, now_us)
    out: dict[str, Any] = {
        "orderId": doc["orderId"], "orderNum": doc["orderNumber"], "platformOrderId": None,
        "cjOrderId": doc["cjOrderId"], "fromCountryCode": doc["fromCountryCode"],
        "storageId": doc.get("storageId"), "storageName": doc.get("storageName"),
        "shippingCountryCode": ship["countryCode"], "shippingProvince": ship["province"],
        "shippingCity": ship["city"], "shippingAddress": ship["address"],
        "shippingCustomerName": ship["customerName"], "shippingPhone": ship.get("phone"),
        "remark": doc.get("remark"), "logisticName": doc["logisticName"],
        "trackNumber": number, "trackingUrl": url, "disputeId": None,
        "orderWeight": doc["weight"], "orderAmount": _amount(doc, "orderAmount"),
        "productAmount": _amount(doc, "productAmount"),
        "postageAmount": _amount(doc, "postageAmount"), "orderStatus": status_at(doc, now_us),
        "createDate": utc_text(doc["createdUs"]), "paymentDate": utc_text(doc.get("paidUs")),
        "outWarehouseTime": utc_text(doc["shipAtUs"]) if number else None,
        "storeCreateDate": None, "isComplete": 1, **_cj_fields(doc),
        "productList": [{"vid": line["vid"], "quantity": line["quantity"],
                         "sellPrice": money(line["sellPrice"]), "lineItemId": line["lineItemId"],
                         "storeLineItemId": line.get("storeLineItemId"), "podPropertiesInfo": None}
                        for line in doc["lines"]],
    }
    if any(f.upper() == "LOGISTICS_TIMELINESS" for f in features):
        out["logisticsTimeliness"] = lg.timeliness(doc["fromCountryCode"], ship["countryCode"])
    return out


def track_info(doc: Doc, now_us: int) -> dict[str, Any]:
    """One trackInfo item (docs/endpoints.md, "logistics") of a shipped order."""
    return lg.track_info(doc["trackNumber"], doc["logisticName"], doc["fromCountryCode"],
                         doc["shipping"]["countryCode"], doc["shipAtUs"], now_us, steps_of(doc))


# -- webhook params (docs/rules.md, "Webhooks") ------------------------------------------------------------


def order_params(doc: Doc, at_us: int) -> dict[str, Any]:
    """ORDER params as of ``at_us``. ``cjOrderId`` is the CJ order id from the start (a
    receiver needs an id before confirmation too); ``updateDate`` is the event's instant."""
    status = status_at(doc, at_us)
    number, url = _tracking(doc, at_us)
    return {
        "cjOrderId": doc["orderId"], "orderNum": doc["orderNumber"],
        "orderNumber": doc["orderNumber"], "orderStatus": status,
        "logisticName": doc["logisticName"], "trackNumber": number, "trackingUrl": url,
        "createDate": utc_text(doc["createdUs"]), "updateDate": utc_text(at_us),
        "payDate": utc_text(doc.get("paidUs")),
        "deliveryDate": utc_text(doc["shipAtUs"]) if number else None,
        "completeDate": utc_text(doc.get("deliverAtUs")) if status == DELIVERED else None,
        "orderItems": _items(doc),
    }


def logistic_params(doc: Doc, at_us: int) -> dict[str, Any]:
    """LOGISTIC params as of ``at_us``: every tracking event so far, as a JSON string."""
    ship_at, to = doc["shipAtUs"], doc["shipping"]["countryCode"]
    steps = steps_of(doc)
    events = lg.tracking_events(ship_at, at_us, steps, doc["fromCountryCode"], to,
                                doc["shipping"]["city"])
    number = doc["trackNumber"]
    return {
        "orderId": doc["orderId"], "logisticName": doc["logisticName"],
        "trackingNumber": number, "trackingUrl": lg.tracking_url(number),
        "trackingStatus": lg.current_status(ship_at, at_us, steps, doc["fromCountryCode"], to),
        "logisticsTrackEvents": json.dumps(events, ensure_ascii=False, separators=(",", ":")),
    }
