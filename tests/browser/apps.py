"""The scenario app: the cases the seed's examples do not cover, one view each.

Origins are the seed's kind (``https://app.example.com`` and friends); the
browser tests give their pages these origins.
"""

from __future__ import annotations

import asyncio

from flask import Flask, abort, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from flask.views import MethodView

from cors import CORS, CorsPolicy, cross_origin

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
LOCAL = "http://localhost:3000"
"""A front end in local development, calling its API on http://localhost."""

ITEMS = {1: "first"}
SESSION_COOKIE = "session"
SESSION_VALUE = "s3cret"

LOGIN = CorsPolicy(origins=[APP], supports_credentials=True)

CUSTOMERS = frozenset({"https://shop.customer.example"})
"""The front ends the app's customers registered (in a real app, rows of a table)."""


def registered_customer(origin: str) -> bool:
    """Tell whether a customer registered the origin."""
    return origin in CUSTOMERS


class ThingAPI(MethodView):
    """Each method carries its own policy."""

    @cross_origin(origins=[APP])
    def get(self) -> ResponseReturnValue:
        return {"thing": "read"}

    @cross_origin(origins=[ADMIN], allow_headers=["X-Request-Id"])
    def put(self) -> ResponseReturnValue:
        return {"thing": "replaced"}


class GadgetAPI(MethodView):
    """One policy for the whole view, in ``decorators``."""

    decorators = [cross_origin(origins=[APP], methods=["GET", "DELETE"])]

    def get(self) -> ResponseReturnValue:
        return {"gadget": "read"}

    def delete(self) -> ResponseReturnValue:
        return {"gadget": "deleted"}


