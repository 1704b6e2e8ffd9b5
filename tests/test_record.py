"""``cjsim record``: a simulator as the upstream (never the real CJ), its clock frozen and
moved by the recorder's pacing sleep, so the upstream's strict limits check the pacing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from cjsim import Simulator
from cjsim.cli import main
from cjsim.record import PACE_MARGIN_S, Recorder, Selection, Stop
from cjsim.server import BackgroundServer
from tests.conftest import START
from tests.test_cli import start as start_serve

QUERY = "/api2.0/v1/product/query"


class Upstream:
    def __init__(self, level: str = "free") -> None:
        self.sim = Simulator(seed=5, clock="frozen", start=START)  # strict: the limits answer
        self.account = self.sim.account("shop@example.com", level=level)
        self.server = BackgroundServer(self.sim.app).start()
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        """The recorder's pacing moves the upstream's simulated time."""
        self.slept.append(seconds)
        self.sim.clock.advance(seconds)

    def monotonic(self) -> float:
        return self.sim.clock.now_us() / 1e6

    def recorder(self, out: Path, stream: Any = None, **options: Any) -> Recorder:
        options.setdefault("selection", Selection(pids=tuple(self.pids(3))))
        return Recorder(upstream=self.server.root, email=self.account.email,
                        api_key=self.account.api_key, out=out, sleep=self.sleep,
                        monotonic=self.monotonic, stream=stream or io.StringIO(), **options)

    def pids(self, n: int) -> list[str]:
        return [p.pid for p in self.sim.catalogue.products if p.online][:n]

    def queries(self) -> list[str]:
        return [e["path"] for e in self.sim.journal() if e["path"] == QUERY]

    def close(self) -> None:
        self.server.stop()
        self.sim.close()


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    up = Upstream()
    yield up
    up.close()


def _answer(server: BackgroundServer, token: str, pid: str) -> dict[str, Any]:
    body = requests.get(server.url("product/query"), params={"pid": pid, "features": "enable_inventory"},
                        headers={"CJ-Access-Token": token}, timeout=10).json()
    assert body["code"] == 200, body
    return body["data"]  # type: ignore[no-any-return]


def _token(server: BackgroundServer, api_key: str) -> str:
    return _token_at(server.base_url, api_key)


def test_a_recorded_catalogue_serves_the_recorded_products(upstream: Upstream, tmp_path: Path) -> None:
    out = tmp_path / "shop.json"
    recorder = upstream.recorder(out)
    recorder.run()
    pids = upstream.pids(3)
    assert upstream.sim.violations() == []  # paced: the strict upstream never had to throttle
    assert upstream.slept and min(upstream.slept) > 0
    replay = Simulator(seed=99, clock="frozen", start=START, catalog=out)  # another seed: all from the file
    account = replay.account("dev@example.com", level="advanced")
    with BackgroundServer(replay.app) as fresh:
        token = _token(fresh, account.api_key)
        up_token = recorder.token  # the recorder's one token is still good upstream
        assert up_token is not None
        for pid in pids:
            replay.clock.advance(1)
            upstream.sim.clock.advance(1)
            recorded = _answer(fresh, token, pid)
            original = _answer(upstream.server, up_token, pid)
            assert recorded == original  # names, SKUs, prices, variants, stock, category path
    replay.close()
    assert {p["pid"] for p in json.loads(out.read_text())["products"]} == set(pids)


def test_the_file_holds_no_secret(upstream: Upstream, tmp_path: Path) -> None:
    out = tmp_path / "shop.json"
    recorder = upstream.recorder(out)
    recorder.run()
    text = out.read_text(encoding="utf-8")
    assert recorder.token and recorder.token not in text
    assert upstream.account.api_key not in text
    assert upstream.account.email not in text
    assert json.loads(text)["recording"]["upstream"] == upstream.server.base_url + "/"


class Throttled(Upstream):
    """Pacing stops after ``fine`` sleeps: the next request is over the account's QPS."""

    fine = 3

    def sleep(self, seconds: float) -> None:
        if self.fine > 0:
            self.fine -= 1
            super().sleep(seconds)


