"""The CORS extension: app-wide rules, config, blueprints, errors, and the decorator on top."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Blueprint, Flask, abort
from flask.typing import ResponseReturnValue
from typeguard import suppress_type_checks
from werkzeug.test import EnvironBuilder

from cors import CORS, CorsConfigError, CorsPolicy, CorsWarning, cross_origin

SITE = "https://app.example.com"
EVIL = "https://evil.example"
ACAO = "Access-Control-Allow-Origin"


def cors_header_names(headers: Any) -> list[str]:
    """The Access-Control-* header names of a response."""
    return [name for name in headers.keys() if name.startswith("Access-Control-")]


def make_app(*paths: str, **config: Any) -> Flask:
    """An app with a plain view at each path, and config keys."""
    app = Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config.update(config)
    for path in paths:
        app.add_url_rule(path, endpoint=path, view_func=lambda: "ok", methods=["GET", "PUT"])
    return app


def preflight(origin: str = SITE, method: str = "PUT") -> dict[str, str]:
    """Preflight request headers."""
    return {"Origin": origin, "Access-Control-Request-Method": method}


def test_default_covers_every_path() -> None:
    """CORS(app) allows any origin on every path, echoing it with Vary."""
    app = make_app("/a", "/b/c")
    CORS(app)
    client = app.test_client()
    for path in ("/a", "/b/c"):
        response = client.get(path, headers={"Origin": SITE})
        assert response.headers[ACAO] == SITE
        assert response.headers["Vary"] == "Origin"


@pytest.mark.parametrize("form", ["keywords", "policy", "factory"])
def test_construction_forms(form: str) -> None:
    """Keywords, a policy, and the factory form configure the same thing."""
    app = make_app("/r")
    if form == "keywords":
        CORS(app, origins=[SITE])
    elif form == "policy":
        CORS(app, CorsPolicy(origins=[SITE]))
    else:
        cors = CORS(origins=[SITE])
        cors.init_app(app)
    client = app.test_client()
    assert client.get("/r", headers={"Origin": SITE}).headers[ACAO] == SITE
    assert ACAO not in client.get("/r", headers={"Origin": EVIL}).headers
    assert "cors" in app.extensions


def test_init_twice_same_settings_is_idempotent() -> None:
    """Setting up CORS twice with equal settings changes nothing and adds no second hook."""
    app = make_app("/r")
    CORS(app, origins=[SITE])
    CORS(app, origins=[SITE])
    response = app.test_client().get("/r", headers={"Origin": SITE})
    assert response.headers.getlist(ACAO) == [SITE]
    assert response.headers.getlist("Vary") == ["Origin"]


def test_init_twice_other_settings_fails() -> None:
    """Setting up CORS again with other settings is a RuntimeError with the fix."""
    app = make_app("/r")
    CORS(app, origins=[SITE])
    with pytest.raises(RuntimeError, match="already set up on app"):
        CORS(app, origins=[EVIL])


def test_config_keys_are_a_layer() -> None:
    """CORS_* config keys apply, and extension arguments override them."""
    app = make_app("/r", CORS_ORIGINS=[SITE], CORS_MAX_AGE=600, CORS_SUPPORTS_CREDENTIALS=None)
    CORS(app, max_age=60)
    response = app.test_client().options("/r", headers=preflight())
    assert response.headers[ACAO] == SITE
    assert response.headers["Access-Control-Max-Age"] == "60"


def test_config_resources_and_intercept() -> None:
    """CORS_RESOURCES and CORS_INTERCEPT_EXCEPTIONS are read from config."""
    app = make_app("/api/x", "/other", CORS_RESOURCES={"/api/*": {"origins": SITE}}, CORS_INTERCEPT_EXCEPTIONS=False)
    CORS(app)
    client = app.test_client()
    assert client.get("/api/x", headers={"Origin": SITE}).headers[ACAO] == SITE
    assert ACAO not in client.get("/other", headers={"Origin": SITE}).headers
    # intercept_exceptions=False leaves out only unhandled exceptions: a 404 stays readable.
    assert client.get("/api/missing", headers={"Origin": SITE}).headers[ACAO] == SITE


@pytest.mark.parametrize(
    ("config", "error", "message"),
    [
        ({"CORS_MAX_AGE": -1}, CorsConfigError, "app.config: max_age: -1 is negative"),
        ({"CORS_SUPPORTS_CREDENTIALS": True}, CorsConfigError, "list the allowed origins"),
        ({"CORS_RESOURCES": "api/*"}, CorsConfigError, "did you mean '/api/*'"),
        ({"CORS_RESOURCES": 5}, CorsConfigError, "is not a pattern"),
        ({"CORS_RESOURCES": []}, CorsConfigError, "no path rules"),
        ({"CORS_RESOURCES": {"/a": 5}}, CorsConfigError, "is not a CorsPolicy or a mapping"),
        ({"CORS_RESOURCES": {"/a": {"origin": SITE}}}, TypeError, "did you mean 'origins'"),
        ({"CORS_INTERCEPT_EXCEPTIONS": "no"}, CorsConfigError, "intercept_exceptions: 'no' is not a bool"),
    ],
    ids=lambda v: str(v),
)
def test_bad_config_fails_at_init(config: dict[str, Any], error: type[Exception], message: str) -> None:
    """Unknown keys and bad values in app.config fail when the extension is set up."""
    app = make_app("/r", **config)
    with suppress_type_checks(), pytest.raises(error, match=re.escape(message)):
        CORS(app)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("CORS_ORIGIN", "Did you mean 'CORS_ORIGINS' (the origins allowed to read responses)?"),
        ("CORS_HEADERS", "whose default '*' already allows every header, Authorization included"),
        ("CORS_ALLOWED_ORIGINS", "Did you mean 'CORS_ORIGINS'"),
        ("CORS_MY_OWN_THING", "Known keys: CORS_ORIGINS"),
    ],
)
def test_unknown_config_key_warns_and_is_ignored(key: str, message: str) -> None:
    """An unknown CORS_* key is a CorsWarning that says it is ignored and what was probably meant."""
    app = make_app("/r", **{key: "Content-Type"})
    with pytest.warns(CorsWarning, match=re.escape(message)) as record:
        CORS(app, origins=[SITE])
    assert "is not a CORS setting, so it is ignored" in str(record[0].message)
    assert record[0].filename == __file__
    assert app.test_client().get("/r", headers={"Origin": SITE}).headers[ACAO] == SITE


def test_config_key_set_after_setup_counts() -> None:
    """A CORS_* key set after CORS(app) is read when the app starts serving, like one set before."""
    app = make_app("/r")
    CORS(app)
    app.config["CORS_ORIGINS"] = [SITE]
    app.config["CORS_EXPOSE_HEADERS"] = ["X-Total"]
    client = app.test_client()
    assert ACAO not in client.get("/r", headers={"Origin": EVIL}).headers
    assert client.get("/r", headers={"Origin": SITE}).headers["Access-Control-Expose-Headers"] == "X-Total"
    late = make_app("/r")
    CORS(late)
    late.config["CORS_HEADERS"] = "Content-Type"
    with pytest.warns(CorsWarning, match="CORS_HEADERS"):
        late.test_client().get("/r")


def test_unknown_keyword_fails() -> None:
    """A misspelt extension keyword is a TypeError with the closest name."""
    with pytest.raises(TypeError, match="did you mean 'origins'"):
        CORS(origin=SITE)  # type: ignore[call-arg]


RESOURCE_FORMS: list[Any] = [
    {"/api/*": {"origins": SITE}},
    [("/api/*", CorsPolicy(origins=SITE))],
    [("/api/*", {"origins": [SITE]})],
]


@pytest.mark.parametrize("resources", RESOURCE_FORMS, ids=["dict", "pairs-policy", "pairs-dict"])
def test_resource_forms(resources: Any) -> None:
    """A mapping or a list of pairs gives each path its settings."""
    app = make_app("/api/x", "/apiary", "/other")
    CORS(app, resources=resources)
    client = app.test_client()
    assert client.get("/api/x", headers={"Origin": SITE}).headers[ACAO] == SITE
    assert ACAO not in client.get("/api/x", headers={"Origin": EVIL}).headers
    for path in ("/apiary", "/other"):
        response = client.get(path, headers={"Origin": SITE})
        assert cors_header_names(response.headers) == []
        assert "Vary" not in response.headers


def test_resource_patterns_use_extension_settings() -> None:
    """A list of bare patterns uses the extension's own settings."""
    app = make_app("/api/x", "/public", "/other")
    CORS(app, resources=["/api/*", "/public"], origins=[SITE])
    client = app.test_client()
    assert client.get("/api/x", headers={"Origin": SITE}).headers[ACAO] == SITE
    assert client.get("/public", headers={"Origin": SITE}).headers[ACAO] == SITE
    assert ACAO not in client.get("/other", headers={"Origin": SITE}).headers


