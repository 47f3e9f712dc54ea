"""Origin specifications: parsing at configuration time, matching per request.

Dependency rule: this module is part of the pure core. It imports nothing from
Flask or Werkzeug, keeps no state that changes a result (the Public Suffix List
is read once, on first use) and does no I/O beyond that read of the list that
the ``publicsuffixlist`` package ships. One state is the app's own: the answers
of an [`OriginCheck`][cors.OriginCheck], kept by the resolved policy for their
time-to-live so that the app's function is not asked on every request; a
function that fails is logged to the ``cors`` logger.

How a configured origin string is read, first rule that applies:

1. ``"*"`` allows any origin a browser sends, the opaque origin ``null``
   included (``*`` never goes with credentials).
2. ``"null"`` allows the opaque origin ``null``.
3. A string shaped like ``scheme://host[:port]`` is an exact origin; written
   ``scheme://*.host`` it allows every subdomain of ``host`` (not ``host``
   itself); a ``:*`` port allows any port. It is stored as a browser
   serializes it (the Fetch Standard's ``serialized-origin``): scheme and
   host lower-cased, a Unicode host encoded by UTS #46 as browsers do. A
   trailing slash, a path, a default port or a non-canonical IP address is
   rewritten to that form with a `CorsWarning`.
4. Anything else that contains a regular-expression metacharacter is a
   regular expression, matched against the *whole* origin (``fullmatch``).
5. Anything else, and anything that no browser can send (no scheme,
   userinfo, an invalid host or port, an invalid regular expression), is
   kept but never matches, with a `CorsWarning` that says what may have been
   meant: flask-cors accepted such values and they never matched there
   either.

Compiled ``re.Pattern`` objects are always regular expressions, matched with
``fullmatch`` and their own flags. A callable ``(origin: str) -> bool``, bare
or wrapped in an [`OriginCheck`][cors.OriginCheck], is asked about a
well-formed origin that no other spec allows.
"""

from __future__ import annotations

import functools
import inspect
import ipaddress
import logging
import os
import re
import sys
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal, Union

import attrs
import idna

from ._errors import CorsConfigError, CorsWarning

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

StaticOriginSpec = Union[str, re.Pattern[str]]
"""One configured origin that the policy matches itself: a string or a compiled regex."""


def _to_ttl(value: timedelta | float) -> float:
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        msg = f"OriginCheck: ttl={value!r} is not a number of seconds; give an int, a float or a timedelta."
        raise CorsConfigError(msg)
    if not seconds > 0:
        msg = (
            f"OriginCheck: ttl={value!r} is not positive; give the seconds an answer is kept, "
            "e.g. ttl=60 (a function fast enough to ask on every request needs no OriginCheck)."
        )
        raise CorsConfigError(msg)
    return seconds


