"""``flask cors routes`` and ``flask cors check``, through Flask's CLI runner."""

from __future__ import annotations

from typing import cast

import flask_cors
import pytest
from flask import Blueprint, Flask
from flask.typing import ResponseReturnValue
from flask.views import MethodView

from cors import CORS, OriginCheck, cross_origin
from cors._cli import WIDTH, cors_group

SITE = "https://app.example.com"
PARTNERS = [f"https://partner-{n}.example.org" for n in range(12)]


@pytest.fixture
def app() -> Flask:
    """An app with a decorated view, extension rules, and an uncovered route."""
    app = Flask(__name__)
    app.config["CORS_MAX_AGE"] = 600

    @app.route("/api/orders", methods=["GET", "PUT"])
    def orders() -> ResponseReturnValue:
        return "orders"

    @app.route("/api/special")
    @cross_origin(
        origins=["https://special.example.com"],
        supports_credentials=True,
        allow_headers=["Content-Type", "Authorization"],
        expose_headers=["X-Total-Count"],
    )
    def special() -> ResponseReturnValue:
        return "special"

    @app.route("/own")
    @cross_origin(origins=[SITE])
    def own() -> ResponseReturnValue:
        return "own"

    @app.route("/partners")
    @cross_origin(origins=PARTNERS, send_wildcard=False)
    def partners() -> ResponseReturnValue:
        return "partners"

    @app.route("/plain")
    def plain() -> ResponseReturnValue:
        return "plain"

    CORS(app, resources={"/api/*": {"origins": [SITE], "methods": ["GET", "PUT"]}})
    return app


def run(app: Flask, *args: str) -> tuple[int, str]:
    """Run a cors subcommand; return its exit code and output."""
    result = app.test_cli_runner().invoke(cors_group, list(args))
    return result.exit_code, result.output


def blocks(output: str) -> dict[str, list[str]]:
    """The blocks of `flask cors routes`, by route, each as its lines after the heading."""
    found = {}
    for block in output.strip("\n").split("\n\n"):
        head, *lines = block.splitlines()
        found[head.split()[0]] = lines
    return found


def test_routes_shows_policies_and_sources(app: Flask) -> None:
    """Each route shows its policy, each setting with the layer it came from."""
    code, output = run(app, "routes")
    assert code == 0
    shown = blocks(output)
    assert shown["/api/orders"] == [
        "  origins                https://app.example.com  [path rule '/api/*']",
        "  methods                GET, PUT  [path rule '/api/*']",
        "  allow_headers          *  [default]",
        "  expose_headers         -  [default]",
        "  supports_credentials   False  [default]",
        "  max_age                600  [app.config]",
        "  allow_private_network  False  [default]",
    ]
    assert "  origins                https://app.example.com  [@cross_origin]" in shown["/own"]
    assert "  max_age                600  [app.config]" in shown["/own"]
    assert shown["/plain"] == ["  no CORS: a browser lets no other origin read it"]
    assert output.splitlines()[0] == "/api/orders  GET, PUT  (orders)"


def test_routes_shows_request_and_exposed_headers(app: Flask) -> None:
    """The allowed request headers and the exposed headers of a route are shown, with their source."""
    shown = blocks(run(app, "routes")[1])["/api/special"]
    assert "  allow_headers          Authorization, Content-Type  [@cross_origin]" in shown
    assert "  expose_headers         X-Total-Count  [@cross_origin]" in shown
    assert "  supports_credentials   True  [@cross_origin]" in shown


def test_routes_shows_other_settings_only_when_set(app: Flask) -> None:
    """A setting outside the usual seven appears only on routes where a layer sets it."""
    shown = blocks(run(app, "routes")[1])
    assert "  send_wildcard          False  [@cross_origin]" in shown["/partners"]
    assert not any("send_wildcard" in line for line in shown["/own"])


def test_routes_fit_a_100_column_terminal(app: Flask) -> None:
    """Long values wrap under their column, so no line is wider than 100 columns."""
    output = run(app, "routes")[1]
    assert max(len(line) for line in output.splitlines()) <= WIDTH
    origins = [line for line in blocks(output)["/partners"] if line.startswith("  origins") or line.startswith("   ")]
    assert len(origins) > 1
    assert all(line.startswith(" " * 25) for line in origins[1:])
    value = " ".join(line[25:] for line in origins).removesuffix("[@cross_origin]").strip()
    assert value.split(", ") == sorted(PARTNERS)


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
    "header",
    ["Authorization: Bearer x", "authorization:Bearer x", "Authorization"],
    ids=["curl", "curl-no-space", "name"],
)
def test_check_reads_curl_style_headers(app: Flask, header: str) -> None:
    """`--header` and `-H` take a name or curl's `Name: value` and ask the preflight about the name only."""
    code, output = run(app, "check", "/api/special", "--origin", "https://special.example.com", "-H", header)
    assert code == 0, output
    assert "  Access-Control-Allow-Headers: authorization\n" in output


