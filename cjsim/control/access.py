"""Who may drive the control API.

Three checks, in this order, on every ``/__cjsim/`` request:

1. **Host** (DNS rebinding): the ``Host`` header must name this server: ``localhost``, a
   loopback address, the address the server is bound to (any IP address when it is bound
   to a wildcard such as ``0.0.0.0``: an IP literal cannot be a rebound name), or a name
   given with ``--allow-host`` (``.example.com`` also allows its subdomains, ``*`` allows
   any). Only the name is compared, not the port (port forwarding and proxies change it).
   Anything else: 403.
2. **Caller**: by default only loopback callers: the control API can reset state, mint
   accounts and move time. With an admin token, every caller must send ``Authorization:
   Bearer <token>`` (compared in constant time). ``insecure_admin`` opens it to anyone.
3. **Browsers** (cross-site requests): a request that changes state (any method but GET,
   HEAD, OPTIONS) is refused (403) when it carries an ``Origin`` whose host and port are
   not the (checked) ``Host`` of the request, or ``Sec-Fetch-Site`` other than
   ``same-origin``/``none``,
   or when a browser (``Origin`` or ``Sec-Fetch-Site`` present) sends a body a plain HTML
   form can send (``text/plain``, form-encoded, multipart): a page must send JSON.
   Command-line clients send neither header and keep working whatever their content type
   (``curl -d '{...}'`` sends ``application/x-www-form-urlencoded``; the body is JSON).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Request, Response, request

from cjsim.app import json_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
WILDCARD_BINDS = frozenset({"0.0.0.0", "::", ""})


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def normalize_allowed_hosts(names: Iterable[str]) -> tuple[str, ...]:
    """``--allow-host`` values, lower-cased; a bad one raises ValueError naming it."""
    out = []
    for raw in names:
        name = raw.strip().lower().rstrip(".")
        if name.startswith("[") and name.endswith("]"):
            name = name[1:-1]
        if not name or any(c in name for c in "/:@ ") and _ip(name) is None:
            raise ValueError(f"--allow-host {raw!r}: give a host name or address, without port")
        out.append(name)
    return tuple(out)


def host_name(host_header: str) -> str:
    """The name of a ``Host`` header: no port, no brackets, lower case, no trailing dot."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def host_allowed(name: str, bound: str, allowed: Iterable[str]) -> bool:
    if not name:
        return False
    if name == "localhost" or is_loopback(name):
        return True
    ip = _ip(name)
    bound_ip = _ip(bound)
    if ip is not None and (bound in WILDCARD_BINDS or (bound_ip is not None and ip == bound_ip)):
        return True
    for entry in allowed:
        if entry == "*" or entry == name or (entry.startswith(".") and
                                              (name.endswith(entry) or name == entry[1:])):
            return True
        if ip is not None and _ip(entry) == ip:
            return True
    return False


def check_host(req: Request, allowed: Iterable[str]) -> Response | None:
    """None when the Host header names this server, else the 403 answer."""
    bound = req.environ.get("SERVER_NAME", "") or ""
    bound = bound if _ip(bound) is not None or bound in WILDCARD_BINDS else "-"  # a name is no bind
    header = req.headers.get("Host", "")
    if not header.strip():
        return None  # an HTTP/1.0 tool; every browser sends Host
    if host_allowed(host_name(header), bound, allowed):
        return None
    return json_response({"error": f"the control API does not answer for Host {header!r} "
                                   "(start the simulator with --allow-host NAME to allow it)"}, 403)


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


def _authority(scheme: str, netloc: str) -> str:
    """``host[:port]`` lower-cased, the scheme's default port left out."""
    netloc = netloc.strip().lower()
    default = {"http": ":80", "https": ":443"}.get(scheme.lower())
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return netloc


def _origin_authority(origin: str) -> str | None:
    """The ``host[:port]`` of an ``Origin`` (None for ``null`` or nonsense). The scheme is not
    compared: behind a TLS proxy the page is https and the server sees http, and only this
    server can serve a page from its own host and port."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        return None
    return _authority(parts.scheme, parts.netloc)


def check_browser(req: Request) -> Response | None:
    """None unless a browser on another site asks for a change (403 then)."""
    if req.method in SAFE_METHODS:
        return None
    origin = req.headers.get("Origin")
    fetch_site = req.headers.get("Sec-Fetch-Site")
    if origin is None and fetch_site is None:
        return None  # not a browser: curl, SDKs, test harnesses
    own = _authority(req.scheme, req.host)
    if origin is not None and _origin_authority(origin) != own:
        return json_response({"error": f"the control API refuses changes from another origin "
                                       f"({origin!r}; this server is {req.scheme}://{req.host})"}, 403)
    if fetch_site is not None and fetch_site.strip().lower() not in ("same-origin", "none"):
        return json_response({"error": "the control API refuses changes from another site "
                                       f"(Sec-Fetch-Site: {fetch_site})"}, 403)
    if req.content_length or req.headers.get("Transfer-Encoding"):
        mimetype = req.mimetype
        if mimetype in FORM_TYPES or not mimetype:
            return json_response({"error": "a browser must send control API bodies as "
                                           "Content-Type: application/json"}, 403)
    return None


def check_control(req: Request, token: str | None, insecure: bool,
                  allowed_hosts: Iterable[str]) -> Response | None:
    """All three checks of the module docstring; None when the request may proceed."""
    return (check_host(req, allowed_hosts) or check_admin(token, insecure)
            or check_browser(req))


def bind_needs_protection(host: str) -> bool:
    """True when serving on ``host`` exposes the control API beyond this machine."""
    if host in ("localhost",):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a host name: assume it resolves beyond loopback
