"""Origin specs: how configured origins are read, and which request origins they allow."""

from __future__ import annotations

import re
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typeguard import suppress_type_checks

from cors import CorsConfigError, CorsWarning
from cors._origins import (
    MAX_ORIGIN_LENGTH,
    SERIALIZED_ORIGIN,
    IgnoredOrigin,
    OriginMatcher,
    OriginSpec,
    is_serialized_origin,
    normalize_origin_spec,
)


def quietly(spec: OriginSpec) -> OriginSpec:
    """Normalise a spec, failing on any warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return normalize_origin_spec(spec)


@pytest.mark.parametrize(
    ("spec", "canonical"),
    [
        ("*", "*"),
        ("null", "null"),
        ("NULL", "null"),
        ("https://example.com", "https://example.com"),
        ("HTTPS://Example.COM", "https://example.com"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("https://example.com:8443", "https://example.com:8443"),
        ("http://[::1]:5000", "http://[::1]:5000"),
        ("http://[2001:DB8::A]", "http://[2001:db8::a]"),
        ("http://[1:2:3:4:5:6:7:8]", "http://[1:2:3:4:5:6:7:8]"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("https://faß.example", "https://xn--fa-hia.example"),
        ("https://FASS.example", "https://fass.example"),
        ("https://βόλος.com", "https://xn--nxasmm1c.com"),
        ("https://ＥＸＡＭＰＬＥ．com", "https://example.com"),
        ("https://my_host.example", "https://my_host.example"),
        ("https://*.Example.com", "https://*.example.com"),
        ("https://*.faß.example", "https://*.xn--fa-hia.example"),
        ("https://*.example.com:*", "https://*.example.com:*"),
        ("http://localhost:*", "http://localhost:*"),
        ("chrome-extension://abcdef", "chrome-extension://abcdef"),
        (r"https://.*\.example\.com", r"https://.*\.example\.com"),
        ("https?://example.com", "https?://example.com"),
        (r"https://[a-z0-9-]+\.example\.com", r"https://[a-z0-9-]+\.example\.com"),
    ],
    ids=lambda v: str(v),
)
def test_spec_normalises_quietly(spec: str, canonical: str) -> None:
    """A configured origin that only differs from a browser's in case or Unicode is stored as the browser sends it."""
    assert quietly(spec) == canonical


REWRITES = [
    ("https://example.com/", "https://example.com", "no trailing slash"),
    ("https://example.com/api/v1", "https://example.com", "no path ('/api/v1')"),
    ("https://example.com/*", "https://example.com", "a path cannot limit CORS"),
    ("https://example.com?x=1", "https://example.com", "no path"),
    ("https://api.example.com/.*", "https://api.example.com", "no path ('/.*')"),
    ("http://a.example.com/?.*", "http://a.example.com", "no path ('/?.*')"),
    ("https://example.com:443", "https://example.com", "default port 443"),
    ("http://example.com:80/", "http://example.com", "default port 80; an origin has no trailing slash"),
    ("https://*.example.com/", "https://*.example.com", "no trailing slash"),
    ("http://localhost:03000", "http://localhost:3000", "port without leading zeros"),
    ("http://[0:0:0:0:0:0:0:1]:5000", "http://[::1]:5000", "shortest form (RFC 5952)"),
    ("http://[::ffff:1.2.3.4]", "http://[::ffff:102:304]", "shortest form"),
    ("http://[1:0:0:2:0:0:0:3]", "http://[1:0:0:2::3]", "shortest form"),
    ("http://127.000.000.001:8080", "http://127.0.0.1:8080", "four decimal numbers"),
    ("http://0x7f.0.0.1", "http://127.0.0.1", "four decimal numbers"),
    ("http://127.1", "http://127.0.0.1", "four decimal numbers"),
]


@pytest.mark.parametrize(("spec", "canonical", "why"), REWRITES, ids=[r[0] for r in REWRITES])
def test_spec_is_rewritten_with_a_warning(spec: str, canonical: str, why: str) -> None:
    """A configured origin written unlike any browser's is read as the origin it names, with a warning that says so."""
    with pytest.warns(CorsWarning) as record:
        assert normalize_origin_spec(spec) == canonical
    message = str(record[0].message)
    assert message.startswith(f"origins: {spec!r} is read as {canonical!r}")
    assert why in message and message.endswith(f"Write {canonical!r}.")
    assert quietly(canonical) == canonical


