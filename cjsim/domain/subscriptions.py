"""Product subscriptions (webhook/product/subscribe, unsubscribe, subscribe/list) and the PRODUCT,
VARIANT and STOCK messages a product change sends to its subscribers (docs/interfaces.md,
"Webhooks for products").

State:

* ``product_subs:<openId>``  pid (or ``*`` for subscribeAll) -> {pid, createdUs}
* ``product_subscribers``    pid (or ``*``) -> {openIds: [...]}: who to tell, read per change

A message still reaches an account only if its topic (``product`` for PRODUCT and VARIANT,
``stock`` for STOCK) is enabled with webhook/set, as every other message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cjsim.domain.order_views import utc_text
from cjsim.domain.webhooks import Message
from cjsim.errors import illegal
from cjsim.store import Store, Txn

if TYPE_CHECKING:
    from cjsim.domain.catalogue import Catalogue, Reserved

ALL = "*"
INDEX = "product_subscribers"
PRODUCT_FIELDS = ("productSku", "productName", "productNameEn", "productDescription",
                  "productImage", "categoryId", "categoryName", "productProperty1",
                  "productProperty2", "productProperty3", "productSellPrice", "productStatus")
VARIANT_FIELDS = ("variantName", "variantSku", "variantKey", "variantImage", "variantValue1",
                  "variantValue2", "variantValue3", "variantWeight", "variantLength",
                  "variantWidth", "variantHeight", "variantSellPrice", "variantStatus")


def subs_ns(open_id: int | str) -> str:
    return f"product_subs:{open_id}"


def _index_add(tx: Txn, key: str, open_id: int) -> None:
    doc = tx.get(INDEX, key) or {"openIds": []}
    if open_id not in doc["openIds"]:
        tx.put(INDEX, key, {"openIds": [*doc["openIds"], open_id]})


def _index_drop(tx: Txn, key: str, open_id: int) -> None:
    doc = tx.get(INDEX, key)
    if doc is None:
        return
    left = [o for o in doc["openIds"] if o != open_id]
    if left:
        tx.put(INDEX, key, {"openIds": left})
    else:
        tx.delete(INDEX, key)


class Subscriptions:
    def __init__(self, store: Store, catalogue: Callable[[], Catalogue],
                 reserved: Callable[[], Reserved]) -> None:
        self.store = store
        self._catalogue = catalogue
        self._reserved = reserved

    def subscribe(self, open_id: int, now_us: int, *, product_ids: Sequence[str] = (),
                  subscribe_all: bool = False) -> bool:
        """Known products only (1602001 names the first unknown, nothing is stored)."""
        if not product_ids and not subscribe_all:
            raise illegal("give productIds (1..100) or subscribeAll true")
        cat = self._catalogue()
        pids = [cat.product(pid.strip(), include_offline=True).pid for pid in product_ids]
        with self.store.transaction() as tx:
            for pid in [*dict.fromkeys(pids), *([ALL] if subscribe_all else [])]:
                if tx.get(subs_ns(open_id), pid) is None:
                    tx.put(subs_ns(open_id), pid, {"pid": pid, "createdUs": now_us})
                    _index_add(tx, pid, open_id)
        return True

    def unsubscribe(self, open_id: int, now_us: int, *, product_ids: Sequence[str] = (),
                    subscribe_all: bool = False) -> bool:
        """Ids not subscribed are ignored (the call is idempotent)."""
        del now_us
        if not product_ids and not subscribe_all:
            raise illegal("give productIds (1..100) or subscribeAll true")
        with self.store.transaction() as tx:
            for pid in [*dict.fromkeys(p.strip() for p in product_ids), *([ALL] if subscribe_all else [])]:
                if tx.get(subs_ns(open_id), pid) is not None:
                    tx.delete(subs_ns(open_id), pid)
                    _index_drop(tx, pid, open_id)
        return True

    def page(self, open_id: int, now_us: int, *, page_num: int = 1,
             page_size: int = 20) -> dict[str, Any]:
        del now_us
        docs = sorted((d for _, d in self.store.items(subs_ns(open_id))),
                      key=lambda d: (d["createdUs"], d["pid"]))
        start = (page_num - 1) * page_size
        return {"pageNum": page_num, "pageSize": page_size, "total": len(docs),
                "subscribeAll": any(d["pid"] == ALL for d in docs),
                "list": [{"productId": d["pid"], "subscribeDate": utc_text(d["createdUs"])}
                         for d in docs[start:start + page_size]]}

    def subscribers(self, pid: str) -> list[int]:
        out: list[int] = []
        for key in (pid, ALL):
            doc = self.store.get(INDEX, key)
            out += [o for o in (doc["openIds"] if doc else ()) if o not in out]
        return out

    def messages(self, pid: str, *, product: Mapping[str, Any] | None = None,
                 variants: Mapping[str, Mapping[str, Any]] | None = None,
                 stock_vids: Sequence[str] = (), event: str,
                 message_type: str = "UPDATE") -> list[Message]:
        """The messages of one product change, one per subscriber and kind. ``product`` and each
        ``variants[vid]`` hold the changed fields' new values (others are sent as null, and
        ``fields`` lists the changed names); ``stock_vids`` get a STOCK row per warehouse."""
        subscribers = self.subscribers(pid)
        if not subscribers:
            return []
        bodies: list[tuple[str, dict[str, Any], str]] = []
        if product:
            unknown = set(product) - set(PRODUCT_FIELDS)
            if unknown:
                raise ValueError(f"not PRODUCT fields: {', '.join(sorted(unknown))}")
            params = {"pid": pid, **{f: product.get(f) for f in PRODUCT_FIELDS}, "fields": list(product)}
            bodies.append(("PRODUCT", params, f"product:{pid}:{event}"))
        for vid, changed in (variants or {}).items():
            unknown = set(changed) - set(VARIANT_FIELDS)
            if unknown:
                raise ValueError(f"not VARIANT fields: {', '.join(sorted(unknown))}")
            params = {"vid": vid, **{f: changed.get(f) for f in VARIANT_FIELDS}, "fields": list(changed)}
            bodies.append(("VARIANT", params, f"variant:{vid}:{event}"))
        if stock_vids:
            cat, held = self._catalogue(), self._reserved()
            params = {vid: [{"vid": row["vid"], "areaId": row["areaId"], "areaEn": row["areaEn"],
                             "countryCode": row["countryCode"], "storageNum": row["storageNum"]}
                            for row in cat.stock_by_vid(vid, held)]
                      for vid in dict.fromkeys(stock_vids)}
            bodies.append(("STOCK", params, f"stock:{pid}:{event}"))
        return [Message(kind, message_type, params, key, open_id)
                for open_id in subscribers for kind, params, key in bodies]
