"""The decision value: kind, verdict, the refusing step, the matching rule, and the reason."""

from __future__ import annotations

from typing import Any

import pytest

from cors import CorsPolicy, CorsRequest, Decision, cors_headers, decide, resolve

SITE = "https://app.example.com"
POLICY = resolve(
    CorsPolicy(
        origins=[SITE, "https://*.preview.example.com", r"https://tenant-\d+\.example\.net"],
        methods=["GET", "PUT"],
        allow_headers=["Content-Type", "X-Trace"],
        allow_private_network=False,
    )
)


def preflight(origin: str = SITE, method: str = "PUT", headers: str = "", pna: bool = False) -> CorsRequest:
    """A preflight request view."""
    return CorsRequest(
        method="OPTIONS", origin=origin, request_method=method, request_headers=headers, request_private_network=pna
    )


CASES: list[tuple[str, CorsRequest, dict[str, Any], str]] = [
    (
        "no-origin",
        CorsRequest(method="GET"),
        {"kind": "none", "allowed": False, "refused_by": None},
        "no Origin header, so not a CORS request",
    ),
    (
        "exact",
        CorsRequest(method="GET", origin=SITE),
        {"kind": "actual", "allowed": True, "rule": SITE},
        f"allowed by origins rule {SITE!r}",
    ),
    (
        "subdomain",
        CorsRequest(method="GET", origin="https://pr-1.preview.example.com"),
        {"allowed": True, "rule": "https://*.preview.example.com"},
        "allowed by origins rule 'https://*.preview.example.com'",
    ),
    (
        "regex",
        CorsRequest(method="GET", origin="https://tenant-4.example.net"),
        {"allowed": True, "rule": r"https://tenant-\d+\.example\.net"},
        "allowed by origins rule 'https://tenant-\\\\d+\\\\.example\\\\.net'",
    ),
    (
        "origin",
        CorsRequest(method="GET", origin="https://evil.example"),
        {"kind": "actual", "allowed": False, "refused_by": "origin", "rule": None},
        "origin not allowed: add it to origins",
    ),
    (
        "actual-any-method",
        CorsRequest(method="DELETE", origin=SITE),
        {"allowed": True, "refused_by": None},
        f"allowed by origins rule {SITE!r}",
    ),
    (
        "preflight-origin",
        preflight(origin="https://evil.example"),
        {"kind": "preflight", "allowed": False, "refused_by": "origin"},
        "origin not allowed: add it to origins",
    ),
    (
        "preflight-method",
        preflight(method="PATCH"),
        {"kind": "preflight", "refused_by": "method", "detail": "PATCH", "rule": SITE},
        "method 'PATCH' not allowed: add it to methods",
    ),
    (
        "preflight-header",
        preflight(headers="content-type,x-secret"),
        {"refused_by": "header", "detail": "x-secret"},
        "request header 'x-secret' not allowed: add it to allow_headers",
    ),
    (
        "authorization",
        preflight(headers="Authorization"),
        {"refused_by": "header", "detail": "authorization"},
        "request header 'authorization' not allowed: add it to allow_headers",
    ),
    (
        "too-long",
        preflight(headers="x-trace," * 1000),
        {"refused_by": "header", "detail": "(8000 characters of names)"},
        "request header '(8000 characters of names)' not allowed: add it to allow_headers",
    ),
    (
        "pna-not-granted",
        preflight(headers="x-trace", pna=True),
        {"allowed": True, "private_network": False},
        f"allowed by origins rule {SITE!r}; Private Network Access not granted (allow_private_network)",
    ),
    (
        "preflight-allowed",
        preflight(headers="x-trace"),
        {"kind": "preflight", "allowed": True, "private_network": None},
        f"allowed by origins rule {SITE!r}",
    ),
]


@pytest.mark.parametrize(("request_view", "fields", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_decision(request_view: CorsRequest, fields: dict[str, Any], reason: str) -> None:
    """Each outcome names its kind, verdict, refusing step and rule, and explains itself."""
    decision = decide(POLICY, request_view)
    assert isinstance(decision, Decision)
    for name, value in fields.items():
        assert getattr(decision, name) == value, name
    assert decision.reason == reason
    assert cors_headers(POLICY, request_view) == dict(decision.headers)
    if decision.refused_by == "origin":
        assert [h for h in decision.headers if h.startswith("Access-Control-")] == []
    elif decision.refused_by is not None:  # the browser is told what is allowed, and so names the culprit
        assert decision.headers["Access-Control-Allow-Origin"] == SITE
        assert decision.detail not in decision.headers.get("Access-Control-Allow-Methods", "").split(", ")
        assert decision.detail not in decision.headers.get("Access-Control-Allow-Headers", "").split(", ")


def test_static_wildcard_counts_as_allowed_without_origin() -> None:
    """A static * answer is sent, and reported as allowed, even without Origin."""
    decision = decide(CorsPolicy(send_wildcard=True), CorsRequest(method="GET"))
    assert decision.allowed
    assert decision.headers == {"Access-Control-Allow-Origin": "*"}


def test_private_network_granted() -> None:
    """A granted Private Network Access preflight says so."""
    policy = CorsPolicy(origins=[SITE], allow_private_network=True)
    decision = decide(policy, preflight(pna=True))
    assert decision.private_network is True
    assert decision.headers["Access-Control-Allow-Private-Network"] == "true"
