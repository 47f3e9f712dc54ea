"""CorsPolicy: the immutable, composable description of what to allow.

Dependency rule: this module is part of the pure core. It imports nothing from
Flask or Werkzeug, keeps no global state and does no I/O.

Every field defaults to ``UNSET``, meaning "not specified here". That makes
``CorsPolicy()`` the identity of ``|`` and lets partial policies (credentials
here, origins there) live as separate constants. The effective value of an
unset field is its default, filled in by [`resolve`][cors.resolve].
"""

from __future__ import annotations

import enum
import os
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from ._errors import CorsConfigError, CorsWarning
from ._origins import (
    ANY_ORIGIN,
    NULL_ORIGIN,
    REGEX_METACHARACTERS,
    OriginCheck,
    OriginMatcher,
    OriginSpec,
    check_credentialed_origins,
    normalize_origin_spec,
    origin_kind,
    overreach,
    regex_reach_problem,
)


class Unset(enum.Enum):
    """The type of :data:`UNSET`."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET
"""A field that a policy leaves to the layers below it (or to the default)."""

HeaderSpec = str | re.Pattern[str]
"""One allowed request header: a name, ``"*"``, or a regular expression."""

_T = TypeVar("_T")
if TYPE_CHECKING:
    _Attribute = attrs.Attribute[Any]
else:  # attrs.Attribute is not subscriptable at run time
    _Attribute = attrs.Attribute
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# A header name written with only these characters is a name, not a pattern.
_PLAIN_NAME = re.compile(r"[!#%&'._`~0-9A-Za-z-]+")
_FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})

# flask-cors's list: OPTIONS too, so a preflight may ask for it and a plain
# OPTIONS request is answered like any other.
DEFAULT_METHODS: Final = frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"})


def _items(name: str, value: object) -> list[object]:
    """Split a setting given as one string, one pattern or an iterable of them."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")] if name != "origins" else [value]
    if isinstance(value, re.Pattern):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return list(value)
    msg = f"{name}: {value!r} is a {type(value).__name__}; give a string or a list of strings."
    raise CorsConfigError(msg)


def _to_origins(
    value: OriginSpec | Iterable[OriginSpec] | None | Unset,
) -> frozenset[OriginSpec] | Unset:
    if value is None or value is UNSET:
        return UNSET
    # A function is one spec, whatever else it is (a callable object may also be iterable).
    specs = [value] if callable(value) or isinstance(value, OriginCheck) else _items("origins", value)
    if not specs:
        msg = (
            "origins: the list is empty, so no origin could ever be allowed; "
            "list the origins to allow, or leave CORS off this view."
        )
        raise CorsConfigError(msg)
    return frozenset(normalize_origin_spec(spec) for spec in specs)  # type: ignore[arg-type]


def _to_methods(value: str | Iterable[str] | None | Unset) -> frozenset[str] | Unset:
    if value is None or value is UNSET:
        return UNSET
    methods: set[str] = set()
    for item in _items("methods", value):
        if not isinstance(item, str) or not _TOKEN.fullmatch(item) or item == "*":
            msg = (
                f"methods: {item!r} is not an HTTP method name; "
                'list methods by name, e.g. methods=["GET", "POST"].'
            )
            raise CorsConfigError(msg)
        method = item.upper()
        if method in _FORBIDDEN_METHODS:
            msg = (
                f"methods: {method} is a forbidden method that browsers never send "
                "cross-origin; remove it."
            )
            raise CorsConfigError(msg)
        methods.add(method)
    if not methods:
        msg = "methods: the list is empty; list the methods to allow, e.g. [\"GET\"]."
        raise CorsConfigError(msg)
    return frozenset(methods)


def _header_specs(
    name: str, value: HeaderSpec | Iterable[HeaderSpec], *, patterns: bool
) -> frozenset[HeaderSpec]:
    specs: set[HeaderSpec] = set()
    seen: set[str] = set()  # lower-cased names: the first spelling is kept
    for item in _items(name, value):
        if item == "" and isinstance(value, str):
            continue
        if isinstance(item, re.Pattern) and patterns and isinstance(item.pattern, str):
            specs.add(item)
        elif isinstance(item, str) and (item == "*" or _PLAIN_NAME.fullmatch(item)):
            # The spelling is kept for the answer; matching lower-cases it.
            if item.lower() not in seen:
                seen.add(item.lower())
                specs.add(item)
        elif isinstance(item, str) and patterns and REGEX_METACHARACTERS.intersection(item):
            try:
                re.compile(item)
            except re.error as exc:
                msg = f"{name}: {item!r} is neither a header name nor a valid regular expression ({exc})."
                raise CorsConfigError(msg) from None
            specs.add(item)
        else:
            kinds = '"*" or a regular expression' if patterns else '"*"'
            msg = (
                f"{name}: {item!r} is not a header name (letters, digits and "
                f"!#%&'._`~-), {kinds}; fix the name."
            )
            raise CorsConfigError(msg)
    return frozenset(specs)


