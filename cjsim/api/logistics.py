"""logistic/freightCalculate, freightCalculateTip, unavailableShippingMethods, partnerFreightCalculate,
getSupplierLogisticsTemplate, trackInfo (+ the deprecated getTrackInfo) (docs/endpoints.md,
"logistics"; docs/interfaces.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cjsim.api.orders import MAX_MONEY
from cjsim.call import Call
from cjsim.domain import freight
from cjsim.domain import logistics as lg
from cjsim.params import Field
from cjsim.routes import Route, route
from cjsim.shapes import BOOL, INT, NUM, STR, arr, maybe, obj

QUOTES = arr(obj({"logisticName": STR, "logisticPrice": NUM, "logisticPriceCn": NUM,
                  "logisticAging": STR, "taxesFee": NUM, "clearanceOperationFee": NUM,
                  "totalPostageFee": NUM}))
TRACKS = arr(obj({"trackingNumber": STR, "logisticName": STR, "trackingFrom": STR,
                  "trackingTo": STR, "deliveryDay": STR, "deliveryTime": STR,
                  "trackingStatus": STR, "lastMileCarrier": maybe(STR),
                  "lastTrackNumber": maybe(STR)}))  # null until the last mile


def freight_calculate(call: Call) -> list[dict[str, Any]]:
    """Every line of the route for the parcel's weight; unknown vid 1602000, offline 1602001.

    The weight is what order creation will charge for (Σ variantWeight × quantity), so a
    quote and the order's postageAmount always agree."""
    p = call.params
    cat = call.sim.domain.catalogue_with(call.read)
    weight = sum(cat.variant(item["vid"]).weight * item["quantity"] for item in p["products"])
    return lg.freight_quote(p["startCountryCode"].upper(), p["endCountryCode"].upper(), weight,
                            call.sim.domain.options.cny_rate)


def track_info(call: Call) -> list[dict[str, Any]]:
    """The caller's parcels in request order; unknown or not yet shipped numbers are left out."""
    return call.sim.domain.orders.tracked(call.open_id, call.params["trackNumber"], call.now_us)


def freight_tip(call: Call) -> list[dict[str, Any]]:
    options = call.sim.domain.options
    return freight.tip(call.sim.domain.catalogue, call.params["reqDTOS"], call.now_us,
                       cny_rate=options.cny_rate, ship_delay_s=options.ship_delay_s)


def unavailable_methods(call: Call) -> dict[str, Any]:
    options = call.sim.domain.options
    return freight.unavailable(call.sim.domain.catalogue, call.params["reqDTOS"], call.now_us,
                               cny_rate=options.cny_rate, ship_delay_s=options.ship_delay_s)


def partner_freight(call: Call) -> list[dict[str, Any]]:
    options = call.sim.domain.options
    return freight.partner(call.sim.domain.catalogue, call.params, call.now_us,
                           cny_rate=options.cny_rate, ship_delay_s=options.ship_delay_s)


def supplier_templates(call: Call) -> list[dict[str, Any]]:
    return freight.supplier_templates(call.sim.domain.catalogue, call.params["skuList"])


_TRACK = Field("trackNumber", "list", required=True, min_len=1)
_ESTIMATE = obj({"minDays": INT, "maxDays": INT, "earliestDate": STR, "latestDate": STR})
TIP = arr(obj({"reqIndex": INT, "srcAreaCode": STR, "destAreaCode": STR, "logisticName": STR,
               "optionName": STR, "weight": INT, "volume": maybe(NUM), "postage": NUM,
               "postageCNY": NUM, "totalPostage": NUM, "currency": STR, "arrivalTime": STR,
               "arrivalEstimate": _ESTIMATE}))
UNAVAILABLE = obj({"availableList": TIP, "unavailableList": arr(obj({
    "reqIndex": INT, "srcAreaCode": STR, "destAreaCode": STR, "logisticName": STR,
    "optionName": STR, "reason": STR}))})
PARTNER = arr(obj({"logisticName": STR, "logisticPrice": NUM, "logisticPriceCn": NUM,
                   "logisticAging": STR, "taxesFee": NUM, "clearanceOperationFee": NUM,
                   "totalPostageFee": NUM, "orderNumber": STR, "weight": INT,
                   "arrivalEstimate": _ESTIMATE}))
TEMPLATES = arr(obj({"productSku": STR, "pid": STR, "supplierSelfShipment": BOOL,
                     "logisticsTemplates": arr(obj({
                         "templateId": STR, "templateName": STR, "startCountryCode": STR,
                         "logistics": arr(obj({"logisticName": STR, "logisticAging": STR,
                                               "firstWeightPrice": NUM}))}))}))
