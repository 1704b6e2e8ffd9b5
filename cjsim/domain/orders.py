"""Orders: create (V1, V2), cart, confirm, parent order, pay, delete, cancel
(docs/endpoints.md, "orders" and "pay"; docs/rules.md, "Order lifecycle").

Why every change is one transaction that checks first and writes last: a call that fails
must store nothing (no order, no reserved stock, no balance change), and two concurrent calls
must not both take the last unit or both use one ``orderNumber``. Messages for webhooks are
collected inside and sent only after the commit.

State, all per account where it belongs to one (another account's ids are simply unknown):

* ``orders:<openId>``        orderId -> order document (money as strings)
* ``order_numbers:<openId>`` the client's orderNumber -> orderId (duplicates refused)
* ``shipments:<openId>``     shipmentsId -> {orderIds, payId, ...} (the cart flow)
* ``tracking``               tracking number -> {openId, orderId}
* ``stock_reserved``         "vid|CC" -> {units} held in warehouse country CC, and
                             "vid|CC|<storageId>" -> {units} held in one storage of CC
                             (the order's ``allocation`` says which storage gives what)
* ``progress``               (progress.py) paid orders still moving
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cjsim.clock import US, to_datetime
from cjsim.domain import logistics as lg
from cjsim.domain import order_views as views
from cjsim.domain import private_stock as private
from cjsim.domain import progress
from cjsim.domain.accounts import Accounts
from cjsim.domain.options import DomainOptions
from cjsim.domain.order_views import CANCELLED, CREATED, IN_CART, UNPAID, UNSHIPPED, orders_ns
from cjsim.domain.webhooks import Message
from cjsim.errors import CJError, illegal
from cjsim.money import ZERO, money, money_str
from cjsim.store import Doc, SpaceReader, Store, Txn

if TYPE_CHECKING:
    from cjsim.domain.catalogue import Catalogue, Reserved, Variant
    from cjsim.domain.catalogue.warehouses import Storage

MAX_QUANTITY = 1_000_000  # keeps amounts and weights far inside Decimal's precision
RESERVED = "stock_reserved"
TRACKING = "tracking"

SHIPPING_FIELDS = {  # body field -> key in the order's "shipping" object
    "shippingCountryCode": "countryCode", "shippingCountry": "country",
    "shippingProvince": "province", "shippingCity": "city", "shippingCounty": "county",
    "shippingAddress": "address", "shippingAddress2": "address2",
    "shippingCustomerName": "customerName", "shippingZip": "zip", "shippingPhone": "phone",
    "email": "email", "houseNumber": "houseNumber", "taxId": "taxId", "consigneeID": "consigneeID",
}


def numbers_ns(open_id: int | str) -> str:
    return f"order_numbers:{open_id}"


def shipments_ns(open_id: int | str) -> str:
    return f"shipments:{open_id}"


def _china(us: int) -> datetime:
    return to_datetime(us)  # China time: CJ's ids carry the China date


def new_order_id(now_us: int, seq: int) -> str:
    """18 digits: the China date ``yyMMdd`` + 12 digits from a store sequence (unique)."""
    return f"{_china(now_us):%y%m%d}{10**11 + seq % 10**11:012d}"


def new_shipment_id(now_us: int, seq: int) -> str:
    """``SD`` + ``yyMMddHHmmss`` + 8 digits."""
    return f"SD{_china(now_us):%y%m%d%H%M%S}{seq % 10**8:08d}"


def new_pay_id(now_us: int, seq: int) -> str:
    return f"PAY{_china(now_us):%y%m%d%H%M%S}{seq % 10**4:04d}"


def new_line_item_id(now_us: int, seq: int, line: int) -> str:
    """19 digits: ``yyMMddHHmmss`` + 4 digits of the order sequence + 3 of the line."""
    return f"{_china(now_us):%y%m%d%H%M%S}{seq % 10**4:04d}{line % 10**3:03d}"


def _on_shelf(cat: Catalogue, lookup: Callable[[str], Variant], key: str) -> Variant:
    """``lookup(key)``; an item off the shelf raises its error with the kind a profile may
    answer with its own code (cj-2026: 1602002 product, 1602003 variant removed)."""
    try:
        return lookup(key)
    except CJError as exc:
        known = cat.find_variant(key) is not None or cat.find_variant_by_sku(key) is not None
        if exc.code == 1602001 and exc.reason is None and known:
            raise replace(exc, reason="product:removed") from None
        if exc.code == 1602000 and cat.was_removed(key):
            raise replace(exc, reason="variant:removed") from None
        raise


def reserved_in(tx: Txn) -> Reserved:
    """Reserved units as the transaction sees them (its own writes included)."""
    def held(vid: str, country: str) -> int:
        doc = tx.get(RESERVED, f"{vid}|{country}")
        return int(doc["units"]) if doc else 0
    return held


def reserved_snapshot(store: Store, read_all: SpaceReader | None = None) -> Reserved:
    """Reserved units at one moment, read once: the product endpoints ask per variant."""
    units = {key: int(doc["units"]) for key, doc in (read_all or store.items)(RESERVED)}
    if not units:
        return lambda vid, country: 0
    return lambda vid, country: units.get(f"{vid}|{country}", 0)


def _hold(tx: Txn, key: str, change: int) -> None:
    held = tx.get(RESERVED, key)
    # no clamp: a release without its reservation must show (the fuzz invariant looks for it)
    units = (int(held["units"]) if held else 0) + change
    if units:
        tx.put(RESERVED, key, {"units": units})
    else:
        tx.delete(RESERVED, key)


def _shift_stock(tx: Txn, doc: Doc, sign: int) -> None:
    """Hold (+1) or release (-1) the order's units: per country, and per storage as allocated
    (orders stored before storages existed have no ``allocation``)."""
    country = doc["fromCountryCode"]
    allocation = doc.get("allocation")
    if allocation is None:  # an order stored before storages: every unit is public stock
        for line in doc["lines"]:
            _hold(tx, f"{line['vid']}|{country}", sign * line["quantity"])
        return
    for vid, storage_id, units in allocation:  # units from private stock hold nothing here
        _hold(tx, f"{vid}|{country}", sign * units)
        _hold(tx, f"{vid}|{country}|{storage_id}", sign * units)


def _release(tx: Txn, doc: Doc, now_us: int) -> None:
    """A cancelled or deleted order: public units back to the shelf, private ones to the
    account."""
    _shift_stock(tx, doc, -1)
    private.give_back(tx, doc["openId"], doc.get("privateAllocation") or (), now_us,
                      doc["orderId"])


def _allocate(cat: Catalogue, vid: str, country: str, qty: int, held: Reserved,
              chosen: Storage | None) -> list[tuple[str, int]]:
    """Which storages give ``qty`` units: the chosen one, or CJ's own units storage by storage
    (main storage first), then factory units. 1603000 when they do not suffice."""
    if chosen is not None:
        if cat.storage_available(vid, chosen.id, held) < qty:
            raise CJError(1603000, detail=f"not enough stock of {vid} in {chosen.name}")
        return [(chosen.id, qty)]
    v = cat.variant(vid, include_offline=True)
    rows = cat.storage_rows(v, country, held)
    taken: dict[str, int] = {}
    left = qty
    for kind in (1, 2):  # CJ's own units first, then the factory's
        for s, cj, factory in rows:
            take = min(left, cj if kind == 1 else factory)
            if take > 0:
                taken[s.id] = taken.get(s.id, 0) + take
                left -= take
    if left > 0:
        raise CJError(1603000, detail=f"not enough stock of {vid} in {country}")
    return list(taken.items())


def _balance(tx: Txn, open_id: int) -> Decimal:
    doc = tx.get(Accounts.NS, str(open_id))
    assert doc is not None, "an authenticated account has a document"
    return Decimal(doc["balance"])


def _credit(tx: Txn, open_id: int, amount: Decimal) -> None:
    """A refund (control-API cancel of a paid order), inside the caller's transaction."""
    doc = tx.get(Accounts.NS, str(open_id))
    if doc is not None:
        tx.put(Accounts.NS, str(open_id),
               {**doc, "balance": money_str(Decimal(doc["balance"]) + amount)})


