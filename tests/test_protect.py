"""Cross-origin write protection in the pure core: which writes pass, which are refused, and why."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cors import CorsConfigError, CorsPolicy, CorsRequest, Decision, decide, resolve
from cors._protect import SAFE_METHODS, own_origin, write_refusal

FRONT = "https://app.example.com"
EVIL = "https://evil.example"
SIBLING = "https://www.example.com"
HOST = "api.example.com"
OWN = "https://api.example.com"
POLICY = resolve(CorsPolicy(origins=[FRONT, "https://*.preview.example.com"], write_protection=True))


def write(
    origin: str | None = EVIL,
    site: str | None = "cross-site",
    method: str = "POST",
    host: str | None = HOST,
    scheme: str = "https",
) -> CorsRequest:
    """An unsafe-method request view, by default a browser's cross-site POST from an unlisted origin."""
    return CorsRequest(method=method, origin=origin, fetch_site=site, host=host, scheme=scheme)


PASSES: list[tuple[str, CorsRequest]] = [
    *[(f"safe-{m}", write(method=m)) for m in sorted(SAFE_METHODS)],
    ("same-origin", write(site="same-origin")),
    ("user-navigation", write(site="none")),
    ("cross-site-listed", write(origin=FRONT)),
    ("same-site-listed-pattern", write(origin="https://pr-1.preview.example.com", site="same-site")),
    ("not-a-browser", write(origin=None, site=None)),
    ("empty-site-no-origin", write(origin=None, site="")),
    ("empty-site-empty-origin", write(origin="", site="")),
    ("old-browser-own-origin", write(origin=OWN, site=None)),
    ("old-browser-own-origin-host-case", write(origin=OWN, site=None, host="API.Example.COM")),
    ("old-browser-host-with-default-port", write(origin=OWN, site=None, host=f"{HOST}:443")),
    ("old-browser-other-port", write(origin=f"{OWN}:8443", site=None, host=f"{HOST}:8443")),
    ("old-browser-plain-http", write(origin="http://api.example.com", site=None, host=f"{HOST}:80", scheme="http")),
    ("old-browser-ipv6", write(origin="http://[::1]", site=None, host="[::1]:80", scheme="http")),
    ("old-browser-ipv6-port", write(origin="http://[::1]:5000", site=None, host="[::1]:5000", scheme="http")),
    ("old-browser-listed", write(origin=FRONT, site=None)),
]


@pytest.mark.parametrize("request_view", [case for _, case in PASSES], ids=[name for name, _ in PASSES])
def test_write_passes(request_view: CorsRequest) -> None:
    """Safe methods, same-origin and user-initiated requests, listed origins and non-browsers pass."""
    assert write_refusal(POLICY, request_view) is None
    assert decide(POLICY, request_view).refused_by != "write"


REFUSED: list[tuple[str, CorsRequest, str | None]] = [
    *[(f"cross-site-{m}", write(method=m), "cross-site") for m in ("POST", "PUT", "PATCH", "DELETE", "QUERY", "PROPFIND")],
    ("same-site-sibling", write(origin=SIBLING, site="same-site"), "same-site"),
    ("cross-site-without-origin", write(origin=None), "cross-site"),
    ("cross-site-empty-origin", write(origin=""), "cross-site"),
    ("cross-site-null", write(origin="null"), "cross-site"),
    ("cross-site-own-origin-not-listed", write(origin=OWN), "cross-site"),
    ("listed-origin-look-alike", write(origin=FRONT + ".evil.example"), "cross-site"),
    ("listed-origin-upper-case", write(origin=FRONT.upper()), "cross-site"),
    ("old-browser-other-origin", write(site=None), None),
    ("old-browser-null", write(origin="null", site=None), None),
    ("old-browser-other-scheme", write(origin="http://api.example.com", site=None), None),
    ("old-browser-other-port", write(origin=OWN, site=None, host=f"{HOST}:8443"), None),
    # Browsers never send a default port in Origin: such a value is not this host's.
    ("old-browser-origin-with-default-port", write(origin=f"{OWN}:443", site=None), None),
    ("old-browser-no-host", write(origin=OWN, site=None, host=None), None),
    ("old-browser-empty-host", write(origin="https://", site=None, host=""), None),
    ("old-browser-host-with-path", write(origin=OWN, site=None, host=f"{HOST}/x"), None),
    ("old-browser-overlong-host", write(origin=OWN + "a" * 600, site=None, host=HOST + "a" * 600), None),
    ("site-upper-case", write(site="Same-Origin"), "unrecognised"),
    ("site-two-values", write(site="same-origin, cross-site"), "unrecognised"),
    ("site-padded", write(site=" same-origin"), "unrecognised"),
    ("site-control-characters", write(site="same-origin\r\nX: y"), "unrecognised"),
    ("site-overlong", write(site="x" * 100_000), "unrecognised"),
]


