"""A newcomer's first hour with the plugin, replayed: a forgotten ``cj_intercept``, a client
that paces itself in real time on the frozen clock, and the audit's wording."""

from __future__ import annotations

import pytest

CLIENT = '''
import time

import requests

CJ = "https://developers.cjdropshipping.com/api2.0/v1"


def balance_twice(api_key, pause):
    token = requests.post(f"{CJ}/authentication/getAccessToken", json={"apiKey": api_key},
                          timeout=5).json()["data"]["accessToken"]
    codes = []
    for _ in range(2):
        time.sleep(pause)
        answer = requests.get(f"{CJ}/shopping/pay/getBalance", headers={"CJ-Access-Token": token}, timeout=5)
        codes.append(answer.json()["code"])
    return codes
'''


def test_the_marker_implies_interception(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(client=CLIENT)
    pytester.makepyfile("""
        import pytest
        from client import balance_twice

        @pytest.mark.cj(level="free")
        def test_marker_and_account(cj_account, cj_journal):
            assert balance_twice(cj_account.api_key, 1.05) == [200, 200]
            assert cj_journal.count() == 3
    """)
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_a_fixture_without_cj_intercept_fails_at_once_naming_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(client=CLIENT)
    pytester.makepyfile("""
        import urllib.request
        import requests
        from client import balance_twice

        def test_forgot_intercept(cj_account):
            balance_twice(cj_account.api_key, 0)

        def test_swallowed(cj_clock):
            try:
                requests.get("https://developers.cjdropshipping.com/api2.0/v1/setting/get", timeout=5)
            except Exception:
                pass  # a client that retries quietly still fails the test

        def test_other_stack_with_intercept(cj_intercept):
            urllib.request.urlopen("https://developers.cjdropshipping.com/api2.0/v1/setting/get", timeout=5)
    """)
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines([
        "*CJRealHostError: POST https://developers.cjdropshipping.com/api2.0/v1/authentication/getAccessToken:"
        " this test uses cj_account but not cj_intercept*add the cj_intercept fixture*",
        "*GET https://developers.cjdropshipping.com/api2.0/v1/setting/get: this test uses cj_clock but not"
        " cj_intercept*",
        "*developers.cjdropshipping.com*cj_intercept answers requests/urllib3, httpx and aiohttp only*cj_server.base_url*",
    ])


def test_a_paced_client_on_the_frozen_clock_is_not_trapped(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(client=CLIENT)
    pytester.makepyfile("""
        import time
        import pytest
        from client import balance_twice

        def test_default_sleeps_move_the_frozen_clock(cj_intercept, cj_account, cj_clock):
            before = cj_clock.now_us()
            assert balance_twice(cj_account.api_key, 1.05) == [200, 200]
            # both sleeps went to the patch (no real waiting) and moved the frozen clock exactly
            assert (cj_clock.slept, cj_clock.frozen) == (2.1, True)
            assert cj_clock.now_us() - before == 2_100_000

        @pytest.mark.cj(sleep="real")
        def test_real_sleep_opt_out_explains_the_failure(cj_account):
            assert balance_twice(cj_account.api_key, 0.05) == [200, 200]
    """)
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*The client slept 0.10 s of real time (2 time.sleep calls) while the simulator's clock was frozen,"
        " so simulated time did not move: drop sleep='real' from @pytest.mark.cj*cj_clock.advance(seconds).",
    ])


def test_real_sleep_on_a_frozen_clock_is_named_in_the_audit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(client=CLIENT)
    pytester.makepyfile("""
        import pytest
        from client import balance_twice

        @pytest.mark.cj(sleep="real", audit="fail")
        def test_audited(cj_account):
            balance_twice(cj_account.api_key, 0.01)
    """)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CJ compliance audit: 1 finding*", "*The client slept 0.02 s of real time*"])


def test_request_ids_are_unique_per_test_and_reproducible(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.parametrize("n", [1, 2])
        def test_login_twice(cj_sim, cj_account, n):
            http = cj_sim.app.test_client()
            for _ in range(2):
                http.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": cj_account.api_key})
    """)

    def ids() -> list[set[str]]:
        pytester.runpytest("--cj-report", "r.json").assert_outcomes(passed=2)
        import json
        report = json.loads((pytester.path / "r.json").read_text())
        return [{rid for f in test["findings"] for rid in f["requestIds"]} for test in report["tests"]]

    first = ids()
    assert [len(one) for one in first] == [1, 1]  # each test's second login (R3a, LOGIN-WHILE-VALID)
    assert first[0] != first[1]  # the same request of two tests: two ids
    assert ids() == first  # the fixed seed still reproduces them