def _check_max_size(instance: object, attribute: object, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        msg = f"OriginCheck: max_size={value!r} is not a positive int; give the most origins kept, e.g. 1024."
        raise CorsConfigError(msg)


def _check_function(instance: object, attribute: object, value: Any) -> None:
    if not callable(value):
        msg = f"OriginCheck: {value!r} is not callable; give a function (origin: str) -> bool."
        raise CorsConfigError(msg)
    if inspect.iscoroutinefunction(value):
        msg = (
            f"OriginCheck: {_name(value)} is an async function, which returns a coroutine that "
            "cannot be awaited where origins are matched; give a plain function (origin: str) -> bool."
        )
        raise CorsConfigError(msg)
    try:
        hash(value)
    except TypeError:
        msg = (
            f"OriginCheck: {value!r} is not hashable, and a policy is a hashable value; "
            "give a function or a method (origin: str) -> bool."
        )
        raise CorsConfigError(msg) from None


def _name(function: object) -> str:
    """A function's ``module.qualname``, as ``flask cors routes`` shows it."""
    qualname = getattr(function, "__qualname__", None)
    module = getattr(function, "__module__", None)
    if isinstance(qualname, str) and isinstance(module, str):
        return f"{module}.{qualname}"
    return repr(function)


DEFAULT_CHECK_TTL = 60.0
"""Seconds an [`OriginCheck`][cors.OriginCheck] keeps an answer by default."""
DEFAULT_CHECK_MAX_SIZE = 1024
"""Origins an [`OriginCheck`][cors.OriginCheck] keeps answers for by default."""


@attrs.frozen(repr=False)
class OriginCheck:
    """Origins allowed by the app's own function, with its answers cached.

    ``origins`` takes a bare function ``(origin: str) -> bool`` too: it is
    wrapped in an ``OriginCheck`` with the default ``ttl`` and ``max_size``.
    The function is asked only about a well-formed origin, as browsers send
    it (``https://shop.example.com``: scheme and host in lower case, no
    path, no default port), that no other origin in the list allows; never
    about ``null``, a malformed or an over-long value. Only ``True`` allows
    the origin; a function that raises or returns anything but a bool
    refuses it, and is logged (logger ``cors``, level ERROR) once per origin
    until its answer expires. It is called while the request is served,
    inside the app context, so it may query the app's database.

    Each resolved policy (a decorated view, a path rule) keeps its own
    answers, refusals included, for ``ttl`` seconds, for at most
    ``max_size`` origins, dropping the least recently used first: a change
    in the data shows within ``ttl``, and a flood of made-up origins costs
    at most ``max_size`` entries. Two requests for an origin not yet known
    may both ask the function.

    ``OriginCheck(function, ttl=60, max_size=1024)``: ``ttl`` and
    ``max_size`` are keywords. It raises
    [`CorsConfigError`][cors.CorsConfigError] when ``function`` is not
    callable, is an ``async`` function or is not hashable, or when ``ttl``
    or ``max_size`` is not positive.

    Attributes:
        function: Tells whether a page at this origin may read responses.
        ttl: Seconds an answer is kept (given as a number or a ``timedelta``).
            Default 60.
        max_size: The most origins whose answers are kept. Default 1024.
    """

    function: Callable[[str], bool] = attrs.field(validator=_check_function)
    ttl: float = attrs.field(default=DEFAULT_CHECK_TTL, converter=_to_ttl, kw_only=True)
    max_size: int = attrs.field(default=DEFAULT_CHECK_MAX_SIZE, validator=_check_max_size, kw_only=True)

    @property
    def name(self) -> str:
        """The function's ``module.qualname``."""
        return _name(self.function)

    def __repr__(self) -> str:
        return f"OriginCheck({self.name}, ttl={self.ttl:g}, max_size={self.max_size})"

    def __str__(self) -> str:
        return self.name


OriginSpec = Union[str, re.Pattern[str], OriginCheck, Callable[[str], bool]]
"""One configured origin: a string (see the module docstring), a compiled
regex, or a function ``(origin: str) -> bool`` (bare or in an
[`OriginCheck`][cors.OriginCheck])."""

logger = logging.getLogger("cors")

ANY_ORIGIN = "*"
NULL_ORIGIN = "null"

# Longest Origin value worth matching: a scheme, a 253-character host and a port
# fit well within it. Longer values are refused before any hashing or regex work,
# so a hostile 1 MB header costs nothing.
MAX_ORIGIN_LENGTH = 512

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
REGEX_METACHARACTERS = frozenset("\\^$()|+?{}[]*")
_HOST_CHARS = r"[^\s/?#@:\[\]\\*^$()|+{},]"
_ORIGIN_LIKE = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://"
    r"(?P<userinfo>[^@/\s]*@)?"
    rf"(?P<host>\*\.{_HOST_CHARS}+|{_HOST_CHARS}+|\[[0-9A-Fa-f:.]+\])"
    r"(?::(?P<port>[0-9]+|\*))?"
    r"(?P<path>[/?#].*)?",
    re.DOTALL,
)
# A bracketed host with a colon is meant as IPv6; without one, "[a-z]" after
# the scheme is a regex character class.
_BRACKETED_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\[[^\]]*:[^\]]*\]")

# The Fetch Standard's serialized-origin (whatwg/fetch 301650c). Its
# serialized-ipv4 needs no alternative of its own: every dotted quad is also
# a serialized-domain. One deliberate extension: "_" in a domain label, which
# browsers send (the URL Standard allows it) and which delimits nothing.
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?"
# The same labels joined by dots, written so that no character can be read two
# ways: a hyphen must be followed by a label character, a dot by a letter or
# digit. Matching takes linear time, whatever the input.
_DOMAIN = r"[a-z0-9_](?:[a-z0-9_]|-(?=[a-z0-9_-])|\.(?=[a-z0-9_]))*"
_H16 = r"(?:0|[1-9a-f][0-9a-f]{0,3})"
_IPV6 = "|".join(
    [
        rf"(?:{_H16}:){{7}}{_H16}",
        rf"::(?:{_H16}:){{5}}{_H16}",
        rf"(?:{_H16})?::(?:{_H16}:){{4}}{_H16}",
        rf"(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_H16}",
        rf"(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_H16}",
        rf"(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_H16}",
        rf"(?:(?:{_H16}:){{0,4}}{_H16})?::{_H16}",
        rf"(?:(?:{_H16}:){{0,5}}{_H16})?::",
    ]
)
SERIALIZED_ORIGIN = re.compile(rf"[a-z][a-z0-9+.-]*://(?:{_DOMAIN}|\[(?:{_IPV6})\])(?::[0-9]{{1,5}})?")
"""The Fetch Standard's ``serialized-origin``: what a browser sends as Origin, ``null`` aside."""

