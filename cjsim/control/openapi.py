"""``GET /__cjsim/openapi.json``: the OpenAPI 3.1 document of this simulator's interfaces.

On the control blueprint, so the control API's access checks apply to it too. The server
URL is the address the caller used, so a client generator can point at it directly.
"""

from __future__ import annotations

from flask import Response, request

from cjsim.app import json_response
from cjsim.control import _sim, blueprint


@blueprint.get("/openapi.json")
def openapi() -> Response:
    from cjsim.openapi import document  # built on request only: a simulator's start-up skips it

    return json_response(document(_sim().routes, server_url=request.host_url.rstrip("/")))
