"""The flask-cors documentation's ``cross_origin`` examples, with ``from cors import cross_origin``.

The views are the documented ones, unchanged but for three fixes they need to
run at all: ``request`` is imported for the custom-OPTIONS view, flask-login
gets a ``LoginManager`` (with a header-based demo login), and
``UserResource.post`` accepts the ``user_id`` of the URL it is registered under.

Each ``origins`` goes through ``local()``. ``create_app()`` leaves them as
documented (``https://app.example.com``, ...). ``create_app(page_port=8080)``
is what the demo serves: the same origins moved to names a browser on this
machine can have, ``https://app.example.com`` becoming
``http://app.example.localhost:8080`` (browsers resolve ``*.localhost`` to
loopback); every other setting stays as documented.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, login_required
from flask_restful import Api, Resource

from cors import cross_origin

Origin = str | re.Pattern[str]
Origins = Origin | list[Origin]


def local_origin(origin: str, page_port: int) -> str:
    """Move a documented origin (or origin regex) to ``*.localhost`` on the demo page's port.

    ``https://X.com`` becomes ``http://X.localhost:PORT``, the regex
    ``https://...\\.com`` becomes ``http://...\\.localhost:PORT``; the development
    example's ``http://localhost:8080`` takes the page's port, and ``*`` stays.
    """
    if origin.startswith("http://localhost:"):
        return origin.replace(":8080", f":{page_port}")
    for suffix, local in ((r"\.com", rf"\.localhost:{page_port}"), (".com", f".localhost:{page_port}")):
        if origin.endswith(suffix):
            return "http://" + origin.removeprefix("https://").removesuffix(suffix) + local
    return origin


def localizer(page_port: int | None) -> Callable[[Origins], Origins]:
    """The ``local()`` of the examples: the identity, or the move to ``*.localhost:page_port``."""

    def one(origin: Origin) -> Origin:
        if page_port is None:
            return origin
        if isinstance(origin, re.Pattern):
            return re.compile(local_origin(origin.pattern, page_port), origin.flags)
        return local_origin(origin, page_port)

    def local(origins: Origins) -> Origins:
        return [one(origin) for origin in origins] if isinstance(origins, list) else one(origins)

    return local


class DemoUser(UserMixin):
    """The one user of the demo."""

    id = "demo"


def create_app(page_port: int | None = None) -> Flask:
    """Build the app serving every example.

    Args:
        page_port: None for the documented origins; the demo page's port to
            move them to ``*.localhost`` on that port.
    """
    local = localizer(page_port)
    app = Flask(__name__)
    api = Api(app)
    login_manager = LoginManager(app)

    @login_manager.request_loader
    def load_user(req: object) -> DemoUser | None:
        # A stand-in for a real session: the header "X-Demo-User: demo" logs in.
        return DemoUser() if request.headers.get("X-Demo-User") == "demo" else None

    # Basic usage.
    @app.route("/api/data")
    @cross_origin()  # Allow all origins with default settings
    def get_data() -> ResponseReturnValue:
        return {"message": "CORS-enabled data"}

    @app.route("/api/public")
    @cross_origin(origins="*")  # Explicit wildcard
    def public_endpoint() -> ResponseReturnValue:
        return {"data": "public information"}

    # Specific origins.
    @app.route("/api/secure")
    @cross_origin(origins=local(["https://trusted-site.com", "https://app.example.com"]))
    def secure_endpoint() -> ResponseReturnValue:
        return {"data": "restricted data"}

    @app.route("/api/development")
    @cross_origin(origins=local(["http://localhost:3000", "http://localhost:8080"]))
    def development_endpoint() -> ResponseReturnValue:
        return {"data": "development data"}

    # Regular expressions.
    @app.route("/api/subdomains")
    @cross_origin(origins=local(r"https://.*\.example\.com"))
    def subdomain_endpoint() -> ResponseReturnValue:
        return {"data": "subdomain accessible"}

    @app.route("/api/pattern")
    @cross_origin(origins=local([re.compile(r"https://app\d+\.example\.com"), "https://main.example.com"]))
    def pattern_endpoint() -> ResponseReturnValue:
        return {"data": "pattern matched"}

    # Methods and headers.
    @app.route("/api/users", methods=["GET", "POST"])
    @cross_origin(
        origins=local(["https://frontend.example.com"]),
        methods=["GET", "POST"],
        allow_headers=["Content-Type", "X-Requested-With"],
    )
    def users_endpoint() -> ResponseReturnValue:
        if request.method == "GET":
            return {"users": []}
        return {"created": True}

    # Credentials.
    @app.route("/api/auth/profile")
    @cross_origin(
        origins=local(["https://app.example.com"]),
        supports_credentials=True,
        allow_headers=["Content-Type", "Authorization"],
    )
    def user_profile() -> ResponseReturnValue:
        # This route accepts cookies and credentials
        return {"profile": "user data"}

    @app.route("/api/auth/login", methods=["POST"])
    @cross_origin(origins=local(["https://app.example.com"]), supports_credentials=True, methods=["POST"])
    def login() -> ResponseReturnValue:
        return {"token": "auth-token"}

    # Exposed headers.
    @app.route("/api/upload", methods=["POST"])
    @cross_origin(
        origins=local(["https://uploader.example.com"]),
        allow_headers=["Content-Type", "X-File-Name", "X-Upload-Key"],
        expose_headers=["X-Upload-ID", "X-Processing-Status"],
        methods=["POST", "OPTIONS"],
    )
    def file_upload() -> ResponseReturnValue:
        return {"upload_id": "12345", "status": "processing"}

    # Preflight caching.
    @app.route("/api/heavy-operation", methods=["POST"])
    @cross_origin(
        origins=local(["https://client.example.com"]),
        max_age=timedelta(hours=1),  # Cache preflight for 1 hour
        methods=["POST"],
    )
    def heavy_operation() -> ResponseReturnValue:
        return {"result": "computed"}

    @app.route("/api/frequent-calls")
    @cross_origin(
        origins=local(["https://dashboard.example.com"]),
        max_age=3600,  # Cache for 1 hour (seconds)
        allow_headers=["Content-Type", "Authorization"],
    )
    def frequent_endpoint() -> ResponseReturnValue:
        return {"data": "frequently accessed"}

    # Answering OPTIONS in the view.
    @app.route("/api/custom-options", methods=["GET", "POST", "OPTIONS"])
    @cross_origin(
        origins=local(["https://custom.example.com"]),
        automatic_options=False,  # Handle OPTIONS manually
    )
    def custom_options_endpoint() -> ResponseReturnValue:
        if request.method == "OPTIONS":
            # Custom preflight response
            return jsonify({"preflight": "custom response"})
        if request.method == "GET":
            return {"data": "get response"}
        return {"data": "post response"}

    # Everything together.
    @app.route("/api/complex")
    @cross_origin(
        origins=local([
            "https://prod.example.com",  # Production
            "https://staging.example.com",  # Staging
            r"https://.*\.dev\.example\.com",  # Development subdomains
            "http://localhost:3000",  # Local development
        ]),
        methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=[
            "Content-Type",
            "Authorization",
            "X-API-Key",
            r"X-Custom-.*",  # Regex pattern for custom headers
        ],
        expose_headers=["X-Total-Count", "X-Rate-Limit-Remaining"],
        supports_credentials=True,
        max_age=1800,  # 30 minutes
        vary_header=True,
    )
    def complex_endpoint() -> ResponseReturnValue:
        return {"data": "complex CORS configuration"}

    # With flask-login.
    @app.route("/api/protected")
    @cross_origin(origins=local(["https://app.example.com"]), supports_credentials=True)
    @login_required
    def protected_endpoint() -> ResponseReturnValue:
        return {"data": "protected resource"}

    # With flask-restful.
    class UserResource(Resource):
        @cross_origin(origins=local(["https://api-client.example.com"]))
        def get(self, user_id: int) -> ResponseReturnValue:
            return {"user_id": user_id}

        @cross_origin(origins=local(["https://admin.example.com"]), methods=["POST"], supports_credentials=True)
        def post(self, user_id: int | None = None) -> ResponseReturnValue:
            return {"created": True}

    api.add_resource(UserResource, "/api/users/<int:user_id>")
    return app
