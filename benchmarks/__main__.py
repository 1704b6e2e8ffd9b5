"""Every benchmark, one after the other: ``python -m benchmarks`` (``--quick`` for a smoke run).

Needs the bench extra (``pip install -e '.[bench]'``: responses and pytest-httpserver, the
tools compared against) and Debian's redis-server (for the Redis store's figures).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPTS = ["limiter", "startup", "stores", "compare", "dashboard"]


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = 0
    for name in SCRIPTS:
        print(f"\n== {name} ==", flush=True)
        failed |= subprocess.call([sys.executable, str(here / f"{name}.py"), *sys.argv[1:]])
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
