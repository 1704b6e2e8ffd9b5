"""Sleep patching (a client's waits cost no real time) and freezegun alongside the plugin."""

from __future__ import annotations

import pytest


def test_patch_sleep_until_teardown_and_as_a_context_manager(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import time
        from datetime import datetime

        REAL_SLEEP = time.sleep

        def test_context_manager(cj_clock):
            with cj_clock.patch_sleep() as patch:
                started = time.monotonic()
                time.sleep(300)
                time.sleep(0)
                assert time.monotonic() - started < 5
                assert (patch.calls, patch.slept) == (2, 300)
                assert cj_clock.now() >= datetime.fromisoformat("2026-01-05T10:05:00+08:00")
                assert not cj_clock.frozen  # while sleep is patched the clock flows
            assert time.sleep is REAL_SLEEP and not patch.active
            assert cj_clock.slept == 300

        def test_until_teardown(cj_clock):
            cj_clock.patch_sleep()
            assert cj_clock.patch_sleep() is cj_clock.patch_sleep()  # one patch per test
            time.sleep(7)
            assert cj_clock.slept == 7
            try:
                time.sleep(-1)
            except ValueError as exc:
                assert "non-negative" in str(exc)
            else:
                raise AssertionError("a negative sleep must fail like the real one")

        def test_restored_after_the_previous_test():
            assert time.sleep is REAL_SLEEP
    """)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


def test_a_client_that_waits_out_the_five_minute_login_limit_runs_in_milliseconds(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import time
        import pytest
        import requests

        CJ = "https://developers.cjdropshipping.com/api2.0/v1"

        def login_twice(api_key):
            first = requests.post(f"{CJ}/authentication/getAccessToken", json={"apiKey": api_key}).json()
            time.sleep(300)  # getAccessToken: once every 5 minutes
            second = requests.post(f"{CJ}/authentication/getAccessToken", json={"apiKey": api_key}).json()
            return first["code"], second["code"]

        @pytest.mark.cj(sleep="patch")
        def test_waits(cj_intercept, cj_account, cj_journal):
            started = time.monotonic()
            assert login_twice(cj_account.api_key) == (200, 200)
            assert time.monotonic() - started < 5
            assert cj_journal.count(code=1600200) == 0
    """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_simulator_follows_freezegun(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import time
        from datetime import datetime, timezone
        from freezegun import freeze_time

        def test_freeze_time_drives_the_simulator(cj_sim, cj_clock):
            assert cj_clock.now().isoformat() == "2026-01-05T10:00:00+08:00"
            with freeze_time("2026-03-01 00:00:00") as frozen:
                assert cj_clock.now().isoformat() == "2026-03-01T08:00:00+08:00"
                frozen.tick(90)
                assert cj_clock.now().isoformat() == "2026-03-01T08:01:30+08:00"
                cj_clock.advance(30)  # moves freezegun too: client and simulator agree
                assert datetime.now(timezone.utc).isoformat() == "2026-03-01T00:02:00+00:00"
                with cj_clock.patch_sleep():
                    time.sleep(60)
                assert datetime.now(timezone.utc).isoformat() == "2026-03-01T00:03:00+00:00"
                assert cj_sim.clock.snapshot()["now"] == "2026-03-01T08:03:00+08:00"
            assert cj_clock.frozen

        def test_token_lifetimes_follow_freezegun(cj_sim, cj_account):
            http = cj_sim.app.test_client()
            with freeze_time("2026-03-01 00:00:00") as frozen:
                data = http.post("/api2.0/v1/authentication/getAccessToken",
                                 json={"apiKey": cj_account.api_key}).get_json()["data"]
                assert data["accessTokenExpiryDate"] == "2026-03-16T08:00:00+08:00"
                frozen.move_to("2026-03-16 00:00:01")
                answer = http.get("/api2.0/v1/setting/get", headers={"CJ-Access-Token": data["accessToken"]})
                assert answer.get_json()["code"] == 1600001
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_freezegun_decorator_and_cj_server_thread(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import requests
        from freezegun import freeze_time

        @freeze_time("2026-07-01 04:00:00")
        def test_server_thread_sees_frozen_time(cj_server, cj_account):
            answer = requests.post(cj_server.url("authentication/getAccessToken"),
                                   json={"apiKey": cj_account.api_key}, timeout=5).json()
            assert answer["data"]["createDate"] == "2026-07-01T12:00:00+08:00"
    """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_simulators_own_delays_stay_real_while_sleep_is_patched(pytester: pytest.Pytester) -> None:
    pytester.makefile(".json", slow='''{"name": "slow", "description": "setting/get is slow",
        "faults": [{"match": {"path": "setting/get"}, "action": {"delay_ms": 200}}]}''')
    pytester.makepyfile("""
        import time
        import pytest
        import requests

        CJ = "https://developers.cjdropshipping.com/api2.0/v1"

        @pytest.mark.cj(sleep="patch", scenario="slow.json")
        def test_latency_is_wall_time(cj_intercept, cj_clock):
            started = time.monotonic()
            requests.get(f"{CJ}/setting/get")
            assert time.monotonic() - started >= 0.2
            assert cj_clock.slept == 0
    """)
    pytester.runpytest().assert_outcomes(passed=1)
