"""The Flask app of a simulator: the CJ API (WSGI middleware, see ``pipeline``), the
control API under ``/__cjsim/``, and JSON for every error anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from cjsim import jsonenc
from cjsim.pipeline import CJApi
from cjsim.store import StoreUnavailable

if TYPE_CHECKING:
    from cjsim.simulator import Simulator


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(jsonenc.dumps(payload), status=status,
                    content_type="application/json; charset=utf-8")


class LazyBuildRule(Rule):
    """A URL rule whose URL builders (``url_for``) are generated on first use. Werkzeug
    writes and compiles two Python functions for every rule the moment it is added: for the
    control API's routes that was nine tenths of a warm ``Simulator()`` (about 4.5 of 5 ms),
    and nothing in cjsim builds those URLs. Matching is untouched; a built URL is the same."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_builder = super()._compile_builder
        compiled: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            if not compiled:  # two first builds at once compile it twice: the same function
                compiled.append(compile_builder(append_unknown).__get__(rule, None))
            return compiled[0](*args, **kwargs)

        return build


class CJSimFlask(Flask):
    url_rule_class = LazyBuildRule  # the static route Flask adds as it starts included


def create_app(sim: Simulator) -> Flask:
    from cjsim.control import blueprint

    app = CJSimFlask("cjsim")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.extensions["cjsim"] = sim
    app.register_blueprint(blueprint)

    @app.before_request
    def _control_access() -> Response | None:
        from flask import request

        from cjsim.control.access import check_control, check_host
        from cjsim.control.ui import is_ui_shell

        if request.path.startswith("/__cjsim"):
            if sim.admin_token and is_ui_shell(request.path):
                # the page holds no data and a browser cannot send the token to load it;
                # its API calls carry the token. The Host check (DNS rebinding) still holds.
                return check_host(request, sim.allow_hosts)
            return check_control(request, sim.admin_token, sim.insecure_admin, sim.allow_hosts)
        return None

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        return json_response({"error": exc.description or exc.name}, status)

    @app.errorhandler(StoreUnavailable)
    def _store_down(exc: StoreUnavailable) -> Response:
        return json_response({"error": f"the store is unavailable: {exc}"}, 503)

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> Response:
        app.logger.exception("control API error")
        return json_response({"error": "internal error: " + type(exc).__name__}, 500)

    @app.get("/")
    def _index() -> Response:
        return json_response({
            "name": "cjsim", "api": "/api2.0/v1/", "control": "/__cjsim/", "dashboard": "/__cjsim/ui",
            "endpoints": sim.routes.paths(),
        })

    app.wsgi_app = CJApi(sim, app.wsgi_app)  # type: ignore[method-assign]
    return app
