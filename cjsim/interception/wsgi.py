"""One HTTP exchange with a WSGI app, the way a server would run it (no socket).

The environ is built by hand for the requests clients make (an ASCII URL on http/https, a
plain host name, str headers): the very dict werkzeug's ``EnvironBuilder`` builds, key for key
and in the same order (``tests/interception/test_wsgi_environ.py`` compares them), at a
fraction of its cost -- the builder took as long as the simulator's whole pipeline. Anything
else (a non-ASCII path, user info in the URL, a form content type without a body, a header
value that is not a string or holds a line break) goes through ``EnvironBuilder`` itself.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder

CLIENT_IP = "127.0.0.1"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# what EnvironBuilder leaves as it is: a lower-case host name with an optional port, a path
# of characters its iri_to_uri does not quote and unquote does not change (no "%"), not "//..."
_PLAIN_NETLOC = re.compile(r"[a-z0-9.-]+(?::[1-9][0-9]{0,4})?")
_PLAIN_PATH = re.compile(r"/(?!/)[A-Za-z0-9_.~!$&'()*+,/:;=@-]*")
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# header name -> (its environ key as werkzeug spells it, 1 for Content-Type, 2 for Content-Length)
_NAMES: dict[str, tuple[str, int]] = {}
_SPECIAL = {"content-type": 1, "content-length": 2}


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes


def call_wsgi(app: WSGIApp, method: str, url: str, headers: Iterable[tuple[str, str]],
              body: bytes | None) -> Answer:
    """Raises what the app raises: a scenario's connection reset is ``ConnectionResetError``."""
    parts = urlsplit(url)
    pairs = list(headers)
    environ = plain_environ(parts.scheme, parts.netloc, parts.path, parts.query, method, pairs, body)
    if environ is None:
        environ = built_environ(method, url, pairs, body)
    return run(app, environ)


def built_environ(method: str, url: str, headers: list[tuple[str, str]], body: bytes | None) -> dict[str, Any]:
    """The environ as werkzeug's ``EnvironBuilder`` makes it (for any request)."""
    parts = urlsplit(url)
    builder = EnvironBuilder(
        path=parts.path or "/", base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query or None, method=method.upper(),
        headers=headers,
        data=body or None, environ_base={"REMOTE_ADDR": CLIENT_IP})
    try:
        return builder.get_environ()
    finally:
        builder.close()


def plain_environ(scheme: str, netloc: str, path: str, query: str, method: str,
                  headers: list[tuple[str, str]], body: bytes | None) -> dict[str, Any] | None:
    """``built_environ``'s dict for a plain request, built directly; None for any other."""
    default_port = _DEFAULT_PORTS.get(scheme)
    path = path or "/"
    if (default_port is None or _PLAIN_NETLOC.fullmatch(netloc) is None
            or _PLAIN_PATH.fullmatch(path) is None):
        return None
    host, _, port = netloc.partition(":")
    if port and int(port) > 65535:
        return None
    content_type: str | None = None
    others: dict[str, str] = {}
    for name, value in headers:
        if type(name) is not str or type(value) is not str or "\n" in value or "\r" in value:
            return None
        known = _NAMES.get(name)
        if known is None:
            if len(_NAMES) >= 512:  # names come from clients: keep a bounded few
                _NAMES.clear()
            known = _NAMES[name] = ("HTTP_" + name.upper().replace("-", "_"), _SPECIAL.get(name.lower(), 0))
        key, special = known
        if special == 1:
            if content_type is None:
                content_type = value
        elif special == 2:
            continue
        elif key in others:
            others[key] += ", " + value
        else:
            others[key] = value
    if body:
        length: str | None = str(len(body))
        stream = io.BytesIO(body)
    else:
        if content_type is not None and content_type.partition(";")[0].strip() in _FORM_TYPES:
            return None  # EnvironBuilder encodes its (empty) form
        length = None  # (EnvironBuilder drops a Content-Length header without a body)
        stream = io.BytesIO()
    if not query.isascii():
        query = query.encode().decode("latin1")
    environ: dict[str, Any] = {
        "REMOTE_ADDR": CLIENT_IP, "REQUEST_METHOD": method.upper(), "SCRIPT_NAME": "",
        "PATH_INFO": path, "QUERY_STRING": query, "REQUEST_URI": path, "RAW_URI": path,
        "SERVER_NAME": host, "SERVER_PORT": port or default_port, "HTTP_HOST": netloc,
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.version": (1, 0), "wsgi.url_scheme": scheme,
        "wsgi.input": stream, "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": False, "wsgi.run_once": False,
    }
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    environ.update(others)
    return environ


def run(app: WSGIApp, environ: dict[str, Any]) -> Answer:
    """The app's answer to ``environ``, buffered (werkzeug's ``run_wsgi_app(buffered=True)``)."""
    response: tuple[str, list[tuple[str, str]]] | None = None

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        nonlocal response
        if exc_info:
            try:
                raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        response = (status, headers)
        return _ignored

    app_iter = app(environ, start_response)
    try:
        payload = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
    assert response is not None, "the WSGI app answered without start_response"
    status, response_headers = response
    code, _, reason = status.partition(" ")
    return Answer(int(code), reason, [(str(k), str(v)) for k, v in response_headers], payload)


def _ignored(data: bytes) -> None:
    """``write`` of start_response: buffered answers keep only the app's iterable (as
    werkzeug's ``run_wsgi_app(buffered=True)`` does)."""


def body_bytes(body: Any) -> bytes | None:
    """A request body as bytes, whatever form the client library holds it in."""
    if body is None:
        return None
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)
