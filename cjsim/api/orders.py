"""shopping/order/*: create (V2, deprecated V1), list, detail, delete, confirm, cart, parent
order (docs/endpoints.md, "orders"). The lifecycle itself is ``cjsim/domain/orders.py``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cjsim.api.products import P1
from cjsim.call import Call
from cjsim.domain import order_views as views
from cjsim.domain.orders import create_answer
from cjsim.errors import CJError, illegal
from cjsim.money import money
from cjsim.params import INT32_MAX, INT32_MIN, Field
from cjsim.routes import Route, route
from cjsim.shapes import BOOL, INT, NUM, STR, arr, maybe, obj

_MONEY = ("postageAmount", "productAmount", "productOriginalAmount", "productDiscountAmount",
          "postageDiscountAmount", "postageOriginalAmount", "totalDiscountAmount", "actualPayment",
          "orderOriginalAmount")
CREATED = obj({
    "orderId": STR, "orderNumber": STR, "shipmentOrderId": maybe(STR), "iossAmount": NUM,
    "iossTaxHandlingFee": NUM, **dict.fromkeys(_MONEY, NUM), "cjPayUrl": STR, "orderAmount": NUM,
    "logisticsMiss": BOOL, "orderStatus": STR,
    "productInfoList": arr(obj({"storeLineItemId": maybe(STR), "lineItemId": STR, "variantId": STR,
                                "quantity": INT, "isGroup": BOOL, "subOrderProducts": arr(STR)})),
    "interceptOrderReasons": arr(STR), "storageId": maybe(STR), "storageName": maybe(STR)})
_ORDER = {
    "orderId": STR, "orderNum": STR, "cjOrderId": maybe(STR), "shippingCountryCode": STR,
    "shippingProvince": STR, "shippingCity": STR, "shippingAddress": STR,
    "shippingCustomerName": STR, "shippingPhone": maybe(STR), "remark": maybe(STR),
    "logisticName": STR, "storageId": maybe(STR), "storageName": maybe(STR),
    "trackNumber": maybe(STR), "trackingUrl": maybe(STR), "orderWeight": INT,
    "orderAmount": NUM, "productAmount": NUM, "postageAmount": NUM, "orderStatus": STR,
    "createDate": STR, "paymentDate": maybe(STR), "storeCreateDate": maybe(STR),
    "cjOrderCode": maybe(STR), "productionOrderStatus": maybe(INT), "abnormalType": maybe(STR)}
_LINE = {"vid": STR, "quantity": INT, "sellPrice": NUM}
ORDER_PAGE = obj({"pageNum": INT, "pageSize": INT, "total": INT,
                  "list": arr(obj({**_ORDER, "productList": arr(obj(_LINE))}))})
ORDER_DETAIL = obj({
    **_ORDER, "platformOrderId": maybe(STR), "fromCountryCode": STR, "disputeId": maybe(STR),
    "outWarehouseTime": maybe(STR), "isComplete": INT,
    "productList": arr(obj({**_LINE, "lineItemId": STR, "storeLineItemId": maybe(STR),
                            "podPropertiesInfo": maybe(STR)}))},
    {"logisticsTimeliness": obj({"logisticsModes": arr(obj({"logisticsName": STR,
                                                            "arrivalTime": STR}))})})
CART = obj({"successCount": INT, "addSuccessOrders": arr(STR), "unInterceptAddressCount": INT,
            "interceptOrders": arr(STR)})
CART_CONFIRM = obj({"successCount": INT, "submitSuccess": BOOL, "shipmentsId": maybe(STR),
                    "result": INT, "interceptOrders": arr(STR)})
_PAYMENT = obj({
    **dict.fromkeys(("actualPayment", "balanceDeduction", "billAmount"), NUM), "canDeduct": BOOL,
    **dict.fromkeys(("commodityDiscount", "commodityTotalAmount", "couponAmount", "freight",
                     "iossAmount"), NUM),
    "iossNumber": maybe(STR),
    **dict.fromkeys(("iossTaxHandlingFee", "iossTaxes"), NUM), "iossType": maybe(INT),
    **dict.fromkeys(("orderOriginalAmount", "orderProductAmount", "payableAmount",
                     "postageDiscount", "serviceFee"), NUM)})
PARENT_ORDER = obj({"orderMoney": NUM, "payExpireTime": STR, "payId": STR, "result": INT,
                    "submitSuccess": BOOL, "unMatchOrderCodes": arr(STR), "successOrders": arr(STR),
                    "unMatchProductCodes": arr(STR), "paymentInformation": _PAYMENT,
                    "interceptOrders": arr(STR)})


def create_order_v2(call: Call) -> dict[str, Any]:
    doc = call.sim.domain.orders.create(call.open_id, call.params, call.now_us, version=2)
    return create_answer(doc)


def create_order_v3(call: Call) -> dict[str, Any]:
    """V3 takes V2's body and answers V2's shape (docs/interfaces.md, "Orders")."""
    doc = call.sim.domain.orders.create(call.open_id, call.params, call.now_us, version=3)
    return create_answer(doc)


def create_order_v1(call: Call) -> str:
    doc = call.sim.domain.orders.create(call.open_id, call.params, call.now_us, version=1)
    return str(doc["orderId"])


def order_list(call: Call) -> dict[str, Any]:
    return call.sim.domain.orders.page(call.open_id, call.now_us, **call.params)


def order_detail(call: Call) -> dict[str, Any]:
    doc = call.sim.domain.orders.find(call.open_id, call.params["orderId"])
    return views.detail(doc, call.now_us, call.params.get("features", ()))


def order_detail_batch(call: Call) -> list[dict[str, Any]]:
    """getOrderDetailBatch: getOrderDetail of each id (CJ order id or orderNumber), in request
    order; an id that is no order of the caller's is left out (docs/interfaces.md, "Orders")."""
    orders = call.sim.domain.orders
    found: dict[str, dict[str, Any]] = {}
    for ref in call.params["orderIds"]:
        try:
            doc = orders.find(call.open_id, ref)
        except CJError:
            continue
        found.setdefault(doc["orderId"], doc)  # an order named twice is answered once
    features = call.params.get("features", ())
    return [views.detail(doc, call.now_us, features) for doc in found.values()]


