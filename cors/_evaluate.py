"""Pure evaluation: a resolved policy and a request view in, headers out.

Dependency rule: this module, like every module of the core (``_origins``,
``_policy``, ``_request``, ``_evaluate``), imports nothing from Flask or
Werkzeug, keeps no global state, does no I/O and mutates nothing it is given.
``tests/test_layering.py`` enforces the import rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._policy import CorsPolicy, ResolvedPolicy, resolve
from ._request import CorsRequest

# A browser lists the names of the headers the page set; a few hundred bytes
# in practice. A longer list is refused unread, which bounds the work a
# hostile preflight can cause.
MAX_REQUEST_HEADERS_LENGTH = 4096

_SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})


def cors_headers(policy: ResolvedPolicy | CorsPolicy, request: CorsRequest) -> dict[str, str]:
    """Return the CORS response headers for a request.

    Args:
        policy: The policy; a :class:`CorsPolicy` is resolved first, which is
            slower and raises for an unsafe policy, so resolve once with
            :func:`cors.resolve` when serving requests.
        request: The request view.

    Returns:
        The headers to set on the response, a new dict. A refused request gets
        only ``Vary`` (when the answer depends on the request), never an
        ``Access-Control-Allow-*`` header.
    """
    if isinstance(policy, CorsPolicy):
        policy = resolve(policy)
    origin = request.origin
    if origin is None:
        return dict(policy.no_origin_headers)
    if request.is_preflight:
        return _preflight(policy, request, origin)
    method = request.method
    if not policy.match_origin(origin) or (
        method not in policy.methods and not (method == "HEAD" and "GET" in policy.methods)
    ):
        return dict(policy.refused_headers)
    return {
        "Access-Control-Allow-Origin": "*" if policy.wildcard else origin,
        **policy.actual_headers,
    }


def _preflight(policy: ResolvedPolicy, request: CorsRequest, origin: str) -> dict[str, str]:
    if not policy.match_origin(origin) or request.request_method not in policy.methods:
        return dict(policy.refused_preflight_headers)
    names = allowed_request_headers(policy, request.request_headers or "")
    if names is None:
        return dict(policy.refused_preflight_headers)
    headers = {"Access-Control-Allow-Origin": "*" if policy.wildcard else origin}
    if names:
        headers["Access-Control-Allow-Headers"] = ", ".join(names)
    headers.update(policy.preflight_headers)
    if policy.allow_private_network and request.request_private_network:
        headers["Access-Control-Allow-Private-Network"] = "true"
    return headers


def allowed_request_headers(policy: ResolvedPolicy, raw: str) -> list[str] | None:
    """Parse ``Access-Control-Request-Headers`` and check every name.

    Args:
        policy: The resolved policy.
        raw: The header value; names separated by commas, any case, any
            spaces or tabs around them, empty items ignored.

    Returns:
        The requested names, lower-case and without duplicates, when the
        policy allows all of them; None when it refuses any (or the list is
        longer than :data:`MAX_REQUEST_HEADERS_LENGTH`).
    """
    if len(raw) > MAX_REQUEST_HEADERS_LENGTH:
        return None
    names = dict.fromkeys(filter(None, (part.strip(" \t").lower() for part in raw.split(","))))
    return list(names) if all(_allowed(policy, name) for name in names) else None


def _allowed(policy: ResolvedPolicy, name: str) -> bool:
    if name in policy.allowed_headers:
        return True
    # Authorization must be listed by name: the Fetch Standard never lets a
    # wildcard stand for it, and neither do patterns here.
    if name == "authorization" or not _is_token(name):
        return False
    return policy.allow_any_header or any(p.fullmatch(name) for p in policy.header_patterns)


def _is_token(name: str) -> bool:
    return name.isascii() and _TOKEN_CHARS.issuperset(name)


_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz")


def merge_vary(existing: Iterable[str], add: str) -> str:
    """Merge Vary values into one header value without duplicates.

    Args:
        existing: The response's current Vary header lines (possibly none).
        add: The comma-separated names to add.

    Returns:
        One Vary value: the existing names in order, then the new ones not
        already present (compared case-insensitively). ``*`` stays ``*``.
    """
    names: dict[str, str] = {}
    for line in (*existing, add):
        for part in line.split(","):
            name = part.strip()
            if name == "*":
                return "*"
            if name:
                names.setdefault(name.lower(), name)
    return ", ".join(names.values())
