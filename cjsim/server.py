"""A real HTTP server for a simulator in a background thread (tests, the plugin, examples).

werkzeug's threaded server: one thread per connection, HTTP/1.1 keep-alive. ``port=0``
picks a free loopback port.
"""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real clients use CJ

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class BackgroundServer:
    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server: BaseWSGIServer = make_server(host, port, app, threaded=True,
                                                  request_handler=_QuietHandler)
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
