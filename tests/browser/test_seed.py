"""Every example of the seed (demo/seed_app.py), from an allowed origin and a refused one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from .conftest import Visit
from .harness import NO_ALLOW_ORIGIN, NO_CREDENTIALS, PREFLIGHT, Call, Expected, LiveServer, Reads, Refused, check, header_not_allowed

JSON_BODY = {"name": "Ada"}


@dataclass(frozen=True)
class Case:
    """A seed call from one origin, and what the page gets."""

    id: str
    origin: str
    call: Call
    expected: Expected


# The response carries no Access-Control-Allow-Origin: the script cannot read it.
REFUSED = Refused(NO_ALLOW_ORIGIN)
# The preflight's answer carries none: the browser never sends the call itself.
PREFLIGHT_REFUSED = Refused(PREFLIGHT, NO_ALLOW_ORIGIN)


CASES = [
    # Basic usage: any origin, the opaque origin null (a sandboxed iframe) included.
    Case("data-any-origin", "https://any.example", Call("/api/data"), Reads(200, {"message": "CORS-enabled data"})),
    Case("data-null-origin", "null", Call("/api/data"), Reads(200, {"message": "CORS-enabled data"})),
    Case("public-any-origin", "https://any.example", Call("/api/public"), Reads(200, {"data": "public information"})),
    Case("public-null-origin", "null", Call("/api/public"), Reads(200, {"data": "public information"})),
    # What "*" refuses: reading with the user's cookies.
    Case("data-credentials", "https://any.example", Call("/api/data", credentials="include"), Refused(NO_CREDENTIALS)),
    Case("public-credentials", "https://any.example", Call("/api/public", credentials="include"), Refused(NO_CREDENTIALS)),
    # Specific origins.
    Case("secure-trusted-site", "https://trusted-site.com", Call("/api/secure"), Reads(200, {"data": "restricted data"})),
    Case("secure-app", "https://app.example.com", Call("/api/secure"), Reads(200, {"data": "restricted data"})),
    Case("secure-lookalike", "https://trusted-site.com.evil.net", Call("/api/secure"), REFUSED),
    Case("secure-http-scheme", "http://app.example.com", Call("/api/secure"), REFUSED),
    Case("development-3000", "http://localhost:3000", Call("/api/development"), Reads(200, {"data": "development data"})),
    Case("development-8080", "http://localhost:8080", Call("/api/development"), Reads(200, {"data": "development data"})),
    Case("development-other-port", "http://localhost:3001", Call("/api/development"), REFUSED),
    # Regular expressions.
    Case("subdomains-subdomain", "https://api.example.com", Call("/api/subdomains"), Reads(200, {"data": "subdomain accessible"})),
    Case("subdomains-suffix-lookalike", "https://api.example.com.attacker.net", Call("/api/subdomains"), REFUSED),
    Case("subdomains-apex", "https://example.com", Call("/api/subdomains"), REFUSED),
    Case("pattern-regex", "https://app42.example.com", Call("/api/pattern"), Reads(200, {"data": "pattern matched"})),
    Case("pattern-exact", "https://main.example.com", Call("/api/pattern"), Reads(200, {"data": "pattern matched"})),
    Case("pattern-no-digits", "https://app.example.com", Call("/api/pattern"), REFUSED),
    Case("pattern-suffix-lookalike", "https://app42.example.com.evil.io", Call("/api/pattern"), REFUSED),
    # Methods and headers.
    Case("users-get", "https://frontend.example.com", Call("/api/users"), Reads(200, {"users": []})),
    Case("users-get-other-origin", "https://frontend.example.co", Call("/api/users"), REFUSED),
    Case(
        "users-post-json",
        "https://frontend.example.com",
        Call("/api/users", "POST", {"X-Requested-With": "fetch"}, JSON_BODY),
        Reads(200, {"created": True}),
    ),
    Case(
        "users-post-other-origin",
        "https://evil.example",
        Call("/api/users", "POST", json=JSON_BODY),
        PREFLIGHT_REFUSED,
    ),
    Case(
        "users-post-unlisted-header",
        "https://frontend.example.com",
        Call("/api/users", "POST", {"X-Api-Key": "k"}, JSON_BODY),
        Refused(header_not_allowed("x-api-key")),
    ),
    # Credentials.
    Case(
        "profile-credentials",
        "https://app.example.com",
        Call("/api/auth/profile", headers={"Authorization": "Bearer t"}, credentials="include"),
        Reads(200, {"profile": "user data"}),
    ),
    Case(
        "profile-other-origin",
        "https://evil.example",
        Call("/api/auth/profile", credentials="include"),
        REFUSED,
    ),
    Case(
        "login-credentials",
        "https://app.example.com",
        Call("/api/auth/login", "POST", credentials="include"),
        Reads(200, {"token": "auth-token"}),
    ),
    Case("login-null-origin", "null", Call("/api/auth/login", "POST", credentials="include"), REFUSED),
    # Exposed headers.
    Case(
        "upload",
        "https://uploader.example.com",
        Call("/api/upload", "POST", {"X-File-Name": "a.txt"}, JSON_BODY),
        Reads(200, {"upload_id": "12345", "status": "processing"}),
    ),
    Case(
        "upload-other-origin",
        "https://evil.example",
        Call("/api/upload", "POST", {"X-File-Name": "a.txt"}, JSON_BODY),
        PREFLIGHT_REFUSED,
    ),
    # Preflight caching.
    Case(
        "heavy-operation",
        "https://client.example.com",
        Call("/api/heavy-operation", "POST", json=JSON_BODY),
        Reads(200, {"result": "computed"}),
    ),
    Case(
        "heavy-operation-other-origin",
        "https://evil.example",
        Call("/api/heavy-operation", "POST", json=JSON_BODY),
        PREFLIGHT_REFUSED,
    ),
    Case(
        "frequent-calls",
        "https://dashboard.example.com",
        Call("/api/frequent-calls", headers={"Authorization": "Bearer t"}),
        Reads(200, {"data": "frequently accessed"}),
    ),
    Case(
        "frequent-calls-other-origin",
        "https://evil.example",
        Call("/api/frequent-calls", headers={"Authorization": "Bearer t"}),
        PREFLIGHT_REFUSED,
    ),
    # Answering OPTIONS in the view.
    Case(
        "custom-options-get",
        "https://custom.example.com",
        Call("/api/custom-options", headers={"X-Trace": "1"}),
        Reads(200, {"data": "get response"}),
    ),
    Case(
        "custom-options-post",
        "https://custom.example.com",
        Call("/api/custom-options", "POST", json=JSON_BODY),
        Reads(200, {"data": "post response"}),
    ),
    Case(
        "custom-options-other-origin",
        "https://evil.example",
        Call("/api/custom-options", "POST", json=JSON_BODY),
        PREFLIGHT_REFUSED,
    ),
    # Everything together.
    Case(
        "complex-prod-headers",
        "https://prod.example.com",
        Call("/api/complex", headers={"X-Custom-Trace": "1", "X-API-Key": "k"}, credentials="include"),
        Reads(200, {"data": "complex CORS configuration"}),
    ),
    Case(
        "complex-dev-subdomain",
        "https://alice.dev.example.com",
        Call("/api/complex", headers={"Authorization": "Bearer t"}, credentials="include"),
        Reads(200, {"data": "complex CORS configuration"}),
    ),
    Case(
        "complex-localhost-get",
        "http://localhost:3000",
        Call("/api/complex", credentials="include"),
        Reads(200, {"data": "complex CORS configuration"}),
    ),
    Case(
        "complex-dev-apex",
        "https://dev.example.com",
        Call("/api/complex", credentials="include"),
        REFUSED,
    ),
    Case(
        "complex-dev-lookalike",
        "https://alice.dev.example.com.evil.io",
        Call("/api/complex", headers={"X-Custom-Trace": "1"}, credentials="include"),
        PREFLIGHT_REFUSED,
    ),
    Case(
        "complex-unlisted-header",
        "https://prod.example.com",
        Call("/api/complex", headers={"X-Customer": "1"}, credentials="include"),
        Refused(header_not_allowed("x-customer")),
    ),
    # With flask-login: the preflight skips login_required, the 401 is readable.
    Case(
        "protected-logged-in",
        "https://app.example.com",
        Call("/api/protected", headers={"X-Demo-User": "demo"}, credentials="include"),
        Reads(200, {"data": "protected resource"}),
    ),
    Case(
        "protected-logged-out",
        "https://app.example.com",
        Call("/api/protected", credentials="include"),
        Reads(401, text="Unauthorized"),
    ),
    Case(
        "protected-other-origin",
        "https://evil.example",
        Call("/api/protected", headers={"X-Demo-User": "demo"}, credentials="include"),
        PREFLIGHT_REFUSED,
    ),
    # With flask-restful: each method has its own origins.
    Case("resource-get", "https://api-client.example.com", Call("/api/users/7"), Reads(200, {"user_id": 7})),
    Case("resource-get-admin", "https://admin.example.com", Call("/api/users/7"), REFUSED),
    Case(
        "resource-post",
        "https://admin.example.com",
        Call("/api/users/7", "POST", json=JSON_BODY, credentials="include"),
        Reads(200, {"created": True}),
    ),
    Case(
        "resource-post-api-client",
        "https://api-client.example.com",
        Call("/api/users/7", "POST", json=JSON_BODY, credentials="include"),
        PREFLIGHT_REFUSED,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_seed_example(visit: Visit, seed_api: LiveServer, case: Case) -> None:
    """A seed example gives the page what the browser lets that origin read."""
    page = visit(case.origin)
    check(page.call(seed_api, case.call), case.expected)


def test_every_seed_route_is_called() -> None:
    """The table calls every route of the seed app from an allowed and a refused origin."""
    from demo.seed_app import create_app

    routes = {rule.rule.replace("<int:user_id>", "7") for rule in create_app().url_map.iter_rules()}
    routes.discard("/static/<path:filename>")
    read = {c.call.path for c in CASES if isinstance(c.expected, Reads) and c.expected.status == 200}
    refused = {c.call.path for c in CASES if isinstance(c.expected, Refused)}
    assert read == routes
    assert refused == routes


def test_method_the_route_lacks_is_unreadable(visit: Visit, seed_api: LiveServer) -> None:
    """A PUT that /api/complex's policy allows but its GET-only route does not ends in an unreadable 405."""
    page = visit("https://prod.example.com")
    call = Call("/api/complex", "PUT", {"X-Custom-Trace": "1"}, credentials="include")
    check(page.call(seed_api, call), REFUSED)
    assert [(s.method, s.status) for s in seed_api.seen(path="/api/complex")] == [
        ("OPTIONS", 200),
        ("PUT", 405),
    ]
