"""disputes/*: products, confirm, create, cancel, list, detail (docs/interfaces.md, "Disputes").
The lifecycle is ``cjsim/domain/disputes.py``; each row's fields are the domain method's
keyword parameters (``DomainView``)."""

from __future__ import annotations

from cjsim.api.bind import DomainView
from cjsim.domain.disputes import code_of
from cjsim.params import INT32_MAX, Field
from cjsim.routes import Route, route
from cjsim.shapes import BOOL, INT, NUM, STR, arr, maybe, obj

_ROW = {"lineItemId": STR, "cjProductId": STR, "cjVariantId": STR, "canChoose": BOOL,
        "price": NUM, "quantity": INT, "cjProductName": STR, "cjImage": STR, "sku": STR,
        "supplierName": STR}
PRODUCTS = obj({"orderId": STR, "orderNumber": STR, "productInfoList": arr(obj(_ROW))})
CONFIRM = obj({"orderId": STR, "orderNumber": STR, "maxProductPrice": NUM, "maxPostage": NUM,
               "expectResultOptionList": arr(STR), "productInfoList": arr(obj(_ROW)),
               "disputeReasonList": arr(obj({"disputeReasonId": INT, "reasonName": STR}))})
_DISPUTE = {"id": STR, "disputeId": STR, "businessDisputeId": maybe(STR), "orderId": STR,
            "orderNumber": STR, "status": STR, "disputeReason": maybe(STR), "expectType": INT,
            "money": NUM, "finallyDeal": maybe(STR), "createDate": STR, "finishDate": maybe(STR)}
DISPUTE = obj(_DISPUTE)
DETAIL = obj({**_DISPUTE, "messageText": maybe(STR), "imageUrl": arr(STR),
              "productInfoList": arr(obj({"lineItemId": STR, "cjVariantId": STR, "quantity": INT,
                                          "price": NUM}))})
PAGE = obj({"pageNum": INT, "pageSize": INT, "total": INT, "list": arr(DISPUTE)})

ORDER = Field("orderId", "str", required=True, max_len=100)
_LINES = (Field("lineItemId", "str", required=True, max_len=100),
          Field("cjProductId", "str", max_len=100), Field("cjVariantId", "str", max_len=100),
          Field("quantity", "int", min=1, max=INT32_MAX))
DISPUTE_ID = Field("disputeId", "str", required=True, max_len=100)

ROWS: list[Route] = [
    route("disputes/disputeProducts", "GET", DomainView("disputes", "products"), ORDER,
          data=PRODUCTS, errors=(1603100, code_of("products")), family="disputes",
          summary="The lines of a delivered order and how much of each can still be disputed."),
    route("disputes/disputeConfirmInfo", "POST", DomainView("disputes", "confirm_info"), ORDER,
          Field("productInfoList", "objects", required=True, min_len=1, max_len=200, items=_LINES),
          Field("disputeId", "str", max_len=100),
          data=CONFIRM, errors=(1603100, code_of("confirm")), family="disputes",
          summary="What a dispute on these lines may claim, and the reasons to choose from."),
    route("disputes/create", "POST", DomainView("disputes", "create"), ORDER,
          Field("productInfoList", "objects", max_len=200, items=_LINES),
          Field("businessDisputeId", "str", max_len=100),
          Field("disputeReasonId", "int", min=1, max=INT32_MAX), Field("reason", "str", max_len=500),
          Field("expectType", "int", choices=(1, 2), default=1),
          Field("refundType", "int", choices=(1, 2)),
          Field("messageText", "str", max_len=2000), Field("description", "str", max_len=2000),
          Field("imageUrl", "list", max_len=20), Field("imageUrls", "list", max_len=20),
          data=DETAIL, errors=(1603100, code_of("create")), family="disputes",
          summary="Open a dispute on a delivered order's lines (all lines left when none named)."),
    route("disputes/cancel", "POST", DomainView("disputes", "cancel"), DISPUTE_ID,
          data=STR, errors=(code_of("cancel"),), family="disputes",
          summary="Withdraw a dispute still PROCESSING; its lines can be disputed again."),
    route("disputes/getDisputeList", "GET", DomainView("disputes", "page"),
          Field("pageNum", "int", min=1, max=INT32_MAX, default=1),
          Field("pageSize", "int", min=1, max=100, default=20),
          Field("status", "str", max_len=20), Field("orderId", "str", max_len=100),
          data=PAGE, family="disputes", summary="The account's disputes, newest first."),
    route("disputes/getDisputeDetail", "GET", DomainView("disputes", "detail"), DISPUTE_ID,
          data=DETAIL, errors=(code_of("products"),), family="disputes", summary="One dispute with its lines."),
]