UNUSABLE = [
    ("example.com", "is not an origin", "https://example.com", "https://example.com"),
    ("localhost:3000", "is not an origin", "http://localhost:3000", "http://localhost:3000"),
    ("*.example.com", "not a valid regular expression", "https://*.example.com", "https://a.example.com"),
    ("https://user@example.com", "has userinfo", "https://example.com", "https://example.com"),
    ("https://example.com@attacker.net", "has userinfo", "https://attacker.net", "https://attacker.net"),
    ("https://example.com:99999", "port outside 1-65535", "https://example.com", "https://example.com"),
    ("https://example.com:0", "port outside 1-65535", "https://example.com", "https://example.com"),
    ("https://exa mple.com", "is not an origin", None, "https://exa mple.com"),
    ("https://-bad-.example", "not a valid domain name", None, "https://-bad-.example"),
    ("https://a..example", "not a valid domain name", None, "https://a..example"),
    ("https://💩.la", "not a valid domain name", None, "https://xn--ls8h.la"),
    ("http://[::zz]:5000", "invalid IPv6", None, "http://[::zz]:5000"),
    ("http://[1:2:3]:5000", "invalid IPv6", None, "http://[1:2:3]:5000"),
    ("http://010.0.0.1", "read as octal (8.0.0.1, not 10.0.0.1)", "http://10.0.0.1", "http://8.0.0.1"),
    ("http://192.168.001.010:8080", "read as octal", "http://192.168.1.10:8080", "http://192.168.1.8:8080"),
    ("http://1.2.3.256", "not an IPv4 address", None, "http://1.2.3.256"),
    ("http://256.0.0.1", "not an IPv4 address", None, "http://256.0.0.1"),
    ("http://1.2.3.4.5", "not an IPv4 address", None, "http://1.2.3.4.5"),
    ("http://printer.1", "not an IPv4 address", None, "http://printer.1"),
    ("https://*.10.0.0.1", "over an IP address", None, "https://a.10.0.0.1"),
    ("https://(unclosed", "not a valid regular expression", None, "https://unclosed"),
    ("file:///home/me/index.html", "send Origin null", "null", "null"),
    ("https://" + "a" * 600 + ".example", "longer than the 512", None, "https://" + "a" * 600 + ".example"),
]


@pytest.mark.parametrize(
    ("spec", "why", "suggestion", "origin"), UNUSABLE, ids=[u[0][:40] for u in UNUSABLE]
)
def test_unusable_spec_is_ignored_with_a_warning(spec: str, why: str, suggestion: str | None, origin: str) -> None:
    """A configured origin no browser can send is kept, never matches, and warns with what may have been meant."""
    with pytest.warns(CorsWarning) as record:
        ignored = normalize_origin_spec(spec)
    message = str(record[0].message)
    assert isinstance(ignored, IgnoredOrigin) and ignored == spec
    assert message.startswith(f"origins: {spec!r} ")
    assert why in message and "never matches what a browser sends; it is ignored." in message
    assert message.endswith(f"Did you mean {suggestion!r}?" if suggestion else "ignored.")
    assert quietly(ignored) is ignored, "normalising again (as | does) warns again"
    assert OriginMatcher.compile([ignored])(origin) is None


def test_only_ignored_specs_allow_nothing() -> None:
    """A matcher of ignored specs only refuses every origin, as flask-cors did with them."""
    with pytest.warns(CorsWarning):
        matcher = OriginMatcher.compile([normalize_origin_spec("example.com")])
    assert matcher("https://example.com") is None and matcher("null") is None


