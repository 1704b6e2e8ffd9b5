"""The ``cj-2026`` profile: CJ as integrators meet it in the second half of 2026
(docs/rules.md, "Profiles"; the facts in tests/data/cj-2026.md).

It keeps ``legacy``'s per-IP (R1), per-interface (R2) and per-level (R4) rates and the account
quotas; the daily call count (R5) becomes a points budget (P) and the login rules become the
2026 token rules (T1/T2: once a second, the same pair for 24 hours).
"""

from __future__ import annotations

from types import MappingProxyType

from cjsim.errors import Catalogue
from cjsim.limits.points import PointsTotal
from cjsim.limits.rules import Rule, RuleTable
from cjsim.profiles._cj2026_errors import MESSAGES
from cjsim.profiles.legacy import GET_TOKEN, LOGIN_PATHS, QPS_MESSAGE, REFRESH_TOKEN
from cjsim.profiles.legacy import RULES as LEGACY_RULES
from cjsim.profiles.model import Profile

POINTS_BASE = 50_000
POINTS_PER_USD = 100
POINTS_MESSAGE = ("Insufficient API points. Used today: {used}, Remaining: {remaining}, "
                  "Required: {required}.")

# CJ's "API Points Resource Rules" page; interfaces not listed cost nothing
POINTS_COSTS = MappingProxyType({"/api2.0/v1/" + path: cost for path, cost in {
    "product/listV2": 50,
    "product/list": 50,
    "product/query": 10,
    "product/variant/query": 10,
    "product/variant/queryByVid": 10,
    "product/stock/queryByVid": 10,
    "product/stock/queryBySku": 10,
    "product/stock/getInventoryByPid": 10,
    "product/stock/privateInventory/querySpuPage": 10,
    "product/stock/privateInventory/querySkuListByProductId": 10,
    "product/stock/privateInventory/querySkuDetailPage": 10,
    "product/stock/privateInventory/querySkuDetailListBySku": 10,
    "product/stock/privateInventory/querySkuFlowByCondition": 10,
    "storehouseCenterWeb/syncStorehouseVideoRequests": 10,
    "logistic/freightCalculate": 10,
    "logistic/freightCalculateTip": 10,
    "logistic/partnerFreightCalculate": 10,
    "logistic/getSupplierLogisticsTemplate": 10,
    "webhook/product/subscribe": 10,
    "webhook/product/unsubscribe": 10,
    "product/queryProductsByImage": 1000,
}.items()})


def _login(rule_id: str, path: str, name: str) -> Rule:
    return Rule(
        id=rule_id, role="login",
        description=f"{name}: {{times}} per {{window}} per account",
        title=f"Called {name} more than {{times}} per {{window}}",
        advice="Log in once and keep the pair: CJ answers the same tokens for 24 hours.",
        applies="paths", paths=frozenset({path}), scope=("account",), limit=1, period_s=1,
        code=1600200, message=QPS_MESSAGE, http_status=429)


POINTS = Rule(
    id="P",
    role="budget",
    description="{limit} API points a {window} per account (base; plus order conversion),"
                " reset at 00:00 UTC",
    title="Ran out of API points",
    advice="Cache product data and spend points on what changed; after 16900500 stop the"
           " costed calls until 00:00 UTC.",
    applies="non_login",
    scope=("account",),
    limit=POINTS_BASE,
    limit_from=PointsTotal(POINTS_BASE),
    calendar="day",
    tz="UTC",
    cost=POINTS_COSTS,
    default_cost=0,
    code=16900500,
    message=POINTS_MESSAGE,
)

# what the current table answers where the seed answered 1600300/1603000/1605000/1600001
KINDS = MappingProxyType({
    "wrong-method": 16900202,
    "form-body": 16900203,
    "no-body": 16900204,
    "wrong-json": 16900205,
    "missing-param": 16900403,
    "params": 1600300,
    "login:wrong-key": 1600005,
    "login:unknown-key": 1600005,
    "order:duplicate": 1603003,
    "content-type": 16900203,
    "country:unknown": 1605002,
    "logistic:not-on-route": 1605001,
    "product:removed": 1602002,
    "variant:removed": 1602003,
})

_KEPT = {r.id: r for r in LEGACY_RULES.rules}
RULES = RuleTable((
    _KEPT["R1"],
    _login("T1", GET_TOKEN, "getAccessToken"),
    _login("T2", REFRESH_TOKEN, "refreshAccessToken"),
    POINTS,
    _KEPT["Q"],
    _KEPT["R4"],
    _KEPT["R2"],
))

PROFILE = Profile(
    name="cj-2026",
    summary="CJ as of the second half of 2026: API points (50,000 a day + order conversion),"
            " token caching, the current error table",
    rules=RULES,
    login_paths=LOGIN_PATHS,
    get_token_path=GET_TOKEN,
    token_cache_s=86_400,
    points_per_usd=POINTS_PER_USD,
    max_offset=6000,
    catalogue=Catalogue(table=MESSAGES),
    kinds=KINDS,
)
