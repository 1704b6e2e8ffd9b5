"""The ``data`` schemas of the route table: a few JSON Schema (2020-12) builders.

Each route row declares what its success answer's ``data`` looks like (``route(...,
data=...)``); the OpenAPI document (cjsim/openapi.py) publishes them and the Schemathesis
run (tests/test_openapi_live.py) checks every live answer against them, so the declaration
cannot drift from the handlers. Objects are closed (``additionalProperties: false``) and list
every key they always carry as required: a key added to a handler must be declared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Schema = dict[str, Any]

STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}  # money is a JSON number (4.10), never a string
BOOL: Schema = {"type": "boolean"}
ANY_OBJECT: Schema = {"type": "object"}


def maybe(schema: Schema) -> Schema:
    """``schema`` or null."""
    kind = schema.get("type")
    if isinstance(kind, str) and set(schema) <= {"type", "enum"} and "enum" not in schema:
        return {"type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def arr(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(required: Mapping[str, Schema], optional: Mapping[str, Schema] | None = None) -> Schema:
    """A closed object: every ``required`` key always present, ``optional`` keys sometimes."""
    properties = {**required, **(optional or {})}
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": False}


def one_of(*values: Any) -> Schema:
    return {"enum": list(values)}