def test_first_matching_rule_wins_in_given_order() -> None:
    """Rules apply in the order given: a catch-all listed first shadows a narrower rule."""
    app = make_app("/admin/keys")
    catch_all_first: list[Any] = [(re.compile(r"/.*"), {"origins": "*"}), ("/admin/*", {"origins": [SITE]})]
    CORS(app, resources=catch_all_first)
    assert app.test_client().get("/admin/keys", headers={"Origin": EVIL}).headers[ACAO] == EVIL

    app = make_app("/admin/keys")
    narrow_first: list[Any] = [("/admin/*", {"origins": [SITE]}), (re.compile(r"/.*"), {"origins": "*"})]
    CORS(app, resources=narrow_first)
    assert ACAO not in app.test_client().get("/admin/keys", headers={"Origin": EVIL}).headers


@pytest.mark.parametrize(
    ("url", "covered"),
    [
        ("/api/a%2Fb", True),
        # WSGI decodes %2F once, and Flask routes on /api/secret: the rule sees the same.
        ("/api%2Fsecret", True),
        # Decoded once this is /api%2Fsecret, not below /api: never decoded twice.
        ("/api%252Fsecret", False),
        ("/API/secret", False),
        # Flask routes on the literal path; browsers remove dot segments before sending.
        ("/api/../secret", True),
        ("/service+path", True),
        ("/service%20path", False),
        ("/service%2Bpath", True),
    ],
)
def test_path_confusion(url: str, covered: bool) -> None:
    """Rules see the path decoded once and compared case-sensitively, so look-alikes stay uncovered."""
    app = Flask(__name__)
    app.add_url_rule("/<path:rest>", view_func=lambda rest: rest)
    CORS(app, resources={"/api/*": {"origins": [SITE]}, "/service+path": {"origins": [SITE]}})
    response = app.test_client().get(url, headers={"Origin": SITE})
    assert (ACAO in response.headers) is covered


