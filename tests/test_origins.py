"""Origin specs: how configured origins are read, and which request origins they allow."""

from __future__ import annotations

import re

import pytest

from cors import CorsConfigError
from cors._origins import MAX_ORIGIN_LENGTH, OriginMatcher, OriginSpec, normalize_origin_spec


@pytest.mark.parametrize(
    ("spec", "canonical"),
    [
        ("*", "*"),
        ("null", "null"),
        ("https://example.com", "https://example.com"),
        ("HTTPS://Example.COM", "https://example.com"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://localhost:03000", "http://localhost:3000"),
        ("https://example.com:8443", "https://example.com:8443"),
        ("http://[::1]:5000", "http://[::1]:5000"),
        ("http://[0:0:0:0:0:0:0:1]:5000", "http://[::1]:5000"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("https://*.Example.com", "https://*.example.com"),
        ("https://*.example.com:*", "https://*.example.com:*"),
        ("http://localhost:*", "http://localhost:*"),
        ("chrome-extension://abcdef", "chrome-extension://abcdef"),
        (r"https://.*\.example\.com", r"https://.*\.example\.com"),
        ("https?://example.com", "https?://example.com"),
        (r"https://[a-z0-9-]+\.example\.com", r"https://[a-z0-9-]+\.example\.com"),
    ],
    ids=lambda v: str(v),
)
def test_spec_normalises(spec: str, canonical: str) -> None:
    """A configured origin is stored in its canonical form."""
    assert normalize_origin_spec(spec) == canonical


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("https://example.com/", "Did you mean 'https://example.com'"),
        ("https://example.com/api", "Did you mean 'https://example.com'"),
        ("https://user@example.com", "Did you mean 'https://example.com'"),
        ("https://example.com:443", "default port 443"),
        ("http://example.com:80", "Did you mean 'http://example.com'"),
        ("https://*.example.com/", "Did you mean 'https://*.example.com'"),
        ("example.com", "Did you mean 'https://example.com'"),
        ("*.example.com", "Did you mean 'https://*.example.com'"),
        ("https://example.com:99999", "port outside"),
        ("https://exa mple.com", "not an origin"),
        ("https://-bad-.example", "not a valid domain name"),
        ("http://[::zz]:5000", "invalid IPv6"),
        ("http://[1:2:3]:5000", "invalid IPv6"),
        ("https://" + "a" * 64 + ".example", "not a valid domain name"),
        ("NULL", "Did you mean 'null'"),
        ("https://(unclosed", "not a valid regular expression"),
    ],
    ids=lambda v: str(v),
)
def test_bad_spec_is_rejected_with_a_fix(spec: str, message: str) -> None:
    """A configured origin that is not an origin fails with a suggestion."""
    with pytest.raises(CorsConfigError, match=re.escape(message)):
        normalize_origin_spec(spec)


def test_bytes_pattern_is_rejected() -> None:
    """A compiled bytes pattern is a configuration error."""
    with pytest.raises(CorsConfigError, match="bytes pattern"):
        normalize_origin_spec(re.compile(b"x"))  # type: ignore[arg-type]


def _matcher(*specs: OriginSpec) -> OriginMatcher:
    return OriginMatcher.compile(normalize_origin_spec(s) for s in specs)


