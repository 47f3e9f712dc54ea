"""The app-wide extension: ``CORS(app)``, path rules and ``CORS_*`` config.

Part of the Flask edge, like ``_flask.py``. Everything a rule needs is
resolved when the extension is set up; a request costs one walk over the
rules, one evaluation and one header update.

Layers, each a [`CorsPolicy`][cors.CorsPolicy], merged with ``|`` from left to
right: built-in defaults | ``app.config`` ``CORS_*`` keys | the extension's
arguments | the first matching path rule | a ``cross_origin`` decorator on
the view.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import operator
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import attrs
from flask import Blueprint, Flask, Request, Response, request
from flask.sansio.blueprints import BlueprintSetupState

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from ._errors import CorsConfigError
from ._evaluate import with_cors_headers
from ._flask import (
    HANDLED,
    HTTP_METHOD_FUNCS,
    CorsView,
    evaluate,
    policy_from_arguments,
    preflight_response,
)
from ._paths import PathPattern, PathSpec
from ._policy import SETTING_NAMES, CorsPolicy, ResolvedPolicy, resolve

RuleSettings = CorsPolicy | Mapping[str, Any]
Resources = PathSpec | Mapping[PathSpec, RuleSettings] | Iterable[PathSpec | tuple[PathSpec, RuleSettings]]
"""Path rules: one pattern, patterns, (pattern, settings) pairs, or a mapping."""

_EXTENSION_KEY = "cors"
_CONFIG_KEYS = tuple(f"CORS_{name.upper()}" for name in (*SETTING_NAMES, "resources", "intercept_exceptions"))


@attrs.frozen(cache_hash=True)
class Rule:
    """A path pattern and the layers of its policy (not yet with a decorator).

    Attributes:
        pattern: The path pattern.
        layers: Where each part of the policy comes from, lowest first.
        policy: The layers merged with ``|``.
    """

    pattern: PathPattern
    layers: tuple[tuple[str, CorsPolicy], ...]
    policy: CorsPolicy = attrs.field(init=False, eq=False, repr=False)

    @policy.default
    def _merge(self) -> CorsPolicy:
        return functools.reduce(operator.or_, (layer for _, layer in self.layers), CorsPolicy())


@attrs.frozen
class Scope:
    """The settings of one ``CORS(...)`` on an app or on one blueprint.

    Attributes:
        blueprint: The registered blueprint name, or None for the whole app.
        rules: Path rules, first match wins.
        intercept_exceptions: Error responses (status 400 and above) get CORS
            headers too.
    """

    blueprint: str | None
    rules: tuple[Rule, ...]
    intercept_exceptions: bool


def _options(value: CorsPolicy | Mapping[str, Any], where: str) -> CorsPolicy:
    if isinstance(value, CorsPolicy):
        return value
    if not isinstance(value, Mapping):
        msg = f"{where}: {value!r} is not a CorsPolicy or a mapping of settings."
        raise CorsConfigError(msg)
    return policy_from_arguments(None, value, where)


def parse_resources(resources: Resources) -> list[tuple[PathPattern, CorsPolicy]]:
    """Read path rules in their given order.

    Raises:
        CorsConfigError: A pattern or a rule's settings are invalid.
        TypeError: A rule names an unknown setting.
    """
    if isinstance(resources, (str, re.Pattern)):
        items: list[Any] = [resources]
    elif isinstance(resources, Mapping):
        items = list(resources.items())
    elif isinstance(resources, Iterable):
        items = list(resources)
    else:
        msg = f"resources: {resources!r} is not a pattern, a list of patterns or a mapping of patterns to settings."
        raise CorsConfigError(msg)
    rules = []
    for item in items:
        pattern, settings = item if isinstance(item, tuple) else (item, CorsPolicy())
        rules.append((PathPattern.parse(pattern), _options(settings, f"resources[{pattern!r}]")))
    if not rules:
        msg = "resources: no path rules, so CORS would apply nowhere; give at least one pattern, e.g. '/api/*'."
        raise CorsConfigError(msg)
    return rules


def _from_config(config: Mapping[str, Any]) -> tuple[CorsPolicy, Any, Any]:
    """Read the ``CORS_*`` keys of an app's config; None values count as unset."""
    settings: dict[str, Any] = {}
    for key, value in config.items():
        if not key.startswith("CORS_") or value is None:
            continue
        if key not in _CONFIG_KEYS:
            close = difflib.get_close_matches(key, _CONFIG_KEYS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            msg = f"app.config[{key!r}] is not a CORS setting.{hint} Known keys: {', '.join(_CONFIG_KEYS)}."
            raise CorsConfigError(msg)
        settings[key[5:].lower()] = value
    resources = settings.pop("resources", None)
    intercept = settings.pop("intercept_exceptions", None)
    try:
        return CorsPolicy(**settings), resources, intercept
    except CorsConfigError as exc:
        raise CorsConfigError(f"app.config: {exc}") from None


class CORS:
    """Allow cross-origin requests app-wide, or for a blueprint, by path rules.

    ``CORS(app, **settings)``, ``CORS(app, policy)``, or the factory form
    ``cors = CORS(**settings); cors.init_app(app)``. ``app`` may be a
    ``Blueprint``; its rules then apply to requests routed to it, and it
    reads the app's config when registered.

    Preflights to a CORS-enabled path are answered before the app's
    ``before_request`` hooks, so authentication never sees them, and error
    responses carry CORS headers so the page can read the status.

    Args:
        app: The app or blueprint, or None to call [`init_app`][cors.CORS.init_app] later.
        policy: A policy to start from.
        resources: Path rules: ``"*"`` (the default, every path), a pattern,
            a list of patterns or of (pattern, settings) pairs, or a mapping
            of patterns to settings (a dict or a [`CorsPolicy`][cors.CorsPolicy]). The
            first rule whose pattern matches the request path applies.
        intercept_exceptions: Add CORS headers to error responses (status 400
            and above). Default True.
        **options: Settings, by the names of [`CorsPolicy`][cors.CorsPolicy].

    Raises:
        TypeError: An unknown keyword argument.
        CorsConfigError: An invalid or unsafe setting, or an unknown
            ``CORS_*`` config key (at [`init_app`][cors.CORS.init_app]).
    """

    def __init__(
        self,
        app: Flask | Blueprint | None = None,
        policy: CorsPolicy | None = None,
        /,
        *,
        resources: Resources | None = None,
        intercept_exceptions: bool | None = None,
        **options: Any,
    ) -> None:
        self._policy = policy_from_arguments(policy, options, "CORS")
        self._resources = None if resources is None else parse_resources(resources)
        self._intercept = intercept_exceptions
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask | Blueprint) -> None:
        """Set up CORS on an app or blueprint.

        Args:
            app: The app, or a blueprint (set up when it is registered).

        Raises:
            CorsConfigError: Bad settings, or an unknown ``CORS_*`` config key.
            RuntimeError: CORS is already set up there with other settings.
        """
        if isinstance(app, Blueprint):
            app.record_once(self._register_blueprint)
        else:
            self._install(app, None)

    def _register_blueprint(self, state: BlueprintSetupState) -> None:
        self._install(cast(Flask, state.app), state.name)

    def _scope(self, app: Flask, blueprint: str | None) -> Scope:
        config_policy, config_resources, config_intercept = _from_config(app.config)
        where = f"CORS(blueprint {blueprint!r})" if blueprint else "CORS(app)"
        base = (("app.config", config_policy), (f"{where} arguments", self._policy))
        if self._resources is not None:
            rules = self._resources
        else:
            rules = parse_resources(config_resources if config_resources is not None else "*")
        intercept = next(v for v in (self._intercept, config_intercept, True) if v is not None)
        if not isinstance(intercept, bool):
            msg = f"intercept_exceptions: {intercept!r} is not a bool; use True or False."
            raise CorsConfigError(msg)
        return Scope(
            blueprint=blueprint,
            rules=tuple(
                Rule(pattern, (*base, (f"path rule {pattern.spec!r}", settings))) for pattern, settings in rules
            ),
            intercept_exceptions=intercept,
        )

    def _install(self, app: Flask, blueprint: str | None) -> None:
        scope = self._scope(app, blueprint)
        state = app.extensions.get(_EXTENSION_KEY)
        if state is None:
            state = AppCors(app)
            app.extensions[_EXTENSION_KEY] = state
        state.add(scope)