# The same grammar in two cheap steps, for every request: one character-class
# scan, then substring checks for empty labels and hyphens at a label's edge.
_ORIGIN_SHAPE = re.compile(r"[a-z][a-z0-9+.-]*://(?:([a-z0-9_.-]+)|\[([0-9a-f:]+)\])(?::[0-9]{1,5})?")
_IPV6_ADDRESS = re.compile(_IPV6)


def is_serialized_origin(origin: str) -> bool:
    """Tell whether a request's Origin is a serialized origin, as browsers send.

    Checked before an origin is matched by a pattern or reflected, so that no
    malformed value is ever echoed back. Same answer as
    ``SERIALIZED_ORIGIN.fullmatch``, faster on long hostile values.
    """
    shaped = _ORIGIN_SHAPE.fullmatch(origin)
    if shaped is None:
        return False
    domain = shaped[1]
    if domain is None:
        return _IPV6_ADDRESS.fullmatch(shaped[2]) is not None
    dotted = f".{domain}."
    return ".." not in dotted and ".-" not in dotted and "-." not in dotted


_DOMAIN_LABEL = re.compile(_LABEL)
_SUBDOMAINS = r"(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)+"
# The URL Standard reads a host whose last label is a number as IPv4.
_ENDS_IN_NUMBER = re.compile(r"(?:.*\.)?(?:[0-9]+|0[xX][0-9A-Fa-f]*)\.?", re.DOTALL)
_IPV4_PART = {10: re.compile(r"[0-9]+"), 8: re.compile(r"[0-7]*"), 16: re.compile(r"[0-9A-Fa-f]*")}


class IgnoredOrigin(str):
    """A configured origin that no browser can send: kept, never matched.

    A subclass of ``str`` so that a policy still shows what was configured,
    and so that normalising it again (as ``|`` does) does not warn again.
    """

    __slots__ = ()


class _Unusable(Exception):
    """Why a configured origin can never match, and what may have been meant."""

    def __init__(self, why: str, suggestion: str | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.suggestion = suggestion


def _warn(message: str) -> None:
    """Warn at the first frame outside the package (and outside attrs' generated code)."""
    package = os.path.dirname(__file__)
    frame, level = sys._getframe(0), 1
    while frame.f_back is not None and (
        os.path.dirname(frame.f_code.co_filename) == package
        or frame.f_code.co_filename.startswith("<attrs generated")
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, CorsWarning, stacklevel=level)


def _ipv6_text(address: ipaddress.IPv6Address) -> str:
    """Serialize an IPv6 address as the URL Standard does (RFC 5952)."""
    pieces = [int.from_bytes(address.packed[i : i + 2], "big") for i in range(0, 16, 2)]
    start, length = -1, 1
    index = 0
    while index < 8:
        end = index
        while end < 8 and pieces[end] == 0:
            end += 1
        if end - index > length:
            start, length = index, end - index
        index = end + 1 if end == index else end
    words = [f"{piece:x}" for piece in pieces]
    if start < 0:
        return ":".join(words)
    return ":".join(words[:start]) + "::" + ":".join(words[start + length :])


def _browser_ipv4(host: str) -> str | None:
    """Read a host that ends in a number as the URL Standard's IPv4 parser does."""
    # A trailing dot or an empty part never gets here: the host is a valid domain.
    parts = host.split(".")
    numbers = []
    for part in parts:
        radix = 10
        if part[:2] in ("0x", "0X"):
            part, radix = part[2:], 16
        elif len(part) > 1 and part[0] == "0":
            part, radix = part[1:], 8
        if not _IPV4_PART[radix].fullmatch(part):
            return None
        numbers.append(int(part, radix) if part else 0)
    if len(numbers) > 4 or any(n > 255 for n in numbers[:-1]):
        return None
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(numbers[:-1]))
    return str(ipaddress.IPv4Address(value))


def _ipv4_host(host: str, notes: list[str]) -> str:
    """The canonical form of an IPv4 host, or raise when it is ambiguous or invalid."""
    browser = _browser_ipv4(host)
    if browser is None:
        raise _Unusable("has a host that ends in a number but is not an IPv4 address")
    parts = host.split(".")
    decimal = None
    if len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts):
        decimal = ".".join(str(int(p)) for p in parts)
    if decimal is not None and decimal != browser:
        raise _Unusable(
            f"has an IPv4 address with a leading zero, which browsers read as octal "
            f"({browser}, not {decimal})",
            decimal,
        )
    if browser != host:
        notes.append("browsers write an IPv4 address as four decimal numbers")
    return browser


def _domain_host(host: str) -> str:
    """Lower-case and encode a domain as browsers do (UTS #46, non-transitional)."""
    if not host.isascii():
        # idna's UTS #46 mapping is non-transitional (its only mode since 3.x):
        # faß.example is xn--fa-hia.example, as browsers send it, not fass.example.
        try:
            host = idna.uts46_remap(host, std3_rules=False)
            host = ".".join(
                label if label.isascii() else idna.alabel(label).decode("ascii")
                for label in host.split(".")
            )
        except idna.IDNAError:
            raise _Unusable("has a host name that is not a valid domain name") from None
    host = host.lower()
    if not all(_DOMAIN_LABEL.fullmatch(label) for label in host.split(".")):
        raise _Unusable("has a host name that is not a valid domain name")
    return host


