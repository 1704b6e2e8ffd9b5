"""``cjsim record``: pin a shop's real products from a CJ API into a catalogue file.

The file is the pinned-catalogue format (``cjsim serve --catalog FILE``,
``Simulator(catalog=FILE)``) plus a ``recording`` section: what was asked for, which pids are
still to fetch, and optional freight quotes (reference only: the simulator prices freight from
its own tables). It is rewritten atomically after every product, so an interrupted run loses
nothing and a second run with the same ``--out`` continues where the first stopped.

The recorder keeps CJ's rules: one login per run and one token, requests paced to the
account's level (1/second unless told ``--level``), and a clean stop on a throttle or quota
answer. Neither the API key nor a token is ever written to the file. Pacing goes through an
injectable ``sleep``/``monotonic`` pair so tests can drive it from a simulated clock.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import requests

from cjsim.call import TOKEN_HEADER
from cjsim.clock import CHINA, US, parse_instant
from cjsim.domain.catalogue import WAREHOUSES, BaseStock, Catalogue, Category, Product, Variant
from cjsim.money import money
from cjsim.profiles.legacy import LEVEL_QPS

API = "/api2.0/v1/"
STOP_CODES = {1600200: "too many requests", 1600201: "quota used up",
              16900500: "request limit reached"}
PACE_MARGIN_S = 0.1  # seconds; arrival jitter on a loaded host or network
DEFAULT_MAX = 50  # also in cjsim/record_cli.py (the help text)
PAGE_SIZE = 100  # product/listV2 allows up to 100
OLDEST_US = 1_672_502_400 * US  # 2023-01-01 (China): creation time CJ did not give
_CATEGORY_NS = uuid.UUID("6f1d8a52-3c1e-4b7a-9a53-2f0c7c5e1d11")


class Stop(Exception):
    """The run ends early; what was recorded stays in the file and a rerun continues."""


class RecordError(Exception):
    """Bad arguments or an unusable --out file (nothing fetched, nothing written)."""


@dataclass
class Selection:
    pids: tuple[str, ...] = ()
    category: str | None = None
    keyword: str | None = None
    max: int = DEFAULT_MAX

    def as_json(self) -> dict[str, Any]:
        return {"pids": list(self.pids), "category": self.category, "keyword": self.keyword,
                "max": self.max}


def api_root(url: str) -> str:
    """``http://host:port`` or ``.../api2.0/v1`` -> ``http://host:port/api2.0/v1/``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RecordError(f"--upstream {url!r}: give an http(s) URL, e.g. http://127.0.0.1:8080")
    path = parts.path.rstrip("/")
    if not path.endswith(API.rstrip("/")):
        path += API.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