def delete_order(call: Call) -> str:
    return call.sim.domain.orders.delete(call.open_id, call.params["orderId"], call.now_us)


def confirm_order(call: Call) -> str:
    return call.sim.domain.orders.confirm(call.open_id, call.params["orderId"], call.now_us)


def add_cart(call: Call) -> dict[str, Any]:
    return call.sim.domain.orders.add_cart(call.open_id, call.params["cjOrderIdList"], call.now_us)


def add_cart_confirm(call: Call) -> dict[str, Any]:
    return call.sim.domain.orders.add_cart_confirm(call.open_id, call.params["cjOrderIdList"],
                                                   call.now_us)


def save_parent_order(call: Call) -> dict[str, Any]:
    return call.sim.domain.orders.parent_order(call.open_id, call.params["shipmentOrderId"],
                                               call.now_us)


def change_warehouse(call: Call) -> dict[str, Any]:
    """changeWarehouse: ``orderCode`` (CJ's clients; ``orderId`` accepted too) and the new
    ``storageId`` (docs/interfaces.md, "Orders")."""
    p = call.params
    ref = p.get("orderCode") or p.get("orderId")
    if not ref or not ref.strip():
        raise illegal("orderCode is required (the CJ order id or code)", reason="missing-param",
                      param="orderCode")
    doc = call.sim.domain.orders.change_warehouse(call.open_id, ref, call.now_us,
                                                  storage_id=p["storageId"])
    return {"orderId": doc["orderId"], "orderCode": views.cj_order_code(doc),
            "fromCountryCode": doc["fromCountryCode"], "storageId": doc["storageId"],
            "storageName": doc["storageName"], "postageAmount": money(doc["postageAmount"]),
            "orderAmount": money(doc["orderAmount"])}


