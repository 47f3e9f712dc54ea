"""Credentialed calls: a cookie set by one call, sent by the next, seen by the server.

The page (``https://app.example.com``) and the API (``https://backend.example.com:PORT``)
are on the same site, as a real app and its API usually are: there every
engine stores the API's cookie. A cookie from a cross-site API is where the
engines part ways (:func:`test_cross_site_cookie`).
"""

from __future__ import annotations

import pytest

from .apps import APP, LOCAL, SESSION_COOKIE, SESSION_VALUE
from .conftest import Visit
from .engines import API_HOST
from .harness import (
    NO_ALLOW_ORIGIN,
    NO_CREDENTIALS,
    PREFLIGHT,
    Call,
    LiveServer,
    Reads,
    Refused,
    check,
)

LOG_IN = Call("/session", "POST", credentials="include")
WHOAMI = Call("/whoami", credentials="include")
LOG_OUT = Call("/session", "DELETE", {"X-Csrf-Token": "t"}, credentials="include")
COOKIE = f"{SESSION_COOKIE}={SESSION_VALUE}"


def log_in(visit: Visit, api: LiveServer, *, host: str = API_HOST) -> None:
    """Open a page at APP and log in: the API sets its session cookie in the browser."""
    page = visit(APP)
    check(page.call(api, LOG_IN, host=host), Reads(200, {"logged_in": True}))
    assert api.seen(path="/session")[0].response_headers["set-cookie"].startswith(COOKIE)
    api.clear()


def test_cookie_round_trip(visit: Visit, api: LiveServer) -> None:
    """A credentialed call stores the API's cookie; the next page's call sends it, and the page reads the answer."""
    log_in(visit, api)
    page = visit(APP)
    check(page.call(api, WHOAMI, host=API_HOST), Reads(200, {"session": SESSION_VALUE}))
    [seen] = api.seen(path="/whoami")
    assert seen.headers["cookie"] == COOKIE
    assert seen.response_headers["access-control-allow-credentials"] == "true"


def test_credentialed_preflight(visit: Visit, api: LiveServer) -> None:
    """A preflighted credentialed DELETE passes and its Set-Cookie removes the cookie."""
    log_in(visit, api)
    page = visit(APP)
    check(page.call(api, LOG_OUT, host=API_HOST), Reads(200, {"logged_in": False}))
    assert api.methods("/session") == ["OPTIONS", "DELETE"]
    # The preflight never carries the cookie (Fetch standard, CORS-preflight fetch).
    assert "cookie" not in api.seen("OPTIONS", "/session")[0].headers
    check(page.call(api, WHOAMI, host=API_HOST), Reads(200, {"session": None}))


@pytest.mark.parametrize(
    "call", [Call("/whoami"), Call("/whoami", credentials="omit")], ids=["default-same-origin", "omit"]
)
def test_no_cookie_without_include(visit: Visit, api: LiveServer, call: Call) -> None:
    """Without credentials: "include" the browser sends no cookie to another origin, even of its own site."""
    log_in(visit, api)
    page = visit(APP)
    check(page.call(api, call, host=API_HOST), Reads(200, {"session": None}))
    assert "cookie" not in api.seen(path="/whoami")[0].headers


def test_refused_without_supports_credentials(visit: Visit, api: LiveServer) -> None:
    """The same call to a view without supports_credentials is refused, though the cookie was sent."""
    log_in(visit, api)
    page = visit(APP)
    call = Call("/whoami-without-credentials", credentials="include")
    check(page.call(api, call, host=API_HOST), Refused(NO_CREDENTIALS))
    assert api.seen(path=call.path)[0].headers["cookie"] == COOKIE


def test_any_origin_refuses_credentials(visit: Visit, seed_api: LiveServer) -> None:
    """A credentialed call to the seed's origins="*" view lacks Allow-Credentials, so the browser refuses it."""
    page = visit("https://any.example")
    check(page.call(seed_api, Call("/api/data", credentials="include")), Refused(NO_CREDENTIALS))


@pytest.mark.parametrize("call", [WHOAMI, LOG_OUT], ids=["simple", "preflighted"])
def test_credentials_from_other_origin(visit: Visit, api: LiveServer, call: Call) -> None:
    """A credentialed call from an origin the policy does not list is refused."""
    log_in(visit, api)
    page = visit("https://evil.example")
    expected = Refused(NO_ALLOW_ORIGIN) if call.method == "GET" else Refused(PREFLIGHT, NO_ALLOW_ORIGIN)
    check(page.call(api, call, host=API_HOST), expected)
    assert "DELETE" not in api.methods(call.path)


# Whether a cross-site API's cookie, set by an allowed credentialed call, comes back:
# - Chromium blocks third-party cookies in a default profile (the cookie is "blocked
#   by UserPreferences" in the DevTools log); measured with Debian's Chromium.
# - Firefox stores it, partitioned under the page's site (Total Cookie Protection,
#   https://developer.mozilla.org/en-US/docs/Web/Privacy/Guides/State_Partitioning),
#   and sends it back to the same API from the same site.
# - WebKit blocks third-party cookies outright (Intelligent Tracking Prevention,
#   https://webkit.org/tracking-prevention/#third-party-cookies).
CROSS_SITE_COOKIE_SENT = {"chromium": False, "firefox": True, "webkit": False}


def test_cross_site_cookie(visit: Visit, api: LiveServer) -> None:
    """A cookie from an API on another site comes back only in Firefox; the call is allowed in every engine."""
    log_in(visit, api, host="127.0.0.1")
    page = visit(APP)
    sent = CROSS_SITE_COOKIE_SENT[page.engine.name]
    check(page.call(api, WHOAMI), Reads(200, {"session": SESSION_VALUE if sent else None}))
    assert ("cookie" in api.seen(path="/whoami")[0].headers) == sent


# Which cookies an http://localhost API may set, for a page on http://localhost too:
# - Chromium and Firefox take http://localhost as a secure context ("potentially
#   trustworthy", W3C Secure Contexts §3.2), so a Secure cookie is stored there;
# - WebKit stores only the cookie without Secure: its cookie store takes Secure over
#   https only (measured with WebKitGTK 2.50.6).
LOCAL_COOKIES = {"chromium": ["plain", "secure"], "firefox": ["plain", "secure"], "webkit": ["plain"]}


def test_secure_cookie_on_localhost(visit: Visit, api: LiveServer) -> None:
    """On http://localhost a Secure cookie comes back in Chromium and Firefox, and only the plain one in WebKit."""
    page = visit(LOCAL)
    log_in_locally = Call("/local-session", "POST", credentials="include")
    check(page.call(api, log_in_locally, host="localhost"), Reads(200, {"logged_in": True}))
    whoami = Call("/local-whoami", credentials="include")
    check(page.call(api, whoami, host="localhost"), Reads(200, {"cookies": LOCAL_COOKIES[page.engine.name]}))
