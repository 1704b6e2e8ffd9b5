"""The dashboard's HTTP side: the page and its files, their headers, the access rules, and the
index of the control API at ``/__cjsim/``. (tests/control/test_dashboard.py drives the page.)"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.control.ui import CSP


def get(sim: Simulator, path: str, remote: str = "127.0.0.1", token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return sim.app.test_client().get(path, headers=headers, environ_base={"REMOTE_ADDR": remote})


def test_the_page_is_served_with_a_strict_policy_and_no_framing() -> None:
    response = Simulator().app.test_client().get("/__cjsim/ui")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    policy = response.headers["Content-Security-Policy"]
    assert policy == CSP
    assert "default-src 'self'" in policy and "script-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "http" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_page_has_no_inline_script_or_style_and_loads_nothing_from_elsewhere() -> None:
    html = Simulator().app.test_client().get("/__cjsim/ui").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # every script is a file of its own
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/__cjsim/") or url == "data:,", url


@pytest.mark.parametrize("name, kind", [("dashboard.js", "text/javascript"), ("dashboard.css", "text/css"),
                                        ("vendor/uPlot.iife.min.js", "text/javascript"),
                                        ("vendor/uPlot.min.css", "text/css")])
def test_every_file_the_page_needs_ships_in_the_package(name: str, kind: str) -> None:
    response = Simulator().app.test_client().get(f"/__cjsim/ui/static/{name}")
    assert response.status_code == 200 and response.content_type.startswith(kind)
    shipped = resources.files("cjsim.control") / "dashboard"
    assert response.get_data() == shipped.joinpath(*name.split("/")).read_bytes()


def test_uplot_is_vendored_with_its_licence_and_version() -> None:
    vendor = resources.files("cjsim.control") / "dashboard" / "vendor"
    assert "MIT License" in vendor.joinpath("uPlot.LICENSE").read_text()
    assert "uPlot 1.6.32" in vendor.joinpath("README.md").read_text()


@pytest.mark.parametrize("path", ["/__cjsim/ui/static/../__init__.py", "/__cjsim/ui/static/..%2f__init__.py",
                                  "/__cjsim/ui/static/ui.py", "/__cjsim/ui/static/nothing.js",
                                  "/__cjsim/ui/static/vendor/README.md", "/__cjsim/ui/static/vendor"])
def test_only_the_dashboard_files_are_served(path: str) -> None:
    response = Simulator().app.test_client().get(path)
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_the_page_follows_the_control_api_access_rules() -> None:
    sim = Simulator()
    assert get(sim, "/__cjsim/ui", "192.0.2.7").status_code == 403
    assert get(sim, "/__cjsim/ui/static/dashboard.js", "192.0.2.7").status_code == 403
    assert get(sim, "/__cjsim/ui", "::1").status_code == 200


def test_with_an_admin_token_the_page_loads_but_its_data_needs_the_token() -> None:
    sim = Simulator(admin_token="s3cret")
    assert get(sim, "/__cjsim/ui", "192.0.2.7").status_code == 200
    assert get(sim, "/__cjsim/ui/static/dashboard.js", "192.0.2.7").status_code == 200
    assert get(sim, "/__cjsim/journal", "192.0.2.7").status_code == 401
    assert get(sim, "/__cjsim/", "127.0.0.1").status_code == 401
    assert get(sim, "/__cjsim/journal", "192.0.2.7", "s3cret").status_code == 200
    client = sim.app.test_client()
    assert client.post("/__cjsim/reset").status_code == 401  # the page's actions need the token too


def test_the_control_root_lists_its_routes_and_the_dashboard() -> None:
    sim = Simulator()
    response = sim.app.test_client().get("/__cjsim/")
    assert response.status_code == 200
    body = response.get_json()
    assert body["dashboard"] == "/__cjsim/ui"
    routes = {r["path"]: r["methods"] for r in body["routes"]}
    assert routes["/__cjsim/clock"] == ["GET", "POST"]
    assert routes["/__cjsim/journal"] == ["GET"]
    assert routes["/__cjsim/accounts/<open_id>"] == ["GET", "PATCH"]
    assert "/__cjsim/ui" in routes and "/__cjsim/audit" in routes
    assert not any(p.startswith("/__cjsim/ui/") for p in routes)
    assert sim.app.test_client().get("/").get_json()["dashboard"] == "/__cjsim/ui"


def test_the_page_keeps_the_host_check_with_or_without_a_token() -> None:
    for sim in (Simulator(), Simulator(admin_token="s3cret")):
        client = sim.app.test_client()
        assert client.get("/__cjsim/ui", headers={"Host": "rebound.example"}).status_code == 403
        assert client.get("/__cjsim/ui", headers={"Host": "localhost:8080"}).status_code == 200


def test_another_site_cannot_drive_the_clock_the_way_the_page_does() -> None:
    sim = Simulator()
    client = sim.app.test_client()
    before = client.get("/__cjsim/clock").get_json()["epoch"]
    foreign = client.post("/__cjsim/clock", json={"advance": 3600},
                          headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert foreign.status_code == 403
    own = client.post("/__cjsim/clock", json={"freeze": True},
                      headers={"Origin": "http://localhost", "Host": "localhost", "Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 200
    assert client.get("/__cjsim/clock").get_json()["epoch"] - before < 3600
