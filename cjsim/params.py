"""Parameter specs for the route table, and their parsing (query strings and JSON bodies).

One spec serves three purposes: parsing, the 1600300 answers (each names the field and what
was expected), and the generated endpoint docs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from werkzeug.datastructures import MultiDict

from cjsim.clock import CHINA, parse_instant
from cjsim.errors import illegal

Kind = Literal["str", "int", "decimal", "bool", "list", "objects", "object", "datetime", "country",
               "file"]

# CJ reads numbers written in ASCII: no "1_000" (Python's int() takes it), no "٣" or "５"
_INT_RE = re.compile(r"[+-]?[0-9]{1,30}")
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})(?:[eE][+-]?[0-9]{1,4})?")
_COUNTRY_RE = re.compile(r"[A-Za-z]{2}")

# Integers a client may send: CJ is a Java service, its int parameters are Java ints (int32)
# and its epoch-millisecond ones Java longs (int64). A value beyond a field's bounds, or beyond
# int64 for a field without any, is 1600300: it never reaches a handler or the JSON encoder.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind = "str"
    required: bool = False
    min: int | Decimal | None = None
    max: int | Decimal | None = None
    max_len: int | None = None  # strings: characters; lists: items
    min_len: int | None = None  # lists: items
    choices: tuple[Any, ...] | None = None
    default: Any = None
    items: tuple[Field, ...] = field(default_factory=tuple)  # for "objects"
    doc: str = ""

    def describe(self) -> str:
        bits: list[str] = [self.kind]
        if self.required:
            bits.append("required")
        if self.min is not None or self.max is not None:
            bits.append(f"{self.min if self.min is not None else ''}..{self.max if self.max is not None else ''}")
        if self.max_len is not None:
            bits.append(f"max {self.max_len}")
        if self.choices:
            bits.append("one of " + "/".join(str(c) for c in self.choices))
        return ", ".join(bits)


def _absent(value: Any) -> bool:
    return value is None or value == ""


def _coerce(spec: Field, value: Any, where: str) -> Any:
    """One value to the spec's type, or a 1600300 naming the field."""
    name = f"{where}{spec.name}"
    kind = spec.kind
    try:
        if kind == "str":
            if not isinstance(value, str):
                raise ValueError
            out: Any = value
            if spec.max_len is not None and len(out) > spec.max_len:
                raise illegal(f"{name} is longer than {spec.max_len} characters")
        elif kind == "int":
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError
                value = int(value)
            if not isinstance(value, int):
                text = str(value).strip()
                if not _INT_RE.fullmatch(text):
                    raise ValueError
                value = int(text, 10)
            out = value
        elif kind == "decimal":
            if isinstance(value, bool) or isinstance(value, (dict, list)):
                raise ValueError
            text = str(value).strip()
            if isinstance(value, str) and not _DECIMAL_RE.fullmatch(text):
                raise ValueError
            out = Decimal(text)
            if not out.is_finite():
                raise ValueError
        elif kind == "country":  # ISO 3166 alpha-2, ASCII ("ß".upper() is "SS")
            if not isinstance(value, str) or not _COUNTRY_RE.fullmatch(value.strip()):
                raise ValueError
            out = value.strip().upper()
        elif kind == "bool":
            if isinstance(value, bool):
                out = value
            elif isinstance(value, int) and value in (0, 1):
                out = bool(value)
            elif isinstance(value, str) and value.lower() in _TRUE | _FALSE:
                out = value.lower() in _TRUE
            else:
                raise ValueError
        elif kind == "datetime":
            if not isinstance(value, str):
                raise ValueError
            try:
                naive = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
            except ValueError:
                raise ValueError from None
            out = parse_instant(naive.replace(tzinfo=CHINA))
        elif kind == "list":
            items = value if isinstance(value, list) else [value]
            out = []
            for item in items:
                if isinstance(item, (dict, list)) or isinstance(item, bool) or item is None:
                    raise ValueError
                out.extend(p.strip() for p in str(item).split(",") if p.strip())
            if spec.max_len is not None and len(out) > spec.max_len:
                raise illegal(f"{name} has more than {spec.max_len} values")
            if spec.min_len is not None and len(out) < spec.min_len:
                raise illegal(f"{name} needs at least {spec.min_len} value(s)")
        elif kind == "object":
            if not isinstance(value, dict):
                raise ValueError
            out = value
        elif kind == "file":  # a multipart file part (pipeline: UploadedFile as a dict)
            if not isinstance(value, dict) or "filename" not in value:
                raise ValueError
            out = value
            if spec.max_len is not None and value["size"] > spec.max_len:  # bytes, for a file
                raise illegal(f"{name} is larger than {spec.max_len} bytes")
        elif kind == "objects":
            if not isinstance(value, list):
                raise ValueError
            if spec.min_len is not None and len(value) < spec.min_len:
                raise illegal(f"{name} needs at least {spec.min_len} item(s)")
            if spec.max_len is not None and len(value) > spec.max_len:
                raise illegal(f"{name} has more than {spec.max_len} items")
            out = []
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    raise illegal(f"{name}[{index}] must be an object")
                out.append(parse_object(spec.items, item, f"{name}[{index}]."))
        else:  # pragma: no cover - the Kind literal is closed
            raise AssertionError(kind)
    except (ValueError, TypeError, InvalidOperation, OverflowError):
        raise illegal(f"{name} must be {_expected(spec)}, got {_show(value)}") from None
    if spec.choices is not None and out not in spec.choices:
        raise illegal(f"{name} must be one of {', '.join(map(str, spec.choices))}, got {_show(value)}")
    if spec.min is not None and out < spec.min:
        raise illegal(f"{name} must be at least {spec.min}, got {_show(value)}")
    if spec.max is not None and out > spec.max:
        raise illegal(f"{name} must be at most {spec.max}, got {_show(value)}")
    if kind == "int" and not INT64_MIN <= out <= INT64_MAX:
        raise illegal(f"{name} is out of range, got {_show(value)}")
    return out


