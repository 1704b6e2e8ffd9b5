"""The interfaces CJ documents that the simulator does not simulate, each with the reason.

They are not rows of the route table (no docs/endpoints.md entry, no OpenAPI operation): the
dispatcher answers each with CJ's 1600100 ("the interface is offline"), the code CJ gives an
interface that exists but cannot be used, at the same point of the checks as an interface
switched offline (before the token), and the reason in the ``X-CJSim-Detail`` header and the
journal. A client sees that its path is right and that this interface is not available here,
never 1600101 (a wrong path). The README's "Interfaces not simulated" lists the same table,
and tests/api/test_interface_coverage.py holds the two together and against CJ's pages
(tests/data/cj-interfaces.txt).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from cjsim.routes import PREFIX

_SHOP = "needs the shop platform itself (Shopify, ...): the simulator has no shop's product catalogue"
_PACKAGING = "CJ's packaging and personalisation catalogue is not modelled"
_MEDIA = "the simulator keeps no videos or media of products"
_MERGE = "CJ merges orders in its own warehouse system: no merge model here"
_PRIVATE = ("buying stock into a private warehouse is a second order system (addresses, costs, "
            "outbound requests) not modelled; private stock is given through the control API")
_SANDBOX = ("CJ's sandbox accounts (isSandbox): the simulator is the sandbox, move orders with "
            "the clock and POST /__cjsim/orders/<id>/cancel")
_MAKEUP = "supplementary payments CJ raises by hand for extra fees: none arise here"

# path under /api2.0/v1/ -> why it is not simulated
NOT_SIMULATED: Mapping[str, str] = MappingProxyType({PREFIX + path: why for path, why in {
    # shops
    "store/product/saveProduct": _SHOP,
    "store/product/saveVariantBatch": _SHOP,
    "shop/product/queryPage": _SHOP,
    "shop/product/queryDetail": _SHOP,
    "product/conn/connection": "links a shop's products to CJ variants; " + _SHOP,
    # products
    "product/productDetail/query": _PACKAGING,
    "product/packagingProduct/query": _PACKAGING,
    "product/cjPackaging/query": _PACKAGING,
    "product/individualization/add": _PACKAGING,
    "product/packaging/connection/create": _PACKAGING,
    "product/packaging/connection/query": _PACKAGING,
    "product/packaging/connection/delete": _PACKAGING,
    "product/packaging/connection/variantConditionPackList": _PACKAGING,
    "product/queryVideosByProductId": _MEDIA,
    # orders
    "shopping/order/getOrderLogisticsInfo": ("platform-logistics orders (the shop's own carrier) "
                                             "are not modelled; trackInfo covers CJ's parcels"),
    "shopping/order/updateLogistics": ("platform-logistics orders (the shop's own carrier) are "
                                       "not modelled"),
    "shopping/order/getProofOfDelivery": "carriers' delivery documents are not modelled",
    "shopping/order/podProductCustomPicturesEdit": "no print-on-demand (POD) orders here",
    "shopping/order/queryCogsBasicDataOrderInfoList": "CJ's cost-of-goods accounting is not modelled",
    "shopping/sandbox/simulatePay": _SANDBOX,
    "shopping/sandbox/updateStatus": _SANDBOX,
    "shopping/sandbox/updateTrackNumber": _SANDBOX,
    "shopping/mergeOrder/autoMatchMergeOrderListV3": _MERGE,
    "shopping/mergeOrder/autoMergeQueryProgress": _MERGE,
    "shopping/mergeOrder/autoMergeQueryResult": _MERGE,
    "shopping/mergeOrder/submitMergeOrderBatchV3": _MERGE,
    "shopping/mergeOrder/submitProgress": _MERGE,
    "shopping/mergeOrder/submitResult": _MERGE,
    "shopping/privateInventory/address/list": _PRIVATE,
    "shopping/privateInventory/address/create": _PRIVATE,
    "shopping/privateInventory/address/update": _PRIVATE,
    "shopping/privateInventory/addToCart": _PRIVATE,
    "shopping/privateInventory/getCart": _PRIVATE,
    "shopping/privateInventory/removeFromCart": _PRIVATE,
    "shopping/privateInventory/getConfirmation": _PRIVATE,
    "shopping/privateInventory/logistics/list": _PRIVATE,
    "shopping/privateInventory/getCostInfo": _PRIVATE,
    "shopping/privateInventory/getConfirmationWithCost": _PRIVATE,
    "shopping/privateInventory/createOrder": _PRIVATE,
    "shopping/privateInventory/order/list": _PRIVATE,
    "shopping/privateInventory/outbound/address/list": _PRIVATE,
    "shopping/privateInventory/outbound/product/query": _PRIVATE,
    "shopping/privateInventory/outbound/product/batch-refresh": _PRIVATE,
    "shopping/privateInventory/outbound/create": _PRIVATE,
    "shopping/privateInventory/outbound/progress": _PRIVATE,
    "shopping/privateInventory/outbound/submit": _PRIVATE,
    "shopping/privateInventory/outbound/detail": _PRIVATE,
    "shopping/privateInventory/outbound/cancel": _PRIVATE,
    "shopping/makeup/list": _MAKEUP,
    "shopping/makeup/createPayOrder": _MAKEUP,
}.items()})