@pytest.mark.parametrize(
    "spec", [re.compile(b"x"), 42, None, ["https://a.example"]], ids=["bytes-pattern", "int", "None", "list"]
)
def test_spec_of_the_wrong_type_is_an_error(spec: object) -> None:
    """A configured origin that is neither a string nor a str pattern is a configuration error."""
    with suppress_type_checks(), pytest.raises(CorsConfigError, match="origins: "):
        normalize_origin_spec(spec)  # type: ignore[arg-type]


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
    (["https://faß.example"], "https://xn--fa-hia.example", True),
    (["https://faß.example"], "https://fass.example", False),
    (["https://faß.example"], "https://faß.example", False),
    (["https://*.faß.example"], "https://a.xn--fa-hia.example", True),
    (["https://*.faß.example"], "https://a.fass.example", False),
    (["https://βόλος.com"], "https://xn--nxasmm1c.com", True),
    (["https://βόλος.com"], "https://xn--nxasmq6b.com", False),
    (["https://*.example.com"], "https://api.example.com", True),
    (["https://*.example.com"], "https://a.b.example.com", True),
    (["https://*.example.com"], "https://my_app.example.com", True),
    (["https://*.example.com"], "https://example.com", False),
    (["https://*.example.com"], "https://xexample.com", False),
    (["https://*.example.com"], "https://api.example.com.attacker.net", False),
    (["https://*.example.com"], "http://api.example.com", False),
    (["https://*.example.com"], "https://api.example.com:8443", False),
    (["https://*.example.com"], "https://.example.com", False),
    (["https://*.example.com"], "https://-a.example.com", False),
    (["https://*.example.com:*"], "https://api.example.com:8443", True),
    (["https://*.example.com:*"], "https://api.example.com", True),
    (["http://localhost:*"], "http://localhost:5173", True),
    (["http://localhost:*"], "http://localhost.attacker.net:5173", False),
    ([r"https://.*\.example\.com"], "https://evil.example.com", True),
    ([r"https://.*\.example\.com"], "https://evil.example.com.attacker.net", False),
    ([r"https://.*\.example\.com"], "https://a.example.com, https://b.example.com", False),
    ([r"https://.*\.example\.com"], "https://a.example.com\r\nSet-Cookie: x=1", False),
    ([r"https://.*\.example\.com"], "https://a..example.com", False),
    ([re.compile(r"https://app\d+\.example\.com")], "https://app12.example.com", True),
    ([re.compile(r"https://app\d+\.example\.com")], "https://app12.example.com.evil.io", False),
    ([r"https://[a-z0-9-]+\.example\.com"], "https://app-1.example.com", True),
    ([r"https://[a-z0-9-]+\.example\.com"], "https://a.b.example.com", False),
    ([r"https://[a-z0-9-]+\.example\.com"], "https://app-.example.com", False),
    (["https?://example.com"], "https://example.com", True),
    (["https?://example.com"], "https://example.com.evil.io", False),
    ([".*"], "null", False),
    (["*"], "https://anything.example", True),
    (["*"], "null", True),
    (["*"], "http://127.0.0.1:8080", True),
    (["*"], "http://[2001:db8::1]", True),
    (["*"], "https://my_host.example", True),
    (["*"], "https://example.com/", False),
    (["*"], "https://exa mple.com", False),
    (["*"], "https://ex\u00e4mple.com", False),
    (["*"], "https://Example.com", False),
    (["*"], "https://a..example", False),
    (["*"], "https://a-.example", False),
    (["*"], "http://[2001:DB8::1]", False),
    (["*"], "http://[2001:0db8::1]", False),
    (["*"], "http://[::ffff:1.2.3.4]", False),
    (["*"], "NULL", False),
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


def test_any_reports_itself_for_null() -> None:
    """With origins '*', null is allowed by the '*' spec; listed explicitly, by the 'null' spec."""
    assert _matcher("*")("null") == "*"
    assert _matcher("*", "null")("null") == "null"


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
    assert matcher.patterns is None and matcher.regexes == ()
    assert matcher("https://host9999.example.com") == "https://host9999.example.com"
    assert matcher("https://host10000.example.com") is None


def test_subdomain_patterns_and_regexes_compile_to_one_regex() -> None:
    """Subdomain patterns, then regexes, are one regex, and the matching spec is reported."""
    matcher = _matcher("https://*.a.com", "https://*.b.com:*", r"https://x\d\.c\.com", "*")
    assert matcher.pattern_specs == ("https://*.a.com", "https://*.b.com:*", r"https://x\d\.c\.com")
    assert matcher.regexes == ()
    assert matcher("https://q.b.com:81") == "https://*.b.com:*"
    assert matcher("https://q.a.com") == "https://*.a.com"
    assert matcher("https://x1.c.com") == r"https://x\d\.c\.com"
    assert matcher("https://other.example") == "*"


def test_the_first_spec_that_matches_is_reported_in_one_regex_or_apart() -> None:
    """Globs first, then regexes in sorted order, whether joined in one regex or (from one with a group on) apart."""
    joined = _matcher("https://*.example.com", r"https://a\d\.example\.com", r"https://[a-z]\d\.example\.com")
    apart = _matcher("https://*.example.com", r"https://a\d\.example\.com", r"https://([a-z])\d\.example\.com")
    assert joined.regexes == ()
    assert [spec for _, spec in apart.regexes] == [r"https://([a-z])\d\.example\.com", r"https://a\d\.example\.com"]
    for matcher in (joined, apart):
        assert matcher("https://a1.example.com") == "https://*.example.com"
        assert matcher("https://a1.example.com.evil") is None
    only_regexes = _matcher(r"https://a\d\.example", r"https://[a-z]\d\.example", r"https://B\.example")
    assert only_regexes("https://a1.example") == r"https://[a-z]\d\.example"  # '[' sorts before 'a'
    assert only_regexes("https://b.example") == r"https://B\.example"  # a string regex ignores case
    assert only_regexes("https://aa.example") is None


