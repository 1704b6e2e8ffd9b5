"""product/stock/privateInventory/*: an account's own stock in CJ's storages (the state and the
answers are ``cjsim/domain/private_stock.py``). POST with a JSON body, as CJ's MCP server
calls them. Also the warehouse's photos of orders (``storehouseCenterWeb/syncStorehouseVideoRequests``)."""

from __future__ import annotations

from cjsim.api.bind import AccountView
from cjsim.domain.private_stock import FLOW_TYPES, PrivateInventory
from cjsim.params import INT32_MAX, Field
from cjsim.routes import Route, route
from cjsim.shapes import INT, STR, Schema, arr, maybe, obj

PAGE = (Field("pageNum", "int", min=1, max=INT32_MAX, default=1),
        Field("pageSize", "int", min=1, max=100, default=20))
_PREFIX = "product/stock/privateInventory/"


def _page(item: Schema) -> Schema:
    return obj({"pageNum": INT, "pageSize": INT, "total": INT, "list": arr(item)})


_ROW = obj({"vid": STR, "pid": STR, "sku": STR, "variantNameEn": maybe(STR), "storageId": STR,
            "storageName": STR, "countryCode": STR, "quantity": INT, "createTime": STR,
            "updateTime": STR})
SPU_PAGE = _page(obj({"productId": STR, "productSku": STR, "productNameEn": STR,
                      "productImage": STR, "skuCount": INT, "totalQuantity": INT}))
SKU_LIST = arr(obj({"vid": STR, "variantSku": STR, "variantNameEn": maybe(STR),
                    "totalQuantity": INT, "storageList": arr(obj({
                        "storageId": STR, "storageName": STR, "countryCode": STR,
                        "quantity": INT}))}))
FLOW_PAGE = _page(obj({"flowId": STR, "vid": STR, "pid": STR, "sku": STR, "storageId": STR,
                       "type": STR, "quantity": INT, "balance": INT, "orderId": maybe(STR),
                       "createTime": STR}))


def _view(method: str) -> AccountView:
    return AccountView("private", PrivateInventory, method)


ROWS: list[Route] = [
    route(_PREFIX + "querySpuPage", "POST", _view("query_spu_page"), *PAGE,
          Field("keyword", "str", max_len=200),
          Field("warehouseId", "str", max_len=200, doc="a storage id, an areaId or a country code"),
          body="json_or_empty", data=SPU_PAGE,
          family="storage", summary="Products the account holds private stock of (P1 paging)."),
    route(_PREFIX + "querySkuListByProductId", "POST", _view("query_sku_list_by_product_id"),
          Field("productId", "str", required=True, max_len=200), data=SKU_LIST,
          errors=(1602001,), family="storage",
          summary="A product's variants in private stock, per storage."),
    route(_PREFIX + "querySkuDetailPage", "POST", _view("query_sku_detail_page"), *PAGE,
          Field("keyword", "str", max_len=200), body="json_or_empty", data=_page(_ROW),
          family="storage", summary="Private stock rows (variant x storage), paged."),
    route(_PREFIX + "querySkuDetailListBySku", "POST", _view("query_sku_detail_list_by_sku"),
          Field("sku", "str", required=True, max_len=200), data=arr(_ROW), family="storage",
          summary="Private stock rows of one variant SKU."),
    route(_PREFIX + "querySkuFlowByCondition", "POST", _view("query_sku_flow_by_condition"),
          *PAGE, Field("sku", "str", max_len=200), Field("storageId", "str", max_len=200),
          Field("type", "str", choices=FLOW_TYPES), Field("startTime", "datetime"),
          Field("endTime", "datetime"), body="json_or_empty", data=FLOW_PAGE, family="storage",
          summary="Movements of private stock (in, orders, cancellations), newest first."),
    route("storehouseCenterWeb/syncStorehouseVideoRequests", "POST",
          AccountView("private", PrivateInventory, "order_pictures", clock=True),
          Field("orderIdList", "list", required=True, min_len=1, max_len=100),
          data=arr(obj({"orderId": STR, "pictureJson": arr(obj({"url": STR, "type": STR}))})),
          family="storage", summary="Photos the warehouse took of the account's orders (packing, once shipped)."),
]