def _canonical_host(host: str, notes: list[str]) -> str:
    if host.startswith("["):
        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise _Unusable("has an invalid IPv6 literal") from None
        canonical = f"[{_ipv6_text(address)}]"
        if canonical != host.lower():
            notes.append("browsers write an IPv6 address in its shortest form (RFC 5952)")
        return canonical
    encoded = _domain_host(host)
    if _ENDS_IN_NUMBER.fullmatch(encoded):
        return _ipv4_host(encoded, notes)
    return encoded


def _origin_from_parts(spec: str, shaped: re.Match[str], notes: list[str]) -> str:
    """The serialized origin of an origin-shaped spec, noting each rewrite."""
    scheme = shaped["scheme"].lower()
    raw_host = shaped["host"]
    wildcard = raw_host.startswith("*.")
    base = raw_host[2:] if wildcard else raw_host
    try:
        host = _canonical_host(base, notes)
    except _Unusable as problem:
        if problem.suggestion is not None:
            port = f":{shaped['port']}" if shaped["port"] else ""
            problem.suggestion = f"{scheme}://{problem.suggestion}{port}"
        raise
    if wildcard and _ENDS_IN_NUMBER.fullmatch(host):
        raise _Unusable("is a subdomain pattern over an IP address, which has no subdomains")
    host = ("*." if wildcard else "") + host
    canonical = f"{scheme}://{host}"
    port = shaped["port"]
    if port == "*":
        canonical += ":*"
    elif port is not None:
        number = int(port)
        if not 0 < number < 65536:
            raise _Unusable("has a port outside 1-65535", canonical)
        if number == _DEFAULT_PORTS.get(scheme):
            notes.append(f"browsers leave out the default port {number}")
        else:
            if port != str(number):
                notes.append("browsers write the port without leading zeros")
            canonical += f":{number}"
    if shaped["userinfo"]:
        raise _Unusable("has userinfo (user@), which is no part of an origin", canonical)
    path = shaped["path"]
    if path == "/":
        notes.append("an origin has no trailing slash")
    elif path:
        notes.append(
            f"an origin has no path ({path!r}), and a path cannot limit CORS: every "
            "page of a site shares its origin"
        )
    if len(canonical) > MAX_ORIGIN_LENGTH:
        raise _Unusable(f"is longer than the {MAX_ORIGIN_LENGTH} characters an Origin is matched up to")
    return canonical


def _no_scheme_suggestion(spec: str) -> str | None:
    if "://" in spec or not spec.strip("/"):
        return None
    host = spec.strip("/").split("/", 1)[0]
    local = host.split(":", 1)[0] in ("localhost", "127.0.0.1")
    return f"{'http' if local else 'https'}://{host}"


def _unusable(spec: str, problem: _Unusable) -> IgnoredOrigin:
    hint = f" Did you mean {problem.suggestion!r}?" if problem.suggestion else ""
    _warn(f"origins: {spec!r} {problem.why}, so it never matches what a browser sends; it is ignored.{hint}")
    return IgnoredOrigin(spec)


def normalize_origin_spec(spec: OriginSpec) -> StaticOriginSpec | OriginCheck:
    """Return the canonical form of one configured origin, or raise.

    Warns (`CorsWarning`) when it rewrites a spec to the origin a browser
    sends, and when a spec can never match (then it is returned as an
    ``IgnoredOrigin``).

    Args:
        spec: A configured origin (see the module docstring).

    Returns:
        ``"*"``, ``"null"``, a canonical exact origin or subdomain pattern
        (lower-case, IDNA-encoded), a regex string unchanged, the compiled
        pattern unchanged, an ``IgnoredOrigin``, or an ``OriginCheck`` (a
        bare function wrapped in one with the defaults).

    Raises:
        CorsConfigError: The spec is neither a string, a compiled str
            pattern nor a function that an ``OriginCheck`` takes.
    """
    if isinstance(spec, re.Pattern):
        if not isinstance(spec.pattern, str):
            msg = f"origins: {spec!r} is a bytes pattern; compile a str pattern instead."
            raise CorsConfigError(msg)
        return spec
    if isinstance(spec, OriginCheck):
        return spec
    if not isinstance(spec, str) and callable(spec):
        try:
            return OriginCheck(spec)
        except CorsConfigError as exc:
            raise CorsConfigError(f"origins: {str(exc).removeprefix('OriginCheck: ')}") from None
    if not isinstance(spec, str):
        msg = (
            f"origins: {spec!r} is a {type(spec).__name__}; give origins as strings, "
            "compiled regular expressions or functions (origin: str) -> bool."
        )
        raise CorsConfigError(msg)
    if isinstance(spec, IgnoredOrigin) or spec in (ANY_ORIGIN, NULL_ORIGIN):
        return spec
    if spec.lower() == NULL_ORIGIN:
        return NULL_ORIGIN
    shaped = _ORIGIN_LIKE.fullmatch(spec)
    try:
        if spec.lower().startswith("file:"):
            raise _Unusable("is a file: URL, and pages opened from files send Origin null", NULL_ORIGIN)
        if shaped is None and _BRACKETED_HOST.match(spec):
            raise _Unusable("has an invalid IPv6 literal")
        if shaped is None and not REGEX_METACHARACTERS.intersection(spec):
            raise _Unusable("is not an origin (scheme://host[:port])", _no_scheme_suggestion(spec))
        if shaped is None:
            return _checked_regex(spec)
        notes: list[str] = []
        canonical = _origin_from_parts(spec, shaped, notes)
    except _Unusable as problem:
        return _unusable(spec, problem)
    if notes:
        _warn(
            f"origins: {spec!r} is read as {canonical!r}, the origin browsers send "
            f"({'; '.join(notes)}). Write {canonical!r}."
        )
    return canonical