def test_check_rejects_a_header_that_is_not_a_name(app: Flask) -> None:
    """A `--header` whose name part is not a header name exits 2 and shows both accepted forms."""
    code, output = run(app, "check", "/api/orders", "--origin", SITE, "--header", "Bad Name: x")
    assert code == 2
    assert "'Authorization: Bearer x'" in output


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["/api/orders", "--origin", "https://evil.example"], "Why: origin not allowed: add it to origins."),
        (["/api/orders", "--origin", SITE, "-X", "DELETE"], "Why: method 'DELETE' not allowed: add it to methods."),
        (
            ["/api/special", "--origin", "https://special.example.com", "--header", "X-Trace: 1"],
            "Why: request header 'x-trace' not allowed: add it to allow_headers.",
        ),
        (
            ["/api/orders", "--origin", SITE, "--credentials"],
            "Refused by the browser: credentials are sent, but Access-Control-Allow-Credentials is not 'true'.\n"
            "  Why: supports_credentials is False [default]: set it to True, with a list of origins.\n",
        ),
        (
            ["/api/orders", "--origin", SITE, "--credentials", "-X", "PUT"],
            "Preflight (OPTIONS) response headers:\n  Access-Control-Allow-Origin: https://app.example.com\n",
        ),
        (["/plain", "--origin", SITE], "GET /plain: no CORS policy covers it"),
        (["/own", "--origin", SITE, "--method", "POST"], "POST /own is answered 405 Method Not Allowed, no CORS policy"),
    ],
    ids=["origin", "method", "header", "credentials", "credentials-preflight", "uncovered", "405"],
)
def test_check_refused_call(app: Flask, args: list[str], reason: str) -> None:
    """A refused call exits 1 and says why and what to change."""
    code, output = run(app, "check", *args)
    assert code == 1, output
    assert reason in output
    assert "Why: " in output or "no CORS policy" in output


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
    """Decorated views are checked in apps without the extension too; refusals say which setting to change."""
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


def test_check_credentials_against_a_wildcard_answer_names_send_wildcard() -> None:
    """A credentialed call to a route answering '*' says to turn send_wildcard off."""
    app = Flask(__name__)

    @app.route("/wild")
    @cross_origin(send_wildcard=True)
    def wild() -> ResponseReturnValue:
        return "wild"

    code, output = run(app, "check", "/wild", "--origin", SITE, "--credentials")
    assert code == 1
    assert "  Why: send_wildcard is True [@cross_origin], and '*' cannot carry credentials" in output


# --- apps that still use flask-cors ---------------------------------------------


def flask_cors_app(extension: str | None, decorator: bool) -> Flask:
    """An app with flask-cors's extension on the app or a blueprint, and/or its decorator on a view."""
    app = Flask(__name__)
    legacy = Blueprint("legacy", __name__, url_prefix="/legacy")

    @legacy.route("/items")
    def items() -> ResponseReturnValue:
        return "items"

    def old() -> ResponseReturnValue:
        return "old"

    view = cast("object", flask_cors.cross_origin(origins=[SITE])(old)) if decorator else old
    app.add_url_rule("/old", "old", view)  # type: ignore[arg-type]

    @app.route("/new")
    @cross_origin(origins=[SITE])
    def new() -> ResponseReturnValue:
        return "new"

    if extension == "blueprint":
        flask_cors.CORS(legacy, origins=[SITE])
    app.register_blueprint(legacy)
    if extension == "app":
        flask_cors.CORS(app, origins=[SITE])
    return app


@pytest.mark.parametrize(
    ("extension", "decorator", "said", "old", "items"),
    [
        ("app", False, "its CORS extension (on the app)", "CORS by flask-cors's CORS extension", "CORS by flask-cors's CORS extension"),
        ("blueprint", False, "its CORS extension (on the blueprint 'legacy')", "no CORS", "CORS by flask-cors's CORS extension"),
        (None, True, "its @cross_origin decorator", "CORS by flask-cors's @cross_origin", "no CORS"),
    ],
    ids=["extension", "blueprint-extension", "decorator"],
)
def test_routes_says_where_flask_cors_answers(
    extension: str | None, decorator: bool, said: str, old: str, items: str
) -> None:
    """On an app that still uses flask-cors, routes says so, and marks the routes it answers instead of 'no CORS'."""
    code, output = run(flask_cors_app(extension, decorator), "routes")
    assert code == 0
    assert output.startswith(f"This app still uses flask-cors: {said}.")
    shown = blocks(output.split("\n\n", 1)[1])
    assert shown["/old"][0].startswith(f"  {old}")
    assert shown["/legacy/items"][0].startswith(f"  {items}")
    assert "  origins                https://app.example.com  [@cross_origin]" in shown["/new"]


