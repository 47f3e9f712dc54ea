"""What the page can read of a response: exposed headers, error statuses, every kind of view."""

from __future__ import annotations

import pytest

from .apps import APP
from .conftest import Visit
from .harness import NO_ALLOW_ORIGIN, PREFLIGHT, Call, Expected, LiveServer, Read, Reads, Refused, check

# The response headers a script may always read (CORS-safelisted) that Werkzeug sends.
SAFELISTED = {"content-length", "content-type"}


def test_listed_exposed_headers(visit: Visit, api: LiveServer) -> None:
    """The script reads the safelisted and the listed headers, and not the others."""
    page = visit(APP)
    outcome = page.call(api, Call("/report"))
    check(outcome, Reads(200, {"rows": []}))
    assert isinstance(outcome, Read)
    assert set(outcome.headers) == SAFELISTED | {"x-total-count"}
    assert "x-internal-trace" in api.seen(path="/report")[0].response_headers


def test_wildcard_exposed_headers(visit: Visit, api: LiveServer) -> None:
    """With expose_headers="*" and no credentials the script reads every header the app sent."""
    page = visit(APP)
    outcome = page.call(api, Call("/report-all"))
    check(outcome, Reads(200, {"rows": []}))
    assert isinstance(outcome, Read)
    sent = set(api.seen(path="/report-all")[0].response_headers)
    assert "x-internal-trace" in sent
    assert sent <= set(outcome.headers)


ERRORS = [
    (Call("/items/404"), Reads(404, text="Not Found")),
    (Call("/items/404", "PUT", {"X-Request-Id": "r-1"}), Reads(404, text="Not Found")),
    (Call("/forbidden"), Reads(403, text="Forbidden")),
    (Call("/boom"), Reads(500, text="Internal Server Error")),
    (Call("/boom", "PUT", {"X-Request-Id": "r-1"}), Reads(500, text="Internal Server Error")),
]


ERROR_IDS = ["abort-404", "abort-404-preflighted", "abort-403", "exception-500", "exception-500-preflighted"]


@pytest.mark.parametrize(("call", "expected"), ERRORS, ids=ERROR_IDS)
def test_error_status_is_readable(
    visit: Visit, api: LiveServer, call: Call, expected: Expected
) -> None:
    """An error the view raises reaches the page with its status, for simple and preflighted calls."""
    page = visit(APP)
    check(page.call(api, call), expected)


@pytest.mark.parametrize(
    "call",
    [Call("/forbidden"), Call("/boom", "PUT", {"X-Request-Id": "r-1"})],
    ids=["abort-403", "exception-500-preflighted"],
)
def test_error_status_hidden_from_other_origin(visit: Visit, api: LiveServer, call: Call) -> None:
    """An error answer to an origin the policy does not list stays unreadable."""
    page = visit("https://evil.example")
    expected = Refused(NO_ALLOW_ORIGIN) if call.method == "GET" else Refused(PREFLIGHT, NO_ALLOW_ORIGIN)
    check(page.call(api, call), expected)


ASYNC = [
    (APP, Call("/async"), Reads(200, {"async": True, "method": "GET"})),
    (APP, Call("/async", "PUT", {"X-Request-Id": "r-1"}), Reads(200, {"async": True, "method": "PUT"})),
    ("https://evil.example", Call("/async"), Refused(NO_ALLOW_ORIGIN)),
    ("https://evil.example", Call("/async", "PUT", {"X-Request-Id": "r-1"}), Refused(PREFLIGHT, NO_ALLOW_ORIGIN)),
]


ASYNC_IDS = ["get", "preflighted-put", "get-other-origin", "put-other-origin"]


@pytest.mark.parametrize(("origin", "call", "expected"), ASYNC, ids=ASYNC_IDS)
def test_async_view(
    visit: Visit, api: LiveServer, origin: str, call: Call, expected: Expected
) -> None:
    """An async def view is allowed and refused like a plain one, preflight included."""
    page = visit(origin)
    check(page.call(api, call), expected)


# An https page calling an http:// API on loopback: Chromium and Firefox allow it, as
# loopback URLs are "potentially trustworthy" (W3C Secure Contexts, and Mixed Content
# §4.3 does not block them); WebKit blocks it as mixed content before any request is
# sent (measured with WebKitGTK 2.50; Source/WebCore/loader/MixedContentChecker.cpp).
MIXED_CONTENT_ALLOWED = {"chromium": True, "firefox": True, "webkit": False}


def test_https_page_calls_http_loopback(visit: Visit, api: LiveServer) -> None:
    """An https page reads an http:// loopback API in Chromium and Firefox; WebKit blocks it unsent."""
    page = visit(APP)
    outcome = page.call(api, Call("/report"), secure=False)
    if MIXED_CONTENT_ALLOWED[page.engine.name]:
        check(outcome, Reads(200, {"rows": []}))
        assert len(api.seen(path="/report")) == 1
    else:
        check(outcome, Refused())
        assert api.seen() == []