def _checked_regex(spec: str) -> str:
    try:
        re.compile(spec)
    except re.error as exc:
        suggestion = None
        if spec.startswith("*."):
            suggestion = f"https://{spec}"
        raise _Unusable(f"is not a valid regular expression ({exc})", suggestion) from None
    return spec


def origin_kind(spec: StaticOriginSpec) -> Literal["any", "null", "exact", "subdomains", "regex", "ignored"]:
    """Classify a canonical spec other than an ``OriginCheck`` (see ``normalize_origin_spec``)."""
    if isinstance(spec, re.Pattern):
        return "regex"
    if isinstance(spec, IgnoredOrigin):
        return "ignored"
    if spec == ANY_ORIGIN:
        return "any"
    if spec == NULL_ORIGIN:
        return "null"
    if _ORIGIN_LIKE.fullmatch(spec) is None:
        return "regex"
    return "subdomains" if "*" in spec else "exact"


def _glob_regex(spec: str) -> str:
    """Translate a canonical subdomain or any-port spec to an anchored regex."""
    scheme, rest = spec.split("://", 1)
    any_port = rest.endswith(":*")
    if any_port:
        rest = rest[:-2]
    subdomains = rest.startswith("*.")
    host = rest[2:] if subdomains else rest
    return (
        re.escape(scheme)
        + "://"
        + (_SUBDOMAINS if subdomains else "")
        + re.escape(host)
        + (r"(?::[0-9]{1,5})?" if any_port else "")
    )


# --- Origins the user cannot own -------------------------------------------


@functools.cache
def _suffix_list() -> PublicSuffixList:
    """The Public Suffix List shipped with ``publicsuffixlist``, parsed once."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_unknown=False)


def _public_suffix(host: str) -> str | None:
    """The known public suffix of a host (``co.uk``, ``github.io``), if any."""
    suffix = _suffix_list().publicsuffix(host)
    return suffix if isinstance(suffix, str) else None


def _registrable(host: str) -> str | None:
    """The domain someone registered to get this host, under a known suffix."""
    domain = _suffix_list().privatesuffix(host)
    return domain if isinstance(domain, str) else None


def public_suffix_wildcard(spec: StaticOriginSpec) -> str | None:
    """The public suffix a ``scheme://*.suffix`` spec opens to everyone, or None."""
    if isinstance(spec, re.Pattern) or origin_kind(spec) != "subdomains" or "://*." not in spec:
        return None
    base = spec.split("://*.", 1)[1].removesuffix(":*")
    return base if _public_suffix(base) == base else None


_ATTACKER = "attacker.net"


def _literal_runs(pattern: str) -> list[str]:
    """Runs of host characters a regex spells out literally (``\\.`` read as ``.``)."""
    runs, run, index = [], "", 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escaped = pattern[index + 1 : index + 2]
            if escaped in (".", "-"):
                run += escaped
            else:
                runs.append(run)
                run = ""
            index += 2
            continue
        if char in "?*{":
            # The character before a quantifier may be absent.
            runs.append(run[:-1])
            run = ""
            if char == "{":
                close = pattern.find("}", index)
                index = len(pattern) if close < 0 else close
        elif char == "[":
            runs.append(run)
            run = ""
            index = _class_end(pattern, index)
        elif char.isalnum() or char in "-_.":
            run += char.lower()
        else:
            runs.append(run)
            run = ""
        index += 1
    runs.append(run)
    return [stripped for r in runs if (stripped := r.strip(".-"))]


def _class_end(pattern: str, start: int) -> int:
    """The index of the ``]`` that closes the character class opened at ``start``."""
    index = start + 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index


