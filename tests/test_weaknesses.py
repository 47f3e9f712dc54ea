"""The flask-cors design weaknesses W1..W25, each replayed against this library.

Every scenario of the flask-cors study (section 4.2) that concerns behaviour a
user can see is a test here, named after its weakness. Parts that do not apply:

- W5 (Allow-Methods on a GET-only route): still lists the policy's methods, not the route's; by design, not a leak.
- W11 (options re-parsed per request): an internal cost; only its visible effect (warnings per request) is tested.
- W13 (intercept_exceptions patches app.handle_exception): flask-cors internals; nothing here patches Flask.
- W15 (preflight status not configurable): the status is 200 by design; only its empty, Allow-less body is tested.
- W18 (Access-Control-Expose-Headers sorted): cosmetic; names are sent lower-case, in sorted order.
- W20 (the CVE-2024-6866 fix works): not a weakness; its check is replayed anyway.
- "Other observations" (ReDoS in user regexes): a user's own regex is run as written; only the Origin length bound applies.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from typeguard import suppress_type_checks
from flask import Blueprint, Flask, Response, abort
from flask.typing import ResponseReturnValue
from werkzeug.test import TestResponse

from cors import CORS, CorsConfigError, CorsWarning, cross_origin

A_SITE = "https://a.site"
B_SITE = "https://b.site"
EVIL = "https://evil.site"
ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ENTRIES = ["decorator", "extension"]

def cors_names(response: TestResponse) -> list[str]:
    """The Access-Control-* header names of a response."""
    return [name for name in response.headers.keys() if name.startswith("Access-Control-")]


def make_app(entry: str, view: Callable[..., Any] | None = None, /, **settings: Any) -> Flask:
    """An app with one view at /r (GET, PUT, POST), covered by the decorator or by the extension."""
    app = Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def plain() -> ResponseReturnValue:
        return "body"

    function = view or plain
    if entry == "decorator":
        function = cross_origin(**settings)(function)
    app.add_url_rule("/r", endpoint="r", view_func=function, methods=["GET", "PUT", "POST"])
    if entry == "extension":
        CORS(app, **settings)
    return app


def catch_all_app(**settings: Any) -> Flask:
    """An app answering every path with the path it routed on, covered by the extension."""
    app = Flask(__name__)
    app.add_url_rule("/<path:rest>", view_func=lambda rest: rest)
    CORS(app, **settings)
    return app


def preflight(origin: str | None = A_SITE, method: str = "PUT", headers: str | None = None) -> dict[str, str]:
    """Preflight request headers."""
    result = {"Access-Control-Request-Method": method}
    if origin is not None:
        result["Origin"] = origin
    if headers is not None:
        result["Access-Control-Request-Headers"] = headers
    return result


@pytest.mark.parametrize(
    ("spec", "origin", "allowed"),
    [
        (r"https://.*\.example\.com", "https://app.example.com", True),
        (r"https://.*\.example\.com", "https://evil.example.com.attacker.net", False),
        (r"https://.*\.example\.com", "https://a.example.com:1@attacker.net", False),
        (re.compile(r"https://.*\.example\.com"), "https://x.example.com.attacker.net", False),
        (re.compile(r"https://.*\.example\.com"), "https://X.EXAMPLE.COM", False),
        (r"https?://example\.com", "http://example.com.evil.io", False),
    ],
    ids=["W1-subdomain", "W1-suffix-domain", "W1-userinfo-suffix", "W1-compiled-suffix", "W1-compiled-upper-case",
         "W1-optional-scheme-suffix"],
)
@pytest.mark.parametrize("entry", ENTRIES)
def test_w1_regex_origins_match_whole(entry: str, spec: str | re.Pattern[str], origin: str, allowed: bool) -> None:
    """W1: a regex origin must match the whole Origin, so attacker suffixes are refused."""
    client = make_app(entry, origins=[spec]).test_client()
    assert client.get("/r", headers={"Origin": origin}).headers.get(ACAO) == (origin if allowed else None)


def test_w1_unescaped_dot_warns() -> None:
    """W1: r"https?://example.com" warns that its dot matches any character, and still refuses suffixes."""
    with pytest.warns(CorsWarning, match="unescaped '.'"):
        app = make_app("decorator", origins=[r"https?://example.com"])
    client = app.test_client()
    assert ACAO not in client.get("/r", headers={"Origin": "http://example.com.evil.io"}).headers
    assert client.get("/r", headers={"Origin": "http://example.com"}).headers[ACAO] == "http://example.com"


@pytest.mark.parametrize(
    ("spec", "origin", "allowed"),
    [
        ("https://*.example.com", "https://api.example.com", True),
        ("https://*.example.com", "https://a.b.example.com", True),
        ("https://*.example.com", "https://example.com", False),
        ("https://*.example.com", "https://xexample.com.attacker.net", False),
        ("https://*.example.com", "https://evil-example.com", False),
        ("http://[::1]:5000", "http://[::1]:5000", True),
        ("http://[::1]:5000", "http://1:5000", False),
        ("http://[::1]:5000", "http://[::1]:5001", False),
    ],
    ids=["W2-glob-subdomain", "W2-glob-deep-subdomain", "W2-glob-apex", "W2-glob-attacker", "W2-glob-lookalike",
         "W2-ipv6-exact", "W2-ipv6-not-a-class", "W2-ipv6-other-port"],
)
def test_w2_globs_and_ipv6_are_not_regexes(spec: str, origin: str, allowed: bool) -> None:
    """W2: "https://*.host" means its subdomains and an IPv6 origin is exact, never a guessed regex."""
    client = make_app("extension", origins=[spec]).test_client()
    assert client.get("/r", headers={"Origin": origin}).headers.get(ACAO) == (origin if allowed else None)


@pytest.mark.parametrize(
    ("path", "covered"),
    [("/api", True), ("/api/users", True), ("/apiary/admin", False), ("/api-internal/keys", False)],
    ids=["W2b-api", "W2b-below", "W2b-apiary", "W2b-api-internal"],
)
def test_w2b_api_star_is_api_and_below(path: str, covered: bool) -> None:
    """W2b: the rule r"/api/*" covers /api and below, not /apiary or /api-internal."""
    client = catch_all_app(resources={r"/api/*": {"origins": "*"}}).test_client()
    assert (ACAO in client.get(path, headers={"Origin": A_SITE}).headers) is covered


@pytest.mark.parametrize(
    "attach",
    [
        lambda: cross_origin(supports_credentials=True),
        lambda: CORS(Flask(__name__), supports_credentials=True),
        lambda: CORS(Flask(__name__), resources={"/me": {"supports_credentials": True}}),
        lambda: CORS(Flask(__name__), origins=["null"], supports_credentials=True),
        lambda: cross_origin(origins=[A_SITE, "null"], supports_credentials=True),
    ],
    ids=["W3-decorator", "W3-extension", "W3-path-rule", "W3-null-extension", "W3-null-decorator"],
)
def test_w3_credentials_with_any_origin_fail(attach: Callable[[], object]) -> None:
    """W3: credentials with any origin, or with null, fail at set-up instead of reflecting every origin."""
    with pytest.raises(CorsConfigError, match="supports_credentials=True"):
        attach()


def test_w3_credentials_in_config_fail() -> None:
    """W3: CORS_SUPPORTS_CREDENTIALS=True with the default origins fails when the extension is set up."""
    app = Flask(__name__)
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    with pytest.raises(CorsConfigError, match="supports_credentials=True"):
        CORS(app)


@pytest.mark.parametrize("entry", ENTRIES)
def test_w3_null_gets_no_credentials(entry: str) -> None:
    """W3: the default origins let a sandboxed iframe (null) read public data, never with credentials."""
    response = make_app(entry).test_client().get("/r", headers={"Origin": "null"})
    assert cors_names(response) == [ACAO] and response.headers[ACAO] == "null"


@pytest.mark.parametrize(
    "attach",
    [
        lambda: cross_origin(origin=A_SITE, supports_credentials=True),  # type: ignore[call-arg]
        lambda: CORS(Flask(__name__), origin=A_SITE),  # type: ignore[call-arg]
        lambda: CORS(Flask(__name__), resources={"/api/*": {"origin": A_SITE}}),  # type: ignore[dict-item]
    ],
    ids=["W3b-decorator", "W3b-extension", "W3b-path-rule"],
)
def test_w3b_misspelt_option_fails(attach: Callable[[], object]) -> None:
    """W3b: a misspelt setting raises TypeError naming the closest one, instead of falling back to allow-all."""
    # typeguard would refuse the misspelling first; this checks the run-time message.
    with suppress_type_checks(), pytest.raises(TypeError, match="'origin'; did you mean 'origins'"):
        attach()


def test_w3b_misspelt_config_key_warns() -> None:
    """W3b: a misspelt CORS_* config key is a warning at set-up that suggests the right key."""
    app = Flask(__name__)
    app.config["CORS_ORIGIN"] = A_SITE
    with pytest.warns(CorsWarning, match="Did you mean 'CORS_ORIGINS'"):
        CORS(app)


@pytest.mark.parametrize(
    ("settings", "method", "headers"),
    [
        ({}, "OPTIONS", {**preflight(), "Access-Control-Request-Private-Network": "true"}),
        ({}, "GET", {"Origin": A_SITE, "Access-Control-Request-Private-Network": "true"}),
        ({"origins": [A_SITE], "allow_private_network": True}, "GET",
         {"Origin": A_SITE, "Access-Control-Request-Private-Network": "true"}),
        ({"origins": [A_SITE], "allow_private_network": True}, "OPTIONS",
         {**preflight(EVIL), "Access-Control-Request-Private-Network": "true"}),
    ],
    ids=["W4-preflight-not-enabled", "W4-actual-not-enabled", "W4-actual-enabled", "W4-refused-origin"],
)
def test_w4_no_private_network_false(settings: dict[str, Any], method: str, headers: dict[str, str]) -> None:
    """W4: Access-Control-Allow-Private-Network is never false, and never on actual requests."""
    response = make_app("extension", **settings).test_client().open("/r", method=method, headers=headers)
    assert "Access-Control-Allow-Private-Network" not in response.headers


W5_SETTINGS = {"methods": ["GET", "POST"], "supports_credentials": True, "origins": [A_SITE]}


@pytest.mark.parametrize(
    "headers",
    [preflight(method="DELETE"), preflight(method="OS"), preflight(method="GET, POST"), preflight(method="delete"),
     preflight(origin=None, method="POST")],
    ids=["W5-unlisted-method", "W5-substring-method", "W5-joined-methods", "W5-unlisted-lower-case", "W5-no-origin"],
)
@pytest.mark.parametrize("entry", ENTRIES)
def test_w5_refused_preflight_does_not_allow_the_method(entry: str, headers: dict[str, str]) -> None:
    """W5: a preflight for an unlisted or substring method never gets it allowed; without Origin it gets no CORS header."""
    response = make_app(entry, **W5_SETTINGS).test_client().options("/r", headers=headers)
    if "Origin" not in headers:
        assert cors_names(response) == []
    else:  # the origin alone, so the browser names the method as the cause
        assert response.headers[ACAO] == A_SITE
        assert "Access-Control-Allow-Methods" not in response.headers


@pytest.mark.parametrize("entry", ENTRIES)
def test_w5_max_age_zero_is_sent(entry: str) -> None:
    """W5: max_age=0 is sent as 0, not dropped."""
    response = make_app(entry, max_age=0).test_client().options("/r", headers=preflight())
    assert response.headers["Access-Control-Max-Age"] == "0"


@pytest.mark.parametrize(
    ("settings", "headers"),
    [
        ({"origins": [A_SITE, B_SITE]}, {"Origin": A_SITE}),
        ({"origins": [A_SITE, B_SITE]}, {"Origin": EVIL}),
        ({"origins": [A_SITE, B_SITE]}, {}),
        ({"origins": A_SITE}, {"Origin": A_SITE}),
        ({"origins": A_SITE}, {"Origin": EVIL}),
        ({"origins": A_SITE}, {}),
        ({}, {"Origin": A_SITE}),
        ({}, {}),
    ],
    ids=["W6-list-allowed", "W6-list-refused", "W6-list-no-origin", "W6-single-allowed", "W6-single-refused",
         "W6-single-no-origin", "W6-default-allowed", "W6-default-no-origin"],
)
@pytest.mark.parametrize("entry", ENTRIES)
def test_w6_every_origin_dependent_answer_varies(entry: str, settings: dict[str, Any], headers: dict[str, str]) -> None:
    """W6: allowed, refused and origin-less answers all carry Vary: Origin, and none without Origin gets an origin."""
    response = make_app(entry, **settings).test_client().get("/r", headers=headers)
    assert response.headers.getlist("Vary") == ["Origin"]
    if "Origin" not in headers:  # "*" (the default) is answered to all; a list is never leaked
        assert response.headers.getlist("Access-Control-Allow-Origin") == ([] if settings else ["*"])


@pytest.mark.parametrize("entry", ENTRIES)
def test_w6_preflight_varies_on_request_headers(entry: str) -> None:
    """W6: a preflight answer varies on Origin and on both Access-Control-Request-* headers."""
    response = make_app(entry, origins=[A_SITE]).test_client().options("/r", headers=preflight(headers="X-Foo"))
    assert response.headers["Access-Control-Allow-Headers"] == "X-Foo"
    assert response.headers.getlist("Vary") == [
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    ]


@pytest.mark.parametrize("entry", ENTRIES)
def test_w7_no_origin_leaks_no_allow_list(entry: str) -> None:
    """W7: a request without Origin learns none of the allowed origins."""
    settings = {"origins": ["https://admin.internal.corp", "https://app.corp", r"https://.*\.partner\.com"]}
    response = make_app(entry, **settings).test_client().get("/r")
    assert cors_names(response) == []
    assert "internal" not in str(response.headers)


@pytest.mark.parametrize("entry", ENTRIES)
def test_w8_shared_response_keeps_no_stale_origin(entry: str) -> None:
    """W8: a Response object returned to every request answers each origin for itself and is never changed."""
    shared = Response("shared")
    client = make_app(entry, lambda: shared, origins=[A_SITE, B_SITE]).test_client()
    answers = [client.get("/r", headers={"Origin": o}).headers.get(ACAO) for o in (A_SITE, EVIL, B_SITE, A_SITE)]
    assert answers == [A_SITE, None, B_SITE, A_SITE]
    assert list(shared.headers.keys()) == ["Content-Type", "Content-Length"]


@pytest.mark.parametrize("factory", [False, True], ids=["W9-direct", "W9-factory"])
def test_w9_second_setup_with_other_settings_fails(factory: bool) -> None:
    """W9: setting CORS up twice with other settings raises, so the permissive one cannot silently win."""
    app = make_app("none")
    CORS(app)
    second = CORS(origins=["https://good.site"], supports_credentials=True)
    with pytest.raises(RuntimeError, match="already set up"):
        if factory:
            second.init_app(app)
        else:
            CORS(app, origins=["https://good.site"], supports_credentials=True)
    response = app.test_client().get("/r", headers={"Origin": EVIL})
    assert response.headers.getlist(ACAO) == [EVIL]
    assert ACAC not in response.headers


@pytest.mark.parametrize(
    "rules",
    [
        [("/files/public/*", {"origins": "*"}), ("/files/*", {"origins": ["https://trusted.site"]})],
        [(r"/files/public/(?:.*)", {"origins": "*"}), (r"/files/(?:.*)", {"origins": ["https://trusted.site"]})],
        [(r"/files/public/.*", {"origins": "*"}), (r"/files/.*", {"origins": ["https://trusted.site"]})],
    ],
    ids=["W10-prefix-rules", "W10-regex-rules", "W10-flask-cors-rules"],
)
def test_w10_path_is_decoded_once(rules: list[Any]) -> None:
    """W10: /files/public%252Fx is routed and matched as /files/public%2Fx, so the public rule does not apply."""
    app = Flask(__name__)
    app.add_url_rule("/files/<name>", view_func=lambda name: f"file name={name!r}")
    CORS(app, resources=rules)
    client = app.test_client()
    response = client.get("/files/public%252Fx", headers={"Origin": EVIL})
    assert response.get_data(as_text=True) == "file name='public%2Fx'"
    assert ACAO not in response.headers
    assert client.get("/files/public%252Fx", headers={"Origin": "https://trusted.site"}).headers[ACAO]


def test_w11_settings_are_checked_once(caplog: pytest.LogCaptureFixture) -> None:
    """W11: a setting's warning is given once, at decoration, and requests add no warning or log line."""
    with pytest.warns(CorsWarning, match="max_age"):
        app = make_app("decorator", origins=[A_SITE], max_age=10_000)
    client = app.test_client()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.INFO):
        warnings.simplefilter("always")
        for origin in (A_SITE, EVIL, A_SITE):
            client.get("/r", headers={"Origin": origin})
    assert caught == []
    assert caplog.records == []


