"""The sample clients in examples/, driven by the plugin's own fixtures: the well-behaved one
does each thing CJ asks and passes the audit; the misbehaving one is caught."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from freezegun import freeze_time

from pytest_cj import CJ_BASE_URL, CJAudit, CJClock, CJIntercept, CJJournal
from tests.plugin.conftest import example

well = example("well_behaved")
bad = example("misbehaving")


@pytest.mark.cj(level="free", sleep="patch")
def test_well_behaved_paces_itself_and_logs_in_once(cj_intercept: CJIntercept, cj_account: object,
                                                    cj_journal: CJJournal, cj_audit: CJAudit,
                                                    cj_clock: CJClock) -> None:
    client = well.WellBehavedClient(cj_account.api_key)  # type: ignore[attr-defined]
    # freezegun: the client's time.monotonic() and the simulator's clock move together, only by
    # the patched sleeps, so the pacing is exact whatever the machine's load (no wall time)
    with freeze_time("2026-01-05 02:00:00"):
        for _ in range(10):
            client.get_balance()
            client.get_settings()
    cj_journal.assert_called("authentication/getAccessToken", times=1)
    assert cj_journal.count(code=200) == 21
    assert cj_clock.slept >= 20  # 1 call a second on a Free account
    cj_audit.assert_clean()


@pytest.mark.cj(level="advanced", sleep="patch")
def test_well_behaved_uses_its_level(cj_intercept: CJIntercept, cj_account: object,
                                     cj_audit: CJAudit, cj_clock: CJClock) -> None:
    client = well.WellBehavedClient(cj_account.api_key, level="advanced")  # type: ignore[attr-defined]
    for _ in range(30):
        client.get_balance()
    assert cj_clock.slept < 29  # Free pacing would sleep 29 s or more; 6 a second about 12
    cj_audit.assert_clean()


@pytest.mark.cj(sleep="patch")
def test_well_behaved_refreshes_before_expiry(cj_intercept: CJIntercept, cj_account: object,
                                              cj_journal: CJJournal, cj_audit: CJAudit) -> None:
    client = well.WellBehavedClient(cj_account.api_key)  # type: ignore[attr-defined]
    with freeze_time("2026-01-05 02:00:00") as frozen:  # the client's clock and CJ's agree
        client.get_balance()
        frozen.tick(timedelta(days=14, hours=13))  # 11 hours before the token expires
        client.get_balance()
        frozen.tick(timedelta(days=14, hours=13))
        client.get_balance()
    assert [e["path"].rsplit("/", 1)[-1] for e in cj_journal] == [
        "getAccessToken", "getBalance", "refreshAccessToken", "getBalance",
        "refreshAccessToken", "getBalance"]
    assert cj_journal.count(code=1600001) == 0
    cj_audit.assert_clean()


class SharedAccount(requests.Session):
    """Another worker of the same shop, using the same token, fires just before one call."""

    collide = False

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if self.collide and url.endswith("getBalance"):
            self.collide = False
            super().request("GET", f"{CJ_BASE_URL}/setting/get", headers=kwargs.get("headers"))
        return super().request(method, url, *args, **kwargs)


@pytest.mark.cj(sleep="patch")
def test_well_behaved_backs_off_on_1600200_with_the_same_token(
        cj_intercept: CJIntercept, cj_account: object, cj_journal: CJJournal, cj_audit: CJAudit) -> None:
    session = SharedAccount()
    client = well.WellBehavedClient(cj_account.api_key, session=session)  # type: ignore[attr-defined]
    client.get_balance()
    session.collide = True
    client.get_balance()
    balance = cj_journal.select(path="shopping/pay/getBalance")
    assert [e["code"] for e in balance] == [200, 1600200, 200]
    assert balance[1]["tokenId"] == balance[2]["tokenId"]  # retried with the same token
    pause = datetime.fromisoformat(balance[2]["time"]) - datetime.fromisoformat(balance[1]["time"])
    assert pause >= timedelta(seconds=1)
    cj_journal.assert_called("authentication/getAccessToken", times=1)
    assert cj_audit.rules() == {"R4"}  # the collision itself; no re-login, no hammering


@pytest.mark.cj(sleep="patch", simulator={"daily_limit": 3})
def test_well_behaved_stops_for_the_day_on_the_daily_sentence(
        cj_intercept: CJIntercept, cj_account: object, cj_journal: CJJournal, cj_audit: CJAudit) -> None:
    client = well.WellBehavedClient(cj_account.api_key)  # type: ignore[attr-defined]
    with freeze_time("2026-01-05 14:00:00") as frozen:  # 22:00 in China
        for _ in range(3):
            client.get_balance()
        with pytest.raises(well.DailyLimitReached, match="daily request limit"):
            client.get_balance()
        with pytest.raises(well.DailyLimitReached, match="closed for today"):
            client.get_balance()  # not even sent
        assert cj_journal.count(path="shopping/pay/getBalance") == 4
        client.get_settings()  # other interfaces stay open
        frozen.move_to("2026-01-05 16:00:01")  # 00:00:01 in China: a new day
        client.get_balance()
    assert cj_journal.count(path="shopping/pay/getBalance", code=200) == 4
    cj_audit.assert_clean()


@pytest.mark.cj(sleep="patch", scenario="data/busy-balance.json")
def test_well_behaved_retries_system_busy_at_most_three_times(
        cj_intercept: CJIntercept, cj_account: object, cj_journal: CJJournal, cj_audit: CJAudit) -> None:
    client = well.WellBehavedClient(cj_account.api_key)  # type: ignore[attr-defined]
    with pytest.raises(well.CJError, match="1600000"):
        client.get_balance()
    assert cj_journal.codes("shopping/pay/getBalance") == [1600000] * 4
    cj_audit.assert_clean()


@pytest.mark.cj(sleep="patch")
def test_well_behaved_does_not_retry_what_a_retry_cannot_fix(
        cj_intercept: CJIntercept, cj_account: object, cj_journal: CJJournal, cj_audit: CJAudit) -> None:
    client = well.WellBehavedClient(cj_account.api_key)  # type: ignore[attr-defined]
    with pytest.raises(well.CJError, match="1600300"):
        client.call("GET", "product/list", params={"pageNum": "first"})
    assert cj_journal.count(code=1600300) == 1
    cj_audit.assert_clean()


@pytest.mark.cj(level="free", sleep="patch")
def test_misbehaving_client_is_caught(cj_intercept: CJIntercept, cj_account: object,
                                      cj_audit: CJAudit) -> None:
    client = bad.MisbehavingClient(cj_account.api_key)  # type: ignore[attr-defined]
    for _ in range(10):
        client.get_balance()
    assert {"R4", "R3a", "LOGIN-WHILE-VALID", "RELOGIN-ON-THROTTLE"} <= cj_audit.rules()
    with pytest.raises(AssertionError, match="RELOGIN-ON-THROTTLE"):
        cj_audit.assert_clean()


def test_sample_clients_default_to_cjs_real_host() -> None:
    assert well.BASE_URL == bad.BASE_URL == CJ_BASE_URL