def test_a_throttle_stops_cleanly_and_a_second_run_continues(tmp_path: Path) -> None:
    up = Throttled()
    try:
        pids = up.pids(4)
        out = tmp_path / "shop.json"
        with pytest.raises(Stop, match="1600200"):
            up.recorder(out, selection=Selection(pids=tuple(pids))).run()
        first = json.loads(out.read_text())
        done = [p["pid"] for p in first["products"]]
        assert 0 < len(done) < 4 and first["recording"]["pending"] == pids[len(done):]
        assert len(up.queries()) == len(done) + 1  # the throttled one
        before = len(up.queries())
        up.fine = 1_000
        up.sim.clock.advance(300)  # getAccessToken: once per 5 minutes per account
        up.recorder(out, selection=Selection(pids=tuple(pids))).run()
        second = json.loads(out.read_text())
        assert [p["pid"] for p in second["products"]] == pids
        assert len(up.queries()) - before == 4 - len(done)  # nothing recorded is fetched again
        assert second["recording"]["complete"] is True
        journal = len(up.sim.journal())
        up.recorder(out, selection=Selection(pids=tuple(pids))).run()  # complete: no call at all
        assert len(up.sim.journal()) == journal
    finally:
        up.close()


def test_the_level_sets_the_pace(tmp_path: Path) -> None:
    up = Upstream(level="advanced")
    try:
        recorder = up.recorder(tmp_path / "a.json", level=4)
        assert recorder.interval == pytest.approx(1 / 6 + PACE_MARGIN_S)
        recorder.run()
        assert up.sim.violations() == []
        assert max(up.slept) == pytest.approx(1 / 6 + PACE_MARGIN_S, abs=1e-6)
        assert Recorder(upstream="http://x", email="a@b.c", api_key="k", out=tmp_path / "b.json",
                        selection=Selection()).interval == 1.0 + PACE_MARGIN_S
    finally:
        up.close()


def test_category_selection_max_freight_and_unknown_pids(upstream: Upstream, tmp_path: Path) -> None:
    category = upstream.sim.catalogue.products[0].category_id
    out = tmp_path / "cat.json"
    doc = upstream.recorder(out, selection=Selection(category=category, max=2), freight_to="US").run()
    assert 1 <= len(doc["products"]) <= 2
    assert all(p["category_id"] == category for p in doc["products"])
    for p in doc["products"]:
        quote = doc["recording"]["freight"][p["pid"]]
        assert quote["to"] == "US" and quote["quotes"][0]["logisticName"]
    upstream.sim.clock.advance(300)
    real = upstream.pids(1)[0]
    other = upstream.recorder(tmp_path / "pids.json",
                              selection=Selection(pids=("00000000-0000-0000-0000-000000000000", real))).run()
    assert [p["pid"] for p in other["products"]] == [real]
    assert "00000000-0000-0000-0000-000000000000" in other["recording"]["skipped"]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise(upstream: Upstream, tmp_path: Path) -> None:
    plain = io.StringIO()
    upstream.recorder(tmp_path / "a.json", stream=plain).run()
    lines = plain.getvalue().splitlines()
    assert lines == [f"record: {i}/3 {pid}" for i, pid in enumerate(upstream.pids(3), 1)]
    upstream.sim.clock.advance(300)
    tty = _Tty()
    upstream.recorder(tmp_path / "b.json", stream=tty).run()
    assert "\r[" in tty.getvalue() and "3/3" in tty.getvalue() and tty.getvalue().endswith("\n")


