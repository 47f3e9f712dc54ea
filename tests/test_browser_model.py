"""The model of what browsers check, used by the CLI and the test kit."""

from __future__ import annotations

import pytest

from cors._browser import cors_check, needs_preflight, preflight_check

SITE = "https://app.example.com"


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        ("GET", [], False),
        ("POST", ["Accept", "content-language"], False),
        ("POST", ["Content-Type"], True),
        ("PUT", [], True),
        ("patch", [], True),
        ("GET", ["X-Trace"], True),
    ],
)
def test_needs_preflight(method: str, headers: list[str], expected: bool) -> None:
    """Non-safelisted methods and headers need a preflight."""
    assert needs_preflight(method, headers) is expected


@pytest.mark.parametrize(
    ("headers", "credentials", "failure"),
    [
        ({"Access-Control-Allow-Origin": SITE}, False, None),
        ({"access-control-allow-origin": "*"}, False, None),
        ({}, False, "no Access-Control-Allow-Origin header"),
        ({"Access-Control-Allow-Origin": "*"}, True, "refuse with credentials"),
        ({"Access-Control-Allow-Origin": SITE + "/"}, False, "not the page's origin"),
        ({"Access-Control-Allow-Origin": f"{SITE}, {SITE}"}, False, "not the page's origin"),
        ({"Access-Control-Allow-Origin": SITE}, True, "Access-Control-Allow-Credentials is not 'true'"),
        ({"Access-Control-Allow-Origin": SITE, "Access-Control-Allow-Credentials": "True"}, True, "is not 'true'"),
        ({"Access-Control-Allow-Origin": SITE, "Access-Control-Allow-Credentials": "true"}, True, None),
    ],
)
def test_cors_check(headers: dict[str, str], credentials: bool, failure: str | None) -> None:
    """The CORS check passes only an exact origin or *, and credentials only with ACAC true."""
    result = cors_check(headers, SITE, credentials)
    assert (result is None) if failure is None else (result is not None and failure in result)


OK = {"Access-Control-Allow-Origin": SITE, "Access-Control-Allow-Methods": "PUT", "Access-Control-Allow-Headers": "x-a"}


@pytest.mark.parametrize(
    ("headers", "status", "method", "names", "credentials", "failure"),
    [
        (OK, 200, "PUT", ["x-a"], False, None),
        (OK, 204, "POST", ["X-A", "accept"], False, None),
        (OK, 302, "PUT", [], False, "status 302"),
        (OK, 200, "DELETE", [], False, "method 'DELETE'"),
        (OK, 200, "PUT", ["x-b"], False, "header 'x-b'"),
        ({**OK, "Access-Control-Allow-Methods": "*"}, 200, "DELETE", [], False, None),
        (
            {**OK, "Access-Control-Allow-Methods": "*", "Access-Control-Allow-Credentials": "true"},
            200, "DELETE", [], True, "method 'DELETE'",
        ),
        ({**OK, "Access-Control-Allow-Headers": "*"}, 200, "PUT", ["x-b"], False, None),
        ({**OK, "Access-Control-Allow-Headers": "*"}, 200, "PUT", ["authorization"], False, "header 'authorization'"),
        ({**OK, "Access-Control-Allow-Headers": "*"}, 200, "PUT", ["x-b"], True, "Access-Control-Allow-Credentials"),
        ({"Access-Control-Allow-Methods": "PUT"}, 200, "PUT", [], False, "no Access-Control-Allow-Origin"),
    ],
)
def test_preflight_check(
    headers: dict[str, str], status: int, method: str, names: list[str], credentials: bool, failure: str | None
) -> None:
    """A preflight passes with a 2xx, the CORS check, the method and every header."""
    result = preflight_check(headers, status, SITE, method, names, credentials)
    assert (result is None) if failure is None else (result is not None and failure in result)
