"""The webhook messages of a catalogue change: PRODUCT, VARIANT and STOCK (cj-api §8.4).

Why a module of its own: a change of the catalogue (control API, ``Simulator.change_product``,
a scenario timeline) is the one place where CJ would announce a product event. The messages
built here belong to no account yet; ``Domain.product_changed`` addresses a copy to each
subscriber of the product (``webhook/product/subscribe``: the pid or subscribeAll), and it
reaches that account only on a topic it enabled (``product`` for PRODUCT and VARIANT,
``stock`` for STOCK).

Params follow CJ's samples: ``null`` for what did not change, ``fields`` naming what did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cjsim.domain.webhooks import Message

if TYPE_CHECKING:
    from cjsim.domain.catalogue import Catalogue, Product, Reserved


def _product_params(p: Product, fields: list[str]) -> dict[str, Any]:
    return {
        "pid": p.pid, "productSku": p.sku, "productName": None, "productNameEn": None,
        "productDescription": None, "productImage": None, "categoryId": None,
        "categoryName": None, "productProperty1": None, "productProperty2": None,
        "productProperty3": None,
        "productSellPrice": p.sell_price if "productSellPrice" in fields else None,
        "productStatus": 3 if p.online else 2, "fields": fields,
    }


def change_messages(before: Catalogue, after: Catalogue, pid: str, change: Mapping[str, Any],
                    key: str, reserved: Reserved | None) -> list[Message]:
    """The messages ``change`` causes, ``key`` making their messageIds reproducible."""
    old, new = before.find_product(pid), after.find_product(pid)
    if old is None or new is None:
        return []
    out: list[Message] = []
    fields = []
    if new.online != old.online:
        fields.append("productStatus")
    if new.sell_price != old.sell_price or "sellPrice" in change:
        fields.append("productSellPrice")
    if fields:
        out.append(Message("PRODUCT", "UPDATE", _product_params(new, fields),
                           f"{key}:PRODUCT:{pid}"))
    old_variants = {v.vid: v for v in old.variants}
    old_on = {v.vid for v in old.variants} - before.removed_vids(pid)
    new_on = {v.vid for v in new.variants} - after.removed_vids(pid)
    all_variants = {**old_variants, **{v.vid: v for v in new.variants}}
    stock: dict[str, list[dict[str, Any]]] = {}
    for vid, v in all_variants.items():
        mine = change.get("variants", {}).get(vid.upper(), {})
        vfields = []
        if (vid in old_on) != (vid in new_on):
            vfields.append("variantStatus")
        if vid in old_variants and old_variants[vid].price != v.price:
            vfields.append("variantSellPrice")
        if vfields:
            out.append(Message("VARIANT", "UPDATE", {
                "vid": vid, "variantName": None, "variantSku": v.sku, "variantKey": None,
                "variantImage": None, "variantValue1": None, "variantValue2": None,
                "variantValue3": None, "variantWeight": None, "variantLength": None,
                "variantWidth": None, "variantHeight": None,
                "variantSellPrice": v.price if "variantSellPrice" in vfields else None,
                "variantStatus": 1 if vid in new_on else 0, "fields": vfields,
            }, f"{key}:VARIANT:{vid}"))
        if "stock" in mine:
            if vid not in new_on and vid in old_variants:  # off the shelf now: not in `after`
                from cjsim.domain.catalogue.changes import restocked

                v = restocked(old_variants[vid], mine["stock"], after.splits)
            stock[vid] = after.stock_by_vid_rows(v, reserved)
    if stock:
        out.append(Message("STOCK", "UPDATE", stock, f"{key}:STOCK:{pid}"))
    return out
