"""Secrets stay out of logs, the journal, the control API's reads and the stores.

The README promises SHA-256 digests for API keys and tokens and masked request logs; these
tests read what is really written: the request log, the journal, the SQLite file (and its
WAL), every Redis key, the memory store's documents, the start-up banner.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from cjsim import Simulator
from cjsim.domain.ids import mask_secrets
from cjsim.server import BackgroundServer
from tests.serve import spawn

KEY = "CJ777@api@" + "0123456789abcdef" * 2
LOGIN = "/api2.0/v1/authentication/getAccessToken"
EVERY_STORE = True  # tests/conftest.py runs the store test on every store kind
SECRET = "s3cr3tV4lu3-0123456789"


# -- the one masking function ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["apiKey", "api_key", "API-KEY", "access_token", "accessToken",
                                  "refresh_token", "refreshToken", "CJAccessToken", "cj-access-token",
                                  "token", "password", "%61piKey", "access%5Ftoken", "ACCESS%5FTOKEN",
                                  "refresh%2Dtoken", "client_secret", "x-admin-token"])
def test_credential_parameters_are_masked_by_decoded_name(name: str) -> None:
    line = f'"GET /api2.0/v1/product/list?page=2&{name}={SECRET}&size=10 HTTP/1.1" 200 -'
    out = mask_secrets(line)
    assert SECRET not in out
    assert f"{name}=" in out and "page=2" in out and "size=10" in out


@pytest.mark.parametrize("value", [KEY, KEY.replace("@", "%40"),
                                   "API@CJ777@CJ:eyJhbGciOiJIUzI1NiJ9.abcdefabcdef.0123456789"])
def test_credentials_are_masked_by_shape_anywhere(value: str) -> None:
    out = mask_secrets(f"GET /api2.0/v1/{value}/x HTTP/1.1")
    assert value not in out and value[-12:] not in out


@pytest.mark.parametrize("text", ["GET /api2.0/v1/product/list?page=2&keyword=token HTTP/1.1",
                                  "monkey=banana&tokens_left=3x", "no secrets here"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert mask_secrets(text) == text


def test_the_request_log_masks_credentials(caplog: pytest.LogCaptureFixture) -> None:
    sim = Simulator(log_requests=True)  # CJ requests are logged by the simulator (cjsim.reqlog)
    names = ["access_token", "api%5Fkey", "refresh_token", "CJAccessToken", "apiKey"]
    query = "&".join(f"{n}={SECRET}{i}" for i, n in enumerate(names))
    with caplog.at_level(logging.INFO), \
            BackgroundServer(sim.app, quiet=False) as server:
        requests.get(server.url(f"/api2.0/v1/product/list?{query}"), timeout=5)
        requests.get(server.url(f"/api2.0/v1/{KEY}"), timeout=5)
    assert "product/list" in caplog.text
    assert SECRET not in caplog.text
    assert KEY not in caplog.text


def test_the_journal_masks_a_key_sent_in_the_path() -> None:
    sim = Simulator()
    client = sim.app.test_client()
    client.get(f"/api2.0/v1/{KEY}")
    entries = client.get("/__cjsim/journal").get_json()["entries"]
    assert entries and all(KEY not in str(e) for e in entries)
    assert KEY not in client.get("/__cjsim/audit").get_data(as_text=True)


# -- stores keep digests --------------------------------------------------------------------
def raw_store_bytes(sim: Simulator, kind: str) -> bytes:
    store: Any = sim.store
    if kind == "memory":
        # (a document made when read, the journal's exchange, is kept as its pieces)
        parts = [v if isinstance(v, bytes) else repr(v).encode() for docs in store._docs.values()
                 for v in docs.values()]
        parts += [repr(list(log)).encode() for log in store._logs.values()]
        return b"\n".join(parts)
    if kind == "sqlite":
        path = Path(store.path)
        return b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))
    import redis

    client = redis.Redis.from_url(store.url)
    out = []
    for key in client.scan_iter(count=1000):
        out.append(key)
        kind_of = client.type(key)
        if kind_of == b"string":
            out.append(client.get(key) or b"")
        elif kind_of == b"hash":
            out.extend(b"%s=%s" % kv for kv in client.hgetall(key).items())
        elif kind_of == b"list":
            out.extend(client.lrange(key, 0, -1))
        elif kind_of == b"zset":
            out.extend(m for m, _ in client.zrange(key, 0, -1, withscores=True))
        elif kind_of == b"set":
            out.extend(client.smembers(key))
    return b"\n".join(out)


def test_stores_hold_key_digests_and_login_still_works(make_sim: Callable[..., Simulator],
                                                        store_kind: str) -> None:
    sim = make_sim()
    created = sim.app.test_client().post("/__cjsim/accounts", json={"email": "shop@example.com",
                                                                     "apiKey": KEY}).get_json()
    generated = sim.account("gen@example.com")
    assert created["apiKey"] == KEY and generated.api_key
    client = sim.app.test_client()
    by_key = client.post(LOGIN, json={"apiKey": KEY}).get_json()
    assert by_key["code"] == 200, by_key
    sim.clock.advance(301)
    legacy = client.post(LOGIN, json={"email": "shop@example.com", "password": KEY}).get_json()
    assert legacy["code"] == 200, legacy
    sim.clock.advance(301)
    wrong = client.post(LOGIN, json={"email": "shop@example.com", "password": KEY[:-1] + "0"}).get_json()
    assert wrong["code"] == 1600001
    data = raw_store_bytes(sim, store_kind)
    assert b"shop@example.com" in data  # the dump does see the account
    for secret in (KEY, generated.api_key, by_key["data"]["accessToken"], by_key["data"]["refreshToken"]):
        assert secret.encode() not in data
        assert secret[-32:].encode() not in data


def test_control_reads_do_not_reveal_keys() -> None:
    sim = Simulator(demo_account=True)
    client = sim.app.test_client()
    created = client.post("/__cjsim/accounts", json={"email": "a@example.com", "apiKey": KEY})
    assert created.status_code == 201 and created.get_json()["apiKey"] == KEY  # once, to its creator
    open_id = created.get_json()["openId"]
    demo_key = sim.generated_keys[next(iter(sim.generated_keys))]
    reads = [client.get("/__cjsim/accounts"), client.get(f"/__cjsim/accounts/{open_id}"),
             client.patch(f"/__cjsim/accounts/{open_id}", json={"level": "plus"})]
    for answer in reads:
        assert answer.status_code == 200
        text = answer.get_data(as_text=True)
        assert KEY not in text and demo_key not in text and KEY[-32:] not in text
    assert reads[1].get_json()["apiKeyHint"] == "CJ77…cdef"


def test_reset_shows_the_regenerated_demo_key_once() -> None:
    sim = Simulator(demo_account=True)
    client = sim.app.test_client()
    answer = client.post("/__cjsim/reset").get_json()
    [entry] = answer["accounts"]
    assert client.post(LOGIN, json={"apiKey": entry["apiKey"]}).get_json()["code"] == 200
    assert entry["apiKey"] not in client.get("/__cjsim/accounts").get_data(as_text=True)


# -- the start-up banner --------------------------------------------------------------------
def banner(*args: str) -> str:
    served = spawn(*args)
    served.stop()
    return served.banner


def test_the_banner_shows_a_given_key_masked(tmp_path: Path) -> None:
    text = banner("--account", f"me@example.com:{KEY}")
    assert KEY not in text and "CJ77…cdef" in text


def test_the_banner_shows_the_demo_key_only_in_the_run_that_created_it(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/banner.db"
    first = banner("--store", store)
    key = re.search(r"apiKey=(\S+)", first)
    assert key is not None and re.fullmatch(r"CJ\d+@api@[0-9a-f]{32}", key.group(1))
    again = banner("--store", store)
    assert key.group(1) not in again and "the store keeps its digest" in again
