"""Cross-origin write protection in Flask: the decorator, the extension and app.config, through the test client."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.test import EnvironBuilder, run_wsgi_app

from cors import CORS, CorsConfigError, CorsSettings, Decision, cross_origin, decided
from cors._cli import cors_group
from cors._flask import WRITE_REFUSED, request_view

FRONT = "https://app.example.com"
EVIL = "https://evil.example"
OWN = "http://localhost"
"""The test client's own origin (its default base URL)."""
PROTECTED: CorsSettings = {"origins": [FRONT], "write_protection": True}
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class Orders(MethodView):
    """A view class whose one policy covers every method."""

    decorators = [cross_origin(**PROTECTED)]

    def get(self) -> ResponseReturnValue:
        return record()

    def post(self) -> ResponseReturnValue:
        return record()

    def put(self) -> ResponseReturnValue:
        return record()

    def patch(self) -> ResponseReturnValue:
        return record()

    def delete(self) -> ResponseReturnValue:
        return record()


def record() -> ResponseReturnValue:
    """The view: note that it ran."""
    from flask import current_app, request

    current_app.extensions["calls"].append(request.method)
    return "done"


def make_app(setup: str) -> Flask:
    """An app whose /orders is covered by write protection, set up one way."""
    app = Flask(__name__)
    app.extensions["calls"] = []
    if setup == "decorator":
        app.add_url_rule("/orders", view_func=cross_origin(**PROTECTED)(record), methods=METHODS)
    elif setup == "view-class":
        app.add_url_rule("/orders", view_func=Orders.as_view("orders"))
    elif setup == "extension":
        app.add_url_rule("/orders", view_func=record, methods=METHODS)
        CORS(app, **PROTECTED)
    elif setup == "path-rule":
        app.add_url_rule("/orders", view_func=record, methods=METHODS)
        CORS(app, resources={"/orders": PROTECTED, "/*": {}})
    elif setup == "config-extension":
        app.config.update(CORS_ORIGINS=[FRONT], CORS_WRITE_PROTECTION=True)
        app.add_url_rule("/orders", view_func=record, methods=METHODS)
        CORS(app)
    elif setup == "config-decorator":
        app.config.update(CORS_WRITE_PROTECTION=True)
        app.add_url_rule("/orders", view_func=cross_origin(origins=[FRONT])(record), methods=METHODS)
    else:  # "decorator-under-extension": the decorator's policy replaces the path rule's
        app.add_url_rule("/orders", view_func=cross_origin(**PROTECTED)(record), methods=METHODS)
        CORS(app, origins=[FRONT, EVIL])
    return app


SETUPS = [
    "decorator",
    "view-class",
    "extension",
    "path-rule",
    "config-extension",
    "config-decorator",
    "decorator-under-extension",
]


@pytest.fixture(params=SETUPS)
def app(request: pytest.FixtureRequest) -> Flask:
    """The app, in each setup."""
    return make_app(request.param)


def calls(app: Flask) -> list[str]:
    """The methods the view ran for."""
    result: list[str] = app.extensions["calls"]
    return result


def assert_refused(app: Flask, method: str, headers: dict[str, str]) -> None:
    """The request gets 403 with the short reason, Vary: Origin, no allow header, and the view does not run."""
    response = app.test_client().open("/orders", method=method, headers=headers)
    assert response.status_code == 403
    assert response.get_data(as_text=True) == WRITE_REFUSED
    assert response.mimetype == "text/plain"
    assert [name for name in response.headers.keys() if name.lower().startswith("access-control-")] == []
    assert response.headers.get_all("Vary") == ["Origin"]
    assert calls(app) == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://www.example.com", "Sec-Fetch-Site": "same-site"},
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": OWN, "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://localhost"},
        {"Origin": "http://localhost:80"},
    ],
    ids=[
        "cross-site",
        "same-site",
        "old-browser",
        "old-browser-null",
        "no-origin",
        "own-origin-said-cross-site",
        "other-scheme",
        "default-port-in-origin",
    ],
)
def test_cross_origin_write_is_refused_before_the_view(app: Flask, method: str, headers: dict[str, str]) -> None:
    """A write another origin sent, from an origin not listed, gets 403 and the view never runs."""
    assert_refused(app, method, headers)


