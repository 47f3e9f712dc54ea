"""The app-wide extension: ``CORS(app)``, path rules and ``CORS_*`` config.

Part of the Flask edge, like ``_flask.py``. Everything a rule needs is
resolved when the extension is set up; a request costs one walk over the
rules, one evaluation and one header update.

The work is done in a WSGI middleware, below Flask: the path rules are
matched on the path Flask routes on, and a preflight is answered there
without entering Flask. Only an app whose answer needs Flask's routing (a
blueprint's own ``CORS(bp)`` rules, or a view with ``cross_origin``, whose
policy replaces the rule's) or Flask's contexts (an origin function, which
may query the app's database) decides in a ``before_request`` hook instead.

Layers, each a [`CorsPolicy`][cors.CorsPolicy], merged with ``|`` from left to
right: built-in defaults | ``app.config`` ``CORS_*`` keys | the extension's
arguments | the first matching path rule. A view with a ``cross_origin``
decorator uses its own policy instead (defaults | ``app.config`` |
decorator), as in flask-cors.
"""

from __future__ import annotations

import functools
import inspect
import operator
import re
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import attrs
from flask import Blueprint, Flask, Request, Response, got_request_exception, request
from flask.sansio.blueprints import BlueprintSetupState

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from typing_extensions import Unpack

from ._errors import CorsConfigError
from ._evaluate import decide, with_cors_headers
from ._flask import (
    HANDLED,
    HTTP_METHOD_FUNCS,
    WRITE_REFUSED,
    CorsView,
    app_config,
    endpoint_serving,
    evaluate,
    policy_from_arguments,
    preflight_response,
    read_shortcut,
    report,
    reporting,
    request_view,
    unwrap_cors_view,
    write_refused_response,
)
from ._paths import PathPattern
from ._policy import CorsPolicy, ResolvedPolicy, resolve
from ._settings import ExtensionSettings, Resources

_EXTENSION_KEY = "cors"


@attrs.frozen(cache_hash=True)
class Rule:
    """A path pattern and the layers of its policy.

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
class Source:
    """What one ``CORS(...)`` set up on an app or on one blueprint registration.

    Attributes:
        blueprint: The registered blueprint name, or None for the whole app.
        policy: The settings given as arguments.
        resources: The path rules given as arguments, or None.
        intercept_exceptions: As given, or None.
    """

    blueprint: str | None
    policy: CorsPolicy
    resources: tuple[tuple[PathPattern, CorsPolicy], ...] | None
    intercept_exceptions: bool | None


@attrs.frozen
class Scope:
    """The rules of one [`Source`][cors._extension.Source] over the app's config.

    Attributes:
        blueprint: The registered blueprint name, or None for the whole app.
        rules: Path rules, first match wins.
        intercept_exceptions: Error responses get CORS headers too.
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


class CORS:
    """Allow cross-origin requests app-wide, or for a blueprint, by path rules.

    ``CORS(app, **settings)``, ``CORS(app, policy)``, ``CORS(app=app)``, or the
    factory form ``cors = CORS(**settings); cors.init_app(app, **more)``, where
    the settings given to ``init_app`` are merged over the constructor's.
    ``app`` may be a ``Blueprint``; its rules then apply to requests routed to
    it, under each name it is registered with, and it reads the app's config
    when registered.

    Preflights to a CORS-enabled path are answered before the app's
    ``before_request`` hooks, so authentication never sees them, and error
    responses carry CORS headers so the page can read the status.

    Args:
        app: The app or blueprint, or None to call [`init_app`][cors.CORS.init_app] later.
        policy: A policy to start from.
        **options: Settings, by the names of [`CorsPolicy`][cors.CorsPolicy], and
            ``resources``: path rules: ``"*"`` (the default, every path), a
            pattern, a list of patterns or of (pattern, settings) pairs, or a
            mapping of patterns to settings (a dict or a
            [`CorsPolicy`][cors.CorsPolicy]); the first rule whose pattern
            matches the request path applies; and ``intercept_exceptions``:
            with False, responses made from an unhandled exception (500) get
            no CORS headers. Default True.

    Raises:
        TypeError: An unknown keyword argument.
        CorsConfigError: An invalid or unsafe setting.
    """

    def __init__(
        self,
        app: Flask | Blueprint | None = None,
        policy: CorsPolicy | None = None,
        **options: Unpack[ExtensionSettings],
    ) -> None:
        self._source = _source(policy, options, "CORS")
        if app is not None:
            self.init_app(app)

    def init_app(
        self, app: Flask | Blueprint, policy: CorsPolicy | None = None, **options: Unpack[ExtensionSettings]
    ) -> None:
        """Set up CORS on an app or blueprint.

        Args:
            app: The app, or a blueprint (set up each time it is registered).
            policy: A policy merged over the constructor's settings.
            **options: Settings merged over the constructor's, as for [`CORS`][cors.CORS].

        Raises:
            CorsConfigError: Bad settings.
            RuntimeError: CORS is already set up there with other settings.
        """
        source = self._source
        if policy is not None or options:
            more = _source(policy, options, "init_app")
            source = Source(
                blueprint=None,
                policy=source.policy | more.policy,
                resources=more.resources if more.resources is not None else source.resources,
                intercept_exceptions=(
                    more.intercept_exceptions if more.intercept_exceptions is not None else source.intercept_exceptions
                ),
            )
        if isinstance(app, Blueprint):
            app.record(functools.partial(_register_blueprint, source))
        else:
            _install(app, source)