def _to_allow_headers(
    value: HeaderSpec | Iterable[HeaderSpec] | None | Unset,
) -> frozenset[HeaderSpec] | Unset:
    if value is None or value is UNSET:
        return UNSET
    return _header_specs("allow_headers", value, patterns=True)


def _to_expose_headers(value: str | Iterable[str] | None | Unset) -> frozenset[str] | Unset:
    if value is None or value is UNSET:
        return UNSET
    return frozenset(str(h) for h in _header_specs("expose_headers", value, patterns=False))


def _to_max_age(value: timedelta | int | str | None | Unset) -> int | None | Unset:
    if value is UNSET:
        return UNSET
    if value is None:
        return None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, str) and value.strip().isdigit():
        seconds = int(value.strip())
    elif isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    else:
        msg = (
            f"max_age: {value!r} is not a number of seconds; give an int, "
            "a string of digits or a timedelta."
        )
        raise CorsConfigError(msg)
    if seconds < 0:
        msg = (
            f"max_age: {value!r} is negative; use 0 to stop browsers caching "
            "preflights, or a positive number of seconds."
        )
        raise CorsConfigError(msg)
    return int(seconds)


def _check_flag(instance: object, attribute: _Attribute, value: Any) -> None:
    if value is not UNSET and not isinstance(value, bool):
        msg = f"{attribute.name}: {value!r} is not a bool; use True or False."
        raise CorsConfigError(msg)


@attrs.frozen(kw_only=True, repr=False)
class CorsPolicy:
    """Which cross-origin requests to allow, and what to tell the browser.

    Accepts exactly the keyword arguments of [`cross_origin`][cors.cross_origin], so
    ``cross_origin(**kw)`` and ``cross_origin(CorsPolicy(**kw))`` are the same.
    Values are normalised (origins canonical, methods upper-cased, ``max_age``
    in seconds; header names keep their spelling) and checked at once; a setting
    that cannot work raises [`CorsConfigError`][cors.CorsConfigError] with the fix. ``None``
    for a list setting means the same as leaving it out; ``max_age=None``
    means no ``Access-Control-Max-Age``; the flags take only ``True`` or ``False``.

    ``a | b`` merges like ``dict | dict``: every setting ``b`` specifies
    replaces the one in ``a``. ``CorsPolicy()`` specifies nothing.

    Attributes:
        origins: Allowed origins: strings, compiled patterns, and functions
            ``(origin: str) -> bool`` (each kept as an
            [`OriginCheck`][cors.OriginCheck]). Default ``"*"`` (any
            origin, ``null`` included).
        methods: Methods a preflight may ask for. Default GET, HEAD, POST,
            OPTIONS, PUT, PATCH, DELETE.
        expose_headers: Response headers the page's script may read.
        allow_headers: Request headers a preflight may ask for: names,
            ``"*"`` (any, ``Authorization`` included: the requested names are
            echoed) or regular expressions. Default ``"*"``.
        supports_credentials: Allow cookies and HTTP authentication.
        max_age: Seconds a browser may cache a preflight answer.
        send_wildcard: With ``origins="*"``, answer ``*`` instead of echoing
            the origin.
        vary_header: Send ``Vary: Origin`` when the answer depends on the
            origin. Only ``False`` where it does not (``send_wildcard``).
        automatic_options: Answer preflights without running the view.
        allow_private_network: Answer Private Network Access preflights.
        always_send: With ``origins="*"``, answer ``*`` to requests without
            an Origin too.
        write_protection: Refuse, with 403 before the view runs, a request
            with an unsafe method (not GET, HEAD or OPTIONS) that a browser
            sent from another origin, unless that origin is in ``origins``.
            See [Security](security.md#cross-origin-write-protection).
    """

    origins: frozenset[OriginSpec] | Unset = attrs.field(default=UNSET, converter=_to_origins)
    methods: frozenset[str] | Unset = attrs.field(default=UNSET, converter=_to_methods)
    expose_headers: frozenset[str] | Unset = attrs.field(
        default=UNSET, converter=_to_expose_headers
    )
    allow_headers: frozenset[HeaderSpec] | Unset = attrs.field(
        default=UNSET, converter=_to_allow_headers
    )
    supports_credentials: bool | Unset = attrs.field(default=UNSET, validator=_check_flag)
    max_age: int | None | Unset = attrs.field(default=UNSET, converter=_to_max_age)
    send_wildcard: bool | Unset = attrs.field(default=UNSET, validator=_check_flag)
    vary_header: bool | Unset = attrs.field(default=UNSET, validator=_check_flag)
    automatic_options: bool | Unset = attrs.field(default=UNSET, validator=_check_flag)
    allow_private_network: bool | Unset = attrs.field(default=UNSET, validator=_check_flag)
    always_send: bool | Unset = attrs.field(default=UNSET, validator=_check_flag)
    write_protection: bool | Unset = attrs.field(default=UNSET, validator=_check_flag)

    def __attrs_post_init__(self) -> None:
        _check_conflicts(self.specified())

    def specified(self) -> dict[str, Any]:
        """Return the settings this policy specifies, by keyword name."""
        return {
            name: value
            for name in SETTING_NAMES
            if (value := getattr(self, name)) is not UNSET
        }

    def __or__(self, other: CorsPolicy) -> CorsPolicy:
        """Merge like ``dict | dict``: the settings ``other`` specifies win.

        Raises:
            CorsConfigError: The merged settings are unsafe.
        """
        if not isinstance(other, CorsPolicy):
            return NotImplemented
        return attrs.evolve(self, **other.specified())

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={_show(v)}" for k, v in self.specified().items())
        return f"CorsPolicy({settings})"