def test_preflight_is_answered_before_other_hooks() -> None:
    """A preflight never reaches an authentication hook or the view body."""
    app = Flask(__name__)
    calls: list[str] = []

    @app.before_request
    def require_login() -> ResponseReturnValue | None:
        calls.append("auth")
        return ("login required", 401)

    @app.route("/r", methods=["PUT"])
    def view() -> ResponseReturnValue:
        calls.append("view")
        return "x"

    CORS(app, origins=[SITE])
    client = app.test_client()
    response = client.options("/r", headers=preflight())
    assert response.status_code == 200
    assert response.headers[ACAO] == SITE
    assert calls == []
    refused = client.options("/r", headers=preflight(origin=EVIL))
    assert cors_header_names(refused.headers) == []
    assert calls == []
    actual = client.put("/r", headers={"Origin": SITE})
    assert actual.status_code == 401
    assert actual.headers[ACAO] == SITE
    assert calls == ["auth"]


def test_plain_options_goes_to_flask() -> None:
    """OPTIONS without Access-Control-Request-Method is left to Flask's own handling."""
    app = make_app("/r")
    CORS(app)
    response = app.test_client().options("/r", headers={"Origin": SITE})
    assert "PUT" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("url", "method", "status"),
    [("/api/missing", "GET", 404), ("/api/x", "POST", 405), ("/api/abort", "GET", 403), ("/api/boom", "GET", 500)],
)
@pytest.mark.parametrize("intercept", [True, False])
def test_errors_carry_headers_unless_turned_off(url: str, method: str, status: int, intercept: bool) -> None:
    """404, 405, abort and unhandled errors carry CORS headers; intercept_exceptions=False leaves them off 500s only."""
    app = make_app("/api/x")

    @app.route("/api/abort")
    def forbidden() -> ResponseReturnValue:
        abort(403)

    @app.route("/api/boom")
    def boom() -> ResponseReturnValue:
        raise RuntimeError("boom")

    CORS(app, resources="/api/*", origins=[SITE], intercept_exceptions=intercept)
    response = app.test_client().open(url, method=method, headers={"Origin": SITE})
    assert response.status_code == status
    assert (response.headers.get(ACAO) == SITE) is (intercept or status != 500)
    assert response.headers["Vary"] == "Origin"


