"""Every example of the seed document, through the demo app and Flask's test client."""

from __future__ import annotations

import attrs
import pytest
from flask.testing import FlaskClient

from demo.seed_app import create_app

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"


@attrs.frozen
class Example:
    """One seed endpoint: an origin it must allow, a look-alike it must refuse."""

    path: str
    method: str
    allowed: str
    refused: str
    body: object
    status: int = 200
    credentials: bool = False
    request_headers: dict[str, str] = attrs.field(factory=dict)


EXAMPLES = [
    Example("/api/data", "GET", "https://any.example", "https://any.example/", {"message": "CORS-enabled data"}),
    Example("/api/public", "GET", "https://any.example", "https://any.example/", {"data": "public information"}),
    Example("/api/secure", "GET", "https://trusted-site.com", "https://trusted-site.com.evil.net", {"data": "restricted data"}),
    Example("/api/secure", "GET", "https://app.example.com", "http://app.example.com", {"data": "restricted data"}),
    Example("/api/development", "GET", "http://localhost:3000", "http://localhost:3001", {"data": "development data"}),
    Example("/api/development", "GET", "http://localhost:8080", "https://localhost:8080", {"data": "development data"}),
    Example("/api/subdomains", "GET", "https://api.example.com", "https://api.example.com.attacker.net", {"data": "subdomain accessible"}),
    Example("/api/pattern", "GET", "https://app42.example.com", "https://app42.example.com.evil.io", {"data": "pattern matched"}),
    Example("/api/pattern", "GET", "https://main.example.com", "https://mainxexample.com", {"data": "pattern matched"}),
    Example("/api/users", "GET", "https://frontend.example.com", "https://frontend.example.co", {"users": []}),
    Example("/api/users", "POST", "https://frontend.example.com", "https://evil.example", {"created": True}),
    Example("/api/auth/profile", "GET", "https://app.example.com", "https://evil.example", {"profile": "user data"}, credentials=True),
    Example("/api/auth/login", "POST", "https://app.example.com", "null", {"token": "auth-token"}, credentials=True),
    Example("/api/upload", "POST", "https://uploader.example.com", "https://evil.example", {"upload_id": "12345", "status": "processing"}),
    Example("/api/heavy-operation", "POST", "https://client.example.com", "https://evil.example", {"result": "computed"}),
    Example("/api/frequent-calls", "GET", "https://dashboard.example.com", "https://evil.example", {"data": "frequently accessed"}),
    Example("/api/custom-options", "GET", "https://custom.example.com", "https://evil.example", {"data": "get response"}),
    Example("/api/custom-options", "POST", "https://custom.example.com", "https://evil.example", {"data": "post response"}),
    Example("/api/complex", "GET", "https://prod.example.com", "https://prod.example.com.evil.io", {"data": "complex CORS configuration"}, credentials=True),
    Example("/api/complex", "GET", "https://x.dev.example.com", "https://x.dev.example.com.evil.io", {"data": "complex CORS configuration"}, credentials=True),
    Example("/api/protected", "GET", "https://app.example.com", "https://evil.example", {"data": "protected resource"}, credentials=True, request_headers={"X-Demo-User": "demo"}),
    Example("/api/users/7", "GET", "https://api-client.example.com", "https://admin.example.com", {"user_id": 7}),
    Example("/api/users/7", "POST", "https://admin.example.com", "https://api-client.example.com", {"created": True}, credentials=True),
]


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    """A test client of the demo app."""
    return create_app().test_client()


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.method} {e.path} {e.allowed}" for e in EXAMPLES])
def test_allowed_origin_can_read(client: FlaskClient, example: Example) -> None:
    """The example's own origin gets its exact origin back, with credentials where configured."""
    response = client.open(
        example.path, method=example.method, headers={"Origin": example.allowed, **example.request_headers}
    )
    assert response.status_code == example.status
    assert response.json == example.body
    assert response.headers.getlist(ACAO) == [example.allowed]
    assert response.headers.get(ACAC) == ("true" if example.credentials else None)
    assert "Origin" in response.headers["Vary"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.method} {e.path} {e.refused}" for e in EXAMPLES])
