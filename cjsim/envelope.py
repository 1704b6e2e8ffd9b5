"""CJ's response envelope (docs/rules.md, "Envelope"): one shape for success and for every error."""

from __future__ import annotations

from typing import Any

from cjsim.errors import Catalogue, CJError


def success(data: Any, request_id: str) -> dict[str, Any]:
    return {"code": 200, "result": True, "message": "Success", "data": data,
            "requestId": request_id, "success": True}


def failure(error: CJError, request_id: str, catalogue: Catalogue) -> dict[str, Any]:
    """The error's envelope: the message is exactly the catalogue's text (or the rule's
    rendered one); the detail goes to the ``X-CJSim-Detail`` header, not here."""
    message = (error.message if error.message is not None
               else catalogue.message(error.code, error.param))
    return {"code": error.code, "result": False, "message": message, "data": None,
            "requestId": request_id, "success": False}