def create_app() -> Flask:
    """Build the scenario app."""
    app = Flask(__name__)

    # Preflighted methods and custom headers.
    @app.route("/items/<int:item_id>", methods=["GET", "PUT", "DELETE", "PATCH"])
    @cross_origin(
        origins=[APP],
        methods=["GET", "PUT", "DELETE"],
        allow_headers=["Content-Type", "X-Request-Id"],
    )
    def item(item_id: int) -> ResponseReturnValue:
        if item_id not in ITEMS:
            abort(404)
        return {"method": request.method, "id": item_id, "request_id": request.headers.get("X-Request-Id")}

    @app.route("/patchable", methods=["PATCH"])
    @cross_origin(origins=[APP], methods=["PATCH"])
    def patchable() -> ResponseReturnValue:
        return {"method": request.method}

    # QUERY (a safe method with a body, draft-ietf-httpbis-safe-method-w-body).
    @app.route("/searchable", methods=["QUERY"])
    @cross_origin(origins=[APP], methods=["QUERY"])
    def searchable() -> ResponseReturnValue:
        return {"method": request.method, "query": request.get_json()}

    # Authorization, listed by name and under "*".
    @app.route("/account")
    @cross_origin(origins=[APP], allow_headers=["Authorization"])
    def account() -> ResponseReturnValue:
        return {"authorization": request.headers.get("Authorization")}

    @app.route("/account-any-header")
    @cross_origin(origins=[APP], allow_headers="*")
    def account_any_header() -> ResponseReturnValue:
        return {"authorization": request.headers.get("Authorization")}

    @app.route("/account-other-header")
    @cross_origin(origins=[APP], allow_headers=["X-Request-Id"])
    def account_other_header() -> ResponseReturnValue:
        return {"authorization": request.headers.get("Authorization")}

    # Credentials: a cookie set by one credentialed call, sent with the next.
    @app.route("/session", methods=["POST", "DELETE"])
    @cross_origin(LOGIN, allow_headers=["X-Csrf-Token"])
    def session() -> ResponseReturnValue:
        response = jsonify(logged_in=request.method == "POST")
        if request.method == "POST":
            response.set_cookie(SESSION_COOKIE, SESSION_VALUE, secure=True, httponly=True, samesite="None")
        else:
            response.delete_cookie(SESSION_COOKIE, secure=True, httponly=True, samesite="None")
        return response

    @app.route("/whoami")
    @cross_origin(LOGIN)
    def whoami() -> ResponseReturnValue:
        return {"session": request.cookies.get(SESSION_COOKIE)}

    # Local development: page and API on http://localhost, two cookies, one Secure.
    @app.route("/local-session", methods=["POST"])
    @cross_origin(origins=[LOCAL], supports_credentials=True)
    def local_session() -> ResponseReturnValue:
        response = jsonify(logged_in=True)
        response.set_cookie("plain", "1", httponly=True, samesite="Lax")
        response.set_cookie("secure", "1", secure=True, httponly=True, samesite="Lax")
        return response

    @app.route("/local-whoami")
    @cross_origin(origins=[LOCAL], supports_credentials=True)
    def local_whoami() -> ResponseReturnValue:
        return {"cookies": sorted(request.cookies)}

    @app.route("/whoami-without-credentials")
    @cross_origin(origins=[APP])
    def whoami_without_credentials() -> ResponseReturnValue:
        return {"session": request.cookies.get(SESSION_COOKIE)}

    # Exposed response headers.
    @app.route("/report")
    @cross_origin(origins=[APP], expose_headers=["X-Total-Count"])
    def report() -> ResponseReturnValue:
        return {"rows": []}, 200, {"X-Total-Count": "0", "X-Internal-Trace": "t-1"}

    @app.route("/report-all")
    @cross_origin(origins=[APP], expose_headers="*")
    def report_all() -> ResponseReturnValue:
        return {"rows": []}, 200, {"X-Total-Count": "0", "X-Internal-Trace": "t-1"}

    # Origin matching.
    @app.route("/tenants")
    @cross_origin(origins=["https://*.example.com"])
    def tenants() -> ResponseReturnValue:
        return {"tenants": "any subdomain"}

    @app.route("/previews")
    @cross_origin(origins=[r"https://pr-\d+\.preview\.example\.org"])
    def previews() -> ResponseReturnValue:
        return {"previews": "pull request builds"}

    # Origins decided by the app's own function.
    @app.route("/customers", methods=["GET", "PUT"])
    @cross_origin(origins=registered_customer)
    def customers() -> ResponseReturnValue:
        return {"customers": "registered front ends"}

    # No library: a preflight answered by hand with Access-Control-Allow-Headers: *,
    # which the Fetch standard does not read as covering Authorization.
    @app.route("/bare-any-header", methods=["GET", "OPTIONS"])
    def bare_any_header() -> ResponseReturnValue:
        cors = {"Access-Control-Allow-Origin": APP, "Access-Control-Allow-Headers": "*"}
        if request.method == "OPTIONS":
            return "", 204, cors
        return {"authorization": request.headers.get("Authorization")}, 200, cors

    # Preflight caching.
    @app.route("/cached", methods=["PUT"])
    @cross_origin(origins=[APP], max_age=600)
    def cached() -> ResponseReturnValue:
        return {"cached": True}

    @app.route("/uncached", methods=["PUT"])
    @cross_origin(origins=[APP], max_age=0)
    def uncached() -> ResponseReturnValue:
        return {"cached": False}

    @app.route("/default-age", methods=["PUT"])
    @cross_origin(origins=[APP])
    def default_age() -> ResponseReturnValue:
        return {"cached": False}

    # Redirects (to the same server, keeping the query).
    def to_item(code: int) -> ResponseReturnValue:
        query = request.query_string.decode()
        return redirect(f"/items/1?{query}" if query else "/items/1", code)

    @app.route("/moved")
    @cross_origin(origins=[APP])
    def moved() -> ResponseReturnValue:
        return to_item(302)

    @app.route("/moved-without-cors")
    def moved_without_cors() -> ResponseReturnValue:
        return to_item(302)

    @app.route("/moved-put", methods=["PUT"])
    @cross_origin(origins=[APP], allow_headers=["X-Request-Id"])
    def moved_put() -> ResponseReturnValue:
        return to_item(307)

    @app.route("/moved-preflight", methods=["PUT", "OPTIONS"])
    @cross_origin(origins=[APP], automatic_options=False)
    def moved_preflight() -> ResponseReturnValue:
        if request.method == "OPTIONS":
            return to_item(307)
        return {"method": request.method}

    # Error statuses the page must be able to read.
    @app.route("/forbidden")
    @cross_origin(origins=[APP])
    def forbidden() -> ResponseReturnValue:
        abort(403)

    @app.route("/boom", methods=["GET", "PUT"])
    @cross_origin(origins=[APP])
    def boom() -> ResponseReturnValue:
        raise RuntimeError("an unhandled error in the view")

    # Views of every kind.
    @app.route("/async", methods=["GET", "PUT"])
    @cross_origin(origins=[APP])
    async def async_view() -> ResponseReturnValue:
        await asyncio.sleep(0)
        return {"async": True, "method": request.method}

    app.add_url_rule("/things", view_func=ThingAPI.as_view("things"))
    app.add_url_rule("/gadgets", view_func=GadgetAPI.as_view("gadgets"))

    # A view that answers its own preflights.
    @app.route("/manual", methods=["GET", "PUT", "OPTIONS"])
    @cross_origin(origins=[APP], automatic_options=False)
    def manual() -> ResponseReturnValue:
        if request.method == "OPTIONS":
            return "", 204, {"X-Answered-By": "view"}
        return {"method": request.method}

    @app.route("/manual-refusing", methods=["PUT", "OPTIONS"])
    @cross_origin(origins=[APP], automatic_options=False)
    def manual_refusing() -> ResponseReturnValue:
        if request.method == "OPTIONS":
            return "preflights are not welcome here", 403, {"X-Answered-By": "view"}
        return {"method": request.method}

    return app


SAME_ORIGIN_PAGE = "<!doctype html><meta charset=utf-8><title>shop</title><p>The API's own page.</p>"


def create_protected_app() -> Flask:
    """An app with cross-origin write protection, by the decorator and by the extension.

    Its views count the writes that reach them in ``app.extensions["writes"]``,
    so a test can tell a request the server refused from one it ran and the
    browser then hid from the page. ``/`` is a page of the API's own origin.
    """
    app = Flask(__name__)
    writes: list[str] = []
    app.extensions["writes"] = writes

    @app.get("/")
    def own_page() -> ResponseReturnValue:
        return SAME_ORIGIN_PAGE

    @app.post("/decorated/orders")
    @cross_origin(origins=[APP], write_protection=True)
    def decorated_orders() -> ResponseReturnValue:
        writes.append(request.path)
        return {"created": True}

    @app.post("/api/orders")
    def api_orders() -> ResponseReturnValue:
        writes.append(request.path)
        return {"created": True}

    @app.post("/unprotected/orders")
    @cross_origin(origins=[APP])
    def unprotected_orders() -> ResponseReturnValue:
        writes.append(request.path)
        return {"created": True}

    CORS(app, resources={"/api/*": {"origins": [APP], "write_protection": True}})
    return app
