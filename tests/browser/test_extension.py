"""The app-wide extension in the browser: path rules, error answers, hooks, blueprints, decorators."""

from __future__ import annotations

import http.client
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from .conftest import Visit
from .extension_app import (
    APP,
    EVIL,
    PARTNER,
    SPECIAL,
    TOKEN,
    create_guarded_app,
    create_rules_app,
    create_unintercepted_app,
)
from .harness import (
    MULTIPLE_ALLOW_ORIGIN,
    NO_ALLOW_ORIGIN,
    PREFLIGHT,
    Call,
    Expected,
    LiveServer,
    Reads,
    Refused,
    check,
)

REFUSED = Refused(NO_ALLOW_ORIGIN)
PREFLIGHT_REFUSED = Refused(PREFLIGHT, NO_ALLOW_ORIGIN)
REQUEST_ID = {"X-Request-Id": "r-1"}
ORDER = {"name": "new"}


def serve(create_app: Callable[[], Flask]) -> Iterator[LiveServer]:
    """Serve an app on loopback for the module's tests."""
    server = LiveServer(create_app())
    yield server
    server.close()


@pytest.fixture(scope="module")
def rules_server() -> Iterator[LiveServer]:
    """The rules app (CORS(app) with the rule "/api/*"), served on loopback."""
    yield from serve(create_rules_app)


@pytest.fixture(scope="module")
def guarded_server() -> Iterator[LiveServer]:
    """The guarded app (an authentication hook before every view), served on loopback."""
    yield from serve(create_guarded_app)


@pytest.fixture(scope="module")
def unintercepted_server() -> Iterator[LiveServer]:
    """The app with intercept_exceptions=False, served on loopback."""
    yield from serve(create_unintercepted_app)


@pytest.fixture
def rules_api(rules_server: LiveServer) -> LiveServer:
    """The rules app's server, with no requests recorded yet."""
    rules_server.clear()
    return rules_server


@pytest.fixture
def guarded_api(guarded_server: LiveServer) -> LiveServer:
    """The guarded app's server, with no requests recorded yet."""
    guarded_server.clear()
    return guarded_server


@pytest.fixture
def unintercepted_api(unintercepted_server: LiveServer) -> LiveServer:
    """The unintercepted app's server, with no requests recorded yet."""
    unintercepted_server.clear()
    return unintercepted_server


PATH_RULES = [
    (APP, "/api/users/7", Reads(200, {"user_id": 7})),
    (APP, "/api", Reads(200, {"api": "root"})),
    ("https://app.example.com.evil.test", "/api/users/7", REFUSED),
    ("http://app.example.com", "/api/users/7", REFUSED),
    (EVIL, "/api/users/7", REFUSED),
    (APP, "/apiary", REFUSED),
    (APP, "/internal/x", REFUSED),
]
PATH_RULE_IDS = [
    "under-rule",
    "rule-root",
    "suffix-lookalike",
    "http-scheme",
    "other-origin",
    "apiary-outside",
    "internal-outside",
]


@pytest.mark.parametrize(("origin", "path", "expected"), PATH_RULES, ids=PATH_RULE_IDS)
def test_path_rule(
    visit: Visit, rules_api: LiveServer, origin: str, path: str, expected: Expected
) -> None:
    """Only the rule's origin reads a path under "/api/*"; no origin reads a path outside it."""
    page = visit(origin)
    check(page.call(rules_api, Call(path)), expected)


ERRORS = [
    (Call("/api/nowhere"), Reads(404, text="Not Found")),
    (Call("/api/nowhere", "PUT", json=ORDER), Reads(404, text="Not Found")),
    (Call("/api/users/0"), Reads(404, text="Not Found")),
    (Call("/api/users/7", "POST"), Reads(405, text="Method Not Allowed")),
    (Call("/api/users/7", "DELETE", REQUEST_ID), Reads(405, text="Method Not Allowed")),
    (Call("/api/forbidden"), Reads(403, text="Forbidden")),
    (Call("/api/boom"), Reads(500, text="Internal Server Error")),
]
ERROR_IDS = [
    "unrouted-404",
    "unrouted-404-preflighted",
    "abort-404",
    "routing-405",
    "routing-405-preflighted",
    "abort-403",
    "exception-500",
]


def preflighted(call: Call) -> bool:
    """Return whether the browser sends a preflight before this call."""
    return call.method not in ("GET", "POST") or bool(call.headers) or call.json is not None


@pytest.mark.parametrize(("call", "expected"), ERRORS, ids=ERROR_IDS)
def test_error_is_readable(visit: Visit, rules_api: LiveServer, call: Call, expected: Reads) -> None:
    """An error answer under a rule reaches the rule's origin with its status, after any preflight."""
    page = visit(APP)
    check(page.call(rules_api, call), expected)
    assert rules_api.methods(call.path) == (["OPTIONS", call.method] if preflighted(call) else [call.method])


@pytest.mark.parametrize("call", [call for call, _ in ERRORS], ids=ERROR_IDS)
def test_error_is_hidden_from_other_origin(visit: Visit, rules_api: LiveServer, call: Call) -> None:
    """An error answer under a rule stays unreadable to an origin the rule does not list."""
    page = visit(EVIL)
    check(page.call(rules_api, call), PREFLIGHT_REFUSED if preflighted(call) else REFUSED)


