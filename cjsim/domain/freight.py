"""The newer freight interfaces: freightCalculateTip (with delivery-time estimates),
partnerFreightCalculate and getSupplierLogisticsTemplate (docs/interfaces.md, "Logistics").

Pure functions over the catalogue and the route table of ``logistics.py``: nothing is stored.
Prices are the ones freightCalculate and order creation use, so every quote agrees with what an
order on that line would cost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cjsim.clock import US, to_datetime
from cjsim.domain import logistics as lg
from cjsim.errors import illegal
from cjsim.money import money

if TYPE_CHECKING:
    from cjsim.domain.catalogue import Catalogue


def _days(aging: str) -> tuple[int, int]:
    low, _, high = aging.partition("-")
    return int(low), int(high or low)


def arrival(aging: str, now_us: int, ship_delay_s: int) -> dict[str, Any]:
    """The delivery window of a parcel ordered and paid now: it leaves after ``ship_delay_s``
    and arrives within the line's aging (China dates, as CJ's pages show them)."""
    low, high = _days(aging)
    leaves = to_datetime(now_us + ship_delay_s * US)
    return {"minDays": low, "maxDays": high,
            "earliestDate": f"{leaves + timedelta(days=low):%Y-%m-%d}",
            "latestDate": f"{leaves + timedelta(days=high):%Y-%m-%d}"}


def _sku_weight(cat: Catalogue, items: Sequence[Mapping[str, Any]], index: int) -> int | None:
    """Σ variant weight × quantity of a freightTrialSkuList (None when it names nothing)."""
    total, named = 0, False
    for j, item in enumerate(items):
        vid, sku = item.get("vid"), item.get("sku")
        if not vid and not sku:
            continue
        named = True
        variant = cat.variant(vid) if vid else cat.variant_by_sku(str(sku))
        quantity = item.get("skuQuantity") or 1
        if quantity < 1:
            raise illegal(f"reqDTOS[{index}].freightTrialSkuList[{j}].skuQuantity must be at least 1")
        total += variant.weight * quantity
    return total if named else None


def tip(cat: Catalogue, requests: Sequence[Mapping[str, Any]], now_us: int, *,
        cny_rate: Decimal, ship_delay_s: int) -> list[dict[str, Any]]:
    """Every line of every requested route, cheapest first within a request; each with its price
    and its delivery window. The weight is the SKUs' (when named) or ``weight``, plus
    ``wrapWeight``; the volume is echoed."""
    rows: list[dict[str, Any]] = []
    for index, req in enumerate(requests):
        start, end = req["srcAreaCode"].upper(), req["destAreaCode"].upper()
        if not lg.known_country(end):
            raise illegal(f"reqDTOS[{index}].destAreaCode {end} is not a known country")
        by_skus = _sku_weight(cat, req.get("freightTrialSkuList") or (), index)
        weight = (by_skus if by_skus is not None else req["weight"]) + (req.get("wrapWeight") or 0)
        for quote in lg.freight_quote(start, end, weight, cny_rate):
            rows.append({
                "reqIndex": index, "srcAreaCode": start, "destAreaCode": end,
                "logisticName": quote["logisticName"], "optionName": quote["logisticName"],
                "weight": weight, "volume": req.get("volume"),
                "postage": quote["logisticPrice"], "postageCNY": quote["logisticPriceCn"],
                "totalPostage": quote["totalPostageFee"], "currency": "USD",
                "arrivalTime": quote["logisticAging"],
                "arrivalEstimate": arrival(quote["logisticAging"], now_us, ship_delay_s),
            })
    return rows


def line_names() -> list[str]:
    """Every shipping line the route table knows, in table order."""
    table = lg.DEFAULT_ROUTES
    return list(dict.fromkeys(r.line.name for a, b in table.pairs() for r in table.routes(a, b)))


def unavailable(cat: Catalogue, requests: Sequence[Mapping[str, Any]], now_us: int, *,
                cny_rate: Decimal, ship_delay_s: int) -> dict[str, Any]:
    """unavailableShippingMethods: freightCalculateTip's rows as ``availableList``, and every
    other line the simulator knows as ``unavailableList`` with the reason (the one reason a
    line is missing here: it does not run that route)."""
    available = tip(cat, requests, now_us, cny_rate=cny_rate, ship_delay_s=ship_delay_s)
    names, missing = line_names(), []
    for index, req in enumerate(requests):
        start, end = req["srcAreaCode"].upper(), req["destAreaCode"].upper()
        offered = {r.line.name for r in lg.DEFAULT_ROUTES.routes(start, end)}
        missing += [{"reqIndex": index, "srcAreaCode": start, "destAreaCode": end,
                     "logisticName": name, "optionName": name,
                     "reason": f"{name} does not ship from {start} to {end}"}
                    for name in names if name not in offered]
    return {"availableList": available, "unavailableList": missing}


def partner(cat: Catalogue, p: Mapping[str, Any], now_us: int, *, cny_rate: Decimal,
            ship_delay_s: int) -> list[dict[str, Any]]:
    """The freight of an order-to-be (its address and lines): every line of the route, or only
    ``logisticName`` (1605000 when the route has no such line)."""
    start = p["fromCountryCode"].upper()
    end = p["shippingCountryCode"].upper()
    if not lg.known_country(end):
        raise illegal(f"shippingCountryCode {end} is not a known country")
    weight = sum(cat.variant(item["vid"]).weight * item["quantity"] for item in p["products"])
    quotes = lg.freight_quote(start, end, weight, cny_rate)
    name = p.get("logisticName")
    if name:
        lg.line_price(start, end, name, weight)  # 1605000 when not offered
        quotes = [q for q in quotes if q["logisticName"] == name]
    return [{**q, "orderNumber": p["orderNumber"], "weight": weight,
             "arrivalEstimate": arrival(q["logisticAging"], now_us, ship_delay_s)} for q in quotes]


def supplier_templates(cat: Catalogue, skus: Sequence[str]) -> list[dict[str, Any]]:
    """Per product SKU (SPU): whether its supplier ships it and the lines of that template.
    Only SUPPLIER_PRODUCT products have one; CJ's own products answer an empty list."""
    out = []
    for sku in dict.fromkeys(s.strip() for s in skus):
        if not sku:
            raise illegal("skuList holds an empty SKU")
        product = cat.product_by_sku(sku)
        own = product.product_type == "SUPPLIER_PRODUCT"
        countries = sorted({s.country for v in product.variants for s in v.stock}) if own else []
        templates = [{
            "templateId": f"TPL-{product.pid[:8]}-{country}", "templateName": f"{country} self-shipment",
            "startCountryCode": country,
            "logistics": [{"logisticName": r.line.name, "logisticAging": r.line.aging,
                           "firstWeightPrice": money(r.line.price(100, r.zone))}
                          for r in lg.DEFAULT_ROUTES.routes(country, "US")],
        } for country in countries]
        out.append({"productSku": product.sku, "pid": product.pid,
                    "supplierSelfShipment": own, "logisticsTemplates": templates})
    return out
