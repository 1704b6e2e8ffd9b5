"""examples/node/cjsim_example.mjs against a live simulator (real HTTP), when node is here.

Skipped (with the reason) only when no ``node`` is on PATH; with node present a failing
example fails the test.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cjsim import Simulator
from cjsim.server import BackgroundServer
from tests.conftest import START

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "node" / "cjsim_example.mjs"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: the Node example cannot run")


@pytest.fixture
def served() -> Iterator[tuple[Simulator, BackgroundServer]]:
    sim = Simulator(seed=21, clock="frozen", start=START)
    with BackgroundServer(sim.app) as server:
        yield sim, server
    sim.close()


def _run(server: BackgroundServer, *args: str) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run([NODE, str(EXAMPLE), *args], capture_output=True, text=True, timeout=60,
                          env={"CJSIM_URL": server.root, "PATH": "/usr/bin:/bin"})


def test_the_paced_node_client_passes_the_audit(served: tuple[Simulator, BackgroundServer]) -> None:
    sim, server = served
    result = _run(server)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "simulator: ok" in out and f"interfaces: {len(sim.routes)}" in out
    assert "logged in as node-example@cjsim.local, 2 request(s)/second" in out
    skus = [line.split()[1] for line in out.splitlines() if line.startswith("product: ")]
    assert len(skus) == 3 and all(sim.catalogue.product_by_sku(s) for s in skus)
    assert "audit: clean" in out
    assert sim.violations() == []
    paths = [e["path"].removeprefix("/api2.0/v1/") for e in sim.journal()]
    assert paths == ["authentication/getAccessToken", "setting/get", "product/list", *["product/query"] * 3]


def test_the_unpaced_node_client_gets_its_findings(served: tuple[Simulator, BackgroundServer]) -> None:
    sim, server = served
    result = _run(server, "--burst")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "audit: {" in result.stdout and "R4" in result.stdout
    assert any(v["rule"] == "R4" for v in sim.violations())


def test_a_failing_run_exits_2_with_the_reason(tmp_path: Path) -> None:
    """Nothing listens: the example reports the failure instead of pretending."""
    assert NODE is not None
    result = subprocess.run([NODE, str(EXAMPLE)], capture_output=True, text=True, timeout=60,
                            env={"CJSIM_URL": "http://127.0.0.1:9", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2 and "cjsim_example:" in result.stderr