CHANGED_WAREHOUSE = obj({"orderId": STR, "orderCode": maybe(STR), "fromCountryCode": STR,
                         "storageId": STR, "storageName": STR, "postageAmount": NUM,
                         "orderAmount": NUM})


def upload_waybill(call: Call) -> dict[str, Any]:
    return _waybill(call, update=False)


def update_waybill(call: Call) -> dict[str, Any]:
    return _waybill(call, update=True)


def _waybill(call: Call, update: bool) -> dict[str, Any]:
    p = call.params
    return call.sim.domain.orders.waybill(
        call.open_id, p["orderId"], call.now_us, track_number=p.get("trackNumber"),
        logistics_name=p.get("logisticsName"), waybill_file=p.get("waybillFile"), update=update)


WAYBILL = obj({"orderId": STR, "trackNumber": maybe(STR), "logisticsName": maybe(STR),
               "fileName": maybe(STR), "updateDate": STR})
MAX_WAYBILL_BYTES = 10 * 1024 * 1024


def _address(v1: bool) -> tuple[Field, ...]:
    """The shared body fields; V1 also requires shippingZip and shippingPhone (docs/endpoints.md, createOrder)."""
    return (
        Field("orderNumber", "str", required=True, max_len=50),
        Field("shippingCountryCode", "country", required=True),
        Field("shippingCountry", "str", required=True, max_len=50),
        Field("shippingProvince", "str", required=True, max_len=50),
        Field("shippingCity", "str", required=True, max_len=50),
        Field("shippingCounty", "str", max_len=50),
        Field("shippingAddress", "str", required=True, max_len=200),
        Field("shippingAddress2", "str", max_len=200),
        Field("shippingCustomerName", "str", required=True, max_len=50),
        Field("shippingZip", "str", required=v1, max_len=20),
        Field("shippingPhone", "str", required=v1, max_len=20),
        Field("houseNumber", "str", max_len=20), Field("taxId", "str", max_len=20),
        Field("consigneeID", "str", max_len=20), Field("email", "str", max_len=50),
        Field("remark", "str", max_len=500),
        Field("logisticName", "str", required=True, max_len=50),
        Field("fromCountryCode", "country", required=True),
        Field("storageId", "str", max_len=200),
    )


# Money a client may send is stored, so it must fit CJ's BigDecimal(18,2): bounded here (1600300)
MAX_MONEY = Decimal("9999999999999999.99")

# a Java int; within it, below 1 or above any stock is the order's own 1603000
_QUANTITY = Field("quantity", "int", required=True, min=INT32_MIN, max=INT32_MAX)
_V2_LINES = Field("products", "objects", required=True, min_len=1, max_len=200, items=(
    Field("vid", "str"), Field("sku", "str"), _QUANTITY,
    Field("unitPrice", "decimal", min=Decimal(0), max=MAX_MONEY), Field("storeLineItemId", "str", max_len=125),
))
_V1_LINES = Field("products", "objects", required=True, min_len=1, max_len=200, items=(
    Field("vid", "str", required=True), _QUANTITY,
))
_IDS = Field("cjOrderIdList", "list", required=True, min_len=1, max_len=200)
ORDER_ID = Field("orderId", "str", required=True)

_V2_BODY = (*_address(False), Field("payType", "int", choices=(1, 2, 3)),
            Field("shopAmount", "decimal", min=Decimal(0), max=MAX_MONEY),
            Field("platform", "str"), Field("iossType", "int", choices=(1, 2, 3)),
            Field("iossNumber", "str"), _V2_LINES)

