"""The sample clients proven without pytest: the unittest example and the script example run
as subprocesses, as an integrator runs them; the well-behaved client passes the audit, the
misbehaving one is flagged (pytest's own proof: tests/plugin/test_examples.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FLAGGED = ("[R4]", "[R3a]", "[LOGIN-WHILE-VALID]", "[RELOGIN-ON-THROTTLE]")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], cwd=EXAMPLES, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_unittest_example_passes_the_well_behaved_client_and_fails_the_misbehaving_one() -> None:
    result = run("-m", "unittest", "-v", "unittest_compliance")
    out = result.stderr
    assert result.returncode == 1, out
    assert "test_well_behaved_client_respects_cj_rules (unittest_compliance.CJComplianceTest" in out
    assert "respects_cj_rules) ... ok" in out and "FAILED (failures=1)" in out
    failure = out.split("FAIL: ", 1)[1]
    assert failure.startswith("test_misbehaving_client_respects_cj_rules")
    assert all(rule in failure for rule in FLAGGED), failure


def test_the_script_example_gives_each_clients_verdict_and_exit_status() -> None:
    good = run("script_compliance.py", "well_behaved")
    assert (good.returncode, good.stdout) == (0, "well_behaved: CJ compliance audit: clean\n"), good.stderr
    bad = run("script_compliance.py", "misbehaving")
    assert bad.returncode == 1, bad.stderr
    assert re.match(r"misbehaving: CJ compliance audit: \d+ findings\n", bad.stdout), bad.stdout
    assert all(rule in bad.stdout for rule in FLAGGED)
    both = run("script_compliance.py")
    assert both.returncode == 1 and both.stdout.startswith("well_behaved: CJ compliance audit: clean\n")
    unknown = run("script_compliance.py", "nosuch")
    assert unknown.returncode == 2 and "unknown client nosuch" in unknown.stderr
