"""``--cj-report``: one JSON report over every test, a terminal section, and xdist."""

from __future__ import annotations

import json

import pytest

TESTS = """
    import os
    import pytest
    import requests

    def test_clean(cj_sim, cj_account):
        cj_sim.app.test_client().post("/api2.0/v1/authentication/getAccessToken",
                                      json={"apiKey": cj_account.api_key})

    def test_relogs_in(cj_sim, cj_account):
        http = cj_sim.app.test_client()
        for _ in range(3):
            http.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": cj_account.api_key})

    @pytest.mark.parametrize("n", range(4))
    def test_server(cj_server, cj_account, n):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(f"port-{worker}-{n}.txt", "w") as out:
            out.write(str(cj_server.port))
        answer = requests.post(cj_server.url("authentication/getAccessToken"),
                               json={"apiKey": cj_account.api_key}, timeout=5).json()
        assert answer["code"] == 200  # a fresh, reset simulator every time

    def test_not_using_cj():
        pass
"""


def _check_report(path: object) -> dict[str, object]:
    report = json.loads(path.read_text())  # type: ignore[attr-defined]
    assert report["tool"] == "cjsim"
    tests = {t["nodeid"].split("::")[-1]: t for t in report["tests"]}
    assert set(tests) == {"test_clean", "test_relogs_in", *(f"test_server[{n}]" for n in range(4))}
    assert tests["test_clean"]["clean"] and tests["test_clean"]["requests"] == 1
    dirty = tests["test_relogs_in"]
    assert not dirty["clean"] and dirty["requests"] == 3
    assert {f["rule"] for f in dirty["findings"]} == {"R3a", "LOGIN-WHILE-VALID"}
    finding = dirty["findings"][0]
    assert set(finding) >= {"rule", "title", "explanation", "requestIds", "count", "openId"}
    assert tests["test_server[0]"]["simulator"] == "cj_server"
    assert report["summary"] == {"tests": 6, "testsWithFindings": 1, "findings": 2, "requests": 8,
                                 "byRule": {"LOGIN-WHILE-VALID": 2, "R3a": 2}}
    return report


def test_report_file_and_terminal_summary(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TESTS)
    result = pytester.runpytest("--cj-report", "out/cj-report.json")
    result.assert_outcomes(passed=7)
    _check_report(pytester.path / "out" / "cj-report.json")
    result.stdout.fnmatch_lines([
        "*= cj compliance audit =*",
        "6 test(s) used the CJ simulator (8 requests); 1 with findings.",
        "  LOGIN-WHILE-VALID*2 request(s)  Called getAccessToken while holding a valid access token",
        "  R3a*2 request(s)*",
        "tests with findings:",
        "  test_report_file_and_terminal_summary.py::test_relogs_in: R3a x2, LOGIN-WHILE-VALID x2",
        "report: *cj-report.json",
    ])


def test_report_from_the_ini_key(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncj_report = reports/audit.json\n")
    pytester.makepyfile(TESTS)
    pytester.runpytest().assert_outcomes(passed=7)
    _check_report(pytester.path / "reports" / "audit.json")


def test_no_report_no_section(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=7)
    assert "cj compliance audit" not in result.stdout.str()


def test_under_xdist_each_worker_has_its_own_server_and_the_report_aggregates(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TESTS)
    result = pytester.runpytest("-n", "2", "--cj-report", "cj-report.json")
    result.assert_outcomes(passed=7)
    _check_report(pytester.path / "cj-report.json")
    ports: dict[str, set[str]] = {}
    for path in pytester.path.glob("port-*.txt"):
        worker = path.name.split("-")[1]
        ports.setdefault(worker, set()).add(path.read_text())
    assert all(len(p) == 1 for p in ports.values()), ports  # one server per worker session
    if len(ports) == 2:  # both workers ran server tests: two servers, two ports
        assert len(set.union(*ports.values())) == 2
    result.stdout.fnmatch_lines(["*cj compliance audit*", "6 test(s) used the CJ simulator*"])
