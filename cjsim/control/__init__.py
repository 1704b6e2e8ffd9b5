"""The control API (``/__cjsim/``): a public JSON contract for driving a simulator from any
language. Control calls are not CJ calls: never journaled, never counted by a limit.
Bad input answers 400 with ``{"error": "..."}`` naming the problem.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from cjsim.app import json_response
from cjsim.clock import parse_instant
from cjsim.domain.accounts import AccountError
from cjsim.store import StoreUnavailable

blueprint = Blueprint("cjsim_control", __name__, url_prefix="/__cjsim")


class BadInput(Exception):
    pass


def _sim() -> Any:
    return current_app.extensions["cjsim"]


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise BadInput("the body must be a JSON object")
    return data


@blueprint.errorhandler(BadInput)
@blueprint.errorhandler(AccountError)
def _bad(exc: Exception) -> Response:
    return json_response({"error": str(exc)}, 400)


def _int_arg(name: str) -> int | None:
    text = request.args.get(name)
    if text is None or text == "":
        return None
    try:
        value = int(text)
    except ValueError:
        raise BadInput(f"{name} must be an integer, not {text!r}") from None
    if value < 0:
        raise BadInput(f"{name} must be >= 0")
    return value


@blueprint.get("/health")
def health() -> Response:
    """ok, or 503 degraded while the store is out of reach. A store that lost the state is
    put back first (``Simulator.ensure_state``); ``recovered`` then says when and why."""
    sim = _sim()
    ok, detail = sim.store.health()
    if ok:
        try:
            sim.ensure_state()
            recovered = sim.recovery()
        except StoreUnavailable as exc:
            ok, detail = False, str(exc)
    if not ok:
        return json_response({"status": "degraded", "detail": detail}, 503)
    return json_response({"status": "ok", **({"recovered": recovered} if recovered else {})})


@blueprint.route("/clock", methods=["GET", "POST"])
def clock() -> Response:
    clk = _sim().clock
    if request.method == "POST":
        body = _body()
        known = {"advance", "set", "freeze"}
        unknown = set(body) - known
        if unknown or not body:
            raise BadInput("give one of advance (seconds), set (ISO time), freeze (bool)"
                           + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else ""))
        if "advance" in body:
            value = body["advance"]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise BadInput("advance must be a number of seconds")
            try:
                clk.advance(float(value))
            except ValueError as exc:
                raise BadInput(str(exc)) from None
        if "set" in body:
            if not isinstance(body["set"], str):
                raise BadInput("set must be an ISO-8601 time with an offset")
            try:
                parse_instant(body["set"])
            except ValueError as exc:
                raise BadInput(str(exc)) from None
            clk.set(body["set"])
        if "freeze" in body:
            if not isinstance(body["freeze"], bool):
                raise BadInput("freeze must be true or false")
            if body["freeze"]:
                clk.freeze()
            else:
                clk.unfreeze()
    return json_response(clk.snapshot())


@blueprint.post("/reset")
def reset() -> Response:
    sim = _sim()
    sim.reset()
    out: dict[str, Any] = {"status": "reset"}
    if sim.generated_keys:  # re-created with new keys: this answer is the only place to see them
        out["accounts"] = [{"openId": oid, "apiKey": key} for oid, key in sim.generated_keys.items()]
    return json_response(out)


@blueprint.route("/accounts", methods=["GET", "POST"])
def accounts() -> Response:
    sim = _sim()
    if request.method == "GET":
        return json_response({"accounts": [a.public() for a in sim.accounts.all()]})
    body = _body()
    allowed = {"email", "apiKey", "level", "verified", "balance", "name", "quotaLimits"}
    unknown = set(body) - allowed
    if unknown:
        raise BadInput(f"unknown field(s): {', '.join(sorted(unknown))} "
                       f"(allowed: {', '.join(sorted(allowed))})")
    if "email" not in body:
        raise BadInput("email is required")
    kwargs: dict[str, Any] = {"api_key": body.get("apiKey")}
    for key in ("level", "verified", "balance", "name"):
        if key in body:
            kwargs[key] = body[key]
    if "quotaLimits" in body:
        kwargs["quotas"] = body["quotaLimits"]
    account = sim.accounts.create(body["email"], **kwargs)
    return json_response(account.public(), 201)


def _account_or_404(open_id: str) -> Any:
    if not open_id.isdigit():
        raise BadInput(f"openId must be a number, not {open_id!r}")
    account = _sim().accounts.get(int(open_id))
    if account is None:
        return None
    return account


@blueprint.route("/accounts/<open_id>", methods=["GET", "PATCH"])
def account(open_id: str) -> Response:
    sim = _sim()
    found = _account_or_404(open_id)
    if found is None:
        return json_response({"error": f"no account with openId {open_id}"}, 404)
    if request.method == "PATCH":
        found = sim.accounts.update(found.open_id, _body())
    out = found.public()
    out["usage"] = sim.usage(found)
    return json_response(out)


@blueprint.get("/journal")
def journal() -> Response:
    limit = _int_arg("limit")
    since = _int_arg("since")
    return json_response({"entries": _sim().journal(limit=limit, since_id=since)})


@blueprint.route("/violations", methods=["GET", "DELETE"])
def violations() -> Response:
    sim = _sim()
    if request.method == "DELETE":
        sim.clear_violations()
        return json_response({"violations": []})
    return json_response({"violations": sim.violations(since_id=_int_arg("since"))})


@blueprint.route("/interfaces", methods=["GET"])
def interfaces() -> Response:
    sim = _sim()
    now = sim.clock.now_us()
    return json_response({"interfaces": [
        {**r, "offline": sim.interfaces.is_offline(r["path"], now)} for r in sim.routes.describe()
    ]})


@blueprint.post("/interfaces/offline")
def interfaces_offline() -> Response:
    sim = _sim()
    body = _body()
    path, offline = body.get("path"), body.get("offline", True)
    if not isinstance(path, str) or not path:
        raise BadInput("path is required, e.g. /api2.0/v1/product/query")
    if not isinstance(offline, bool):
        raise BadInput("offline must be true or false")
    from cjsim.domain.accounts import normalize_path

    full = normalize_path(path)
    if sim.routes.get(full) is None:
        raise BadInput(f"{full} is not an interface of the simulator")
    sim.interfaces.set_offline(full, offline)
    return json_response({"path": full, "offline": offline})


@blueprint.get("/profile")
def profile() -> Response:
    return json_response(_sim().profile.describe())


from cjsim.control import audit as _audit  # noqa: E402,F401  (registers /__cjsim/audit)
from cjsim.control import domain as _domain  # noqa: E402,F401  (the shop's routes: orders, webhooks)
from cjsim.control import openapi as _openapi  # noqa: E402,F401  (GET /__cjsim/openapi.json)
from cjsim.control import scenario as _scenario  # noqa: E402,F401  (load scenarios, faults fired)
