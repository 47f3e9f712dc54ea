"""The Flask edge, with ``_extension.py``: the only modules that import Flask.

It builds the request view once per request, asks the pure core for the
headers, and writes them onto the response. All parsing and checking of
settings happens when the decorator is applied.
"""

from __future__ import annotations

import copy
import difflib
import functools
import inspect
import logging
import types
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from blinker import Namespace
from flask import Flask, Response, after_this_request, current_app, request
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from ._decision import Decision
from ._errors import CorsConfigError, CorsWarning
from ._evaluate import decide, merge_vary, read_headers
from ._policy import SETTING_NAMES, CorsPolicy, ResolvedPolicy, _caller_stacklevel, resolve
from ._request import CorsRequest
from ._settings import CorsSettings

if TYPE_CHECKING:
    from typing_extensions import Unpack

F = TypeVar("F", bound=Callable[..., Any])

HTTP_METHOD_FUNCS = frozenset({"get", "post", "head", "delete", "put", "patch", "options", "query"})


logger = logging.getLogger("cors")
"""One DEBUG line per CORS-covered request: what was decided and why; an
ERROR line when a function in ``origins`` fails."""

decided = Namespace().signal("cors.decided")
"""Sent for every CORS-covered request, with the app as sender, the
[`Decision`][cors.Decision] as ``decision`` and the
[`CorsRequest`][cors.CorsRequest] it was made for as ``request``: connect a
receiver to count refusals by reason. Nothing is done for it while no
receiver is connected."""

HANDLED = "cors.handled"
"""WSGI environ key of a list that holds the extension's decision for the
request being dispatched: (headers, intercept_exceptions), or nothing. A list,
not the value itself, so that a middleware that copies the environ still
shares it."""


def preflight_response(headers: Mapping[str, str] | None = None) -> Response:
    """The answer to a preflight: 200, empty, with the CORS headers given."""
    # A list of pairs: Werkzeug 3.0 reads only dicts, not other mappings, as such.
    return current_app.response_class(status=200, headers=list((headers or {}).items()))


WRITE_REFUSED = "Forbidden: a cross-origin write from this origin is refused.\n"
"""The body of the 403 answer to a request refused by ``write_protection``."""


def write_refused_response(headers: Mapping[str, str] | None = None) -> Response:
    """The answer to a request that ``write_protection`` refuses: 403, plain text."""
    return current_app.response_class(
        WRITE_REFUSED, status=403, mimetype="text/plain", headers=list((headers or {}).items())
    )


SAFE_READS = frozenset({"GET", "HEAD"})
"""Methods that are neither preflights nor writes: their decision needs the origin only."""


def request_view(environ: Mapping[str, Any]) -> CorsRequest:
    """Build the request view from a WSGI environ.

    Args:
        environ: The WSGI environ.

    Returns:
        The request view, with header values exactly as received. For GET
        and HEAD, whose decision depends on the origin alone, nothing else is
        read.
    """
    get = environ.get
    method: str = get("REQUEST_METHOD", "GET").upper()
    if method in SAFE_READS:
        return CorsRequest(method, get("HTTP_ORIGIN"))
    return CorsRequest(
        method,
        get("HTTP_ORIGIN"),
        get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
        get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
        get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") == "true",
        get("HTTP_SEC_FETCH_SITE"),
        # As the server sees it: behind a proxy, ProxyFix sets both.
        get("HTTP_HOST") or f"{get('SERVER_NAME', '')}:{get('SERVER_PORT', '')}",
        get("wsgi.url_scheme", "http"),
    )


def reporting() -> bool:
    """Someone asks for each Decision: a ``decided`` receiver, or the DEBUG log."""
    return bool(decided.receivers) or logger.isEnabledFor(logging.DEBUG)


def read_shortcut(policy: ResolvedPolicy, environ: Mapping[str, Any]) -> Mapping[str, str] | None:
    """The headers of a GET or HEAD while nobody asks for its Decision, else None (then decide).

    Such a request's answer depends on its Origin alone: see
    [`read_headers`][cors._evaluate.read_headers].
    """
    if environ.get("REQUEST_METHOD") in SAFE_READS and not reporting():
        return read_headers(policy, environ.get("HTTP_ORIGIN"))
    return None


