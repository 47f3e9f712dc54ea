"""Origin specifications: parsing at configuration time, matching per request.

Dependency rule: this module is part of the pure core. It imports nothing from
Flask or Werkzeug, keeps no global state and does no I/O.

How a configured origin string is read, first rule that applies:

1. ``"*"`` allows any origin (``null`` excepted: list it explicitly).
2. ``"null"`` allows the opaque origin ``null``.
3. A string shaped like ``scheme://host[:port]`` is an exact origin; written
   ``scheme://*.host`` it allows every subdomain of ``host`` (not ``host``
   itself); a ``:*`` port allows any port. Paths, trailing slashes, userinfo
   and explicit default ports are configuration errors.
4. Anything else that contains a regular-expression metacharacter is a
   regular expression, matched against the *whole* origin (``fullmatch``).
5. Anything else is a configuration error.

Compiled ``re.Pattern`` objects are always regular expressions, matched with
``fullmatch`` and their own flags.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Literal

import attrs

from ._errors import CorsConfigError

OriginSpec = str | re.Pattern[str]
"""One configured origin: a string (see the module docstring) or a compiled regex."""

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
_DNS_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
# What a browser sends: lower-case scheme and host, no default port, no path.
# Checked before a request origin is matched by a pattern or reflected, so that
# no malformed value is ever echoed back.
SERIALIZED_ORIGIN = re.compile(
    r"[a-z][a-z0-9+.-]*://(?:[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?"
)
_SUBDOMAINS = r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"


def _error(spec: str, problem: str, suggestion: str | None = None) -> CorsConfigError:
    hint = f" Did you mean {suggestion!r}?" if suggestion else ""
    return CorsConfigError(f"origins: {spec!r} {problem}.{hint}")


def _ascii_host(spec: str, host: str) -> str:
    """Lower-case and IDNA-encode a host name, checking each label."""
    if host.startswith("["):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            raise _error(spec, "has an invalid IPv6 literal") from None
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise _error(spec, "has a host name that is not a valid domain name") from None
    labels = ascii_host.split(".")
    if not all(_DNS_LABEL.fullmatch(label) for label in labels):
        raise _error(spec, "has a host name that is not a valid domain name")
    return ascii_host


def normalize_origin_spec(spec: OriginSpec) -> OriginSpec:
    """Return the canonical form of one configured origin, or raise.

    Args:
        spec: A configured origin (see the module docstring).

    Returns:
        ``"*"``, ``"null"``, a canonical exact origin or subdomain pattern
        (lower-case, IDNA-encoded), a regex string unchanged, or the compiled
        pattern unchanged.

    Raises:
        CorsConfigError: The string is not an origin, has a path, userinfo or a
            default port, or is an invalid regular expression.
    """
    if isinstance(spec, re.Pattern):
        if not isinstance(spec.pattern, str):
            msg = f"origins: {spec!r} is a bytes pattern; compile a str pattern instead."
            raise CorsConfigError(msg)
        return spec
    if not isinstance(spec, str):
        msg = (
            f"origins: {spec!r} is a {type(spec).__name__}; give origins as strings "
            "or compiled regular expressions."
        )
        raise CorsConfigError(msg)
    if spec in (ANY_ORIGIN, NULL_ORIGIN):
        return spec
    if spec.lower() == NULL_ORIGIN:
        raise _error(spec, "must be written in lower case", NULL_ORIGIN)
    shaped = _ORIGIN_LIKE.fullmatch(spec)
    if shaped is None and _BRACKETED_HOST.match(spec):
        raise _error(spec, "has an invalid IPv6 literal")
    if shaped is None:
        if not REGEX_METACHARACTERS.intersection(spec):
            suggestion = None if "://" in spec else f"https://{spec.strip('/')}"
            raise _error(spec, "is not an origin (scheme://host[:port])", suggestion)
        return _checked_regex(spec)
    scheme = shaped["scheme"].lower()
    raw_host = shaped["host"]
    wildcard = raw_host.startswith("*.")
    host = ("*." if wildcard else "") + _ascii_host(spec, raw_host[2:] if wildcard else raw_host)
    port = shaped["port"]
    canonical = f"{scheme}://{host}"
    if port is not None and port != "*":
        number = int(port)
        if not 0 < number < 65536:
            raise _error(spec, "has a port outside 1-65535")
        if number == _DEFAULT_PORTS.get(scheme):
            raise _error(
                spec, f"names the default port {number}, which browsers leave out", canonical
            )
        port = str(number)
    if port is not None:
        canonical = f"{canonical}:{port}"
    if shaped["userinfo"]:
        raise _error(spec, "has userinfo (user@), which browsers never send", canonical)
    if shaped["path"]:
        raise _error(
            spec, "has a path or trailing slash; an origin is scheme://host[:port]", canonical
        )
    return canonical


def _checked_regex(spec: str) -> str:
    try:
        re.compile(spec)
    except re.error as exc:
        suggestion = None
        if spec.startswith("*."):
            suggestion = f"https://{spec}"
        raise _error(spec, f"is not a valid regular expression ({exc})", suggestion) from None
    return spec


def origin_kind(spec: OriginSpec) -> Literal["any", "null", "exact", "subdomains", "regex"]:
    """Classify a canonical spec (see ``normalize_origin_spec``)."""
    if isinstance(spec, re.Pattern):
        return "regex"
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


@attrs.frozen
class OriginMatcher:
    """A compiled set of origin specs: one set lookup, then a few patterns.

    Attributes:
        any: Every well-formed origin is allowed.
        null: The opaque origin ``null`` is allowed.
        exact: Exact origins, canonical; looked up in constant time.
        subdomains: Every subdomain and any-port spec as one regex, one named
            group per spec, or None.
        subdomain_specs: The specs behind the groups of ``subdomains``.
        regexes: User regular expressions, each with the spec it came from.
    """

    any: bool
    null: bool
    exact: frozenset[str]
    subdomains: re.Pattern[str] | None
    subdomain_specs: tuple[str, ...]
    regexes: tuple[tuple[re.Pattern[str], str], ...]

    @classmethod
    def compile(cls, specs: Iterable[OriginSpec]) -> OriginMatcher:
        """Build a matcher from canonical specs (see ``normalize_origin_spec``)."""
        specs = frozenset(specs)
        exact: set[str] = set()
        globs: list[str] = []
        regexes: list[tuple[re.Pattern[str], str]] = []
        for spec in specs:
            kind = origin_kind(spec)
            if isinstance(spec, re.Pattern):
                regexes.append((spec, spec.pattern))
            elif kind == "exact":
                exact.add(spec)
            elif kind == "subdomains":
                globs.append(spec)
            elif kind == "regex":
                regexes.append((re.compile(spec, re.IGNORECASE), spec))
        globs.sort()
        subdomains = None
        if globs:
            subdomains = re.compile("|".join(f"(?P<g{i}>{_glob_regex(g)})" for i, g in enumerate(globs)))
        return cls(
            any=ANY_ORIGIN in specs,
            null=NULL_ORIGIN in specs,
            exact=frozenset(exact),
            subdomains=subdomains,
            subdomain_specs=tuple(globs),
            regexes=tuple(sorted(regexes, key=lambda r: r[1])),
        )

    def __call__(self, origin: str) -> str | None:
        """Find the configured spec that allows a request's Origin value.

        Args:
            origin: The Origin header exactly as received.

        Returns:
            The spec that allows it (the origin itself for an exact one,
            ``"*"`` for any), or None when it is refused.
        """
        if len(origin) > MAX_ORIGIN_LENGTH:
            return None
        if origin in self.exact:
            return origin
        if origin == NULL_ORIGIN:
            return NULL_ORIGIN if self.null else None
        if (self.subdomains is None and not self.regexes and not self.any) or not (
            SERIALIZED_ORIGIN.fullmatch(origin)
        ):
            return None
        if self.subdomains is not None:
            found = self.subdomains.fullmatch(origin)
            if found is not None:
                return self.subdomain_specs[int(str(found.lastgroup)[1:])]
        for regex, spec in self.regexes:
            if regex.fullmatch(origin):
                return spec
        return ANY_ORIGIN if self.any else None