@attrs.frozen
class _Reach:
    """What a regex origin matches, judged by a few origins built from its shape."""

    owned: frozenset[str]
    canary: str | None
    witness: str | None
    any_scheme: str | None


def _regex_reach(spec: StaticOriginSpec) -> _Reach:
    """Try a regex on origins built from its own text, as a matcher would.

    Canaries are hosts under registrable domains the regex does not name: a
    fixed attacker domain, ``attacker.<suffix>`` for each public suffix it
    names and, for each domain it names, look-alikes (``example.com.attacker.net``,
    ``attacker-example.com``, ``attackerexample.com``) and the name with a dot
    swapped for a hyphen (``api-example.com``, which an unescaped dot accepts).
    Witnesses are the hosts it names. Each is tried with no port, ``:8443``
    and every port the regex spells out.
    """
    text = spec.pattern if isinstance(spec, re.Pattern) else spec
    regex = spec if isinstance(spec, re.Pattern) else re.compile(spec, re.IGNORECASE)
    runs = _literal_runs(text)
    owned: set[str] = set()
    hosts = [_ATTACKER, f"www.{_ATTACKER}"]
    mine: list[str] = []
    for run in runs:
        suffix = _public_suffix(run)
        if suffix is None:  # a private name (localhost, intranet.corp) or no name at all
            continue
        hosts += [f"attacker.{suffix}", f"{run}.{_ATTACKER}", f"a.{run}.{_ATTACKER}"]
        domain = _registrable(run)
        if domain is None:  # the run is itself a public suffix, such as github.io
            continue
        owned.add(domain)
        mine += [run, f"a.{run}"]
        hosts += [f"attacker{sep}{name}" for sep in ("-", "") for name in (run, domain)]
        hosts += [run[:i] + "-" + run[i + 1 :] for i, char in enumerate(run) if char == "."]
    ports = ["", ":8443", *(f":{p}" for p in re.findall(r":([0-9]{1,5})", text))]

    def first_match(candidates: Iterable[str], schemes: tuple[str, ...]) -> str | None:
        for host in candidates:
            for scheme in schemes:
                for port in ports:
                    origin = f"{scheme}://{host}{port}"
                    if is_serialized_origin(origin) and regex.fullmatch(origin):
                        return origin
        return None

    foreign = [h for h in dict.fromkeys(hosts) if (d := _registrable(h)) is not None and d not in owned]
    return _Reach(
        owned=frozenset(owned),
        canary=first_match(foreign, ("https", "http")),
        witness=first_match(mine, ("https", "http")),
        any_scheme=first_match(mine, ("http",)) if "://" not in text else None,
    )


_TRAILING_ANYTHING = re.compile(r"(?:/\?|/)?\.[*+]$")
_BARE_DOT = re.compile(r"(?<![\\\[])\.(?![*+?{])")


def _fixed_regex(text: str) -> str | None:
    """A narrower version of an over-wide regex that no canary matches, if an easy one exists."""
    cut = _TRAILING_ANYTHING.sub("", text)
    head, sep, host = cut.rpartition("://")
    escaped = head + sep + _BARE_DOT.sub(r"\\.", host)
    for candidate in dict.fromkeys([cut, escaped]):
        if candidate != text and "://" in candidate and _regex_reach(candidate).canary is None:
            return candidate
    return None


def overreach(spec: StaticOriginSpec | OriginCheck, *, credentials: bool) -> str | None:
    """Say how a subdomain pattern or regex lets in sites the user cannot own.

    Args:
        spec: A canonical spec.
        credentials: Whether the policy allows credentials (the message says
            what that adds).

    Returns:
        The message for a `CorsConfigError` (with credentials) or a
        `CorsWarning` (without), or None when the spec keeps to domains the
        user may own, or is an ``OriginCheck``.
    """
    if isinstance(spec, OriginCheck):  # the app vouches for each origin it allows
        return None
    text = spec.pattern if isinstance(spec, re.Pattern) else spec
    harm = (
        "with supports_credentials=True, {} could read your users' authenticated responses."
        if credentials
        else "{} may read the responses."
    )
    anyone = "" if credentials else " If any website may read them, write origins='*'."
    suffix = public_suffix_wildcard(spec)
    if suffix is not None:
        return (
            f"origins: {text!r} allows every site under {suffix!r}, a public suffix where "
            f"anyone can register a domain (e.g. 'https://attacker.{suffix}'); "
            + harm.format("each of them")
            + f" List your own domain instead, e.g. 'https://*.your-domain.{suffix}'.{anyone}"
        )
    if origin_kind(spec) != "regex":
        return None
    reach = _regex_reach(spec)
    if reach.canary is None:
        return None
    fixed = _fixed_regex(text)
    if fixed is not None:
        fix = f"Did you mean {fixed!r}? A regex is matched against the whole origin, scheme://host[:port]."
    elif reach.owned:
        fix = f"Anchor it to your domain, e.g. 'https://*.{sorted(reach.owned)[0]}'."
    else:
        fix = "List your origins, or anchor the host to your domain, e.g. r'https://[a-z0-9-]+\\.example\\.com'."
    return (
        f"origins: the regular expression {text!r} also matches {reach.canary!r}, a site "
        f"under a domain you do not own; {harm.format('that site')} {fix}{anyone}"
    )


