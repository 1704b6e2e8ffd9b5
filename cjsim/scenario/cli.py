"""``cjsim scenarios list | show NAME | validate FILE...``.

``validate`` builds a throwaway simulator from the file exactly as ``cjsim serve`` would, so
"valid" means "``serve --scenario`` will take it", account references and all. It exits 1
with every problem (file:line: field: what was expected) on stderr.
"""

from __future__ import annotations

import argparse
import shutil
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
    from cjsim.scenario.loader import load_bundled

    names = bundled.names()
    columns = max(40, shutil.get_terminal_size((80, 24)).columns)  # COLUMNS, else the tty, else 80
    width = max((len(n) for n in names), default=0) + 2
    room = columns - 1 - width  # the last column stays empty: some terminals wrap there
    for name in names:
        try:
            description = " ".join(load_bundled(name).description.split())
        except ScenarioError as exc:
            description = f"(invalid: {exc.problems[0]})"
        first = description.split(". ")[0].rstrip(".")
        if len(first) > room:
            first = first[: max(0, room - 3)].rstrip() + "..."
        print(f"{name:{width}}{first}")
    return 0


def _show(name: str) -> int:
    found = bundled.resolve(name)  # "chaos" or "chaos.yaml"
    if found is None:
        print(f"cjsim: no bundled scenario {name!r} (bundled: {', '.join(bundled.names())})",
              file=sys.stderr)
        return 1
    sys.stdout.write(bundled.read(found))
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
