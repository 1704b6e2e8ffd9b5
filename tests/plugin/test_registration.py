"""The plugin arrives through the ``pytest11`` entry point ``cj``: nothing to import."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest


def test_entry_point_is_named_cj_and_points_at_the_plugin() -> None:
    found = [ep for ep in entry_points(group="pytest11") if ep.name == "cj"]
    assert [ep.value for ep in found] == ["pytest_cj.plugin"]


def test_options_and_ini_keys_are_listed_in_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines([
        "*CJ Dropshipping simulator*",
        "*--cj-profile=PROFILE*", "*--cj-scenario=SCENARIO*", "*--cj-strictness=*",
        "*--cj-report=REPORT*", "*--cj-audit=*",
    ])
    for key in ("cj_profile", "cj_scenario", "cj_strictness", "cj_report", "cj_audit"):
        assert key in result.stdout.str()


def test_marker_is_registered_so_strict_markers_accepts_it(pytester: pytest.Pytester) -> None:
    assert "@pytest.mark.cj(" in pytester.runpytest("--markers").stdout.str()
    pytester.makepyfile("""
        import pytest

        @pytest.mark.cj(level="plus")
        def test_marked():
            pass
    """)
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1)


def test_fixtures_need_no_import_and_no_conftest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_uses_every_fixture(cj_sim, cj_clock, cj_account, cj_intercept, cj_journal, cj_audit):
            assert cj_account.api_key and cj_journal.count() == 0 and cj_audit.clean
    """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(cj_sim):\n    pass\n")
    result = pytester.runpytest("-p", "no:cj")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'cj_sim' not found*"])
