"""The control API (``/__cjsim/``): a public JSON contract for driving a simulator from any
language. Control calls are not CJ calls: never journaled, never counted by a limit.
Bad input answers 400 with ``{"error": "..."}`` naming the problem.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, request

from cjsim.app import json_response
from cjsim.clock import MAX_US, MIN_US, US, check_instant, parse_duration, parse_instant
from cjsim.domain.accounts import AccountError
from cjsim.store import StoreUnavailable

OPEN_ID_RE = re.compile(r"[0-9]{1,18}")
INT_MAX = 2**63 - 1
blueprint = Blueprint("cjsim_control", __name__, url_prefix="/__cjsim")


class BadInput(Exception):
    pass


def _sim() -> Any:
    return current_app.extensions["cjsim"]


MAX_DEPTH = 32  # nesting of a control body; real ones are 4 deep


def _body() -> dict[str, Any]:
    try:
        data = request.get_json(silent=True, force=True)
    except RecursionError:
        raise BadInput(f"the body is nested too deeply (at most {MAX_DEPTH} levels)") from None
    if not isinstance(data, dict):
        raise BadInput("the body must be a JSON object")
    check_json(data)
    return data


def check_json(data: Any) -> None:
    """BadInput unless ``data`` is at most MAX_DEPTH deep and its integers fit the store
    (64-bit: JSON documents are stored, and a number past that is no count CJ knows)."""
    todo: list[tuple[Any, int]] = [(data, 1)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, dict):
            items: Any = value.values()
        elif isinstance(value, list):
            items = value
        else:
            if isinstance(value, int) and not isinstance(value, bool) and not -INT_MAX <= value <= INT_MAX:
                raise BadInput(f"{_short(str(value))} is out of range: integers are at most 2^63-1")
            continue
        if depth > MAX_DEPTH:
            raise BadInput(f"the body is nested too deeply (at most {MAX_DEPTH} levels)")
        todo.extend((item, depth + 1) for item in items)


@blueprint.errorhandler(BadInput)
@blueprint.errorhandler(AccountError)
def _bad(exc: Exception) -> Response:
    return json_response({"error": str(exc)}, 400)


def _int_arg(name: str) -> int | None:
    text = request.args.get(name)
    if text is None or text == "":
        return None
    if not OPEN_ID_RE.fullmatch(text):
        raise BadInput(f"{name} must be an integer >= 0 of at most 18 ASCII digits, not {_short(text)!r}")
    return int(text)


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
        known = {"advance", "set", "freeze", "backwards"}
        unknown = set(body) - known
        if unknown or not set(body) - {"backwards"}:
            raise BadInput("give one of advance (seconds or a duration such as 5m), set (ISO time), "
                           "freeze (bool)" + (f"; unknown: {', '.join(sorted(_short(k) for k in unknown))}"
                                              if unknown else ""))
        if "advance" in body and "set" in body:
            raise BadInput("give advance or set, not both")
        backwards = body.get("backwards", False)
        if not isinstance(backwards, bool):
            raise BadInput("backwards must be true or false")
        freeze = body.get("freeze")
        if freeze is not None and not isinstance(freeze, bool):
            raise BadInput("freeze must be true or false")
        now = clk.now_us()
        target: int | None = None
        if "advance" in body:
            target = now + _advance_us(body["advance"])
        if "set" in body:
            if not isinstance(body["set"], str):
                raise BadInput("set must be an ISO-8601 time with an offset")
            try:
                target = parse_instant(body["set"])
            except ValueError as exc:
                raise BadInput(_short(str(exc), 120)) from None
        if target is not None:
            try:
                check_instant(target)
            except ValueError as exc:
                raise BadInput(str(exc)) from None
            if target < now and not backwards:
                raise BadInput("the clock does not go backwards unless the body says "
                               "\"backwards\": true (windows and tokens then see time CJ never shows)")
        clk.move(set_us=target, freeze=freeze)
    return json_response(clk.snapshot())


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _advance_us(value: Any) -> int:
    """``advance``: seconds (a number) or a duration (``5m``, ``+1h30m``, ``-10s``)."""
    if isinstance(value, str):
        try:
            return parse_duration(value, sign="any")
        except ValueError as exc:
            raise BadInput(f"advance: {exc}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadInput("advance must be a number of seconds or a duration such as 5m")
    if value != value or abs(value) > (MAX_US - MIN_US) / US:
        raise BadInput("advance would put the clock outside the simulator's range "
                       "(1970-01-01T00:00:00Z .. 9000-01-01T00:00:00Z)")
    return value * US if isinstance(value, int) else round(value * US)


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
    if not OPEN_ID_RE.fullmatch(open_id):
        raise BadInput(f"openId must be a number of at most 18 ASCII digits, not {_short(open_id)!r}")
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


@blueprint.get("/journal/<journal_id>")
def journal_entry(journal_id: str) -> Response:
    """One request whole: the list fields plus ``request`` and ``response`` (masked, bounded)."""
    if not (journal_id.isascii() and journal_id.isdigit()) or len(journal_id) > 18:
        raise BadInput(f"a journal id is a whole number, not {journal_id[:40]!r}")
    entry = _sim().journal_entry(int(journal_id))
    if entry is None:
        return json_response({"error": f"no journal entry {int(journal_id)}: unknown, or dropped "
                                       f"from the journal (--journal-size)"}, 404)
    return json_response(entry)


@blueprint.get("/journal.har")
def journal_har() -> Response:
    """The journal (or ``?since=ID``) as HAR 1.2: browser developer tools and HAR viewers open it."""
    from cjsim.journal import har

    response = json_response(har(_sim(), _int_arg("since"), request.host_url))
    response.headers["Content-Disposition"] = 'attachment; filename="cjsim-journal.har"'
    return response


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
from cjsim.control import ui as _ui  # noqa: E402,F401  (GET /__cjsim/ui, the dashboard; GET /__cjsim/)
