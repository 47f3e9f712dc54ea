"""The cross_origin decorator through Flask's test client."""

from __future__ import annotations

from typing import Any

import re
from collections.abc import Callable

import pytest
from flask import Blueprint, Flask, Response, abort, jsonify, request
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from typeguard import suppress_type_checks
from werkzeug.exceptions import Conflict

from cors import CorsConfigError, CorsPolicy, cross_origin

SITE = "https://app.example.com"
EVIL = "https://evil.example"
ACAO = "Access-Control-Allow-Origin"


def preflight_headers(origin: str = SITE, method: str = "PUT", headers: str = "") -> dict[str, str]:
    """Request headers of a preflight."""
    result = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        result["Access-Control-Request-Headers"] = headers
    return result


@pytest.fixture
def app() -> Flask:
    """A fresh app that turns unhandled exceptions into 500 responses."""
    app = Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_plain_view_allowed_and_refused(app: Flask) -> None:
    """An allowed origin is echoed; a refused one gets no CORS headers but the body."""

    @app.route("/r")
    @cross_origin(origins=[SITE])
    def view() -> ResponseReturnValue:
        return {"ok": True}

    client = app.test_client()
    allowed = client.get("/r", headers={"Origin": SITE})
    assert allowed.headers[ACAO] == SITE
    assert allowed.headers["Vary"] == "Origin"
    refused = client.get("/r", headers={"Origin": EVIL})
    assert ACAO not in refused.headers
    assert refused.headers["Vary"] == "Origin"
    assert refused.json == {"ok": True}


def test_preflight_does_not_run_the_view(app: Flask) -> None:
    """With automatic_options a preflight is answered without running the view body."""
    calls: list[str] = []

    @app.route("/r", methods=["PUT"])
    @cross_origin(origins=[SITE])
    def view() -> ResponseReturnValue:
        calls.append(request.method)
        return "done"

    response = app.test_client().options("/r", headers=preflight_headers(headers="Content-Type"))
    assert response.status_code == 200
    assert response.headers[ACAO] == SITE
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert response.data == b""
    plain = app.test_client().options("/r", headers={"Origin": SITE})
    assert "PUT" in plain.headers["Allow"]
    assert calls == []


def test_refused_preflight_names_what_is_allowed(app: Flask) -> None:
    """A preflight for a refused method or header gets the origin and what is allowed, without the culprit."""

    @app.route("/r", methods=["PUT"])
    @cross_origin(origins=[SITE], methods=["PUT"], allow_headers=["Content-Type"])
    def view() -> ResponseReturnValue:
        return "done"

    client = app.test_client()
    method = client.options("/r", headers=preflight_headers(method="DELETE"))
    assert (method.headers[ACAO], "Access-Control-Allow-Methods" in method.headers) == (SITE, False)
    header = client.options("/r", headers=preflight_headers(headers="Content-Type, X-Other"))
    assert (header.headers[ACAO], header.headers["Access-Control-Allow-Headers"]) == (SITE, "Content-Type")
    evil = client.options("/r", headers={**preflight_headers(), "Origin": "https://evil.example"})
    assert not [h for h in evil.headers.keys() if h.startswith("Access-Control-")]


def test_automatic_options_false_lets_the_view_answer(app: Flask) -> None:
    """With automatic_options=False the view answers OPTIONS and the answer carries CORS headers."""

    @app.route("/r", methods=["GET", "OPTIONS"])
    @cross_origin(origins=[SITE], automatic_options=False)
    def view() -> ResponseReturnValue:
        if request.method == "OPTIONS":
            return jsonify({"preflight": "custom"})
        return "get"

    response = app.test_client().options("/r", headers=preflight_headers())
    assert response.json == {"preflight": "custom"}
    assert response.headers[ACAO] == SITE
    assert "Access-Control-Allow-Methods" in response.headers


def test_async_view(app: Flask) -> None:
    """An async def view works and gets CORS headers."""

    @app.route("/r")
    @cross_origin(origins=[SITE])
    async def view() -> ResponseReturnValue:
        return {"async": True}

    response = app.test_client().get("/r", headers={"Origin": SITE})
    assert response.json == {"async": True}
    assert response.headers[ACAO] == SITE


