"""``--cj-*`` options and their ini keys: marker > command line > ini > default."""

from __future__ import annotations

import json

import pytest

BUSY_SCENARIO = {
    "name": "busy-balance",
    "description": "getBalance answers 'System busy' to its first two calls",
    "faults": [{"match": {"path": "shopping/pay/getBalance", "calls": [1, 2]},
                "action": {"code": 1600000}}],
}

BALANCE_TWICE = """
    def balance_codes(cj_sim, cj_account):
        http = cj_sim.app.test_client()
        token = http.post("/api2.0/v1/authentication/getAccessToken",
                          json={"apiKey": cj_account.api_key}).get_json()["data"]["accessToken"]
        codes = []
        for _ in range(3):
            cj_sim.clock.advance(1)
            codes.append(http.get("/api2.0/v1/shopping/pay/getBalance",
                                  headers={"CJ-Access-Token": token}).get_json()["code"])
        return codes
"""


def test_strictness_from_the_command_line_the_ini_file_and_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncj_strictness = lenient\n")
    pytester.makepyfile("""
        import os
        import pytest

        def test_unmarked(cj_sim):
            assert cj_sim.profile.strictness == os.environ["EXPECTED"]

        @pytest.mark.cj(strictness="strict")
        def test_marker_wins(cj_sim):
            assert cj_sim.profile.strictness == "strict"
    """)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXPECTED", "lenient")
        pytester.runpytest().assert_outcomes(passed=2)
        mp.setenv("EXPECTED", "shadow")
        pytester.runpytest("--cj-strictness", "shadow").assert_outcomes(passed=2)


def test_bad_strictness_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--cj-strictness", "loose")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--cj-strictness*invalid choice*"])


def test_profile_option_and_an_unknown_profile(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_profile(cj_sim):\n    assert cj_sim.profile.name == 'legacy'\n")
    pytester.runpytest("--cj-profile", "legacy").assert_outcomes(passed=1)
    result = pytester.runpytest("--cj-profile", "cj2099")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown profile 'cj2099'*"])


def test_scenario_from_the_option_the_ini_file_and_the_marker(pytester: pytest.Pytester) -> None:
    pytester.mkdir("scenarios")
    (pytester.path / "scenarios" / "busy.json").write_text(json.dumps(BUSY_SCENARIO))
    pytester.makepyfile(BALANCE_TWICE + """
    import pytest

    def test_scenario_applies(cj_sim, cj_account):
        assert balance_codes(cj_sim, cj_account) == [1600000, 1600000, 200]

    @pytest.mark.cj(scenario=None)
    def test_marker_can_switch_it_off(cj_sim, cj_account):
        assert balance_codes(cj_sim, cj_account) == [200, 200, 200]
    """)
    pytester.runpytest("--cj-scenario", "scenarios/busy.json").assert_outcomes(passed=2)
    pytester.makeini("[pytest]\ncj_scenario = scenarios/busy.json\n")
    pytester.runpytest().assert_outcomes(passed=2)


def test_audit_option_sets_the_default_verdict(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest

        def test_relogin(cj_sim, cj_account):
            http = cj_sim.app.test_client()
            for _ in range(2):
                http.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": cj_account.api_key})

        @pytest.mark.cj(audit="off")
        def test_marker_opts_out(cj_sim, cj_account):
            test_relogin(cj_sim, cj_account)
    """)
    pytester.runpytest().assert_outcomes(passed=2)
    result = pytester.runpytest("--cj-audit", "fail")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*LOGIN-WHILE-VALID*"])
