"""``flask cors routes`` and ``flask cors check``: the effective policies, explained.

Part of the Flask edge. Registered with Flask's CLI through the
``flask.commands`` entry point, so every app has it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ._browser import cors_check, needs_preflight, preflight_check
from ._decision import Decision
from ._evaluate import decide
from ._extension import AppCors, policy_layers, _cors_view_for
from ._policy import DEFAULTS, CorsPolicy
from ._request import CorsRequest

_SHOWN = ("origins", "methods", "supports_credentials", "max_age", "allow_private_network")
_HEADINGS = ("Endpoint", "Methods", "Rule", "Origins", "CORS methods", "Credentials", "Max-Age", "Private network")


@click.group("cors")
def cors_group() -> None:
    """Show and check the app's CORS policies."""


def _value(name: str, value: object) -> str:
    if name in ("origins", "methods") and isinstance(value, frozenset):
        return ", ".join(sorted(str(getattr(v, "pattern", v)) for v in value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "-" if value is None else str(value)


def describe(layers: Sequence[tuple[str, CorsPolicy]]) -> list[str]:
    """The shown settings of a layered policy, each with where it came from."""
    cells = []
    for name in _SHOWN:
        source, value = "default", DEFAULTS[name]
        for where, layer in layers:
            if name in layer.specified():
                source, value = where, layer.specified()[name]
        cells.append(f"{_value(name, value)} [{source}]")
    return cells


def _blueprints(endpoint: str) -> list[str]:
    parts = endpoint.split(".")[:-1]
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def route_rows(app: Flask) -> list[list[str]]:
    """One row per route (per method where a view class's methods differ)."""
    state: AppCors | None = app.extensions.get("cors")
    rows = []
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        methods = sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"})
        found = None if state is None else state.rule_for(url_rule.rule, _blueprints(url_rule.endpoint))
        by_policy: dict[tuple[tuple[str, CorsPolicy], ...], list[str]] = {}
        for method in methods:
            function = app.view_functions.get(url_rule.endpoint)
            view = _cors_view_for(function, method.lower())
            layers: tuple[tuple[str, CorsPolicy], ...] = found[0].layers if found else ()
            if view is not None:
                layers = (*layers, ("@cross_origin", view.cors_policy.policy))
            by_policy.setdefault(layers, []).append(method)
        for layers, group in by_policy.items():
            head = [url_rule.endpoint, ", ".join(group), url_rule.rule]
            rows.append(head + (describe(layers) if layers else ["no CORS"]))
    return rows


def _table(rows: Iterable[Sequence[str]]) -> str:
    rows = [list(_HEADINGS), *rows]
    widths = [max(len(row[i]) for row in rows if len(row) > i) for i in range(len(_HEADINGS))]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


@cors_group.command("routes")
@with_appcontext
def routes_command() -> None:
    """One row per route: its CORS policy, and where each setting came from."""
    click.echo(_table(route_rows(current_app)))


def _show(title: str, headers: Mapping[str, str]) -> None:
    click.echo(title)
    for name, value in headers.items():
        click.echo(f"  {name}: {value}")
    if not headers:
        click.echo("  (no CORS headers)")


def _verdict(failure: str | None, decision: Decision) -> bool:
    if failure is None:
        return True
    click.echo(f"  Refused by the browser: {failure}.")
    if not decision.allowed and decision.kind != "none":
        click.echo(f"  Why: {decision.reason}.")
    return False


@cors_group.command("check")
@click.argument("path")
@click.option("--origin", required=True, help="The page's origin, e.g. https://app.example.com.")
@click.option("--method", default="GET", show_default=True, help="The method the page uses.")
@click.option("--header", "headers", multiple=True, help="A header the page sets (repeatable).")
@click.option("--credentials", is_flag=True, help="The page sends cookies (credentials: 'include').")
@with_appcontext
def check_command(path: str, origin: str, method: str, headers: tuple[str, ...], credentials: bool) -> None:
    """Simulate a browser's cross-origin call to PATH, without running any view.

    Exit status 0 when the browser would allow it, 1 when it would refuse it.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    method = method.upper() if method.upper() in {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"} else method
    with app.test_request_context(path, method=method, headers={"Origin": origin}) as context:
        found = policy_layers(app, context.request)
        error = context.request.routing_exception
    if found is None:
        answer = f" is answered {getattr(error, 'code', '')} {getattr(error, 'name', '')}," if error else ":"
        status = f"{method} {path}{answer} n"
        click.echo(f"{status}o CORS policy covers it, so the browser refuses to let the page read it.")
        sys.exit(1)
    policy, layers = found
    click.echo(f"Policy for {method} {path}:")
    for heading, cell in zip(_HEADINGS[3:], describe(layers)):
        click.echo(f"  {heading}: {cell}")
    names = sorted({h.lower() for h in headers})
    ok = True
    if needs_preflight(method, names):
        asked = CorsRequest(
            method="OPTIONS", origin=origin, request_method=method, request_headers=",".join(names) or None
        )
        decision = decide(policy, asked)
        _show("Preflight (OPTIONS) response headers:", decision.headers)
        ok = _verdict(preflight_check(decision.headers, 200, origin, method, names, credentials), decision)
    if ok:
        decision = decide(policy, CorsRequest(method=method, origin=origin))
        _show(f"{method} response headers:", decision.headers)
        ok = _verdict(cors_check(decision.headers, origin, credentials), decision)
    click.echo("Allowed: the page can read the response." if ok else "Refused.")
    sys.exit(0 if ok else 1)



