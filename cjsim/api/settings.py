"""setting/get (docs/endpoints.md, "settings")."""

from __future__ import annotations

from typing import Any

from cjsim.call import Call
from cjsim.domain.webhooks import NS as WEBHOOKS_NS
from cjsim.domain.webhooks import TOPICS
from cjsim.routes import Route, route
from cjsim.shapes import ANY_OBJECT, BOOL, INT, STR, arr, obj

_CALLBACK = obj({"type": STR, "urls": arr(STR)})
SETTINGS = obj({"openId": INT, "openName": STR, "openEmail": STR,
                "setting": obj({"quotaLimits": arr(ANY_OBJECT), "qpsLimit": INT}),
                "callback": obj({topic: _CALLBACK for topic in TOPICS}),
                "root": STR, "isSandbox": BOOL})


def get_settings(call: Call) -> dict[str, Any]:
    account = call.account
    assert account is not None
    qps = call.sim.effective_qps(account, call.now_us)
    callbacks = call.sim.domain.webhooks.settings(account.open_id, call.read)
    return {
        "openId": account.open_id,
        "openName": account.name,
        "openEmail": account.email,
        "setting": {
            "quotaLimits": [q.as_json() for q in account.quotas],
            "qpsLimit": qps,
        },
        "callback": {topic: callbacks.get(topic, {"type": "CANCEL", "urls": []})
                     for topic in TOPICS},
        "root": "GENERAL",
        "isSandbox": False,
    }


ROWS: list[Route] = [
    route("setting/get", "GET", get_settings, data=SETTINGS, family="settings",
          summary="Account settings: quotas, QPS limit, webhook callbacks.",
          account_docs=(WEBHOOKS_NS,)),
]