def evaluate(policy: ResolvedPolicy, environ: Mapping[str, Any]) -> Decision:
    """Decide about the current request, and report the decision (see [`report`][cors._flask.report])."""
    view = request_view(environ)
    decision = decide(policy, view)
    if reporting():
        report(current_app._get_current_object(), decision, view, request.path)  # type: ignore[attr-defined]
    return decision


def report(app: Flask, decision: Decision, view: CorsRequest, path: str) -> None:
    """Send the ``decided`` signal and log the decision at DEBUG level, for whichever is on.

    Callers check ``decided.receivers`` and the log level first, so that a
    request costs nothing for them when both are off. Request values are
    logged with ``repr``, so a crafted header or path cannot forge log lines.
    """
    if decided.receivers:
        decided.send(app, decision=decision, request=view)
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s %r %r from origin %r: %s",
            "allowed" if decision.allowed else "refused",
            decision.kind,
            view.method,
            path,
            view.origin,
            decision.reason,
        )


def apply_headers(headers: Mapping[str, str], response: Response) -> Response:
    """Set CORS headers on a response, replacing any earlier value.

    ``Vary`` is merged into the response's existing ``Vary`` as one line.

    Args:
        headers: The headers from [`cors_headers`][cors.cors_headers].
        response: The response to update.

    Returns:
        The same response.
    """
    target = response.headers
    for key, _ in target:
        lowered = key.lower()
        if lowered == "vary" or lowered.startswith("access-control-"):
            break
    else:  # the common case: nothing to replace or merge, so no scan per header
        for name, value in headers.items():
            target.add(name, value)
        return response
    present = {key.lower() for key, _ in target}
    for name, value in headers.items():
        if name.lower() not in present:
            target.add(name, value)
        elif name == "Vary":
            target["Vary"] = merge_vary(target.getlist("Vary"), value)
        else:
            target[name] = value
    return response


CONFIG_KEY = "cors.config"
"""Key in ``app.extensions`` of the app's [`AppConfig`][cors._flask.AppConfig]."""

_EXTENSION_ONLY = ("resources", "intercept_exceptions")
CONFIG_KEYS: tuple[str, ...] = tuple(f"CORS_{name.upper()}" for name in (*SETTING_NAMES, *_EXTENSION_ONLY))

_SETTING_HELP = {
    "origins": "the origins allowed to read responses",
    "methods": "the methods a preflight may ask for",
    "expose_headers": "the response headers the page may read",
    "allow_headers": "the request headers a page may send; its default '*' already allows every one",
    "supports_credentials": "whether cookies and HTTP authentication are allowed",
    "max_age": "how long a browser may cache a preflight answer",
    "send_wildcard": "whether to answer '*' instead of the origin",
    "vary_header": "whether to send Vary: Origin",
    "automatic_options": "whether preflights are answered without running the view",
    "allow_private_network": "whether Private Network Access preflights are granted",
    "always_send": "whether requests without an Origin get the '*' answer",
    "write_protection": "whether cross-origin writes from origins not listed are refused with 403",
    "resources": "the path rules of CORS(app)",
    "intercept_exceptions": "whether error responses get CORS headers",
}
# Keys that old tutorials taught and no version of flask-cors ever read.
_FOLKLORE = {
    "CORS_HEADERS": (
        "request headers are allowed by CORS_ALLOW_HEADERS, whose default '*' already "
        "allows every header, Authorization included: set it only to narrow that list"
    ),
}


def _unknown_key_message(key: str) -> str:
    text = f"app.config[{key!r}] is not a CORS setting, so it is ignored (as flask-cors ignores it)"
    if key in _FOLKLORE:
        return f"{text}; {_FOLKLORE[key]}."
    close = difflib.get_close_matches(key, CONFIG_KEYS, n=1, cutoff=0.7)
    if close:
        name = close[0][5:].lower()
        return f"{text}. Did you mean {close[0]!r} ({_SETTING_HELP[name]})?"
    return f"{text}. Known keys: {', '.join(CONFIG_KEYS)}."


