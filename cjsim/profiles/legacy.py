"""The ``legacy`` profile: CJ's access-frequency page (the seed), as a table.

Order of rows = order of checks (cj-rules §3: R1 -> R3a/R3b -> token -> R5 and quotas ->
R4 -> R2). The first row that trips decides the answer.
"""

from __future__ import annotations

from types import MappingProxyType

from cjsim.limits.rules import Rule, RuleTable

GET_TOKEN = "/api2.0/v1/authentication/getAccessToken"
REFRESH_TOKEN = "/api2.0/v1/authentication/refreshAccessToken"
LOGIN_PATHS = frozenset({GET_TOKEN, REFRESH_TOKEN})

QPS_MESSAGE = "Too Many Requests, QPS limit is {limit} time/1second"
LOGIN_MESSAGE = "Too much request, QPS limit is {limit} time/{period} seconds"
DAILY_MESSAGE = (
    "Too Many Requests, Sorry, you have reached the daily request limit ({limit} times/day). "
    "Number of requests made: {count}. Please try again tomorrow."
)

# Free/level 0-1 -> 1/s, Plus/2 -> 2/s, Prime/3 -> 4/s, Advanced/4-5 -> 6/s
LEVEL_QPS = MappingProxyType({0: 1, 1: 1, 2: 2, 3: 4, 4: 6, 5: 6})

RULES = RuleTable(
    (
        Rule(
            id="R1",
            description="No more than 10 requests/second per IP address",
            applies="all",
            scope=("ip",),
            limit=10,
            period_s=1,
            code=1600200,
            message=QPS_MESSAGE,
            http_status=200,
            login_http_status=429,
            early=True,
        ),
        Rule(
            id="R3a",
            description="getAccessToken: once every 5 minutes",
            applies="paths",
            paths=frozenset({GET_TOKEN}),
            scope=("account",),
            limit=1,
            period_s=300,
            code=1600200,
            message=LOGIN_MESSAGE,
            http_status=429,
        ),
        Rule(
            id="R3b",
            description="refreshAccessToken: 5 times per minute",
            applies="paths",
            paths=frozenset({REFRESH_TOKEN}),
            scope=("account",),
            limit=5,
            period_s=60,
            code=1600200,
            message=LOGIN_MESSAGE,
            http_status=429,
        ),
        Rule(
            id="R5",
            description="Unverified users: 1,000 calls/day per interface",
            applies="non_login",
            scope=("account", "interface"),
            limit=1000,
            calendar="day",
            only_unverified=True,
            code=1600200,
            message=DAILY_MESSAGE,
        ),
        Rule(
            id="Q",
            description="Account quotas (setting.quotaLimits)",
            applies="non_login",
            scope=("account", "interface"),
            code=1600201,
            message="Quota has been used up",
            source="account_quotas",
        ),
        Rule(
            id="R4",
            description="Per-level QPS: Free 1/s, Plus 2/s, Prime 4/s, Advanced 6/s",
            applies="non_login",
            scope=("account",),
            limit_by_level=LEVEL_QPS,
            period_s=1,
            code=1600200,
            message=QPS_MESSAGE,
        ),
        Rule(
            id="R2",
            description="Non-login interfaces: at most 30 requests/second",
            applies="non_login",
            scope=("interface",),
            limit=30,
            period_s=1,
            code=1600200,
            message=QPS_MESSAGE,
        ),
    )
)
