"""``cjsim scenarios list | show NAME | validate FILE...``.

``validate`` builds a throwaway simulator from the file exactly as ``cjsim serve`` would, so
"valid" means "``serve --scenario`` will take it", account references and all. It exits 1
with every problem (file:line: field: what was expected) on stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cjsim.scenario import bundled
from cjsim.scenario.errors import ScenarioError


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("scenarios", help="list, show and validate scenario files")
    commands = parser.add_subparsers(dest="scenarios_command", required=True)
    commands.add_parser("list", help="the bundled scenarios and what each proves")
    show = commands.add_parser("show", help="print a bundled scenario's file")
    show.add_argument("name")
    validate = commands.add_parser("validate", help="check scenario files (exit 1 if invalid)")
    validate.add_argument("files", nargs="+", metavar="FILE_OR_NAME")


def run(args: argparse.Namespace) -> int:
    if args.scenarios_command == "list":
        return _list()
    if args.scenarios_command == "show":
        return _show(args.name)
    return _validate(args.files)


def _list() -> int:
    from cjsim.scenario.loader import load

    for name in bundled.names():
        try:
            description = " ".join(load(name).description.split())
        except ScenarioError as exc:
            description = f"(invalid: {exc.problems[0]})"
        first = description.split(". ")[0].rstrip(".")
        print(f"{name:32} {first}")
    return 0


def _show(name: str) -> int:
    if not bundled.exists(name):
        print(f"cjsim: no bundled scenario {name!r} (bundled: {', '.join(bundled.names())})",
              file=sys.stderr)
        return 1
    sys.stdout.write(bundled.read(name))
    return 0


def _validate(files: list[str]) -> int:
    from cjsim.simulator import Simulator

    failed = False
    for source in files:
        try:
            sim = Simulator(scenario=source, demo_account=True, clock="frozen", seed=0)
        except ScenarioError as exc:
            failed = True
            print(f"invalid: {source}\n{exc}", file=sys.stderr)
            continue
        try:
            faults = sim.faults.describe()
            print(f"ok: {source} ({', '.join(faults['active'])}: {len(faults['faults'])} fault(s), "
                  f"{len(faults['timeline'])} timeline step(s))")
        finally:
            sim.close()
    return 1 if failed else 0