@pytest.mark.parametrize(
    "odd",
    [
        r"(?i)https://inline\.example",
        r"https://(?=inline)inline\.example",
        r"https://(inline)\.example",
        re.compile(r"https://inline\.example", re.ASCII),
    ],
    ids=["global-inline-flag", "lookahead", "group", "other-flags"],
)
def test_a_regex_that_cannot_join_keeps_its_own_match(odd: OriginSpec) -> None:
    """A regex with an inline flag, another extension, a group or other flags is tried on its own, same answers."""
    matcher = _matcher(odd, r"https://z\d\.example")
    assert len(matcher.regexes) >= 1
    assert matcher("https://inline.example") is not None
    assert matcher("https://z1.example") == r"https://z\d\.example"
    assert matcher("https://inline.example.evil") is None


def test_a_case_sensitive_compiled_regex_stays_case_sensitive_when_joined() -> None:
    """A compiled regex without IGNORECASE keeps its case beside string regexes, which ignore case."""
    matcher = _matcher(re.compile(r"https://Upper\.example"), r"https://lower\d\.example")
    assert matcher.regexes == ()
    assert matcher("https://upper.example") is None
    assert matcher("https://lower1.example") == r"https://lower\d\.example"


GRAMMAR = [
    ("https://example.com", True),
    ("http://a", True),
    ("http://localhost:5173", True),
    ("http://127.0.0.1", True),
    ("http://0", True),
    ("web+x.y-z://a-b--c.example:65535", True),
    ("chrome-extension://abcdefghijklmnop", True),
    ("http://[::]", True),
    ("http://[::1]:80", True),
    ("http://[1:2:3:4:5:6:7:8]", True),
    ("http://[1::8]", True),
    ("http://[2001:db8::ff00:42:8329]", True),
    ("https://Example.com", False),
    ("HTTPS://example.com", False),
    ("1http://example.com", False),
    ("https://example.com/", False),
    ("https://example.com:", False),
    ("https://example.com:123456", False),
    ("https://user@example.com", False),
    ("https://", False),
    ("https://a..b", False),
    ("https://.a", False),
    ("https://a.", False),
    ("https://-a", False),
    ("https://a-", False),
    ("https://a-.b", False),
    ("https://a.-b", False),
    ("https://xn--fa-hia.example", True),
    ("https://faß.example", False),
    ("http://[::1", False),
    ("http://[1:2:3:4:5:6:7]", False),
    ("http://[1::2:3:4:5:6:7]", False),
    ("http://[01::1]", False),
    ("http://[A::1]", False),
    ("http://[::ffff:1.2.3.4]", False),
    ("http://[1:2:3:4:5:6:7:8:9]", False),
    ("null", False),
    ("https://example.com\n", False),
    (" https://example.com", False),
]


@pytest.mark.parametrize(("origin", "serialized"), GRAMMAR, ids=[repr(g[0]) for g in GRAMMAR])
def test_serialized_origin_grammar(origin: str, serialized: bool) -> None:
    """The pre-check accepts exactly the Fetch Standard's serialized origins (plus '_' in labels)."""
    assert bool(SERIALIZED_ORIGIN.fullmatch(origin)) is serialized
    assert is_serialized_origin(origin) is serialized


@given(
    st.from_regex(SERIALIZED_ORIGIN, fullmatch=True)
    | st.text(alphabet="aZ0-_.:/[]f:h", max_size=30).map(lambda rest: "http://" + rest)
)
def test_fast_pre_check_is_the_grammar(origin: str) -> None:
    """The per-request pre-check gives the grammar's answer for every value."""
    assert is_serialized_origin(origin) is bool(SERIALIZED_ORIGIN.fullmatch(origin))


@pytest.mark.parametrize(
    "origin",
    ["https://" + "a" * 500 + "-", "https://" + "a-" * 250, "https://" + "a." * 250 + "-", "http://[" + "1:" * 250 + "]"],
    ids=["long-label", "hyphens", "dots", "ipv6"],
)
def test_hostile_near_origins_are_refused(origin: str) -> None:
    """Long values that are almost origins are refused by the grammar and the pre-check."""
    assert SERIALIZED_ORIGIN.fullmatch(origin) is None
    assert not is_serialized_origin(origin)
