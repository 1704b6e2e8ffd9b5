"""One module per CJ family; each exports ``ROWS``, its rows of the route table."""

from __future__ import annotations

from cjsim.api import (
    auth,
    disputes,
    logistics,
    orders,
    pay,
    private_inventory,
    products,
    settings,
    shops,
    webhooks,
)
from cjsim.routes import Route

ROWS: list[Route] = [*auth.ROWS, *settings.ROWS, *products.ROWS, *logistics.ROWS,
                     *orders.ROWS, *pay.ROWS, *webhooks.ROWS, *private_inventory.ROWS,
                     *disputes.ROWS, *shops.ROWS]
