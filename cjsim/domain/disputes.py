"""Disputes on delivered orders (docs/interfaces.md, "Disputes").

State, per account (another account's ids are simply unknown):

* ``disputes:<openId>``  disputeId -> dispute document (money as strings)
* ``dispute_due``        "<openId>|<disputeId>" -> {dueUs}: accepted refunds not yet credited

A dispute names lines of one delivered order (``lineItemId`` + quantity). CJ answers it on
the clock: it is PROCESSING until ``resolveAtUs`` (``dispute_resolve_s`` after creation) and
then FINISHED, accepted; an accepted refund dispute credits its amount to the balance once
(:meth:`Disputes.settle`, run by every tick). A line with a PROCESSING or FINISHED dispute
cannot be disputed again; a CANCELLED dispute frees its lines.

The codes: ``FAIL_CODES`` is the one mapping point. CJ's 2026 catalogue has 1607006-1607009 for
the four dispute failures; a catalogue without them (``legacy``) answers 1600300 naming the problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cjsim.clock import US
from cjsim.domain import order_views as views
from cjsim.domain import progress
from cjsim.domain.accounts import Accounts
from cjsim.domain.order_views import orders_ns, utc_text
from cjsim.errors import SEED_CATALOGUE, CJError, illegal
from cjsim.money import ZERO, money, money_str
from cjsim.store import Doc, Store, Txn

if TYPE_CHECKING:
    from cjsim.domain.catalogue import Catalogue

DUE_NS = "dispute_due"
NEXT_NS, NEXT_KEY = "dispute_next", "next"  # the earliest dueUs: a tick with nothing due reads one doc
PROCESSING, FINISHED, CANCELLED = "PROCESSING", "FINISHED", "CANCELLED"
STATUSES = (PROCESSING, FINISHED, CANCELLED)
EXPECT_REFUND, EXPECT_REISSUE = 1, 2
REASONS: Mapping[int, str] = {  # the simulator's reason table (disputeConfirmInfo)
    1: "Product damaged", 2: "Wrong product", 3: "Missing product", 4: "Quality problem",
    5: "Not received", 6: "Other",
}
# which failure -> the code CJ's 2026 catalogue gives it (falls back to 1600300 without it)
FAIL_CODES: Mapping[str, int] = {"products": 1607006, "confirm": 1607007, "create": 1607008,
                                 "cancel": 1607009}


def disputes_ns(open_id: int | str) -> str:
    return f"disputes:{open_id}"


def code_of(step: str) -> int:
    """The code this catalogue answers for a failed ``step`` (the route rows list it too)."""
    code = FAIL_CODES[step]
    return code if code in SEED_CATALOGUE else 1600300


def fail(step: str, detail: str) -> CJError:
    return CJError(code_of(step), detail=detail, reason=f"dispute-{step}")


def status_at(doc: Doc, now_us: int) -> str:
    status: str = doc["status"]
    if status == PROCESSING and now_us >= doc["resolveAtUs"]:
        return FINISHED
    return status


class Disputes:
    """The dispute lifecycle for one simulator."""

    def __init__(self, store: Store, catalogue: Callable[[], Catalogue],
                 resolve_s: Callable[[], int]) -> None:
        self.store = store
        self._catalogue = catalogue
        self._resolve_s = resolve_s

    # -- helpers -------------------------------------------------------------------------
    def _order(self, open_id: int, order_id: str, now_us: int, step: str) -> Doc:
        doc = self.store.get(orders_ns(open_id), order_id.strip())
        if doc is None:
            raise CJError(1603100, detail=f"orderId {order_id}")
        status = views.status_at(doc, now_us)
        if status != views.DELIVERED:
            raise fail(step, f"order {order_id} is {status}: only a delivered order can be disputed")
        return doc

    def _taken(self, open_id: int, order_id: str, now_us: int,
               items: Sequence[tuple[str, Doc]] | None = None) -> dict[str, int]:
        """lineItemId -> units under a PROCESSING or FINISHED dispute of this order."""
        taken: dict[str, int] = {}
        docs = items if items is not None else self.store.items(disputes_ns(open_id))
        for _, d in docs:
            if d["orderId"] != order_id or status_at(d, now_us) == CANCELLED:
                continue
            for line in d["lines"]:
                taken[line["lineItemId"]] = taken.get(line["lineItemId"], 0) + line["quantity"]
        return taken

    def _product_rows(self, order: Doc, taken: Mapping[str, int]) -> list[dict[str, Any]]:
        cat = self._catalogue()
        rows = []
        for line in order["lines"]:
            variant = cat.variant(line["vid"], include_offline=True)
            product = cat.product(variant.pid, include_offline=True)
            left = line["quantity"] - taken.get(line["lineItemId"], 0)
            rows.append({
                "lineItemId": line["lineItemId"], "cjProductId": variant.pid,
                "cjVariantId": variant.vid, "canChoose": left > 0,
                "price": money(line["sellPrice"]), "quantity": max(0, left),
                "cjProductName": product.name_en, "cjImage": variant.image, "sku": variant.sku,
                "supplierName": "CJ Dropshipping"})
        return rows

    def _chosen(self, order: Doc, wanted: Sequence[Mapping[str, Any]], taken: Mapping[str, int],
                step: str) -> list[dict[str, Any]]:
        """The lines a request names, each at most what is left of it."""
        by_id = {line["lineItemId"]: line for line in order["lines"]}
        out: dict[str, dict[str, Any]] = {}
        for index, item in enumerate(wanted):
            line_id = str(item["lineItemId"]).strip()
            line = by_id.get(line_id)
            if line is None:
                raise fail(step, f"productInfoList[{index}].lineItemId {line_id} is not a line of "
                                 f"order {order['orderId']}")
            left = line["quantity"] - taken.get(line_id, 0) - out.get(line_id, {}).get("quantity", 0)
            quantity = item.get("quantity") or left
            if left <= 0:
                raise fail(step, f"line {line_id} already has a dispute")
            if quantity > left:
                raise fail(step, f"productInfoList[{index}].quantity {quantity} is more than the "
                                 f"{left} left to dispute")
            prev = out.get(line_id)
            out[line_id] = {"lineItemId": line_id, "vid": line["vid"],
                            "quantity": quantity + (prev["quantity"] if prev else 0),
                            "price": line["sellPrice"]}
        return list(out.values())

    # -- the interfaces --------------------------------------------------------------------
    def products(self, open_id: int, now_us: int, *, order_id: str) -> dict[str, Any]:
        order = self._order(open_id, order_id, now_us, "products")
        taken = self._taken(open_id, order["orderId"], now_us)
        return {"orderId": order["orderId"], "orderNumber": order["orderNumber"],
                "productInfoList": self._product_rows(order, taken)}

    def confirm_info(self, open_id: int, now_us: int, *, order_id: str,
                     product_info_list: Sequence[Mapping[str, Any]],
                     dispute_id: str | None = None) -> dict[str, Any]:
        """What a dispute on these lines may claim: the most it refunds and the reasons."""
        del dispute_id  # the MCP client sends it; an existing dispute changes nothing here
        order = self._order(open_id, order_id, now_us, "confirm")
        taken = self._taken(open_id, order["orderId"], now_us)
        chosen = self._chosen(order, product_info_list, taken, "confirm")
        amount = money(sum((Decimal(c["price"]) * c["quantity"] for c in chosen), ZERO))
        rows = {r["lineItemId"]: r for r in self._product_rows(order, taken)}
        return {
            "orderId": order["orderId"], "orderNumber": order["orderNumber"],
            "maxProductPrice": amount, "maxPostage": money(order["postageAmount"]),
            "expectResultOptionList": [str(EXPECT_REFUND), str(EXPECT_REISSUE)],
            "productInfoList": [{**rows[c["lineItemId"]], "quantity": c["quantity"]} for c in chosen],
            "disputeReasonList": [{"disputeReasonId": rid, "reasonName": name}
                                  for rid, name in REASONS.items()],
        }

    def create(self, open_id: int, now_us: int, *, order_id: str,
               product_info_list: Sequence[Mapping[str, Any]] | None = None,
               business_dispute_id: str | None = None, dispute_reason_id: int | None = None,
               reason: str | None = None, expect_type: int = EXPECT_REFUND,
               refund_type: int | None = None, message_text: str | None = None,
               description: str | None = None, image_url: Sequence[str] = (),
               image_urls: Sequence[str] = ()) -> dict[str, Any]:
        """A new PROCESSING dispute; without productInfoList every line left is disputed."""
        del refund_type  # 1 balance / 2 platform: the simulator refunds to the balance only
        if dispute_reason_id is None and not reason:
            raise fail("create", "give disputeReasonId or reason")
        if dispute_reason_id is not None and dispute_reason_id not in REASONS:
            raise fail("create", f"disputeReasonId {dispute_reason_id} is not one of {sorted(REASONS)}")
        order = self._order(open_id, order_id, now_us, "create")
        with self.store.transaction() as tx:
            items = tx.items(disputes_ns(open_id))
            taken = self._taken(open_id, order["orderId"], now_us, items)
            wanted = product_info_list or [
                {"lineItemId": line["lineItemId"]} for line in order["lines"]
                if line["quantity"] - taken.get(line["lineItemId"], 0) > 0]
            if not wanted:
                raise fail("create", f"every line of order {order['orderId']} already has a dispute")
            if business_dispute_id and any(d.get("businessDisputeId") == business_dispute_id
                                           for _, d in items):
                raise fail("create", f"businessDisputeId {business_dispute_id} already exists")
            chosen = self._chosen(order, wanted, taken, "create")
            amount = money(sum((Decimal(c["price"]) * c["quantity"] for c in chosen), ZERO))
            dispute_id = f"DP{order['orderId']}{tx.next_seq('dispute') % 10**4:04d}"
            doc: Doc = {
                "disputeId": dispute_id, "businessDisputeId": business_dispute_id,
                "orderId": order["orderId"], "orderNumber": order["orderNumber"],
                "openId": open_id, "status": PROCESSING,
                "reasonId": dispute_reason_id, "reason": reason or REASONS.get(dispute_reason_id or 0),
                "expectType": expect_type, "message": message_text or description,
                "images": list(image_url or image_urls), "lines": chosen,
                "amount": money_str(amount if expect_type == EXPECT_REFUND else ZERO),
                "createdUs": now_us, "resolveAtUs": now_us + self._resolve_s() * US,
                "cancelledUs": None, "refundedUs": None,
            }
            tx.put(disputes_ns(open_id), dispute_id, doc)
            if expect_type == EXPECT_REFUND:
                self._schedule(tx, doc)
        return self.view(doc, now_us)

    def cancel(self, open_id: int, now_us: int, *, dispute_id: str) -> str:
        with self.store.transaction() as tx:
            doc = tx.get(disputes_ns(open_id), dispute_id.strip())
            if doc is None:
                raise fail("cancel", f"disputeId {dispute_id} is not found")
            status = status_at(doc, now_us)
            if status != PROCESSING:
                raise fail("cancel", f"dispute {dispute_id} is {status}: only a PROCESSING one can be cancelled")
            doc = {**doc, "status": CANCELLED, "cancelledUs": now_us}
            tx.put(disputes_ns(open_id), doc["disputeId"], doc)
            tx.delete(DUE_NS, f"{open_id}|{doc['disputeId']}")
        return str(doc["disputeId"])

    def page(self, open_id: int, now_us: int, *, page_num: int = 1, page_size: int = 20,
             status: str | None = None, order_id: str | None = None) -> dict[str, Any]:
        docs = [d for _, d in self.store.items(disputes_ns(open_id))]
        docs.sort(key=lambda d: (d["createdUs"], d["disputeId"]), reverse=True)
        if status:
            wanted = status.strip().upper()
            if wanted not in STATUSES:
                raise illegal(f"status must be one of {', '.join(STATUSES)} (any case)")
            docs = [d for d in docs if status_at(d, now_us) == wanted]
        if order_id:
            docs = [d for d in docs if d["orderId"] == order_id.strip()]
        start = (page_num - 1) * page_size
        return {"pageNum": page_num, "pageSize": page_size, "total": len(docs),
                "list": [self.view(d, now_us) for d in docs[start:start + page_size]]}

    def detail(self, open_id: int, now_us: int, *, dispute_id: str) -> dict[str, Any]:
        doc = self.store.get(disputes_ns(open_id), dispute_id.strip())
        if doc is None:
            raise fail("products", f"disputeId {dispute_id} is not found")
        return self.view(doc, now_us, full=True)

    @staticmethod
    def view(doc: Doc, now_us: int, full: bool = False) -> dict[str, Any]:
        status = status_at(doc, now_us)
        out: dict[str, Any] = {
            "id": doc["disputeId"], "disputeId": doc["disputeId"],
            "businessDisputeId": doc.get("businessDisputeId"), "orderId": doc["orderId"],
            "orderNumber": doc["orderNumber"], "status": status,
            "disputeReason": doc["reason"], "expectType": doc["expectType"],
            "money": money(doc["amount"]),
            "finallyDeal": ("REFUND" if doc["expectType"] == EXPECT_REFUND else "REISSUE")
            if status == FINISHED else None,
            "createDate": utc_text(doc["createdUs"]),
            "finishDate": utc_text(doc["resolveAtUs"]) if status == FINISHED
            else utc_text(doc["cancelledUs"]),
        }
        if full:
            out["messageText"] = doc.get("message")
            out["imageUrl"] = list(doc.get("images") or [])
            out["productInfoList"] = [{"lineItemId": c["lineItemId"], "cjVariantId": c["vid"],
                                       "quantity": c["quantity"], "price": money(c["price"])}
                                      for c in doc["lines"]]
        return out

    # -- the clock -------------------------------------------------------------------------
    @staticmethod
    def _schedule(tx: Txn, doc: Doc) -> None:
        tx.put(DUE_NS, f"{doc['openId']}|{doc['disputeId']}", {"dueUs": doc["resolveAtUs"]})
        nxt = tx.get(NEXT_NS, NEXT_KEY)
        if nxt is None or doc["resolveAtUs"] < nxt["dueUs"]:
            tx.put(NEXT_NS, NEXT_KEY, {"dueUs": doc["resolveAtUs"]})
        _wake(tx, doc["resolveAtUs"])

    def settle(self, now_us: int) -> int:
        """Credit every refund CJ accepted by ``now_us``, once; returns how many."""
        nxt = self.store.get(NEXT_NS, NEXT_KEY)
        if nxt is None or nxt["dueUs"] > now_us:
            return 0
        done = 0
        with self.store.transaction() as tx:
            upcoming: int | None = None
            for key, entry in tx.items(DUE_NS):
                if entry["dueUs"] > now_us:
                    upcoming = entry["dueUs"] if upcoming is None else min(upcoming, entry["dueUs"])
                    continue
                open_id, dispute_id = key.split("|", 1)
                tx.delete(DUE_NS, key)
                doc = tx.get(disputes_ns(open_id), dispute_id)
                if doc is None or doc["status"] != PROCESSING or doc.get("refundedUs") is not None:
                    continue
                Accounts.credit(tx, int(open_id), Decimal(doc["amount"]))
                tx.put(disputes_ns(open_id), dispute_id, {**doc, "refundedUs": entry["dueUs"]})
                done += 1
            if upcoming is None:
                tx.delete(NEXT_NS, NEXT_KEY)
            else:
                tx.put(NEXT_NS, NEXT_KEY, {"dueUs": upcoming})
                _wake(tx, upcoming)
        return done


def _wake(tx: Txn, due_us: int) -> None:
    """Lower the tick's one due time (progress.py), so the request path, which reads only that
    document, notices a dispute falling due without another store round trip."""
    due = tx.get(progress.DUE_NS, progress.DUE_KEY)
    if due is None or due_us < due["dueUs"]:
        tx.put(progress.DUE_NS, progress.DUE_KEY, {"dueUs": due_us})
