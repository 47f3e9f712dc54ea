"""``flask cors routes`` and ``flask cors check``: the effective policies, explained.

Part of the Flask edge. Registered with Flask's CLI through the
``flask.commands`` entry point, so every app has it.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Iterator, Mapping, Sequence

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ._browser import cors_check, needs_preflight, preflight_check
from ._decision import Decision
from ._evaluate import decide
from ._extension import AppCors, _cors_view_for, policy_layers
from ._flask import app_config
from ._policy import DEFAULTS, CorsPolicy
from ._request import CorsRequest

Layers = tuple[tuple[str, CorsPolicy], ...]

WIDTH = 100
"""The widest line ``flask cors routes`` prints."""
# Always shown: what decides whether a call is allowed, and what it can read.
_ALWAYS = (
    "origins",
    "methods",
    "allow_headers",
    "expose_headers",
    "supports_credentials",
    "max_age",
    "allow_private_network",
)
# Shown only when a layer sets them.
_WHEN_SET = ("write_protection", "send_wildcard", "vary_header", "automatic_options", "always_send")
_NAME_WIDTH = max(len(name) for name in (*_ALWAYS, *_WHEN_SET))
_INDENT = "  "
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_UNCERTAIN = 3
"""Exit status of ``check`` when flask-cors, not this library, answers the request."""
MIGRATING = "see 'Migrating from flask-cors' in the docs"


@click.group("cors")
def cors_group() -> None:
    """Show and check the app's CORS policies."""


def _value(value: object) -> str:
    if isinstance(value, frozenset):
        if not value:
            return "-"
        return ", ".join(sorted(str(getattr(v, "pattern", v)) for v in value))
    return "-" if value is None else str(value)


def settings(layers: Layers) -> list[tuple[str, str, str]]:
    """The settings of a layered policy worth showing: name, value and the layer it came from."""
    rows = []
    for name in (*_ALWAYS, *_WHEN_SET):
        source, value = "default", DEFAULTS[name]
        for where, layer in layers:
            if name in layer.specified():
                source, value = where, layer.specified()[name]
        if name in _ALWAYS or source != "default":
            rows.append((name, _value(value), source))
    return rows


def _source(layers: Layers, name: str) -> str:
    return next((row[2] for row in settings(layers) if row[0] == name), "default")


def setting_lines(layers: Layers, indent: str = _INDENT) -> list[str]:
    """One setting a line, ``name  value  [layer]``, the value wrapped to fit WIDTH columns."""
    lines = []
    for name, value, source in settings(layers):
        head = f"{indent}{name.ljust(_NAME_WIDTH)}  "
        hanging = " " * len(head)
        wrapped = textwrap.wrap(
            value,
            width=WIDTH,
            initial_indent=head,
            subsequent_indent=hanging,
            break_long_words=False,
            break_on_hyphens=False,
        )
        tag = f"[{source}]"
        if len(wrapped[-1]) + 2 + len(tag) <= WIDTH:
            wrapped[-1] += f"  {tag}"
        else:
            wrapped.append(hanging + tag)
        lines.extend(wrapped)
    return lines


# --- flask-cors, when the app still uses it ----------------------------------


def _from_flask_cors(function: object) -> bool:
    """Tell whether a function, or one it wraps, was made by flask-cors."""
    seen = 0
    while function is not None and seen < 20:
        module = getattr(function, "__globals__", {}).get("__name__", "")
        if isinstance(module, str) and module.split(".")[0] == "flask_cors":
            return True
        function = getattr(function, "__wrapped__", None)
        seen += 1
    return False


def flask_cors_hooks(app: Flask) -> list[str]:
    """Where flask-cors's extension is installed: ``"app"`` and blueprint names."""
    return [
        "app" if scope is None else f"blueprint {scope!r}"
        for scope, functions in app.after_request_funcs.items()
        if any(_from_flask_cors(function) for function in functions)
    ]


def flask_cors_view(app: Flask, endpoint: str, method: str) -> bool:
    """Tell whether flask-cors's ``cross_origin`` decorates the view serving a method."""
    function = app.view_functions.get(endpoint)
    view_class = getattr(function, "view_class", None)
    if view_class is not None:
        function = getattr(view_class, method.lower(), None)
    return _from_flask_cors(function)