def public_url(url: str) -> str:
    """The URL as written into the file: no user:password, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class Progress:
    """A bar on a terminal, one plain line per product otherwise."""

    def __init__(self, stream: IO[str], total: int) -> None:
        self.stream = stream
        self.total = total
        self.tty = stream.isatty()

    def step(self, done: int, label: str) -> None:
        if self.tty:
            width = 30
            filled = width * done // max(self.total, 1)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} "
                              f"{label[:40]:<40}")
        else:
            self.stream.write(f"record: {done}/{self.total} {label}\n")
        self.stream.flush()

    def end(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class Recorder:
    upstream: str
    email: str
    api_key: str
    out: Path
    selection: Selection
    level: int | None = None
    freight_to: str | None = None
    # real time by default; tests inject a pair that moves a simulated clock
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    stream: IO[str] = field(default_factory=lambda: sys.stderr)
    session: requests.Session = field(default_factory=requests.Session)
    token: str | None = field(default=None, init=False)
    calls: int = field(default=0, init=False)
    _last: float | None = field(default=None, init=False)

    # -- HTTP, paced --------------------------------------------------------------------------

    @property
    def interval(self) -> float:
        """Seconds between two requests: the level's QPS (1/s when the level is not given),
        plus a margin: requests leave on time but can arrive closer together than sent."""
        return 1.0 / LEVEL_QPS.get(self.level if self.level is not None else 0, 1) + PACE_MARGIN_S

    def _pace(self) -> None:
        if self._last is not None:
            wait = self._last + self.interval - self.monotonic()
            if wait > 0:
                self.sleep(wait)
        self._last = self.monotonic()

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             body: Mapping[str, Any] | None = None, auth: bool = True) -> Any:
        self._pace()
        headers = {TOKEN_HEADER: self.token or ""} if auth else {}
        self.calls += 1
        try:
            response = self.session.request(method, api_root(self.upstream) + path, params=params,
                                            json=body, headers=headers, timeout=30)
            envelope = response.json()
        except requests.RequestException as exc:
            raise Stop(f"upstream unreachable on {path}: {type(exc).__name__}") from None
        except ValueError:
            raise Stop(f"upstream answered {path} with HTTP {response.status_code} and no JSON") from None
        code = envelope.get("code") if isinstance(envelope, dict) else None
        if code == 200:
            return envelope.get("data")
        message = envelope.get("message") if isinstance(envelope, dict) else None
        if code in STOP_CODES:
            raise Stop(f"upstream answered {code} ({STOP_CODES[code]}) on {path}: {message}")
        raise UpstreamError(int(code) if isinstance(code, int) else 0, f"{path}: {code} {message}")

    def login(self) -> None:
        try:
            data = self.call("POST", "authentication/getAccessToken",
                             body={"email": self.email, "apiKey": self.api_key}, auth=False)
        except UpstreamError as exc:
            raise Stop(f"login failed: {exc.detail}") from None
        self.token = str(data["accessToken"])

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Record (or continue recording); returns the written document. Raises Stop."""
        doc = self._resume()
        state: dict[str, Any] = doc["recording"]
        products = {p.pid: p for p in Catalogue.from_dict(doc).products}
        if state.get("complete"):
            return doc  # nothing left: not even a login

        def save() -> dict[str, Any]:
            written = self._document(state, list(products.values()))
            self._write(written)
            return written

        self.login()
        if not state["categoriesDone"]:
            state["tree"] = self.call("GET", "product/getCategory")
            state["categoriesDone"] = True
            save()
        if state["pending"] is None:
            state["pending"], state["listed"] = self._select()
            save()
        total = len(products) + len(state["pending"])
        progress = Progress(self.stream, total)
        try:
            while state["pending"]:
                pid = state["pending"][0]
                try:
                    product: Product | None = self._product(pid, state)
                except UpstreamError as exc:
                    if exc.code not in (1602000, 1602001):
                        raise Stop(f"upstream error {exc.detail}") from None
                    state.setdefault("skipped", {})[pid] = exc.detail
                    product = None
                if product is not None and not product.variants:
                    state.setdefault("skipped", {})[pid] = "no variants"
                    product = None
                if product is not None:
                    products[product.pid] = product
                state["pending"].pop(0)
                save()
                progress.step(total - len(state["pending"]), pid)
        finally:
            progress.end()
        state["complete"] = True
        return save()

    def _resume(self) -> dict[str, Any]:
        fresh = {"upstream": public_url(api_root(self.upstream)), "selection": self.selection.as_json(),
                 "categoriesDone": False, "tree": [], "pending": None, "listed": {}, "freight": {},
                 "freightTo": self.freight_to, "complete": False}
        if not self.out.exists():
            return self._document(fresh, [])
        try:
            doc = json.loads(self.out.read_text(encoding="utf-8"))
            Catalogue.from_dict(doc)
        except (OSError, ValueError) as exc:
            raise RecordError(f"--out {self.out}: not a recording to continue ({exc})") from None
        state = doc.get("recording")
        if not isinstance(state, dict):
            raise RecordError(f"--out {self.out}: a catalogue, but not one cjsim record wrote")
        if state.get("selection") != self.selection.as_json():
            raise RecordError(f"--out {self.out} was recorded with {state.get('selection')}; "
                              "continue it with the same --pids/--category/--keyword/--max")
        if state.get("freightTo") != self.freight_to:
            raise RecordError(f"--freight: {self.out} was recorded with --freight "
                              f"{state.get('freightTo')}")
        return doc  # type: ignore[no-any-return]

    def _select(self) -> tuple[list[str], dict[str, Any]]:
        sel = self.selection
        if sel.pids:
            return list(dict.fromkeys(sel.pids))[:sel.max], {}
        pids: list[str] = []
        listed: dict[str, Any] = {}
        page = 1
        while len(pids) < sel.max:
            params: dict[str, Any] = {"page": page, "size": min(PAGE_SIZE, sel.max)}
            if sel.category:
                params["categoryId"] = sel.category
            if sel.keyword:
                params["keyWord"] = sel.keyword
            data = self.call("GET", "product/listV2", params=params)
            items = [i for block in data.get("content") or [] for i in block.get("productList") or []]
            for item in items:
                if item["id"] not in listed and len(pids) < sel.max:
                    pids.append(item["id"])
                    listed[item["id"]] = {"addMarkStatus": item.get("addMarkStatus"),
                                          "deliveryCycle": item.get("deliveryCycle")}
            if not items or page >= int(data.get("totalPages") or 0):
                break
            page += 1
        return pids, listed

    def _product(self, pid: str, state: dict[str, Any]) -> Product:
        data = self.call("GET", "product/query",
                         params={"pid": pid, "features": ["enable_inventory", "enable_video"]})
        variants = []
        for v in data["variants"]:
            rows = v.get("inventories")
            if rows is None:
                rows = [{"countryCode": r["countryCode"], "cjInventory": r.get("cjInventoryNum", 0),
                         "factoryInventory": r.get("factoryInventoryNum", 0)}
                        for r in self.call("GET", "product/stock/queryByVid", params={"vid": v["vid"]})]
            variants.append(_variant(v, rows))
        if self.freight_to and variants:
            start = next((s.country for s in variants[0].stock if s.cj + s.factory > 0), "CN")
            entry: dict[str, Any] = {"from": start, "to": self.freight_to, "vid": variants[0].vid}
            try:
                entry["quotes"] = self.call("POST", "logistic/freightCalculate", body={
                    "startCountryCode": start, "endCountryCode": self.freight_to,
                    "products": [{"vid": variants[0].vid, "quantity": 1}]})
            except UpstreamError as exc:  # no line on that route: noted, the product is kept
                entry["error"] = exc.detail
            state["freight"][pid] = entry
        return _product(data, variants, state["listed"].get(pid, {}))

    # -- the file -----------------------------------------------------------------------------

    def _document(self, state: dict[str, Any], products: Sequence[Product]) -> dict[str, Any]:
        categories = _categories(state.get("tree") or [], products, state)
        doc = Catalogue(categories, products).to_dict()
        doc["recording"] = state
        return doc

    def _write(self, doc: dict[str, Any]) -> None:
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        tmp = self.out.with_name(self.out.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.out)


