"""The route table of the CJ API: path -> method, auth, parameters, handler.

The dispatcher, the 1600101/1600300 checks, the endpoint list of the control API and the
generated docs all read this one table. A new endpoint is a row here plus a handler in
``cjsim/api/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from cjsim.params import Field
from cjsim.shapes import Schema

if TYPE_CHECKING:
    from cjsim.call import Call

PREFIX = "/api2.0/v1/"

Handler = Callable[["Call"], Any]
SubjectFn = Callable[["Call"], "str | None"]
BodyMode = Literal["query", "json", "json_or_empty", "multipart"]


@dataclass(frozen=True)
class Route:
    path: str  # full path, e.g. /api2.0/v1/product/query
    method: str
    handler: Handler
    params: tuple[Field, ...] = ()
    auth: bool = True
    login: bool = False
    # login interfaces: which account the call is about (for the per-account login limits)
    subject: SubjectFn | None = None
    family: str = ""
    summary: str = ""
    deprecated: bool = False
    body: BodyMode = "json"
    # the JSON Schema of a success answer's ``data`` (cjsim/shapes.py); the OpenAPI document
    # publishes it and tests/test_openapi_live.py holds the live answers to it
    data: Schema | None = field(default=None, hash=False)
    # the JSON body's schema when the Field specs cannot say it (getAccessToken's three forms)
    request: Schema | None = field(default=None, hash=False)
    # the codes this interface answers besides the common ones (cjsim/openapi.py COMMON_*)
    errors: tuple[int, ...] = ()
    # namespaces of the documents, keyed by the caller's openId, that the handler reads
    # (through ``call.read``): the request reads them with its opening, in the same round trip
    account_docs: tuple[str, ...] = ()
    # namespaces the handler reads whole (through ``call.read_all``), read with the opening too;
    # a handler may say it itself (a ``spaces`` attribute, e.g. the catalogue views)
    spaces: tuple[str, ...] = ()

    @property
    def takes_query(self) -> bool:
        return self.method in ("GET", "DELETE")


@dataclass
class RouteTable:
    routes: dict[str, Route] = field(default_factory=dict)
    # paths CJ documents that are not simulated -> why (cjsim/api/not_simulated.py): they
    # answer 1600100, not 1600101
    not_simulated: dict[str, str] = field(default_factory=dict)

    def add(self, route: Route) -> None:
        if route.path in self.routes:
            raise ValueError(f"route {route.path} defined twice")
        self.routes[route.path] = route

    def get(self, path: str) -> Route | None:
        return self.routes.get(path)

    def __iter__(self) -> Any:
        return iter(self.routes.values())

    def __len__(self) -> int:
        return len(self.routes)

    def paths(self) -> list[str]:
        return list(self.routes)

    def describe(self) -> list[dict[str, Any]]:
        return [
            {"path": r.path, "method": r.method, "auth": r.auth, "login": r.login,
             "family": r.family, "summary": r.summary, "deprecated": r.deprecated,
             "params": [{"name": f.name, "type": f.describe()} for f in r.params]}
            for r in self.routes.values()
        ]


def route(path: str, method: str, handler: Handler, *params: Field, **options: Any) -> Route:
    """A row of the table; ``path`` relative to ``/api2.0/v1/``."""
    options.setdefault("spaces", tuple(getattr(handler, "spaces", ())))
    if "body" not in options:
        options["body"] = "query" if method in ("GET", "DELETE") else "json"
    return Route(path=PREFIX + path, method=method, handler=handler, params=tuple(params),
                 **options)


def build_table(rows: Iterable[Route]) -> RouteTable:
    table = RouteTable()
    for row in rows:
        table.add(row)
    return table


def default_table() -> RouteTable:
    """Every endpoint the simulator serves (docs/endpoints.md)."""
    from cjsim.api import ROWS
    from cjsim.api.not_simulated import NOT_SIMULATED

    table = build_table(ROWS)
    table.not_simulated = {path: why for path, why in NOT_SIMULATED.items()
                           if path not in table.routes}
    return table
