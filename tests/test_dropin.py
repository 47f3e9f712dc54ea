"""A flask-cors app behaves the same after the import change, except where flask-cors is unsafe.

Each test is one pattern found in real flask-cors apps, through Flask's test client.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest
from flask import Blueprint, Flask, request
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from werkzeug.wrappers import Response as WerkzeugResponse

from cors import CORS, CorsConfigError, CorsPolicy, cross_origin

SITE = "https://app.example.com"
OTHER = "https://other.example.com"
EVIL = "https://evil.example"
ACAO = "Access-Control-Allow-Origin"
ACAH = "Access-Control-Allow-Headers"
ACAC = "Access-Control-Allow-Credentials"
ENTRIES = ["decorator", "extension"]


def preflight(origin: str = SITE, method: str = "PUT", headers: str | None = None) -> dict[str, str]:
    """Request headers of a preflight."""
    result = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        result["Access-Control-Request-Headers"] = headers
    return result


def make_app(entry: str, **settings: Any) -> Flask:
    """An app with one route /r (GET, PUT), covered by the decorator, by CORS(app), or (any other entry) neither."""
    app = Flask(__name__)

    def view() -> ResponseReturnValue:
        return "ok"

    if entry == "decorator":
        app.add_url_rule("/r", view_func=cross_origin(**settings)(view), methods=["GET", "PUT"])
    else:
        app.add_url_rule("/r", view_func=view, methods=["GET", "PUT"])
        if entry == "extension":
            CORS(app, **settings)
    return app


def test_cors_app_keyword() -> None:
    """CORS(app=app) sets up the extension like CORS(app)."""
    app = make_app("decorator-free")
    CORS(app=app, origins=[SITE])
    assert app.test_client().get("/r", headers={"Origin": SITE}).headers[ACAO] == SITE


def test_init_app_settings_merge_over_the_constructors() -> None:
    """The app-factory form: settings given to init_app are merged over those given to CORS()."""
    cors = CORS(origins=[SITE], expose_headers=["X-Total"])

    def create_app() -> Flask:
        app = make_app("none")
        cors.init_app(app, supports_credentials=True, expose_headers=["X-Page"])
        return app

    response = create_app().test_client().get("/r", headers={"Origin": SITE})
    assert (response.headers[ACAO], response.headers[ACAC]) == (SITE, "true")
    assert response.headers["Access-Control-Expose-Headers"] == "X-Page"
    with pytest.raises(CorsConfigError, match="origins='\\*' \\(the default\\) would let"):
        CORS().init_app(make_app("none"), supports_credentials=True)


@pytest.mark.parametrize("entry", ENTRIES)
def test_plain_options_request_gets_cors_headers(entry: str) -> None:
    """An OPTIONS request that is not a preflight is an actual request, answered with CORS headers."""
    response = make_app(entry, origins=[SITE]).test_client().options("/r", headers={"Origin": SITE})
    assert response.status_code == 200
    assert response.headers[ACAO] == SITE
    assert "PUT" in response.headers["Allow"]


@pytest.mark.parametrize("entry", ENTRIES)
def test_preflight_for_options_is_allowed_by_default(entry: str) -> None:
    """OPTIONS is in the default methods, so a preflight may ask for it."""
    response = make_app(entry).test_client().options("/r", headers=preflight(method="OPTIONS"))
    assert response.headers[ACAO] == SITE
    assert "OPTIONS" in response.headers["Access-Control-Allow-Methods"].split(", ")


@pytest.mark.parametrize("entry", ENTRIES)
def test_any_origin_answers_requests_without_origin(entry: str) -> None:
    """With origins="*" and always_send (the defaults), a request without Origin gets * and Vary: Origin."""
    client = make_app(entry).test_client()
    response = client.get("/r")
    assert (response.headers[ACAO], response.headers["Vary"]) == ("*", "Origin")
    listed = make_app(entry, origins=[SITE]).test_client().get("/r")
    assert ACAO not in listed.headers  # an allow-list is never leaked
    assert listed.headers["Vary"] == "Origin"


@pytest.mark.parametrize("entry", ENTRIES)
def test_bearer_token_preflight_is_allowed_by_default(entry: str) -> None:
    """allow_headers="*" (the default) allows Authorization by echoing the requested names."""
    client = make_app(entry, origins=[SITE]).test_client()
    response = client.options("/r", headers=preflight(headers="authorization,content-type"))
    assert response.headers[ACAH] == "authorization,content-type".replace(",", ", ")
    assert response.headers[ACAO] == SITE


@pytest.mark.parametrize("entry", ENTRIES)
def test_header_names_keep_their_configured_spelling(entry: str) -> None:
    """Exposed header names are sent as configured; requested names are echoed as sent."""
    app = make_app(entry, origins=[SITE], expose_headers=["X-Total-Count", "ETag"], allow_headers=["X-Request-ID"])
    client = app.test_client()
    assert client.get("/r", headers={"Origin": SITE}).headers["Access-Control-Expose-Headers"] == "ETag, X-Total-Count"
    assert client.options("/r", headers=preflight(headers="x-request-id")).headers[ACAH] == "x-request-id"


@pytest.mark.parametrize("entry", ENTRIES)
def test_refused_preflight_from_allowed_origin_names_the_culprit(entry: str) -> None:
    """A refused header or method gets the origin and the allowed subset; a refused origin gets nothing."""
    client = make_app(entry, origins=[SITE], methods=["GET", "PUT"], allow_headers=["Content-Type"]).test_client()
    header = client.options("/r", headers=preflight(headers="content-type,x-foo"))
    assert (header.headers[ACAO], header.headers[ACAH]) == (SITE, "content-type")
    method = client.options("/r", headers=preflight(method="DELETE"))
    assert method.headers[ACAO] == SITE  # the origin alone, as flask-cors answers, so the method is blamed
    assert "Access-Control-Allow-Methods" not in method.headers
    evil = client.options("/r", headers=preflight(origin=EVIL, headers="x-foo"))
    assert [name for name in evil.headers.keys() if name.startswith("Access-Control-")] == []


@pytest.mark.parametrize("entry", ENTRIES)
def test_head_preflight_is_allowed_where_get_is(entry: str) -> None:
    """A preflight asking for HEAD is allowed wherever GET is."""
    client = make_app(entry, origins=[SITE], methods=["GET"]).test_client()
    response = client.options("/r", headers=preflight(method="HEAD", headers="x-foo"))
    assert (response.headers[ACAO], response.headers[ACAH]) == (SITE, "x-foo")


def test_stacked_decorators_fail_at_import() -> None:
    """Two cross_origin decorators on one view are a CorsConfigError naming the view and the fix."""
    with pytest.raises(CorsConfigError, match=r"applied twice to the view '.*api_root'.*cross_origin\(a \| b\)"):

        @cross_origin(origins=[SITE])
        @cross_origin(supports_credentials=True, origins=[OTHER])
        def api_root() -> str:
            return "root"


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A functools.wraps decorator like flask-login's: OPTIONS passes, other methods need a user."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.method != "OPTIONS" and "Authorization" not in request.headers:
            return "login required", 401
        return view(*args, **kwargs)

    return wrapper


def test_wrapping_decorator_keeps_preflights() -> None:
    """A functools.wraps decorator between @app.route and @cross_origin does not hand preflights to Flask."""
    app = Flask(__name__)

    @app.route("/me", methods=["GET", "PUT"])
    @login_required
    @cross_origin(origins=[SITE], supports_credentials=True)
    def me() -> ResponseReturnValue:
        return "me"

    client = app.test_client()
    answer = client.options("/me", headers=preflight(headers="authorization"))
    assert (answer.status_code, answer.headers[ACAO], answer.headers[ACAH]) == (200, SITE, "authorization")
    assert client.put("/me", headers={"Origin": SITE, "Authorization": "Bearer t"}).headers[ACAC] == "true"


@pytest.mark.parametrize("with_extension", [False, True], ids=["decorators", "decorators-and-extension"])
def test_one_view_per_method_each_with_its_policy(with_extension: bool) -> None:
    """With @app.get and @app.post on one URL, a preflight gets the policy of the view serving the asked method."""
    app = Flask(__name__)

    @app.get("/items")
    @cross_origin(origins=[SITE])
    def list_items() -> ResponseReturnValue:
        return "list"

    @app.post("/items")
    @cross_origin(origins=[OTHER], allow_headers=["Content-Type"], max_age=60)
    def add_item() -> ResponseReturnValue:
        return "added"

    if with_extension:
        CORS(app, origins=[EVIL])
    client = app.test_client()
    post = client.options("/items", headers=preflight(origin=OTHER, method="POST", headers="content-type"))
    assert (post.headers[ACAO], post.headers["Access-Control-Max-Age"]) == (OTHER, "60")
    refused = client.options("/items", headers=preflight(origin=SITE, method="POST", headers="content-type"))
    assert ACAO not in refused.headers
    get = client.options("/items", headers=preflight(origin=SITE, method="GET", headers="x-foo"))
    assert get.headers[ACAO] == SITE
    assert client.post("/items", headers={"Origin": OTHER}).headers[ACAO] == OTHER


def test_view_class_with_own_options_keeps_answering_plain_options() -> None:
    """A view class's own options() answers plain OPTIONS; preflights get the asked method's policy."""
    app = Flask(__name__)

    class Items(MethodView):
        @cross_origin(origins=[SITE])
        def put(self) -> ResponseReturnValue:
            return "put"

        def options(self) -> ResponseReturnValue:
            return "my options", 200, {"Allow": "PUT, OPTIONS"}

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    client = app.test_client()
    plain = client.options("/items")
    assert plain.data == b"my options"
    answer = client.options("/items", headers=preflight())
    assert (answer.data, answer.headers[ACAO]) == (b"", SITE)


def test_blueprint_registered_twice_gets_its_rules_under_both() -> None:
    """CORS(bp) covers each registration of a blueprint (/v1 and /v2 under a second name)."""
    bp = Blueprint("api", __name__)
    bp.add_url_rule("/items", view_func=lambda: "items")
    CORS(bp, origins=[SITE])
    app = Flask(__name__)
    app.register_blueprint(bp, url_prefix="/v1")
    app.register_blueprint(bp, url_prefix="/v2", name="api_v2")
    client = app.test_client()
    for prefix in ("/v1", "/v2"):
        assert client.get(f"{prefix}/items", headers={"Origin": SITE}).headers[ACAO] == SITE
        assert ACAO not in client.get(f"{prefix}/items", headers={"Origin": EVIL}).headers


SHARED = WerkzeugResponse("shared", headers={"X-Shared": "1"})


@pytest.mark.parametrize("entry", ENTRIES)
def test_shared_werkzeug_response_is_never_changed(entry: str) -> None:
    """A werkzeug Response handed out to every request is served with CORS headers and left unchanged."""
    app = Flask(__name__)

    def view() -> ResponseReturnValue:
        return SHARED

    if entry == "decorator":
        app.add_url_rule("/r", view_func=cross_origin()(view))
    else:
        app.add_url_rule("/r", view_func=view)
        CORS(app)
    client = app.test_client()
    for origin in (SITE, OTHER):
        assert client.get("/r", headers={"Origin": origin}).headers[ACAO] == origin
    if entry == "decorator":  # the decorator copies it before Flask's make_response could convert it
        assert type(SHARED) is WerkzeugResponse
    assert ACAO not in SHARED.headers and "Vary" not in SHARED.headers


@pytest.mark.parametrize("entry", ENTRIES)
def test_response_with_plain_mapping_headers_is_served(entry: str) -> None:
    """A response whose headers a library replaced with a plain dict is served with CORS headers."""
    app = Flask(__name__)

    def view() -> ResponseReturnValue:
        response = app.make_response("token")
        response.headers = {"Content-Type": "text/plain", "X-Lib": "1"}  # type: ignore[assignment]
        return response

    if entry == "decorator":
        app.add_url_rule("/r", view_func=cross_origin()(view))
    else:
        app.add_url_rule("/r", view_func=view)
        CORS(app)
    response = app.test_client().get("/r", headers={"Origin": SITE})
    assert (response.status_code, response.headers[ACAO], response.headers["X-Lib"]) == (200, SITE, "1")


@pytest.mark.parametrize(
    ("settings", "default"),
    [({"supports_credentials": True}, True), ({"supports_credentials": True, "origins": "*"}, False)],
    ids=["default-origins", "explicit-star"],
)
def test_credentials_error_says_default_only_when_it_is(settings: dict[str, Any], default: bool) -> None:
    """The credentials-with-* error says "(the default)" only when * came from the default."""
    with pytest.raises(CorsConfigError) as raised:
        cross_origin(CorsPolicy(**settings))
    assert ("(the default)" in str(raised.value)) is default


def test_view_class_with_several_decorated_methods() -> None:
    """Each decorated method of a view class answers its own preflights; HEAD is answered by GET's policy."""
    app = Flask(__name__)

    class Items(MethodView):
        @cross_origin(origins=[SITE])
        def get(self) -> ResponseReturnValue:
            return "get"

        @cross_origin(origins=[OTHER])
        def put(self) -> ResponseReturnValue:
            return "put"

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    client = app.test_client()
    assert client.options("/items", headers=preflight(origin=OTHER)).headers[ACAO] == OTHER
    assert ACAO not in client.options("/items", headers=preflight(origin=SITE)).headers
    head = client.options("/items", headers=preflight(origin=SITE, method="HEAD", headers="x-foo"))
    assert head.headers[ACAO] == SITE


