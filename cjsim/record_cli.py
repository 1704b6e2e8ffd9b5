"""``cjsim record``'s flags and entry (the work is cjsim/record.py, imported only when run:
building the CLI parser stays light)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_MAX = 50  # cjsim.record.DEFAULT_MAX


def add_parser(sub: Any) -> None:
    rec = sub.add_parser("record", help="record real products from a CJ API into a pinned catalogue file")
    rec.add_argument("--upstream", required=True, metavar="URL",
                     help="the CJ API to record from, e.g. https://developers.cjdropshipping.com")
    rec.add_argument("--account", required=True, metavar="EMAIL[:APIKEY]",
                     help="the account to log in with (without :APIKEY the key is read from CJ_API_KEY)")
    rec.add_argument("--out", required=True, metavar="FILE",
                     help="the catalogue file to write; an unfinished one is continued")
    which = rec.add_mutually_exclusive_group()
    which.add_argument("--pids", metavar="P1,P2", help="these products")
    which.add_argument("--category", metavar="ID", help="products of this category (product/listV2)")
    which.add_argument("--keyword", metavar="K", help="products matching this keyword (product/listV2)")
    rec.add_argument("--max", type=int, default=DEFAULT_MAX, metavar="N",
                     help=f"at most N products (default {DEFAULT_MAX})")
    rec.add_argument("--level", metavar="LEVEL",
                     help="the account's level (free/plus/prime/advanced or 0-5): its QPS paces the "
                          "requests (default: 1 request/second)")
    rec.add_argument("--freight", metavar="COUNTRY",
                     help="also record freight quotes to COUNTRY (reference only; not replayed)")


def run_command(args: Any) -> int:
    from cjsim.domain.accounts import AccountError, parse_level
    from cjsim.record import Recorder, RecordError, Selection, Stop, api_root

    try:
        email, _, key = str(args.account).partition(":")
        key = key or os.environ.get("CJ_API_KEY", "")
        if not email or "@" not in email or not key:
            raise RecordError("--account: give EMAIL:APIKEY (or EMAIL with the key in CJ_API_KEY)")
        if args.max < 1:
            raise RecordError("--max must be at least 1")
        try:
            level = parse_level(args.level) if args.level is not None else None
        except AccountError as exc:
            raise RecordError(f"--level: {exc}") from None
        freight = args.freight.strip().upper() if args.freight else None
        if freight is not None and (len(freight) != 2 or not freight.isalpha()):
            raise RecordError(f"--freight {args.freight!r}: give a two-letter country code")
        pids = tuple(p.strip() for p in (args.pids or "").split(",") if p.strip())
        if args.pids is not None and not pids:
            raise RecordError("--pids: give at least one pid")
        api_root(args.upstream)
        recorder = Recorder(upstream=args.upstream, email=email, api_key=key, out=Path(args.out),
                            selection=Selection(pids=pids, category=args.category,
                                                keyword=args.keyword, max=args.max),
                            level=level, freight_to=freight)
        doc = recorder.run()
    except RecordError as exc:
        print(f"cjsim record: {exc}", file=sys.stderr)
        return 2
    except Stop as exc:
        print(f"cjsim record: stopped: {exc}; what was recorded is in {args.out}, "
              "run the same command again to continue", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print(f"cjsim record: interrupted; what was recorded is in {args.out}, "
              "run the same command again to continue", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"cjsim record: --out {args.out}: {exc}", file=sys.stderr)
        return 2
    skipped = doc["recording"].get("skipped") or {}
    print(f"cjsim record: {len(doc['products'])} products in {args.out}"
          + (f" ({len(skipped)} skipped: not found upstream)" if skipped else ""), file=sys.stderr)
    return 0
