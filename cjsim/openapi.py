"""The OpenAPI 3.1 document of the simulated CJ API, generated from the route table.

``cjsim openapi > cj.json`` and ``GET /__cjsim/openapi.json`` are this output; the route
table (``cjsim/routes.py`` + the rows in ``cjsim/api/``) is the only source: parameters come
from the rows' Field specs, the success ``data`` from each row's ``data`` schema
(``cjsim/shapes.py``), the error codes from the common sets below plus the row's ``errors``.
``docs/openapi.json`` is the committed copy; tests keep all three in step and a Schemathesis
run holds the live simulator to it (tests/test_openapi_live.py).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from cjsim import __version__
from cjsim.call import TOKEN_HEADER
from cjsim.errors import SEED_CATALOGUE
from cjsim.params import Field
from cjsim.routes import PREFIX, Route, RouteTable, default_table
from cjsim.shapes import Schema

OPENAPI_VERSION = "3.1.0"

# Codes every interface may answer: system busy, interface offline, the limits, bad input.
COMMON_CODES: tuple[int, ...] = (1600000, 1600100, 1600200, 1600201, 1600300)
# ... and every interface that needs a token: wrong/expired/revoked token, no token.
TOKEN_CODES: tuple[int, ...] = (1600001, 1600002)
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"

DESCRIPTION = """\
The CJ Dropshipping API 2.0 as served by cjsim, generated from its route table.