def test_refused_origin_gets_no_cors_headers(client: FlaskClient, example: Example) -> None:
    """A look-alike or foreign origin gets the body (CORS only guards reading) but no CORS headers."""
    response = client.open(
        example.path, method=example.method, headers={"Origin": example.refused, **example.request_headers}
    )
    assert not [name for name in response.headers.keys() if name.startswith("Access-Control-")]
    assert response.headers["Vary"] == "Origin"


def test_users_preflight_allows_listed_headers_only(client: FlaskClient) -> None:
    """/api/users allows Content-Type and X-Requested-With, and refuses other headers."""
    origin = {"Origin": "https://frontend.example.com", "Access-Control-Request-Method": "POST"}
    ok = client.options("/api/users", headers={**origin, "Access-Control-Request-Headers": "content-type,x-requested-with"})
    assert ok.headers["Access-Control-Allow-Headers"] == "content-type, x-requested-with"
    assert ok.headers["Access-Control-Allow-Methods"] == "GET, POST"
    refused = client.options("/api/users", headers={**origin, "Access-Control-Request-Headers": "x-api-key"})
    assert "Access-Control-Allow-Headers" not in refused.headers


def test_upload_exposes_headers(client: FlaskClient) -> None:
    """/api/upload exposes X-Upload-ID and X-Processing-Status."""
    response = client.post("/api/upload", headers={"Origin": "https://uploader.example.com"})
    assert response.headers["Access-Control-Expose-Headers"] == "X-Processing-Status, X-Upload-ID"


@pytest.mark.parametrize(
    ("path", "origin", "max_age"),
    [
        ("/api/heavy-operation", "https://client.example.com", "3600"),
        ("/api/frequent-calls", "https://dashboard.example.com", "3600"),
        ("/api/complex", "https://prod.example.com", "1800"),
    ],
)
def test_max_age_on_preflight(client: FlaskClient, path: str, origin: str, max_age: str) -> None:
    """Preflights carry the configured max-age (timedelta or seconds)."""
    method = "POST" if path == "/api/heavy-operation" else "GET"
    response = client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method})
    assert response.headers["Access-Control-Max-Age"] == max_age


@pytest.mark.parametrize(
    ("requested", "allowed"),
    [
        ("authorization,content-type,x-api-key", True),
        ("x-custom-tenant,x-custom-trace", True),
        ("x-customer", False),
        ("x-other", False),
    ],
)
def test_complex_allow_headers(client: FlaskClient, requested: str, allowed: bool) -> None:
    """/api/complex allows its listed headers and the X-Custom-.* pattern, nothing else."""
    response = client.options(
        "/api/complex",
        headers={
            "Origin": "https://prod.example.com",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": requested,
        },
    )
    echoed = response.headers.get("Access-Control-Allow-Headers", "").split(", ")
    assert (echoed == requested.split(",")) is allowed


def test_custom_options_view_answers_preflight(client: FlaskClient) -> None:
    """/api/custom-options answers its own preflight, which still carries CORS headers."""
    response = client.options(
        "/api/custom-options",
        headers={"Origin": "https://custom.example.com", "Access-Control-Request-Method": "PUT"},
    )
    assert response.json == {"preflight": "custom response"}
    assert response.headers[ACAO] == "https://custom.example.com"


def test_protected_unauthenticated_status_is_readable(client: FlaskClient) -> None:
    """flask-login's 401 carries CORS headers, and the preflight skips login_required."""
    response = client.get("/api/protected", headers={"Origin": "https://app.example.com"})
    assert response.status_code == 401
    assert response.headers[ACAO] == "https://app.example.com"
    preflight = client.options(
        "/api/protected",
        headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "x-demo-user"},
    )
    assert preflight.status_code == 200
    assert preflight.headers[ACAC] == "true"


def test_restful_resource_preflight_uses_method_policy(client: FlaskClient) -> None:
    """A flask-restful preflight gets the policy of the method it asks about."""
    post = client.options(
        "/api/users/7",
        headers={"Origin": "https://admin.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert post.headers[ACAO] == "https://admin.example.com"
    assert post.headers["Access-Control-Allow-Methods"] == "POST"
    wrong_origin = client.options(
        "/api/users/7",
        headers={"Origin": "https://api-client.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert ACAO not in wrong_origin.headers