AUTHENTICATED = [
    (APP, Call("/api/orders/7", "PUT", json=ORDER), Reads(401, {"error": "token required"}), 200),
    (
        APP,
        Call("/api/orders/7", "PUT", {"Authorization": TOKEN}, ORDER),
        Reads(200, {"saved": 7, "name": "new"}),
        200,
    ),
    (EVIL, Call("/api/orders/7", "PUT", {"Authorization": TOKEN}, ORDER), PREFLIGHT_REFUSED, 200),
    # No rule covers it, so the hook answers its preflight (401, no CORS headers) and the browser stops there.
    (APP, Call("/internal/orders/7", "PUT", json=ORDER), PREFLIGHT_REFUSED, 401),
]
AUTHENTICATED_IDS = ["without-token", "with-token", "other-origin", "outside-rules"]


@pytest.mark.parametrize(("origin", "call", "expected", "preflight_status"), AUTHENTICATED, ids=AUTHENTICATED_IDS)
def test_authentication_hook(
    visit: Visit,
    guarded_api: LiveServer,
    origin: str,
    call: Call,
    expected: Expected,
    preflight_status: int,
) -> None:
    """Under a rule the extension answers the preflight before the hook, whose 401 the page then reads."""
    page = visit(origin)
    check(page.call(guarded_api, call), expected)
    preflight = guarded_api.seen(path=call.path)[0]
    assert (preflight.method, preflight.status) == ("OPTIONS", preflight_status)
    sent = ["OPTIONS", "PUT"] if isinstance(expected, Reads) else ["OPTIONS"]
    assert guarded_api.methods(call.path) == sent


UNINTERCEPTED = [
    (Call("/api/users/7"), Reads(200, {"user_id": 7})),
    (Call("/api/nowhere"), Reads(404, text="Not Found")),
    (Call("/api/users/0"), Reads(404, text="Not Found")),
    (Call("/api/boom"), REFUSED),
]


@pytest.mark.parametrize(
    ("call", "expected"), UNINTERCEPTED, ids=["ok", "unrouted-404", "abort-404", "exception-500"]
)
def test_intercept_exceptions_off(
    visit: Visit, unintercepted_api: LiveServer, call: Call, expected: Expected
) -> None:
    """With intercept_exceptions=False only an unhandled exception's 500 under a rule is unreadable."""
    page = visit(APP)
    check(page.call(unintercepted_api, call), expected)


BLUEPRINT = [
    (APP, Call("/api/users/7"), Reads(200, {"user_id": 7})),
    (APP, Call("/api/partner/x"), REFUSED),
    (PARTNER, Call("/api/partner/x"), Reads(200, {"partner": "GET"})),
    (PARTNER, Call("/api/partner/x", "PUT", REQUEST_ID), Reads(200, {"partner": "PUT"})),
    (PARTNER, Call("/api/users/7"), REFUSED),
    (PARTNER, Call("/api/users/7", "PUT", REQUEST_ID), PREFLIGHT_REFUSED),
]
BLUEPRINT_IDS = [
    "app-origin-app-route",
    "app-origin-blueprint-route",
    "partner-origin-blueprint-route",
    "partner-origin-blueprint-preflighted",
    "partner-origin-app-route",
    "partner-origin-app-preflighted",
]


@pytest.mark.parametrize(("origin", "call", "expected"), BLUEPRINT, ids=BLUEPRINT_IDS)
def test_blueprint_next_to_app(
    visit: Visit, rules_api: LiveServer, origin: str, call: Call, expected: Expected
) -> None:
    """A blueprint's own CORS and the app's each let only their own origin read their own routes."""
    page = visit(origin)
    check(page.call(rules_api, call), expected)


DECORATED = [
    (SPECIAL, Call("/api/special"), Reads(200, {"special": "GET"})),
    (SPECIAL, Call("/api/special", "PUT", REQUEST_ID), Reads(200, {"special": "PUT"})),
    # The decorator replaces the rule (as in flask-cors): its allow_headers="*" applies.
    (SPECIAL, Call("/api/special", "PUT", {"X-Other": "1"}), Reads(200, {"special": "PUT"})),
    (APP, Call("/api/special"), REFUSED),
    (SPECIAL, Call("/api/users/7"), REFUSED),
]
DECORATED_IDS = [
    "decorator-origin",
    "decorator-origin-preflighted",
    "header-outside-rule-allowed",
    "rule-origin",
    "other-view-under-rule",
]


@pytest.mark.parametrize(("origin", "call", "expected"), DECORATED, ids=DECORATED_IDS)
def test_decorator_under_rule(
    visit: Visit, rules_api: LiveServer, origin: str, call: Call, expected: Expected
) -> None:
    """A decorated view under a rule takes the decorator's settings in place of the rule's."""
    page = visit(origin)
    check(page.call(rules_api, call), expected)


def allow_origins(server: LiveServer, method: str, path: str, headers: dict[str, str]) -> list[str]:
    """Return every Access-Control-Allow-Origin header of one answer, as sent on the wire."""
    port = int(server.base.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.headers.get_all("Access-Control-Allow-Origin") or []


def test_decorator_under_rule_sends_one_allow_origin(visit: Visit, rules_api: LiveServer) -> None:
    """A decorated view under a rule answers a call and its preflight with one Access-Control-Allow-Origin."""
    asks_put = {"Origin": SPECIAL, "Access-Control-Request-Method": "PUT"}
    assert allow_origins(rules_api, "GET", "/api/special", {"Origin": SPECIAL}) == [SPECIAL]
    assert allow_origins(rules_api, "OPTIONS", "/api/special", asks_put) == [SPECIAL]
    assert allow_origins(rules_api, "PUT", "/api/special", {"Origin": SPECIAL}) == [SPECIAL]
    # The browser refuses two, as it does where the app sends them itself.
    page = visit(SPECIAL)
    check(page.call(rules_api, Call("/twice")), Refused(MULTIPLE_ALLOW_ORIGIN))