def _show(value: object) -> str:
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(map(repr, value))) + "}"
    return repr(value)


SETTING_NAMES: Final = tuple(a.name for a in attrs.fields(CorsPolicy))
"""The keyword names of every setting, in declaration order."""

DEFAULTS: Final[Mapping[str, object]] = {
    "origins": frozenset({ANY_ORIGIN}),
    "methods": DEFAULT_METHODS,
    "expose_headers": frozenset(),
    "allow_headers": frozenset({"*"}),
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "vary_header": True,
    "automatic_options": True,
    "allow_private_network": False,
    "always_send": True,
    "write_protection": False,
}


def _check_conflicts(settings: Mapping[str, object], defaulted: frozenset[str] = frozenset()) -> None:
    """Raise for combinations that cannot work or are unsafe.

    Each check runs only when every setting it involves is present, so a
    partial policy is checked for what it says, and a resolved one in full.
    ``defaulted`` names the settings that come from the defaults.
    """

    def given(*names: str) -> bool:
        return all(name in settings for name in names)

    origins = settings.get("origins", frozenset())
    assert isinstance(origins, frozenset)
    credentials = settings.get("supports_credentials") is True
    if given("origins", "supports_credentials") and credentials:
        if ANY_ORIGIN in origins:
            msg = (
                f"supports_credentials=True with origins='*'{' (the default)' if 'origins' in defaulted else ''} would let "
                "every website read authenticated responses; list the allowed "
                "origins, e.g. origins=['https://app.example.com']."
            )
            raise CorsConfigError(msg)
        if NULL_ORIGIN in origins:
            msg = (
                "supports_credentials=True with origins containing 'null' would let "
                "any sandboxed iframe or data: page read authenticated responses; "
                "remove 'null' from origins."
            )
            raise CorsConfigError(msg)
        check_credentialed_origins(origins)
    if given("expose_headers", "supports_credentials") and credentials:
        if "*" in settings["expose_headers"]:  # type: ignore[operator]
            msg = (
                "expose_headers='*' exposes nothing with supports_credentials=True "
                "(browsers read it as a header named '*'); list the header names."
            )
            raise CorsConfigError(msg)
    if given("origins", "send_wildcard") and settings["send_wildcard"] is True:
        if ANY_ORIGIN not in origins:
            msg = (
                "send_wildcard=True only applies with origins='*'; remove "
                "send_wildcard, or allow any origin with origins='*'."
            )
            raise CorsConfigError(msg)
    if given("origins", "allow_private_network") and settings["allow_private_network"] is True:
        if ANY_ORIGIN in origins:
            msg = (
                "allow_private_network=True with origins='*' would let every public "
                "website reach this private-network service; list the allowed origins."
            )
            raise CorsConfigError(msg)
    if given("origins", "write_protection") and settings["write_protection"] is True:
        if ANY_ORIGIN in origins:
            msg = (
                f"write_protection=True with origins='*'{' (the default)' if 'origins' in defaulted else ''} "
                "would refuse nothing: every origin may write; list the origins allowed to "
                "send writes, e.g. origins=['https://app.example.com']."
            )
            raise CorsConfigError(msg)
    if given("vary_header", "origins", "send_wildcard", "always_send"):
        if settings["vary_header"] is False and _depends_on_origin(settings):
            msg = (
                "vary_header=False is only safe when the answer is the same for every "
                "origin; without Vary: Origin a cache would serve one origin's "
                "answer to another. Keep vary_header=True, or use origins='*' with "
                "send_wildcard=True."
            )
            raise CorsConfigError(msg)


