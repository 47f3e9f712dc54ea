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
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from flask import Response, after_this_request, current_app, request

from ._decision import Decision
from ._evaluate import decide, merge_vary
from ._policy import SETTING_NAMES, CorsPolicy, ResolvedPolicy, resolve
from ._request import CorsRequest

F = TypeVar("F", bound=Callable[..., Any])

HTTP_METHOD_FUNCS = frozenset({"get", "post", "head", "delete", "put", "patch", "options"})


logger = logging.getLogger("cors")
"""One DEBUG line per CORS-covered request: what was decided and why."""

HANDLED = "cors.handled"
"""WSGI environ key of a list that holds the extension's decision for the
request being dispatched: (headers, intercept_exceptions), or nothing. A list,
not the value itself, so that a middleware that copies the environ still
shares it."""


def preflight_response(headers: Mapping[str, str] | None = None) -> Response:
    """The answer to a preflight: 200, empty, with the CORS headers given."""
    # A list of pairs: Werkzeug 3.0 reads only dicts, not other mappings, as such.
    return current_app.response_class(status=200, headers=list((headers or {}).items()))


def request_view(environ: Mapping[str, Any]) -> CorsRequest:
    """Build the request view from a WSGI environ.

    Args:
        environ: The WSGI environ.

    Returns:
        The request view, with header values exactly as received.
    """
    get = environ.get
    return CorsRequest(
        get("REQUEST_METHOD", "GET").upper(),
        get("HTTP_ORIGIN"),
        get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
        get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
        get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK") == "true",
    )


def evaluate(policy: ResolvedPolicy, environ: Mapping[str, Any]) -> Decision:
    """Decide about the current request, and log the decision at DEBUG level.

    Request values are logged with ``repr``, so a crafted header or path
    cannot forge log lines; with DEBUG off nothing is formatted.
    """
    view = request_view(environ)
    decision = decide(policy, view)
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s %r %r from origin %r: %s",
            "allowed" if decision.allowed else "refused",
            decision.kind,
            view.method,
            request.path,
            view.origin,
            decision.reason,
        )
    return decision


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
    present = {name.lower() for name in target.keys()}
    for name, value in headers.items():
        if name.lower() not in present:
            target.add(name, value)  # the common case: no scan for an old value
        elif name == "Vary":
            target["Vary"] = merge_vary(target.getlist("Vary"), value)
        else:
            target[name] = value
    return response


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


def cross_origin(policy: CorsPolicy | None = None, /, **options: Any) -> Callable[[F], F]:
    """Allow cross-origin requests to one view.

    ``cross_origin(**kw)``, ``cross_origin(policy)`` and
    ``cross_origin(policy, **overrides)`` (that is, ``policy |
    CorsPolicy(**overrides)``) are accepted. The policy is resolved and checked
    here, so an unsafe or misspelt setting fails when the module is imported.

    Works on plain and ``async`` views, on the methods of class-based views
    (``MethodView``, flask-restful ``Resource``) and in a view class's
    ``decorators`` list. With ``automatic_options`` (the default) a preflight
    is answered without running the view; a view class whose methods carry
    the decorator gets an ``options`` method for that, unless it has one.
    Error responses raised by the view (``abort``, exceptions turned into
    500) carry the CORS headers too.

    Args:
        policy: A policy to start from.
        **options: Settings, by the names of [`CorsPolicy`][cors.CorsPolicy].

    Returns:
        A decorator. It wraps the view in a new callable and leaves the view
        function itself unchanged.

    Raises:
        TypeError: An unknown keyword argument.
        CorsConfigError: An invalid or unsafe setting.
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
        functools.update_wrapper(self, view)
        self.cors_policy = policy
        self._view = view
        self._is_async = inspect.iscoroutinefunction(view)
        if policy.automatic_options:
            self.required_methods = {*getattr(view, "required_methods", ()), "OPTIONS"}

    @property
    def provide_automatic_options(self) -> bool | None:
        """Flask's automatic OPTIONS stays off while this view answers preflights."""
        if self.cors_policy.automatic_options:
            return False
        return cast("bool | None", getattr(self._view, "provide_automatic_options", None))

    @provide_automatic_options.setter
    def provide_automatic_options(self, value: bool | None) -> None:
        # View.as_view() assigns the class's setting; keeping ours lets a view
        # class's ``decorators = [cross_origin(...)]`` answer preflights.
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Returns a Response, or whatever the view returns (Flask's
        # ResponseReturnValue, unchecked) when the extension writes the headers.
        environ = request.environ
        policy = self.cors_policy
        automatic = policy.automatic_options and environ.get("REQUEST_METHOD") == "OPTIONS"
        if environ.get(HANDLED):  # a CORS(app) rule covers this request
            return current_app.make_default_options_response() if automatic else self._run(args, kwargs)
        decision = evaluate(policy, environ)
        if automatic:
            if decision.kind == "preflight":
                return preflight_response(decision.headers)
            return apply_headers(decision.headers, current_app.make_default_options_response())
        try:
            result = self._run(args, kwargs)
        except BaseException:
            # abort(), HTTP errors and 500s: Flask makes the response later.
            after_this_request(functools.partial(apply_headers, decision.headers))
            raise
        if not isinstance(result, Response):
            result = current_app.make_response(result)
        return apply_headers(decision.headers, result)

    def _run(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        function = current_app.ensure_sync(self._view) if self._is_async else self._view
        result = function(*args, **kwargs)
        if isinstance(result, Response):
            # The view may hand out one Response object to many requests; the
            # headers of this request go on a copy.
            result = copy.copy(result)
            result.headers = result.headers.copy()
        return result

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        return self if instance is None else types.MethodType(self, instance)

    def __set_name__(self, owner: type, name: str) -> None:
        if (
            name in HTTP_METHOD_FUNCS
            and self.cors_policy.automatic_options
            and getattr(owner, "options", None) is None
        ):
            owner.options = _answer_preflight  # type: ignore[attr-defined]


def _answer_preflight(self: object, *args: Any, **kwargs: Any) -> Any:
    """Answer OPTIONS for a view class whose methods carry ``cross_origin``.

    A preflight gets the policy of the method it asks about; any other
    OPTIONS request gets Flask's default answer.
    """
    asked = (request.headers.get("Access-Control-Request-Method") or "").lower()
    handler = inspect.getattr_static(type(self), asked, None) if asked in HTTP_METHOD_FUNCS else None
    if isinstance(handler, CorsView) and handler.cors_policy.automatic_options:
        return handler(self, *args, **kwargs)
    return current_app.make_default_options_response()
