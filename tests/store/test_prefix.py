"""``--store-prefix`` isolates simulators sharing one Redis: a reset of one never touches
another's keys, whatever the two prefixes look like, and a prefix that could widen the
key pattern is refused before anything is stored."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from cjsim.simulator import Simulator
from cjsim.store import open_store
from cjsim.store.redis import RedisStore
from tests.redis_server import RedisServer


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A server of its own: these tests look at every key of the database."""
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def _seeded(server: RedisServer, prefix: str) -> Simulator:
    return Simulator(seed=1, clock="frozen", start="2026-01-05T10:00:00+08:00", store=server.url,
                     store_prefix=prefix, demo_account=True)


@pytest.mark.parametrize(("reset", "kept"), [("cjsim", "cjsim:staging"), ("cjsim:staging", "cjsim"),
                                             ("a", "ab"), ("ab", "a")])
def test_resetting_one_prefix_keeps_every_key_of_a_longer_or_shorter_one(
        redis_server: RedisServer, reset: str, kept: str) -> None:
    client = redis.Redis.from_url(redis_server.url)
    other = _seeded(redis_server, kept)
    before = sorted(client.keys("*"))
    assert other.accounts.all()
    sim = _seeded(redis_server, reset)
    sim.account("extra@cjsim.local")
    sim.reset()
    ours = {k for k in client.keys("*") if k not in before}
    assert set(before) <= set(client.keys("*")), "the reset deleted keys of the other prefix"
    assert [a.email for a in other.accounts.all()] == ["demo@cjsim.local"]
    assert ours, "the reset simulator's own start state is stored"
    sim.close()
    other.close()


def test_a_plain_key_of_the_database_survives_a_reset(redis_server: RedisServer) -> None:
    client = redis.Redis.from_url(redis_server.url)
    client.set("unrelated", "1")
    client.set("cjsim:unrelated", "1")
    sim = _seeded(redis_server, "cjsim")
    sim.reset()
    assert client.get("unrelated") == b"1" and client.get("cjsim:unrelated") == b"1"
    sim.close()


@pytest.mark.parametrize("prefix", ["*", "cj*", "a?", "[ab]", "x\\y", "{cj}", "two words", ""])
def test_a_prefix_with_glob_characters_is_a_value_error_naming_it(
        redis_server: RedisServer, prefix: str) -> None:
    client = redis.Redis.from_url(redis_server.url)
    client.set("unrelated", "1")
    with pytest.raises(ValueError, match="store_prefix"):
        Simulator(store=redis_server.url, store_prefix=prefix)
    with pytest.raises(ValueError, match="store_prefix"):
        RedisStore(redis_server.url, prefix=prefix)
    with pytest.raises(ValueError, match="store_prefix"):
        open_store("memory://", prefix=prefix)
    assert client.keys("*") == [b"unrelated"]


def test_the_cli_refuses_a_glob_prefix_in_one_line() -> None:
    result = subprocess.run([sys.executable, "-m", "cjsim", "serve", "--port", "0",
                             "--store-prefix", "cj*"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--store-prefix" in lines[0] and "'*'" in lines[0]
