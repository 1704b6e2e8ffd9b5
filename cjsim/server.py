"""The HTTP server of ``cjsim serve`` and of the tests and the plugin.

Thread model: werkzeug's threaded server, one thread per connection, HTTP/1.1 keep-alive.
Two bounds keep slow or idle clients from pinning the process:

* every connection's socket has a timeout (``timeout``, default 30 s): a client that
  stops sending in the middle of a request line, headers or body is dropped;
* at most ``max_connections`` connections (default 256) are served at once; one more is
  answered at once with HTTP 503 and CJ's 1600000 JSON, and closed.

http.server answers a malformed request line, an over-long URI or a header flood itself;
here those answers are JSON too (1600300), never its HTML error page.
"""

from __future__ import annotations

import re
import secrets
import threading
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from cjsim import jsonenc
from cjsim.domain.ids import mask

DEFAULT_MAX_CONNECTIONS = 256
DEFAULT_TIMEOUT_S = 30.0


_SECRET_PARAMS = re.compile(r"(?i)\b(apiKey|password|accessToken|refreshToken|token)=([^&\s]+)")


def mask_secrets(text: str) -> str:
    """Query values that are credentials, as the log shows them."""
    return _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}={mask(m.group(2))}", text)


def _envelope(code: int, message: str) -> bytes:
    return jsonenc.dumps({"code": code, "result": False, "message": message, "data": None,
                          "requestId": secrets.token_hex(16), "success": False})


class CJRequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real clients use CJ
    disable_nagle_algorithm = True  # headers and body go out without waiting for an ACK
    timeout = DEFAULT_TIMEOUT_S
    quiet = True

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        if self.quiet:
            return
        line, path = getattr(self, "requestline", ""), getattr(self, "path", "")
        self.requestline, self.path = mask_secrets(line), mask_secrets(path)  # keys sent in a URL
        try:  # must not reach the log
            super().log_request(*args, **kwargs)
        finally:
            self.requestline, self.path = line, path

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own error answers, as JSON envelopes."""
        short = self.responses.get(code, ("Error", ""))[0]
        if code >= 500:
            body = _envelope(1600000, "System busy")
        else:
            body = _envelope(1600300, f"Illegal parameter: {message or short}")
        self.log_error("code %d, message %s", code, message)
        self.send_response(code, message)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(body)
        self.close_connection = True


class CJServer(ThreadedWSGIServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, app: Any, handler: type[WSGIRequestHandler],
                 max_connections: int = DEFAULT_MAX_CONNECTIONS) -> None:
        super().__init__(host, port, app, handler)
        self.max_connections = max_connections
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            body = _envelope(1600000, "System busy")
            head = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
                    b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
            try:
                request.sendall(head + body)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def make_cj_server(host: str, port: int, app: Any, *, quiet: bool = True,
                   timeout: float = DEFAULT_TIMEOUT_S,
                   max_connections: int = DEFAULT_MAX_CONNECTIONS) -> CJServer:
    handler = type("Handler", (CJRequestHandler,), {"quiet": quiet, "timeout": timeout})
    return CJServer(host, port, app, handler, max_connections=max_connections)


class BackgroundServer:
    """A real server on a free loopback port in a daemon thread (tests, plugin, examples)."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.server = make_cj_server(host, port, app, **options)
        self.host = host
        self.port = self.server.server_port
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        name=f"cjsim-server-{self.port}", daemon=True)

    @property
    def root(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/api2.0/v1"

    def url(self, path: str) -> str:
        if path.startswith("/"):
            return self.root + path
        return f"{self.base_url}/{path}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["BackgroundServer", "CJRequestHandler", "CJServer", "make_cj_server"]