class AppCors:
    """The extension's state on one app: its scopes, its preflight hook and its middleware."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.scopes: list[Scope] = []
        self._resolved: dict[tuple[Rule, CorsView | None], ResolvedPolicy] = {}
        self._views: dict[tuple[str, str], CorsView | None] = {}
        self._checked = False
        # First, so that no other hook (authentication) sees a preflight.
        app.before_request_funcs.setdefault(None, []).insert(0, self._before_request)
        # The headers go on the header list handed to the server, never on a
        # Response object, which the view may share between requests.
        app.wsgi_app = CorsMiddleware(app.wsgi_app)  # type: ignore[method-assign]

    def add(self, scope: Scope) -> None:
        """Add a scope, checking every rule now.

        Raises:
            RuntimeError: The app or blueprint has a scope with other settings.
        """
        for existing in self.scopes:
            if existing.blueprint == scope.blueprint:
                if existing == scope:
                    return
                where = f"blueprint {scope.blueprint!r}" if scope.blueprint else f"app {self.app.name!r}"
                msg = (
                    f"CORS is already set up on {where} with other settings. Set it up "
                    "once, with all settings in one CORS(...) call; use resources=... "
                    "for settings that differ by path."
                )
                raise RuntimeError(msg)
        for rule in scope.rules:
            self.resolved(rule, None)
        # Blueprint scopes come first: they are more specific than the app's.
        self.scopes.insert(0 if scope.blueprint else len(self.scopes), scope)
        self.check_views()

    def resolved(self, rule: Rule, view: CorsView | None) -> ResolvedPolicy:
        """The resolved policy of a rule, with a decorated view's settings on top."""
        key = (rule, view)
        policy = self._resolved.get(key)
        if policy is None:
            combined = rule.policy if view is None else rule.policy | view.cors_policy.policy
            policy = self._resolved[key] = resolve(combined)
        return policy

    def check_views(self) -> None:
        """Resolve every decorated view with every rule, so conflicts fail now.

        Runs when a scope is added and again before the first request, when
        every view is registered.
        """
        for view_function in list(self.app.view_functions.values()):
            for view in _cors_views(view_function):
                for scope in self.scopes:
                    for rule in scope.rules:
                        self.resolved(rule, view)

    def view(self, endpoint: str | None, method: str) -> CorsView | None:
        """The decorated view serving a method of an endpoint, if any (cached)."""
        if endpoint is None:
            return None
        key = (endpoint, method)
        if key not in self._views:
            self._views[key] = _cors_view_for(self.app.view_functions.get(endpoint), method)
        return self._views[key]

    def rule_for(self, path: str, blueprints: Iterable[str]) -> tuple[Rule, Scope] | None:
        """The first rule matching a path, trying blueprint scopes first."""
        for scope in self.scopes:
            if scope.blueprint is not None and scope.blueprint not in blueprints:
                continue
            for rule in scope.rules:
                if rule.pattern(path):
                    return rule, scope
        return None

    def _before_request(self) -> Response | None:
        if not self._checked:
            self.check_views()
            self._checked = True
        req: Request = request._get_current_object()  # type: ignore[attr-defined]
        environ = req.environ
        slot = environ.get(HANDLED)
        if slot is None:  # the environ was rebuilt on its way from the middleware
            slot = environ[HANDLED] = []
        slot.clear()  # a fresh decision each time the environ is dispatched
        found = self.rule_for(req.path, req.blueprints)
        if found is None:
            return None
        rule, scope = found
        policy = self.resolved(rule, self.view(req.endpoint, _served_method(environ, req.method)))
        decision = evaluate(policy, environ)
        slot.append((decision.headers, scope.intercept_exceptions))
        if decision.kind == "preflight" and policy.automatic_options:
            return preflight_response()
        return None



