"""webhook/set and webhook/product/subscribe, unsubscribe, subscribe/list (docs/endpoints.md,
"webhooks"; docs/interfaces.md). Settings and delivery live in ``cjsim/domain/webhooks.py``,
subscriptions in ``cjsim/domain/subscriptions.py``."""

from __future__ import annotations

from cjsim.api.bind import DomainView
from cjsim.call import Call
from cjsim.domain.webhooks import TOPICS, parse_changes, refused_by_cj
from cjsim.errors import SEED_CATALOGUE
from cjsim.params import INT32_MAX, Field
from cjsim.routes import Route, route
from cjsim.shapes import BOOL, INT, STR, arr, obj


def set_webhooks(call: Call) -> bool:
    """Any non-empty subset of the four topics; a missing topic keeps its setting."""
    changes = parse_changes(call.params, call.sim.profile.webhook_url_policy)
    refused = refused_by_cj(changes)
    if refused:  # accepted here (local receivers); the audit names them
        call.notes["refusedUrls"] = refused
    call.sim.domain.webhooks.configure(call.open_id, changes, probe_id=str(call.journal_id))
    return True


# CJ's URL refusals, when the catalogue has them (docs/interfaces.md, "Webhook URL policy")
WEBHOOK_URL_CODES = tuple(c for c in (1607001, 1607002) if c in SEED_CATALOGUE)
_PIDS = Field("productIds", "list", max_len=100)
_ALL = Field("subscribeAll", "bool")
SUBSCRIBED = obj({"pageNum": INT, "pageSize": INT, "total": INT, "subscribeAll": BOOL,
                  "list": arr(obj({"productId": STR, "subscribeDate": STR}))})

ROWS: list[Route] = [
    route("webhook/set", "POST", set_webhooks, *(Field(topic, "object") for topic in TOPICS),
          data=BOOL, errors=(1606000, 1606001, 1607000, *WEBHOOK_URL_CODES), family="webhooks",
          summary="Per topic (product, stock, order, logistics): ENABLE with callbackUrls, or CANCEL."),
    route("webhook/product/subscribe", "POST", DomainView("subscriptions", "subscribe"),
          _PIDS, _ALL, data=BOOL, errors=(1602001,), family="webhooks",
          summary="Subscribe to PRODUCT, VARIANT and STOCK messages of these products (max 100)."),
    route("webhook/product/unsubscribe", "POST", DomainView("subscriptions", "unsubscribe"),
          _PIDS, _ALL, data=BOOL, family="webhooks",
          summary="Stop them; ids not subscribed are ignored."),
    route("webhook/product/subscribe/list", "GET", DomainView("subscriptions", "page"),
          Field("pageNum", "int", min=1, max=INT32_MAX, default=1),
          Field("pageSize", "int", min=1, max=100, default=20),
          data=SUBSCRIBED, family="webhooks", summary="The account's subscribed products."),
]
