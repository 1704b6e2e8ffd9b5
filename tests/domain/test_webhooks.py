"""Webhook settings, envelope, signature and recipients (no HTTP except the delivery tests)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from cjsim.domain.options import DomainOptions
from cjsim.domain.webhooks import Message, TopicChange, Webhooks, envelope, parse_changes, sign, verify
from cjsim.errors import CJError
from cjsim.store import MemoryStore


def cj_sign(raw_body: bytes, open_id: object) -> str:
    """docs/rules.md "Webhooks": the reference check, verbatim."""
    mac = hmac.new(str(open_id).encode(), raw_body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def test_signature_is_cjs_reference() -> None:
    body = b'{"messageId":"x","type":"ORDER"}'
    assert sign(body, 100042) == cj_sign(body, 100042) == sign(body, "100042")
    assert verify(body, 100042, cj_sign(body, 100042))
    assert not verify(body + b" ", 100042, cj_sign(body, 100042))
    assert not verify(body, 100043, cj_sign(body, 100042))


def test_envelope_is_compact_json_in_cj_key_order() -> None:
    raw = envelope("ab" * 16, Message("ORDER", "UPDATE", {"cjOrderId": "1", "x": None}, "k"))
    assert raw == (b'{"messageId":"' + b"ab" * 16 + b'","type":"ORDER","messageType":"UPDATE",'
                   b'"params":{"cjOrderId":"1","x":null}}')


def test_parse_changes_keeps_topic_order_dedupes_and_maps_all() -> None:
    changes = parse_changes({
        "logistics": {"type": "CANCEL", "callbackUrls": ["http://x/"]},
        "order": {"type": "ALL", "callbackUrls": ["http://a/", "http://a/", " http://b/ "]},
    })
    assert changes == [TopicChange("order", "ENABLE", ("http://a/", "http://b/")),
                       TopicChange("logistics", "CANCEL")]


@pytest.mark.parametrize("params, code", [
    ({}, 1600300),
    ({"order": {"type": "enable", "callbackUrls": ["http://a/"]}}, 1600300),
    ({"order": {"type": "ENABLE", "callbackUrls": ""}}, 1607000),
    ({"order": {"type": "ENABLE", "callbackUrls": "http://a/"}}, 1600300),
    ({"order": {"type": "ENABLE", "callbackUrls": ["http://"]}}, 1607000),
])
def test_parse_changes_errors(params: dict[str, object], code: int) -> None:
    with pytest.raises(CJError) as err:
        parse_changes(params)
    assert err.value.code == code


def _webhooks(**options: object) -> Webhooks:
    return Webhooks(MemoryStore(), lambda: 0, DomainOptions.build(dict(options)), "salt")


def test_recipients_owner_only_or_every_account_for_stock() -> None:
    hooks = _webhooks(deliveries=False)
    hooks.configure(1, [TopicChange("order", "ENABLE", ("http://a/",)),
                        TopicChange("stock", "ENABLE", ("http://s1/",))], "p")
    hooks.configure(2, [TopicChange("stock", "ENABLE", ("http://s2/", "http://s3/"))], "p")
    assert hooks.recipients(Message("ORDER", "INSERT", {}, "k", 1)) == [(1, ["http://a/"])]
    assert hooks.recipients(Message("ORDER", "INSERT", {}, "k", 2)) == []
    assert hooks.recipients(Message("STOCK", "UPDATE", {}, "k")) == [
        (1, ["http://s1/"]), (2, ["http://s2/", "http://s3/"])]
    assert hooks.send([Message("STOCK", "UPDATE", {}, "k")]) == 3
    skipped = hooks.deliveries()
    assert {e["openId"] for e in skipped} == {1, 2} and {e["outcome"] for e in skipped} == {"skipped"}
    ids = {e["openId"]: e["messageId"] for e in skipped}
    assert ids[1] != ids[2]  # one id per account copy, stable for the same key


def test_configure_refuses_the_same_enabled_urls() -> None:
    hooks = _webhooks()
    hooks.configure(1, [TopicChange("order", "ENABLE", ("http://a/", "http://b/"))], "p")
    with pytest.raises(CJError) as err:
        hooks.configure(1, [TopicChange("order", "ENABLE", ("http://b/", "http://a/"))], "p")
    assert err.value.code == 1606000
    hooks.configure(1, [TopicChange("order", "CANCEL")], "p")
    hooks.configure(1, [TopicChange("order", "CANCEL")], "p")  # cancelling twice is fine
    assert hooks.settings(1) == {"order": {"type": "CANCEL", "urls": []}}


def test_domain_options_refuse_unknown_or_bad_values() -> None:
    with pytest.raises(ValueError, match="colour"):
        DomainOptions.build({"colour": 1})
    with pytest.raises(ValueError, match="retry_delay_s"):
        DomainOptions.build({"retry_delay_s": 0})
    assert DomainOptions.build({"cny_rate": 7}).cny_rate == 7
    assert len(DomainOptions.build({"track_step_s": 10}).steps) == 9
