"""A points budget is a rule row, not engine code: a profile defined here (not shipped) with
one ``budget`` rule of 100 units a day, where interfaces cost 50, 10 or nothing, works on
every store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.limits.engine import Subject
from cjsim.limits.rules import Rule, RuleTable
from cjsim.profiles import PROFILES, Profile
from tests.conftest import Client

QUERY = "/api2.0/v1/product/query?productSku=CJSJBHPK01234"
SETTING = "/api2.0/v1/setting/get"
BALANCE = "/api2.0/v1/shopping/pay/getBalance"
POINTS = Rule(
    id="B1", role="budget", description="{limit} points a {window} per account",
    applies="non_login", scope=("account",), limit=100, calendar="day",
    cost=MappingProxyType({"/api2.0/v1/product/query": 50, SETTING: 10}), default_cost=0,
    code=1600200, message="Points used up: {count} of {limit} points today",
    title="Spent more than {limit} points a {window}", advice="Cache product data.")


def budget_profile(rule: Rule = POINTS) -> Profile:
    legacy = PROFILES["legacy"]
    return replace(legacy, name="test-budget", rules=RuleTable((*legacy.rules.rules, rule)))


def answer(response: Any) -> tuple[int, str]:
    body = response.get_json()
    return body["code"], body["message"]


@pytest.fixture
def me(make_sim: Callable[..., Simulator]) -> tuple[Simulator, Client, Any]:
    sim = make_sim(seed=3, profile=budget_profile())
    account = sim.account(level="advanced", verified=True)
    client = Client(sim)
    client.login(account.api_key)
    return sim, client, account


def test_calls_spend_their_cost_and_the_budget_refuses_what_does_not_fit(
        me: tuple[Simulator, Client, Any]) -> None:
    sim, client, account = me
    answers = []
    for path in (QUERY, QUERY, QUERY, SETTING, BALANCE):
        sim.clock.advance(1)
        answers.append(client.get(path))
    assert [answer(r)[0] for r in answers] == [200, 200, 1600200, 1600200, 200]
    assert answer(answers[2])[1] == "Points used up: 100 of 100 points today"
    assert [(v["rule"], v["limit"], v["used"]) for v in sim.violations()] == [("B1", 100, 100)] * 2
    assert sim.usage(account)["budgets"] == [{"rule": "B1", "used": 100, "limit": 100,
                                              "remaining": 0}]
    sim.clock.set("2026-01-06T00:00:00+08:00")  # the next calendar day in the profile's zone
    assert answer(client.get(QUERY))[0] == 200
    assert sim.usage(account)["budgets"][0]["used"] == 50


def test_a_cheap_call_fits_where_a_dear_one_does_not(me: tuple[Simulator, Client, Any]) -> None:
    sim, client, _ = me
    for path in (QUERY, SETTING, SETTING, SETTING, SETTING):
        sim.clock.advance(1)
        assert answer(client.get(path))[0] == 200  # 50 + 4 x 10 = 90
    sim.clock.advance(1)
    assert answer(client.get(QUERY))[0] == 1600200  # 90 + 50 > 100
    sim.clock.advance(1)
    assert answer(client.get(SETTING))[0] == 200  # 90 + 10 = 100
    sim.clock.advance(1)
    assert answer(client.get(SETTING))[0] == 1600200


def test_the_profile_endpoint_shows_the_budget_rule_and_its_costs(
        me: tuple[Simulator, Client, Any]) -> None:
    _, client, _ = me
    described = client.http.get("/__cjsim/profile")
    assert described.status_code == 200
    rule = described.get_json()["rules"][-1]
    assert (rule["id"], rule["role"], rule["limit"], rule["calendar"]) == ("B1", "budget", 100, "day")
    assert rule["cost"] == {"/api2.0/v1/product/query": 50, SETTING: 10, "*": 0}


def test_a_budget_may_come_from_the_account(make_sim: Callable[..., Simulator]) -> None:
    """The hook a per-account budget uses: ``limit_from`` reads the caller."""
    def by_level(subject: Subject) -> int | None:
        return 60 if subject.level == 0 else None  # the table's 100 for everyone else

    sim = make_sim(seed=3, profile=budget_profile(replace(POINTS, limit_from=by_level)))
    small = sim.account(level=0, verified=True)
    usual = sim.account(level="advanced", verified=True)
    for account, expected in ((small, [200, 1600200]), (usual, [200, 200])):
        client = Client(sim)
        client.login(account.api_key)
        got = []
        for _ in range(2):
            sim.clock.advance(1)
            got.append(answer(client.get(QUERY))[0])
        assert got == expected
