"""The dashboard (``GET /__cjsim/ui``) and the index of the control API (``GET /__cjsim/``).

The dashboard is plain HTML/CSS/JS shipped in the package (``cjsim/control/dashboard/``,
uPlot vendored): it works offline and reads everything through the control API, so it sees
what any client of that API sees. It lives on the control blueprint, under the same access
rules; with an admin token the page itself (which holds no data) loads without it, and the
page sends the token (typed once, or given as ``#token=...``) on every API call.
The page is served with a strict Content-Security-Policy (no inline script, nothing from
another origin) and may not be framed.
"""

from __future__ import annotations

from importlib import resources

from flask import Response, current_app

from cjsim.app import json_response
from cjsim.control import blueprint

UI_PATH = "/__cjsim/ui"
_FILES = resources.files("cjsim.control") / "dashboard"
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")


def is_ui_shell(path: str) -> bool:
    """The page and its static files: no data, no action (the API calls carry the token)."""
    return path == UI_PATH or path == UI_PATH + "/" or path.startswith(UI_PATH + "/static/")


def _static(name: str) -> Response:
    suffix = name[name.rfind("."):] if "." in name else ""
    parts = name.split("/")
    if suffix not in _TYPES or any(p in ("", ".", "..") for p in parts):
        return json_response({"error": f"no dashboard file {name}"}, 404)
    target = _FILES.joinpath(*parts)
    if not target.is_file():
        return json_response({"error": f"no dashboard file {name}"}, 404)
    response = Response(target.read_bytes(), content_type=_TYPES[suffix])
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    # the page is small and versioned with the package; always fresh after an upgrade
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/ui")
def dashboard() -> Response:
    return _static("index.html")


@blueprint.get("/ui/static/<path:name>")
def dashboard_file(name: str) -> Response:
    return _static(name)


@blueprint.get("/")
def index() -> Response:
    """Every control route with its methods, and the dashboard's address."""
    routes: dict[str, set[str]] = {}
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith(blueprint.name + ".") and not rule.rule.startswith(UI_PATH + "/"):
            methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
            routes.setdefault(rule.rule, set()).update(methods)
    return json_response({
        "name": "cjsim control API", "dashboard": UI_PATH,
        "routes": [{"path": path, "methods": sorted(methods)} for path, methods in sorted(routes.items())],
    })