_MAX_G = 1_000_000_000
_TIP_SKU = (Field("vid", "str", max_len=100), Field("sku", "str", max_len=100),
            Field("productCode", "str", max_len=100),
            Field("skuQuantity", "int", min=1, max=1_000_000),
            Field("skuWeight", "decimal", min=Decimal(0)), Field("skuVolume", "decimal", min=Decimal(0)),
            Field("productPropList", "list"), Field("productTypeList", "list"))
_TIP_REQ = (
    Field("srcAreaCode", "country", required=True), Field("destAreaCode", "country", required=True),
    Field("weight", "int", required=True, min=0, max=_MAX_G),
    Field("wrapWeight", "int", min=0, max=_MAX_G),
    Field("volume", "decimal", min=Decimal(0)), Field("volumeWeight", "decimal", min=Decimal(0)),
    Field("skuList", "list", max_len=200), Field("productProp", "str", max_len=100),
    Field("productTypes", "list"), Field("platforms", "list"), Field("storageIdList", "list"),
    Field("totalGoodsAmount", "decimal", min=Decimal(0), max=MAX_MONEY),
    Field("amount", "decimal", min=Decimal(0), max=MAX_MONEY),
    *(Field(name, "str", max_len=200) for name in (
        "customerCode", "zip", "houseNumber", "iossNumber", "recipientAddress", "city",
        "recipientName", "town", "phone", "station", "dutyNo", "email", "province",
        "recipientAddress1", "recipientAddress2", "uid", "recipientId", "optionName", "orderType")),
    Field("freightTrialSkuList", "objects", max_len=200, items=_TIP_SKU),
)

ROWS: list[Route] = [
    route("logistic/freightCalculate", "POST", freight_calculate,
          Field("startCountryCode", "country", required=True),
          Field("endCountryCode", "country", required=True),
          Field("products", "objects", required=True, min_len=1, max_len=200, items=(
              Field("vid", "str", required=True),
              Field("quantity", "int", required=True, min=1, max=1_000_000),
          )),
          Field("zip", "str"), Field("taxId", "str"), Field("houseNumber", "str"),
          Field("iossNumber", "str"),
          data=QUOTES, errors=(1602000, 1602001, 1605000),
          family="logistics", summary="Shipping lines and prices of a route, cheapest first."),
    route("logistic/freightCalculateTip", "POST", freight_tip,
          Field("reqDTOS", "objects", required=True, min_len=1, max_len=20, items=_TIP_REQ),
          data=TIP, errors=(1602000, 1602001),
          family="logistics", summary="Lines, prices and delivery windows of one or more routes."),
    route("logistic/unavailableShippingMethods", "POST", unavailable_methods,
          Field("reqDTOS", "objects", required=True, min_len=1, max_len=20, items=_TIP_REQ),
          data=UNAVAILABLE, errors=(1602000, 1602001), family="logistics",
          summary="freightCalculateTip's body: the lines that ship, and the others with why not."),
    route("logistic/partnerFreightCalculate", "POST", partner_freight,
          Field("orderNumber", "str", required=True, max_len=40),
          Field("shippingCountryCode", "country", required=True),
          *(Field(name, "str", required=True, max_len=200) for name in (
              "shippingCountry", "shippingProvince", "shippingCity", "shippingZip")),
          *(Field(name, "str", max_len=200) for name in (
              "shippingAddress", "shippingCustomerName", "shippingPhone", "logisticName",
              "email", "consigneeID")),
          Field("houseNumber", "str", max_len=20), Field("remark", "str", max_len=500),
          Field("fromCountryCode", "country", required=True),
          Field("iossType", "int", choices=(1, 2, 3)), Field("iossNumber", "str", max_len=20),
          Field("products", "objects", required=True, min_len=1, max_len=200, items=(
              Field("vid", "str", required=True),
              Field("quantity", "int", required=True, min=1, max=1_000_000))),
          data=PARTNER, errors=(1602000, 1602001, 1605000),
          family="logistics", summary="The freight of an order-to-be, per line or for logisticName."),
    route("logistic/getSupplierLogisticsTemplate", "POST", supplier_templates,
          Field("skuList", "list", required=True, min_len=1, max_len=200),
          data=TEMPLATES, errors=(1602001,),
          family="logistics", summary="Supplier self-shipment templates of products (by SPU)."),
    route("logistic/trackInfo", "GET", track_info, _TRACK, data=TRACKS, family="logistics",
          summary="Tracking of shipped parcels (repeat trackNumber for a batch)."),
    route("logistic/getTrackInfo", "GET", track_info, _TRACK, data=TRACKS, family="logistics",
          deprecated=True, summary="Deprecated name of logistic/trackInfo."),
]
