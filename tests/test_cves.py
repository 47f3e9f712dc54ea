"""The flask-cors CVEs, each replayed against this library through Flask's test client."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.typing import ResponseReturnValue

from cors import CORS, CorsConfigError, CorsPolicy, cross_origin, resolve

SITE = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example"
ACAO = "Access-Control-Allow-Origin"
ACAPN = "Access-Control-Allow-Private-Network"


def catch_all_app(**cors: Any) -> Flask:
    """An app whose one view answers every path with the path it was routed on."""
    app = Flask(__name__)

    @app.route("/<path:rest>", methods=["GET", "PUT", "OPTIONS"])
    def echo(rest: str) -> ResponseReturnValue:
        return rest

    CORS(app, **cors)
    return app


def allowed_origin(app: Flask, path: str, origin: str) -> str | None:
    """The Access-Control-Allow-Origin a GET from an origin gets, after checking the path was routed."""
    response = app.test_client().get(path, headers={"Origin": origin})
    assert response.status_code == 200
    return response.headers.get(ACAO)


# CVE-2024-1681 ------------------------------------------------------------------


@pytest.fixture
def cors_log() -> Iterator[io.StringIO]:
    """The cors logger at DEBUG, written through a plain one-record-per-line formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("cors")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def log_app() -> Flask:
    """One decorated view and one extension-covered view, both logging at DEBUG."""
    app = Flask(__name__)

    @app.route("/decorated/<path:rest>", methods=["GET", "PUT"])
    @cross_origin(origins=[SITE])
    def decorated(rest: str) -> ResponseReturnValue:
        return rest

    @app.route("/api/<path:rest>", methods=["GET", "PUT"])
    def covered(rest: str) -> ResponseReturnValue:
        return rest

    CORS(app, resources="/api/*", origins=[SITE])
    return app


FORGED = "INFO cors allowed actual 'GET' '/admin' from origin 'https://app.example.com'"
PREFLIGHT = {"Origin": SITE, "Access-Control-Request-Method": "PUT"}

