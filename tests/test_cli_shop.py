"""The shop's serve flags reach the simulator: catalogue pin, webhooks, order timing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjsim.cli import _make_simulator, build_parser
from cjsim.domain.catalogue import generate


def _sim(*flags: str) -> object:
    return _make_simulator(build_parser().parse_args(["serve", *flags]))


def test_defaults_deliver_webhooks_without_probe() -> None:
    sim = _sim()
    options = sim.domain.options  # type: ignore[attr-defined]
    assert (options.deliveries, options.probe, options.ship_delay_s) == (True, False, 86_400)


def test_flags_set_the_domain_options(tmp_path: Path) -> None:
    path = tmp_path / "cat.json"
    path.write_text(generate(1, products=3).to_json(), encoding="utf-8")
    sim = _sim("--catalog", str(path), "--no-webhooks", "--webhook-probe",
               "--webhook-retry-delay", "0.1", "--ship-delay", "60", "--track-step", "30")
    options = sim.domain.options  # type: ignore[attr-defined]
    assert (options.deliveries, options.probe, options.retry_delay_s) == (False, True, 0.1)
    assert (options.ship_delay_s, options.track_step_s) == (60, 30)
    assert len(sim.catalogue.products) == 3  # type: ignore[attr-defined]


def test_seed_drives_the_catalogue() -> None:
    a, b = _sim("--seed", "3"), _sim("--seed", "3")
    assert a.catalogue.to_json() == b.catalogue.to_json()  # type: ignore[attr-defined]
    assert a.catalogue.seed == 3  # type: ignore[attr-defined]


def test_a_bad_catalogue_file_stops_serve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cjsim.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", "0", "--catalog", str(tmp_path / "missing.json")])
    assert exit_info.value.code == 2 and "catalogue" in capsys.readouterr().err