def test_routes_of_a_cors_only_app_mention_no_flask_cors(app: Flask) -> None:
    """An app without flask-cors gets no flask-cors note."""
    assert "flask-cors" not in run(app, "routes")[1]


@pytest.mark.parametrize("extension", ["app", None], ids=["extension", "decorator"])
def test_check_says_flask_cors_answers(extension: str | None) -> None:
    """`check` on a route flask-cors answers says so and exits 3, neither allowed nor refused."""
    code, output = run(flask_cors_app(extension, extension is None), "check", "/old", "--origin", SITE)
    assert code == 3, output
    assert "CORS by flask-cors's" in output
    assert "cannot simulate" in output
    assert "no CORS policy" not in output


def test_routes_sees_flask_cors_on_a_view_class_method() -> None:
    """flask-cors's decorator on a method of a class-based view is found too."""
    app = Flask(__name__)

    class Items(MethodView):
        def get(self) -> ResponseReturnValue:
            return "items"

    Items.get = flask_cors.cross_origin(origins=[SITE])(Items.get)  # type: ignore[method-assign]
    app.add_url_rule("/items", view_func=Items.as_view("items"))
    output = run(app, "routes")[1]
    assert "its @cross_origin decorator" in output
    assert blocks(output.split("\n\n", 1)[1])["/items"] == ["  CORS by flask-cors's @cross_origin, not shown"]


def test_check_notes_flask_cors_alongside_a_cors_policy() -> None:
    """A route that cors covers while flask-cors's extension also runs is checked, with a note that flask-cors adds headers too."""
    code, output = run(flask_cors_app("app", False), "check", "/new", "--origin", SITE)
    assert code == 0, output
    assert "  (flask-cors is also installed on this route: its headers are not shown;" in output


class TenantOrigins:
    """The app's own list of tenant origins, counting the questions."""

    def __init__(self, *origins: str) -> None:
        self.origins = set(origins)
        self.asked: list[str] = []

    def allowed(self, origin: str) -> bool:
        """Tell whether a tenant registered the origin; fail for the origin of a broken tenant."""
        self.asked.append(origin)
        if origin == "https://broken.tenant.example":
            raise LookupError("no such table: tenant")
        return origin in self.origins


def check_app(tenants: TenantOrigins) -> Flask:
    """An app whose rule and whose decorated view both ask the tenants about origins."""
    app = Flask(__name__)

    @app.route("/api/projects", methods=["GET", "PUT"])
    def projects() -> ResponseReturnValue:
        return "projects"

    @app.route("/own", methods=["GET", "PUT"])
    @cross_origin(origins=[SITE, OriginCheck(tenants.allowed, ttl=30)])
    def own() -> ResponseReturnValue:
        return "own"

    CORS(app, resources={"/api/*": {"origins": [tenants.allowed, SITE]}})
    return app


def test_routes_names_an_origin_check() -> None:
    """`flask cors routes` shows a function in origins by module and qualified name, without asking it."""
    tenants = TenantOrigins()
    code, output = run(check_app(tenants), "routes")
    assert code == 0
    shown = blocks(output)
    name = f"{__name__}.TenantOrigins.allowed"
    assert shown["/api/projects"][:2] == [f"  origins                {SITE}, {name}", "                         [path rule '/api/*']"]
    assert shown["/own"][:2] == [f"  origins                {SITE}, {name}", "                         [@cross_origin]"]
    assert tenants.asked == []


@pytest.mark.parametrize("path", ["/api/projects", "/own"])
def test_check_asks_the_origin_check(path: str) -> None:
    """`flask cors check` asks the function: an origin it allows is allowed, another refused with its name."""
    tenants = TenantOrigins("https://shop.tenant.example")
    app = check_app(tenants)
    code, output = run(app, "check", path, "--origin", "https://shop.tenant.example", "-X", "PUT")
    assert code == 0, output
    assert "Access-Control-Allow-Origin: https://shop.tenant.example" in output
    code, output = run(app, "check", path, "--origin", "https://evil.example")
    assert code == 1
    assert output.splitlines()[-2:] == [
        f"  Why: origin not allowed: {__name__}.TenantOrigins.allowed did not allow it, nor does any other "
        "origin in origins.",
        "Refused.",
    ]
    assert tenants.asked == ["https://shop.tenant.example", "https://evil.example"]


def test_check_with_a_failing_origin_check_refuses(caplog: pytest.LogCaptureFixture) -> None:
    """A function that raises makes `flask cors check` report a refusal, and the exception is logged."""
    with caplog.at_level("ERROR", logger="cors"):
        code, output = run(check_app(TenantOrigins()), "check", "/own", "--origin", "https://broken.tenant.example")
    assert code == 1
    assert "did not allow it" in output
    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [LookupError]
