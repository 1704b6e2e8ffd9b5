"""The 2026 points model (`@pytest.mark.cj(profile="cj-2026")`), with a day of 1,000 points
(20 product pages): the points-aware client waits for 00:00 UTC and its only finding is the
spent budget itself (P); the one that retries forever is flagged AFTER-POINTS-EXHAUSTED and
LOGIN-CACHE-IGNORED."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time
from points_clients import PointsAwareClient, RetryForeverClient


@pytest.mark.cj(profile="cj-2026", level="advanced", verified=True, sleep="patch",
                simulator={"points_base": 1000})
def test_points_aware_client_waits_for_midnight_utc(cj_intercept: Any, cj_account: Any,
                                                    cj_audit: Any) -> None:
    with freeze_time("2026-07-06 20:00:00"):
        client = PointsAwareClient(cj_account.api_key)
        for page in range(1, 23):  # the 21st page meets 16900500, then waits for the reset
            assert client.product_page(page)["code"] == 200
    assert cj_audit.rules() == {"P"}


@pytest.mark.cj(profile="cj-2026", level="advanced", verified=True, sleep="patch",
                simulator={"points_base": 1000})
def test_retry_forever_client_is_flagged(cj_intercept: Any, cj_account: Any, cj_audit: Any) -> None:
    with freeze_time("2026-07-06 20:00:00"):
        client = RetryForeverClient(cj_account.api_key, max_attempts=10)
        for page in range(1, 22):
            client.product_page(page)
    assert {"AFTER-POINTS-EXHAUSTED", "LOGIN-CACHE-IGNORED"} <= cj_audit.rules()
