"""``cjsim profiles list | show NAME [--json]``: the rule profiles this install knows."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("profiles", help="list the rule profiles, show one's rule table")
    commands = parser.add_subparsers(dest="profiles_command", required=True)
    commands.add_parser("list", help="every profile and what it models")
    show = commands.add_parser("show", help="a profile's rules, in the order they are checked")
    show.add_argument("name")
    show.add_argument("--json", action="store_true",
                      help="the document GET /__cjsim/profile answers, as JSON")


def run(args: argparse.Namespace) -> int:
    from cjsim.profiles import PROFILES

    if args.profiles_command == "list":
        for name, each in PROFILES.items():
            print(f"{name:16} {len(each.rules.rules)} rules  {each.summary}")
        return 0
    profile = PROFILES.get(args.name)
    if profile is None:
        print(f"cjsim: no profile {args.name!r} (known: {', '.join(PROFILES)})", file=sys.stderr)
        return 1
    described = profile.describe()
    if args.json:
        print(json.dumps(described, indent=2, ensure_ascii=False))
        return 0
    print(f"{profile.name}: {profile.summary} (time zone {profile.tz})")
    for rule in described["rules"]:
        print(f"{rule['id']:5} {rule['role']:15} {_limit(rule):>14}  per {'+'.join(rule['per']):18}"
              f" cost {_cost(rule['cost']):8} -> HTTP {rule['http_status']} code {rule['code']}"
              f"{'' if rule['enabled'] else '  (disabled)'}")
        print(f"      {rule['description']}")
    return 0


def _limit(rule: dict[str, Any]) -> str:
    if "calendar" in rule:
        window = f"/{rule['calendar']}"
    elif "period_s" in rule:
        window = f"/{rule['period_s']:g}s"
    else:
        return "per quota"
    if "limit_by_level" in rule:
        return "by level" + window
    return f"{rule['limit'] if rule['limit'] is not None else 'account'}{window}"


def _cost(cost: Any) -> str:
    return str(cost) if isinstance(cost, int) else "by path"
