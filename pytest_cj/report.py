"""``--cj-report``: the audit of every test that used the simulator, as JSON and as a section
of the terminal summary.

Under xdist each worker collects its own records and hands them to the controller through
``workeroutput`` (the channel xdist provides for exactly this; no shared file, no race);
only the controller writes the file and prints the summary.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cjsim import __version__
from cjsim.audit import AUDIT_RULES, Finding

WORKER_KEY = "cj_records"


class Collector:
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def add(self, nodeid: str, source: str, requests: int, findings: list[Finding]) -> None:
        self.records.append({
            "nodeid": nodeid, "simulator": source, "requests": requests,
            "clean": not findings, "findings": [f.as_dict() for f in findings],
        })

    def extend(self, records: list[dict[str, Any]]) -> None:
        self.records.extend(records)

    # -- output ----------------------------------------------------------------------------
    def document(self) -> dict[str, Any]:
        records = sorted(self.records, key=lambda r: r["nodeid"])
        by_rule: Counter[str] = Counter()
        for record in records:
            for finding in record["findings"]:
                by_rule[finding["rule"]] += finding["count"]
        return {
            "tool": "cjsim", "version": __version__,
            "summary": {
                "tests": len(records),
                "testsWithFindings": sum(1 for r in records if not r["clean"]),
                "findings": sum(len(r["findings"]) for r in records),
                "requests": sum(r["requests"] for r in records),
                "byRule": dict(sorted(by_rule.items())),
            },
            "tests": records,
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.document(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def summary_lines(self, limit: int = 20) -> list[str]:
        doc = self.document()
        total = doc["summary"]
        lines = [f"{total['tests']} test(s) used the CJ simulator ({total['requests']} requests);"
                 f" {total['testsWithFindings']} with findings."]
        titles = {f["rule"]: f["title"] for r in doc["tests"] for f in r["findings"]}
        for rule, count in total["byRule"].items():
            title = AUDIT_RULES.get(rule, (titles.get(rule, f"rule {rule}"), ""))[0]
            lines.append(f"  {rule:<20} {count:>5} request(s)  {title}")
        dirty = [r for r in doc["tests"] if not r["clean"]]
        if dirty:
            lines.append("tests with findings:")
            for record in dirty[:limit]:
                rules = ", ".join(f"{f['rule']} x{f['count']}" for f in record["findings"])
                lines.append(f"  {record['nodeid']}: {rules}")
            if len(dirty) > limit:
                lines.append(f"  ... and {len(dirty) - limit} more (see the report file)")
        return lines


COLLECTOR = pytest.StashKey[Collector]()


def collector(config: pytest.Config) -> Collector:
    found = config.stash.get(COLLECTOR, None)
    if found is None:
        found = config.stash[COLLECTOR] = Collector()
    return found


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")
