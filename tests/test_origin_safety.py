"""Origins that let in sites the user cannot own: public-suffix wildcards and over-wide regexes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from flask.typing import ResponseReturnValue

from cors import CORS, CorsConfigError, CorsPolicy, CorsWarning, cross_origin, resolve
from cors._origins import StaticOriginSpec, _public_suffix, normalize_origin_spec, overreach

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"

PUBLIC_SUFFIX_WILDCARDS = [
    ("https://*.com", "com"),
    ("https://*.co.uk", "co.uk"),
    ("https://*.github.io", "github.io"),
    ("https://*.com:*", "com"),
    ("https://*.vercel.app", "vercel.app"),
    ("https://*.foo.kawasaki.jp", "foo.kawasaki.jp"),
    ("https://*.рф", "xn--p1ai"),
]

OWN_WILDCARDS = [
    "https://*.example.com",
    "https://*.example.co.uk",
    "https://*.alice.github.io",
    "https://*.city.kawasaki.jp",
    "http://*.localhost:*",
    "https://*.internal",
    "https://*.corp.example:*",
]


@pytest.mark.parametrize(("spec", "suffix"), PUBLIC_SUFFIX_WILDCARDS, ids=[p[0] for p in PUBLIC_SUFFIX_WILDCARDS])
def test_public_suffix_wildcard_with_credentials_fails(spec: str, suffix: str) -> None:
    """A subdomain wildcard over a public suffix with credentials fails when the policy is built."""
    message = f"origins: {normalize_origin_spec(spec)!r} allows every site under {suffix!r}, a public suffix"
    with pytest.raises(CorsConfigError, match=re.escape(message)):
        CorsPolicy(origins=spec, supports_credentials=True)
    with pytest.raises(CorsConfigError, match="with supports_credentials=True, each of them could read"):
        CorsPolicy(supports_credentials=True) | CorsPolicy(origins=[spec, "https://app.example.com"])


@pytest.mark.parametrize(("spec", "suffix"), PUBLIC_SUFFIX_WILDCARDS, ids=[p[0] for p in PUBLIC_SUFFIX_WILDCARDS])
def test_public_suffix_wildcard_without_credentials_warns(spec: str, suffix: str) -> None:
    """A subdomain wildcard over a public suffix without credentials warns, and still allows what it says."""
    with pytest.warns(CorsWarning, match=re.escape(f"every site under {suffix!r}, a public suffix")):
        resolved = resolve(CorsPolicy(origins=spec))
    assert resolved.match_origin(f"https://attacker.{suffix}") is not None


@pytest.mark.parametrize("spec", OWN_WILDCARDS)
def test_wildcard_over_a_registrable_domain_is_quiet(spec: str) -> None:
    """A subdomain wildcard over a domain someone can own (or a private name) gives no error and no warning."""
    assert overreach(normalize_origin_spec(spec), credentials=True) is None
    resolve(CorsPolicy(origins=spec, supports_credentials=True))


# Each regex, and an origin it matches under a domain its author does not own.
WIDE_REGEXES: list[tuple[StaticOriginSpec, str]] = [
    (r"https://.*", "https://attacker.net"),
    (r"https?://[^/]+", "https://attacker.net"),
    (r".*", "https://attacker.net"),
    (re.compile(r"https://.+", re.IGNORECASE), "https://attacker.net"),
    (r"https://example\.com.*", "https://example.com.attacker.net"),
    (r"https://example\.com/?.*", "https://example.com.attacker.net"),
    (r".*.example.com", "https://attacker-example.com"),
    (r"https://.*example\.com", "https://attacker-example.com"),
    (r"https?://api.example.com", "https://api-example.com"),
    (r"https://[a-z]+\.com", "https://attacker.com"),
    (r"https://[a-z]+\.(com|org)", "https://attacker.com"),
    (r"https://[a-z]+\.co\.uk", "https://attacker.co.uk"),
    (r"https://.+\.github\.io", "https://attacker.github.io"),
    (r"https://[a-z]+\.com:\d+", "https://attacker.com:8443"),
    (r"https://[a-z]{2,20}\.com", "https://attacker.com"),
    (r"https://[^.]+\.net", "https://attacker.net"),
]

NARROW_REGEXES: list[StaticOriginSpec] = [
    r"https://.*\.example\.com",
    r"https://(app|admin)\.example\.com",
    r"https://app\d+\.example\.com",
    r"https://[a-z0-9-]+\.example\.com",
    r"https://[a-z]+\.example\.com:\d+",
    r"https://(www\.)?example\.com",
    r"https://[a-z]+\.alice\.github\.io",
    r"https://tenant-\d+\.example\.co\.uk",
    r"http://localhost:\d+",
    r"http://192\.168\.1\.\d+",
    re.compile(r"https://app\d+\.example\.org"),
    r"https://[]a-z]+\.example\.com",
    r"https://app{\.example\.com",
    r"https://app\.example\.com(?P<port>:\d{2,5})?",
]


@pytest.mark.parametrize(("spec", "canary"), WIDE_REGEXES, ids=[str(w[0]) for w in WIDE_REGEXES])
def test_wide_regex_with_credentials_fails(spec: StaticOriginSpec, canary: str) -> None:
    """A regex origin that matches a host under someone else's domain fails with credentials, naming that host."""
    text = spec.pattern if isinstance(spec, re.Pattern) else spec
    message = f"origins: the regular expression {text!r} also matches {canary!r}, a site under a domain you do not own"
    with pytest.raises(CorsConfigError, match=re.escape(message)):
        CorsPolicy(origins=[spec], supports_credentials=True)


