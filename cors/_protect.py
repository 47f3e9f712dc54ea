"""Cross-origin write protection: which unsafe-method requests to refuse with 403.

Dependency rule: this module is part of the pure core. It imports nothing from
Flask or Werkzeug, keeps no global state and does no I/O.

The rule is Go 1.25's ``http.CrossOriginProtection``, with the policy's
``origins`` as its trusted origins:

1. GET, HEAD and OPTIONS always pass: they must not change anything.
2. ``Sec-Fetch-Site: same-origin`` or ``none`` (the user's own navigation)
   passes; any other value (``cross-site``, ``same-site``, or one no browser
   sends) passes only from an origin in ``origins``.
3. Without ``Sec-Fetch-Site`` (a browser from before 2023, or not a browser):
   no ``Origin`` passes (not a browser, or a same-origin form of an old one);
   an ``Origin`` equal to the request's own origin (scheme and host as the
   server sees them) passes; any other passes only if it is in ``origins``.

Browsers set both headers themselves and never let a page change them, so a
page on another site cannot pass rule 2 or 3 from a browser; a client that is
not a browser can send anything, but carries no user's cookies.
"""

from __future__ import annotations

from ._decision import Decision
from ._origins import MAX_ORIGIN_LENGTH
from ._policy import ResolvedPolicy
from ._request import CorsRequest

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""The methods write protection never refuses (Go's list: QUERY is not one)."""

# The Sec-Fetch-Site values that say another origin sent the request; any
# other value but same-origin and none is reported as "unrecognised", so a
# refusal's reason comes from a fixed set of sentences.
_OTHER_ORIGIN = frozenset({"cross-site", "same-site"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def write_refusal(policy: ResolvedPolicy, request: CorsRequest) -> Decision | None:
    """Decide whether write protection refuses a request.

    Args:
        policy: A resolved policy (its ``write_protection`` is not read here).
        request: The request view, with ``fetch_site``, ``host`` and ``scheme``.

    Returns:
        None when the request passes; else the refusal, whose headers are the
        policy's answer to a refused origin (``Vary`` alone).
    """
    if request.method in SAFE_METHODS:
        return None
    site = request.fetch_site
    origin = request.origin
    if site:  # empty counts as absent, as in Go
        if site == "same-origin" or site == "none":
            return None
    elif not origin or origin == own_origin(request.scheme, request.host):
        return None
    if origin is not None and policy.match_origin(origin) is not None:
        return None
    detail = None if not site else site if site in _OTHER_ORIGIN else "unrecognised"
    return Decision(
        "none" if origin is None else "actual", False, policy.refused_headers, refused_by="write", detail=detail
    )


def own_origin(scheme: str, host: str | None) -> str | None:
    """The request's own origin, serialized as a browser would send it as Origin.

    Args:
        scheme: ``wsgi.url_scheme``.
        host: The ``Host`` header, or the server's ``name:port``.

    Returns:
        ``scheme://host`` lower-cased, without the scheme's default port
        (browsers never send one in Origin), or None without a usable host.
    """
    if not host or len(host) > MAX_ORIGIN_LENGTH:
        return None
    scheme, host = scheme.lower(), host.lower()
    name, colon, port = host.rpartition(":")
    if colon and port == _DEFAULT_PORTS.get(scheme):
        host = name
    return f"{scheme}://{host}"
