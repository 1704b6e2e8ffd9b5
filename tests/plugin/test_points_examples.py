"""examples/test_cj_points.py, run as an integrator runs it: the points-aware client waits for
00:00 UTC and its audit holds only the spent budget (P); the retry-forever client is flagged."""

from __future__ import annotations

import pytest

from tests.plugin.conftest import EXAMPLES


def test_the_points_examples_pass_and_tell_the_two_clients_apart(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(points_clients=(EXAMPLES / "points_clients.py").read_text(encoding="utf-8"),
                        test_cj_points=(EXAMPLES / "test_cj_points.py").read_text(encoding="utf-8"))
    result = pytester.runpytest("-v", "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_the_retry_forever_client_fails_a_strict_audit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(points_clients=(EXAMPLES / "points_clients.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_strict='''
from freezegun import freeze_time
import pytest
from points_clients import RetryForeverClient

@pytest.mark.cj(profile="cj-2026", level="advanced", verified=True, sleep="patch",
                audit="fail", simulator={"points_base": 100})
def test_strict(cj_intercept, cj_account):
    with freeze_time("2026-07-06 20:00:00"):
        client = RetryForeverClient(cj_account.api_key, max_attempts=5)
        for page in range(1, 4):
            client.product_page(page)
''')
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)  # audit="fail": the findings fail the test
    result.stdout.fnmatch_lines(["*[[]AFTER-POINTS-EXHAUSTED]*"])
