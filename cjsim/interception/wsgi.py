"""One HTTP exchange with a WSGI app, the way a server would run it (no socket)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder, run_wsgi_app

CLIENT_IP = "127.0.0.1"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


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
    builder = EnvironBuilder(
        path=parts.path or "/", base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query or None, method=method.upper(),
        headers=list(headers),
        data=body or None, environ_base={"REMOTE_ADDR": CLIENT_IP})
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    try:
        payload = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
    code, _, reason = status.partition(" ")
    return Answer(int(code), reason, list(response_headers.items()), payload)


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