@pytest.mark.parametrize("argv, needle", [
    (["--account", "shop@example.com"], "--account"),
    (["--account", "shop@example.com:k", "--freight", "USA"], "--freight"),
    (["--account", "shop@example.com:k", "--max", "0"], "--max"),
    (["--account", "shop@example.com:k", "--level", "gold"], "--level"),
    (["--account", "shop@example.com:k", "--upstream", "ftp://x"], "--upstream"),
])
def test_bad_flags_print_one_line_naming_the_flag(argv: list[str], needle: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CJ_API_KEY", raising=False)
    base = ["record", "--upstream", "http://127.0.0.1:9", "--out", str(tmp_path / "x.json")]
    assert main(base + argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err
    assert not (tmp_path / "x.json").exists()


def test_an_out_file_that_is_no_recording_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     make_sim: Callable[..., Simulator]) -> None:
    out = tmp_path / "pinned.json"
    out.write_text(make_sim().catalogue.to_json(), encoding="utf-8")
    before = out.read_text()
    assert main(["record", "--upstream", "http://127.0.0.1:9", "--account", "a@b.c:k",
                 "--out", str(out)]) == 2
    assert "--out" in capsys.readouterr().err and out.read_text() == before


def test_cjsim_record_then_cjsim_serve_catalog(tmp_path: Path) -> None:
    """The commands as a user runs them: record from one `cjsim serve`, serve the file. The
    account is free (1 request/second) and the upstream's clock real: unpaced, the recorder
    would be throttled (exit 3)."""
    upstream, found = start_serve("--account", "list@example.com:CJLIST-1:advanced",  # the test's own
                                  "--account", "rec@example.com:CJREC-KEY-1:free", "--seed", "8")
    try:
        root = found["base"].removesuffix("/api2.0/v1")
        token = _token_at(found["base"], "CJLIST-1")
        listing = requests.get(f"{found['base']}/product/list", params={"pageSize": 2},
                               headers={"CJ-Access-Token": token}, timeout=10).json()["data"]["list"]
        pids = [item["pid"] for item in listing]
        out = tmp_path / "shop.json"
        result = subprocess.run(
            [sys.executable, "-m", "cjsim", "record", "--upstream", root, "--account",
             "rec@example.com:CJREC-KEY-1", "--out", str(out), "--pids", ",".join(pids)],
            capture_output=True, text=True, timeout=60, env={**os.environ})
        assert result.returncode == 0, result.stderr
        assert "2 products" in result.stderr and "record: 2/2" in result.stderr
        assert "CJREC-KEY-1" not in out.read_text()
    finally:
        upstream.kill()
        upstream.wait()
    served, fresh = start_serve("--catalog", str(out), "--account", "dev@example.com:CJDEV-1:advanced")
    try:
        token = _token_at(fresh["base"], "CJDEV-1")
        for item in listing:
            answer = requests.get(f"{fresh['base']}/product/query", params={"pid": item["pid"]},
                                  headers={"CJ-Access-Token": token}, timeout=10).json()
            assert answer["code"] == 200
            assert (answer["data"]["productSku"], answer["data"]["productNameEn"]) == \
                (item["productSku"], item["productNameEn"])
    finally:
        served.kill()
        served.wait()


def _token_at(base: str, api_key: str) -> str:
    body = requests.post(f"{base}/authentication/getAccessToken", json={"apiKey": api_key}, timeout=10).json()
    assert body["code"] == 200, body
    return str(body["data"]["accessToken"])


def test_real_cj_shapes_map_onto_the_model() -> None:
    """What the simulator never answers but CJ does: weight ranges, other time formats."""
    from cjsim.record import _first_number, _instant, _strings, api_root, public_url

    assert _first_number("120.0-150.0") == 120.0 and _first_number(95) == 95.0
    assert _first_number("") == 0.0 and _first_number(None, 7.0) == 7.0
    assert _strings('["塑料","金属"]') == ("塑料", "金属") and _strings("plain") == ("plain",)
    assert _strings(["a", 1]) == ("a", "1") and _strings(None) == ()
    china = _instant("2024-03-01 08:00:00")
    assert china == _instant("2024-03-01T00:00:00.000+00:00") == _instant(china // 1000)
    assert api_root("http://h:1") == api_root("http://h:1/api2.0/v1/") == "http://h:1/api2.0/v1/"
    assert public_url("http://user:secret@h:1/api2.0/v1/?k=v") == "http://h:1/api2.0/v1/"
