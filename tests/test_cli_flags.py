"""A newcomer's bad flags: one line naming the flag, under the ``serve`` usage; and a
restart on a stored state says that the store won."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cjsim.cli import build_parser
from tests.test_cli import start


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cjsim", *args], capture_output=True, text=True,
                          timeout=30, cwd=cwd)


@pytest.mark.parametrize(("flags", "message"), [
    (["--port", "70000"], "argument --port: must be 0-65535 (0 picks a free port), not 70000"),
    (["--port", "-1"], "argument --port: must be 0-65535"),
    (["--journal-size", "-5"], "argument --journal-size: must be >= 1, not -5"),
    (["--journal-size", "0"], "argument --journal-size: must be >= 1, not 0"),
    (["--journal-body-bytes", "-1"], "argument --journal-body-bytes: must be >= 0, not -1"),
    (["--log-format", "xml"], "argument --log-format: invalid choice: 'xml'"),
    (["--daily-limit", "-1"], "argument --daily-limit: must be >= 1, not -1"),
    (["--account", "a@b.c:key:gold"], "argument --account: level must be free/plus/prime/advanced or 0-5"),
    (["--account", "only-an-email"], "argument --account: expected EMAIL:APIKEY[:LEVEL[:verified]]"),
    (["--start", "yesterday"], "argument --start: not an ISO-8601 time: 'yesterday'"),
    (["--daily-tz", "Mars/Olympus"], "argument --daily-tz: unknown time zone 'Mars/Olympus'"),
    (["--profile", "nope"], "argument --profile: unknown profile 'nope'"),
    (["--ship-delay", "-3"], "argument --ship-delay: must be >= 0, not -3"),
    (["--webhook-retry-delay", "0"], "argument --webhook-retry-delay: must be > 0"),
    (["--catalog", "/no/such/catalogue.json"], "argument --catalog: cannot read '/no/such/catalogue.json'"),
    (["--store", "foo://x"], "argument --store: unsupported store URL 'foo://x'"),
])
def test_a_bad_flag_is_one_line_naming_it_under_the_serve_usage(flags: list[str], message: str) -> None:
    result = run("serve", "--port", "0", *flags) if flags[0] != "--port" else run("serve", *flags)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith("cjsim serve: error: ") and message in errors[0], lines
    assert lines[0].startswith("usage: cjsim serve ")


def test_cjsim_alone_prints_the_help() -> None:
    result = run()
    assert result.returncode == 2
    assert "serve" in result.stderr and "run the simulator over HTTP" in result.stderr
    assert "required" not in result.stderr


def test_every_flag_has_help_text() -> None:
    parser = build_parser()
    serve = parser._subparsers._group_actions[0].choices["serve"]  # type: ignore[union-attr]
    missing = [a.option_strings[0] for a in serve._actions if a.option_strings and not a.help]
    assert missing == []


def test_a_sqlite_store_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    result = run("serve", "--port", "0", "--store", "sqlite:///no/such/dir/x.db", cwd=tmp_path)
    assert result.returncode == 2
    assert f"argument --store: directory {tmp_path.resolve()}/no/such/dir does not exist" in result.stderr
    assert not (tmp_path / "no").exists()


def _serve_once(*args: str, cwd: Path) -> list[str]:
    proc, _found = start(*args, cwd=cwd)
    try:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    return _found["banner"].splitlines() + out.splitlines()


def test_a_restart_on_a_stored_state_says_the_store_won(tmp_path: Path) -> None:
    key = "CJ7@api@" + "c" * 32
    first = _serve_once("--store", "sqlite:///state.db", "--account", f"me@example.com:{key}", cwd=tmp_path)
    where = tmp_path.resolve() / "state.db"
    assert any(f"store: sqlite:///{where}" in line for line in first), first
    assert not any(line.startswith("resumed") for line in first)
    other = "CJ8@api@" + "d" * 32
    again = _serve_once("--store", "sqlite:///state.db", "--account", f"you@example.com:{other}",
                        "--start", "2026-01-05T10:00:00+08:00", cwd=tmp_path)
    assert f"resumed sqlite store {where}: --account and --start ignored" in "\n".join(again), again
    assert any(f"apiKey={key[:4]}…{key[-4:]}" in line for line in again)  # masked: a digest is stored and not any(other in line for line in again)


def test_journal_and_log_flags_reach_the_simulator() -> None:
    from cjsim.cli import _make_simulator, build_parser

    args = build_parser().parse_args(["serve", "--journal-body-bytes", "100", "--quiet"])
    sim = _make_simulator(args)
    try:
        assert sim.journal_body_bytes == 100 and sim.log_requests is False
    finally:
        sim.close()
    sim = _make_simulator(build_parser().parse_args(["serve"]))
    try:
        assert sim.journal_body_bytes == 16 * 1024 and sim.log_requests is True
    finally:
        sim.close()
