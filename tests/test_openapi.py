"""The OpenAPI document is the route table, rendered: every route, every parameter, every
``data`` schema and error code, validated as OpenAPI 3.1; committed, served and printed alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_spec_validator import validate

from cjsim.cli import main
from cjsim.errors import SEED_CATALOGUE
from cjsim.openapi import COMMON_CODES, TOKEN_CODES, document, operation_id, render
from cjsim.params import Field
from cjsim.routes import PREFIX, Route, build_table, default_table, route
from cjsim.shapes import INT, obj

DOCS = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
TABLE = list(default_table())


def _op(doc: dict[str, Any], r: Route) -> dict[str, Any]:
    return doc["paths"][r.path][r.method.lower()]  # type: ignore[no-any-return]


def test_the_document_is_valid_openapi_3_1() -> None:
    doc = document()
    assert doc["openapi"] == "3.1.0"
    validate(doc)


def test_the_committed_document_matches_the_route_table() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(), "run: cjsim openapi > docs/openapi.json"


def test_cli_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    assert json.loads(capsys.readouterr().out) == document()


def test_every_route_and_nothing_else_is_an_operation() -> None:
    doc = document()
    operations = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    assert operations == {(r.path, r.method) for r in TABLE}
    ids = [_op(doc, r)["operationId"] for r in TABLE]
    assert len(set(ids)) == len(TABLE)


def _expected_type(field: Field) -> str:
    return {"str": "string", "int": "integer", "decimal": "number", "bool": "boolean",
            "datetime": "string", "country": "string", "list": "array", "objects": "array", "object": "object",
            "file": "string"}[field.kind]


def _check_field(field: Field, schema: dict[str, Any], where: str) -> None:
    assert schema["type"] == _expected_type(field), where
    if field.choices is not None:
        assert schema["enum"] == list(field.choices), where
    else:
        assert "enum" not in schema, where
    if field.kind == "str" and field.max_len is not None:
        assert schema["maxLength"] == field.max_len, where
    if field.kind in ("list", "objects") and field.max_len is not None:
        assert schema["maxItems"] == field.max_len, where
    if field.min is not None:
        assert schema["minimum"] == field.min, where
    if field.max is not None:
        assert float(schema["maximum"]) == float(field.max), where
    for item in field.items:
        _check_field(item, schema["items"]["properties"][item.name], f"{where}[].{item.name}")
    if field.items:
        assert schema["items"].get("required", []) == [i.name for i in field.items if i.required]


@pytest.mark.parametrize("r", TABLE, ids=[r.path.removeprefix(PREFIX) for r in TABLE])
def test_each_operation_mirrors_its_row(r: Route) -> None:
    op = _op(document(), r)
    assert op["operationId"] == operation_id(r)
    assert op.get("deprecated", False) == r.deprecated
    assert bool(op["security"]) == r.auth
    if r.takes_query:
        params = op.get("parameters", [])
        assert [p["name"] for p in params] == [f.name for f in r.params]
        for p, f in zip(params, r.params):
            assert p["in"] == "query" and p["required"] == f.required, f.name
            _check_field(f, p["schema"], f.name)
        assert "requestBody" not in op
    else:
        media = "multipart/form-data" if r.body == "multipart" else "application/json"
        body = op["requestBody"]["content"][media]["schema"]
        if r.request is not None:
            assert body == r.request
        else:
            assert list(body["properties"]) == [f.name for f in r.params]
            assert body.get("required", []) == [f.name for f in r.params if f.required]
            for f in r.params:
                _check_field(f, body["properties"][f.name], f.name)
    ok, err = op["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"]
    assert r.data is not None, f"{r.path} declares no data schema"
    assert ok["properties"]["data"] == r.data
    assert ok["properties"]["code"] == {"const": 200}
    codes = err["properties"]["code"]["enum"]
    assert set(r.errors) <= set(codes) and set(COMMON_CODES) <= set(codes)
    if r.auth:
        assert set(TOKEN_CODES) <= set(codes)
    assert all(c in SEED_CATALOGUE for c in codes)
    assert err["properties"]["data"] == {"type": "null"}


def test_a_new_row_appears_with_its_schema() -> None:
    """The generator reads the table it is given: a row added is a documented operation."""
    extra = route("demo/echo", "GET", lambda call: {"n": 1}, Field("n", "int", required=True, min=1),
                  family="demo", summary="echo", data=obj({"n": INT}), errors=(1602001,))
    doc = document(build_table([*TABLE, extra]))
    validate(doc)
    op = doc["paths"][PREFIX + "demo/echo"]["get"]
    assert op["parameters"][0]["schema"] == {"type": "integer", "minimum": 1}
    assert 1602001 in op["x-cj-error-codes"]


def test_the_control_api_serves_the_document(live: Any) -> None:
    response = requests.get(live.url("/__cjsim/openapi.json"), timeout=5)
    assert response.status_code == 200
    served = response.json()
    assert served["servers"][0]["url"] == live.root
    assert served["paths"] == document()["paths"]


def test_the_document_goes_through_the_control_api_access_check(make_sim: Any) -> None:
    sim = make_sim(admin_token="s3cret")
    http = sim.app.test_client()
    assert http.get("/__cjsim/openapi.json").status_code == 401
    ok = http.get("/__cjsim/openapi.json", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and ok.get_json()["openapi"] == "3.1.0"