class Orders:
    """The order lifecycle of docs/rules.md, "Order lifecycle", for one simulator."""

    def __init__(self, store: Store, catalogue: Callable[[], Catalogue], options: DomainOptions,
                 salt: str, send: Callable[[list[Message]], object],
                 scheduled: Callable[[], object]) -> None:
        self.store = store
        self._catalogue = catalogue
        self.options = options
        self.salt = salt
        self._send = send
        self._scheduled = scheduled  # a paid order now moves: make sure someone ticks

    # -- reading ---------------------------------------------------------------------------
    def has(self, open_id: int, order_id: str) -> bool:
        return self.store.get(orders_ns(open_id), order_id.strip()) is not None

    def get(self, open_id: int, order_id: str) -> Doc:
        doc = self.store.get(orders_ns(open_id), order_id.strip())
        if doc is None:
            raise CJError(1603100, detail=f"orderId {order_id}")
        return doc

    def find(self, open_id: int, order_id_or_number: str) -> Doc:
        """getOrderDetail: the CJ order id, or else the client's orderNumber."""
        key = order_id_or_number.strip()
        doc = self.store.get(orders_ns(open_id), key)
        if doc is None:
            ref = self.store.get(numbers_ns(open_id), key)
            doc = self.store.get(orders_ns(open_id), ref["orderId"]) if ref else None
        if doc is None:
            raise CJError(1603100, detail=f"orderId {order_id_or_number}")
        return doc

    def all(self, open_id: int) -> list[Doc]:
        """Newest first."""
        docs = [doc for _, doc in self.store.items(orders_ns(open_id))]
        return sorted(docs, key=lambda d: (d["createdUs"], d["orderId"]), reverse=True)

    def page(self, open_id: int, now_us: int, *, pageNum: int = 1, pageSize: int = 20,
             orderIds: Sequence[str] = (), shipmentOrderId: str | None = None,
             status: str | None = None) -> dict[str, Any]:
        docs = self.all(open_id)
        if orderIds:
            wanted = {o.strip() for o in orderIds}
            docs = [d for d in docs if d["orderId"] in wanted]
        if shipmentOrderId:
            docs = [d for d in docs if d.get("shipmentId") == shipmentOrderId.strip()]
        if status:
            docs = [d for d in docs if views.status_at(d, now_us) == status]
        start = (pageNum - 1) * pageSize
        return {"pageNum": pageNum, "pageSize": pageSize, "total": len(docs),
                "list": [views.list_item(d, now_us) for d in docs[start:start + pageSize]]}

    def tracked(self, open_id: int, numbers: Iterable[str], now_us: int) -> list[dict[str, Any]]:
        """trackInfo: the caller's shipped parcels, in request order; others are omitted."""
        out = []
        for number in numbers:
            ref = self.store.get(TRACKING, number.strip().upper())
            if ref is None or ref["openId"] != open_id:
                continue
            doc = self.store.get(orders_ns(open_id), ref["orderId"])
            if doc is not None and views.shipped(doc, now_us):
                out.append(views.track_info(doc, now_us))
        return out

    # -- creating --------------------------------------------------------------------------
    def _lines(self, cat: Catalogue, products: Sequence[Mapping[str, Any]]) -> list[tuple[Variant, Mapping[str, Any]]]:
        """Each line in turn: vid (1602000/1602001), sku (1602001), both agree, quantity >= 1."""
        out = []
        for index, item in enumerate(products):
            vid, sku = item.get("vid"), item.get("sku")
            if not vid and not sku:
                raise illegal(f"products[{index}] needs vid or sku")
            variant = _on_shelf(cat, cat.variant, vid) if vid else None
            if sku:
                by_sku = _on_shelf(cat, cat.variant_by_sku, sku)
                if variant is not None and by_sku.vid != variant.vid:
                    raise illegal(f"products[{index}]: vid and sku name different variants")
                variant = by_sku
            assert variant is not None
            if item["quantity"] < 1:
                raise CJError(1603000, detail=f"products[{index}].quantity must be at least 1")
            if item["quantity"] > MAX_QUANTITY:  # more than any warehouse holds: no stock
                raise CJError(1603000, detail=f"products[{index}].quantity is more than any stock")
            out.append((variant, item))
        return out

    def create(self, open_id: int, p: Mapping[str, Any], now_us: int, *, version: int = 2) -> Doc:
        """createOrderV2 / createOrder, checks in the order docs/endpoints.md lists its fields;
        returns the new order."""
        cat = self._catalogue()
        lines = self._lines(cat, p["products"])
        to = p["shippingCountryCode"].strip().upper()
        start = p["fromCountryCode"].strip().upper()
        if not lg.known_country(to):
            raise CJError(1603000, detail=f"shippingCountryCode {to} is not a known country",
                          reason="country:unknown")
        chosen = self._storage(p.get("storageId"), start)
        number = p["orderNumber"]
        pay_type = p.get("payType", 1) if version >= 2 else None
        weight = sum(v.weight * item["quantity"] for v, item in lines)
        products = money(sum((v.price * item["quantity"] for v, item in lines), ZERO))
        needs: dict[str, int] = {}
        for v, item in lines:
            needs[v.vid] = needs.get(v.vid, 0) + item["quantity"]
        messages: list[Message] = []
        with self.store.transaction() as tx:
            if tx.get(numbers_ns(open_id), number) is not None:
                raise CJError(1603000, detail=f"orderNumber {number} already exists",
                              reason="order:duplicate")
            postage = lg.line_price(start, to, p["logisticName"], weight)
            held = reserved_in(tx)
            allocation: list[list[Any]] = []
            own_units: dict[str, int] = {}
            homes = [chosen.id] if chosen else [s.id for s in _storages_of(start)]
            for vid, qty in needs.items():  # the account's private units go first
                own_units[vid] = min(qty, private.available(tx, open_id, vid, homes))
                public = qty - own_units[vid]
                if public and cat.available(vid, start, held) < public:
                    raise CJError(1603000, detail=f"not enough stock of {vid} in {start}")
                if public:
                    allocation += [[vid, sid, units] for sid, units
                                   in _allocate(cat, vid, start, public, held, chosen)]
            total = money(products + postage)
            if pay_type == 2 and _balance(tx, open_id) < total:
                raise CJError(1604000, detail=f"the order costs {total}")
            seq = tx.next_seq("order")
            order_id = new_order_id(now_us, seq)
            taken = [row for vid, units in own_units.items() if units
                     for row in private.take(tx, open_id, vid, homes, units, now_us, order_id)]
            home = chosen or _main_storage([*taken, *allocation], start)
            doc: Doc = {
                "orderId": order_id, "orderNumber": number, "openId": open_id,
                "version": version, "payType": pay_type, "status": CREATED,
                "cjOrderId": None, "shipmentId": None, "createdUs": now_us, "updatedUs": now_us,
                "paidUs": None, "shipAtUs": None, "deliverAtUs": None, "cancelledUs": None,
                "trackNumber": None, "steps": None, "fromCountryCode": start,
                "storageId": home.id if home else None,
                "storageName": home.name if home else None, "allocation": allocation,
                "privateAllocation": taken,
                "logisticName": p["logisticName"],
                "shipping": {key: p.get(name) for name, key in SHIPPING_FIELDS.items()}
                | {"countryCode": to},
                "remark": p.get("remark"), "platform": p.get("platform", "Api"),
                "shopAmount": money_str(p["shopAmount"]) if p.get("shopAmount") is not None else None,
                "iossType": p.get("iossType"), "iossNumber": p.get("iossNumber"),
                "weight": weight, "productAmount": money_str(products),
                "postageAmount": money_str(postage), "orderAmount": money_str(total),
                "cjPayUrl": f"{self.options.pay_url}{order_id}" if pay_type == 1 else None,
                "lines": [
                    {"vid": v.vid, "quantity": item["quantity"], "sellPrice": money_str(v.price),
                     "unitPrice": money_str(item["unitPrice"]) if item.get("unitPrice") is not None
                     else None,
                     "lineItemId": new_line_item_id(now_us, seq, index + 1),
                     "storeLineItemId": item.get("storeLineItemId")}
                    for index, (v, item) in enumerate(lines)
                ],
            }
            _shift_stock(tx, doc, +1)
            tx.put(numbers_ns(open_id), number, {"orderId": order_id})
            messages.append(Message("ORDER", "INSERT", views.order_params(doc, now_us),
                                    f"order:{order_id}:INSERT", open_id))
            if pay_type == 2:  # through IN_CART and UNPAID in the same call
                shipment = self._new_shipment(tx, open_id, [order_id], now_us)
                doc = {**doc, "status": UNPAID, "cjOrderId": order_id,
                       "shipmentId": shipment["shipmentId"]}
                Accounts.debit(tx, open_id, total)
                doc = self._paid(tx, doc, now_us)
                messages.append(self._update(doc, now_us))
            tx.put(orders_ns(open_id), order_id, doc)
        self._after(messages, [doc], f"{doc['orderId']}:reserve")
        return doc

    @staticmethod
    def _storage(storage_id: str | None, country: str) -> Storage | None:
        """createOrderV2's ``storageId``: a storage of the ``fromCountryCode`` warehouse."""
        if not storage_id:
            return None
        from cjsim.domain.catalogue.warehouses import storage

        found = storage(storage_id)
        if found is None:
            raise CJError(1603000, detail=f"storageId {storage_id} is no CJ storage")
        if found.country != country:
            raise CJError(1603000, detail=f"storageId {storage_id} ({found.name}) is in "
                          f"{found.country}, not in fromCountryCode {country}")
        return found

    def _new_shipment(self, tx: Txn, open_id: int, order_ids: list[str], now_us: int) -> Doc:
        shipment: Doc = {"shipmentId": new_shipment_id(now_us, tx.next_seq("shipment")),
                    "orderIds": order_ids, "createdUs": now_us, "payId": None, "payIdUs": None}
        tx.put(shipments_ns(open_id), shipment["shipmentId"], shipment)
        return shipment

    def _tracking_number(self, tx: Txn, order_id: str) -> str:
        """Reproducible from the seed and the order id; redrawn on the rare collision."""
        rng = random.Random(f"{self.salt}|track|{order_id}")
        while True:
            number = lg.tracking_number(rng)
            if tx.get(TRACKING, number) is None:
                return number

    def _paid(self, tx: Txn, doc: Doc, now_us: int) -> Doc:
        """UNPAID -> UNSHIPPED: fix when it ships and arrives, and start its timeline."""
        steps = self.options.steps
        ship_at = now_us + self.options.ship_delay_s * US
        start, to = doc["fromCountryCode"], doc["shipping"]["countryCode"]
        number = self._tracking_number(tx, doc["orderId"])
        doc = {**doc, "status": UNSHIPPED, "paidUs": now_us, "updatedUs": now_us,
               "shipAtUs": ship_at, "deliverAtUs": lg.delivered_at(ship_at, steps, start, to),
               "steps": [[s.code, s.delay_s] for s in steps], "trackNumber": number}
        tx.put(TRACKING, number, {"openId": doc["openId"], "orderId": doc["orderId"]})
        progress.schedule(tx, doc)
        return doc

    @staticmethod
    def _update(doc: Doc, now_us: int, message_type: str = "UPDATE") -> Message:
        status = views.status_at(doc, now_us)
        return Message("ORDER", message_type, views.order_params(doc, now_us),
                       f"order:{doc['orderId']}:{status}", doc["openId"])

    def _after(self, messages: list[Message], stock_changed: list[Doc], event: str) -> None:
        """After the commit: STOCK messages for the vids whose stock moved, then send all."""
        if stock_changed:
            messages = [*messages, self._stock_message(stock_changed, event)]
        if any(d["status"] == UNSHIPPED for d in stock_changed):
            self._scheduled()
        self._send(messages)

    def _stock_message(self, docs: list[Doc], event: str) -> Message:
        cat = self._catalogue()
        held = reserved_snapshot(self.store)
        vids = list(dict.fromkeys(line["vid"] for d in docs for line in d["lines"]))
        params = {vid: [{"vid": row["vid"], "areaId": row["areaId"], "areaEn": row["areaEn"],
                         "countryCode": row["countryCode"], "storageNum": row["storageNum"]}
                        for row in cat.stock_by_vid(vid, held)]
                  for vid in vids}
        return Message("STOCK", "UPDATE", params, f"stock:{event}")

    # -- moving ----------------------------------------------------------------------------
    def confirm(self, open_id: int, order_id: str, now_us: int) -> str:
        """CREATED -> UNPAID, cjOrderId set (the one-order flow)."""
        with self.store.transaction() as tx:
            doc = self._load(tx, open_id, order_id)
            if views.status_at(doc, now_us) != CREATED:
                raise CJError(1603001, detail=f"order {order_id} is {views.status_at(doc, now_us)}")
            doc = {**doc, "status": UNPAID, "cjOrderId": doc["orderId"], "updatedUs": now_us}
            tx.put(orders_ns(open_id), doc["orderId"], doc)
        self._send([self._update(doc, now_us)])
        return str(doc["orderId"])

    def delete(self, open_id: int, order_id: str, now_us: int) -> str:
        """CREATED/IN_CART -> CANCELLED, stock released; the order stays listable."""
        with self.store.transaction() as tx:
            doc = self._load(tx, open_id, order_id)
            if views.status_at(doc, now_us) not in (CREATED, IN_CART):
                raise CJError(1603002, detail=f"order {order_id} is {views.status_at(doc, now_us)}")
            doc = {**doc, "status": CANCELLED, "cancelledUs": now_us, "updatedUs": now_us}
            _release(tx, doc, now_us)
            tx.put(orders_ns(open_id), doc["orderId"], doc)
        self._after([self._update(doc, now_us, "DELETE")], [doc], f"{doc['orderId']}:release")
        return str(doc["orderId"])

    def cancel(self, open_id: int, order_id: str, now_us: int) -> Doc:
        """Control API: any order before SHIPPED -> CANCELLED; stock released, payment refunded.
        ValueError when it is too late (the control API answers 400)."""
        with self.store.transaction() as tx:
            doc = self._load(tx, open_id, order_id)
            status = views.status_at(doc, now_us)
            if status not in (CREATED, IN_CART, UNPAID, UNSHIPPED):
                raise ValueError(f"order {order_id} is {status}: only orders before SHIPPED can be cancelled")
            if status == UNSHIPPED:
                _credit(tx, open_id, money(doc["orderAmount"]))
                progress.unschedule(tx, doc)
                tx.delete(TRACKING, doc["trackNumber"])
            doc = {**doc, "status": CANCELLED, "cancelledUs": now_us, "updatedUs": now_us}
            _release(tx, doc, now_us)
            tx.put(orders_ns(open_id), doc["orderId"], doc)
        self._after([self._update(doc, now_us)], [doc], f"{doc['orderId']}:cancel")
        return doc

    def _load(self, tx: Txn, open_id: int, order_id: str) -> Doc:
        doc = tx.get(orders_ns(open_id), order_id.strip())
        if doc is None:
            raise CJError(1603100, detail=f"orderId {order_id}")
        return doc

    def _load_ref(self, tx: Txn, open_id: int, ref: str) -> Doc:
        """An order by CJ order id, CJ order code (``CJ`` + the id) or the client's
        orderNumber; 1603100 when none is the caller's."""
        key = ref.strip()
        doc = tx.get(orders_ns(open_id), key)
        if doc is None and key[:2].upper() == "CJ":
            doc = tx.get(orders_ns(open_id), key[2:])
        if doc is None:
            number = tx.get(numbers_ns(open_id), key)
            doc = tx.get(orders_ns(open_id), number["orderId"]) if number else None
        if doc is None:
            raise CJError(1603100, detail=f"orderCode {ref}")
        return doc

    def _load_all(self, tx: Txn, open_id: int, order_ids: Sequence[str]) -> list[Doc]:
        """Every id must exist (1603100, nothing changes); duplicates count once."""
        return [self._load(tx, open_id, oid) for oid in dict.fromkeys(o.strip() for o in order_ids)]

    def add_cart(self, open_id: int, order_ids: Sequence[str], now_us: int) -> dict[str, Any]:
        """CREATED -> IN_CART; orders in another state are listed in interceptOrders."""
        moved: list[Doc] = []
        intercepted: list[str] = []
        with self.store.transaction() as tx:
            for doc in self._load_all(tx, open_id, order_ids):
                if views.status_at(doc, now_us) != CREATED:
                    intercepted.append(doc["orderId"])
                    continue
                doc = {**doc, "status": IN_CART, "updatedUs": now_us}
                tx.put(orders_ns(open_id), doc["orderId"], doc)
                moved.append(doc)
        self._send([self._update(d, now_us) for d in moved])
        return {"successCount": len(moved), "addSuccessOrders": [d["orderId"] for d in moved],
                "unInterceptAddressCount": 0, "interceptOrders": intercepted}

    def add_cart_confirm(self, open_id: int, order_ids: Sequence[str], now_us: int) -> dict[str, Any]:
        """IN_CART -> UNPAID, grouped into one new shipment."""
        moved: list[Doc] = []
        intercepted: list[str] = []
        shipment_id = None
        with self.store.transaction() as tx:
            docs = self._load_all(tx, open_id, order_ids)
            ready = [d for d in docs if views.status_at(d, now_us) == IN_CART]
            intercepted = [d["orderId"] for d in docs if d not in ready]
            if ready:
                shipment = self._new_shipment(tx, open_id, [d["orderId"] for d in ready], now_us)
                shipment_id = shipment["shipmentId"]
                for doc in ready:
                    doc = {**doc, "status": UNPAID, "cjOrderId": doc["orderId"],
                           "shipmentId": shipment_id, "updatedUs": now_us}
                    tx.put(orders_ns(open_id), doc["orderId"], doc)
                    moved.append(doc)
        self._send([self._update(d, now_us) for d in moved])
        return {"successCount": len(moved), "submitSuccess": bool(moved),
                "shipmentsId": shipment_id, "result": 0, "interceptOrders": intercepted}

    def _shipment(self, tx: Txn, open_id: int, shipment_id: str) -> Doc:
        doc = tx.get(shipments_ns(open_id), shipment_id.strip())
        if doc is None:
            raise CJError(1603100, detail=f"shipmentOrderId {shipment_id}")
        return doc

    def parent_order(self, open_id: int, shipment_id: str, now_us: int) -> dict[str, Any]:
        """saveGenerateParentOrder: the shipment's payId (created once) and its amounts."""
        with self.store.transaction() as tx:
            shipment = self._shipment(tx, open_id, shipment_id)
            if shipment["payId"] is None:
                shipment = {**shipment, "payId": new_pay_id(now_us, tx.next_seq("payId")),
                            "payIdUs": now_us}
                tx.put(shipments_ns(open_id), shipment["shipmentId"], shipment)
            docs = [self._load(tx, open_id, oid) for oid in shipment["orderIds"]]
            balance = _balance(tx, open_id)
        unpaid = [d for d in docs if views.status_at(d, now_us) == UNPAID]
        products = money(sum((Decimal(d["productAmount"]) for d in unpaid), ZERO))
        postage = money(sum((Decimal(d["postageAmount"]) for d in unpaid), ZERO))
        total = money(products + postage)
        return {
            "orderMoney": total,
            "payExpireTime": lg.china_time(shipment["payIdUs"] + self.options.pay_expire_s * US),
            "payId": shipment["payId"], "result": 0, "submitSuccess": bool(unpaid),
            "unMatchOrderCodes": [d["orderId"] for d in docs if d not in unpaid],
            "successOrders": [d["orderId"] for d in unpaid], "unMatchProductCodes": [],
            "paymentInformation": {
                "actualPayment": total, "balanceDeduction": ZERO, "billAmount": ZERO,
                "canDeduct": balance >= total, "commodityDiscount": ZERO,
                "commodityTotalAmount": products, "couponAmount": ZERO, "freight": postage,
                "iossAmount": ZERO, "iossNumber": None, "iossTaxHandlingFee": ZERO,
                "iossTaxes": ZERO, "iossType": None, "orderOriginalAmount": total,
                "orderProductAmount": products, "payableAmount": total, "postageDiscount": ZERO,
                "serviceFee": ZERO,
            },
            "interceptOrders": [],
        }

    def waybill(self, open_id: int, order_id: str, now_us: int, *, track_number: str | None,
                logistics_name: str | None, waybill_file: Mapping[str, Any] | None,
                update: bool) -> dict[str, Any]:
        """upload/updateWaybillInfo: the platform's shipping label of an order CJ has not
        shipped yet. Upload once (then update); 1603100 unknown order, 1600300 otherwise."""
        with self.store.transaction() as tx:
            doc = self._load(tx, open_id, order_id)
            status = views.status_at(doc, now_us)
            if status in (views.SHIPPED, views.DELIVERED, CANCELLED):
                raise illegal(f"order {order_id} is {status}: its waybill can no longer change")
            old = doc.get("waybill")
            if update and old is None:
                raise illegal(f"order {order_id} has no waybill yet: use uploadWaybillInfo")
            if not update and old is not None:
                raise illegal(f"order {order_id} already has a waybill: use updateWaybillInfo")
            new: dict[str, Any] = {"trackNumber": track_number or (old or {}).get("trackNumber"),
                   "logisticsName": logistics_name or (old or {}).get("logisticsName"),
                   "file": dict(waybill_file) if waybill_file else (old or {}).get("file"),
                   "updatedUs": now_us}
            tx.put(orders_ns(open_id), doc["orderId"], {**doc, "waybill": new, "updatedUs": now_us})
        return {"orderId": doc["orderId"], "trackNumber": new["trackNumber"],
                "logisticsName": new["logisticsName"],
                "fileName": (new["file"] or {}).get("filename"),
                "updateDate": views.utc_text(now_us)}

    def change_warehouse(self, open_id: int, order_id: str, now_us: int, *,
                         storage_id: str) -> Doc:
        """changeWarehouse: an order CJ has not been paid for yet (CREATED, IN_CART, UNPAID)
        ships from another storage. Its reservation moves there in one transaction: the old
        storage's units are released, the new one's held (1603000 when it has too few, and
        nothing changes). Another country re-prices the postage on the same logistic line
        (1605000 when that line does not start there). Same storage: nothing to do."""
        from cjsim.domain.catalogue.warehouses import storage

        target = storage(storage_id)
        if target is None:
            raise illegal(f"storageId {storage_id} is no CJ storage (warehouse info not found)",
                          reason="unknown-storage")
        cat = self._catalogue()
        with self.store.transaction() as tx:
            doc = self._load_ref(tx, open_id, order_id)
            status = views.status_at(doc, now_us)
            if status not in (CREATED, IN_CART, UNPAID):
                raise illegal(f"order {order_id} is {status}: only an order not paid yet "
                              "(CREATED, IN_CART, UNPAID) can change its warehouse",
                              reason="order:warehouse-fixed")
            if doc.get("storageId") == target.id:
                return doc
            start, to = target.country, doc["shipping"]["countryCode"]
            postage = lg.line_price(start, to, doc["logisticName"], doc["weight"])
            _release(tx, doc, now_us)  # the old storage's units go back first
            held = reserved_in(tx)
            needs: dict[str, int] = {}
            for line in doc["lines"]:
                needs[line["vid"]] = needs.get(line["vid"], 0) + line["quantity"]
            allocation: list[list[Any]] = []
            taken: list[list[Any]] = []
            for vid, qty in needs.items():  # the account's private units there go first
                own = min(qty, private.available(tx, open_id, vid, [target.id]))
                if own:
                    taken += private.take(tx, open_id, vid, [target.id], own, now_us,
                                          doc["orderId"])
                if qty - own:
                    allocation += [[vid, sid, units] for sid, units
                                   in _allocate(cat, vid, start, qty - own, held, target)]
            total = money(money(doc["productAmount"]) + postage)
            doc = {**doc, "fromCountryCode": start, "storageId": target.id,
                   "storageName": target.name, "allocation": allocation,
                   "privateAllocation": taken, "postageAmount": money_str(postage),
                   "orderAmount": money_str(total), "updatedUs": now_us}
            _shift_stock(tx, doc, +1)
            tx.put(orders_ns(open_id), doc["orderId"], doc)
        message = Message("ORDER", "UPDATE", views.order_params(doc, now_us),
                          f"order:{doc['orderId']}:storage:{target.id}:{now_us}", open_id)
        self._after([message], [doc], f"{doc['orderId']}:warehouse:{now_us}")
        return doc

    # -- paying ----------------------------------------------------------------------------
    def pay(self, open_id: int, order_id: str, now_us: int) -> str:
        """payBalance: one UNPAID order from the balance."""
        with self.store.transaction() as tx:
            doc = self._load(tx, open_id, order_id)
            status = views.status_at(doc, now_us)
            if status != UNPAID:
                raise CJError(1603101, detail=f"order {order_id} is {status}")
            amount = money(doc["orderAmount"])
            if _balance(tx, open_id) < amount:
                raise CJError(1604000, detail=f"the order costs {amount}")
            Accounts.debit(tx, open_id, amount)
            doc = self._paid(tx, doc, now_us)
            tx.put(orders_ns(open_id), doc["orderId"], doc)
        self._scheduled()
        self._send([self._update(doc, now_us)])
        return str(doc["orderId"])

    def pay_shipment(self, open_id: int, shipment_id: str, pay_id: str, now_us: int) -> str:
        """payBalanceV2: every UNPAID order of the shipment, all or none."""
        paid: list[Doc] = []
        with self.store.transaction() as tx:
            shipment = self._shipment(tx, open_id, shipment_id)
            if shipment["payId"] is None or shipment["payId"] != pay_id.strip():
                raise CJError(1603101, detail="payId is not this shipment's "
                              "(call saveGenerateParentOrder first)")
            docs = [self._load(tx, open_id, oid) for oid in shipment["orderIds"]]
            unpaid = [d for d in docs if views.status_at(d, now_us) == UNPAID]
            if not unpaid:
                raise CJError(1603101, detail="no order of the shipment is UNPAID")
            total = money(sum((Decimal(d["orderAmount"]) for d in unpaid), ZERO))
            if _balance(tx, open_id) < total:
                raise CJError(1604000, detail=f"the shipment costs {total}")
            Accounts.debit(tx, open_id, total)
            for doc in unpaid:
                doc = self._paid(tx, doc, now_us)
                tx.put(orders_ns(open_id), doc["orderId"], doc)
                paid.append(doc)
        self._scheduled()
        self._send([self._update(d, now_us) for d in paid])
        return str(shipment["shipmentId"])