@pytest.mark.parametrize(
    ("request_view", "detail"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_write_refused(request_view: CorsRequest, detail: str | None) -> None:
    """An unsafe request another origin sent, from an origin not listed, is refused with Vary alone."""
    refused = write_refusal(POLICY, request_view)
    assert refused is not None
    assert refused == decide(POLICY, request_view)
    assert refused.refused_by == "write"
    assert refused.detail == detail
    assert refused.allowed is False
    assert refused.kind == ("none" if request_view.origin is None else "actual")
    assert dict(refused.headers) == {"Vary": "Origin"}


@pytest.mark.parametrize(
    ("detail", "why"),
    [
        ("cross-site", "Sec-Fetch-Site 'cross-site' from an origin not in origins"),
        ("same-site", "Sec-Fetch-Site 'same-site' from an origin not in origins"),
        ("unrecognised", "Sec-Fetch-Site 'unrecognised' from an origin not in origins"),
        (None, "no Sec-Fetch-Site, and Origin is neither this host nor in origins"),
    ],
)
def test_refusal_reason(detail: str | None, why: str) -> None:
    """A refusal's reason names write_protection and the fix, from a fixed set of sentences."""
    decision = Decision("actual", False, {}, refused_by="write", detail=detail)
    assert decision.reason == f"cross-origin write refused by write_protection ({why}): add the origin to origins"


def test_hostile_site_value_stays_out_of_the_reason() -> None:
    """A crafted Sec-Fetch-Site never reaches the reason (it would reach logs and metrics)."""
    refused = decide(POLICY, write(site="cross-site\n2026 admin logged in"))
    assert refused.detail == "unrecognised"
    assert "admin" not in refused.reason


def test_passing_cross_site_write_gets_cors_headers() -> None:
    """A listed origin's cross-site write is an ordinary allowed CORS request."""
    decision = decide(POLICY, write(origin=FRONT))
    assert decision.allowed
    assert decision.headers["Access-Control-Allow-Origin"] == FRONT


def test_same_origin_write_is_not_a_cors_success() -> None:
    """A same-origin write from an origin not listed runs the view, with no CORS allow header."""
    decision = decide(POLICY, write(origin=OWN, site="same-origin"))
    assert (decision.allowed, decision.refused_by) == (False, "origin")
    assert "Access-Control-Allow-Origin" not in decision.headers


@pytest.mark.parametrize("settings", [{}, {"write_protection": False}], ids=["default", "off"])
def test_off_by_default(settings: dict[str, Any]) -> None:
    """Without write_protection, a cross-site write is decided by CORS alone, as before."""
    policy = resolve(CorsPolicy(origins=[FRONT], **settings))
    assert policy.write_protection is False
    assert decide(policy, write()).refused_by == "origin"


@pytest.mark.parametrize(
    "settings",
    [{}, {"origins": "*"}, {"origins": [FRONT, "*"]}],
    ids=["default-origins", "star", "star-in-list"],
)
def test_any_origin_cannot_protect(settings: dict[str, Any]) -> None:
    """write_protection with origins '*' would let every origin write: a CorsConfigError naming the fix."""
    with pytest.raises(CorsConfigError, match=r"write_protection=True with origins='\*'.*list the origins"):
        resolve(CorsPolicy(write_protection=True, **settings))


def test_star_message_says_when_it_is_the_default() -> None:
    """The error says when origins='*' came from the defaults."""
    with pytest.raises(CorsConfigError, match=r"\(the default\)"):
        resolve(CorsPolicy(write_protection=True))


@pytest.mark.parametrize("value", [1, "yes", None])
def test_flag_is_a_bool(value: object) -> None:
    """write_protection takes True or False only."""
    with pytest.raises(CorsConfigError, match="write_protection: .* is not a bool"):
        CorsPolicy(write_protection=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scheme", "host", "origin"),
    [
        ("https", "api.example.com", "https://api.example.com"),
        ("https", "api.example.com:443", "https://api.example.com"),
        ("http", "api.example.com:80", "http://api.example.com"),
        ("http", "api.example.com:443", "http://api.example.com:443"),
        ("HTTPS", "API.example.com:443", "https://api.example.com"),
        ("http", "[::1]:80", "http://[::1]"),
        ("http", "[::80]", "http://[::80]"),
        ("http", "localhost:5000", "http://localhost:5000"),
        ("http", "", None),
        ("http", None, None),
        ("http", "a" * 513, None),
    ],
)
def test_own_origin(scheme: str, host: str | None, origin: str | None) -> None:
    """The request's own origin is serialized as a browser would: lower case, no default port."""
    assert own_origin(scheme, host) == origin


TEXT = st.text(max_size=80) | st.sampled_from(["same-origin", "none", "cross-site", "same-site", "", FRONT, OWN, HOST])


@given(
    method=st.sampled_from(["POST", "PUT", "DELETE", "PATCH", "GET"]) | st.text(max_size=10),
    origin=st.none() | TEXT,
    site=st.none() | TEXT,
    host=st.none() | TEXT,
    scheme=st.sampled_from(["http", "https"]) | st.text(max_size=8),
)
def test_never_allows_more_than_the_rule(
    method: str, origin: str | None, site: str | None, host: str | None, scheme: str
) -> None:
    """Whatever the headers, nothing raises, and an unsafe request passes only by one of the rule's cases."""
    view = CorsRequest(method=method, origin=origin, fetch_site=site, host=host, scheme=scheme)
    if write_refusal(POLICY, view) is not None:
        return
    listed = origin is not None and POLICY.match_origin(origin) is not None
    if method in SAFE_METHODS or listed:
        return
    if site:
        assert site in ("same-origin", "none")
    else:
        assert not origin or origin == own_origin(scheme, host)