def _flask_cors_note(app: Flask) -> str | None:
    hooks = flask_cors_hooks(app)
    decorated = any(
        flask_cors_view(app, rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
    )
    if not hooks and not decorated:
        return None
    parts = ([f"its CORS extension (on the {', '.join(hooks)})"] if hooks else []) + (
        ["its @cross_origin decorator"] if decorated else []
    )
    return (
        f"This app still uses flask-cors: {' and '.join(parts)}. These commands explain "
        "the policies of `cors` only; the headers flask-cors adds are not shown. To move "
        f"a route over, import CORS and cross_origin from cors instead ({MIGRATING})."
    )


def _flask_cors_covers(app: Flask, endpoint: str, blueprints: Sequence[str], method: str) -> str | None:
    if flask_cors_view(app, endpoint, method):
        return "flask-cors's @cross_origin"
    hooks = flask_cors_hooks(app)
    if "app" in hooks or any(f"blueprint {name!r}" in hooks for name in blueprints):
        return "flask-cors's CORS extension"
    return None


# --- flask cors routes --------------------------------------------------------


def _blueprints(endpoint: str) -> list[str]:
    parts = endpoint.split(".")[:-1]
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def route_groups(app: Flask) -> Iterator[tuple[str, str, list[str], Layers]]:
    """Each route as (rule, endpoint, methods, layers), split by method where a view class's policies differ."""
    state: AppCors | None = app.extensions.get("cors")
    if not isinstance(state, AppCors):  # flask-cors does not register itself, but be sure
        state = None
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        methods = sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"})
        found = None if state is None else state.rule_for(url_rule.rule, _blueprints(url_rule.endpoint))
        by_policy: dict[Layers, list[str]] = {}
        for method in methods:
            view = _cors_view_for(app.view_functions.get(url_rule.endpoint), method.lower())
            # A decorated view's policy replaces the path rule's, over app.config.
            layers: Layers = found[0].layers if found else ()
            if view is not None:
                layers = (("app.config", app_config(app).policy), ("@cross_origin", view.cors_policy.policy))
            by_policy.setdefault(layers, []).append(method)
        for layers, group in by_policy.items():
            yield url_rule.rule, url_rule.endpoint, group, layers


def routes_text(app: Flask) -> str:
    """What ``flask cors routes`` prints for an app."""
    blocks = []
    note = _flask_cors_note(app)
    if note is not None:
        blocks.append(textwrap.fill(note, WIDTH))
    for rule, endpoint, methods, layers in route_groups(app):
        head = f"{rule}  {', '.join(methods)}  ({endpoint})"
        if layers:
            blocks.append("\n".join([head, *setting_lines(layers)]))
            continue
        other = _flask_cors_covers(app, endpoint, _blueprints(endpoint), methods[0] if methods else "GET")
        if other is not None:
            blocks.append(f"{head}\n{_INDENT}CORS by {other}, not shown")
        else:
            blocks.append(f"{head}\n{_INDENT}no CORS: a browser lets no other origin read it")
    return "\n\n".join(blocks)


@cors_group.command("routes")
@with_appcontext
def routes_command() -> None:
    """Each route with its CORS policy, and where each setting came from."""
    click.echo(routes_text(current_app))


# --- flask cors check ---------------------------------------------------------


def _show(title: str, headers: Mapping[str, str]) -> None:
    lines = [f"  {name}: {value}" for name, value in headers.items()] or ["  (no CORS headers)"]
    click.echo("\n".join([title, *lines]))


def _credentials_fix(layers: Layers) -> str:
    source = _source(layers, "supports_credentials")
    return f"supports_credentials is False [{source}]: set it to True, with a list of origins"


def _verdict(failure: str | None, decision: Decision, layers: Layers, checks: Sequence[str] = ()) -> bool:
    if failure is None:
        return True
    click.echo(f"  Refused by the browser: {failure}.")
    if not decision.allowed and decision.refused_by == "origin" and checks:
        # The function was asked (and any failure of it logged): name it, not only the list.
        names = " or ".join(checks)
        click.echo(f"  Why: origin not allowed: {names} did not allow it, nor does any other origin in origins.")
    elif not decision.allowed:
        click.echo(f"  Why: {decision.reason}.")
    elif "Access-Control-Allow-Credentials" in failure:
        click.echo(f"  Why: {_credentials_fix(layers)}.")
    else:  # the answer is "*", which a call with credentials cannot use
        source = _source(layers, "send_wildcard")
        click.echo(
            f"  Why: send_wildcard is True [{source}], and '*' cannot carry credentials: set it to False, "
            "and supports_credentials to True with a list of origins."
        )
    return False


def header_name(value: str) -> str:
    """The name of a ``--header`` argument: ``Authorization`` or curl's ``Authorization: Bearer x``."""
    name = value.split(":", 1)[0].strip()
    if not _TOKEN.match(name):
        raise click.BadParameter(
            f"{value!r} is not a header name; write a name (Authorization) or curl's name: value form "
            "('Authorization: Bearer x')",
            param_hint="'--header'",
        )
    return name.lower()


def _header_names(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    return sorted({header_name(value) for value in values})


@cors_group.command("check")
@click.argument("path")
@click.option("--origin", required=True, help="The page's origin, e.g. https://app.example.com.")
@click.option("--method", "-X", default="GET", show_default=True, help="The method the page uses.")
@click.option(
    "--header",
    "-H",
    "headers",
    multiple=True,
    callback=_header_names,
    help="A header the page sets: a name, or name: value as for curl (repeatable).",
)
@click.option("--credentials", is_flag=True, help="The page sends cookies (credentials: 'include').")
@with_appcontext
def check_command(path: str, origin: str, method: str, headers: list[str], credentials: bool) -> None:
    """Simulate a browser's cross-origin call to PATH, without running any view.

    A function in origins is asked, as a request would ask it.

    Exit status 0 when the browser would allow it, 1 when it would refuse it,
    3 when flask-cors, not cors, answers it.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    # fetch() upper-cases these six only; any other method is sent as written.
    method = method.upper() if method.upper() in {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"} else method
    with app.test_request_context(path, method=method, headers={"Origin": origin}) as context:
        found = policy_layers(app, context.request)
        error = context.request.routing_exception
        endpoint = context.request.endpoint
        blueprints = list(context.request.blueprints)
    other = None if endpoint is None else _flask_cors_covers(app, endpoint, blueprints, method)
    if found is None and other is not None:
        click.echo(f"{method} {path}: CORS by {other}, which `flask cors check` cannot simulate.")
        click.echo(f"Import cross_origin and CORS from cors to check it here ({MIGRATING}).")
        sys.exit(_UNCERTAIN)
    if found is None:
        answer = f" is answered {getattr(error, 'code', '')} {getattr(error, 'name', '')}," if error else ":"
        click.echo(f"{method} {path}{answer} no CORS policy covers it, so the browser refuses to let the page read it.")
        sys.exit(1)
    policy, layers = found
    checks = [answers.name for answers in policy.match_origin.checks]
    click.echo(f"Policy for {method} {path}:")
    for line in setting_lines(layers):
        click.echo(line)
    if other is not None:
        click.echo(f"  (flask-cors is also installed on this route: its headers are not shown; {MIGRATING})")
    ok = True
    if needs_preflight(method, headers):
        asked = CorsRequest(
            method="OPTIONS", origin=origin, request_method=method, request_headers=",".join(headers) or None
        )
        decision = decide(policy, asked)
        _show("Preflight (OPTIONS) response headers:", decision.headers)
        ok = _verdict(
            preflight_check(decision.headers, 200, origin, method, headers, credentials), decision, layers, checks
        )
    # A browser's cross-origin call says so in Sec-Fetch-Site (write_protection reads it).
    sent = CorsRequest(method=method, origin=origin, fetch_site="cross-site")
    if ok:
        decision = decide(policy, sent)
        if decision.refused_by == "write":
            source = _source(layers, "write_protection")
            _show(f"{method} response: 403 Forbidden, before the view runs (write_protection [{source}]):", decision.headers)
            click.echo(f"  Why: {decision.reason}.")
            ok = False
        else:
            _show(f"{method} response headers:", decision.headers)
            ok = _verdict(cors_check(decision.headers, origin, credentials), decision, layers, checks)
    elif decide(policy, sent).refused_by == "write":
        source = _source(layers, "write_protection")
        click.echo(
            f"  Even sent without a preflight, the {method} would get 403 Forbidden before the view runs "
            f"(write_protection [{source}])."
        )
    click.echo("Allowed: the page can read the response." if ok else "Refused.")
    sys.exit(0 if ok else 1)
