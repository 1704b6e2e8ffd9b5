"""Bad input to ``cjsim serve`` is one line naming the flag, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from cjsim.cli import main


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as info:
        main(["serve", "--port", "0", *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize("flag, value", [
    ("--seed", "18446744073709551616"), ("--seed", "٣"), ("--seed", "1_000"), ("--seed", "-1"),
    ("--port", "65536"), ("--port", "５"), ("--daily-limit", "99999999999999999999"),
    ("--journal-size", "0"), ("--ship-delay", "1" * 5000), ("--max-scenario-bytes", "0"),
])
def test_integer_flags_take_ascii_digits_in_range(capsys: pytest.CaptureFixture[str], flag: str,
                                                  value: str) -> None:
    line = refused(capsys, flag, value)
    assert f"argument {flag}" in line and ("ASCII digits" in line or "must be" in line)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("url", ["sqlite:///{tmp}",
                                 "redis://127.0.0.1:{port}/0"])
def test_a_store_that_cannot_be_opened_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   url: str) -> None:
    code = main(["serve", "--port", "0", "--quiet", "--store", url.format(tmp=tmp_path, port=free_port())])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cjsim: --store: cannot")