def _expected(spec: Field) -> str:
    return {
        "str": "a string", "int": "an integer", "decimal": "a number", "bool": "true or false",
        "list": "a list of strings", "objects": "a list of objects", "object": "an object",
        "datetime": "a time as yyyy-MM-dd HH:mm:ss", "country": "a two-letter country code",
        "file": "a file part of a multipart/form-data body",
    }[spec.kind]


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_object(specs: tuple[Field, ...], source: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    """A JSON object against its spec: absent/""/null optional fields are left out."""
    out: dict[str, Any] = {}
    for spec in specs:
        value = source.get(spec.name)
        if _absent(value):
            if spec.required:
                raise illegal(f"{where}{spec.name} is required", reason="missing-param",
                              param=f"{where}{spec.name}")
            if spec.default is not None:
                out[spec.name] = spec.default
            continue
        out[spec.name] = _coerce(spec, value, where)
    return out


def parse_query(specs: tuple[Field, ...], args: Any) -> dict[str, Any]:
    """A query string (werkzeug MultiDict) against its spec; repeated keys are lists."""
    out: dict[str, Any] = {}
    # a MultiDict is a dict of lists: read them directly (its ``get`` raises and catches a
    # KeyError for every absent parameter)
    lists = args if isinstance(args, MultiDict) else None
    for spec in specs:
        value: Any
        if lists is not None:
            found = dict.get(lists, spec.name)
            if spec.kind in ("list", "objects"):
                value = ([v for v in found if v != ""] or None) if found else None
            else:
                value = found[0] if found else None
        elif spec.kind in ("list", "objects"):
            values = [v for v in args.getlist(spec.name) if v != ""]
            value = values or None
        else:
            value = args.get(spec.name)
        if value is None or value == "":  # _absent, inlined: every field of every GET
            if spec.required:
                raise illegal(f"{spec.name} is required", reason="missing-param",
                              param=spec.name)
            if spec.default is not None:
                out[spec.name] = spec.default
            continue
        out[spec.name] = _coerce(spec, value, "")
    return out


def countries(specs: tuple[Field, ...], params: Mapping[str, Any],
              where: str = "") -> Iterator[tuple[str, str]]:
    """(field, code) of every country code among parsed ``params``, nested ones named as the
    1600300 answers name them (``reqDTOS[0].destAreaCode``)."""
    for spec in specs:
        value = params.get(spec.name)
        if value is None:
            continue
        if spec.kind == "country":
            yield f"{where}{spec.name}", value
        elif spec.kind == "objects":
            for index, item in enumerate(value):
                yield from countries(spec.items, item, f"{where}{spec.name}[{index}].")
