"""product/*: categories, the two searches, detail, variants, stock (docs/endpoints.md, "products").

The handlers are thin: the Field specs do the 1600300 answers (paging bounds included), the
seeded catalogue answers (each handler names one ``Catalogue`` method, which takes the fields
snake_cased, see ``cjsim/api/bind.py``), and live stock is the catalogue's base stock minus
what orders hold (``sim.domain.reserved()``, read once per request).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cjsim.api.bind import AccountView, CatalogueView
from cjsim.call import Call
from cjsim.domain.my_products import MyProducts
from cjsim.errors import CJError
from cjsim.params import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, Field
from cjsim.routes import Route, route
from cjsim.shapes import BOOL, INT, NUM, STR, Schema, arr, maybe, obj

# P1 (product/list, shopping/order/list) and P2 (product/listV2), docs/rules.md, "Formats"
P1 = (Field("pageNum", "int", min=1, max=INT32_MAX, default=1), Field("pageSize", "int", min=1, max=200, default=20))
P2 = (Field("page", "int", min=1, max=1000, default=1), Field("size", "int", min=1, max=100, default=10))
FEATURES = Field("features", "list")
COUNTRY = Field("countryCode", "str", max_len=2)
SUPPLIER = (Field("supplierId", "str"), Field("verifiedWarehouse", "int", min=INT32_MIN, max=INT32_MAX))

# -- the data of each answer (docs/endpoints.md, "products") -------------------------------

_CATEGORY = obj({"categoryId": STR, "categoryName": STR})
CATEGORY_TREE = arr(obj({"categoryFirstName": STR, "categoryFirstList": arr(obj({
    "categorySecondName": STR, "categorySecondList": arr(_CATEGORY)}))}))
LIST_PAGE = obj({"pageNum": INT, "pageSize": INT, "total": INT, "list": arr(obj({
    "pid": STR, "productName": STR, "productNameEn": STR, "productSku": STR, "productImage": STR,
    "productWeight": INT, "productType": STR, "productUnit": STR, "sellPrice": NUM,
    "suggestSellPrice": STR,
    "categoryId": STR, "categoryName": STR, "remark": STR, "addMarkStatus": INT,
    "isFreeShipping": BOOL, "listedNum": INT, "supplierName": STR, "supplierId": STR,
    "createTime": STR, "isVideo": INT, "saleStatus": INT, "customizationVersion": INT}))})
_V2_ITEM = obj({
    "id": STR, "nameEn": STR, "sku": STR, "spu": STR, "bigImage": STR, "sellPrice": STR,
    "nowPrice": STR, "suggestSellPrice": STR, "discountPrice": STR, "discountPriceRate": STR, "listedNum": INT,
    "categoryId": STR, "twoCategoryId": STR, "oneCategoryId": STR,
    "threeCategoryName": maybe(STR), "twoCategoryName": maybe(STR), "oneCategoryName": maybe(STR),
    "addMarkStatus": INT, "isVideo": INT, "videoList": arr(STR), "productType": STR,
    "supplierName": STR, "createAt": INT, "warehouseInventoryNum": INT,
    "totalVerifiedInventory": INT, "totalUnVerifiedInventory": INT, "verifiedWarehouse": INT,
    "customization": INT, "isPersonalized": INT, "hasCECertification": INT, "isCollect": INT,
    "myProduct": BOOL, "currency": STR, "description": maybe(STR), "deliveryCycle": STR,
    "saleStatus": STR, "authorityStatus": STR})
LIST_V2_PAGE = obj({"pageSize": INT, "pageNumber": INT, "totalRecords": INT, "totalPages": INT,
                    "content": arr(obj({
                        "productList": arr(_V2_ITEM), "relatedCategoryList": arr(_CATEGORY),
                        "categoryList": maybe(arr(_CATEGORY)),
                        "storeList": arr(obj({"warehouseId": STR, "warehouseName": STR,
                                              "countryCode": STR})),
                        "keyWord": maybe(STR), "keyWordOld": maybe(STR), "searchHit": STR}))})
# per storage of the row's country (cjsim/domain/catalogue/warehouses.py)
_STOCK = arr(obj({"stockId": STR, "stockName": STR, "totalInventory": INT, "cjInventory": INT,
                  "factoryInventory": INT}))
_STOCK_NUM = arr(obj({"stockId": STR, "stockName": STR, "totalInventoryNum": INT,
                      "cjInventoryNum": INT, "factoryInventoryNum": INT}))
_COUNTRY_INVENTORY = obj({"countryCode": STR, "totalInventory": INT, "cjInventory": INT,
                          "factoryInventory": INT, "verifiedWarehouse": INT, "stock": _STOCK})
VARIANT = obj({
    "vid": STR, "pid": STR, "variantName": maybe(STR), "variantNameEn": STR, "variantSku": STR,
    "variantImage": STR, "variantStandard": STR, "variantUnit": maybe(STR),
    "variantProperty": maybe(STR), "variantKey": STR, "variantLength": INT, "variantWidth": INT,
    "variantHeight": INT, "variantVolume": INT, "variantWeight": NUM, "variantSellPrice": NUM,
    "variantSugSellPrice": NUM, "createTime": STR,
}, {"inventories": arr(_COUNTRY_INVENTORY)})  # with features=enable_inventory
# product/query's sellPrice: a number when every variant costs the same, else "low-high"
PRICE: Schema = {"type": ["number", "string"]}
PRODUCT: Schema = obj({
    "pid": STR, "productName": STR, "productNameEn": STR, "productSku": STR, "bigImage": STR,
    "productImage": STR, "productImageSet": arr(STR), "productWeight": STR, "packingWeight": STR,
    "productUnit": STR, "productType": STR, "categoryId": STR, "categoryName": STR,
    "entryCode": STR, "entryName": STR, "entryNameEn": STR, "materialName": STR,
    "materialNameEn": STR, "materialKey": STR, "packingName": STR, "packingNameEn": STR,
    "packingKey": STR, "productKey": STR, "productKeyEn": STR, "productProSet": arr(STR),
    "productProEnSet": arr(STR), "productPro": STR, "productProEn": STR, "sellPrice": PRICE,
    "productSugSellPrice": NUM, "suggestSellPrice": STR, "addMarkStatus": INT,
    "description": STR, "status": STR, "listedNum": INT, "supplierName": STR, "supplierId": STR,
    "productVideo": arr(STR), "createrTime": STR, "customizationVersion": INT,
    "variants": arr(VARIANT)})
_AREA = {"areaId": INT, "areaEn": STR, "countryCode": STR}
_LEVELS = {"totalInventoryNum": INT, "cjInventoryNum": INT, "factoryInventoryNum": INT}
STOCK_BY_VID = arr(obj({"vid": STR, **_AREA, "storageNum": INT, **_LEVELS, "stock": _STOCK_NUM}))
STOCK_BY_SKU = arr(obj({**_AREA, "countryNameEn": STR, **_LEVELS, "stock": _STOCK_NUM}))
INVENTORY = obj({"inventories": arr(obj({**_AREA, **_LEVELS, "countryNameEn": STR,
                                         "stock": _STOCK_NUM})),
                 "variantInventories": arr(obj({"vid": STR, "inventory": arr(_COUNTRY_INVENTORY)}))})

# storages (cjsim/domain/catalogue/warehouses.py)
WAREHOUSE = obj({
    "id": STR, "name": STR, "areaId": INT, "areaCountryCode": STR, "address1": STR,
    "address2": maybe(STR), "contacts": maybe(STR), "phone": STR, "city": STR, "province": STR,
    "logisticsBrandList": arr(obj({"id": STR, "name": STR})), "isSelfPickup": INT,
    "zipCode": STR})
WAREHOUSES = arr(obj({"areaId": INT, "areaEn": STR, "countryCode": STR, "nameEn": STR,
                      "storageList": arr(obj({"storageId": STR, "storageName": STR}))}))
# comments, image search (cjsim/domain/catalogue/comments.py)
COMMENTS = obj({"pageNum": STR, "pageSize": STR, "total": STR, "list": arr(obj({
    "commentId": STR, "pid": STR, "comment": STR, "commentDate": STR, "commentUser": STR,
    "score": STR, "commentUrls": arr(STR), "countryCode": STR, "flagIconUrl": STR}))})
IMAGE_HITS = arr(obj({"pid": STR, "productNameEn": STR, "productSku": STR, "productImage": STR,
                      "sellPrice": NUM, "categoryId": STR, "similarity": STR}))
# My Products and sourcing (cjsim/domain/my_products.py)
MY_PRODUCTS = obj({"pageSize": INT, "pageNumber": INT, "totalRecords": INT, "totalPages": INT,
                   "content": arr(obj({
                       "productId": STR, "sku": STR, "nameEn": STR, "bigImage": STR,
                       "sellPrice": STR, "categoryId": STR, "productType": STR, "weight": INT,
                       "saleStatus": STR, "createAt": STR}))})
SOURCING_CREATED = obj({"cjSourcingId": STR, "result": STR})
SOURCINGS = arr(obj({
    "cjSourcingId": STR, "sourceStatus": INT, "sourceStatusStr": STR, "productName": STR,
    "productUrl": maybe(STR), "thirdProductId": maybe(STR), "thirdVariantId": maybe(STR),
    "thirdProductSku": maybe(STR), "createDate": STR, "finishDate": maybe(STR),
    "cjProductId": maybe(STR), "cjVariantId": maybe(STR), "cjVariantSku": maybe(STR),
    "failReason": maybe(STR)}))


get_category = CatalogueView("get_category", live_stock=False)
@dataclass(frozen=True)
class PagedView(CatalogueView):
    """A listing whose depth the profile may cap (``max_offset``: cj-2026 refuses an offset
    (page-1) x size beyond 6,000)."""

    page: str = "pageNum"
    size: str = "pageSize"

    def __call__(self, call: Call) -> Any:
        profile = call.sim.profile
        deepest = profile.max_offset
        if deepest is not None:
            offset = (call.params[self.page] - 1) * call.params[self.size]
            if offset > deepest:
                raise CJError(1600300, reason="max-offset",
                              message=f"{profile.catalogue.message(1600300)}, the max offset "
                                      f"is {deepest}",
                              detail=f"({self.page} - 1) x {self.size} = {offset}")
        return super().__call__(call)


product_list = PagedView("product_list")
product_list_v2 = PagedView("product_list_v2", page="page", size="size")
product_query = CatalogueView("product_query")
variant_query = CatalogueView("variant_query")
variant_by_vid = CatalogueView("variant_by_vid")
stock_by_vid = CatalogueView("stock_by_vid")
stock_by_sku = CatalogueView("stock_by_sku")
inventory_by_pid = CatalogueView("inventory_by_pid")


def _image_search_allowed(call: Call) -> None:
    """queryProductsByImage is whitelist-only at CJ: the account's ``imageSearch`` flag
    (``PATCH /__cjsim/accounts/<openId>`` ``{"imageSearch": true}``)."""
    if call.account is None or not call.account.image_search:
        raise CJError(1600001, detail="product/queryProductsByImage is open to whitelisted "
                      "accounts only", reason="not-whitelisted")


product_comments = CatalogueView("product_comments", live_stock=False)
comments = CatalogueView("comments", live_stock=False)
products_by_image = CatalogueView("query_products_by_image", live_stock=False,
                                  guard=_image_search_allowed)
add_to_my_product = AccountView("my_products", MyProducts, "add_to_my_product", clock=True)
my_product_query = AccountView("my_products", MyProducts, "my_product_query")
sourcing_create = AccountView("my_products", MyProducts, "sourcing_create", clock=True)
sourcing_query = AccountView("my_products", MyProducts, "sourcing_query", clock=True)
warehouse_detail = CatalogueView("warehouse_detail", live_stock=False)
global_warehouse_list = CatalogueView("global_warehouse_list", live_stock=False)


_WHICH = (Field("pid", "str"), Field("productSku", "str"), Field("variantSku", "str"))

ROWS: list[Route] = [
    route("product/getCategory", "GET", get_category, data=CATEGORY_TREE, family="products",
          summary="The three-level category tree (ids on the third level only)."),
    route("product/list", "GET", product_list, *P1,
          Field("productNameEn", "str"), Field("productName", "str"), Field("pid", "str"),
          Field("productSku", "str"), Field("categoryId", "str"), COUNTRY,
          Field("minPrice", "decimal"), Field("maxPrice", "decimal"),
          Field("startInventory", "int", min=0, max=INT32_MAX),
          Field("endInventory", "int", min=0, max=INT32_MAX),
          Field("createTimeFrom", "datetime"), Field("createTimeTo", "datetime"),
          Field("orderBy", "str", choices=("createAt", "listedNum")),
          Field("sort", "str", choices=("desc", "asc", "DESC", "ASC")),
          Field("productType", "str", choices=("ORDINARY_PRODUCT", "SUPPLIER_PRODUCT")),
          Field("isFreeShipping", "int", choices=(0, 1)),
          Field("minListedNum", "int", min=0, max=INT32_MAX),
          Field("maxListedNum", "int", min=0, max=INT32_MAX), *SUPPLIER,
          data=LIST_PAGE, family="products", summary="Legacy product search (P1 paging); GET only."),
    route("product/listV2", "GET", product_list_v2, *P2,
          Field("keyWord", "str"), Field("categoryId", "str"),
          Field("lv2categoryList", "list"), Field("lv3categoryList", "list"), COUNTRY,
          Field("startSellPrice", "decimal"), Field("endSellPrice", "decimal"),
          Field("startWarehouseInventory", "int", min=0, max=INT32_MAX),
          Field("endWarehouseInventory", "int", min=0, max=INT32_MAX),
          Field("addMarkStatus", "int", choices=(0, 1)),
          Field("timeStart", "int", min=INT64_MIN, max=INT64_MAX),  # epoch ms: Java longs
          Field("timeEnd", "int", min=INT64_MIN, max=INT64_MAX),
          Field("orderBy", "int", choices=(0, 1, 2, 3, 4)),
          Field("sort", "str", choices=("desc", "asc", "DESC", "ASC")),
          FEATURES, Field("productType", "str", max_len=40,
                          doc="4/10/11, or SUPPLIER_PRODUCT, VIDEO_PRODUCT, NON_VIDEO_PRODUCT, "
                              "ORDINARY_PRODUCT"), *SUPPLIER,
          data=LIST_V2_PAGE, family="products", summary="Product search (P2 paging); productList first."),
    route("product/query", "GET", product_query, *_WHICH, FEATURES, COUNTRY,
          data=PRODUCT, errors=(1602000, 1602001),
          family="products", summary="One product with its variants (pid, productSku or variantSku)."),
    route("product/variant/query", "GET", variant_query, *_WHICH, COUNTRY,
          data=arr(VARIANT), errors=(1602000, 1602001), family="products", summary="A product's variants."),
    route("product/variant/queryByVid", "GET", variant_by_vid,
          Field("vid", "str", required=True), FEATURES,
          data=VARIANT, errors=(1602000, 1602001), family="products", summary="One variant by vid."),
    route("product/stock/queryByVid", "GET", stock_by_vid, Field("vid", "str", required=True),
          data=STOCK_BY_VID, errors=(1602000, 1602001),
          family="products", summary="A variant's stock per warehouse country."),
    route("product/stock/queryBySku", "GET", stock_by_sku, Field("sku", "str", required=True),
          data=STOCK_BY_SKU, errors=(1602000, 1602001),
          family="products", summary="Stock of a variant SKU, or summed over a product SKU."),
    route("product/stock/getInventoryByPid", "GET", inventory_by_pid,
          Field("pid", "str", required=True), COUNTRY,
          data=INVENTORY, errors=(1602001,),
          family="products", summary="A product's stock per country and per variant."),
    route("product/globalWarehouseList", "GET", global_warehouse_list, data=WAREHOUSES,
          family="storage", summary="Every warehouse country with its storages (stock ids)."),
    route("warehouse/detail", "GET", warehouse_detail, Field("id", "str", required=True, max_len=200),
          data=WAREHOUSE, family="storage", summary="One storage (sub-warehouse) by id: address, logistics brands."),
    route("product/productComments", "GET", product_comments,
          Field("pid", "str", required=True, max_len=200), Field("score", "int", min=1, max=5),
          *P1, data=COMMENTS, errors=(1602001,), family="products",
          summary="A product's comments, newest first (P1 paging)."),
    route("product/comments", "GET", comments,
          Field("pid", "str", required=True, max_len=200), Field("score", "int", min=1, max=5),
          *P1, data=COMMENTS, errors=(1602001,), family="products", deprecated=True,
          summary="Deprecated twin of productComments."),
    route("product/queryProductsByImage", "POST", products_by_image,
          Field("image", "str", required=True, max_len=4_000_200),
          Field("size", "int", min=1, max=50, default=10),
          data=IMAGE_HITS, errors=(1600001,),
          family="products", summary="Products like an image (URL or base64); whitelist only."),
    route("product/addToMyProduct", "POST", add_to_my_product,
          Field("productId", "str", required=True, max_len=200),
          data=BOOL, errors=(1602001,),
          family="my-products", summary="Add a product to the account's My Products."),
    route("product/myProduct/query", "GET", my_product_query,
          Field("keyword", "str", max_len=200), Field("categoryId", "str", max_len=200),
          Field("startAt", "datetime"), Field("endAt", "datetime"),
          Field("pageNumber", "int", min=1, max=1000, default=1),
          Field("pageSize", "int", min=1, max=100, default=10),
          data=MY_PRODUCTS, family="my-products",
          summary="The account's My Products, newest added first."),
    route("product/sourcing/create", "POST", sourcing_create,
          Field("productName", "str", required=True, max_len=200),
          Field("productImage", "str", required=True, max_len=500),
          Field("productUrl", "str", max_len=500), Field("remark", "str", max_len=500),
          Field("price", "decimal", min=Decimal(0), max=Decimal("99999999.99")),
          Field("thirdProductId", "str", max_len=200), Field("thirdVariantId", "str", max_len=200),
          Field("thirdProductSku", "str", max_len=200),
          data=SOURCING_CREATED,
          family="my-products", summary="Ask CJ to source a product; answered on the clock."),
    route("product/sourcing/query", "POST", sourcing_query,
          Field("sourceIds", "list", min_len=1, max_len=100),
          Field("sourceStatuses", "list", min_len=1, max_len=10,
                doc="PENDING/PROCESSING/FOUND/FAILED or 1-4, finished, cancelled"),
          Field("pageNum", "int", min=1, max=INT32_MAX), Field("pageSize", "int", min=1, max=100),
          data=SOURCINGS,
          family="my-products",
          summary="Status of sourcing requests (PENDING .. FOUND/FAILED); all, paged, without sourceIds."),
    route("product/sourcing/queryList", "GET", sourcing_query,
          Field("sourceIds", "list", required=True, min_len=1, max_len=100),
          data=SOURCINGS, family="my-products",
          summary="sourcing/query as a GET (repeated or comma-joined sourceIds); unknown ids are left out."),
]
