"""Security of the control API: loopback only by default, a bearer token otherwise."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cjsim import Simulator
from cjsim.control.access import bind_needs_protection


def control(sim: Simulator, remote: str, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    client = sim.app.test_client()
    return client.post("/__cjsim/reset", headers=headers,
                       environ_base={"REMOTE_ADDR": remote}).status_code


def test_loopback_callers_only_by_default() -> None:
    sim = Simulator()
    assert control(sim, "127.0.0.1") == 200
    assert control(sim, "::1") == 200
    assert control(sim, "192.0.2.7") == 403


def test_the_cj_api_itself_answers_any_caller() -> None:
    sim = Simulator()
    response = sim.app.test_client().get("/api2.0/v1/setting/get", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.get_json()["code"] == 1600002


def test_an_admin_token_is_required_from_everyone_when_set() -> None:
    sim = Simulator(admin_token="s3cret")
    assert control(sim, "192.0.2.7", "s3cret") == 200
    assert control(sim, "192.0.2.7", "wrong") == 401
    assert control(sim, "127.0.0.1") == 401
    assert control(sim, "127.0.0.1", "s3cret") == 200


def test_insecure_admin_opens_it_on_purpose() -> None:
    assert control(Simulator(insecure_admin=True), "192.0.2.7") == 200


@pytest.mark.parametrize("host, exposed", [("127.0.0.1", False), ("::1", False), ("localhost", False),
                                           ("0.0.0.0", True), ("192.0.2.7", True), ("example.com", True)])
def test_which_binds_need_protection(host: str, exposed: bool) -> None:
    assert bind_needs_protection(host) is exposed


def test_serve_refuses_a_public_bind_without_protection() -> None:
    result = subprocess.run([sys.executable, "-m", "cjsim", "serve", "--host", "0.0.0.0", "--port", "0"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "--admin-token" in result.stderr and "--insecure-admin" in result.stderr