@pytest.mark.parametrize(
    ("method", "headers", "allowed"),
    [
        ("POST", {"Origin": FRONT, "Sec-Fetch-Site": "cross-site"}, True),
        ("DELETE", {"Origin": FRONT}, True),
        ("POST", {"Origin": OWN, "Sec-Fetch-Site": "same-origin"}, False),
        ("PUT", {"Origin": EVIL, "Sec-Fetch-Site": "same-origin"}, False),
        ("POST", {"Sec-Fetch-Site": "none"}, False),
        ("POST", {"Origin": OWN}, False),
        ("POST", {}, False),
        ("GET", {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}, False),
        ("HEAD", {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}, False),
    ],
    ids=[
        "listed-origin",
        "listed-old-browser",
        "same-origin",
        "browser-says-same-origin",
        "user-navigation",
        "old-browser-same-origin",
        "not-a-browser",
        "get",
        "head",
    ],
)
def test_write_that_passes_runs_the_view(app: Flask, method: str, headers: dict[str, str], allowed: bool) -> None:
    """Listed origins, same-origin pages, non-browsers and safe methods reach the view; CORS headers as usual."""
    response = app.test_client().open("/orders", method=method, headers=headers)
    assert response.status_code == 200
    assert calls(app) == [method]
    assert (response.headers.get("Access-Control-Allow-Origin") == FRONT) is allowed


def test_preflight_is_answered_not_refused(app: Flask) -> None:
    """OPTIONS is safe: a preflight from an unlisted origin gets the usual refusal, not 403, and no view runs."""
    response = app.test_client().options(
        "/orders", headers={"Origin": EVIL, "Access-Control-Request-Method": "PUT", "Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    assert calls(app) == []


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin\r\nX-Injected: 1"},
        {"HTTP_SEC_FETCH_SITE": "\x00\xff" * 1000},
        {"HTTP_HOST": "evil.example\r\n", "HTTP_SEC_FETCH_SITE": ""},
        {"HTTP_HOST": "[" * 5000},
        {"HTTP_HOST": "", "SERVER_NAME": "", "SERVER_PORT": ""},
        {"wsgi.url_scheme": "javascript"},
    ],
    ids=["site-crlf", "site-binary", "host-crlf", "host-brackets", "no-host-at-all", "odd-scheme"],
)
def test_hostile_values_are_refused_without_error(app: Flask, environ: dict[str, str]) -> None:
    """Crafted Sec-Fetch-Site, Host and scheme values raise nothing and let no write through."""
    # Straight to the app: Werkzeug 3.0's test client cannot build a URL from such a Host itself.
    request = EnvironBuilder("/orders", method="POST", headers=[("Origin", EVIL)]).get_environ()
    request.update(environ)
    body, status, _ = run_wsgi_app(app, request, buffered=True)
    if status.startswith("400 "):  # Werkzeug 3.0 refuses such a Host itself, before routing to a decorator
        assert environ.get("HTTP_HOST", "").startswith("[")
    else:
        assert status.startswith("403 ")
        assert b"".join(body).startswith(b"Forbidden")
    assert calls(app) == []