class CorsMiddleware:
    """Adds the headers the extension decided on as the response is started.

    Working on the WSGI header list, made anew for every response, it never
    changes a Response object, and it sees error responses too.
    """

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        slot: list[tuple[Mapping[str, str], bool]] = []
        environ[HANDLED] = slot

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if slot and (slot[0][1] or int(status[:3]) < 400):
                headers = with_cors_headers(headers, slot[0][0])
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def _served_method(environ: Mapping[str, Any], method: str) -> str:
    """The view method that decides: the one a preflight asks about, else the request's."""
    asked = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD") if method == "OPTIONS" else None
    return str(asked or method).lower()


def policy_layers(app: Flask, req: Request) -> tuple[ResolvedPolicy, tuple[tuple[str, CorsPolicy], ...]] | None:
    """The resolved policy for a request, with the layers it was merged from.

    Args:
        app: The app.
        req: A request routed by the app (e.g. in a test request context).

    Returns:
        The policy and its layers, lowest first (defaults not included), or
        None when neither a rule nor a decorator covers the request.
    """
    method = _served_method(req.environ, req.method)
    state: AppCors | None = app.extensions.get(_EXTENSION_KEY)
    view = (
        state.view(req.endpoint, method)
        if state is not None
        else _cors_view_for(app.view_functions.get(req.endpoint or ""), method)
    )
    decorator = () if view is None else (("@cross_origin", view.cors_policy.policy),)
    found = None if state is None else state.rule_for(req.path, req.blueprints)
    if state is not None and found is not None:
        rule = found[0]
        return state.resolved(rule, view), (*rule.layers, *decorator)
    if view is not None:
        return view.cors_policy, decorator
    return None


def _cors_views(view_function: Any) -> Iterable[CorsView]:
    """Every CorsView behind a registered view function (or its view class)."""
    view_class = getattr(view_function, "view_class", None)
    if view_class is not None:
        for name in sorted(HTTP_METHOD_FUNCS):
            found = _unwrap(inspect.getattr_static(view_class, name, None))
            if found is not None:
                yield found
    found = _unwrap(view_function)
    if found is not None:
        yield found


def _unwrap(function: Any) -> CorsView | None:
    while function is not None:
        if isinstance(function, CorsView):
            return function
        function = getattr(function, "__wrapped__", None)
    return None


def _cors_view_for(view_function: Any, method: str) -> CorsView | None:
    """The CorsView that serves a method of a registered view, if any."""
    found = _unwrap(view_function)
    if found is not None:
        return found
    view_class = getattr(view_function, "view_class", None)
    if view_class is None:
        return None
    handler = inspect.getattr_static(view_class, method, None)
    if handler is None and method == "head":
        handler = inspect.getattr_static(view_class, "get", None)
    return _unwrap(handler)