@pytest.mark.parametrize(("spec", "canary"), WIDE_REGEXES, ids=[str(w[0]) for w in WIDE_REGEXES])
def test_wide_regex_without_credentials_warns(spec: StaticOriginSpec, canary: str) -> None:
    """Without credentials, the same regex warns, and the host it names is really allowed."""
    with pytest.warns(CorsWarning, match=re.escape(f"also matches {canary!r}")):
        resolved = resolve(CorsPolicy(origins=[spec]))
    assert resolved.match_origin(canary) is not None


@pytest.mark.parametrize("spec", NARROW_REGEXES, ids=[str(n) for n in NARROW_REGEXES])
def test_regex_within_own_domain_is_quiet(spec: StaticOriginSpec) -> None:
    """A regex that keeps to the author's domain, a private name or an IP range passes with credentials."""
    assert overreach(spec, credentials=True) is None
    resolve(CorsPolicy(origins=[spec], supports_credentials=True))


@pytest.mark.parametrize(
    ("spec", "fix"),
    [
        (r"https://example\.com/?.*", r"https://example\.com"),
        (r"https://app\.example\.com.*", r"https://app\.example\.com"),
        (r"https?://api.example.com", r"https?://api\.example\.com"),
    ],
    ids=lambda v: str(v),
)
def test_wide_regex_suggests_a_narrow_one(spec: str, fix: str) -> None:
    """The message suggests a narrower regex, and that suggestion passes with credentials."""
    with pytest.raises(CorsConfigError, match=re.escape(f"Did you mean {fix!r}?")):
        CorsPolicy(origins=spec, supports_credentials=True)
    resolve(CorsPolicy(origins=fix, supports_credentials=True))


@pytest.mark.parametrize(
    ("spec", "fix"),
    [(r"https?://[^/]+", "List your origins"), (r".*.example.com", "'https://*.example.com'")],
    ids=["no-domain", "own-domain"],
)
def test_wide_regex_without_an_easy_fix_says_what_to_write(spec: str, fix: str) -> None:
    """Without a narrower regex to offer, the message points to a list or a subdomain pattern."""
    message = overreach(spec, credentials=True)
    assert message is not None and fix in message


def test_wide_regex_fails_in_the_decorator_and_the_extension() -> None:
    """cross_origin and CORS refuse an over-wide regex with credentials at set-up."""
    with pytest.raises(CorsConfigError, match="also matches 'https://attacker.net'"):
        cross_origin(origins=r"https://.*", supports_credentials=True)
    with pytest.raises(CorsConfigError, match="a public suffix"):
        CORS(Flask(__name__), origins="https://*.com", supports_credentials=True)


def test_overreach_warning_points_at_the_user_line() -> None:
    """The warning for an over-wide regex is reported at the cross_origin line."""
    with pytest.warns(CorsWarning) as record:

        @cross_origin(origins=r"https?://[^/]+")
        def view() -> ResponseReturnValue:
            return "x"

    assert record[0].filename == __file__


