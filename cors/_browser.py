"""What a browser does with CORS response headers, per the Fetch Standard.

Dependency rule: this module is part of the pure core. It imports nothing from
Flask or Werkzeug, keeps no global state and does no I/O.

Used to explain decisions (``flask cors check``) and by the test kit
(``testing``); it models the checks browsers share, not every quirk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
_SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language"})


def needs_preflight(method: str, header_names: Iterable[str]) -> bool:
    """Tell whether a browser sends a preflight first.

    Args:
        method: The method the page uses.
        header_names: Headers the page sets. ``Accept``, ``Accept-Language``
            and ``Content-Language`` count as safelisted; any other name
            (``Content-Type`` included: assume a value such as JSON) does not.
    """
    return method not in _SAFELISTED_METHODS or any(
        name.lower() not in _SAFELISTED_HEADERS for name in header_names
    )


def _get(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _items(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def cors_check(headers: Mapping[str, str], origin: str, credentials: bool) -> str | None:
    """The CORS check of a response.

    Returns:
        None when the page may read the response, else why not.
    """
    allow_origin = _get(headers, "Access-Control-Allow-Origin")
    if allow_origin is None:
        return "no Access-Control-Allow-Origin header"
    if allow_origin == "*" and not credentials:
        return None
    if allow_origin == "*":
        return "Access-Control-Allow-Origin is '*', which browsers refuse with credentials"
    if allow_origin != origin:
        return f"Access-Control-Allow-Origin is {allow_origin!r}, not the page's origin {origin!r}"
    if credentials and _get(headers, "Access-Control-Allow-Credentials") != "true":
        return "credentials are sent, but Access-Control-Allow-Credentials is not 'true'"
    return None


def preflight_check(
    headers: Mapping[str, str], status: int, origin: str, method: str, header_names: Iterable[str], credentials: bool
) -> str | None:
    """The checks a browser makes of a preflight response.

    Returns:
        None when the browser goes on to send the request, else why not.
    """
    if not 200 <= status <= 299:
        return f"the preflight was answered with status {status}, not 2xx"
    failure = cors_check(headers, origin, credentials)
    if failure is not None:
        return failure
    methods = _items(_get(headers, "Access-Control-Allow-Methods"))
    if method not in _SAFELISTED_METHODS and method not in methods and (credentials or "*" not in methods):
        return f"method {method!r} is not in Access-Control-Allow-Methods"
    allowed = {name.lower() for name in _items(_get(headers, "Access-Control-Allow-Headers"))}
    for name in header_names:
        lower = name.lower()
        if lower in _SAFELISTED_HEADERS or lower in allowed:
            continue
        if "*" in allowed and not credentials and lower != "authorization":
            continue
        return f"request header {lower!r} is not in Access-Control-Allow-Headers"
    return None