class UpstreamError(Exception):
    def __init__(self, code: int, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


# -- CJ answers -> the catalogue's model ----------------------------------------------------


def _first_number(value: Any, default: float = 0.0) -> float:
    """``"120.0"``, ``120``, or CJ's ranges ``"120.0-150.0"`` -> the first number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value.strip():
        try:
            return float(value.split("-")[0])
        except ValueError:
            return default
    return default


def _strings(value: Any) -> tuple[str, ...]:
    """CJ's JSON-in-a-string arrays (``"[\\"PLASTIC\\"]"``), plain lists, or one string."""
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, str) and value.strip():
        try:
            parsed = json.loads(value)
        except ValueError:
            return (value,)
        if isinstance(parsed, list):
            return tuple(str(v) for v in parsed)
        return (value,)
    return ()


def _instant(value: Any) -> int:
    """ISO with offset, ``yyyy-MM-dd HH:mm:ss`` (China time) or epoch ms -> epoch µs."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return int(value) * 1000
    if isinstance(value, str) and value.strip():
        try:
            return parse_instant(value)
        except ValueError:
            pass
        try:
            return parse_instant(datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA))
        except ValueError:
            pass
    return OLDEST_US


def _variant(v: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> Variant:
    stock = tuple(BaseStock(country=str(r["countryCode"]).upper(), cj=int(r.get("cjInventory") or 0),
                            factory=int(r.get("factoryInventory") or 0))
                  for r in rows if str(r.get("countryCode", "")).upper() in WAREHOUSES)
    return Variant(
        vid=str(v["vid"]), pid=str(v["pid"]), sku=str(v["variantSku"]),
        key=str(v.get("variantKey") or ""), name_en=str(v.get("variantNameEn") or v["variantSku"]),
        name=v.get("variantName"), image=str(v.get("variantImage") or ""),
        length=int(_first_number(v.get("variantLength"))),
        width=int(_first_number(v.get("variantWidth"))),
        height=int(_first_number(v.get("variantHeight"))),
        weight=round(_first_number(v.get("variantWeight"))),
        price=money(str(v.get("variantSellPrice") or 0)),
        sug_price=money(str(v.get("variantSugSellPrice") or 0)),
        create_us=_instant(v.get("createTime")), stock=stock)


def _product(p: Mapping[str, Any], variants: Sequence[Variant], listed: Mapping[str, Any]) -> Product:
    images = tuple(p.get("productImageSet") or ()) or (str(p.get("productImage") or p.get("bigImage") or ""),)
    key_en = tuple(k for k in str(p.get("productKeyEn") or "").split("-") if k)
    return Product(
        pid=str(p["pid"]), alias=_alias(str(p["pid"])), sku=str(p["productSku"]),
        name_en=str(p.get("productNameEn") or p["productSku"]),
        local_names=_strings(p.get("productName")), category_id=str(p.get("categoryId") or ""),
        images=images, weight=round(_first_number(p.get("productWeight"))),
        packing_weight=round(_first_number(p.get("packingWeight"))),
        product_type=str(p.get("productType") or "ORDINARY_PRODUCT"),
        unit=str(p.get("productUnit") or ""), free_shipping=bool(listed.get("addMarkStatus")),
        listed_num=int(p.get("listedNum") or 0), create_us=_instant(p.get("createrTime")),
        description=str(p.get("description") or ""), online=True, key_en=key_en,
        key_zh=_strings(p.get("productKey")), entry_code=str(p.get("entryCode") or ""),
        entry_name=str(p.get("entryName") or ""), entry_name_en=str(p.get("entryNameEn") or ""),
        material_zh=_strings(p.get("materialName")), material_en=_strings(p.get("materialNameEn")),
        material_key=_strings(p.get("materialKey")), packing_zh=_strings(p.get("packingName")),
        packing_en=_strings(p.get("packingNameEn")), packing_key=_strings(p.get("packingKey")),
        pro_zh=_strings(p.get("productProSet")), pro_en=_strings(p.get("productProEnSet")),
        sug_price=money(str(p.get("productSugSellPrice") or 0)),
        is_video=bool(p.get("productVideo")), supplier_name=str(p.get("supplierName") or ""),
        supplier_id=str(p.get("supplierId") or ""),
        delivery_cycle=str(listed.get("deliveryCycle") or ""), variants=tuple(variants))


def _alias(pid: str) -> str:
    """CJ's 19-digit numeric product id is not in its answers: one derived from the pid."""
    return str(uuid.uuid5(_CATEGORY_NS, "alias:" + pid).int % 10**19).zfill(19)