ERROR_VIEWS: dict[str, Callable[[], ResponseReturnValue]] = {}


def _abort_404() -> ResponseReturnValue:
    abort(404)


def _raise_http() -> ResponseReturnValue:
    raise Conflict()


def _raise_unhandled() -> ResponseReturnValue:
    raise RuntimeError("boom")


@pytest.mark.parametrize(
    ("view", "status"),
    [(_abort_404, 404), (_raise_http, 409), (_raise_unhandled, 500)],
    ids=["abort-404", "http-exception", "unhandled-500"],
)
def test_errors_carry_cors_headers(app: Flask, view: Callable[[], ResponseReturnValue], status: int) -> None:
    """Errors raised in the view still carry CORS headers, so the page can read the status."""
    app.add_url_rule("/r", view_func=cross_origin(origins=[SITE])(view))
    client = app.test_client()
    response = client.get("/r", headers={"Origin": SITE})
    assert response.status_code == status
    assert response.headers[ACAO] == SITE
    refused = client.get("/r", headers={"Origin": EVIL})
    assert refused.status_code == status
    assert ACAO not in refused.headers


def test_error_handler_response_carries_cors_headers(app: Flask) -> None:
    """A response made by the app's own error handler gets CORS headers too."""

    @app.errorhandler(404)
    def not_found(error: Exception) -> ResponseReturnValue:
        return {"error": "not found"}, 404

    app.add_url_rule("/r", view_func=cross_origin(origins=[SITE])(_abort_404))
    response = app.test_client().get("/r", headers={"Origin": SITE})
    assert response.json == {"error": "not found"}
    assert response.headers[ACAO] == SITE


def test_method_view_methods(app: Flask) -> None:
    """Decorated MethodView methods get CORS headers and their preflights are answered."""
    calls: list[str] = []

    class Items(MethodView):
        @cross_origin(origins=[SITE])
        def get(self) -> ResponseReturnValue:
            return {"items": []}

        @cross_origin(origins=["https://admin.example.com"], methods=["PUT"])
        def put(self) -> ResponseReturnValue:
            calls.append("put")
            return {"updated": True}

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    client = app.test_client()
    assert client.get("/items", headers={"Origin": SITE}).headers[ACAO] == SITE
    put_preflight = client.options("/items", headers=preflight_headers(origin="https://admin.example.com"))
    assert put_preflight.headers[ACAO] == "https://admin.example.com"
    assert put_preflight.headers["Access-Control-Allow-Methods"] == "PUT"
    assert ACAO not in client.options("/items", headers=preflight_headers(origin=SITE)).headers
    assert ACAO not in client.options("/items", headers=preflight_headers(method="DELETE")).headers
    assert client.options("/items").status_code == 200
    assert calls == []
    assert client.put("/items", headers={"Origin": "https://admin.example.com"}).json == {"updated": True}


def test_method_view_decorators_list(app: Flask) -> None:
    """cross_origin in a view class's decorators list also answers preflights."""

    class Items(MethodView):
        decorators = [cross_origin(origins=[SITE])]

        def get(self) -> ResponseReturnValue:
            return {"items": []}

        def delete(self) -> ResponseReturnValue:
            return {"deleted": True}

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    client = app.test_client()
    response = client.options("/items", headers=preflight_headers(method="DELETE"))
    assert response.headers[ACAO] == SITE
    assert client.delete("/items", headers={"Origin": SITE}).headers[ACAO] == SITE


def test_blueprint_view(app: Flask) -> None:
    """A decorated view on a blueprint works like any other."""
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.route("/r")
    @cross_origin(origins=[SITE])
    def view() -> ResponseReturnValue:
        return "bp"

    app.register_blueprint(bp)
    assert app.test_client().get("/bp/r", headers={"Origin": SITE}).headers[ACAO] == SITE