def config_settings(config: Mapping[str, Any], warned: set[str]) -> tuple[CorsPolicy, Any, Any]:
    """Read the ``CORS_*`` keys of an app's config; None values count as unset.

    Args:
        config: The app's config.
        warned: Unknown keys already warned about; new ones are added.

    Returns:
        The policy they make, and the raw ``resources`` and ``intercept_exceptions``.

    Raises:
        CorsConfigError: A value is invalid.
    """
    settings: dict[str, Any] = {}
    for key, value in config.items():
        if not key.startswith("CORS_") or value is None:
            continue
        if key not in CONFIG_KEYS:
            if key not in warned:
                warned.add(key)
                warnings.warn(_unknown_key_message(key), CorsWarning, stacklevel=_caller_stacklevel())
            continue
        settings[key[5:].lower()] = value
    resources = settings.pop("resources", None)
    intercept = settings.pop("intercept_exceptions", None)
    try:
        return CorsPolicy(**settings), resources, intercept
    except CorsConfigError as exc:
        raise CorsConfigError(f"app.config: {exc}") from None


class AppConfig:
    """One app's ``CORS_*`` settings, and its decorated views' policies over them.

    Read when ``CORS`` is set up on the app and again when the app serves its
    first request, so a key set after ``CORS(app)`` counts the same. Its
    caches hold one entry per decorated view of the app, never a request value.

    Attributes:
        policy: The policy the config keys make.
        resources: ``CORS_RESOURCES``, or None.
        intercept_exceptions: ``CORS_INTERCEPT_EXCEPTIONS``, or None.
        served: The app has served a request since the config was last read.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.served = False
        self._warned: set[str] = set()
        self._views: dict[CorsView, ResolvedPolicy] = {}
        self.policy, self.resources, self.intercept_exceptions = config_settings(app.config, self._warned)

    def read(self) -> bool:
        """Read the config again; tell whether its settings changed."""
        settings = config_settings(self.app.config, self._warned)
        changed = settings != (self.policy, self.resources, self.intercept_exceptions)
        if changed:
            self.policy, self.resources, self.intercept_exceptions = settings
            self._views.clear()
        return changed

    def view_policy(self, view: CorsView) -> ResolvedPolicy:
        """A decorated view's policy in this app: defaults | config | decorator."""
        policy = self._views.get(view)
        if policy is None:
            own = view.cors_policy
            # automatic_options stays the decorator's: Flask's routing of
            # OPTIONS to the view was set up by it (a config key turning it
            # off would let a preflight run the view).
            fixed = CorsPolicy(automatic_options=own.automatic_options)
            policy = own if self.policy == CorsPolicy() else resolve(self.policy | own.policy | fixed)
            self._views[view] = policy
        return policy


def app_config(app: Flask) -> AppConfig:
    """The app's config state, made on first use."""
    state: AppConfig | None = app.extensions.get(CONFIG_KEY)
    if state is None:
        state = app.extensions[CONFIG_KEY] = AppConfig(app)
    return state


def serving_config(app: Flask) -> AppConfig:
    """The app's config state, read again when the app starts serving (call once)."""
    state = app_config(app)
    state.served = True
    state.read()
    return state


