"""docs/endpoints.md is the route table, rendered: they never drift apart."""

from __future__ import annotations

from pathlib import Path

from cjsim.endpoint_docs import render
from cjsim.routes import default_table

DOCS = Path(__file__).resolve().parent.parent / "docs" / "endpoints.md"


def test_the_committed_reference_matches_the_route_table() -> None:
    assert DOCS.read_text() == render(), "run: cjsim routes > docs/endpoints.md"


def test_every_route_is_documented_with_a_summary() -> None:
    text = render()
    for route in default_table():
        assert f"`{route.method} {route.path}`" in text
        assert route.summary, route.path