# Browsers cap Access-Control-Max-Age: Chromium at 7200 s, Safari at 600 s.
MAX_HONOURED_MAX_AGE = 7200
_UNESCAPED_DOT = re.compile(r"(?<!\\)\.(?![*+?{])")
# A group that repeats something repeated, such as (a+)+ or (\w*)*: matching
# such a pattern against a crafted Origin can take exponential time.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)[+*{]")
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
# Forbidden response-header names: the Fetch Standard never lets a script read them.
_NEVER_EXPOSED = frozenset({"set-cookie", "set-cookie2"})


def lint(settings: Mapping[str, object]) -> list[str]:
    """Legal settings that are probably mistakes, as warning messages.

    Args:
        settings: Every setting, defaults filled in.
    """
    messages = []
    max_age = settings["max_age"]
    if isinstance(max_age, int) and max_age > MAX_HONOURED_MAX_AGE:
        messages.append(
            f"max_age={max_age} is longer than browsers cache preflights (Chromium "
            f"7200 s, Safari 600 s); use at most {MAX_HONOURED_MAX_AGE}."
        )
    expose: frozenset[str] = settings["expose_headers"]  # type: ignore[assignment]
    for name in sorted(h for h in expose if h.lower() in _NEVER_EXPOSED):
        messages.append(
            f"expose_headers: {name!r} is never exposed: browsers hide Set-Cookie and "
            "Set-Cookie2 from scripts whatever the server sends (cookies are still "
            f"stored when credentials are allowed); remove {name!r}."
        )
    credentials = settings["supports_credentials"] is True
    origins: frozenset[OriginSpec] = settings["origins"]  # type: ignore[assignment]
    for spec in sorted(origins, key=str):
        if isinstance(spec, OriginCheck):
            if ANY_ORIGIN in origins:
                messages.append(
                    f"origins: '*' allows every origin, so {spec.name} is never asked; "
                    "remove '*' to let it decide."
                )
            continue
        assert isinstance(spec, (str, re.Pattern))
        text = spec.pattern if isinstance(spec, re.Pattern) else spec
        kind = origin_kind(spec)
        regex = kind == "regex"
        # With credentials, an over-wide origin is a CorsConfigError already.
        problem = None if credentials else overreach(spec, credentials=False)
        problem = problem or regex_reach_problem(spec)
        if problem is not None:
            messages.append(problem)
        elif regex and _UNESCAPED_DOT.search(text.split("://", 1)[-1]):
            messages.append(
                f"origins: the regular expression {text!r} has an unescaped '.', which matches "
                "any character (e.g. 'exampleXcom'); write '\\.'."
            )
        if regex and _NESTED_QUANTIFIER.search(text):
            messages.append(
                f"origins: the regular expression {text!r} repeats a repeated group, which can "
                "take exponential time on a crafted Origin; use a subdomain pattern such as "
                "'https://*.example.com', or a regex without nested repetition."
            )
        if credentials and kind in ("exact", "subdomains") and text.startswith("http://"):
            host = text[len("http://") :].rsplit(":", 1)[0] if not text.endswith("]") else text[len("http://") :]
            if host not in _LOCAL_HOSTS and not host.endswith(".localhost"):
                messages.append(
                    f"origins: {text!r} is plain http with supports_credentials=True; anyone on "
                    "the network path can act as that origin. Use https."
                )
    return messages


def _caller_stacklevel() -> int:
    """The stacklevel of the first frame outside this package, for warnings."""
    package = os.path.dirname(__file__)
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == package:
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    return level


def _depends_on_origin(settings: Mapping[str, object]) -> bool:
    static = (
        ANY_ORIGIN in settings["origins"]  # type: ignore[operator]
        and settings["send_wildcard"] is True
        and settings["always_send"] is True
    )
    return not static