LOG_INJECTIONS = [
    # (url, request headers, WSGI environ values the test client would refuse as headers, escaped text)
    ("/api/x%0d%0a" + FORGED.replace(" ", "%20"), {"Origin": SITE}, {}, r"\r\n"),
    # Werkzeug routes no path with LF to a view, but one with CR.
    ("/decorated/x%0d" + FORGED.replace(" ", "%20"), {"Origin": SITE}, {}, r"\r"),
    ("/api/x%E2%80%A8line%C2%85next", {"Origin": SITE}, {}, r"\u2028line\x85next"),
    ("/api/x", {}, {"HTTP_ORIGIN": "https://a.example\r\n" + FORGED}, r"\r\n"),
    ("/decorated/x", {}, {"HTTP_ORIGIN": "https://a.example\n" + FORGED}, r"\n"),
    ("/api/x", {}, {**{"HTTP_" + k.upper().replace("-", "_"): v for k, v in PREFLIGHT.items()},
                    "REQUEST_METHOD": "OPTIONS",
                    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT\r\n" + FORGED}, r"\r\n"),
    ("/decorated/x", {}, {"REQUEST_METHOD": "OPTIONS", "HTTP_ORIGIN": SITE,
                          "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
                          "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-a,x-b\r\n" + FORGED}, r"\r\n"),
]


@pytest.mark.parametrize(
    ("url", "headers", "environ", "escaped"),
    LOG_INJECTIONS,
    ids=["path-crlf-extension", "path-cr-decorator", "path-unicode-separators", "origin-crlf-extension",
         "origin-lf-decorator", "request-method-crlf", "request-headers-crlf"],
)
def test_cve_2024_1681_log_injection(
    cors_log: io.StringIO, url: str, headers: dict[str, str], environ: dict[str, str], escaped: str
) -> None:
    """CVE-2024-1681: a CR/LF in a path or header is logged escaped, on one line, forging no record."""
    app = log_app()
    method = environ.get("REQUEST_METHOD", "GET")
    app.test_client().open(url, method=method, headers=headers, environ_overrides=environ)
    text = cors_log.getvalue()
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    assert len(lines) == 1, lines
    assert "\r" not in text and "\u2028" not in text and "\x85" not in text
    assert lines[0].startswith("DEBUG cors ")
    assert escaped in lines[0]
    assert len(text.splitlines()) == 1


# CVE-2024-6221 ------------------------------------------------------------------


def pna_preflight(origin: str, *, ask: bool = True) -> dict[str, str]:
    """Headers of a preflight, asking for Private Network Access or not."""
    headers = {"Origin": origin, "Access-Control-Request-Method": "PUT"}
    if ask:
        headers["Access-Control-Request-Private-Network"] = "true"
    return headers


PNA_CASES = [
    # (settings, method, request headers, expected Access-Control-Allow-Private-Network)
    ({}, "OPTIONS", pna_preflight(EVIL), None),
    ({"origins": [SITE]}, "OPTIONS", pna_preflight(SITE), None),
    ({"origins": [SITE], "allow_private_network": False}, "OPTIONS", pna_preflight(SITE), None),
    ({"origins": [SITE], "allow_private_network": True}, "OPTIONS", pna_preflight(SITE), "true"),
    ({"origins": [SITE], "allow_private_network": True}, "OPTIONS", pna_preflight(EVIL), None),
    ({"origins": [SITE], "allow_private_network": True}, "OPTIONS", pna_preflight(SITE, ask=False), None),
    ({"origins": [SITE], "allow_private_network": True}, "GET",
     {"Origin": SITE, "Access-Control-Request-Private-Network": "true"}, None),
    ({"origins": [SITE], "allow_private_network": True}, "OPTIONS",
     {**pna_preflight(SITE), "Access-Control-Request-Method": "DELETE"}, None),
]


@pytest.mark.parametrize("entry", ["decorator", "extension"])
@pytest.mark.parametrize(
    ("settings", "method", "headers", "expected"),
    PNA_CASES,
    ids=["default-any-origin", "listed-not-enabled", "explicitly-off", "enabled-allowed",
         "enabled-refused-origin", "enabled-not-asked", "enabled-actual-request", "enabled-refused-method"],
)
def test_cve_2024_6221_private_network_only_when_allowed(
    entry: str, settings: dict[str, Any], method: str, headers: dict[str, str], expected: str | None
) -> None:
    """CVE-2024-6221: Access-Control-Allow-Private-Network is true on allowed PNA preflights only, never false."""
    settings = {"methods": ["GET", "PUT"], **settings}
    app = Flask(__name__)

    def view() -> ResponseReturnValue:
        return "x"

    if entry == "decorator":
        app.add_url_rule("/x", view_func=cross_origin(**settings)(view), methods=["GET", "PUT"])
    else:
        app.add_url_rule("/x", view_func=view, methods=["GET", "PUT"])
        CORS(app, **settings)
    response = app.test_client().open("/x", method=method, headers=headers)
    assert response.status_code == 200
    assert response.headers.getlist(ACAPN) == ([] if expected is None else [expected])
    assert "false" not in str(response.headers).lower()


@pytest.mark.parametrize(
    "attach",
    [
        lambda: CorsPolicy(origins="*", allow_private_network=True),
        lambda: CorsPolicy(origins="*") | CorsPolicy(allow_private_network=True),
        lambda: resolve(CorsPolicy(allow_private_network=True)),
        lambda: cross_origin(allow_private_network=True),
        lambda: cross_origin(origins=["*"], allow_private_network=True),
        lambda: CORS(Flask(__name__), allow_private_network=True),
        lambda: CORS(Flask(__name__), resources={"/intranet/*": {"allow_private_network": True}}),
        lambda: CORS(Flask(__name__), origins=[SITE], resources={"/*": {"origins": "*", "allow_private_network": True}}),
    ],
    ids=["policy", "composed", "default-origins", "decorator-default", "decorator-star", "extension",
         "path-rule", "rule-widens-origins"],
)
def test_cve_2024_6221_private_network_with_any_origin_fails(attach: Callable[[], object]) -> None:
    """CVE-2024-6221: allow_private_network=True with origins="*" is a CorsConfigError when built or attached."""
    with pytest.raises(CorsConfigError, match="allow_private_network=True with origins='\\*'"):
        attach()


def test_cve_2024_6221_private_network_config_key_fails() -> None:
    """CVE-2024-6221: CORS_ALLOW_PRIVATE_NETWORK=True in app.config with the default origins fails at set-up."""
    app = Flask(__name__)
    app.config["CORS_ALLOW_PRIVATE_NETWORK"] = True
    with pytest.raises(CorsConfigError, match="allow_private_network"):
        CORS(app)


# CVE-2024-6839 ------------------------------------------------------------------

ADMIN_ONLY = {"origins": [ADMIN], "supports_credentials": True}
ANYONE = {"origins": "*"}

RULE_ORDERS: list[tuple[list[Any], str, str, str | None]] = [
    # (rules in the order given, path, origin, expected Access-Control-Allow-Origin)
    ([("/admin/*", ADMIN_ONLY), (re.compile(r"/.*"), ANYONE)], "/admin/users", EVIL, None),
    ([("/admin/*", ADMIN_ONLY), (re.compile(r"/.*"), ANYONE)], "/admin/users", ADMIN, ADMIN),
    ([("/admin/*", ADMIN_ONLY), (re.compile(r"/.*"), ANYONE)], "/docs", EVIL, EVIL),
    ([(r"/admin/.*", ADMIN_ONLY), (re.compile(r"/.*"), ANYONE)], "/admin/users", EVIL, None),
    ([(r"/admin/(?:.*)", ADMIN_ONLY), (re.compile(r"/.*"), ANYONE)], "/admin/users", EVIL, None),
    # A longer, broader regex listed second: no ranking by length lets it win.
    ([("/admin/keys", ADMIN_ONLY), (r"/(?:[a-z]+)/(?:[a-z]+)(?:/.*)?", ANYONE)], "/admin/keys", EVIL, None),
    ([("/admin/keys", ADMIN_ONLY), (r"/(?:[a-z]+)/(?:[a-z]+)(?:/.*)?", ANYONE)], "/admin/other", EVIL, EVIL),
    ([(re.compile(r"/admin/.*"), ADMIN_ONLY), ("*", ANYONE)], "/admin/users", EVIL, None),
    # The order given is the order used: a catch-all listed first applies everywhere.
    ([(re.compile(r"/.*"), ANYONE), ("/admin/*", ADMIN_ONLY)], "/admin/users", EVIL, EVIL),
]


@pytest.mark.parametrize(("as_mapping"), [False, True], ids=["pairs", "mapping"])
@pytest.mark.parametrize(
    ("rules", "path", "origin", "expected"),
    RULE_ORDERS,
    ids=["narrow-then-compiled-catch-all", "narrow-rule-allows-its-origin", "catch-all-elsewhere",
         "string-regex-then-compiled-catch-all", "grouped-regex-then-compiled-catch-all", "exact-then-longer-broad-regex", "broad-regex-elsewhere",
         "compiled-narrow-then-star", "catch-all-first-applies"],
)
def test_cve_2024_6839_first_rule_in_given_order(
    as_mapping: bool, rules: list[Any], path: str, origin: str, expected: str | None
) -> None:
    """CVE-2024-6839: the first rule in the given order applies; a catch-all listed later never wins."""
    app = catch_all_app(resources=dict(rules) if as_mapping else rules)
    assert allowed_origin(app, path, origin) == expected


# CVE-2024-6844 ------------------------------------------------------------------

PLUS_CASES = [
    # (url, origin, allowed): "/service+path" is for SITE, "/service path" for ADMIN
    ("/service+path", SITE, True),
    ("/service+path", ADMIN, False),
    ("/service%2Bpath", SITE, True),
    ("/service%20path", ADMIN, True),
    ("/service%20path", SITE, False),
    ("/servicepath", SITE, False),
    ("/serviceeeepath", SITE, False),
]


@pytest.mark.parametrize(
    ("url", "origin", "allowed"),
    PLUS_CASES,
    ids=["plus", "plus-not-space-policy", "encoded-plus", "space", "space-not-plus-policy",
         "no-plus-is-no-regex", "repeated-char-is-no-regex"],
)
def test_cve_2024_6844_plus_is_literal(url: str, origin: str, allowed: bool) -> None:
    """CVE-2024-6844: "+" in a path is literal, so /service+path and /service%20path get different policies."""
    app = catch_all_app(resources=[("/service+path", {"origins": [SITE]}), ("/service path", {"origins": [ADMIN]})])
    response = app.test_client().get(url, headers={"Origin": origin})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == url[1:].replace("%2B", "+").replace("%20", " ")
    assert response.headers.get(ACAO) == (origin if allowed else None)


# CVE-2024-6866 ------------------------------------------------------------------

CASE_CASES: list[tuple[str | re.Pattern[str], str, bool]] = [
    # (rule pattern, path, covered)
    ("/api/*", "/api/x", True),
    ("/api/*", "/API/x", False),
    ("/api/*", "/Api/x", False),
    ("/api/*", "/api/X", True),
    (r"/api/.*", "/API/secret", False),
    (r"/api/(?:.*)", "/API/secret", False),
    (re.compile(r"/api/.*"), "/API/secret", False),
    ("/api/secret", "/api/SECRET", False),
]


@pytest.mark.parametrize(
    ("pattern", "path", "covered"),
    CASE_CASES,
    ids=["prefix-same-case", "prefix-upper", "prefix-mixed", "below-prefix-any-case", "regex-upper", "grouped-regex-upper",
         "compiled-upper", "exact-upper"],
)
def test_cve_2024_6866_paths_are_case_sensitive(pattern: str | re.Pattern[str], path: str, covered: bool) -> None:
    """CVE-2024-6866: path rules compare case-sensitively, so /API/x is not covered by /api/*."""
    app = catch_all_app(resources={pattern: {"origins": [SITE]}})
    assert allowed_origin(app, path, SITE) == (SITE if covered else None)