def _source(policy: CorsPolicy | None, options: Mapping[str, Any], caller: str) -> Source:
    settings = dict(options)
    resources = settings.pop("resources", None)
    intercept = settings.pop("intercept_exceptions", None)
    if intercept is not None:
        _check_intercept(intercept)
    return Source(
        blueprint=None,
        policy=policy_from_arguments(policy, settings, caller),
        resources=None if resources is None else tuple(parse_resources(resources)),
        intercept_exceptions=intercept,
    )


def _check_intercept(value: object) -> None:
    if not isinstance(value, bool):
        msg = f"intercept_exceptions: {value!r} is not a bool; use True or False."
        raise CorsConfigError(msg)


def _register_blueprint(source: Source, state: BlueprintSetupState) -> None:
    _install(cast(Flask, state.app), attrs.evolve(source, blueprint=state.name))


def _install(app: Flask, source: Source) -> None:
    state: AppCors | None = app.extensions.get(_EXTENSION_KEY)
    if state is None:
        state = app.extensions[_EXTENSION_KEY] = AppCors(app)
    state.add(source)


class AppCors:
    """The extension's state on one app: its scopes, its middleware and its hook.

    Its caches hold entries for the app's own rules, endpoints and methods,
    never for a value a request chose.

    Attributes:
        ready: The first request has been seen: the config is read again and
            every view is registered.
        routed: Some answer needs Flask's routing (a blueprint scope, or a
            decorated view) or its app and request contexts (a rule's
            origin function), so the ``before_request`` hook decides.
        rules: When not routed, what the middleware matches: each rule's
            pattern (None for every path), resolved policy and
            ``intercept_exceptions``, first match wins.
        preflight_lines: The header lines of Flask's empty 200 answer, which
            a preflight's CORS headers complete.
        write_refused: The status, header lines and body of the 403 answer
            to a write that ``write_protection`` refuses, without its CORS
            headers.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.config = app_config(app)
        self.sources: list[Source] = []
        self.scopes: list[Scope] = []
        self._resolved: dict[Rule, ResolvedPolicy] = {}
        self._views: dict[tuple[str, str | None], CorsView | None] = {}
        self._decorated = False
        self._lock = threading.Lock()
        self.ready = False
        self.routed = True
        self.rules: tuple[tuple[PathPattern | None, ResolvedPolicy, bool], ...] = ()
        self.preflight_lines: list[tuple[str, str]] = []
        self.write_refused: tuple[str, list[tuple[str, str]], bytes] = ("", [], b"")
        # First, so that no other hook (authentication) sees a preflight; taken
        # out at the first request when the middleware decides alone.
        app.before_request_funcs.setdefault(None, []).insert(0, self._before_request)
        # The headers go on the header list handed to the server, never on a
        # Response object, which the view may share between requests.
        app.wsgi_app = CorsMiddleware(app.wsgi_app, self)  # type: ignore[method-assign]
        got_request_exception.connect(_unhandled_exception, app, weak=False)

    def setup(self) -> None:
        """Get ready for the first request: read the config again, check every view, plan.

        Raises:
            CorsConfigError: A setting or a decorated view is invalid or unsafe.
        """
        with self._lock:
            if self.ready:
                return
            self.config.served = True
            if self.config.read():  # a CORS_* key set after CORS(app)
                self._build()
            else:
                self.check_views()
            self._plan()
            self.ready = True

    def _plan(self) -> None:
        """Choose where requests are decided: in the middleware on the path, or in the hook."""
        self.rules = tuple(
            (None if rule.pattern.prefix == "" else rule.pattern, self._resolved[rule], scope.intercept_exceptions)
            for scope in self.scopes
            for rule in scope.rules
        )
        self.routed = (
            self._decorated
            or any(scope.blueprint is not None for scope in self.scopes)
            # An origin function runs where any Flask code can: db.session and g need the contexts.
            or any(policy.match_origin.checks for _, policy, _ in self.rules)
        )
        self.preflight_lines = self.app.response_class(status=200).get_wsgi_headers({}).to_wsgi_list()
        refused = self.app.response_class(WRITE_REFUSED, status=403, mimetype="text/plain")
        self.write_refused = (refused.status, refused.get_wsgi_headers({}).to_wsgi_list(), refused.get_data())
        # A new list, never a change in place: Flask may be iterating the old one.
        hooks = [hook for hook in self.app.before_request_funcs.get(None, ()) if hook != self._before_request]
        if self.routed:
            hooks.insert(0, self._before_request)
        self.app.before_request_funcs[None] = hooks

    def add(self, source: Source) -> None:
        """Add the settings of one ``CORS(...)``, checking every rule now.

        Raises:
            RuntimeError: The app or blueprint has CORS set up with other settings.
        """
        for existing in self.sources:
            if existing.blueprint == source.blueprint:
                if existing == source:
                    return
                where = f"blueprint {source.blueprint!r}" if source.blueprint else f"app {self.app.name!r}"
                msg = (
                    f"CORS is already set up on {where} with other settings. Set it up "
                    "once, with all settings in one CORS(...) call; use resources=... "
                    "for settings that differ by path."
                )
                raise RuntimeError(msg)
        # Blueprint scopes come first: they are more specific than the app's.
        self.sources.insert(0 if source.blueprint else len(self.sources), source)
        self._build()

    def _build(self) -> None:
        self.scopes = [self._scope(source) for source in self.sources]
        self._resolved = {rule: resolve(rule.policy) for scope in self.scopes for rule in scope.rules}
        self.check_views()
        if self.ready:  # CORS(app) after the first request, over a blueprint's
            self._plan()

    def _scope(self, source: Source) -> Scope:
        config = self.config
        where = f"CORS(blueprint {source.blueprint!r})" if source.blueprint else "CORS(app)"
        base = (("app.config", config.policy), (f"{where} arguments", source.policy))
        if source.resources is not None:
            rules: Iterable[tuple[PathPattern, CorsPolicy]] = source.resources
        else:
            rules = parse_resources(config.resources if config.resources is not None else "*")
        intercept = next(v for v in (source.intercept_exceptions, config.intercept_exceptions, True) if v is not None)
        _check_intercept(intercept)
        return Scope(
            blueprint=source.blueprint,
            rules=tuple(
                Rule(pattern, (*base, (f"path rule {pattern.spec!r}", settings))) for pattern, settings in rules
            ),
            intercept_exceptions=intercept,
        )

    def resolved(self, rule: Rule, view: CorsView | None) -> ResolvedPolicy:
        """The policy of a request under a rule: a decorated view's own policy replaces the rule's."""
        return self._resolved[rule] if view is None else self.config.view_policy(view)

    def check_views(self) -> None:
        """Resolve every decorated view over the app's config, so conflicts fail now.

        Runs when CORS is set up and again before the first request, when
        every view is registered.
        """
        decorated = False
        for view_function in list(self.app.view_functions.values()):
            for view in _cors_views(view_function):
                self.config.view_policy(view)
                decorated = True
        self._decorated = decorated

    def view(self, endpoint: str | None, method: str) -> CorsView | None:
        """The decorated view serving a method of an endpoint, if any (cached)."""
        if endpoint is None:
            return None
        # Only the methods a view class can define are keys; a preflight's
        # method is the client's choice.
        key = (endpoint, method if method in HTTP_METHOD_FUNCS else None)
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
        if not self.ready:  # the request came to Flask past the middleware
            self.setup()
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
        policy = self.resolved(rule, self.view(*_deciding_view(req)))
        decision = evaluate(policy, environ)
        slot.append((decision.headers, scope.intercept_exceptions))
        if decision.refused_by == "write":  # write_protection; the middleware adds the headers
            return write_refused_response()
        if decision.kind == "preflight" and policy.automatic_options:
            return preflight_response()
        return None


def _unhandled_exception(app: Flask, **extra: Any) -> None:
    """Mark the request: its response is made from an unhandled exception."""
    slot = request.environ.get(HANDLED)
    if slot:
        slot.append(None)


class CorsMiddleware:
    """Decides below Flask, answers preflights, and adds the headers as the response is started.

    Working on the WSGI header list, made anew for every response, it never
    changes a Response object, and it sees error responses too.
    """

    def __init__(self, wsgi_app: WSGIApplication, state: AppCors) -> None:
        self.wsgi_app = wsgi_app
        self.state = state

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        state = self.state
        if not state.ready:
            state.setup()
        if state.routed:  # the hook decides, and puts its decision in the slot
            slot: list[Any] = []
            environ[HANDLED] = slot
            return self.wsgi_app(environ, _starter(start_response, slot))
        path = None  # read only when a rule has a pattern: "*" covers every path
        for pattern, policy, intercept in state.rules:
            if pattern is None:
                break
            if path is None:
                path = flask_path(environ)
            if pattern(path):
                break
        else:
            environ.pop(HANDLED, None)  # the environ may be served again, on another path
            return self.wsgi_app(environ, start_response)
        headers = read_shortcut(policy, environ)
        if headers is None:
            view = request_view(environ)
            decision = decide(policy, view)
            if reporting():
                report(state.app, decision, view, path or flask_path(environ))
            if decision.refused_by == "write":  # write_protection, before the app sees the request
                status, lines, body = state.write_refused
                start_response(status, [*lines, *decision.headers.items()])
                return [body]
            if decision.kind == "preflight" and policy.automatic_options:
                start_response("200 OK", [*state.preflight_lines, *decision.headers.items()])
                return []
            headers = decision.headers
        slot = [(headers, intercept)]
        environ[HANDLED] = slot
        return self.wsgi_app(environ, _starter(start_response, slot))


def _starter(start_response: StartResponse, slot: list[Any]) -> StartResponse:
    """A ``start_response`` that adds the headers decided in the slot, if any."""

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if slot:
            cors, intercept = slot[0]
            if not intercept and len(slot) > 1:  # made from an unhandled exception
                cors = {"Vary": cors["Vary"]} if "Vary" in cors else {}
            headers = with_cors_headers(headers, cors)
        return start_response(status, headers, exc_info)

    return cast("StartResponse", start)


def flask_path(environ: WSGIEnvironment) -> str:
    """The path Flask routes a request on (``request.path``).

    ``PATH_INFO`` (already relative to ``SCRIPT_NAME``) is decoded once as
    Werkzeug decodes it: its latin-1 characters are the bytes of UTF-8 text,
    invalid sequences replaced.

    Raises:
        UnicodeEncodeError: ``PATH_INFO`` is not a WSGI string (no server
            makes one), as Werkzeug raises for it.
    """
    path: str = environ.get("PATH_INFO") or ""
    if not path.isascii():
        path = path.encode("latin-1").decode("utf-8", "replace")
    return "/" + path.lstrip("/")


def _deciding_view(req: Request) -> tuple[str | None, str]:
    """The endpoint and lower-case method whose policy decides: for a preflight, those it asks about."""
    asked = req.environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD") if req.method == "OPTIONS" else None
    if asked is not None:
        return endpoint_serving(asked), asked.lower()
    return req.endpoint, req.method.lower()


def policy_layers(app: Flask, req: Request) -> tuple[ResolvedPolicy, tuple[tuple[str, CorsPolicy], ...]] | None:
    """The resolved policy for a request, with the layers it was merged from.

    Args:
        app: The app.
        req: A request routed by the app (e.g. in a test request context).

    Returns:
        The policy and its layers, lowest first (defaults not included), or
        None when neither a rule nor a decorator covers the request.
    """
    endpoint, method = _deciding_view(req)
    state: AppCors | None = app.extensions.get(_EXTENSION_KEY)
    if state is not None:
        view = state.view(endpoint, method)
    else:
        view = _cors_view_for(app.view_functions.get(endpoint or ""), method)
    if view is not None:
        config = app_config(app)
        return config.view_policy(view), (("app.config", config.policy), ("@cross_origin", view.cors_policy.policy))
    found = None if state is None else state.rule_for(req.path, req.blueprints)
    if state is not None and found is not None:
        rule = found[0]
        return state.resolved(rule, None), rule.layers
    return None


def _cors_views(view_function: Any) -> Iterable[CorsView]:
    """Every CorsView behind a registered view function (or its view class)."""
    view_class = getattr(view_function, "view_class", None)
    if view_class is not None:
        for name in sorted(HTTP_METHOD_FUNCS):
            found = unwrap_cors_view(inspect.getattr_static(view_class, name, None))
            if found is not None:
                yield found
    found = unwrap_cors_view(view_function)
    if found is not None:
        yield found


def _cors_view_for(view_function: Any, method: str) -> CorsView | None:
    """The CorsView that serves a method of a registered view, if any."""
    found = unwrap_cors_view(view_function)
    if found is not None:
        return found
    view_class = getattr(view_function, "view_class", None)
    if view_class is None:
        return None
    handler = inspect.getattr_static(view_class, method, None)
    if handler is None and method == "head":
        handler = inspect.getattr_static(view_class, "get", None)
    return unwrap_cors_view(handler)