ROWS: list[Route] = [
    route("shopping/order/createOrderV2", "POST", create_order_v2, *_V2_BODY,
          data=CREATED, errors=(1602000, 1602001, 1603000, 1604000, 1605000),
          family="orders", summary="Create an order; payType 2 also pays it from the balance."),
    route("shopping/order/createOrderV3", "POST", create_order_v3, *_V2_BODY,
          data=CREATED, errors=(1602000, 1602001, 1603000, 1604000, 1605000),
          family="orders", summary="Create an order (V2's body and answer; payType 2 pays at once)."),
    route("shopping/order/uploadWaybillInfo", "POST", upload_waybill, ORDER_ID,
          Field("trackNumber", "str", required=True, max_len=100),
          Field("logisticsName", "str", max_len=200),
          Field("waybillFile", "file", required=True, max_len=MAX_WAYBILL_BYTES),
          body="multipart", data=WAYBILL, errors=(1603100,), family="orders",
          summary="Attach the platform's shipping label (multipart/form-data) to an unshipped order."),
    route("shopping/order/updateWaybillInfo", "POST", update_waybill, ORDER_ID,
          Field("trackNumber", "str", max_len=100), Field("logisticsName", "str", max_len=200),
          Field("waybillFile", "file", max_len=MAX_WAYBILL_BYTES),
          body="multipart", data=WAYBILL, errors=(1603100,), family="orders",
          summary="Replace parts of an order's waybill (multipart/form-data)."),
    route("shopping/order/createOrder", "POST", create_order_v1, *_address(True), _V1_LINES,
          data=STR, errors=(1602000, 1602001, 1603000, 1605000),
          family="orders", deprecated=True, summary="Deprecated V1 create; data is the order id."),
    route("shopping/order/list", "GET", order_list, *P1,
          Field("orderIds", "list", max_len=100), Field("shipmentOrderId", "str"),
          Field("status", "str", choices=views.LIST_FILTERS),
          data=ORDER_PAGE, family="orders", summary="The account's orders, newest first (P1 paging)."),
    route("shopping/order/getOrderDetail", "GET", order_detail, ORDER_ID,
          Field("features", "list", max_len=20),
          data=ORDER_DETAIL, errors=(1603100,),
          family="orders", summary="One order by CJ order id or the client's orderNumber."),
    route("shopping/order/getOrderDetailBatch", "POST", order_detail_batch,
          Field("orderIds", "list", required=True, min_len=1, max_len=100),
          Field("features", "list", max_len=20),
          data=arr(ORDER_DETAIL), family="orders",
          summary="getOrderDetail of up to 100 orders; ids of no order of the caller's are left out."),
    route("shopping/order/deleteOrder", "DELETE", delete_order, ORDER_ID,
          data=STR, errors=(1603002, 1603100),
          family="orders", summary="Cancel a CREATED or IN_CART order; its stock is released."),
    route("shopping/order/confirmOrder", "PATCH", confirm_order, ORDER_ID,
          data=STR, errors=(1603001, 1603100), family="orders", summary="CREATED -> UNPAID."),
    route("shopping/order/changeWarehouse", "POST", change_warehouse,
          Field("orderCode", "str", max_len=200), Field("orderId", "str", max_len=200),
          Field("storageId", "str", required=True, max_len=200),
          data=CHANGED_WAREHOUSE, errors=(1603000, 1603100, 1605000), family="orders",
          summary="Ship an order not paid yet from another storage (its reservation moves)."),
    route("shopping/order/addCart", "POST", add_cart, _IDS,
          data=CART, errors=(1603100,), family="orders", summary="CREATED orders -> IN_CART."),
    route("shopping/order/addCartConfirm", "POST", add_cart_confirm, _IDS,
          data=CART_CONFIRM, errors=(1603100,),
          family="orders", summary="IN_CART orders -> UNPAID, in one new shipment."),
    route("shopping/order/saveGenerateParentOrder", "POST", save_parent_order,
          Field("shipmentOrderId", "str", required=True),
          data=PARENT_ORDER, errors=(1603100,), family="orders", summary="The shipment's payId and amounts."),
]
