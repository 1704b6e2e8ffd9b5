"""Scenario documents an attacker (or a slip) could write: alias bombs, huge or deep
documents, non-UTF-8 files, integers past 64 bits, times past year 9999; and the CLI's
``scenarios validate | show | list`` as a user meets them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cjsim import Simulator
from cjsim.cli import main
from cjsim.scenario import ScenarioError, load
from cjsim.scenario.loader import MAX_ALIAS_NODES


def bomb(levels: int) -> str:
    """The classic: each level is a list of ten aliases to the level below."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    return "name: bomb\ndescription: x\nlimits: {messages: {}}\nx:\n" + "\n".join("  " + line for line in lines)


def messages(source: object) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load(source)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("levels", [4, 9])
def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path, levels: int) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb(levels))
    began = time.monotonic()
    found = messages(path)
    assert len(found) == 1 and "alias amplification" in found[0], found
    assert time.monotonic() - began < 30  # sanity only: unbounded, 9 levels never returns


def test_a_few_aliases_are_still_fine(tmp_path: Path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text("name: anchors\nfaults:\n  - match: &m {path: product/list, calls: [1]}\n"
                    "    action: &busy {code: 1600000}\n  - match: {path: product/query, calls: [1]}\n"
                    "    action: *busy\n")
    assert len(load(path).faults) == 2
    assert MAX_ALIAS_NODES >= 1000


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("name: loop\nx: &a [*a]\n")
    assert any("alias" in m for m in messages(path))


def test_a_deep_document_is_refused_with_a_reason(tmp_path: Path) -> None:
    for depth in (50, 5000):
        path = tmp_path / f"deep{depth}.yaml"
        path.write_text("name: deep\nx: " + "[" * depth + "]" * depth + "\n")
        assert any("nested too deeply" in m for m in messages(path)), depth
        as_json = tmp_path / f"deep{depth}.json"
        as_json.write_text('{"name": "deep", "x": ' + "[" * depth + "]" * depth + "}")
        assert any("nested too deeply" in m for m in messages(as_json)), depth


def test_the_size_cap_is_a_simulator_knob(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("name: big\ndescription: " + "x" * 2000 + "\n")
    with pytest.raises(ScenarioError, match="larger than 1000 bytes"):
        Simulator(scenario=str(path), max_scenario_bytes=1000)
    assert Simulator(scenario=str(path)).faults.describe()["active"] == ["big"]
    sim = Simulator(max_scenario_bytes=1000)
    response = sim.app.test_client().post("/__cjsim/scenario", json={"name": "x", "description": "y" * 2000})
    assert response.status_code == 400 and "larger than 1000 bytes" in response.get_json()["error"]
    assert sim.faults.describe()["active"] == []


def test_a_huge_file_is_refused_by_default_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("name: huge\ndescription: " + "x" * (2 << 20) + "\n")
    assert any("larger than 1048576 bytes" in m for m in messages(path))


def test_integers_past_64_bits_and_times_past_9999_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("name: big\nseed: 18446744073709551616\ntimeline:\n  - at: +3000000d\n"
                    "    offline: product/list\n")
    found = messages(path)
    assert any("seed" in m and "out of range" in m for m in found), found
    path.write_text("name: far\ntimeline:\n  - at: 9999-12-31T20:00:00+08:00\n    offline: product/list\n")
    assert any("timeline[0].at" in m for m in messages(path))
    path.write_text("name: far\ntimeline:\n  - at: +3000000d\n    offline: product/list\n")
    with pytest.raises(ScenarioError, match=r"timeline\[0\]\.at"):
        Simulator(scenario=str(path))


def run_cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_file_that_is_not_utf8_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\u00e9\n".encode("latin-1"))
    code, _, err = run_cli("scenarios", "validate", str(path), capsys=capsys)
    assert code == 1 and f"{path}: not UTF-8 text" in err and "Traceback" not in err
    code, _, err = run_cli("serve", "--port", "0", "--scenario", str(path), capsys=capsys)
    assert code == 2 and f"{path}: not UTF-8 text" in err


def test_validate_reports_every_kind_of_problem_in_one_pass(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "three.yaml"
    path.write_text("name: three\nfaults:\n  - match: {path: product/list, calls: three}\n"
                    "    action: {code: 1600000}\n  - match: {path: product/lisst}\n"
                    "    action: {code: 1600000}\n  - match: {path: product/list, account: ghost@example.com}\n"
                    "    action: {code: 1600000}\n")
    code, _, err = run_cli("scenarios", "validate", str(path), capsys=capsys)
    assert code == 1
    assert f"{path}:3: faults[0].match.calls: expected" in err  # schema
    assert f"{path}:5: faults[1].match.path: 'product/lisst' is not an interface" in err  # names
    assert f"{path}:7: faults[2].match.account: no account with email ghost@example.com" in err  # refs


def test_show_takes_a_bundled_name_with_its_extension(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli("scenarios", "show", "system-busy-burst.yaml", capsys=capsys)
    assert code == 0 and out.startswith("name: system-busy-burst\n")
    code, _, err = run_cli("scenarios", "show", "../scenarios/system-busy-burst.yaml", capsys=capsys)
    assert code == 1 and "no bundled scenario" in err


def test_list_fits_an_80_column_terminal() -> None:
    run = subprocess.run([sys.executable, "-m", "cjsim", "scenarios", "list"], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "COLUMNS": "80"})
    lines = run.stdout.splitlines()
    assert run.returncode == 0 and len(lines) >= 12
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    assert all(line.split()[0] and len(line.split()) > 1 for line in lines)
