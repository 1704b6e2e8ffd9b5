"""Private inventory: stock an account owns in CJ's storages, and the five
``product/stock/privateInventory/*`` answers (querySpuPage, querySkuListByProductId,
querySkuDetailPage, querySkuDetailListBySku, querySkuFlowByCondition).

Why it lives beside orders and not in the catalogue: it belongs to one account and changes
with its orders, so it is store state (``private_stock:<openId>``: ``"<vid>|<storageId>"`` ->
units; ``private_flow:<openId>``: every movement, oldest first). A test gives an account
private stock with ``Simulator.add_private_stock`` or ``POST /__cjsim/accounts/<openId>/
private-inventory`` (CJ sells it through its site, which the simulator does not model).

Orders draw private units first: ``createOrderV2`` takes the variant's private units in the
order's warehouse country (the chosen storage only, when ``storageId`` is given) before any
public stock, and a cancelled or deleted order gives them back. Every movement is a flow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cjsim.clock import to_datetime
from cjsim.errors import illegal
from cjsim.store import Doc, Store, Txn

if TYPE_CHECKING:
    from cjsim.domain.catalogue import Catalogue
    from cjsim.domain.catalogue.warehouses import Storage

MAX_UNITS = 100_000_000


def stock_ns(open_id: int | str) -> str:
    return f"private_stock:{open_id}"


def flow_ns(open_id: int | str) -> str:
    return f"private_flow:{open_id}"


def _time(us: int) -> str:
    """``yyyy-MM-dd HH:mm:ss`` China time, as CJ's inventory pages write times."""
    return f"{to_datetime(us):%Y-%m-%d %H:%M:%S}"


def add_flow(tx: Txn, open_id: int, row: Doc, change: int, kind: str, now_us: int,
             order_id: str | None = None) -> None:
    seq = tx.next_seq("private-flow")
    tx.put(flow_ns(open_id), f"{seq:012d}", {
        "flowId": str(seq), "vid": row["vid"], "pid": row["pid"], "sku": row["sku"],
        "storageId": row["storageId"], "change": change, "balance": row["quantity"],
        "type": kind, "orderId": order_id, "timeUs": now_us,
    })


def available(tx: Txn, open_id: int, vid: str, storages: Sequence[str]) -> int:
    """Private units of ``vid`` in ``storages``, as the order's transaction sees them."""
    total = 0
    for sid in storages:
        row = tx.get(stock_ns(open_id), f"{vid}|{sid}")
        total += int(row["quantity"]) if row else 0
    return total


def take(tx: Txn, open_id: int, vid: str, storages: Sequence[str], wanted: int, now_us: int,
         order_id: str) -> list[list[Any]]:
    """Take up to ``wanted`` private units of ``vid`` from ``storages`` in turn, inside the
    order's transaction; ``[[vid, storageId, units], ...]`` of what was taken."""
    taken: list[list[Any]] = []
    for sid in storages:
        if wanted <= 0:
            break
        row = tx.get(stock_ns(open_id), f"{vid}|{sid}")
        if row is None or row["quantity"] <= 0:
            continue
        units = min(wanted, int(row["quantity"]))
        row = {**row, "quantity": row["quantity"] - units, "updatedUs": now_us}
        tx.put(stock_ns(open_id), f"{vid}|{sid}", row)
        add_flow(tx, open_id, row, -units, "ORDER", now_us, order_id)
        taken.append([vid, sid, units])
        wanted -= units
    return taken


def give_back(tx: Txn, open_id: int, taken: Sequence[Sequence[Any]], now_us: int,
              order_id: str) -> None:
    """A cancelled or deleted order returns its private units."""
    for vid, sid, units in taken:
        row = tx.get(stock_ns(open_id), f"{vid}|{sid}")
        if row is None:
            continue
        row = {**row, "quantity": row["quantity"] + units, "updatedUs": now_us}
        tx.put(stock_ns(open_id), f"{vid}|{sid}", row)
        add_flow(tx, open_id, row, units, "ORDER_CANCEL", now_us, order_id)


def _page(items: Sequence[Any], page_num: int, page_size: int) -> dict[str, Any]:
    start = (page_num - 1) * page_size
    return {"pageNum": page_num, "pageSize": page_size, "total": len(items),
            "list": list(items[start:start + page_size])}


