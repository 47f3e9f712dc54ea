"""Path patterns of app-wide rules."""

from __future__ import annotations

import re

import pytest
from typeguard import suppress_type_checks

from cors import CorsConfigError
from cors._paths import PathPattern, PathSpec

CASES: list[tuple[PathSpec, str, bool]] = [
    ("*", "/anything/at/all", True),
    ("/*", "/", True),
    ("/api/*", "/api", True),
    ("/api/*", "/api/", True),
    ("/api/*", "/api/users/7", True),
    ("/api/*", "/apiary", False),
    ("/api/*", "/apiary/admin", False),
    ("/api/*", "/api-internal/keys", False),
    ("/api/*", "/API/users", False),
    ("/api/*", "/x/api/users", False),
    ("/api/v1.0/*", "/api/v1.0/x", True),
    ("/api/v1.0/*", "/api/v1x0/x", False),
    ("/health", "/health", True),
    ("/health", "/health/", False),
    ("/health", "/Health", False),
    ("/service+path", "/service+path", True),
    ("/service+path", "/service path", False),
    ("/service+path", "/servicepath", False),
    (r"/v\d+/x", "/v12/x", True),
    (r"/api/v\d+/.*", "/api/v2/users", True),
    ("/api/.*", "/api/users", True),
    ("/api/.*", "/apiary", False),
    ("/api/.+", "/api/x", True),
    ("/api/.+", "/api/", False),
    (r"/api/v\d+/.*", "/api/v2", False),
    (r"/api/v\d+/.*", "/x/api/v2/users", False),
    (re.compile(r"/files/.+\.png"), "/files/a.png", True),
    (re.compile(r"/files/.+\.png"), "/files/a.png.exe", False),
    (re.compile(r"/admin/.*", re.IGNORECASE), "/ADMIN/x", True),
]


@pytest.mark.parametrize(("spec", "path", "matches"), CASES, ids=[f"{s}-{p}" for s, p, _ in CASES])
def test_matching(spec: PathSpec, path: str, matches: bool) -> None:
    """A path matches a pattern by the documented rules, case-sensitively and whole."""
    assert PathPattern.parse(spec)(path) is matches


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("api/*", "did you mean '/api/*'"),
        ("health", "did you mean '/health'"),
        ("/api*", "write '/api/*'"),
        ("/api/v(1", "not a valid regular expression"),
    ],
)
def test_bad_pattern_fails(spec: str, message: str) -> None:
    """An unclear or invalid pattern fails at configuration time."""
    with pytest.raises(CorsConfigError, match=re.escape(message)):
        PathPattern.parse(spec)


def test_bytes_and_other_types_fail() -> None:
    """Only str patterns are accepted."""
    with pytest.raises(CorsConfigError, match="bytes pattern"):
        PathPattern.parse(re.compile(b"/x"))  # type: ignore[arg-type]
    with suppress_type_checks(), pytest.raises(CorsConfigError, match="give path patterns as strings"):
        PathPattern.parse(5)  # type: ignore[arg-type]
