"""``flask cors routes`` and ``flask cors check``, through Flask's CLI runner."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.typing import ResponseReturnValue

from cors import CORS, cross_origin
from cors._cli import cors_group

SITE = "https://app.example.com"


@pytest.fixture
def app() -> Flask:
    """An app with a decorated view, extension rules, and an uncovered route."""
    app = Flask(__name__)
    app.config["CORS_MAX_AGE"] = 600

    @app.route("/api/orders", methods=["GET", "PUT"])
    def orders() -> ResponseReturnValue:
        return "orders"

    @app.route("/api/special")
    @cross_origin(origins=["https://special.example.com"], supports_credentials=True)
    def special() -> ResponseReturnValue:
        return "special"

    @app.route("/own")
    @cross_origin(origins=[SITE])
    def own() -> ResponseReturnValue:
        return "own"

    @app.route("/plain")
    def plain() -> ResponseReturnValue:
        return "plain"

    CORS(app, resources={"/api/*": {"origins": [SITE], "methods": ["GET", "PUT"]}})
    return app


def run(app: Flask, *args: str) -> tuple[int, str]:
    """Run a cors subcommand; return its exit code and output."""
    result = app.test_cli_runner().invoke(cors_group, list(args))
    return result.exit_code, result.output


def test_routes_shows_policies_and_sources(app: Flask) -> None:
    """Each route shows its policy, each part with the layer it came from."""
    code, output = run(app, "routes")
    assert code == 0
    lines = {line.split()[0]: line for line in output.splitlines()[2:]}
    assert "https://app.example.com [path rule '/api/*']" in lines["orders"]
    assert "GET, PUT [path rule '/api/*']" in lines["orders"]
    assert "600 [app.config]" in lines["orders"]
    assert "no [default]" in lines["orders"]
    assert "https://special.example.com [@cross_origin]" in lines["special"]
    assert "yes [@cross_origin]" in lines["special"]
    assert "600 [app.config]" in lines["special"]
    assert "https://app.example.com [@cross_origin]" in lines["own"]
    assert "- [default]" in lines["own"]
    assert lines["plain"].endswith("no CORS")
    assert output.splitlines()[0].split()[:3] == ["Endpoint", "Methods", "Rule"]


def test_check_allowed_preflighted_call(app: Flask) -> None:
    """An allowed call shows both responses' headers and exits 0."""
    code, output = run(app, "check", "/api/orders", "--origin", SITE, "--method", "put", "--header", "Content-Type")
    assert code == 0, output
    assert "Preflight (OPTIONS) response headers:\n  Access-Control-Allow-Origin: https://app.example.com\n" in output
    assert "  Access-Control-Allow-Headers: content-type\n" in output
    assert "  Access-Control-Max-Age: 600\n" in output
    assert "PUT response headers:" in output
    assert output.endswith("Allowed: the page can read the response.\n")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["/api/orders", "--origin", "https://evil.example"], "Why: origin not allowed: add it to origins."),
        (["/api/orders", "--origin", SITE, "--method", "DELETE"], "Why: method 'DELETE' not allowed: add it to methods."),
        (
            ["/api/orders", "--origin", SITE, "--credentials"],
            "Refused by the browser: credentials are sent, but Access-Control-Allow-Credentials is not 'true'.",
        ),
        (["/plain", "--origin", SITE], "GET /plain: no CORS policy covers it"),
        (["/own", "--origin", SITE, "--method", "POST"], "POST /own is answered 405 Method Not Allowed, no CORS policy"),
    ],
    ids=["origin", "method", "credentials", "uncovered", "405"],
)
def test_check_refused_call(app: Flask, args: list[str], reason: str) -> None:
    """A refused call exits 1 and says why and what to change."""
    code, output = run(app, "check", *args)
    assert code == 1, output
    assert reason in output


def test_check_bad_arguments_exit_2(app: Flask) -> None:
    """Missing or unknown arguments exit with status 2."""
    assert run(app, "check", "/api/orders")[0] == 2
    assert run(app, "check", "/api/orders", "--origin", SITE, "--bogus")[0] == 2


def test_command_is_registered_for_every_app() -> None:
    """The flask.commands entry point adds `flask cors` to any app's CLI."""
    from importlib.metadata import entry_points

    (entry,) = [e for e in entry_points(group="flask.commands") if e.name == "cors"]
    assert entry.load() is cors_group


def test_check_without_extension() -> None:
    """Decorated views are checked in apps without the extension too; empty answers say so."""
    app = Flask(__name__)

    @app.route("/wild", methods=["GET", "PUT"])
    @cross_origin(send_wildcard=True, methods=["GET"], allow_headers=["Content-Type"])
    def wild() -> ResponseReturnValue:
        return "wild"

    code, output = run(app, "check", "/wild", "--origin", SITE)
    assert code == 0
    assert "  Access-Control-Allow-Origin: *\n" in output
    code, output = run(app, "check", "/wild", "--origin", SITE, "--method", "PUT")
    assert code == 1
    assert "Why: method 'PUT' not allowed: add it to methods." in output
    code, output = run(app, "check", "/wild", "--origin", SITE, "--header", "Authorization")
    assert code == 1
    assert "Why: request header 'authorization' not allowed: add it to allow_headers." in output