@pytest.mark.parametrize("entry", ENTRIES)
def test_w12_async_view(entry: str) -> None:
    """W12: an async def view answers with CORS headers, under the decorator as under the extension."""

    async def view() -> ResponseReturnValue:
        return "async"

    response = make_app(entry, view, origins=[A_SITE]).test_client().get("/r", headers={"Origin": A_SITE})
    assert response.get_data(as_text=True) == "async"
    assert response.headers[ACAO] == A_SITE


def forbidden() -> ResponseReturnValue:
    """A view that aborts with 403."""
    abort(403)


def broken() -> ResponseReturnValue:
    """A view that raises."""
    raise RuntimeError("boom")


@pytest.mark.parametrize(("view", "status"), [(forbidden, 403), (broken, 500)], ids=["W13-abort", "W13-exception"])
@pytest.mark.parametrize("entry", ENTRIES)
def test_w13_errors_carry_cors_headers(
    entry: str, view: Callable[[], ResponseReturnValue], status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """W13: abort() and unhandled errors carry CORS headers for an allowed origin, and none for a refused one."""
    client = make_app(entry, view, origins=[A_SITE]).test_client()
    with caplog.at_level(logging.CRITICAL, logger="flask.app"):
        allowed = client.get("/r", headers={"Origin": A_SITE})
        refused = client.get("/r", headers={"Origin": EVIL})
    assert (allowed.status_code, allowed.headers[ACAO]) == (status, A_SITE)
    assert (refused.status_code, cors_names(refused)) == (status, [])


def test_w14_preflight_skips_authentication_hook() -> None:
    """W14: under the extension a preflight is answered before an authentication hook can refuse it."""
    app = make_app("extension", origins=[A_SITE], allow_headers=["Authorization"])

    @app.before_request
    def require_login() -> ResponseReturnValue:
        return "login required", 401

    client = app.test_client()
    answer = client.options("/r", headers=preflight(method="POST", headers="Authorization"))
    assert (answer.status_code, answer.headers[ACAO]) == (200, A_SITE)
    assert answer.headers["Access-Control-Allow-Headers"] == "Authorization"
    actual = client.post("/r", headers={"Origin": A_SITE})
    assert (actual.status_code, actual.headers[ACAO]) == (401, A_SITE)


@pytest.mark.parametrize("entry", ENTRIES)
def test_w15_preflight_is_empty_200(entry: str) -> None:
    """W15: an allowed preflight is 200 with an empty body and no Allow header, and the view does not run."""
    ran: list[str] = []

    def view() -> ResponseReturnValue:
        ran.append("view")
        return "body"

    response = make_app(entry, view, origins=[A_SITE]).test_client().options("/r", headers=preflight())
    assert (response.status_code, response.data, ran) == (200, b"", [])
    assert "Allow" not in response.headers
    assert response.headers[ACAO] == A_SITE


def test_w16_blueprint_reads_app_config() -> None:
    """W16: CORS(blueprint) applies the app's CORS_ORIGINS."""
    blueprint = Blueprint("bp", __name__)
    blueprint.add_url_rule("/bp", view_func=lambda: "bp")
    CORS(blueprint)
    app = Flask(__name__)
    app.config["CORS_ORIGINS"] = ["https://only.site"]
    app.register_blueprint(blueprint)
    client = app.test_client()
    assert ACAO not in client.get("/bp", headers={"Origin": EVIL}).headers
    assert client.get("/bp", headers={"Origin": "https://only.site"}).headers[ACAO] == "https://only.site"


@pytest.mark.parametrize(
    ("requested", "allowed"),
    [
        ("content-type", True),
        ("x-company-12", True),
        ("content-type-evil", False),
        ("x-company-12-evil", False),
        ("x-company-id, authorization, content-type", False),
    ],
    ids=["W17-name", "W17-pattern", "W17-name-prefix", "W17-pattern-prefix", "W17-all-or-nothing"],
)
def test_w17_header_patterns_match_whole(requested: str, allowed: bool) -> None:
    """W17: header names and patterns match the whole requested name; only the allowed ones are echoed."""
    app = make_app("extension", origins=[A_SITE], allow_headers=["Content-Type", r"X-Company-(?:\d+|id)"])
    response = app.test_client().options("/r", headers=preflight(headers=requested))
    echoed = response.headers.get("Access-Control-Allow-Headers")
    names = [name.strip() for name in requested.split(",")]
    assert (echoed == ", ".join(names)) is allowed
    assert "authorization" not in (echoed or "") and not (echoed or "").endswith("-evil")


def test_w18_non_canonical_origin_is_refused() -> None:
    """W18: an upper-case Origin, which no browser sends, is refused rather than echoed in its casing."""
    app = make_app("extension", origins=["https://app.example.com"], expose_headers=["X-Total", "ETag"])
    client = app.test_client()
    assert cors_names(client.get("/r", headers={"Origin": "HTTPS://APP.EXAMPLE.COM"})) == []
    allowed = client.get("/r", headers={"Origin": "https://app.example.com"})
    assert allowed.headers["Access-Control-Expose-Headers"] == "ETag, X-Total"


ADMIN_RULE = {"origins": ["https://admin.site"], "supports_credentials": True}


@pytest.mark.parametrize(
    "admin_pattern",
    [r"/admin/(?:.*)", "/admin/*", r"/admin/.*"],
    ids=["W19-string-regex", "W19-prefix", "W19-flask-cors-regex"],
)
def test_w19_compiled_catch_all_listed_last_loses(admin_pattern: str) -> None:
    """W19: a compiled catch-all listed after the admin rule does not sort before it."""
    app = catch_all_app(resources=[(admin_pattern, ADMIN_RULE), (re.compile(r"/.*"), {"origins": "*"})])
    client = app.test_client()
    assert cors_names(client.get("/admin/users", headers={"Origin": EVIL})) == []
    assert client.get("/admin/users", headers={"Origin": "https://admin.site"}).headers[ACAC] == "true"
    assert client.get("/public", headers={"Origin": EVIL}).headers[ACAO] == EVIL


@pytest.mark.parametrize(
    "pattern",
    [r"/api/(?:.*)", "/api/*", r"/api/.*"],
    ids=["W20-string-regex", "W20-prefix", "W20-flask-cors-regex"],
)
def test_w20_path_case_matters(pattern: str) -> None:
    """W20: /API/secret is not covered by a rule for /api."""
    client = catch_all_app(resources={pattern: {"origins": [A_SITE]}}).test_client()
    assert ACAO not in client.get("/API/secret", headers={"Origin": A_SITE}).headers
    assert client.get("/api/secret", headers={"Origin": A_SITE}).headers[ACAO] == A_SITE


def test_w21_decorator_layers_over_extension(caplog: pytest.LogCaptureFixture) -> None:
    """W21: the decorator's policy replaces the rule's, none of the rule stays, and a refusal is logged."""
    app = Flask(__name__)

    @app.route("/both", methods=["GET", "PUT"])
    @cross_origin(origins=["https://deco.site"])
    def both() -> ResponseReturnValue:
        return "both"

    CORS(app, origins=["https://ext.site"], max_age=60)
    client = app.test_client()
    answer = client.options("/both", headers=preflight("https://deco.site"))
    assert answer.headers.getlist(ACAO) == ["https://deco.site"]
    assert "Access-Control-Max-Age" not in answer.headers
    with caplog.at_level(logging.DEBUG, logger="cors"):
        refused = client.get("/both", headers={"Origin": "https://ext.site"})
    assert cors_names(refused) == []
    assert [r.getMessage() for r in caplog.records] == [
        "refused actual 'GET' '/both' from origin 'https://ext.site': origin not allowed: add it to origins"
    ]


@pytest.mark.parametrize("entry", ENTRIES)
def test_w22_existing_vary_is_merged(entry: str) -> None:
    """W22: the view's own Vary and Vary: Origin are one header line."""
    app = make_app(entry, lambda: ("body", {"Vary": "Accept-Encoding"}), origins=[A_SITE])
    response = app.test_client().get("/r", headers={"Origin": A_SITE})
    assert response.headers.getlist("Vary") == ["Accept-Encoding, Origin"]


@pytest.mark.parametrize("entry", ENTRIES)
def test_w23_wildcard_only_for_cors_requests_varies(entry: str) -> None:
    """W23: send_wildcard with always_send=False answers * to CORS requests only, and so varies on Origin."""
    client = make_app(entry, send_wildcard=True, always_send=False).test_client()
    with_origin = client.get("/r", headers={"Origin": A_SITE})
    without = client.get("/r")
    assert (with_origin.headers[ACAO], with_origin.headers.getlist("Vary")) == ("*", ["Origin"])
    assert (cors_names(without), without.headers.getlist("Vary")) == ([], ["Origin"])


def test_w24_decorator_leaves_function_alone() -> None:
    """W24: decorating a function changes nothing on it, so its undecorated registration keeps Flask's OPTIONS."""
    ran: list[str] = []

    def shared_view() -> ResponseReturnValue:
        ran.append("view")
        return "shared"

    before = dict(shared_view.__dict__)
    app = Flask(__name__)
    app.add_url_rule("/decorated", endpoint="decorated", view_func=cross_origin(origins=[A_SITE])(shared_view))
    app.add_url_rule("/plain", endpoint="plain", view_func=shared_view)
    assert shared_view.__dict__ == before
    plain = app.test_client().options("/plain")
    assert (plain.status_code, plain.data, ran) == (200, b"", [])
    assert set(plain.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("with_extension", [False, True], ids=["W25-decorator", "W25-decorator-and-extension"])
def test_w25_config_automatic_options_false_never_runs_view(with_extension: bool) -> None:
    """W25: CORS_AUTOMATIC_OPTIONS=False plus @cross_origin() never runs a POST view for a preflight."""
    ran: list[str] = []
    app = Flask(__name__)
    app.config["CORS_AUTOMATIC_OPTIONS"] = False

    @app.route("/delete-all", methods=["POST"])
    @cross_origin()
    def delete_all() -> ResponseReturnValue:
        ran.append("deleted everything")
        return "deleted everything"

    if with_extension:
        CORS(app)
    response = app.test_client().options("/delete-all", headers=preflight(method="POST"))
    assert ran == []
    assert response.status_code == 200
    assert b"deleted" not in response.data
    assert response.headers[ACAO] == A_SITE
