"""Credentialed calls: a cookie set by one call, sent by the next, seen by the server."""

from __future__ import annotations

import pytest

from .apps import APP, SESSION_COOKIE, SESSION_VALUE
from .conftest import OpenPage
from .harness import NO_ALLOW_ORIGIN, NO_CREDENTIALS, PREFLIGHT, Call, LiveServer, Reads, Refused, check

LOG_IN = Call("/session", "POST", credentials="include")
WHOAMI = Call("/whoami", credentials="include")
LOG_OUT = Call("/session", "DELETE", {"X-Csrf-Token": "t"}, credentials="include")
COOKIE = f"{SESSION_COOKIE}={SESSION_VALUE}"


def log_in(open_page: OpenPage, api: LiveServer) -> None:
    """Open a page at APP and log in: the API sets its session cookie in the browser."""
    page = open_page(APP)
    check(page.call(api, LOG_IN), Reads(200, {"logged_in": True}))
    api.clear()


def test_cookie_round_trip(open_page: OpenPage, api: LiveServer) -> None:
    """A credentialed call stores the API's cookie; the next one sends it, and the page reads the answer."""
    log_in(open_page, api)
    page = open_page(APP)
    check(page.call(api, WHOAMI), Reads(200, {"session": SESSION_VALUE}))
    [seen] = api.seen(path="/whoami")
    assert seen.headers["cookie"] == COOKIE
    assert seen.response_headers["access-control-allow-credentials"] == "true"


def test_credentialed_preflight(open_page: OpenPage, api: LiveServer) -> None:
    """A preflighted credentialed DELETE passes and its Set-Cookie removes the cookie."""
    log_in(open_page, api)
    page = open_page(APP)
    check(page.call(api, LOG_OUT), Reads(200, {"logged_in": False}))
    assert api.methods("/session") == ["OPTIONS", "DELETE"]
    check(page.call(api, WHOAMI), Reads(200, {"session": None}))


@pytest.mark.parametrize(
    "call", [Call("/whoami"), Call("/whoami", credentials="omit")], ids=["default-same-origin", "omit"]
)
def test_no_cookie_without_include(open_page: OpenPage, api: LiveServer, call: Call) -> None:
    """Without credentials: "include" the browser sends no cookie cross-origin."""
    log_in(open_page, api)
    page = open_page(APP)
    check(page.call(api, call), Reads(200, {"session": None}))
    assert "cookie" not in api.seen(path="/whoami")[0].headers


def test_refused_without_supports_credentials(open_page: OpenPage, api: LiveServer) -> None:
    """The same call to a view without supports_credentials is refused, though the cookie was sent."""
    log_in(open_page, api)
    page = open_page(APP)
    call = Call("/whoami-without-credentials", credentials="include")
    check(page.call(api, call), Refused(NO_CREDENTIALS))
    assert api.seen(path=call.path)[0].headers["cookie"] == COOKIE


def test_any_origin_refuses_credentials(open_page: OpenPage, seed_api: LiveServer) -> None:
    """A credentialed call to the seed's origins="*" view lacks Allow-Credentials, so the browser refuses it."""
    page = open_page("https://any.example")
    check(page.call(seed_api, Call("/api/data", credentials="include")), Refused(NO_CREDENTIALS))


@pytest.mark.parametrize(
    "call",
    [WHOAMI, LOG_OUT],
    ids=["simple", "preflighted"],
)
def test_credentials_from_other_origin(open_page: OpenPage, api: LiveServer, call: Call) -> None:
    """A credentialed call from an origin the policy does not list is refused."""
    log_in(open_page, api)
    page = open_page("https://evil.example")
    expected = Refused(NO_ALLOW_ORIGIN) if call.method == "GET" else Refused(PREFLIGHT, NO_ALLOW_ORIGIN)
    check(page.call(api, call), expected)
    assert "DELETE" not in api.methods(call.path)