def policy_from_arguments(
    policy: CorsPolicy | None, options: Mapping[str, Any], caller: str
) -> CorsPolicy:
    """Combine a positional policy and keyword overrides, checking the names.

    Raises:
        TypeError: An unknown keyword, with the closest known one suggested.
        CorsConfigError: A bad value.
    """
    if policy is not None and not isinstance(policy, CorsPolicy):
        msg = (
            f"{caller}() takes a CorsPolicy as its only positional argument, "
            f"not {type(policy).__name__}; pass settings as keywords."
        )
        raise TypeError(msg)
    for name in options:
        if name not in SETTING_NAMES:
            close = difflib.get_close_matches(name, SETTING_NAMES, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            msg = (
                f"{caller}() got an unexpected keyword argument {name!r}{hint} "
                f"Known settings: {', '.join(SETTING_NAMES)}."
            )
            raise TypeError(msg)
    return (policy or CorsPolicy()) | CorsPolicy(**options)


def cross_origin(policy: CorsPolicy | None = None, /, **options: Unpack[CorsSettings]) -> Callable[[F], F]:
    """Allow cross-origin requests to one view.

    ``cross_origin(**kw)``, ``cross_origin(policy)`` and
    ``cross_origin(policy, **overrides)`` (that is, ``policy |
    CorsPolicy(**overrides)``) are accepted. The policy is resolved and checked
    here, so an unsafe or misspelt setting fails when the module is imported.
    In an app, the app's ``CORS_*`` config keys lie under it, as in
    flask-cors: defaults | ``app.config`` | the decorator. On a view that a
    ``CORS(app)`` path rule also covers, the decorator's policy replaces the
    rule's.

    Works on plain and ``async`` views, on the methods of class-based views
    (``MethodView``, flask-restful ``Resource``) and in a view class's
    ``decorators`` list, also under other ``functools.wraps`` decorators
    (``login_required``). With ``automatic_options`` (the default) a preflight
    is answered without running the view, by the policy of the view that
    serves the method it asks for; a view class whose methods carry the
    decorator gets an ``options`` method for that (its own ``options`` still
    answers other OPTIONS requests). Error responses raised by the view
    (``abort``, exceptions turned into 500) carry the CORS headers too.

    Args:
        policy: A policy to start from.
        **options: Settings, by the names of [`CorsPolicy`][cors.CorsPolicy].

    Returns:
        A decorator. It wraps the view in a new callable and leaves the view
        function itself unchanged.

    Raises:
        TypeError: An unknown keyword argument.
        CorsConfigError: An invalid or unsafe setting, or a view that already
            carries ``cross_origin``.
    """
    resolved = resolve(policy_from_arguments(policy, options, "cross_origin"))

    def decorator(view: F) -> F:
        return cast(F, CorsView(view, resolved))

    return decorator


class CorsView:
    """A view wrapped by ``cross_origin``.

    A callable object rather than a function so that it can bind as a method
    and learn the class it is defined in (to answer preflights for class-based
    views), while the wrapped function stays untouched.
    """

    def __init__(self, view: Callable[..., Any], policy: ResolvedPolicy) -> None:
        inner = unwrap_cors_view(view)
        if inner is not None:
            name = getattr(view, "__qualname__", repr(view))
            msg = (
                f"cross_origin is applied twice to the view {name!r}; the outer one would "
                "silently replace the inner one. Use one decorator: cross_origin(a | b) with "
                "two policies, or one set of keywords."
            )
            raise CorsConfigError(msg)
        self.cors_policy = policy
        functools.update_wrapper(self, view)
        self._view = view
        self._is_async = inspect.iscoroutinefunction(view)
        if policy.automatic_options:
            self.required_methods = {*getattr(view, "required_methods", ()), "OPTIONS"}
            # An instance attribute, so that a functools.wraps decorator put
            # above this one (login_required) copies it and Flask's automatic
            # OPTIONS stays off while this view answers preflights.
            self.__dict__["provide_automatic_options"] = False

    def __setattr__(self, name: str, value: Any) -> None:
        # View.as_view() assigns the class's setting; keeping ours lets a view
        # class's ``decorators = [cross_origin(...)]`` answer preflights.
        if name != "provide_automatic_options" or not self.cors_policy.automatic_options:
            object.__setattr__(self, name, value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Returns a Response, or whatever the view returns (Flask's
        # ResponseReturnValue, unchecked) when the extension writes the headers.
        req = request._get_current_object()  # type: ignore[attr-defined]
        environ = req.environ
        if environ.get(HANDLED):  # a CORS(app) rule covers this request
            if environ.get("REQUEST_METHOD") == "OPTIONS" and self.cors_policy.automatic_options:
                return current_app.make_default_options_response()
            return self._run(args, kwargs)
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        state = app.extensions.get(CONFIG_KEY)
        if state is None or not state.served:
            state = serving_config(app)
        policy = state.view_policy(self)
        headers = read_shortcut(policy, environ)
        if headers is None:
            view = request_view(environ)
            decision = decide(policy, view)
            if reporting():
                report(app, decision, view, req.path)
            if decision.refused_by == "write":
                return write_refused_response(decision.headers)
            if view.method == "OPTIONS" and policy.automatic_options:
                if decision.kind != "preflight":
                    return apply_headers(decision.headers, app.make_default_options_response())
                endpoint = endpoint_serving(view.request_method or "")
                other = unwrap_cors_view(app.view_functions.get(endpoint)) if endpoint else None
                if other is not None and other is not self and other.cors_policy.automatic_options:
                    decision = evaluate(state.view_policy(other), environ)
                return preflight_response(decision.headers)
            headers = decision.headers
        try:
            result = self._run(args, kwargs)
        except BaseException:
            # abort(), HTTP errors and 500s: Flask makes the response later.
            after_this_request(functools.partial(apply_headers, headers))
            raise
        if not isinstance(result, Response):
            result = app.make_response(result)
        return apply_headers(headers, result)

    def _run(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        function = current_app.ensure_sync(self._view) if self._is_async else self._view
        result = function(*args, **kwargs)
        if isinstance(result, WerkzeugResponse):
            # The view may hand out one Response object to many requests; the
            # headers of this request go on a copy.
            result = copy.copy(result)
            result.headers = Headers(result.headers)
        return result

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        return self if instance is None else types.MethodType(self, instance)

    def __set_name__(self, owner: type, name: str) -> None:
        if name in HTTP_METHOD_FUNCS and name != "options" and self.cors_policy.automatic_options:
            existing = getattr(owner, "options", None)
            if not getattr(existing, "answers_preflights", False):
                owner.options = _preflight_answerer(existing)  # type: ignore[attr-defined]


def unwrap_cors_view(function: Any) -> CorsView | None:
    """The CorsView a view function is or wraps (through ``__wrapped__``), if any."""
    while function is not None:
        if isinstance(function, CorsView):
            return function
        function = getattr(function, "__wrapped__", None)
    return None


def endpoint_serving(method: str) -> str | None:
    """The endpoint that serves the current URL with a method (a preflight's), or None.

    Flask routes a preflight to the first rule of the URL that takes OPTIONS;
    with one view per method (``@app.get``, ``@app.post``) that may be another
    view than the one the preflight asks about.
    """
    rule = request.url_rule
    if rule is not None and rule.methods is not None and method.upper() in rule.methods:
        return str(rule.endpoint)
    adapter = current_app.create_url_adapter(request)
    try:
        other, _ = adapter.match(method=method.upper(), return_rule=True)  # type: ignore[union-attr]
    except HTTPException:
        return None
    return cast(str, other.endpoint)


def _preflight_answerer(fallback: Callable[..., Any] | None) -> Callable[..., Any]:
    """An ``options`` method for a view class whose methods carry ``cross_origin``.

    A preflight gets the policy of the method it asks about; any other
    OPTIONS request goes to the class's own ``options``, or gets Flask's
    default answer.
    """

    def options(self: object, *args: Any, **kwargs: Any) -> Any:
        asked = (request.headers.get("Access-Control-Request-Method") or "").lower()
        if asked and "Origin" in request.headers and asked in HTTP_METHOD_FUNCS:
            handler = inspect.getattr_static(type(self), asked, None)
            if handler is None and asked == "head":
                handler = inspect.getattr_static(type(self), "get", None)
            if isinstance(handler, CorsView) and handler.cors_policy.automatic_options:
                return handler(self, *args, **kwargs)
        if fallback is not None:
            return fallback(self, *args, **kwargs)
        return current_app.make_default_options_response()

    options.answers_preflights = True  # type: ignore[attr-defined]
    return options
