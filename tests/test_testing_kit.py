"""The test kit users call from their own test suites."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.typing import ResponseReturnValue

from cors import cross_origin
from cors.testing import assert_allowed, assert_refused, cross_origin_call

SITE = "https://app.example.com"


@pytest.fixture
def client() -> object:
    """A test client of an app with credentialed and public routes."""
    app = Flask(__name__)

    @app.route("/api/me", methods=["GET", "PUT"])
    @cross_origin(origins=[SITE], supports_credentials=True, allow_headers=["Content-Type"], methods=["GET", "PUT", "DELETE"])
    def me() -> ResponseReturnValue:
        return {"me": True}

    @app.route("/public")
    @cross_origin(send_wildcard=True)
    def public() -> ResponseReturnValue:
        return {"public": True}

    return app.test_client()


def test_allowed_simple_call(client: object) -> None:
    """A simple allowed call sends no preflight and returns the response."""
    response = assert_allowed(client, "/api/me", origin=SITE, credentials=True)  # type: ignore[arg-type]
    assert response.json == {"me": True}


def test_allowed_preflighted_call(client: object) -> None:
    """A call with a JSON body is preflighted, then sent."""
    result = cross_origin_call(
        client, "/api/me", origin=SITE, method="PUT", headers={"Content-Type": "application/json"}, json={"a": 1}  # type: ignore[arg-type]
    )
    assert result.allowed and result.reason == ""
    assert result.preflight is not None and result.preflight.status_code == 200
    assert result.response is not None


@pytest.mark.parametrize(
    ("path", "options", "reason"),
    [
        ("/api/me", {"origin": "https://evil.example"}, "response refused: no Access-Control-Allow-Origin header"),
        ("/api/me", {"origin": SITE, "method": "PUT", "headers": {"X-Other": "1"}}, "preflight refused"),
        ("/api/me", {"origin": SITE, "method": "PATCH"}, "preflight refused"),
        # The policy allows DELETE, but the route does not: Flask's 405 comes
        # before the decorated view, so it carries no CORS headers.
        ("/api/me", {"origin": SITE, "method": "DELETE"}, "response refused"),
        ("/public", {"origin": SITE, "credentials": True}, "refuse with credentials"),
    ],
    ids=["origin", "header", "method", "route-method", "wildcard-with-credentials"],
)
def test_refused_calls(client: object, path: str, options: dict[str, object], reason: str) -> None:
    """Refusals say which response the browser rejects, and why."""
    result = assert_refused(client, path, **options)  # type: ignore[arg-type]
    assert reason in result.reason


def test_assert_allowed_fails_with_the_reason(client: object) -> None:
    """assert_allowed raises AssertionError carrying the browser's reason."""
    with pytest.raises(AssertionError, match="no Access-Control-Allow-Origin"):
        assert_allowed(client, "/api/me", origin="https://evil.example")  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="expected a refusal"):
        assert_refused(client, "/api/me", origin=SITE)  # type: ignore[arg-type]
