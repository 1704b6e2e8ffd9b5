"""Helpers for the scenario tests: simulators built from scenarios, a small CJ client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cjsim import Simulator
from tests.conftest import store_options
from tests.serve import Served, spawn

START = "2026-01-05T10:00:00+08:00"
PREFIX = "/api2.0/v1/"


class Driver:
    """One account of a scenario simulator, in-process (no socket)."""

    def __init__(self, sim: Simulator, email: str | None = None) -> None:
        self.sim = sim
        self.http = sim.app.test_client()
        accounts = sim.accounts.all()
        found = sim.accounts.by_email(email) if email else accounts[0]
        assert found is not None, email
        self.account = found
        # the store keeps the key's digest only: a simulator that did not seed the store has no key
        self.api_key = sim.seeded_keys.get(found.open_id, "")
        self.token = ""
        self.refresh_token = ""

    def login(self) -> dict[str, Any]:
        answer = self.http.post(PREFIX + "authentication/getAccessToken",
                                json={"apiKey": self.api_key}).get_json()
        assert answer["code"] == 200, answer
        self.token = answer["data"]["accessToken"]
        self.refresh_token = answer["data"]["refreshToken"]
        return answer["data"]  # type: ignore[no-any-return]

    def open(self, method: str, path: str, *, advance: float = 0.0, **kwargs: Any) -> Any:
        """The raw response; ``advance`` moves the clock first (pacing)."""
        if advance:
            self.sim.clock.advance(advance)
        headers = {"CJ-Access-Token": self.token, **kwargs.pop("headers", {})}
        return self.http.open(PREFIX + path, method=method, headers=headers, **kwargs)

    def get(self, path: str, *, advance: float = 1.0, **query: Any) -> dict[str, Any]:
        return self.open("GET", path, advance=advance, query_string=query).get_json()  # type: ignore[no-any-return]

    def post(self, path: str, body: Any, *, advance: float = 1.0) -> dict[str, Any]:
        return self.open("POST", path, advance=advance, json=body).get_json()  # type: ignore[no-any-return]

    def code(self, path: str = "product/list", *, advance: float = 1.0, **query: Any) -> int:
        return int(self.get(path, advance=advance, **query)["code"])


SimFactory = Callable[..., Simulator]


@pytest.fixture
def make(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SimFactory]:
    """``make(scenario=..., **options)``: a simulator on the store under test, closed after."""
    made: list[Simulator] = []

    def factory(scenario: Any = None, **options: Any) -> Simulator:
        options.setdefault("domain_options", {"retry_delay_s": 0.05, "tick_interval_s": 0.05})
        if "store" not in options:
            options.update(store_options(store_kind, request, tmp_path))
        sim = Simulator(scenario=scenario, **options)
        made.append(sim)
        return sim

    yield factory
    for sim in made:
        sim.close()


def scenario(*faults: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An inline scenario: frozen clock at START, one verified Advanced account."""
    doc: dict[str, Any] = {
        "name": extra.pop("name", "inline"), "seed": 7,
        "clock": {"start": START, "frozen": True},
        "accounts": [{"email": "dev@example.com", "level": "advanced", "verified": True}],
        "faults": list(faults),
    }
    doc.update(extra)
    return doc


@pytest.fixture
def served() -> Iterator[Any]:
    """``served(*args)`` starts ``cjsim serve --port 0`` and returns base, root, api_key, scenarios."""
    running: list[Served] = []

    def start(*args: str) -> dict[str, str]:
        served = spawn(*args)
        running.append(served)
        found = {"base": served.base, "root": served.root, "api_key": served.account.api_key}
        if served.scenarios is not None:
            found["scenarios"] = served.scenarios
        return found

    yield start
    for served in running:
        served.stop(timeout=10)
