"""Each fixture, as a user's test suite sees it (through pytester)."""

from __future__ import annotations

import pytest


def test_cj_sim_is_fresh_per_test_frozen_at_a_fixed_start_and_deterministic(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        KEYS = []

        def test_first(cj_sim):
            assert cj_sim.clock.now().isoformat() == "2026-01-05T10:00:00+08:00"
            assert cj_sim.clock.frozen
            KEYS.append(cj_sim.account(level="free").api_key)
            cj_sim.app.test_client().post("/api2.0/v1/authentication/getAccessToken",
                                          json={"apiKey": KEYS[0]})
            cj_sim.clock.advance(3600)
            assert len(cj_sim.journal()) == 1

        def test_second_sees_none_of_it(cj_sim):
            assert cj_sim.clock.now().isoformat() == "2026-01-05T10:00:00+08:00"
            assert cj_sim.journal() == [] and cj_sim.accounts.all() == []
            assert cj_sim.account(level="free").api_key == KEYS[0]  # same seed, same key
    """)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_cj_account_is_fresh_not_logged_in_and_follows_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        def test_default_is_an_unverified_free_account(cj_account, cj_sim):
            assert cj_account.api_key.startswith(f"CJ{cj_account.open_id}@api@")
            assert cj_account.email.endswith("@cjsim.local")
            assert (cj_account.level, cj_account.verified) == (0, False)
            assert cj_sim.tokens.stored() == []  # the client under test logs in

        @pytest.mark.cj(level="prime", verified=True)
        def test_marker_sets_level_and_verified(cj_account, cj_sim):
            stored = cj_sim.accounts.get(cj_account.open_id)
            assert (stored.level, stored.verified) == (3, True)
            assert cj_sim.effective_qps(stored) == 4
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_cj_clock_advances_sets_freezes_the_test_simulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        from datetime import timedelta

        def test_clock(cj_clock, cj_sim):
            assert cj_clock.sim is cj_sim and cj_clock.frozen
            assert cj_clock.advance(90).isoformat() == "2026-01-05T10:01:30+08:00"
            assert cj_clock.advance(timedelta(days=1)).isoformat() == "2026-01-06T10:01:30+08:00"
            cj_clock.set("2026-02-01T00:00:00+08:00")
            assert cj_sim.clock.now().isoformat() == "2026-02-01T00:00:00+08:00"
            cj_clock.unfreeze()
            assert not cj_clock.frozen and cj_clock.now_us() >= 1769875200000000
            cj_clock.freeze()
            assert cj_clock.frozen
    """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_cj_server_is_one_real_server_per_session_reset_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest
        import requests

        SEEN = {}

        def login(server, account):
            return requests.post(server.url("authentication/getAccessToken"),
                                 json={"apiKey": account.api_key}, timeout=5).json()

        def test_first(cj_server, cj_account):
            assert cj_server.base_url == f"http://127.0.0.1:{cj_server.port}/api2.0/v1"
            assert login(cj_server, cj_account)["code"] == 200
            assert cj_server.sim.journal()[-1]["ip"] == "127.0.0.1"
            SEEN["port"], SEEN["key"] = cj_server.port, cj_account.api_key
            assert requests.post(cj_server.url("/__cjsim/clock"), json={"advance": 60},
                                 timeout=5).json()["now"] == "2026-01-05T10:01:00+08:00"

        def test_second_same_port_clean_state(cj_server, cj_journal):
            assert cj_server.port == SEEN["port"]
            assert cj_server.sim.accounts.all() == [] and len(cj_journal) == 0
            assert cj_server.sim.clock.now().isoformat() == "2026-01-05T10:00:00+08:00"
            answer = requests.post(cj_server.url("authentication/getAccessToken"),
                                   json={"apiKey": SEEN["key"]}, timeout=5).json()
            assert answer["code"] == 1600001  # the account of the first test is gone

        @pytest.mark.cj(start="2026-06-01T08:00:00+08:00")
        def test_marker_gets_its_own_simulator_behind_the_same_port(cj_server, cj_account):
            assert cj_server.port == SEEN["port"]
            assert cj_server.sim.clock.now().isoformat() == "2026-06-01T08:00:00+08:00"
            assert login(cj_server, cj_account)["data"]["createDate"] == "2026-06-01T08:00:00+08:00"
    """)
    pytester.runpytest().assert_outcomes(passed=3)


def test_cj_journal_counts_and_asserts_readably(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        def test_journal(cj_sim, cj_account, cj_journal):
            http = cj_sim.app.test_client()
            token = http.post("/api2.0/v1/authentication/getAccessToken",
                              json={"apiKey": cj_account.api_key}).get_json()["data"]["accessToken"]
            for _ in range(3):
                http.get("/api2.0/v1/setting/get", headers={"CJ-Access-Token": token})
            assert cj_journal.count() == 4
            assert cj_journal.count(path="setting/get") == 3
            assert cj_journal.count(path="/api2.0/v1/setting/get", code=1600200) == 2
            assert cj_journal.codes("setting/get") == [200, 1600200, 1600200]
            cj_journal.assert_called("authentication/getAccessToken", times=1)
            cj_journal.assert_called("setting/get")
            cj_journal.assert_called("setting/get", times=1, code=200)
            cj_journal.assert_not_called("shopping/pay/getBalance")
            assert cj_journal.last["code"] == 1600200 and cj_journal.last["rule"] == "R4"

        def test_failure_message(cj_sim, cj_journal):
            cj_sim.app.test_client().get("/api2.0/v1/setting/get")
            cj_journal.assert_called("setting/get", times=2)
    """)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*expected setting/get to be called 2 times, it was called 1 time.*",
        "*GET setting/get -> 1600002*",
    ])


def test_cj_audit_reports_findings_and_assert_clean_fails_readably(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def login(http, account):
            return http.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": account.api_key})

        def test_clean(cj_sim, cj_account, cj_audit):
            login(cj_sim.app.test_client(), cj_account)
            assert cj_audit.clean and cj_audit.findings == []
            cj_audit.assert_clean()

        def test_dirty(cj_sim, cj_account, cj_audit):
            http = cj_sim.app.test_client()
            login(http, cj_account)
            login(http, cj_account)
            assert cj_audit.rules() == {"R3a", "LOGIN-WHILE-VALID"}
            finding = cj_audit.findings[0]
            assert finding.request_ids == (cj_sim.journal()[-1]["requestId"],)
            cj_audit.assert_clean()
    """)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*CJ compliance audit: 2 findings*",
        "*[[]R3a] Called getAccessToken more often than once every 5 minutes (1x)*",
        "*[[]LOGIN-WHILE-VALID] Called getAccessToken while holding a valid access token*",
    ])
