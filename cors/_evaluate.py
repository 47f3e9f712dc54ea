"""Pure evaluation: a resolved policy and a request view in, headers out.

Dependency rule: this module, like every module of the core (``_errors``,
``_origins``, ``_paths``, ``_policy``, ``_settings``, ``_request``, ``_decision``,
``_protect``, ``_evaluate``, ``_browser``), imports nothing from Flask or Werkzeug, keeps no
global state, does no I/O and mutates nothing it is given.
``tests/test_layering.py`` enforces the import rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ._decision import Decision
from ._policy import CorsPolicy, ResolvedPolicy, resolve
from ._protect import write_refusal
from ._request import CorsRequest

# A browser lists the names of the headers the page set; a few hundred bytes
# in practice. A longer list is refused unread, which bounds the work a
# hostile preflight can cause.
MAX_REQUEST_HEADERS_LENGTH = 4096


def cors_headers(policy: ResolvedPolicy | CorsPolicy, request: CorsRequest) -> dict[str, str]:
    """Return the CORS response headers for a request.

    Args:
        policy: The policy; a [`CorsPolicy`][cors.CorsPolicy] is resolved first, which is
            slower and raises for an unsafe policy, so resolve once with
            [`resolve`][cors.resolve] when serving requests.
        request: The request view.

    Returns:
        The headers to set on the response, a new dict. A refused request gets
        only ``Vary`` (when the answer depends on the request), never an
        ``Access-Control-*`` header.
    """
    return dict(decide(policy, request).headers)


def decide(policy: ResolvedPolicy | CorsPolicy, request: CorsRequest) -> Decision:
    """Decide about a request: allowed or refused, why, and the headers to send.

    Args:
        policy: As for [`cors_headers`][cors.cors_headers].
        request: The request view.

    Returns:
        The decision. Its ``headers`` may be shared with other decisions of
        the same policy (then read-only): copy them to change them. With
        ``write_protection``, a refused write is refused by ``"write"``: the
        Flask layer answers it 403 without running the view.
    """
    if isinstance(policy, CorsPolicy):
        policy = resolve(policy)
    if policy.write_protection:
        refused = write_refusal(policy, request)
        if refused is not None:
            return refused
    origin = request.origin
    if request.method == "OPTIONS" and request.request_method is not None:
        if origin is not None:
            return _preflight(policy, request, origin)
        if not policy.vary_origin:
            # A static answer has no Vary: Origin, so a cache may replay it for
            # a preflight with any Origin: answer as to one.
            return _preflight(policy, request, "*")
    if origin is None:
        headers = policy.no_origin_headers
        return Decision("none", "Access-Control-Allow-Origin" in headers, headers)
    if not policy.vary_origin:  # one static "*" answer for every Origin value
        return Decision("actual", True, policy.no_origin_headers, "*")
    rule = policy.match_origin(origin)
    if rule is None:
        return Decision("actual", False, policy.refused_headers, refused_by="origin")
    # The policy's header mappings are read-only proxies of dicts: `dict | proxy`
    # copies at C speed, where {**proxy} or update(proxy) go item by item.
    headers = {"Access-Control-Allow-Origin": "*" if policy.wildcard else origin} | policy.actual_headers  # type: ignore[operator]
    return Decision("actual", True, headers, rule)


def read_headers(policy: ResolvedPolicy, origin: str | None) -> Mapping[str, str]:
    """The headers of ``decide`` for a GET or HEAD, without building a request view or a Decision.

    Such a request is never a preflight nor a write, so its answer depends on
    its Origin alone. The Flask edge uses this when nobody asks for the
    Decision (no ``cors.decided`` receiver, no DEBUG log).

    Args:
        policy: A resolved policy.
        origin: The Origin header exactly as received, or None.

    Returns:
        The same headers as ``decide(policy, CorsRequest("GET", origin)).headers``
        (read-only when shared).
    """
    if origin is None or not policy.vary_origin:
        return policy.no_origin_headers
    if policy.match_origin(origin) is None:
        return policy.refused_headers
    headers: Mapping[str, str] = {"Access-Control-Allow-Origin": "*" if policy.wildcard else origin} | policy.actual_headers  # type: ignore[operator]
    return headers


def _preflight(policy: ResolvedPolicy, request: CorsRequest, origin: str) -> Decision:
    rule = "*" if not policy.vary_origin else policy.match_origin(origin)
    if rule is None:
        return Decision("preflight", False, policy.refused_preflight_headers, refused_by="origin")
    headers = {"Access-Control-Allow-Origin": "*" if policy.wildcard else origin}
    method = request.request_method or ""
    allow_methods = None
    if method not in policy.methods and not (method == "HEAD" and "GET" in policy.methods):
        # Browsers upper-case only the six standard methods: fetch() with
        # "patch" asks for "patch", which Flask serves as PATCH. Allow it when
        # its upper case is listed, and name it exactly as asked.
        if not (method.upper() in policy.methods and _is_token(method)):
            # As flask-cors answers: the origin (and credentials) alone, so
            # the browser blames the method, not the origin.
            return Decision("preflight", False, {**headers, **policy.refused_method_headers}, rule, "method", method)
        allow_methods = f"{policy.preflight_headers['Access-Control-Allow-Methods']}, {method}"
    refused: str | None = None
    raw = request.request_headers or ""
    if len(raw) > MAX_REQUEST_HEADERS_LENGTH:
        names: list[str] = []
        refused = f"({len(raw)} characters of names)"
    elif policy.allow_any_header and _TOKEN_CHARS_AND_COMMA.issuperset(raw):
        # The common case: every name is a token, and "*" allows any token.
        names = list(filter(None, raw.split(",")))
    else:
        names = []
        seen = set()
        for part in raw.split(","):
            name = part.strip(" \t")
            lowered = name.lower()
            if not name or lowered in seen:
                continue
            seen.add(lowered)
            if lowered in policy.allowed_headers or _allowed(policy, lowered):
                names.append(name)
            elif refused is None:
                refused = lowered
    # A refused preflight from an allowed origin still names the origin and
    # the allowed headers, so the browser reports the header at fault.
    if names:
        headers["Access-Control-Allow-Headers"] = ", ".join(names)
    headers = headers | policy.preflight_headers  # type: ignore[operator]
    if allow_methods is not None:
        headers["Access-Control-Allow-Methods"] = allow_methods
    if refused is not None:
        return Decision("preflight", False, headers, rule, "header", refused)
    private_network = None
    if request.request_private_network:
        private_network = policy.allow_private_network
        if private_network:
            headers["Access-Control-Allow-Private-Network"] = "true"
    return Decision("preflight", True, headers, rule, private_network=private_network)


def _allowed(policy: ResolvedPolicy, name: str) -> bool:
    """Tell whether a lower-cased header name that is not listed is allowed all the same."""
    if not _is_token(name):
        return False
    return policy.allow_any_header or any(p.fullmatch(name) for p in policy.header_patterns)


def _is_token(name: str) -> bool:
    return name.isascii() and _TOKEN_CHARS.issuperset(name.lower())


_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz")
_TOKEN_CHARS_AND_COMMA = _TOKEN_CHARS | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ,")


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


def with_cors_headers(lines: list[tuple[str, str]], headers: Mapping[str, str]) -> list[tuple[str, str]]:
    """Put CORS headers into a WSGI header list, as a new list.

    Args:
        lines: The response's header lines, as WSGI gives them.
        headers: The headers from [`cors_headers`][cors.cors_headers]:
            ``Access-Control-*`` and ``Vary``.

    Returns:
        The lines without any earlier value of those headers, then the
        headers; ``Vary`` is merged with the existing ``Vary`` lines.
    """
    for name, _ in lines:
        if name[:1] in "AaVv":  # Access-Control-* or Vary, perhaps
            break
    else:  # the common case: nothing to replace or merge
        return [*lines, *headers.items()]
    vary = "Vary" in headers
    kept: list[tuple[str, str]] = []
    varies: list[str] = []
    names: set[str] | None = None
    # One pass, and a set of names only when the response has a CORS header already.
    for line in lines:
        lowered = line[0].lower()
        if lowered == "vary":
            if vary:
                varies.append(line[1])
                continue
        elif lowered.startswith("access-control-"):
            if names is None:
                names = {name.lower() for name in headers}
            if lowered in names:
                continue
        kept.append(line)
    if not varies:
        kept.extend(headers.items())
        return kept
    for name, value in headers.items():
        kept.append((name, merge_vary(varies, value) if name == "Vary" else value))
    return kept
