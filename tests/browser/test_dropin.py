"""flask-cors apps after the import change, in the browser: a bearer-token front end, an
app factory with ``init_app(app, **settings)``, and refused preflights that the console
blames on the real cause."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from .conftest import Visit
from .harness import (
    NO_ALLOW_ORIGIN,
    PREFLIGHT,
    Call,
    LiveServer,
    Read,
    Reads,
    Reason,
    Refused,
    check,
    header_not_allowed,
    method_not_allowed,
)

SPA = "https://spa.example.com"
EVIL = "https://evil.example"
BEARER = Call("/api/me", headers={"Authorization": "Bearer t0ken"})


def create_app() -> Flask:
    """An app factory as real apps write it: the extension made at import, set up per app."""
    from cors import CORS

    cors = CORS(origins=[SPA])
    app = Flask(__name__)

    @app.get("/api/me")
    def me() -> ResponseReturnValue:
        return jsonify(token=request.headers.get("Authorization"))

    @app.route("/api/orders", methods=["GET", "PUT"])
    def orders() -> ResponseReturnValue:
        return jsonify(orders=[]), 200, {"X-Total-Count": "0"}

    cors.init_app(app, expose_headers=["X-Total-Count"], methods=["GET", "PUT"], allow_headers=["Content-Type", "Authorization"])
    return app


@pytest.fixture(scope="module")
def factory_server() -> Iterator[LiveServer]:
    """The factory-made app on loopback."""
    server = LiveServer(create_app())
    yield server
    server.close()


@pytest.fixture
def factory_api(factory_server: LiveServer) -> LiveServer:
    """The factory-made app, with no requests recorded yet."""
    factory_server.clear()
    return factory_server


def test_bearer_token_call_under_default_allow_headers(visit: Visit) -> None:
    """A front end sending Authorization passes under the default allow_headers="*" (the names are echoed)."""
    from cors import CORS

    app = Flask(__name__)

    @app.get("/api/me")
    def me() -> ResponseReturnValue:
        return jsonify(token=request.headers.get("Authorization"))

    CORS(app)
    server = LiveServer(app)
    try:
        page = visit(SPA)
        check(page.call(server, BEARER), Reads(200, {"token": "Bearer t0ken"}))
        assert server.methods("/api/me") == ["OPTIONS", "GET"]
        [preflight, _] = server.seen(path="/api/me")
        assert preflight.response_headers["access-control-allow-headers"] == "authorization"
    finally:
        server.close()


def test_app_factory_settings_reach_the_page(visit: Visit, factory_api: LiveServer) -> None:
    """Settings given to init_app(app, ...) are merged over the constructor's: the page reads the exposed header."""
    page = visit(SPA)
    outcome = page.call(factory_api, Call("/api/orders", "PUT", {"Authorization": "Bearer t"}))
    check(outcome, Reads(200, {"orders": []}))
    assert isinstance(outcome, Read) and outcome.headers["x-total-count"] == "0"
    check(visit(EVIL).call(factory_api, Call("/api/orders")), Refused(NO_ALLOW_ORIGIN))


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (Call("/api/orders", headers={"X-Foo": "1"}), header_not_allowed("x-foo")),
        (Call("/api/orders", "DELETE"), method_not_allowed("DELETE")),
    ],
    ids=["header", "method"],
)
def test_refused_preflight_names_the_real_cause(
    visit: Visit, factory_api: LiveServer, call: Call, reason: Reason
) -> None:
    """From an allowed origin, a refused header or method is what the console blames, not the origin."""
    check(visit(SPA).call(factory_api, call), Refused(reason))
    [preflight] = factory_api.seen(path="/api/orders")
    assert preflight.response_headers["access-control-allow-origin"] == SPA


def test_refused_origin_preflight_blames_the_origin(visit: Visit, factory_api: LiveServer) -> None:
    """From an unlisted origin, the preflight gets no CORS header and the console says so."""
    check(visit(EVIL).call(factory_api, Call("/api/orders", headers={"X-Foo": "1"})), Refused(PREFLIGHT, NO_ALLOW_ORIGIN))