def check_credentialed_origins(specs: Iterable[StaticOriginSpec | OriginCheck]) -> None:
    """Raise for an origin that lets sites the user cannot own read credentialed answers.

    Raises:
        CorsConfigError: A subdomain pattern over a public suffix, or a
            regex that matches hosts under someone else's domain.
    """
    for spec in sorted(specs, key=str):
        message = overreach(spec, credentials=True)
        if message is not None:
            raise CorsConfigError(message)


_CHARACTER_CLASS = re.compile(r"\[\^?\]?(?:\\.|[^\]])*\]")


def regex_reach_problem(spec: StaticOriginSpec) -> str | None:
    """Say when a regex cannot match what it seems meant for: no scheme, or a path.

    Returns:
        A warning message, or None.
    """
    text = spec.pattern if isinstance(spec, re.Pattern) else spec
    if origin_kind(spec) != "regex":
        return None
    head, sep, after_scheme = text.partition("://")
    # A "/" inside a character class, as in [^/], is no path.
    masked = _CHARACTER_CLASS.sub(lambda found: "x" * len(found[0]), after_scheme)
    path = masked.find("/")
    # Only a "/" that every match needs: not optional, not inside a group.
    optional = masked[path + 1 : path + 2] in ("?", "*") or "(" in masked[:path]
    if sep and (path < 0 or optional):
        return None
    reach = _regex_reach(spec)
    if reach.any_scheme is not None:
        return (
            f"origins: the regular expression {text!r} has no scheme, so it also matches "
            f"plain http and any other scheme (e.g. {reach.any_scheme!r}); begin it with 'https://'."
        )
    if reach.witness is not None or reach.canary is not None:
        return None
    if not sep:
        return (
            f"origins: the regular expression {text!r} has no scheme, so it never matches "
            "an origin (scheme://host[:port]); begin it with 'https://'."
        )
    fixed = head + sep + after_scheme[:path]
    return (
        f"origins: the regular expression {text!r} needs a '/' after the host, but an Origin "
        f"has no path, so it never matches. Did you mean {fixed!r}?"
    )