def _storages_of(country: str) -> tuple[Storage, ...]:
    from cjsim.domain.catalogue.warehouses import STORAGES_OF  # lazily: `import cjsim` stays light

    return STORAGES_OF.get(country, ())


def _main_storage(allocation: Sequence[Sequence[Any]], country: str) -> Storage | None:
    """The storage that gives the most units (the country's main one when none gives any)."""
    from cjsim.domain.catalogue.warehouses import STORAGES_BY_ID, STORAGES_OF

    units: dict[str, int] = {}
    for _, sid, n in allocation:
        units[sid] = units.get(sid, 0) + n
    if units:
        return STORAGES_BY_ID[max(units, key=lambda sid: units[sid])]
    homes = STORAGES_OF.get(country, ())
    return homes[0] if homes else None


def create_answer(doc: Doc) -> dict[str, Any]:
    """createOrderV2 ``data`` (docs/endpoints.md, key order)."""
    products, postage = money(doc["productAmount"]), money(doc["postageAmount"])
    total = money(doc["orderAmount"])
    return {
        "orderId": doc["orderId"], "orderNumber": doc["orderNumber"],
        "shipmentOrderId": doc["shipmentId"], "iossAmount": ZERO, "iossTaxHandlingFee": ZERO,
        "postageAmount": postage, "productAmount": products, "productOriginalAmount": products,
        "productDiscountAmount": ZERO, "postageDiscountAmount": ZERO,
        "postageOriginalAmount": postage, "totalDiscountAmount": ZERO, "actualPayment": total,
        "orderOriginalAmount": total, "cjPayUrl": doc["cjPayUrl"], "orderAmount": total,
        "logisticsMiss": False, "orderStatus": doc["status"],
        "productInfoList": [
            {"storeLineItemId": line.get("storeLineItemId"), "lineItemId": line["lineItemId"],
             "variantId": line["vid"], "quantity": line["quantity"], "isGroup": False,
             "subOrderProducts": []}
            for line in doc["lines"]
        ],
        "interceptOrderReasons": [],
        "storageId": doc.get("storageId"), "storageName": doc.get("storageName"),
    }
