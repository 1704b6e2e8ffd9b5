"""The webhook URL policy: "local" (default) accepts local receivers and the audit names them;
"cj" refuses what today's CJ refuses (knob: Simulator, scenario limits, serve flag)."""

from __future__ import annotations

import pytest

from cjsim import Simulator
from cjsim.audit import audit
from cjsim.cli import build_parser
from cjsim.domain.webhooks import cj_refusal
from cjsim.errors import SEED_CATALOGUE
from tests.shop import START, shop_of


def expected(code: int) -> int:
    return code if code in SEED_CATALOGUE else 1607000


def _set(shop, url: str):  # type: ignore[no-untyped-def]
    return shop.post("webhook/set", {"order": {"type": "ENABLE", "callbackUrls": [url]}})


def test_cj_refusal_rules() -> None:
    assert cj_refusal("http://localhost:8080/hook") == expected(1607001)
    assert cj_refusal("https://127.0.0.1/hook") == expected(1607001)
    assert cj_refusal("http://hooks.example.com/x") == expected(1607002)
    assert cj_refusal("https://hooks.example.com/x") is None


@pytest.mark.parametrize("knob", ["argument", "scenario"])
def test_policy_cj_refuses_local_and_plain_http_urls(knob: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    if knob == "argument":
        sim = Simulator(seed=7, clock="frozen", start=START, webhook_url_policy="cj",
                        domain_options={"deliveries": False})
    else:
        scenario = tmp_path / "s.yaml"
        scenario.write_text("name: cj-urls\nlimits:\n  webhook_url_policy: cj\n", encoding="utf-8")
        sim = Simulator(seed=7, clock="frozen", start=START, scenario=str(scenario),
                        domain_options={"deliveries": False})
    assert sim.profile.webhook_url_policy == "cj"
    shop = shop_of(sim)
    assert _set(shop, "http://127.0.0.1:9/hook")["code"] == expected(1607001)
    assert _set(shop, "http://hooks.example.com/hook")["code"] == expected(1607002)
    two = shop.post("webhook/set", {"order": {"type": "ENABLE", "callbackUrls": [
        "https://a.example.com/h", "https://b.example.com/h"]}})
    assert two["code"] == 1600300
    assert sim.domain.webhooks.settings(shop.open_id) == {}
    assert _set(shop, "https://hooks.example.com/hook")["code"] == 200
    sim.close()


def test_policy_local_accepts_and_the_audit_names_the_url() -> None:
    sim = Simulator(seed=7, clock="frozen", start=START, domain_options={"deliveries": False})
    assert sim.profile.webhook_url_policy == "local"
    shop = shop_of(sim)
    assert _set(shop, "http://127.0.0.1:9/hook")["code"] == 200
    assert _set(shop, "https://hooks.example.com/hook")["code"] == 200
    findings = [f for f in audit(sim) if f.rule == "WEBHOOK-URL-REFUSED-BY-CJ"]
    assert len(findings) == 1
    assert "http://127.0.0.1:9/hook" in findings[0].explanation
    sim.close()


def test_a_bad_policy_is_refused_everywhere() -> None:
    with pytest.raises(ValueError, match="webhook_url_policy"):
        Simulator(webhook_url_policy="public")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--webhook-url-policy", "public"])
    args = build_parser().parse_args(["serve", "--webhook-url-policy", "cj"])
    assert args.webhook_url_policy == "cj"