@pytest.mark.parametrize("setup", ["decorator", "extension"])
def test_off_by_default(setup: str) -> None:
    """Without write_protection, a cross-site form post runs the view, as CORS alone lets it."""
    app = Flask(__name__)
    app.extensions["calls"] = []
    if setup == "decorator":
        app.add_url_rule("/orders", view_func=cross_origin(origins=[FRONT])(record), methods=["POST"])
    else:
        app.add_url_rule("/orders", view_func=record, methods=["POST"])
        CORS(app, origins=[FRONT])
    response = app.test_client().post("/orders", headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200
    assert calls(app) == ["POST"]


def test_extension_refuses_before_other_hooks() -> None:
    """The extension's 403 comes before the app's own before_request hooks (authentication) run."""
    app = make_app("extension")
    hooks: list[str] = []

    @app.before_request
    def authenticate() -> None:
        hooks.append("auth")

    assert app.test_client().post("/orders", headers={"Origin": EVIL}).status_code == 403
    assert hooks == []
    assert app.test_client().post("/orders", headers={"Origin": FRONT}).status_code == 200
    assert hooks == ["auth"]


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_behind_a_proxy_the_public_origin_counts(scheme: str) -> None:
    """With ProxyFix, an old browser's same-origin write is compared with the public scheme and host."""
    app = make_app("extension")
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)  # type: ignore[method-assign]
    forwarded = {"X-Forwarded-Proto": scheme, "X-Forwarded-Host": "shop.example.com"}
    client = app.test_client()
    assert client.post("/orders", headers={"Origin": f"{scheme}://shop.example.com", **forwarded}).status_code == 200
    other = "http" if scheme == "https" else "https"
    assert client.post("/orders", headers={"Origin": f"{other}://shop.example.com", **forwarded}).status_code == 403
    assert calls(app) == ["POST"]


