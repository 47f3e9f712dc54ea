"""The extension's apps: ``CORS(app)`` with path rules, as the browser sees it.

Three apps, one server each: the rules app (path rules, errors, a
blueprint with its own ``CORS``, a decorated view under a rule), the guarded
app (an authentication hook that refuses everything without a token) and
the unintercepted app (``intercept_exceptions=False``).
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, jsonify, request
from flask.typing import ResponseReturnValue

from cors import CORS, CorsSettings, cross_origin

APP = "https://app.example.com"
PARTNER = "https://partner.example.com"
SPECIAL = "https://special.example.com"
EVIL = "https://evil.example"

TOKEN = "Bearer t0ken"
"""The Authorization header the guarded app's hook lets through."""

API_RULE: dict[str, CorsSettings] = {"/api/*": {"origins": [APP], "allow_headers": ["Content-Type", "X-Request-Id"]}}


def _users(app: Flask) -> None:
    @app.route("/api/users/<int:user_id>")
    def user(user_id: int) -> ResponseReturnValue:
        if user_id == 0:
            abort(404)
        return {"user_id": user_id}


def create_rules_app() -> Flask:
    """Build the app whose only rule is ``/api/*``, for APP."""
    app = Flask(__name__)
    _users(app)

    @app.route("/api")
    def api_root() -> ResponseReturnValue:
        return {"api": "root"}

    @app.route("/apiary")
    def apiary() -> ResponseReturnValue:
        return {"bees": 3}

    @app.route("/internal/x")
    def internal() -> ResponseReturnValue:
        return {"internal": True}

    @app.route("/api/forbidden")
    def forbidden() -> ResponseReturnValue:
        abort(403)

    @app.route("/api/boom")
    def boom() -> ResponseReturnValue:
        raise RuntimeError("an unhandled error in the view")

    # Under the rule, with its own origins; the rule's allow_headers still apply.
    @app.route("/api/special", methods=["GET", "PUT"])
    @cross_origin(origins=[SPECIAL])
    def special() -> ResponseReturnValue:
        return {"special": request.method}

    # No rule covers it: what the browser does with two Access-Control-Allow-Origin headers.
    @app.route("/twice")
    def twice() -> ResponseReturnValue:
        response = jsonify(twice=True)
        response.headers.add("Access-Control-Allow-Origin", SPECIAL)
        response.headers.add("Access-Control-Allow-Origin", SPECIAL)
        return response

    # Its routes also match the app's rule "/api/*": the blueprint's own CORS comes first.
    partner = Blueprint("partner", __name__, url_prefix="/api/partner")

    @partner.route("/x", methods=["GET", "PUT"])
    def partner_x() -> ResponseReturnValue:
        return {"partner": request.method}

    CORS(partner, origins=[PARTNER])
    app.register_blueprint(partner)
    CORS(app, resources=API_RULE)
    return app


def create_guarded_app() -> Flask:
    """Build an app whose authentication hook answers 401 to every request without the token."""
    app = Flask(__name__)

    # Registered before the extension, so it would run first if the extension appended its hook.
    @app.before_request
    def require_token() -> ResponseReturnValue | None:
        if request.headers.get("Authorization") != TOKEN:
            return {"error": "token required"}, 401
        return None

    @app.route("/api/orders/<int:order_id>", methods=["PUT"])
    def order(order_id: int) -> ResponseReturnValue:
        body = request.get_json()
        return {"saved": order_id, "name": body["name"]}

    @app.route("/internal/orders/<int:order_id>", methods=["PUT"])
    def internal_order(order_id: int) -> ResponseReturnValue:
        return {"saved": order_id}

    CORS(app, resources={"/api/*": {"origins": [APP], "allow_headers": ["Content-Type", "Authorization"]}})
    return app


def create_unintercepted_app() -> Flask:
    """Build the rules app's users and an unhandled error under ``/api/*``, with ``intercept_exceptions=False``."""
    app = Flask(__name__)
    _users(app)

    @app.route("/api/boom")
    def boom() -> ResponseReturnValue:
        raise RuntimeError("an unhandled error in the view")

    CORS(app, resources=API_RULE, intercept_exceptions=False)
    return app