class CheckAnswers:
    """The answers of one [`OriginCheck`][cors.OriginCheck] in one resolved policy.

    Bounded (least recently used dropped first), with a time-to-live, safe
    to share between threads. The function is called outside the lock, so a
    slow database holds up only the requests that wait for it.

    Args:
        check: The check to ask.
        clock: Seconds on a clock that never goes back.
    """

    __slots__ = ("check", "name", "_ask", "_ttl", "_max_size", "_clock", "_entries", "_lock")

    def __init__(self, check: OriginCheck, clock: Callable[[], float] = time.monotonic) -> None:
        self.check = check
        self.name = check.name
        self._ask = check.function
        self._ttl = check.ttl
        self._max_size = check.max_size
        self._clock = clock
        # origin -> (expiry, allowed); only well-formed origins of bounded length are keys.
        self._entries: OrderedDict[str, tuple[float, bool]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __call__(self, origin: str) -> bool:
        """Tell whether the check allows an origin, asking its function when no answer is kept."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(origin)
            if entry is not None and now < entry[0]:
                self._entries.move_to_end(origin)
                return entry[1]
        allowed = self._answer(origin)
        with self._lock:
            entries = self._entries
            if origin in entries:
                entries.move_to_end(origin)
            elif len(entries) >= self._max_size:
                entries.popitem(last=False)  # first, so the size never passes max_size
            entries[origin] = (now + self._ttl, allowed)
        return allowed

    def _answer(self, origin: str) -> bool:
        try:
            result = self._ask(origin)
        except Exception:
            # Logged once per origin and time-to-live: the refusal is kept like any answer.
            logger.exception(
                "origins: %s(%r) raised, so the origin is refused for %g s", self.name, origin, self._ttl
            )
            return False
        if isinstance(result, bool):
            return result
        logger.error(
            "origins: %s(%r) returned %r, not a bool; only True allows an origin, so it is refused for %g s",
            self.name,
            origin,
            result,
            self._ttl,
        )
        return False


_PLAIN_FLAGS = (re.UNICODE, re.UNICODE | re.IGNORECASE)


def _joinable(regex: re.Pattern[str]) -> bool:
    """A regex can be one group of a larger alternation, with the same matches.

    Not with groups of its own (its backreferences count them), ``(?``
    extensions other than ``(?:`` (an inline flag would apply to every
    alternative), or flags other than IGNORECASE.
    """
    return not regex.groups and regex.flags in _PLAIN_FLAGS and "(?" not in regex.pattern.replace("(?:", "")


@attrs.frozen
class OriginMatcher:
    """A compiled set of origin specs: one set lookup, then one regex, then the app's checks.

    Attributes:
        any: Every well-formed origin is allowed, and ``null``.
        null: The opaque origin ``null`` is allowed.
        exact: Exact origins, canonical; looked up in constant time.
        patterns: Every subdomain and any-port spec, and the user regexes
            that can share it (see ``_joinable``), as one regex: one named
            group per spec, in that order; or None.
        pattern_specs: The specs behind the groups of ``patterns``.
        regexes: The user regexes that keep their own ``fullmatch``, each
            with the spec it came from.
        checks: The answers of each ``OriginCheck`` (none when ``any``, which
            allows every origin before a check is asked).
        patterned: Anything beyond ``exact`` and ``null`` is configured.
        tests: Each of ``regexes``' ``fullmatch``, then each check, with the
            name an allowed origin is reported under: tried in turn after
            ``patterns``, one loop whether or not there are checks.
    """

    any: bool
    null: bool
    exact: frozenset[str]
    patterns: re.Pattern[str] | None
    pattern_specs: tuple[str, ...]
    regexes: tuple[tuple[re.Pattern[str], str], ...]
    checks: tuple[CheckAnswers, ...] = ()
    patterned: bool = attrs.field()

    tests: tuple[tuple[Callable[[str], object], str], ...] = attrs.field(eq=False)

    @patterned.default
    def _patterned(self) -> bool:
        return self.any or self.patterns is not None or bool(self.regexes) or bool(self.checks)

    @tests.default
    def _tests(self) -> tuple[tuple[Callable[[str], object], str], ...]:
        return (
            *((regex.fullmatch, spec) for regex, spec in self.regexes),
            *((answers, answers.name) for answers in self.checks),
        )

    @classmethod
    def compile(cls, specs: Iterable[StaticOriginSpec | OriginCheck]) -> OriginMatcher:
        """Build a matcher from canonical specs (see ``normalize_origin_spec``).

        Each call makes new, empty answer caches for the checks.
        """
        specs = frozenset(specs)
        exact: set[str] = set()
        globs: list[str] = []
        regexes: list[tuple[re.Pattern[str], str]] = []
        checks: list[OriginCheck] = []
        for spec in specs:
            if isinstance(spec, OriginCheck):
                checks.append(spec)
                continue
            kind = origin_kind(spec)
            if isinstance(spec, re.Pattern):
                regexes.append((spec, spec.pattern))
            elif kind == "exact":
                exact.add(spec)
            elif kind == "subdomains":
                globs.append(spec)
            elif kind == "regex":
                regexes.append((re.compile(spec, re.IGNORECASE), spec))
        regexes.sort(key=lambda r: r[1])
        # Regexes join the globs' regex while they can, in their order, so
        # that the first that matches is still the one reported.
        joined = 0
        while joined < len(regexes) and _joinable(regexes[joined][0]):
            joined += 1
        parts = [(_glob_regex(g), g) for g in sorted(globs)]
        parts += [(f"(?{'i' if r.flags & re.IGNORECASE else '-i'}:{r.pattern})", spec) for r, spec in regexes[:joined]]
        any_origin = ANY_ORIGIN in specs
        return cls(
            any=any_origin,
            null=NULL_ORIGIN in specs,
            exact=frozenset(exact),
            patterns=re.compile("|".join(f"(?P<g{i}>{p})" for i, (p, _) in enumerate(parts))) if parts else None,
            pattern_specs=tuple(spec for _, spec in parts),
            regexes=tuple(regexes[joined:]),
            checks=() if any_origin else tuple(CheckAnswers(c) for c in sorted(checks, key=repr)),
        )

    def __call__(self, origin: str) -> str | None:
        """Find the configured spec that allows a request's Origin value.

        Args:
            origin: The Origin header exactly as received.

        Returns:
            The spec that allows it (the origin itself for an exact one,
            ``"*"`` for any, the function's name for a check), or None when
            it is refused.
        """
        if len(origin) > MAX_ORIGIN_LENGTH:
            return None
        if origin in self.exact:
            return origin
        if origin == NULL_ORIGIN:
            # A sandboxed iframe may read what "*" gives every website.
            return NULL_ORIGIN if self.null else ANY_ORIGIN if self.any else None
        if not self.patterned or not is_serialized_origin(origin):
            return None
        if self.patterns is not None:
            found = self.patterns.fullmatch(origin)
            if found is not None:
                return self.pattern_specs[int(str(found.lastgroup)[1:])]
        for test, spec in self.tests:
            if test(origin):
                return spec
        return ANY_ORIGIN if self.any else None