def test_an_error_outside_the_rules_gets_no_cors_headers() -> None:
    """An unhandled error on a path no rule covers is Flask's 500, with no CORS header and no Vary."""
    app = make_app("/api/x")

    @app.route("/boom")
    def boom() -> ResponseReturnValue:
        raise RuntimeError("boom")

    CORS(app, resources="/api/*", origins=[SITE])
    response = app.test_client().get("/boom", headers={"Origin": SITE})
    assert response.status_code == 500
    assert cors_header_names(response.headers) == []
    assert "Vary" not in response.headers


def test_a_path_that_is_no_wsgi_string_fails_as_without_cors() -> None:
    """A PATH_INFO no server makes (not latin-1) raises the error Werkzeug raises for it, CORS or not."""
    bare, covered = make_app("/api/x"), make_app("/api/x")
    CORS(covered, origins=[SITE])
    for app in (bare, covered):
        environ = EnvironBuilder("/api/x", headers=[("Origin", SITE)]).get_environ()
        environ["PATH_INFO"] = "/api/\u2603"
        with pytest.raises(UnicodeEncodeError, match="latin-1"):
            app.wsgi_app(environ, lambda status, headers, exc_info=None: lambda data: None)


def test_setup_runs_once() -> None:
    """Setting up again after the first request (a thread that waited for the lock) changes nothing."""
    app = make_app("/r")
    CORS(app, origins=[SITE])
    client = app.test_client()
    assert client.get("/r", headers={"Origin": SITE}).headers[ACAO] == SITE
    state = app.extensions["cors"]
    rules = state.rules
    state.setup()
    assert state.rules is rules
    assert client.get("/r", headers={"Origin": SITE}).headers[ACAO] == SITE


def test_cors_app_after_a_blueprint_served_covers_the_app() -> None:
    """CORS(app) called once the app has served a blueprint's CORS(bp) routes covers the app's other routes too."""
    bp = Blueprint("partner", __name__, url_prefix="/partner")
    bp.add_url_rule("/x", view_func=lambda: "bp")
    CORS(bp, origins=["https://partner.example"])
    app = make_app("/other")
    app.register_blueprint(bp)
    client = app.test_client()
    assert ACAO not in client.get("/other", headers={"Origin": SITE}).headers
    CORS(app, origins=[SITE])
    assert client.get("/other", headers={"Origin": SITE}).headers[ACAO] == SITE
    assert client.get("/partner/x", headers={"Origin": "https://partner.example"}).headers[ACAO]


def test_blueprint_uses_app_config_and_covers_its_routes() -> None:
    """CORS(bp) reads the app's config at registration and covers only the blueprint's routes."""
    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.add_url_rule("/x", view_func=lambda: "bp")
    CORS(bp, max_age=30)
    app = make_app("/other", CORS_ORIGINS=[SITE])
    app.register_blueprint(bp)
    client = app.test_client()
    response = client.options("/api/x", headers=preflight(method="GET"))
    assert response.headers[ACAO] == SITE
    assert response.headers["Access-Control-Max-Age"] == "30"
    assert ACAO not in client.get("/api/x", headers={"Origin": EVIL}).headers
    assert ACAO not in client.get("/other", headers={"Origin": SITE}).headers


def test_blueprint_rules_come_before_app_rules() -> None:
    """A blueprint's own CORS settings win over the app's for its routes."""
    bp = Blueprint("partner", __name__, url_prefix="/partner")
    bp.add_url_rule("/x", view_func=lambda: "bp")
    CORS(bp, origins=["https://partner.example"])
    app = make_app("/other")
    CORS(app, origins=[SITE])
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/partner/x", headers={"Origin": "https://partner.example"}).headers[ACAO]
    assert ACAO not in client.get("/partner/x", headers={"Origin": SITE}).headers
    assert client.get("/other", headers={"Origin": SITE}).headers[ACAO] == SITE


