"""product/*: categories, the two searches, detail, variants, stock (cj-api §4).

The handlers are thin: the Field specs do the 1600300 answers (paging bounds included), the
seeded catalogue answers (each handler names one ``Catalogue`` method, which takes the fields
snake_cased, see ``cjsim/api/bind.py``), and live stock is the catalogue's base stock minus
what orders hold (``sim.domain.reserved()``, read once per request).
"""

from __future__ import annotations

from cjsim.api.bind import CatalogueView
from cjsim.params import Field
from cjsim.routes import Route, route

# P1 (product/list, shopping/order/list) and P2 (product/listV2), cj-api §1.4
P1 = (Field("pageNum", "int", min=1, default=1), Field("pageSize", "int", min=1, max=200, default=20))
P2 = (Field("page", "int", min=1, max=1000, default=1), Field("size", "int", min=1, max=100, default=10))
FEATURES = Field("features", "list")
COUNTRY = Field("countryCode", "str", max_len=2)
SUPPLIER = (Field("supplierId", "str"), Field("verifiedWarehouse", "int"))


get_category = CatalogueView("get_category", live_stock=False)
product_list = CatalogueView("product_list")
product_list_v2 = CatalogueView("product_list_v2")
product_query = CatalogueView("product_query")
variant_query = CatalogueView("variant_query")
variant_by_vid = CatalogueView("variant_by_vid")
stock_by_vid = CatalogueView("stock_by_vid")
stock_by_sku = CatalogueView("stock_by_sku")
inventory_by_pid = CatalogueView("inventory_by_pid")


_WHICH = (Field("pid", "str"), Field("productSku", "str"), Field("variantSku", "str"))

ROWS: list[Route] = [
    route("product/getCategory", "GET", get_category, family="products",
          summary="The three-level category tree (ids on the third level only)."),
    route("product/list", "GET", product_list, *P1,
          Field("productNameEn", "str"), Field("productName", "str"), Field("pid", "str"),
          Field("productSku", "str"), Field("categoryId", "str"), COUNTRY,
          Field("minPrice", "decimal"), Field("maxPrice", "decimal"),
          Field("startInventory", "int"), Field("endInventory", "int"),
          Field("createTimeFrom", "datetime"), Field("createTimeTo", "datetime"),
          Field("orderBy", "str", choices=("createAt", "listedNum")),
          Field("sort", "str", choices=("desc", "asc", "DESC", "ASC")),
          Field("productType", "str", choices=("ORDINARY_PRODUCT", "SUPPLIER_PRODUCT")),
          Field("isFreeShipping", "int", choices=(0, 1)),
          Field("minListedNum", "int"), Field("maxListedNum", "int"), *SUPPLIER,
          family="products", summary="Legacy product search (P1 paging); GET only."),
    route("product/listV2", "GET", product_list_v2, *P2,
          Field("keyWord", "str"), Field("categoryId", "str"),
          Field("lv2categoryList", "list"), Field("lv3categoryList", "list"), COUNTRY,
          Field("startSellPrice", "decimal"), Field("endSellPrice", "decimal"),
          Field("startWarehouseInventory", "int"), Field("endWarehouseInventory", "int"),
          Field("addMarkStatus", "int", choices=(0, 1)),
          Field("timeStart", "int"), Field("timeEnd", "int"),
          Field("orderBy", "int", choices=(0, 1, 2, 3, 4)),
          Field("sort", "str", choices=("desc", "asc", "DESC", "ASC")),
          FEATURES, Field("productType", "int"), *SUPPLIER,
          family="products", summary="Product search (P2 paging); productList first."),
    route("product/query", "GET", product_query, *_WHICH, FEATURES, COUNTRY,
          family="products", summary="One product with its variants (pid, productSku or variantSku)."),
    route("product/variant/query", "GET", variant_query, *_WHICH, COUNTRY,
          family="products", summary="A product's variants."),
    route("product/variant/queryByVid", "GET", variant_by_vid,
          Field("vid", "str", required=True), FEATURES,
          family="products", summary="One variant by vid."),
    route("product/stock/queryByVid", "GET", stock_by_vid, Field("vid", "str", required=True),
          family="products", summary="A variant's stock per warehouse country."),
    route("product/stock/queryBySku", "GET", stock_by_sku, Field("sku", "str", required=True),
          family="products", summary="Stock of a variant SKU, or summed over a product SKU."),
    route("product/stock/getInventoryByPid", "GET", inventory_by_pid,
          Field("pid", "str", required=True), COUNTRY,
          family="products", summary="A product's stock per country and per variant."),
]
