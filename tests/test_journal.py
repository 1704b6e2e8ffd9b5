"""The journal keeps what was sent and answered (cjsim/journal.py): the whole entry, its
bounds, its eviction, the HAR export; on every store, over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
import requests

from cjsim import Simulator
from cjsim.journal import EXCHANGE
from cjsim.server import BackgroundServer

HAR_SCHEMA = json.loads((Path(__file__).parent / "data" / "har-1.2.schema.json").read_text())
TOKEN = "authentication/getAccessToken"


EVERY_STORE = True  # tests/conftest.py runs each test on every store kind


@pytest.fixture
def served(make_sim: Callable[..., Simulator]) -> Iterator[tuple[Simulator, BackgroundServer]]:
    sim = make_sim(seed=11)
    with BackgroundServer(sim.app) as server:
        yield sim, server


def _login(server: BackgroundServer, api_key: str) -> str:
    body = requests.post(server.url(TOKEN), json={"apiKey": api_key}, timeout=10).json()
    assert body["code"] == 200, body
    return str(body["data"]["accessToken"])


def _control(server: BackgroundServer, path: str) -> requests.Response:
    return requests.get(server.url("/__cjsim/" + path), timeout=10)


def test_an_entry_answers_the_request_and_the_answer_whole(served: tuple[Simulator, BackgroundServer]) -> None:
    sim, server = served
    account = sim.account("dev@example.com", level="free")
    token = _login(server, account.api_key)
    sim.clock.advance(2)
    sent = requests.get(server.url("product/list"), params={"pageSize": "500", "pageNum": "1"},
                        headers={"CJ-Access-Token": token, "X-Trace": "t-1"}, timeout=10)
    answer = sent.json()
    assert answer["code"] == 1600300
    listed = _control(server, "journal").json()["entries"][-1]
    assert listed["code"] == 1600300 and listed["rule"] is None
    assert "pageSize" in listed["detail"] and listed["message"] == answer["message"]
    assert isinstance(listed["latencyUs"], int) and listed["latencyUs"] > 0
    assert "request" not in listed and "response" not in listed  # the list stays small

    whole = _control(server, f"journal/{listed['id']}").json()
    assert {k: whole[k] for k in listed} == listed
    request = whole["request"]
    assert request["method"] == "GET" and request["path"] == "/api2.0/v1/product/list"
    assert request["query"] == {"pageSize": "500", "pageNum": "1"}
    assert request["headers"]["X-Trace"] == "t-1" and request["body"] is None
    response = whole["response"]
    assert response["status"] == 200 and response["body"] == answer
    assert response["headers"]["Content-Type"].startswith("application/json")
    assert response["bodyCut"] is False and response["bodySize"] == len(sent.content)


def test_a_json_body_is_kept_as_sent_and_a_broken_one_as_text(served: tuple[Simulator, BackgroundServer]) -> None:
    sim, server = served
    account = sim.account("dev@example.com", level="free")
    token = _login(server, account.api_key)
    for body in (b'{"pid": "nothing", "note": "caf\xc3\xa9"}', b'{"pid": "unterminated'):
        sim.clock.advance(2)
        requests.post(server.url("logistic/freightCalculate"), data=body, timeout=10,
                      headers={"CJ-Access-Token": token, "Content-Type": "application/json"})
    *_, whole_json, broken = _control(server, "journal").json()["entries"]
    kept = _control(server, f"journal/{whole_json['id']}").json()["request"]
    assert kept["body"] == {"pid": "nothing", "note": "café"}
    text = _control(server, f"journal/{broken['id']}").json()
    assert text["code"] == 1600300 and text["request"]["body"] == '{"pid": "unterminated'


def test_bodies_are_cut_at_the_bound_and_say_so(make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim(seed=11, journal_body_bytes=64)
    account = sim.account("dev@example.com", level="free")
    with BackgroundServer(sim.app) as server:
        _login(server, account.api_key)
        sent = requests.post(server.url(TOKEN), json={"apiKey": account.api_key, "pad": "x" * 500},
                             timeout=10)
        whole = _control(server, "journal/2").json()
    request, response = whole["request"], whole["response"]
    assert request["bodyCut"] is True and request["bodySize"] > 500
    assert request["body"].startswith('{"apiKey": "') and "64 of" in request["body"]
    assert len(request["body"].split("\n…")[0].encode()) <= 64 + 8  # the cut text, a mask may lengthen it
    assert response["bodySize"] == len(sent.content)
    assert response["bodyCut"] == (len(sent.content) > 64)


def test_journal_body_bytes_is_checked() -> None:
    with pytest.raises(ValueError, match="journal_body_bytes"):
        Simulator(journal_body_bytes=-1)


def test_an_evicted_or_unknown_entry_is_404_and_its_exchange_is_dropped(
        make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim(seed=11, journal_size=3)
    with BackgroundServer(sim.app) as server:
        for _ in range(5):
            requests.get(server.url("no/such/interface"), timeout=10)
        ids = [e["id"] for e in _control(server, "journal").json()["entries"]]
        assert ids == [3, 4, 5]
        gone = _control(server, "journal/1")
        assert gone.status_code == 404 and "dropped" in gone.json()["error"]
        assert _control(server, "journal/5").json()["code"] == 1600101
        assert _control(server, "journal/99").status_code == 404
        bad = _control(server, "journal/abc")
        assert bad.status_code == 400 and "abc" in bad.json()["error"]
    kept = [key for key, _doc in sim.store.items(EXCHANGE)]
    assert sorted(kept, key=int) == ["3", "4", "5"]  # bounded like the ring


def test_har_export_is_har_1_2(served: tuple[Simulator, BackgroundServer]) -> None:
    sim, server = served
    account = sim.account("dev@example.com", level="free")
    token = _login(server, account.api_key)
    for _ in range(2):  # the second in the same (frozen) second is throttled: R4, a free account
        requests.get(server.url("product/list"), params={"pageNum": 1}, headers={"CJ-Access-Token": token},
                     timeout=10)
    har_response = _control(server, "journal.har")
    assert har_response.headers["Content-Type"].startswith("application/json")
    assert "cjsim-journal.har" in har_response.headers["Content-Disposition"]
    har = har_response.json()
    jsonschema.validate(har, HAR_SCHEMA)
    entries = har["log"]["entries"]
    assert [e["request"]["method"] for e in entries] == ["POST", "GET", "GET"]
    login, listed, throttled = entries
    assert json.loads(listed["response"]["content"]["text"])["code"] == 200
    assert login["request"]["url"] == server.url(TOKEN)
    assert login["request"]["postData"]["mimeType"] == "application/json"
    assert json.loads(login["response"]["content"]["text"])["code"] == 200
    assert throttled["request"]["url"] == server.url("product/list") + "?pageNum=1"
    assert throttled["request"]["queryString"] == [{"name": "pageNum", "value": "1"}]
    assert throttled["_cjsim"]["code"] == 1600200 and throttled["_cjsim"]["rule"] == "R4"
    assert throttled["time"] == throttled["timings"]["wait"] > 0

    since = _control(server, f"journal.har?since={entries[0]['_cjsim']['id']}").json()
    jsonschema.validate(since, HAR_SCHEMA)
    assert [e["_cjsim"]["id"] for e in since["log"]["entries"]] == [e["_cjsim"]["id"] for e in entries[1:]]
    assert _control(server, "journal.har?since=x").status_code == 400


def test_the_schema_refuses_what_har_viewers_refuse() -> None:
    """The schema is not vacuous: an entry without its required parts fails it."""
    entry: dict[str, Any] = {"startedDateTime": "2026-01-05T10:00:00+08:00", "time": 1,
                             "request": {}, "response": {}, "cache": {}, "timings": {}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"log": {"version": "1.2", "creator": {"name": "x", "version": "1"},
                                     "entries": [entry]}}, HAR_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"log": {"version": "1.2", "creator": {"name": "x", "version": "1"},
                                     "entries": [], "extra": 1}}, HAR_SCHEMA)


def test_credentials_never_appear_in_full_in_the_journal_the_har_or_the_log(
        make_sim: Callable[..., Simulator], caplog: pytest.LogCaptureFixture) -> None:
    sim = make_sim(seed=11, log_requests=True)
    account = sim.account("dev@example.com", level="free")
    key = account.api_key
    with BackgroundServer(sim.app) as server, caplog.at_level("INFO"):
        login = requests.post(server.url(TOKEN), json={"apiKey": key}, timeout=10).json()["data"]
        token, refresh = login["accessToken"], login["refreshToken"]
        for query in (f"apiKey={quote(key)}", f"api_key={quote(key)}", f"%61piKey={quote(key)}",
                      f"APIKEY={quote(key)}", f"access_token={quote(token)}"):
            sim.clock.advance(2)
            requests.get(server.url("setting/get") + "?" + query, headers={"CJ-Access-Token": token},
                         timeout=10)
        sim.clock.advance(2)
        requests.post(server.url("authentication/refreshAccessToken"), timeout=10,
                      data=b'{"refreshToken": "%s", "\\u0061piKey": "%s"}' % (refresh.encode(), key.encode()),
                      headers={"Content-Type": "application/json"})
        sim.clock.advance(2)
        requests.post(server.url(TOKEN), data=b'{"apiKey": "%s"' % key.encode(), timeout=10,
                      headers={"Content-Type": "application/json"})  # broken JSON: kept as text
        entries = _control(server, "journal").json()["entries"]
        wholes = [_control(server, f"journal/{e['id']}").text for e in entries]
        har = _control(server, "journal.har").text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert len(entries) == 8 and "setting/get" in logged
    secrets = {"apiKey": key, "token": token, "refreshToken": refresh}
    for name, secret in secrets.items():
        for where, text in (("journal entry", "\n".join(wholes)), ("HAR", har), ("log", logged)):
            assert secret not in text and quote(secret) not in text, f"{name} in full in the {where}"
    # not vacuous: the requests were kept, with the credentials masked
    queries = [json.loads(w)["request"]["query"] for w in wholes[1:6]]
    assert [list(q) for q in queries] == [["apiKey"], ["api_key"], ["apiKey"], ["APIKEY"], ["access_token"]]
    assert queries[0]["apiKey"] == f"{key[:4]}…{key[-4:]}"
    assert json.loads(wholes[1])["request"]["headers"]["Cj-Access-Token"] == f"{token[:4]}…{token[-4:]}"
    refreshed = json.loads(wholes[6])["request"]["body"]
    assert refreshed == {"refreshToken": f"{refresh[:4]}…{refresh[-4:]}", "apiKey": f"{key[:4]}…{key[-4:]}"}
    assert json.loads(wholes[7])["request"]["body"] == f'{{"apiKey": "{key[:4]}…{key[-4:]}"'
    answer = json.loads(wholes[0])["response"]["body"]["data"]
    assert answer["accessToken"] == f"{token[:4]}…{token[-4:]}"


def test_only_answers_that_may_carry_credentials_pass_through_the_masking(monkeypatch: pytest.MonkeyPatch) -> None:
    """The login answer (tokens) is masked before it is kept; a product answer, which no
    handler fills with a credential, is kept as built (masking it cost more than the call)."""
    import cjsim.journal as journal

    masked: list[str] = []
    real = journal.mask_secrets

    def spy(text: str) -> str:
        masked.append(text)
        return real(text)

    monkeypatch.setattr(journal, "mask_secrets", spy)
    sim = Simulator(clock="frozen", seed=5)
    account = sim.account(level="advanced", verified=True)
    http = sim.app.test_client()
    login = http.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": account.api_key}).get_json()
    token = login["data"]["accessToken"]
    # (the exchange is masked when it is first read: cjsim.journal.exchange)
    kept = sim.store.get(EXCHANGE, str(sim.journal()[-1]["id"]))
    assert any(token in text for text in masked)  # the login answer went through the masking
    assert kept is not None and token not in json.dumps(kept)
    masked.clear()
    sim.clock.advance(1)
    answer = http.get("/api2.0/v1/product/list?pageSize=1", headers={"CJ-Access-Token": token})
    assert answer.get_json()["code"] == 200
    kept = sim.store.get(EXCHANGE, str(sim.journal()[-1]["id"]))
    assert kept is not None and kept["r"] == answer.data.decode()
    assert not any('"list"' in text for text in masked)  # the product answer was not scanned


@pytest.mark.parametrize("value", [
    {"a": 'q"uo\\te\n\t\x00\x1f\x7f\u2028é中文😀</script>', "n": 4.1, "l": [1, None, True]},
    "plain", ["\\\"", "\r\b\f"], {"k": "\ud7ff\ue000\uffff"},
])
def test_an_answer_is_kept_as_the_same_json_string_its_text_makes(value: Any) -> None:
    """The journal keeps an answer orjson wrote without decoding it: the stored document is
    byte for byte the one its decoded text made."""
    import orjson

    from cjsim.journal import json_string

    raw = orjson.dumps(value)
    assert orjson.dumps({"r": json_string(raw)}) == orjson.dumps({"r": raw.decode()})


def test_a_product_answer_is_kept_whole_and_exactly(make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim(clock="frozen", seed=5)
    account = sim.account(level="advanced", verified=True)
    http = sim.app.test_client()
    token = http.post("/api2.0/v1/authentication/getAccessToken",
                      json={"apiKey": account.api_key}).get_json()["data"]["accessToken"]
    sim.clock.advance(1)
    pid = http.get("/api2.0/v1/product/list?pageSize=1",
                   headers={"CJ-Access-Token": token}).get_json()["data"]["list"][0]["pid"]
    sim.clock.advance(1)
    sent = http.get(f"/api2.0/v1/product/query?pid={pid}", headers={"CJ-Access-Token": token})
    kept = sim.store.get(EXCHANGE, str(sim.journal()[-1]["id"]))
    assert kept is not None
    assert kept["r"] == sent.data.decode() and kept["rs"] == len(sent.data) and kept["rc"] is False
    har = sim.app.test_client().get("/__cjsim/journal.har").get_json()
    assert har["log"]["entries"][-1]["response"]["content"]["text"] == sent.data.decode()
