"""An account's products: "My Products" (``product/addToMyProduct``, ``product/myProduct/query``)
and sourcing requests (``product/sourcing/create``, ``product/sourcing/query``).

State per account: ``my_products:<openId>`` (pid -> when it was added) and
``sourcing:<openId>`` (sourcing id -> the request and its fixed outcome).

Why a sourcing request's outcome is decided when it is created and read off the clock: like
an order's shipping, its status at any instant follows from when it was made (PENDING, then
PROCESSING after ``sourcing_accept_s``, then FOUND or FAILED after ``sourcing_done_s``), so
no background job is needed and every worker agrees. The outcome is the catalogue's answer
to the request's product name: the first online product whose English name holds every word
of it (a test names a real product to get one, anything else is refused).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cjsim.clock import US, to_datetime
from cjsim.domain.options import DomainOptions
from cjsim.errors import illegal
from cjsim.money import money_str
from cjsim.store import Doc, Store

if TYPE_CHECKING:
    from cjsim.domain.catalogue import Catalogue

PENDING, PROCESSING, FOUND, FAILED = "PENDING", "PROCESSING", "FOUND", "FAILED"
STATUS_CODES = {PENDING: 1, PROCESSING: 2, FOUND: 3, FAILED: 4}
REFUSAL = "No supplier found for this product"


def my_ns(open_id: int | str) -> str:
    return f"my_products:{open_id}"


def sourcing_ns(open_id: int | str) -> str:
    return f"sourcing:{open_id}"


# ``sourceStatuses`` words: our statuses (names or codes, any case) and the words CJ's MCP
# server documents ("processing", "finished", "cancelled"; the simulator never cancels one).
_STATUS_WORDS: dict[str, frozenset[str]] = {
    **{name.lower(): frozenset({name}) for name in STATUS_CODES},
    **{str(code): frozenset({name}) for name, code in STATUS_CODES.items()},
    "finished": frozenset({FOUND, FAILED}), "cancelled": frozenset(), "canceled": frozenset(),
}


def _statuses(words: Sequence[Any] | None) -> frozenset[str] | None:
    """The statuses ``sourceStatuses`` names (None: no filter); an unknown word is 1600300."""
    if words is None:
        return None
    out: set[str] = set()
    for word in words:
        key = str(word).strip().lower()
        if key not in _STATUS_WORDS:
            raise illegal(f"sourceStatuses: unknown status {word!r} (one of "
                          f"{', '.join(STATUS_CODES)}, their codes 1-4, or finished/cancelled)",
                          param="sourceStatuses")
        out |= _STATUS_WORDS[key]
    return frozenset(out)


def _time(us: int | None) -> str | None:
    return None if us is None else f"{to_datetime(us):%Y-%m-%d %H:%M:%S}"


class MyProducts:
    def __init__(self, store: Store, catalogue: Callable[[], Catalogue],
                 options: DomainOptions) -> None:
        self.store = store
        self._catalogue = catalogue
        self.options = options

    # -- My Products ------------------------------------------------------------------------
    def add_to_my_product(self, open_id: int, *, product_id: str, now_us: int) -> bool:
        """Unknown or offline product -> 1602001; adding it again changes nothing."""
        p = self._catalogue().product(product_id)
        with self.store.transaction() as tx:
            if tx.get(my_ns(open_id), p.pid) is None:
                tx.put(my_ns(open_id), p.pid, {"pid": p.pid, "addedUs": now_us})
        return True

    def my_product_query(self, open_id: int, *, keyword: str | None = None,
                         category_id: str | None = None, start_at: int | None = None,
                         end_at: int | None = None, page_number: int = 1,
                         page_size: int = 10) -> dict[str, Any]:
        """Newest added first; products taken offline since stay listed (CJ keeps them)."""
        cat = self._catalogue()
        rows = sorted((doc for _, doc in self.store.items(my_ns(open_id))),
                      key=lambda d: (d["addedUs"], d["pid"]), reverse=True)
        words = keyword.lower().split() if keyword else []
        leaves = cat.subtree(category_id) if category_id else None
        items = []
        for row in rows:
            p = cat.find_product(row["pid"])
            if p is None:
                continue
            if words and not all(w in p.name_en.lower() or w == p.sku.lower() for w in words):
                continue
            if leaves is not None and p.category_id not in leaves:
                continue
            if start_at is not None and row["addedUs"] < start_at:
                continue
            if end_at is not None and row["addedUs"] > end_at:
                continue
            items.append({
                "productId": p.pid, "sku": p.sku, "nameEn": p.name_en, "bigImage": p.images[0],
                "sellPrice": money_str(p.sell_price), "categoryId": p.category_id,
                "productType": p.product_type, "weight": p.weight,
                "saleStatus": "3" if p.online else "2", "createAt": _time(row["addedUs"]),
            })
        total = len(items)
        start = (page_number - 1) * page_size
        return {"pageSize": page_size, "pageNumber": page_number, "totalRecords": total,
                "totalPages": -(-total // page_size) if total else 0,
                "content": items[start:start + page_size]}

    # -- sourcing -----------------------------------------------------------------------------
    def sourcing_create(self, open_id: int, *, product_name: str, product_image: str,
                        product_url: str | None = None, remark: str | None = None,
                        price: Any = None, third_product_id: str | None = None,
                        third_variant_id: str | None = None,
                        third_product_sku: str | None = None, now_us: int) -> dict[str, Any]:
        cat = self._catalogue()
        words = product_name.lower().split()
        match = next((p for p in cat.products
                      if p.online and words and all(w in p.name_en.lower() for w in words)), None)
        with self.store.transaction() as tx:
            if third_product_id:  # one request per shop product, as CJ refuses duplicates
                for _, doc in tx.items(sourcing_ns(open_id)):
                    if doc.get("thirdProductId") == third_product_id:
                        raise illegal(f"thirdProductId {third_product_id} was already "
                                      f"sourced ({doc['cjSourcingId']})", reason="duplicate")
            seq = tx.next_seq("sourcing")
            sourcing_id = f"{to_datetime(now_us):%y%m%d}{seq % 10**8:08d}"
            doc = {
                "cjSourcingId": sourcing_id, "productName": product_name,
                "productImage": product_image, "productUrl": product_url, "remark": remark,
                "price": money_str(price) if price is not None else None,
                "thirdProductId": third_product_id, "thirdVariantId": third_variant_id,
                "thirdProductSku": third_product_sku, "createdUs": now_us,
                "pid": match.pid if match else None,
                "vid": match.variants[0].vid if match else None,
                "variantSku": match.variants[0].sku if match else None,
            }
            tx.put(sourcing_ns(open_id), sourcing_id, doc)
        return {"cjSourcingId": sourcing_id, "result": "Sourcing request submitted"}

    def status_at(self, doc: Doc, now_us: int) -> str:
        age = now_us - doc["createdUs"]
        if age >= self.options.sourcing_done_s * US:
            return FOUND if doc["pid"] else FAILED
        return PROCESSING if age >= self.options.sourcing_accept_s * US else PENDING

    def sourcing_query(self, open_id: int, *, source_ids: Sequence[str] | None = None,
                       source_statuses: Sequence[Any] | None = None, page_num: int | None = None,
                       page_size: int | None = None, now_us: int) -> list[dict[str, Any]]:
        """With ``sourceIds``: the requests asked for, in request order (ids of no request of
        the account are left out). Without: every request of the account, newest first, one
        page (``pageNum`` 1, ``pageSize`` 20 unless given), as CJ's MCP server lists them.
        ``sourceStatuses`` keeps the requests in one of the statuses named."""
        wanted = _statuses(source_statuses)
        if source_ids is not None:
            docs = [doc for sid in dict.fromkeys(s.strip() for s in source_ids)
                    if (doc := self.store.get(sourcing_ns(open_id), sid)) is not None]
        else:
            docs = sorted((doc for _, doc in self.store.items(sourcing_ns(open_id))),
                          key=lambda d: (d["createdUs"], d["cjSourcingId"]), reverse=True)
        out = [self._shown(doc, now_us) for doc in docs]
        if wanted is not None:
            out = [shown for shown in out if shown["sourceStatusStr"] in wanted]
        if source_ids is None or page_num is not None or page_size is not None:
            start = ((page_num or 1) - 1) * (page_size or 20)
            out = out[start:start + (page_size or 20)]
        return out

    def _shown(self, doc: Mapping[str, Any], now_us: int) -> dict[str, Any]:
        status = self.status_at(dict(doc), now_us)
        found = status == FOUND
        done_us = doc["createdUs"] + self.options.sourcing_done_s * US
        return {
            "cjSourcingId": doc["cjSourcingId"], "sourceStatus": STATUS_CODES[status],
            "sourceStatusStr": status, "productName": doc["productName"],
            "productUrl": doc["productUrl"], "thirdProductId": doc["thirdProductId"],
            "thirdVariantId": doc["thirdVariantId"], "thirdProductSku": doc["thirdProductSku"],
            "createDate": _time(doc["createdUs"]),
            "finishDate": _time(done_us) if status in (FOUND, FAILED) else None,
            "cjProductId": doc["pid"] if found else None,
            "cjVariantId": doc["vid"] if found else None,
            "cjVariantSku": doc["variantSku"] if found else None,
            "failReason": REFUSAL if status == FAILED else None,
        }