Every answer is CJ's envelope `{code, result, message, data, requestId, success}`: `code` 200
with the `data` described per operation, or an error code (listed per operation) with
`data: null`. Business errors answer HTTP 200 like CJ; throttles answer 200 or 429 (the
profile's `throttle_status`), and an unreachable state store 503 with code 1600000.
Interfaces that need a token read it from the `CJ-Access-Token` header
(`authentication/getAccessToken` gives one). Times in parameters are `yyyy-MM-dd HH:mm:ss`
(China time); money is a JSON number in USD.
"""


def operation_id(route: Route) -> str:
    """``product/variant/queryByVid`` -> ``product_variant_queryByVid``."""
    return route.path.removeprefix(PREFIX).replace("/", "_")


def _number(value: int | Decimal) -> int | float:
    return value if isinstance(value, int) else float(value)


def field_schema(field: Field) -> Schema:
    """The JSON Schema of one Field spec: what a client should send."""
    kind = field.kind
    schema: Schema
    if kind == "str":
        schema = {"type": "string"}
        if field.max_len is not None:
            schema["maxLength"] = field.max_len
    elif kind == "int":
        schema = {"type": "integer"}
    elif kind == "decimal":
        schema = {"type": "number"}
    elif kind == "bool":
        schema = {"type": "boolean"}
    elif kind == "country":
        schema = {"type": "string", "pattern": "^[A-Za-z]{2}$",
                  "description": "ISO 3166-1 alpha-2 country code, two ASCII letters"}
    elif kind == "datetime":
        schema = {"type": "string", "pattern": DATETIME_PATTERN,
                  "description": "yyyy-MM-dd HH:mm:ss, China time (UTC+8)"}
    elif kind == "list":
        schema = {"type": "array", "items": {"type": "string"}}
    elif kind == "object":
        schema = {"type": "object"}
    elif kind == "file":
        schema = {"type": "string", "format": "binary"}
    else:  # objects
        schema = {"type": "array", "items": object_schema(field.items)}
    if kind in ("list", "objects"):
        if field.min_len is not None:
            schema["minItems"] = field.min_len
        if field.max_len is not None:
            schema["maxItems"] = field.max_len
    if field.min is not None:
        schema["minimum"] = _number(field.min)
    if field.max is not None:
        schema["maximum"] = _number(field.max)
    if field.choices is not None:
        schema["enum"] = list(field.choices)
    if field.default is not None:
        schema["default"] = field.default
    if field.doc:
        schema["description"] = field.doc
    return schema


def object_schema(fields: tuple[Field, ...]) -> Schema:
    schema: Schema = {"type": "object",
                      "properties": {f.name: field_schema(f) for f in fields}}
    required = [f.name for f in fields if f.required]
    if required:
        schema["required"] = required
    return schema


def error_codes(route: Route) -> list[int]:
    """Every code but 200 that ``route`` may answer."""
    codes = set(COMMON_CODES) | set(route.errors)
    if route.auth:
        codes |= set(TOKEN_CODES)
    return sorted(codes)


def envelope_ok(data: Schema) -> Schema:
    return {"type": "object",
            "required": ["code", "result", "message", "data", "requestId", "success"],
            "properties": {"code": {"const": 200}, "result": {"const": True},
                           "message": {"type": "string"}, "data": data,
                           "requestId": {"type": "string"}, "success": {"const": True}},
            "additionalProperties": False}


def envelope_error(codes: list[int]) -> Schema:
    return {"type": "object",
            "required": ["code", "result", "message", "data", "requestId", "success"],
            "properties": {"code": {"enum": codes}, "result": {"const": False},
                           "message": {"type": "string"}, "data": {"type": "null"},
                           "requestId": {"type": "string"}, "success": {"const": False}},
            "additionalProperties": False}


def _json(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def operation(route: Route) -> dict[str, Any]:
    codes = error_codes(route)
    op: dict[str, Any] = {
        "operationId": operation_id(route),
        "summary": route.summary,
        "tags": [route.family],
    }
    notes = []
    if route.login:
        notes.append("Counted by the per-account login limits (the profile's `login` rules).")
    notes.append("Error codes: " + ", ".join(f"{c} ({SEED_CATALOGUE[c][0]})" for c in codes) + ".")
    op["description"] = " ".join(notes)
    if route.deprecated:
        op["deprecated"] = True
    op["security"] = [{"CJAccessToken": []}] if route.auth else []
    if route.takes_query:
        params = []
        for field in route.params:
            param: dict[str, Any] = {"name": field.name, "in": "query", "required": field.required,
                                     "schema": field_schema(field)}
            if field.kind == "list":  # repeat the key, or one comma-separated value
                param["style"] = "form"
                param["explode"] = True
            params.append(param)
        if params:
            op["parameters"] = params
    else:
        body = route.request if route.request is not None else object_schema(route.params)
        content = ({"multipart/form-data": {"schema": body}} if route.body == "multipart"
                   else _json(body))
        op["requestBody"] = {"required": route.body in ("json", "multipart"), "content": content}
    ok = envelope_ok(route.data if route.data is not None else {})
    err = envelope_error(codes)
    op["responses"] = {
        "200": {"description": "CJ's envelope: success with data, or a business error",
                "content": _json({"oneOf": [ok, err]})},
        "429": {"description": "Throttled (when the profile's throttle_status is 429)",
                "content": _json(envelope_error([c for c in (1600200, 1600201) if c in codes]))},
        "503": {"description": "The simulator's state store is unreachable (System busy)",
                "content": _json(envelope_error([1600000]))},
    }
    op["x-cj-family"] = route.family
    op["x-cj-error-codes"] = codes
    return op


def document(table: RouteTable | None = None, server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``table`` (default: every simulated interface)."""
    table = table or default_table()
    paths: dict[str, Any] = {}
    families: list[str] = []
    for route in table:
        paths.setdefault(route.path, {})[route.method.lower()] = operation(route)
        if route.family not in families:
            families.append(route.family)
    doc: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "CJ Dropshipping API 2.0 (cjsim)", "version": __version__,
                 "description": DESCRIPTION},
        "servers": [{"url": server_url or "http://127.0.0.1:8080",
                     "description": "a cjsim serve (default address)"}],
        "tags": [{"name": name} for name in families],
        "paths": paths,
        "components": {"securitySchemes": {"CJAccessToken": {
            "type": "apiKey", "in": "header", "name": TOKEN_HEADER,
            "description": "the accessToken of authentication/getAccessToken"}}},
    }
    return doc


def render(table: RouteTable | None = None) -> str:
    """The document as stable, pretty JSON (what ``cjsim openapi`` prints)."""
    return json.dumps(document(table), indent=1, ensure_ascii=False) + "\n"
