"""``@pytest.mark.cj(...)``: configures the test's simulator and pulls it in."""

from __future__ import annotations

import pytest


def test_marker_configures_profile_strictness_start_seed_and_simulator_keywords(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cj(profile="legacy", strictness="shadow", start="2026-03-01T12:00:00+08:00",
                        seed=99, simulator={"daily_limit": 7})
        def test_configured(cj_sim):
            assert cj_sim.profile.name == "legacy" and cj_sim.profile.strictness == "shadow"
            assert cj_sim.clock.now().isoformat() == "2026-03-01T12:00:00+08:00"
            assert cj_sim.seed == 99
            assert cj_sim.profile.rules.by_id("R5").limit == 7

        def test_unmarked_gets_the_defaults(cj_sim):
            assert cj_sim.profile.strictness == "strict" and cj_sim.seed == 20260105
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_marker_alone_pulls_in_the_simulator_and_patches_sleep(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import time
        import pytest
        from pytest_cj.fixtures import CONTEXT

        REAL_SLEEP = time.sleep

        @pytest.mark.cj(sleep="patch")
        def test_marker_only(request):
            started = time.monotonic()
            time.sleep(3600)
            assert time.monotonic() - started < 5
            context = request.node.stash[CONTEXT]
            assert context.source == "cj_sim"
            assert context.clock.slept == 3600
            assert context.sim.clock.now().isoformat().startswith("2026-01-05T11:00:00")

        def test_sleep_is_real_again():
            assert time.sleep is REAL_SLEEP
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_audit_fail_fails_the_test_itself_with_the_explanation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cj(audit="fail")
        def test_hammering(cj_sim, cj_account):
            http = cj_sim.app.test_client()
            token = http.post("/api2.0/v1/authentication/getAccessToken",
                              json={"apiKey": cj_account.api_key}).get_json()["data"]["accessToken"]
            for _ in range(3):
                http.get("/api2.0/v1/setting/get", headers={"CJ-Access-Token": token})

        @pytest.mark.cj(audit="fail")
        def test_clean(cj_sim, cj_account):
            cj_sim.app.test_client().post("/api2.0/v1/authentication/getAccessToken",
                                          json={"apiKey": cj_account.api_key})

        @pytest.mark.cj(audit="fail")
        def test_own_failure_wins(cj_sim, cj_account):
            http = cj_sim.app.test_client()
            http.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": cj_account.api_key})
            http.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": cj_account.api_key})
            assert 1 == 2, "the test's own assertion"
    """)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "*_ test_hammering _*",
        "CJ compliance audit: 1 finding",
        "[[]R4] Exceeded the account's QPS for its level (2x)",
        "*Free account 100042 may make 1 call per second; it made 3 at the same instant*",
        "*_ test_own_failure_wins _*",
        "*the test's own assertion*",
    ])
    assert "ERROR" not in result.stdout.str()  # FAILED in the call phase, not a teardown error


def test_audit_warn_turns_findings_into_a_warning_and_off_ignores_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        def relogin(cj_sim, cj_account):
            http = cj_sim.app.test_client()
            for _ in range(2):
                http.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": cj_account.api_key})

        @pytest.mark.cj(audit="warn")
        def test_warned(cj_sim, cj_account):
            relogin(cj_sim, cj_account)

        @pytest.mark.cj(audit="off")
        def test_silent(cj_sim, cj_account):
            relogin(cj_sim, cj_account)
    """)
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(["*test_warned*", "*CJAuditWarning: CJ compliance audit: 2 findings*"])


def test_marker_rejects_unknown_keywords_and_values(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cj(levle="plus")
        def test_typo(cj_sim):
            pass

        @pytest.mark.cj(audit="loud")
        def test_bad_audit(cj_sim):
            pass
    """)
    result = pytester.runpytest()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines([
        "*unknown @pytest.mark.cj keyword(s) levle (known: profile, scenario, level*",
        "*cj(audit=...) must be one of off, warn, fail*",
    ])


def test_class_and_module_markers_apply_closest_first(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        pytestmark = pytest.mark.cj(level="plus")

        def test_module_level(cj_account):
            assert cj_account.level == 2

        @pytest.mark.cj(level="advanced")
        def test_own_marker_wins(cj_account):
            assert cj_account.level == 4
    """)
    pytester.runpytest().assert_outcomes(passed=2)