def test_one_function_on_several_routes_and_apps(app: Flask) -> None:
    """One function decorated differently for two apps keeps each app's policy, and stays plain elsewhere."""

    def shared() -> ResponseReturnValue:
        return "shared"

    before = dict(shared.__dict__)
    other = Flask("other")
    app.add_url_rule("/r", endpoint="r", view_func=cross_origin(origins=[SITE])(shared))
    other.add_url_rule("/r", endpoint="r", view_func=cross_origin(origins=[EVIL])(shared))
    app.add_url_rule("/plain", endpoint="plain", view_func=shared)
    assert shared.__dict__ == before
    assert not hasattr(shared, "provide_automatic_options")

    assert app.test_client().get("/r", headers={"Origin": SITE}).headers[ACAO] == SITE
    assert ACAO not in app.test_client().get("/r", headers={"Origin": EVIL}).headers
    assert other.test_client().get("/r", headers={"Origin": EVIL}).headers[ACAO] == EVIL
    plain = app.test_client().options("/plain", headers=preflight_headers())
    assert plain.status_code == 200
    assert ACAO not in plain.headers


def test_shared_response_is_not_mutated(app: Flask) -> None:
    """A Response object the view hands to every request never collects CORS headers."""
    shared = Response("same body")

    @app.route("/r")
    @cross_origin(origins=[SITE, "https://other.example.com"])
    def view() -> ResponseReturnValue:
        return shared

    client = app.test_client()
    first = client.get("/r", headers={"Origin": SITE})
    second = client.get("/r", headers={"Origin": "https://other.example.com"})
    third = client.get("/r", headers={"Origin": EVIL})
    assert first.headers[ACAO] == SITE
    assert second.headers[ACAO] == "https://other.example.com"
    assert ACAO not in third.headers
    assert ACAO not in shared.headers
    assert "Vary" not in shared.headers


def test_existing_headers_are_merged_not_duplicated(app: Flask) -> None:
    """A view's own Vary is merged into one line, and its own ACAO is replaced, not doubled."""

    @app.route("/r")
    @cross_origin(origins=[SITE])
    def view() -> ResponseReturnValue:
        return "x", 200, {"Vary": "Accept-Encoding", ACAO: "*"}

    response = app.test_client().get("/r", headers={"Origin": SITE})
    assert response.headers.getlist("Vary") == ["Accept-Encoding, Origin"]
    assert response.headers.getlist(ACAO) == [SITE]


def test_policy_positional_with_overrides(app: Flask) -> None:
    """cross_origin(policy, **overrides) is policy | CorsPolicy(**overrides)."""
    base = CorsPolicy(origins=[SITE], max_age=10)

    @app.route("/r", methods=["PUT"])
    @cross_origin(base, max_age=20)
    def view() -> ResponseReturnValue:
        return "x"

    response = app.test_client().options("/r", headers=preflight_headers())
    assert response.headers["Access-Control-Max-Age"] == "20"
    assert response.headers[ACAO] == SITE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"origin": SITE}, "did you mean 'origins'"),
        ({"allow_header": "x"}, "did you mean 'allow_headers'"),
        ({"supports_credential": True}, "did you mean 'supports_credentials'"),
        ({"resources": {}}, "unexpected keyword argument 'resources'"),
    ],
)
def test_misspelt_keyword_is_a_type_error(kwargs: dict[str, Any], message: str) -> None:
    """A misspelt keyword raises TypeError with the closest name, never falls back to defaults."""
    with pytest.raises(TypeError, match=re.escape(message)):
        cross_origin(**kwargs)


def test_positional_non_policy_is_a_type_error() -> None:
    """A positional argument other than a CorsPolicy is refused."""
    with pytest.raises(TypeError, match="takes a CorsPolicy"):
        with suppress_type_checks():
            cross_origin("https://a.com")  # type: ignore[arg-type]


def test_credentials_with_default_origins_fail_at_decoration() -> None:
    """@cross_origin(supports_credentials=True) alone raises when the module is imported."""
    with pytest.raises(CorsConfigError, match="list the allowed origins"):

        @cross_origin(supports_credentials=True)
        def view() -> ResponseReturnValue:
            return "x"


def test_decorated_view_exposes_its_policy() -> None:
    """The wrapper keeps the view's name and docstring and exposes its resolved policy."""

    def view() -> ResponseReturnValue:
        """Docstring."""
        return "x"

    wrapped = cross_origin(origins=[SITE])(view)
    assert wrapped.__name__ == "view"
    assert wrapped.__doc__ == "Docstring."
    assert wrapped.cors_policy.policy == CorsPolicy(origins=[SITE])  # type: ignore[attr-defined]