def _category_id(*names: str) -> str:
    """Level-1/2 ids (CJ's tree names them but gives ids on level 3 only): stable per name."""
    return str(uuid.uuid5(_CATEGORY_NS, "/".join(names))).upper()


def _categories(tree: Sequence[Mapping[str, Any]], products: Sequence[Product],
                state: Mapping[str, Any]) -> list[Category]:
    out: list[Category] = []
    known: set[str] = set()
    for first in tree:
        one = str(first.get("categoryFirstName") or "")
        one_id = _category_id(one)
        out.append(Category(one_id, one, 1, None))
        for second in first.get("categoryFirstList") or []:
            two = str(second.get("categorySecondName") or "")
            two_id = _category_id(one, two)
            out.append(Category(two_id, two, 2, one_id))
            for third in second.get("categorySecondList") or []:
                cid = str(third["categoryId"])
                if cid.upper() not in known:
                    known.add(cid.upper())
                    out.append(Category(cid, str(third.get("categoryName") or cid), 3, two_id))
    # a product whose category is not in the tree: a "Recorded" branch keeps it loadable
    missing = [p for p in products if p.category_id.upper() not in known]
    if missing:
        one_id, two_id = _category_id("Recorded"), _category_id("Recorded", "Other")
        out += [Category(one_id, "Recorded", 1, None), Category(two_id, "Other", 2, one_id)]
        for p in missing:
            if p.category_id.upper() not in known:
                known.add(p.category_id.upper())
                out.append(Category(p.category_id, p.category_id, 3, two_id))
    return out