def test_without_proxy_fix_the_public_origin_is_not_known() -> None:
    """Without ProxyFix, the server sees its own host, so an old browser's write from the public origin is refused."""
    app = make_app("extension")
    response = app.test_client().post(
        "/orders",
        headers={"Origin": "https://shop.example.com", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "shop.example.com"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("environ", "host", "scheme"),
    [
        ({"HTTP_HOST": "Shop.example.com:8443", "wsgi.url_scheme": "https"}, "Shop.example.com:8443", "https"),
        ({"SERVER_NAME": "shop.example.com", "SERVER_PORT": "443", "wsgi.url_scheme": "https"}, "shop.example.com:443", "https"),
        ({}, ":", "http"),
    ],
    ids=["host-header", "server-name", "nothing"],
)
def test_request_view_reads_the_host_as_the_server_sees_it(environ: dict[str, str], host: str, scheme: str) -> None:
    """The request view takes Host, or SERVER_NAME:SERVER_PORT without it, and wsgi.url_scheme."""
    view = request_view({"REQUEST_METHOD": "POST", "HTTP_SEC_FETCH_SITE": "cross-site", **environ})
    assert (view.host, view.scheme, view.fetch_site) == (host, scheme, "cross-site")


def test_http_1_0_without_host_uses_the_server_name() -> None:
    """A request without Host (HTTP/1.0) is compared with the server's name and port."""
    app = make_app("decorator")
    environ = {"HTTP_HOST": "", "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    assert app.test_client().post("/orders", headers={"Origin": OWN}, environ_overrides=environ).status_code == 200


@pytest.mark.parametrize("setup", ["decorator", "extension"])
def test_refusal_is_logged(setup: str, caplog: pytest.LogCaptureFixture) -> None:
    """A refused write logs one DEBUG line with its reason, like every other decision."""
    app = make_app(setup)
    with caplog.at_level(logging.DEBUG, logger="cors"):
        app.test_client().post("/orders", headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"})
    assert [r.getMessage() for r in caplog.records] == [
        f"refused actual 'POST' '/orders' from origin {EVIL!r}: cross-origin write refused by write_protection "
        "(Sec-Fetch-Site 'cross-site' from an origin not in origins): add the origin to origins"
    ]


@pytest.mark.parametrize("setup", ["decorator", "extension"])
def test_refusals_are_counted(setup: str) -> None:
    """The cors.decided signal carries the write refusal, so a metrics receiver counts it by reason."""
    app = make_app(setup)
    counts: Counter[str] = Counter()

    def count(sender: Flask, decision: Decision, **extra: Any) -> None:
        counts[decision.refused_by or "allowed"] += 1

    with decided.connected_to(count, sender=app):
        client = app.test_client()
        client.post("/orders", headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"})
        client.post("/orders", headers={"Origin": EVIL})
        client.post("/orders", headers={"Origin": FRONT, "Sec-Fetch-Site": "cross-site"})
    assert counts == {"write": 2, "allowed": 1}


@pytest.mark.parametrize(
    "setup",
    [
        lambda app: CORS(app, write_protection=True),
        lambda app: CORS(app, origins="*", write_protection=True),
        lambda app: app.add_url_rule("/w", view_func=cross_origin(write_protection=True)(record)),
    ],
    ids=["extension-default-origins", "extension-star", "decorator-default-origins"],
)
def test_any_origin_with_protection_fails_at_set_up(setup: Callable[[Flask], object]) -> None:
    """write_protection with origins '*' is a CorsConfigError when CORS is set up, not a silent no-op."""
    with pytest.raises(CorsConfigError, match="write_protection=True with origins='\\*'"):
        setup(Flask(__name__))


@pytest.mark.parametrize("extension", [True, False], ids=["at-cors-set-up", "at-first-request"])
def test_config_key_with_default_origins_fails_before_any_view_runs(extension: bool) -> None:
    """CORS_WRITE_PROTECTION over a decorator that allows any origin fails when CORS(app) is set up, else at its first request."""
    app = Flask(__name__)
    app.testing = True  # the error propagates instead of becoming a 500
    app.extensions["calls"] = []
    app.config["CORS_WRITE_PROTECTION"] = True
    app.add_url_rule("/w", view_func=cross_origin()(record))
    with pytest.raises(CorsConfigError, match="write_protection"):
        if extension:
            CORS(app, resources="/api/*", origins=[FRONT])
        else:
            app.test_client().get("/w")
    assert calls(app) == []


def run(app: Flask, *args: str) -> tuple[int, str]:
    """Run a cors subcommand; return its exit code and output."""
    result = app.test_cli_runner().invoke(cors_group, list(args))
    return result.exit_code, result.output


def test_routes_shows_the_setting_where_set() -> None:
    """`flask cors routes` shows write_protection on the routes whose layers set it, and only there."""
    app = make_app("path-rule")
    app.add_url_rule("/other", view_func=lambda: "x", endpoint="other")
    code, output = run(app, "routes")
    assert code == 0
    orders, other = (block for block in output.split("\n\n") if block.startswith(("/orders", "/other")))
    assert "  write_protection       True  [path rule '/orders']" in orders.splitlines()
    assert "write_protection" not in other


def test_check_says_a_form_post_gets_403() -> None:
    """`flask cors check` of a POST from an unlisted origin says write protection answers 403 before the view."""
    code, output = run(make_app("extension"), "check", "/orders", "--origin", EVIL, "-X", "POST")
    assert code == 1
    assert "POST response: 403 Forbidden, before the view runs (write_protection [CORS(app) arguments]):\n" in output
    assert "  Why: cross-origin write refused by write_protection (Sec-Fetch-Site 'cross-site'" in output
    assert output.endswith("Refused.\n")


def test_check_says_a_put_would_get_403_without_the_preflight() -> None:
    """`flask cors check` of a PUT from an unlisted origin says the preflight fails, and that the PUT would get 403."""
    code, output = run(make_app("decorator"), "check", "/orders", "--origin", EVIL, "-X", "PUT")
    assert code == 1
    assert "Why: origin not allowed: add it to origins." in output
    assert (
        "  Even sent without a preflight, the PUT would get 403 Forbidden before the view runs "
        "(write_protection [@cross_origin]).\n"
    ) in output


@pytest.mark.parametrize("method", ["POST", "PUT", "GET"])
def test_check_of_a_listed_origin_passes(method: str) -> None:
    """`flask cors check` of a listed origin's call says nothing of a refusal."""
    code, output = run(make_app("extension"), "check", "/orders", "--origin", FRONT, "-X", method)
    assert code == 0, output
    assert "403" not in output