@pytest.mark.parametrize(
    "build",
    [
        lambda: CorsPolicy(origins="https://a.example/"),
        lambda: cross_origin(origins="https://a.example/"),
        lambda: CORS(Flask(__name__), origins=["https://a.example/"]),
    ],
    ids=["policy", "decorator", "extension"],
)
def test_rewrite_warning_points_at_the_user_line(build: Any) -> None:
    """The warning for a rewritten origin is reported at the line that configured it."""
    with pytest.warns(CorsWarning, match="is read as 'https://a.example'") as record:
        build()
    assert record[0].filename == __file__


def app_with(**settings: Any) -> Flask:
    """An app with one view covered by cross_origin."""
    app = Flask(__name__)

    @app.route("/r")
    @cross_origin(**settings)
    def view() -> ResponseReturnValue:
        return "body"

    return app


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://xn--fa-hia.example", True),
        ("https://fass.example", False),
        ("https://a.xn--fa-hia.example", False),
        ("https://xn--fa-hia.example.attacker.net", False),
    ],
    ids=lambda v: str(v),
)
def test_unicode_origin_is_the_browser_one(origin: str, allowed: bool) -> None:
    """A configured faß.example allows the origin browsers send for it, with credentials, and not fass.example."""
    client = app_with(origins="https://faß.example", supports_credentials=True).test_client()
    response = client.get("/r", headers={"Origin": origin})
    assert response.headers.get(ACAO) == (origin if allowed else None)
    assert response.headers.get(ACAC) == ("true" if allowed else None)


@pytest.mark.parametrize("settings", [{}, {"send_wildcard": True}], ids=["reflect", "wildcard"])
def test_any_origin_allows_null(settings: dict[str, Any]) -> None:
    """With origins '*', a sandboxed iframe (Origin null) may read the public response, without credentials."""
    client = app_with(**settings).test_client()
    response = client.get("/r", headers={"Origin": "null"})
    assert response.headers.get(ACAO) == ("*" if settings else "null")
    assert ACAC not in response.headers


def test_null_with_credentials_still_fails() -> None:
    """Listing null with credentials stays a configuration error."""
    with pytest.raises(CorsConfigError, match="remove 'null'"):
        CorsPolicy(origins=["https://a.example", "null"], supports_credentials=True)


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [("http://a.example.com", True), ("http://a.example.com.attacker.net", False), ("http://a.example.com:8080", False)],
    ids=lambda v: str(v),
)
def test_unescaped_pattern_after_the_host_is_read_as_the_origin(origin: str, allowed: bool) -> None:
    """'http://a.example.com/?.*' is read as the origin it names, so look-alike hosts are refused."""
    with pytest.warns(CorsWarning, match=re.escape("is read as 'http://a.example.com'")):
        resolved = resolve(CorsPolicy(origins="http://a.example.com/?.*"))
    assert (resolved.match_origin(origin) is not None) is allowed


def test_public_suffix_wildcard_from_app_config_fails_at_set_up() -> None:
    """Credentials and a public-suffix wildcard that meet only in app.config fail when the extension is set up."""
    app = Flask(__name__)
    app.config.update(CORS_ORIGINS=["https://*.github.io"], CORS_SUPPORTS_CREDENTIALS=True)
    with pytest.raises(CorsConfigError, match="'github.io', a public suffix"):
        CORS(app)


@given(
    label=st.from_regex(r"[a-z][a-z0-9-]{0,12}[a-z0-9]", fullmatch=True),
    suffix=st.sampled_from(["com", "co.uk", "net", "org", "io", "github.io", "com.au", "de"]),
)
def test_regex_shapes_are_judged_by_what_they_match(label: str, suffix: str) -> None:
    """A regex for one escaped host is never flagged; the same host with a wildcard before or after always is."""
    host = re.escape(f"{label}.{suffix}")
    narrows = [f"https://{host}", rf"https://(www\.)?{host}"]
    if _public_suffix(f"{label}.{suffix}") != f"{label}.{suffix}":  # x0.com is one: anyone gets a.x0.com
        narrows.append(rf"https://[a-z]+\.{host}")
    for narrow in narrows:
        assert overreach(narrow, credentials=True) is None, narrow
    for wide in (f"https://{host}.*", f"https://.*{host}", f"https://{host}/?.*", f"https?://{label}.{suffix}.*"):
        assert overreach(wide, credentials=True) is not None, wide
