"""The endpoint reference, rendered from the route table (``cjsim routes``).

``docs/endpoints.md`` is this output; a test keeps it in step with the table, so the list
of endpoints, their checks and their docs come from one place.
"""

from __future__ import annotations

from cjsim.routes import RouteTable, default_table

HEADER = """# Endpoints

Generated from the route table (`cjsim/routes.py` and the rows in `cjsim/api/`) by
`cjsim routes > docs/endpoints.md`; do not edit by hand. Answers follow CJ's API 2.0 shapes;
every endpoint that needs a token also answers the common codes 1600001, 1600002, 1600100,
1600200, 1600201, 1600300 and 1600000 (see the README's error table and limits).
"""


def render(table: RouteTable | None = None) -> str:
    table = table or default_table()
    lines = [HEADER]
    family = None
    for route in table:
        if route.family != family:
            family = route.family
            lines.append(f"\n## {family}\n")
        flags = []
        if not route.auth:
            flags.append("no token")
        if route.login:
            flags.append("login limits")
        if route.deprecated:
            flags.append("deprecated")
        where = "query string" if route.takes_query else "JSON body"
        lines.append(f"### `{route.method} {route.path}`\n")
        lines.append(route.summary + (f" ({', '.join(flags)})" if flags else ""))
        if route.params:
            lines.append(f"\n| parameter ({where}) | type |\n|---|---|")
            for field in route.params:
                kind = field.describe().replace("|", "\\|")
                lines.append(f"| `{field.name}` | {kind} |")
                for item in field.items:
                    lines.append(f"| `{field.name}[].{item.name}` | {item.describe().replace('|', chr(92) + '|')} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
