"""logistic/freightCalculate and trackInfo (+ the deprecated getTrackInfo) (docs/endpoints.md, "logistics")."""

from __future__ import annotations

from typing import Any

from cjsim.call import Call
from cjsim.domain import logistics as lg
from cjsim.params import Field
from cjsim.routes import Route, route
from cjsim.shapes import NUM, STR, arr, maybe, obj

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


_TRACK = Field("trackNumber", "list", required=True, min_len=1)

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
    route("logistic/trackInfo", "GET", track_info, _TRACK, data=TRACKS, family="logistics",
          summary="Tracking of shipped parcels (repeat trackNumber for a batch)."),
    route("logistic/getTrackInfo", "GET", track_info, _TRACK, data=TRACKS, family="logistics",
          deprecated=True, summary="Deprecated name of logistic/trackInfo."),
]
