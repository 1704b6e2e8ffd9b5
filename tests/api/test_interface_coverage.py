"""Every interface CJ's pages document (tests/data/cj-interfaces.txt) is served, or the README's
"Interfaces not simulated" names it with a reason, and then it answers 1600100, not 1600101."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from cjsim.api.not_simulated import NOT_SIMULATED
from cjsim.routes import PREFIX, default_table
from cjsim.server import BackgroundServer
from tests.shop import new_sim, shop_of

ROOT = Path(__file__).resolve().parents[2]
TABLE = default_table()


def documented() -> list[str]:
    lines = (ROOT / "tests/data/cj-interfaces.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def readme_not_simulated() -> dict[str, str]:
    """path -> reason, from the README section's table rows."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Interfaces not simulated\n(.*?)(?=^## )", text, re.M | re.S)
    assert match, "the README has no section 'Interfaces not simulated'"
    out: dict[str, str] = {}
    for row in match.group(1).splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[0].startswith("`"):
            continue
        for path in re.findall(r"`([^`]+)`", cells[0]):
            out[path] = cells[1]
    return out


def test_the_list_is_read_whole() -> None:
    paths = documented()
    assert len(paths) == len(set(paths)) > 100
    assert all(re.fullmatch(r"[A-Za-z0-9/_-]+", p) for p in paths), paths


@pytest.mark.parametrize("path", documented())
def test_each_documented_interface_is_served_or_listed_with_a_reason(path: str) -> None:
    full = PREFIX + path
    if full in TABLE.routes:
        assert full not in TABLE.not_simulated
        return
    listed = readme_not_simulated()
    assert path in listed, f"{path}: neither a route nor in the README's 'Interfaces not simulated'"
    assert len(listed[path]) > 10, f"{path}: the README gives no reason"
    assert TABLE.not_simulated.get(full), f"{path}: listed in the README but not answered 1600100"


def test_the_readme_the_table_and_the_list_agree() -> None:
    listed = {PREFIX + p for p in readme_not_simulated()}
    assert listed == set(TABLE.not_simulated) == set(NOT_SIMULATED)
    assert not listed & set(TABLE.routes)
    # everything served is on CJ's pages too (no interface of our own invention)
    assert set(TABLE.routes) <= {PREFIX + p for p in documented()}


def test_not_simulated_interfaces_answer_1600100_over_http() -> None:
    sim = new_sim()
    try:
        token = shop_of(sim).token
        with BackgroundServer(sim.app) as server, requests.Session() as http:
            for path, why in NOT_SIMULATED.items():
                for method in ("GET", "POST"):
                    response = http.request(method, server.url(path.removeprefix(PREFIX)),
                                            json={} if method == "POST" else None,
                                            headers={"CJ-Access-Token": token}, timeout=10)
                    body = response.json()
                    assert (response.status_code, body["code"], body["result"], body["data"]) == (
                        200, 1600100, False, None), (method, path, body)
                    assert response.headers["X-CJSim-Detail"] == f"not simulated: {why}"
            wrong = http.get(server.url("shopping/order/noSuchThing"), timeout=10).json()
            assert wrong["code"] == 1600101
    finally:
        sim.close()