def test_plain_options_to_decorated_view_under_a_rule() -> None:
    """A plain OPTIONS request to a decorated view that a rule covers gets Flask's answer with the view's headers."""
    app = Flask(__name__)

    @app.route("/api/r", methods=["PUT"])
    @cross_origin(origins=[OTHER])
    def view() -> ResponseReturnValue:
        return "ok"

    CORS(app, origins=[SITE])
    response = app.test_client().options("/api/r", headers={"Origin": OTHER})
    assert (response.status_code, response.headers[ACAO]) == (200, OTHER)
    assert "PUT" in response.headers["Allow"]


def test_intercept_exceptions_must_be_a_bool() -> None:
    """intercept_exceptions given as anything but a bool is a CorsConfigError."""
    with pytest.raises(CorsConfigError, match="intercept_exceptions: 'no' is not a bool"):
        CORS(intercept_exceptions="no")  # type: ignore[arg-type]


def test_decorator_reads_the_apps_config() -> None:
    """CORS_* config keys lie under a decorator's settings, as in flask-cors: defaults | config | decorator."""
    app = Flask(__name__)
    app.config.update(CORS_SUPPORTS_CREDENTIALS=True, CORS_EXPOSE_HEADERS="X-Total", CORS_MAX_AGE=600)

    @app.route("/r", methods=["GET", "PUT"])
    @cross_origin(origins=[SITE], max_age=60)
    def view() -> ResponseReturnValue:
        return "ok"

    client = app.test_client()
    actual = client.get("/r", headers={"Origin": SITE})
    assert (actual.headers[ACAC], actual.headers["Access-Control-Expose-Headers"]) == ("true", "X-Total")
    assert client.options("/r", headers=preflight()).headers["Access-Control-Max-Age"] == "60"


def test_view_class_gets_no_options_for_other_attributes() -> None:
    """Only decorated HTTP-method handlers that answer preflights give a view class an options method."""

    class Plain:
        helper = cross_origin()(lambda self: "helper")

        @cross_origin(automatic_options=False)
        def put(self) -> str:
            return "put"

    assert not hasattr(Plain, "options")
