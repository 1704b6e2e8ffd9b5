"""Control routes of the simulated shop: webhook deliveries, orders, the tick, the catalogue.

Registered on the control blueprint (``/__cjsim/``), so the same contract holds: JSON in and
out, never journaled, never limited, bad input is 400 ``{"error"}``. A POST to ``/clock``
moves time, so the tick runs right after it: the webhooks the move made due leave at once.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, request

from cjsim.app import json_response
from cjsim.control import BadInput, _account_or_404, _body, _int_arg, _sim, blueprint
from cjsim.domain import order_views as views


@blueprint.after_request
def _tick_after_clock_move(response: Response) -> Response:
    if request.method == "POST" and request.endpoint == f"{blueprint.name}.clock" \
            and response.status_code == 200:
        _sim().tick()
    return response


@blueprint.post("/tick")
def tick() -> Response:
    """Notice due order transitions now (the ticker and every CJ request do it too)."""
    return json_response({"messages": _sim().tick()})


@blueprint.route("/webhooks/deliveries", methods=["GET", "DELETE"])
def deliveries() -> Response:
    """Every delivery attempt, oldest first; ``?since=ID``, ``?limit=N``, ``?messageId=``,
    ``?type=ORDER``; ``?wait=S`` first waits up to S seconds for queued deliveries."""
    sim = _sim()
    if request.method == "DELETE":
        sim.domain.webhooks.clear_deliveries()
        return json_response({"deliveries": []})
    wait = request.args.get("wait")
    if wait:
        try:
            seconds = float(wait)
        except ValueError:
            raise BadInput(f"wait must be a number of seconds, not {wait!r}") from None
        if not 0 <= seconds <= 60:
            raise BadInput("wait must be between 0 and 60 seconds")
        sim.domain.webhooks.dispatcher.wait_idle(seconds)
    entries = sim.domain.webhooks.deliveries(since_id=_int_arg("since"))
    for name in ("messageId", "type", "outcome"):
        wanted = request.args.get(name)
        if wanted:
            entries = [e for e in entries if str(e.get(name)) == wanted]
    limit = _int_arg("limit")
    if limit is not None:
        entries = entries[-limit:] if limit else []
    return json_response({"deliveries": entries})


def _orders_of(open_ids: list[int]) -> list[dict[str, Any]]:
    sim = _sim()
    now = sim.clock.now_us()
    out = []
    for open_id in open_ids:
        for doc in sim.domain.orders.all(open_id):
            out.append({"openId": open_id, **views.detail(doc, now),
                        "shipmentOrderId": doc.get("shipmentId")})
    return out


@blueprint.get("/orders")
def orders() -> Response:
    """Every order (``?openId=`` for one account), as getOrderDetail shows it now."""
    sim = _sim()
    only = _int_arg("openId")
    ids = [only] if only is not None else [a.open_id for a in sim.accounts.all()]
    return json_response({"orders": _orders_of(ids)})


@blueprint.post("/orders/<order_id>/cancel")
def cancel_order(order_id: str) -> Response:
    """CANCELLED before SHIPPED (docs/rules.md, "Order lifecycle"): stock released, a paid order refunded."""
    sim = _sim()
    now = sim.clock.now_us()
    for account in sim.accounts.all():
        if not sim.domain.orders.has(account.open_id, order_id):
            continue
        try:
            doc = sim.domain.orders.cancel(account.open_id, order_id, now)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        return json_response({"openId": account.open_id, **views.detail(doc, now)})
    return json_response({"error": f"no order {order_id}"}, 404)


@blueprint.get("/catalogue")
def catalogue() -> Response:
    """The active catalogue in the pin format (``cjsim serve --catalog FILE`` reads it back)."""
    return json_response(_sim().catalogue.to_dict())


def _not_found(exc: LookupError) -> Response:
    """404 with what was not found (a KeyError's own text, not its repr)."""
    return json_response({"error": str(exc.args[0]) if exc.args else str(exc)}, 404)


@blueprint.patch("/products/<pid>")
def change_product(pid: str) -> Response:
    """Change a product's shelf status, prices or stock (``Simulator.change_product``)."""
    try:
        out = _sim().change_product(pid, _body())
    except LookupError as exc:
        return _not_found(exc)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    return json_response(out)


@blueprint.post("/accounts/<open_id>/private-inventory")
def add_private_stock(open_id: str) -> Response:
    """Give an account private stock: ``{"vid", "storage": storageId or country, "units"}``."""
    body = _body()
    unknown = set(body) - {"vid", "storage", "units"}
    if unknown:
        raise BadInput(f"unknown field(s): {', '.join(sorted(unknown))} (allowed: storage, units, vid)")
    if not open_id.isdigit():
        raise BadInput(f"openId must be a number, not {open_id!r}")
    vid, where, units = body.get("vid"), body.get("storage"), body.get("units")
    if not isinstance(vid, str) or not isinstance(where, str):
        raise BadInput("vid and storage (a storage id or a warehouse country) are required strings")
    try:
        row = _sim().add_private_stock(int(open_id), vid, where, units)
    except LookupError as exc:
        return _not_found(exc)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    return json_response(row)


@blueprint.route("/accounts/<open_id>/shops", methods=["GET", "POST"])
def account_shops(open_id: str) -> Response:
    """An account's shops (shop/getShops answers them); POST adds one:
    ``{"name", "type"?, "status"?, "countryCode"?, "currencyCode"?, "email"?, "aliasName"?}``."""
    sim = _sim()
    found = _account_or_404(open_id)
    if found is None:
        return json_response({"error": f"no account with openId {open_id}"}, 404)
    shops = sim.domain.shops
    if request.method == "GET":
        return json_response({"shops": [shops.view(d) for d in shops.all(found.open_id)]})
    try:
        doc = shops.add(found.open_id, _body(), sim.clock.now_us())
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    return json_response(shops.view(doc), 201)


@blueprint.get("/authorize/<auth_id>")
def authorize(auth_id: str) -> Response:
    """The page of a getAuthorizeUrl answer: the CJ user ``?openId=`` (default: the account that
    asked) approves; 302 to the flow's redirectUri with ``code`` and ``state``, or the two as
    JSON when the flow named no redirectUri."""
    sim = _sim()
    flow = sim.domain.shops.flow(auth_id)
    if flow is None:
        return json_response({"error": f"no authorization {auth_id}"}, 404)
    user = request.args.get("openId")
    account = _account_or_404(user) if user else sim.accounts.get(flow["platform"])
    if account is None:
        return json_response({"error": f"no account with openId {user}"}, 404)
    try:
        flow = sim.domain.shops.approve(auth_id, account.open_id, sim.clock.now_us(),
                                        sim.entropy.hex(32))
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    out = {"code": flow["code"], "state": flow["state"]}
    if not flow["redirectUri"]:
        return json_response(out)
    target = flow["redirectUri"] + ("&" if "?" in flow["redirectUri"] else "?") + urlencode(
        {k: v for k, v in out.items() if v is not None})
    response = json_response({**out, "location": target}, 302)
    response.headers["Location"] = target
    return response
