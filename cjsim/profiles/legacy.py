"""The ``legacy`` profile: CJ's access-frequency page (the seed), as a table.

Order of rows = order of checks (docs/rules.md, "Order of checks": R1 -> R3a/R3b -> token
-> R5 and quotas -> R4 -> R2). The first row that trips decides the answer.
"""

from __future__ import annotations

from types import MappingProxyType

from cjsim.limits.rules import Rule, RuleTable
from cjsim.profiles.model import Profile

GET_TOKEN = "/api2.0/v1/authentication/getAccessToken"
REFRESH_TOKEN = "/api2.0/v1/authentication/refreshAccessToken"
LOGIN_PATHS = frozenset({GET_TOKEN, REFRESH_TOKEN})

QPS_MESSAGE = "Too Many Requests, QPS limit is {limit} time/{period}second"
LOGIN_MESSAGE = "Too much request, QPS limit is {limit} time/{period} seconds"
DAILY_MESSAGE = (
    "Too Many Requests, Sorry, you have reached the daily request limit ({limit} times/day). "
    "Number of requests made: {count}. Please try again tomorrow."
)

# Free/level 0-1 -> 1/s, Plus/2 -> 2/s, Prime/3 -> 4/s, Advanced/4-5 -> 6/s
LEVEL_QPS = MappingProxyType({0: 1, 1: 1, 2: 2, 3: 4, 4: 6, 5: 6})
LEVEL_NAMES = MappingProxyType({0: "Free", 1: "Free", 2: "Plus", 3: "Prime", 4: "Advanced",
                                5: "Advanced"})

RULES = RuleTable(
    (
        Rule(
            id="R1",
            role="ip_rate",
            description="No more than {limit} requests/{window} per IP address",
            title="Exceeded the per-IP limit",
            advice="Every account behind one IP address shares {limit} requests/{window}:"
                   " spread the calls.",
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
            role="login",
            description="getAccessToken: {times} every {window}",
            title="Called getAccessToken more often than {times} every {window}",
            advice="Log in once, keep the token and reuse it until it is about to expire.",
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
            role="login",
            description="refreshAccessToken: {times} per {window}",
            title="Called refreshAccessToken more than {times} per {window}",
            advice="Refresh only when the token is about to expire.",
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
            role="daily",
            description="Unverified users: {limit} calls/{window} per interface",
            title="Exceeded the daily call limit",
            advice="Stop calling the interface until local midnight.",
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
            role="quota",
            description="Account quotas (setting.quotaLimits)",
            title="Kept calling an interface after its quota was used up",
            advice="After 1600201, wait until the quota window (setting.quotaLimits) ends.",
            applies="non_login",
            scope=("account", "interface"),
            code=1600201,
            message="Quota has been used up",
            source="account_quotas",
        ),
        Rule(
            id="R4",
            role="account_rate",
            description="Per-level QPS: {levels}",
            title="Exceeded the account's QPS for its level",
            advice="Pace the calls: {levels}, all interfaces together.",
            level_names=LEVEL_NAMES,
            applies="non_login",
            scope=("account",),
            limit_by_level=LEVEL_QPS,
            period_s=1,
            code=1600200,
            message=QPS_MESSAGE,
        ),
        Rule(
            id="R2",
            role="interface_rate",
            description="Non-login interfaces: at most {limit} requests/{window}",
            title="Exceeded the per-interface limit",
            advice="One interface takes at most {limit} requests/{window} from all accounts"
                   " together.",
            applies="non_login",
            scope=("interface",),
            limit=30,
            period_s=1,
            code=1600200,
            message=QPS_MESSAGE,
        ),
    )
)

PROFILE = Profile(
    name="legacy",
    summary="CJ's published access limits (R1-R5) and account quotas, 1 unit per call",
    rules=RULES,
    login_paths=LOGIN_PATHS,
    get_token_path=GET_TOKEN,
)
