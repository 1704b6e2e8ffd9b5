"""``cjsim serve`` and friends."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cjsim import __version__
from cjsim.domain.accounts import LEVEL_LABEL, AccountError, iter_account_specs


def _bounded_int(low: int, high: int | None = None, hint: str = "") -> Callable[[str], int]:
    """An argparse type: an integer in [low, high]; the error names the flag (argparse adds it)."""

    def parse(text: str) -> int:
        # ASCII digits only: int() also takes "1_000", "٣" and "５"
        if not re.fullmatch(r"[+-]?[0-9]{1,30}", text.strip()):
            raise argparse.ArgumentTypeError(f"expected an integer in ASCII digits, not {text[:40]!r}")
        value = int(text.strip())
        if high is None and value > 2**63 - 1:  # the store keeps 64-bit integers
            raise argparse.ArgumentTypeError(f"must be at most 2^63-1, not {value}")
        if value < low or (high is not None and value > high):
            span = f"{low}-{high}" if high is not None else f">= {low}"
            raise argparse.ArgumentTypeError(f"must be {span}{hint}, not {value}")
        return value

    return parse


def _seconds(low: float, inclusive: bool) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}") from None
        if value < low or (value == low and not inclusive) or value != value:
            raise argparse.ArgumentTypeError(f"must be {'>=' if inclusive else '>'} {low:g}, not {text}")
        return value

    return parse


def _instant(text: str) -> str:
    from cjsim.clock import parse_instant

    try:
        parse_instant(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (e.g. 2026-01-05T10:00:00+08:00)") from None
    return text


def _zone(text: str) -> str:
    from cjsim.clock import check_zone

    try:
        return check_zone(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (e.g. Asia/Shanghai)") from None


def _account(text: str) -> str:
    try:
        iter_account_specs([text])
    except AccountError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix(f"--account {text!r}: ")) from None
    return text


def _readable_file(text: str) -> str:
    if not os.path.isfile(text) or not os.access(text, os.R_OK):
        raise argparse.ArgumentTypeError(f"cannot read {text!r} (no such file, or not readable)")
    return text


def _profile(text: str) -> str:
    from cjsim.profiles import PROFILES

    if text not in PROFILES:
        raise argparse.ArgumentTypeError(f"unknown profile {text!r} (known: {', '.join(PROFILES)})")
    return text


def build_parser() -> argparse.ArgumentParser:
    from cjsim.profiles.model import STRICTNESS

    parser = argparse.ArgumentParser(prog="cjsim", description="Offline CJ Dropshipping API 2.0 simulator")
    parser.add_argument("--version", action="version", version=f"cjsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{serve,routes,scenarios}")
    serve = sub.add_parser("serve", help="run the simulator over HTTP",
                           description="Run the CJ API 2.0 simulator over HTTP.")
    serve.set_defaults(serve_parser=serve)
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=_bounded_int(0, 65535, " (0 picks a free port)"), default=8080,
                       help="port (default 8080; 0 picks a free one)")
    serve.add_argument("--clock", choices=["system", "frozen"],
                       help="system: the simulated time flows from --start (default); "
                            "frozen: it moves only through the control API")
    serve.add_argument("--start", type=_instant,
                       help="initial simulated time, ISO-8601 with offset (default: now)")
    serve.add_argument("--seed", type=_bounded_int(0),
                       help="reproducible tokens, keys, ids and catalogue (default: a new demo key each start)")
    serve.add_argument("--account", action="append", default=[], type=_account,
                       metavar="EMAIL:APIKEY[:LEVEL[:verified]]",
                       help="an account to create (repeatable); none = one demo account; "
                            "LEVEL is free/plus/prime/advanced or 0-5")
    serve.add_argument("--profile", default="legacy", type=_profile, help="rule profile (default legacy)")
    serve.add_argument("--strictness", choices=STRICTNESS,
                       help="strict: refuse what CJ refuses (default); lenient: only log it; "
                            "shadow: let it through and record what CJ would have refused")
    serve.add_argument("--throttle-status", type=int, choices=[200, 429],
                       help="HTTP status of every throttle answer (default: CJ's, 200 with code 1600200)")
    serve.add_argument("--daily-limit", type=_bounded_int(1), metavar="N",
                       help="calls/day per interface for an unverified account (default 1000)")
    serve.add_argument("--daily-tz", type=_zone, metavar="ZONE",
                       help="time zone of the daily reset (default Asia/Shanghai)")
    serve.add_argument("--points-base", type=_bounded_int(1), metavar="N",
                       help="cj-2026: base API points per account and day (default 50000)")
    serve.add_argument("--webhook-url-policy", choices=["local", "cj"],
                       help="local: accept loopback/http webhook URLs, the audit reports them (default);"
                            " cj: refuse them as CJ does (1607001/1607002, 1607000 under legacy)")
    serve.add_argument("--trust-ip-header", action="store_true",
                       help="honour X-CJSim-Client-IP (one machine acting as many IPs)")
    serve.add_argument("--journal-size", type=_bounded_int(1), default=10_000, metavar="N",
                       help="requests the journal keeps for the audit (default 10000); older ones are dropped")
    serve.add_argument("--max-scenario-bytes", type=_bounded_int(1, 1 << 30), default=1 << 20, metavar="BYTES",
                       help="size cap of a scenario document (file or POST /__cjsim/scenario; default 1 MiB)")
    serve.add_argument("--journal-body-bytes", type=_bounded_int(0), default=16 * 1024, metavar="N",
                       help="bytes of each request and answer body the journal keeps (default 16384; "
                            "a longer body is cut and marked; 0 keeps none); credentials are masked")
    serve.add_argument("--store", default="memory://",
                       help="state store: memory:// (default), sqlite:///PATH or redis://HOST:PORT/DB; "
                            "a stored state is resumed")
    serve.add_argument("--store-prefix", default="cjsim",
                       help="key prefix on Redis: separates independent simulators on one Redis "
                            "(no glob characters * ? [ ] \\ ^ nor braces)")
    serve.add_argument("--admin-token", help="require 'Authorization: Bearer TOKEN' on the control API "
                                             "(needed to bind a non-loopback address)")
    serve.add_argument("--insecure-admin", action="store_true",
                       help="let any caller drive the control API on a non-loopback address")
    serve.add_argument("--request-timeout", type=_seconds(0, inclusive=False), default=30.0, metavar="SECONDS",
                       help="a request must arrive whole within this many seconds of its first "
                            "byte, or its connection is closed (default 30)")
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="a Host name the control API answers for, besides localhost and the "
                            "bound address (repeatable; .example.com allows subdomains)")
    serve.add_argument("--quiet", action="store_true", help="no per-request log lines")
    serve.add_argument("--log-format", choices=["text", "json"], default="text",
                       help="text (default): one line per CJ request, e.g. '10:00:01.200 GET "
                            "product/query -> 1600200 R4 acct 100042 0.4 ms' -- the simulated time "
                            "of the call (China time), CJ's code, the rule that tripped, the account, "
                            "the wall-clock latency; colour on a terminal unless NO_COLOR is set. "
                            "json: one JSON object per line")
    serve.add_argument("--scenario", action="append", default=[], metavar="FILE_OR_NAME",
                       help="a scenario file or bundled name (repeatable; later ones override)")
    _add_domain_flags(serve)
    sub.add_parser("routes", help="print the endpoint reference (markdown) from the route table")
    sub.add_parser("openapi", help="print the OpenAPI 3.1 document (JSON) generated from the route table")
    from cjsim.record_cli import add_parser as add_record_parser
    from cjsim.scenario.cli import add_parser as add_scenarios_parser

    add_record_parser(sub)  # cjsim record --upstream URL --account EMAIL:APIKEY --out FILE

    add_scenarios_parser(sub)  # cjsim scenarios list | show NAME | validate FILE
    from cjsim.profiles._cli import add_parser as add_profiles_parser

    add_profiles_parser(sub)  # cjsim profiles list | show NAME
    return parser


def _add_domain_flags(serve: argparse.ArgumentParser) -> None:
    """The simulated shop (cjsim/domain/options.py): catalogue pin, order timing, webhooks."""
    serve.add_argument("--catalog", metavar="FILE", type=_readable_file,
                       help="serve this catalogue (JSON, the format of GET /__cjsim/catalogue) "
                            "instead of the one generated from --seed")
    serve.add_argument("--no-webhooks", dest="webhooks", action="store_false", default=None,
                       help="never POST webhook messages (they are still recorded as skipped)")
    serve.add_argument("--webhook-probe", action="store_true", default=None,
                       help="webhook/set checks each new URL answers 200 (1606001 if not)")
    serve.add_argument("--webhook-retry-delay", type=_seconds(0, inclusive=False), metavar="SECONDS",
                       help="real seconds between delivery retries (default 0.5)")
    serve.add_argument("--ship-delay", type=_bounded_int(0), metavar="SECONDS",
                       help="simulated seconds from payment to dispatch (default 86400)")
    serve.add_argument("--track-step", type=_bounded_int(0), metavar="SECONDS",
                       help="simulated seconds between tracking statuses (default 86400)")


def _domain_options(args: argparse.Namespace) -> dict[str, Any]:
    given = {"retry_delay_s": args.webhook_retry_delay, "ship_delay_s": args.ship_delay,
             "track_step_s": args.track_step}
    return {k: v for k, v in given.items() if v is not None}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `cjsim scenarios list | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # `cjsim` alone: what it can do, not an error about a missing word
        parser.print_help(sys.stderr)
        return 2
    if args.command == "serve":
        if args.request_timeout == float("inf"):
            parser.error("argument --request-timeout: must be a finite number of seconds")
        return serve(args, parser)
    if args.command == "routes":
        from cjsim.endpoint_docs import render

        sys.stdout.write(render())
        return 0
    if args.command == "openapi":
        from cjsim.openapi import render as render_openapi

        sys.stdout.write(render_openapi())
        return 0
    if args.command == "record":
        from cjsim.record_cli import run_command

        return run_command(args)
    if args.command == "scenarios":
        from cjsim.scenario.cli import run as run_scenarios

        return run_scenarios(args)
    if args.command == "profiles":
        from cjsim.profiles._cli import run as run_profiles

        return run_profiles(args)
    parser.error(f"unknown command {args.command}")
    return 2


class StoreOpenError(Exception):
    pass


def _open_store(args: argparse.Namespace) -> Any:
    """The --store, opened and reached now: an unopenable file or an unreachable Redis is one line."""
    from cjsim.store import StoreUnavailable, open_store

    try:
        store = open_store(args.store, prefix=args.store_prefix)
    except (OSError, StoreUnavailable, sqlite3.Error) as exc:
        raise StoreOpenError(f"--store: cannot open the store: {exc}") from None
    ok, detail = store.health()
    if not ok:
        store.close()
        raise StoreOpenError(f"--store: cannot reach the store: {detail}")
    return store


def _make_simulator(args: argparse.Namespace) -> Any:
    from cjsim.simulator import Simulator

    accounts = iter_account_specs(args.account)
    store = _open_store(args)
    return Simulator(
        seed=args.seed, clock=args.clock or "system", start=args.start, accounts=accounts,
        demo_account=not accounts, profile=args.profile, strictness=args.strictness,
        throttle_status=args.throttle_status, daily_limit=args.daily_limit,
        daily_tz=args.daily_tz, points_base=args.points_base,
        trust_ip_header=args.trust_ip_header,
        webhook_url_policy=args.webhook_url_policy,
        journal_size=args.journal_size, journal_body_bytes=args.journal_body_bytes,
        log_requests=not args.quiet, store=store, store_prefix=args.store_prefix,
        admin_token=args.admin_token, insecure_admin=args.insecure_admin,
        allow_hosts=args.allow_host,
        catalog=args.catalog, webhooks=args.webhooks, webhook_probe=args.webhook_probe,
        domain_options=_domain_options(args), scenario=args.scenario or None,
        max_scenario_bytes=args.max_scenario_bytes,
    )


def _store_flag(url: str, usage: argparse.ArgumentParser) -> str:
    """``--store``: a SQLite path resolved to an absolute one (the banner shows where the
    state lives, whatever the working directory); its directory must exist."""
    if not url.startswith(("memory:", "sqlite:///", "redis://", "rediss://", "unix://")):
        usage.error(f"argument --store: unsupported store URL {url!r} (use memory://, sqlite:///PATH or "
                    "redis://HOST:PORT/DB)")
    if not url.startswith("sqlite:///"):
        return url
    path = url[len("sqlite:///"):]
    if not path or path == ":memory:":
        return url
    resolved = Path(path).expanduser().resolve()
    if not resolved.parent.is_dir():
        usage.error(f"argument --store: directory {resolved.parent} does not exist (create it first)")
    return f"sqlite:///{resolved}"


def _resumed_line(args: argparse.Namespace) -> str:
    """An existing store wins over the flags that would seed a new one: say which."""
    kind, _, where = args.store.partition("://")
    where = where[1:] if kind == "sqlite" else args.store
    ignored = [flag for flag, given in (("--account", args.account), ("--start", args.start),
                                        ("--clock", args.clock)) if given]
    line = f"resumed {kind} store {where}"
    if ignored:
        line += f": {' and '.join(ignored) if len(ignored) < 3 else ', '.join(ignored)} ignored"
        line += " (the stored accounts and clock win; POST /__cjsim/reset starts over)"
    return line


def serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from cjsim.control.access import bind_needs_protection
    from cjsim.server import make_cj_server

    if bind_needs_protection(args.host) and not (args.admin_token or args.insecure_admin):
        print(f"cjsim: refusing to serve on {args.host}: the control API (/__cjsim/) can reset "
              "state, create accounts and move time. Give --admin-token TOKEN (clients send "
              "'Authorization: Bearer TOKEN') or --insecure-admin.", file=sys.stderr)
        return 2
    from cjsim.store.base import check_prefix

    try:
        check_prefix(args.store_prefix, "--store-prefix")
    except ValueError as exc:
        print(f"cjsim: {exc}", file=sys.stderr)
        return 2
    from cjsim.reqlog import configure as configure_log

    configure_log(sys.stderr, args.log_format, quiet=args.quiet)
    usage: argparse.ArgumentParser = getattr(args, "serve_parser", parser)
    store = _store_flag(args.store, usage)
    args.store = store
    try:
        sim = _make_simulator(args)
    except StoreOpenError as exc:
        print(f"cjsim: {exc}", file=sys.stderr)
        return 2
    except (ValueError, AccountError) as exc:
        if hasattr(exc, "problems"):  # a bad scenario: its file:line messages, no usage text
            print(f"cjsim: invalid scenario\n{exc}", file=sys.stderr)
            return 2
        usage.error(str(exc))
    try:
        server = make_cj_server(args.host, args.port, sim.app, quiet=args.quiet,
                                request_timeout=args.request_timeout)
    except OSError as exc:
        print(f"cjsim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    host = args.host if ":" not in args.host else f"[{args.host}]"
    base = f"http://{host}:{server.server_port}"
    print(f"cjsim {__version__} serving CJ API 2.0 at {base}/api2.0/v1", flush=True)
    print(f"control API: {base}/__cjsim/  store: {sim.store.url}", flush=True)
    print(f"dashboard: {base}/__cjsim/ui" + ("  (append #token=<admin token>, or type it in the page)"
                                            if args.admin_token else ""), flush=True)
    print(f"clock: {sim.clock.snapshot()['now']} ({'frozen' if sim.clock.frozen else 'flowing'})"
          f", profile: {sim.profile.name}, strictness: {sim.profile.strictness}", flush=True)
    if sim.resumed and not args.store.startswith("memory"):
        print(_resumed_line(args), flush=True)
    if args.scenario:
        print(f"scenarios: {', '.join(sim.faults.describe()['active'])}", flush=True)
    for account in sim.accounts.all():  # a key in full only if this run generated it
        key = sim.generated_keys.get(account.open_id)
        print(f"account: email={account.email} apiKey={key or account.key_hint} openId={account.open_id}"
              f" level={account.level} ({LEVEL_LABEL[account.level]})"
              f" verified={str(account.verified).lower()}"
              + ("" if key else " (apiKey masked: the store keeps its digest)"), flush=True)

    stop = threading.Event()

    def _shutdown(signum: int, _frame: Any) -> None:
        if not stop.is_set():
            stop.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, _shutdown)
    signal.signal(signal.SIGTERM, _shutdown)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        sim.close()  # the ticker and webhook worker threads, then the store
    print("cjsim stopped", flush=True)
    return 0