@attrs.frozen
class ResolvedPolicy:
    """A policy with every setting filled in and compiled for fast evaluation.

    Built once by [`resolve`][cors.resolve] when a policy is attached to a view or an
    app; request handling only reads it.
    """

    policy: CorsPolicy
    match_origin: OriginMatcher
    wildcard: bool
    vary_origin: bool
    supports_credentials: bool
    methods: frozenset[str]
    allow_any_header: bool
    allowed_headers: frozenset[str]
    header_patterns: tuple[re.Pattern[str], ...]
    allow_private_network: bool
    always_send: bool
    automatic_options: bool
    write_protection: bool
    actual_headers: Mapping[str, str]
    preflight_headers: Mapping[str, str]
    refused_headers: Mapping[str, str]
    refused_preflight_headers: Mapping[str, str]
    refused_method_headers: Mapping[str, str]
    no_origin_headers: Mapping[str, str]


def _value(settings: Mapping[str, object], name: str, kind: type[_T]) -> _T:
    value = settings[name]
    assert isinstance(value, kind)
    return value


def resolve(policy: CorsPolicy) -> ResolvedPolicy:
    """Fill in defaults, check the whole policy and precompute its headers.

    Args:
        policy: The policy to resolve.

    Returns:
        The resolved policy that [`cors_headers`][cors.cors_headers] evaluates.

    Raises:
        CorsConfigError: The policy, with defaults filled in, is unsafe.
    """
    specified = policy.specified()
    settings = {**DEFAULTS, **specified}
    _check_conflicts(settings, frozenset(DEFAULTS).difference(specified))
    for message in lint(settings):
        warnings.warn(message, CorsWarning, stacklevel=_caller_stacklevel())
    origins = _value(settings, "origins", frozenset)
    credentials = _value(settings, "supports_credentials", bool)
    wildcard = ANY_ORIGIN in origins and _value(settings, "send_wildcard", bool)
    vary_origin = _depends_on_origin(settings)
    methods = _value(settings, "methods", frozenset)
    allow = _value(settings, "allow_headers", frozenset)
    expose = _value(settings, "expose_headers", frozenset)
    max_age = settings["max_age"]
    private_network = _value(settings, "allow_private_network", bool)

    vary_actual = "Origin" if vary_origin else None
    vary_preflight = ", ".join(
        ([vary_actual] if vary_actual else [])
        + ["Access-Control-Request-Method", "Access-Control-Request-Headers"]
        + (["Access-Control-Request-Private-Network"] if private_network else [])
    )
    common: dict[str, str] = {}
    if credentials:
        common["Access-Control-Allow-Credentials"] = "true"
    actual = dict(common)
    if expose:
        actual["Access-Control-Expose-Headers"] = ", ".join(sorted(expose))
    if vary_actual:
        actual["Vary"] = vary_actual
    preflight = dict(common)
    preflight["Access-Control-Allow-Methods"] = ", ".join(sorted(methods))
    if max_age is not None:
        preflight["Access-Control-Max-Age"] = str(max_age)
    preflight["Vary"] = vary_preflight
    if ANY_ORIGIN in origins and _value(settings, "always_send", bool):
        # "Send CORS headers even without Origin header": safe with "*" only,
        # which reveals nothing an allow-list would.
        no_origin = {"Access-Control-Allow-Origin": "*", **actual}
    else:
        no_origin = {"Vary": vary_actual} if vary_actual else {}
    return ResolvedPolicy(
        policy=policy,
        match_origin=OriginMatcher.compile(origins),
        wildcard=wildcard,
        vary_origin=vary_origin,
        supports_credentials=credentials,
        methods=methods,
        allow_any_header="*" in allow,
        allowed_headers=frozenset(h.lower() for h in allow if isinstance(h, str) and _PLAIN_NAME.fullmatch(h)),
        header_patterns=tuple(
            h if isinstance(h, re.Pattern) else re.compile(h, re.IGNORECASE)
            for h in allow
            if not (isinstance(h, str) and (h == "*" or _PLAIN_NAME.fullmatch(h)))
        ),
        allow_private_network=private_network,
        always_send=_value(settings, "always_send", bool),
        automatic_options=_value(settings, "automatic_options", bool),
        write_protection=_value(settings, "write_protection", bool),
        # Read-only: answers that need no change per request share them.
        actual_headers=MappingProxyType(actual),
        preflight_headers=MappingProxyType(preflight),
        refused_headers=MappingProxyType({"Vary": vary_actual} if vary_actual else {}),
        refused_preflight_headers=MappingProxyType({"Vary": vary_preflight}),
        refused_method_headers=MappingProxyType({**common, "Vary": vary_preflight}),
        no_origin_headers=MappingProxyType(no_origin),
    )