MATCH_CASES: list[tuple[list[OriginSpec], str, bool]] = [
    (["https://example.com"], "https://example.com", True),
    (["https://example.com"], "https://Example.com", False),
    (["https://example.com"], "https://example.com/", False),
    (["https://example.com"], "https://example.com:443", False),
    (["https://example.com"], "http://example.com", False),
    (["https://example.com"], "https://example.com.attacker.net", False),
    (["https://example.com"], "https://xexample.com", False),
    (["https://example.com"], "null", False),
    (["http://[::1]:5000"], "http://[::1]:5000", True),
    (["http://[::1]:5000"], "http://1:5000", False),
    (["https://*.example.com"], "https://api.example.com", True),
    (["https://*.example.com"], "https://a.b.example.com", True),
    (["https://*.example.com"], "https://example.com", False),
    (["https://*.example.com"], "https://xexample.com", False),
    (["https://*.example.com"], "https://api.example.com.attacker.net", False),
    (["https://*.example.com"], "http://api.example.com", False),
    (["https://*.example.com"], "https://api.example.com:8443", False),
    (["https://*.example.com"], "https://.example.com", False),
    (["https://*.example.com:*"], "https://api.example.com:8443", True),
    (["https://*.example.com:*"], "https://api.example.com", True),
    (["http://localhost:*"], "http://localhost:5173", True),
    (["http://localhost:*"], "http://localhost.attacker.net:5173", False),
    ([r"https://.*\.example\.com"], "https://evil.example.com", True),
    ([r"https://.*\.example\.com"], "https://evil.example.com.attacker.net", False),
    ([r"https://.*\.example\.com"], "https://a.example.com, https://b.example.com", False),
    ([r"https://.*\.example\.com"], "https://a.example.com\r\nSet-Cookie: x=1", False),
    ([re.compile(r"https://app\d+\.example\.com")], "https://app12.example.com", True),
    ([re.compile(r"https://app\d+\.example\.com")], "https://app12.example.com.evil.io", False),
    ([r"https://[a-z0-9-]+\.example\.com"], "https://app-1.example.com", True),
    ([r"https://[a-z0-9-]+\.example\.com"], "https://a.b.example.com", False),
    (["https?://example.com"], "https://example.com", True),
    (["https?://example.com"], "https://example.com.evil.io", False),
    ([".*"], "null", False),
    (["*"], "https://anything.example", True),
    (["*"], "null", False),
    (["*"], "https://example.com/", False),
    (["*"], "https://exa mple.com", False),
    (["*"], "https://ex\u00e4mple.com", False),
    (["*", "null"], "null", True),
    (["null"], "null", True),
    (["null"], "https://example.com", False),
]


@pytest.mark.parametrize(
    ("specs", "origin", "allowed"),
    MATCH_CASES,
    ids=[f"{s}-{o!r}" for s, o, _ in MATCH_CASES],
)
def test_matching(specs: list[OriginSpec], origin: str, allowed: bool) -> None:
    """A request origin is allowed exactly when a spec matches it whole."""
    assert (_matcher(*specs)(origin) is not None) is allowed


def test_huge_origin_is_refused_unread() -> None:
    """An origin longer than the limit is refused, even by a match-everything regex."""
    matcher = _matcher("*", ".*")
    assert matcher("https://" + "a" * MAX_ORIGIN_LENGTH) is None
    assert matcher("https://" + "a" * (1024 * 1024)) is None


def test_exact_origins_are_one_set() -> None:
    """Exact origins go into one hash set, so lookup cost does not grow with their number."""
    specs = [f"https://host{i}.example.com" for i in range(10_000)]
    matcher = _matcher(*specs)
    assert matcher.exact == frozenset(specs)
    assert matcher.subdomains is None and matcher.regexes == ()
    assert matcher("https://host9999.example.com") == "https://host9999.example.com"
    assert matcher("https://host10000.example.com") is None


def test_subdomain_patterns_compile_to_one_regex() -> None:
    """All subdomain patterns are combined into one regex, and the matching spec is reported."""
    matcher = _matcher("https://*.a.com", "https://*.b.com:*", r"https://x\d\.c\.com", "*")
    assert matcher.subdomain_specs == ("https://*.a.com", "https://*.b.com:*")
    assert matcher("https://q.b.com:81") == "https://*.b.com:*"
    assert matcher("https://q.a.com") == "https://*.a.com"
    assert matcher("https://x1.c.com") == r"https://x\d\.c\.com"
    assert matcher("https://other.example") == "*"
