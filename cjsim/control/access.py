"""Who may drive the control API.

By default only loopback callers: the control API can reset state, mint accounts and move
time, so a simulator bound to another address must say how it is protected. With an
admin token, every caller must send ``Authorization: Bearer <token>`` (compared in
constant time). ``insecure_admin`` opens it to anyone, on purpose.
"""

from __future__ import annotations

import hmac
import ipaddress

from flask import Response, request

from cjsim.app import json_response


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def check_admin(token: str | None, insecure: bool) -> Response | None:
    """None when the caller may proceed, else the 401/403 answer."""
    if token:
        sent = request.headers.get("Authorization", "")
        scheme, _, value = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            return json_response({"error": "the control API needs Authorization: Bearer <admin token>"}, 401)
        return None
    if insecure or is_loopback(request.remote_addr):
        return None
    return json_response({"error": "the control API answers loopback callers only "
                                   "(start the simulator with --admin-token to allow others)"}, 403)


def bind_needs_protection(host: str) -> bool:
    """True when serving on ``host`` exposes the control API beyond this machine."""
    if host in ("localhost",):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a host name: assume it resolves beyond loopback