def test_decorator_replaces_rule() -> None:
    """A decorated view under a rule gets defaults | config | decorator: nothing of the rule reaches it."""
    app = Flask(__name__)
    app.config["CORS_EXPOSE_HEADERS"] = ["X-Total"]

    @app.route("/api/special", methods=["PUT"])
    @cross_origin(origins=["https://special.example"])
    def special() -> ResponseReturnValue:
        return "special"

    CORS(app, resources={"/api/*": {"origins": [SITE], "max_age": 99, "supports_credentials": True}})
    client = app.test_client()
    response = client.put("/api/special", headers={"Origin": "https://special.example"})
    assert response.headers.getlist(ACAO) == ["https://special.example"]
    assert response.headers.getlist("Vary") == ["Origin"]
    assert response.headers["Access-Control-Expose-Headers"] == "X-Total"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert ACAO not in client.put("/api/special", headers={"Origin": SITE}).headers
    answered = client.options("/api/special", headers=preflight(origin="https://special.example"))
    assert answered.headers[ACAO] == "https://special.example"
    assert "Access-Control-Max-Age" not in answered.headers


def test_decorator_outside_rules_keeps_its_own_policy() -> None:
    """A decorated view that no rule covers is handled by the decorator alone."""
    app = Flask(__name__)

    @app.route("/own")
    @cross_origin(origins=[EVIL])
    def own() -> ResponseReturnValue:
        return "own"

    CORS(app, resources="/api/*", origins=[SITE])
    response = app.test_client().get("/own", headers={"Origin": EVIL})
    assert response.headers.getlist(ACAO) == [EVIL]


def test_unsafe_decorator_over_config_fails_at_init() -> None:
    """A decorator that the app's config makes unsafe fails when the extension is set up."""
    app = Flask(__name__)
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True

    @app.route("/api/r")
    @cross_origin(origins="*")
    def view() -> ResponseReturnValue:
        return "x"

    with pytest.raises(CorsConfigError, match="origins='\\*' would let"):
        CORS(app, origins=[SITE])


def test_unsafe_late_view_fails_before_first_response() -> None:
    """A view that the config makes unsafe, registered after CORS(app), fails on the first request."""
    app = Flask(__name__)
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    CORS(app, origins=[SITE])

    @app.route("/api/r")
    @cross_origin(origins="*")
    def view() -> ResponseReturnValue:
        return "x"

    app.testing = True
    with pytest.raises(CorsConfigError, match="list the allowed origins"):
        app.test_client().get("/api/r", headers={"Origin": SITE})


def test_method_view_methods_under_extension() -> None:
    """Each decorated method of a view class layers its own settings over the rule."""
    from flask.views import MethodView

    class Items(MethodView):
        @cross_origin(max_age=5)
        def get(self) -> ResponseReturnValue:
            return "get"

        @cross_origin(origins=["https://admin.example"], methods=["DELETE"])
        def delete(self) -> ResponseReturnValue:
            return "deleted"

    app = Flask(__name__)
    app.add_url_rule("/items", view_func=Items.as_view("items"))
    CORS(app, origins=[SITE])
    client = app.test_client()
    assert client.get("/items", headers={"Origin": SITE}).headers[ACAO] == SITE
    delete = client.options("/items", headers=preflight(origin="https://admin.example", method="DELETE"))
    assert delete.headers[ACAO] == "https://admin.example"
    assert delete.headers["Access-Control-Allow-Methods"] == "DELETE"
    assert ACAO not in client.options("/items", headers=preflight(origin=SITE, method="DELETE")).headers
    assert client.head("/items", headers={"Origin": SITE}).headers[ACAO] == SITE


def test_environ_rebuilt_behind_the_middleware_does_not_fail() -> None:
    """A request that reaches Flask without the middleware's slot is served, and its preflight answered."""
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    app = make_app("/r")
    CORS(app, origins=[SITE])
    inner = app.wsgi_app.wsgi_app  # type: ignore[attr-defined]
    environ = EnvironBuilder(path="/r", method="OPTIONS", headers=list(preflight().items())).get_environ()
    _, status, _ = run_wsgi_app(inner, environ)
    assert status == "200 OK"


def test_non_ascii_path_is_matched_as_flask_routes_it() -> None:
    """A UTF-8 path is decoded once, as Werkzeug decodes it, before the path rules are matched."""
    app = Flask(__name__)
    app.add_url_rule("/café", view_func=lambda: "ok")
    CORS(app, resources="/café", origins=[SITE])
    client = app.test_client()
    assert client.get("/caf%C3%A9", headers={"Origin": SITE}).headers[ACAO] == SITE
    assert ACAO not in client.get("/caf%C3%A9x", headers={"Origin": SITE}).headers
