"""webhook/set (docs/endpoints.md, "webhooks"). Settings and delivery live in ``cjsim/domain/webhooks.py``."""

from __future__ import annotations

from cjsim.call import Call
from cjsim.domain.webhooks import TOPICS, parse_changes
from cjsim.params import Field
from cjsim.routes import Route, route
from cjsim.shapes import BOOL


def set_webhooks(call: Call) -> bool:
    """Any non-empty subset of the four topics; a missing topic keeps its setting."""
    changes = parse_changes(call.params)
    call.sim.domain.webhooks.configure(call.open_id, changes, probe_id=str(call.journal_id))
    return True


ROWS: list[Route] = [
    route("webhook/set", "POST", set_webhooks, *(Field(topic, "object") for topic in TOPICS),
          data=BOOL, errors=(1606000, 1606001, 1607000), family="webhooks",
          summary="Per topic (product, stock, order, logistics): ENABLE with callbackUrls, or CANCEL."),
]
