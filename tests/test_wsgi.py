"""The WSGI entry point (cjsim/wsgi.py): the control API needs an admin token or an explicit
CJSIM_INSECURE_ADMIN=1, because "loopback only" cannot hold behind a reverse proxy."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from werkzeug.test import Client

from cjsim.wsgi import create

PROXIED = {"REMOTE_ADDR": "127.0.0.1"}  # what a local reverse proxy looks like to the app


def status(app: Any, path: str, method: str = "GET", **headers: str) -> int:
    return Client(app).open(path, method=method, headers=headers, environ_base=PROXIED).status_code


def test_without_a_token_the_control_api_is_off_and_says_why(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cjsim"):
        app = create({"CJSIM_ACCOUNTS": "a@example.com:CJ1@api@" + "1" * 32})
    assert "CJSIM_ADMIN_TOKEN" in caplog.text and "CJSIM_INSECURE_ADMIN" in caplog.text
    answer = Client(app).post("/__cjsim/reset", environ_base=PROXIED)
    assert answer.status_code == 403
    assert "CJSIM_ADMIN_TOKEN" in answer.get_json()["error"]
    assert status(app, "/__cjsim/accounts") == 403
    assert status(app, "/__cjsim") == 403
    login = Client(app).post("/api2.0/v1/authentication/getAccessToken",
                             json={"apiKey": "CJ1@api@" + "1" * 32}, environ_base=PROXIED)
    assert login.get_json()["code"] == 200  # the CJ API itself is served


def test_with_a_token_it_is_required_from_every_caller() -> None:
    app = create({"CJSIM_ADMIN_TOKEN": "t0ken"})
    assert status(app, "/__cjsim/clock") == 401
    assert status(app, "/__cjsim/clock", Authorization="Bearer t0ken") == 200


def test_insecure_admin_opens_it_on_purpose() -> None:
    assert status(create({"CJSIM_INSECURE_ADMIN": "1"}), "/__cjsim/clock") == 200


def test_allow_hosts_from_the_environment() -> None:
    app = create({"CJSIM_INSECURE_ADMIN": "1", "CJSIM_ALLOW_HOSTS": "sim.example, .corp.example"})
    assert status(app, "/__cjsim/clock", Host="sim.example") == 200
    assert status(app, "/__cjsim/clock", Host="ci.corp.example:8080") == 200
    assert status(app, "/__cjsim/clock", Host="attacker.example") == 403


def test_journal_body_bytes_from_the_environment() -> None:
    from cjsim.wsgi import options_from_env

    assert options_from_env({})["journal_body_bytes"] == 16 * 1024
    assert options_from_env({"CJSIM_JOURNAL_BODY_BYTES": "0"})["journal_body_bytes"] == 0
    assert options_from_env({"CJSIM_JOURNAL_BODY_BYTES": "4096"})["journal_body_bytes"] == 4096