class PrivateInventory:
    def __init__(self, store: Store, catalogue: Callable[[], Catalogue]) -> None:
        self.store = store
        self._catalogue = catalogue

    # -- giving stock (tests) -----------------------------------------------------------------
    def add(self, open_id: int, vid: str, where: str, units: int, now_us: int) -> Doc:
        """Add ``units`` (may be negative, not below 0) of ``vid`` in a storage or a country's
        main storage. ValueError names a bad argument; the catalogue's CJError for a vid."""
        from cjsim.domain.catalogue.warehouses import STORAGES_OF, storage

        if isinstance(units, bool) or not isinstance(units, int) or abs(units) > MAX_UNITS:
            raise ValueError(f"units must be a whole number up to {MAX_UNITS}")
        home: Storage | None = storage(where)
        if home is None and where.strip().upper() in STORAGES_OF:
            home = STORAGES_OF[where.strip().upper()][0]
        if home is None:
            raise ValueError(f"{where!r} is neither a storage id nor a warehouse country")
        cat = self._catalogue()
        found = cat.find_variant(vid)
        if found is None:
            raise ValueError(f"no variant {vid}")
        product, variant = found
        key = f"{variant.vid}|{home.id}"
        with self.store.transaction() as tx:
            row = tx.get(stock_ns(open_id), key) or {
                "vid": variant.vid, "pid": product.pid, "sku": variant.sku,
                "storageId": home.id, "quantity": 0, "createdUs": now_us}
            if row["quantity"] + units < 0:
                raise ValueError(f"only {row['quantity']} private units of {variant.sku} "
                                 f"in {home.name}")
            row = {**row, "quantity": row["quantity"] + units, "updatedUs": now_us}
            tx.put(stock_ns(open_id), key, row)
            add_flow(tx, open_id, row, units, "STOCK_IN" if units >= 0 else "ADJUST", now_us)
        return self._row(row)

    # -- the five answers -----------------------------------------------------------------------
    def _rows(self, open_id: int) -> list[Doc]:
        return [doc for _, doc in self.store.items(stock_ns(open_id))]

    def _row(self, row: Doc) -> dict[str, Any]:
        from cjsim.domain.catalogue.warehouses import STORAGES_BY_ID

        s = STORAGES_BY_ID[row["storageId"]]
        found = self._catalogue().find_variant(row["vid"])
        name = found[1].name_en if found else None
        return {"vid": row["vid"], "pid": row["pid"], "sku": row["sku"], "variantNameEn": name,
                "storageId": s.id, "storageName": s.name, "countryCode": s.country,
                "quantity": row["quantity"], "createTime": _time(row["createdUs"]),
                "updateTime": _time(row["updatedUs"])}

    def query_spu_page(self, open_id: int, *, page_num: int = 1, page_size: int = 20,
                       keyword: str | None = None, warehouse_id: str | None = None) -> dict[str, Any]:
        """One item per product the account holds private stock of (also at 0 units);
        ``warehouseId`` keeps the stock of one warehouse (see :func:`_storages_of`)."""
        cat = self._catalogue()
        kept = _storages_of(warehouse_id) if warehouse_id else None
        by_pid: dict[str, list[Doc]] = {}
        for row in self._rows(open_id):
            if kept is None or row["storageId"] in kept:
                by_pid.setdefault(row["pid"], []).append(row)
        items = []
        for pid, rows in by_pid.items():
            p = cat.find_product(pid)
            if p is None or not _matches(keyword, p.name_en, p.sku, *(r["sku"] for r in rows)):
                continue
            items.append({"productId": p.pid, "productSku": p.sku, "productNameEn": p.name_en,
                          "productImage": p.images[0], "skuCount": len({r["vid"] for r in rows}),
                          "totalQuantity": sum(r["quantity"] for r in rows)})
        items.sort(key=lambda i: i["productSku"])
        return _page(items, page_num, page_size)

    def query_sku_list_by_product_id(self, open_id: int, *, product_id: str) -> list[dict[str, Any]]:
        p = self._catalogue().product(product_id, include_offline=True)  # 1602001 if unknown
        rows = [r for r in self._rows(open_id) if r["pid"] == p.pid]
        out: dict[str, dict[str, Any]] = {}
        for row in rows:
            shown = self._row(row)
            item = out.setdefault(row["vid"], {
                "vid": row["vid"], "variantSku": row["sku"], "variantNameEn": shown["variantNameEn"],
                "totalQuantity": 0, "storageList": []})
            item["totalQuantity"] += row["quantity"]
            item["storageList"].append({k: shown[k] for k in (
                "storageId", "storageName", "countryCode", "quantity")})
        return list(out.values())

    def query_sku_detail_page(self, open_id: int, *, page_num: int = 1, page_size: int = 20,
                              keyword: str | None = None) -> dict[str, Any]:
        rows = [self._row(r) for r in self._rows(open_id)]
        rows = [r for r in rows if _matches(keyword, r["sku"], r["variantNameEn"] or "")]
        return _page(rows, page_num, page_size)

    def query_sku_detail_list_by_sku(self, open_id: int, *, sku: str) -> list[dict[str, Any]]:
        variant = self._catalogue().find_variant_by_sku(sku)
        if variant is None:
            raise illegal(f"sku {sku} is no variant SKU", reason="unknown-sku")
        return [self._row(r) for r in self._rows(open_id) if r["vid"] == variant.vid]

    def query_sku_flow_by_condition(
        self, open_id: int, *, page_num: int = 1, page_size: int = 20, sku: str | None = None,
        storage_id: str | None = None, type: str | None = None,  # noqa: A002 - CJ's name
        start_time: int | None = None, end_time: int | None = None,
    ) -> dict[str, Any]:
        """Movements, newest first; ``startTime``/``endTime`` are China times, inclusive."""
        flows = [doc for _, doc in self.store.items(flow_ns(open_id))]
        if sku:
            flows = [f for f in flows if f["sku"].upper() == sku.strip().upper()]
        if storage_id:
            flows = [f for f in flows if f["storageId"] == storage_id.strip().lower()]
        if type:
            flows = [f for f in flows if f["type"] == type.strip().upper()]
        if start_time is not None:
            flows = [f for f in flows if f["timeUs"] >= start_time]
        if end_time is not None:
            flows = [f for f in flows if f["timeUs"] <= end_time]
        flows.reverse()
        items = [{"flowId": f["flowId"], "vid": f["vid"], "pid": f["pid"], "sku": f["sku"],
                  "storageId": f["storageId"], "type": f["type"], "quantity": f["change"],
                  "balance": f["balance"], "orderId": f["orderId"],
                  "createTime": _time(f["timeUs"])} for f in flows]
        return _page(items, page_num, page_size)

    # -- warehouse photos of orders ---------------------------------------------------------
    def order_pictures(self, open_id: int, *, order_id_list: Sequence[Any],
                       now_us: int) -> list[dict[str, Any]]:
        """``storehouseCenterWeb/syncStorehouseVideoRequests``: per order of the account named
        (in request order; other ids are left out), the photos the warehouse took, CJ's
        ``{orderId, pictureJson: [{url, type}]}``. The simulator's warehouse takes one
        ``packing`` photo when the parcel leaves it: none before the order is SHIPPED."""
        from cjsim.domain import order_views as views

        out = []
        for order_id in dict.fromkeys(str(o).strip() for o in order_id_list):
            doc = self.store.get(views.orders_ns(open_id), order_id)
            if doc is None:
                continue
            photos = ([{"url": f"https://img.cjsim.local/w/{order_id}-packing.jpg",
                        "type": "packing"}] if views.shipped(doc, now_us) else [])
            out.append({"orderId": order_id, "pictureJson": photos})
        return out


def _storages_of(warehouse_id: str) -> frozenset[str]:
    """The storage ids a ``warehouseId`` names: a storage id, a warehouse country's ``areaId``
    (what ``product/globalWarehouseList`` answers and CJ's MCP server passes on) or its country
    code. Anything else is 1600300 naming the parameter."""
    from cjsim.domain.catalogue.model import WAREHOUSES
    from cjsim.domain.catalogue.warehouses import STORAGES_OF, storage

    text = warehouse_id.strip()
    one = storage(text)
    if one is not None:
        return frozenset({one.id})
    for country, w in WAREHOUSES.items():
        if text.upper() == country or text == str(w.area_id):
            return frozenset(s.id for s in STORAGES_OF[country])
    raise illegal(f"warehouseId {warehouse_id!r} is neither a storage id, an areaId nor a "
                  f"warehouse country", param="warehouseId")


def _matches(keyword: str | None, *texts: str) -> bool:
    if not keyword or not keyword.strip():
        return True
    words = keyword.lower().split()
    hay = " ".join(texts).lower()
    return all(w in hay for w in words)


FLOW_TYPES = ("STOCK_IN", "ADJUST", "ORDER", "ORDER_CANCEL")
