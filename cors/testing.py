"""A test kit: assert in your own tests that a browser would allow or refuse a call.

It sends what a browser sends through Flask's test client (the preflight when
one is due, then the request) and applies the checks a browser makes to the
responses:

```python
from cors.testing import assert_allowed, assert_refused

def test_partner_can_update_orders(client):
    assert_allowed(client, "/api/orders/1", origin="https://partner.example",
                   method="PUT", headers={"Content-Type": "application/json"})

def test_other_sites_cannot_read_profile(client):
    assert_refused(client, "/api/me", origin="https://evil.example", credentials=True)
```

The request runs your view, as in any test-client call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers
from werkzeug.test import TestResponse

from ._browser import cors_check, needs_preflight, preflight_check

__all__ = ["CrossOriginResult", "assert_allowed", "assert_refused", "cross_origin_call"]


@attrs.frozen
class CrossOriginResult:
    """What a browser would make of a cross-origin call.

    Attributes:
        allowed: The page can read the response.
        reason: Why not, when refused; empty when allowed.
        preflight: The preflight response, when the browser sends one.
        response: The response to the request itself, unless the preflight
            already failed (the browser then never sends it).
    """

    allowed: bool
    reason: str
    preflight: TestResponse | None
    response: TestResponse | None


def _combined(headers: Headers) -> dict[str, str]:
    """Header lines as a browser reads them: repeated names joined with ", "."""
    return {name: ", ".join(headers.getlist(name)) for name in dict.fromkeys(headers.keys())}


def cross_origin_call(
    client: FlaskClient,
    path: str,
    *,
    origin: str,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    credentials: bool = False,
    **request_options: Any,
) -> CrossOriginResult:
    """Make a cross-origin call as a browser would, and judge it as a browser would.

    Args:
        client: The app's test client.
        path: The URL path (with query string, if any).
        origin: The page's origin.
        method: The method the page uses.
        headers: Headers the page sets. ``Accept``, ``Accept-Language`` and
            ``Content-Language`` count as safelisted, any other as needing a
            preflight.
        credentials: The page sends credentials (``credentials: "include"``).
        **request_options: More arguments for ``client.open`` (``json``,
            ``data``, ...) for the request itself.

    Returns:
        The verdict, the reason, and the responses the browser would get.
    """
    headers = dict(headers or {})
    names = sorted({name.lower() for name in headers})
    preflight = None
    if needs_preflight(method, names):
        asked = {"Origin": origin, "Access-Control-Request-Method": method}
        if names:
            asked["Access-Control-Request-Headers"] = ",".join(names)
        preflight = client.open(path, method="OPTIONS", headers=asked)
        failure = preflight_check(_combined(preflight.headers), preflight.status_code, origin, method, names, credentials)
        if failure is not None:
            return CrossOriginResult(False, f"preflight refused: {failure}", preflight, None)
    response = client.open(path, method=method, headers={**headers, "Origin": origin}, **request_options)
    failure = cors_check(_combined(response.headers), origin, credentials)
    if failure is not None:
        return CrossOriginResult(False, f"response refused: {failure}", preflight, response)
    return CrossOriginResult(True, "", preflight, response)


def assert_allowed(client: FlaskClient, path: str, **options: Any) -> TestResponse:
    """Assert that a browser lets the page read the response.

    Args:
        client: The app's test client.
        path: The URL path.
        **options: The keyword arguments of
            [`cross_origin_call`][cors.testing.cross_origin_call].

    Returns:
        The response to the request.

    Raises:
        AssertionError: The browser would refuse; the message says why.
    """
    result = cross_origin_call(client, path, **options)
    assert result.allowed, f"{path} from {options.get('origin')}: {result.reason}"
    assert result.response is not None
    return result.response


def assert_refused(client: FlaskClient, path: str, **options: Any) -> CrossOriginResult:
    """Assert that a browser refuses the call.

    Args:
        client: The app's test client.
        path: The URL path.
        **options: The keyword arguments of
            [`cross_origin_call`][cors.testing.cross_origin_call].

    Returns:
        What happened, with the browser's reason.

    Raises:
        AssertionError: The browser would allow the call.
    """
    result = cross_origin_call(client, path, **options)
    assert not result.allowed, f"{path} from {options.get('origin')} is allowed, expected a refusal"
    return result
