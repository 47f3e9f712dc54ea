"""The pure core: which headers a resolved policy gives a request."""

from __future__ import annotations

from typing import Any

import pytest

from cors import CorsPolicy, CorsRequest, cors_headers, decide, resolve
from cors._evaluate import MAX_REQUEST_HEADERS_LENGTH, merge_vary, with_cors_headers

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACEH = "Access-Control-Expose-Headers"
ACMA = "Access-Control-Max-Age"
ACAPN = "Access-Control-Allow-Private-Network"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
SITE = "https://app.example.com"


def get(origin: str | None = SITE, method: str = "GET") -> CorsRequest:
    """An actual request."""
    return CorsRequest(method=method, origin=origin)


def preflight(
    origin: str = SITE,
    method: str = "PUT",
    headers: str | None = None,
    private_network: bool = False,
) -> CorsRequest:
    """A preflight request."""
    return CorsRequest(
        method="OPTIONS",
        origin=origin,
        request_method=method,
        request_headers=headers,
        request_private_network=private_network,
    )


def headers_for(request: CorsRequest, **settings: Any) -> dict[str, str]:
    """Evaluate a request against a policy built from settings."""
    return cors_headers(resolve(CorsPolicy(**settings)), request)


def test_default_policy_echoes_origin_with_vary() -> None:
    """The default policy allows any origin by echoing it, with Vary: Origin."""
    assert headers_for(get()) == {ACAO: SITE, "Vary": "Origin"}


def test_send_wildcard_answers_star_without_vary() -> None:
    """With send_wildcard, every origin gets * and the answer needs no Vary."""
    assert headers_for(get(), send_wildcard=True) == {ACAO: "*"}
    assert headers_for(get(origin=None), send_wildcard=True) == {ACAO: "*"}


def test_send_wildcard_without_always_send_varies() -> None:
    """send_wildcard with always_send=False answers only CORS requests, so it varies."""
    assert headers_for(get(), send_wildcard=True, always_send=False) == {ACAO: "*", "Vary": "Origin"}
    assert headers_for(get(origin=None), send_wildcard=True, always_send=False) == {"Vary": "Origin"}


def test_vary_header_false_is_allowed_for_static_answers() -> None:
    """vary_header=False is accepted where the answer never depends on the origin."""
    assert headers_for(get(), send_wildcard=True, vary_header=False) == {ACAO: "*"}


@pytest.mark.parametrize(
    "settings",
    [{"origins": ["https://app.example.com"]}, {"origins": r"https://.*\.example\.com"}, {"always_send": False}],
    ids=["list", "regex", "any-not-always-send"],
)
def test_no_origin_gets_only_vary(settings: dict[str, Any]) -> None:
    """A request without Origin gets Vary: Origin and never leaks an allowed origin."""
    assert headers_for(get(origin=None), **settings) == {"Vary": "Origin"}


def test_no_origin_gets_star_from_any_origin_policy() -> None:
    """With origins="*" and always_send (the defaults), a request without Origin gets * and Vary."""
    assert headers_for(get(origin=None), expose_headers="X-Total") == {ACAO: "*", ACEH: "X-Total", "Vary": "Origin"}


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "https://app.example.com.evil.example",
        "https://APP.example.com",
        "https://app.example.com/",
        "null",
        "",
        " https://app.example.com",
    ],
)
def test_refused_origin_gets_no_cors_headers(origin: str) -> None:
    """A refused origin gets only Vary, on actual requests and on preflights."""
    settings = {"origins": [SITE], "supports_credentials": True, "expose_headers": "X-Secret"}
    assert headers_for(get(origin=origin), **settings) == {"Vary": "Origin"}
    assert headers_for(preflight(origin=origin), **settings) == {"Vary": PREFLIGHT_VARY}


def test_credentials_and_expose_on_actual_request() -> None:
    """An allowed actual request gets credentials and exposed headers when configured."""
    assert headers_for(
        get(), origins=[SITE], supports_credentials=True, expose_headers=["X-Total-Count", "X-Page"]
    ) == {ACAO: SITE, ACAC: "true", ACEH: "X-Page, X-Total-Count", "Vary": "Origin"}


@pytest.mark.parametrize("method", ["DELETE", "HEAD", "OPTIONS", "PROPFIND"])
def test_actual_request_is_answered_whatever_its_method(method: str) -> None:
    """An actual request from an allowed origin gets CORS headers whatever its method: methods govern preflights."""
    assert headers_for(get(method=method), methods=["GET", "POST"]) == {ACAO: SITE, "Vary": "Origin"}


def test_allowed_preflight() -> None:
    """An allowed preflight gets origin, methods, the requested headers, max-age and credentials."""
    assert headers_for(
        preflight(headers="Content-Type,X-Requested-With"),
        origins=[SITE],
        methods=["GET", "PUT"],
        supports_credentials=True,
        max_age=600,
    ) == {
        ACAO: SITE,
        ACAH: "Content-Type, X-Requested-With",
        ACAC: "true",
        ACAM: "GET, PUT",
        ACMA: "600",
        "Vary": PREFLIGHT_VARY,
    }


def test_preflight_without_request_headers_has_no_allow_headers() -> None:
    """A preflight asking for no headers gets no Access-Control-Allow-Headers."""
    assert ACAH not in headers_for(preflight())
    assert ACAH not in headers_for(preflight(headers=" , ,"))


@pytest.mark.parametrize(
    ("request_method", "allowed"),
    [
        ("PUT", True),
        ("put", True),
        ("PATCH", False),
        ("DELETE", True),
        ("", False),
        ("PUT, DELETE", False),
        ("put delete", False),
        ("HEAD", False),
    ],
)
def test_preflight_method_must_be_listed(request_method: str, allowed: bool) -> None:
    """A preflight is allowed only for a listed method (its upper case counts, as Flask serves it)."""
    decision = decide(resolve(CorsPolicy(methods=["PUT", "DELETE"])), preflight(method=request_method))
    assert decision.allowed is allowed
    # Refused or not, the allowed origin is named, so the browser reports
    # the method as the cause.
    assert decision.headers[ACAO] == SITE
    assert (request_method in decision.headers.get(ACAM, "-").split(", ")) is allowed


def test_head_preflight_is_allowed_wherever_get_is() -> None:
    """A preflight asking for HEAD is allowed when GET is listed, as actual HEAD requests are."""
    assert decide(resolve(CorsPolicy(methods=["GET"])), preflight(method="HEAD")).allowed


def test_lower_case_method_is_named_exactly() -> None:
    """A preflight asking for 'patch' gets 'patch' listed as asked, since browsers compare exactly."""
    result = headers_for(preflight(method="patch"), methods=["GET", "PATCH"])
    assert result[ACAM] == "GET, PATCH, patch"
    assert headers_for(preflight(method="PATCH"), methods=["GET", "PATCH"])[ACAM] == "GET, PATCH"


HEADER_CASES: list[tuple[Any, str, bool]] = [
    ("*", "x-anything,content-type", True),
    ("*", "authorization", True),
    ("*", "x-foo,Authorization", True),
    (["Authorization"], "authorization", True),
    (["*", "Authorization"], "AUTHORIZATION,x-foo", True),
    (["Content-Type", "X-Requested-With"], "content-type", True),
    (["Content-Type", "X-Requested-With"], "content-type,x-other", False),
    (["Content-Type", r"X-Custom-.*"], "x-custom-a,X-CUSTOM-B", True),
    (["Content-Type", r"X-Custom-.*"], "x-customer", False),
    ([r"X-Custom-.*"], "x-custom-a b", False),
    ([r".*"], "authorization", True),
    (["Content-Type"], "authorization", False),
    ("*", "x-\u00e9", False),
    ("*", "x(y)", False),
]


@pytest.mark.parametrize(
    ("allow_headers", "requested", "allowed"),
    HEADER_CASES,
    ids=[f"{a}-{r!r}" for a, r, _ in HEADER_CASES],
)
def test_preflight_headers_all_or_nothing(allow_headers: Any, requested: str, allowed: bool) -> None:
    """A preflight is allowed only if every requested header is; the allowed ones are echoed as sent."""
    decision = decide(resolve(CorsPolicy(allow_headers=allow_headers)), preflight(headers=requested))
    assert decision.allowed is allowed
    echoed = decision.headers.get(ACAH, "").split(", ")
    names = [n.strip() for n in requested.split(",")]
    if allowed:
        assert echoed == names
    else:  # only the allowed subset, so the browser names the refused header
        assert decision.detail is not None
        assert decision.detail not in [name.lower() for name in echoed]
        assert set(echoed) < set(names) | {""}


def test_request_headers_are_parsed_leniently() -> None:
    """Spaces, tabs, empty items, case and duplicates in the request list are tolerated."""
    result = headers_for(preflight(headers=",y-lol,x-PriNT, ,,,Y-PRINT\t, \tx-print"))
    assert result[ACAH] == "y-lol, x-PriNT, Y-PRINT"


def test_first_refusal_is_the_reported_one() -> None:
    """With a refused method and refused headers, the method is reported; of two refused headers, the first."""
    policy = resolve(CorsPolicy(methods=["PUT"], allow_headers=["X-Ok"]))
    both = decide(policy, preflight(method="DELETE", headers="x-no,x-ok,x-also-no"))
    assert (both.refused_by, both.detail, ACAH in both.headers) == ("method", "DELETE", False)
    headers = decide(policy, preflight(headers="x-no,x-ok,x-also-no"))
    assert (headers.refused_by, headers.detail) == ("header", "x-no")
    overlong = decide(policy, preflight(headers="x-ok," * 2000))
    assert (overlong.refused_by, ACAH in overlong.headers) == ("header", False)


def test_overlong_request_headers_are_refused() -> None:
    """A header list over the length limit is refused without parsing."""
    raw = ",".join(["x-a"] * (MAX_REQUEST_HEADERS_LENGTH // 4 + 1))
    assert len(raw) > MAX_REQUEST_HEADERS_LENGTH
    for headers in (raw, "," * 10_000):
        decision = decide(resolve(CorsPolicy()), preflight(headers=headers))
        assert (decision.allowed, decision.refused_by) == (False, "header")
        assert ACAH not in decision.headers


def test_private_network_only_when_asked_allowed_and_enabled() -> None:
    """Access-Control-Allow-Private-Network: true only on an allowed PNA preflight, never false."""
    on = {"origins": [SITE], "allow_private_network": True}
    result = headers_for(preflight(private_network=True), **on)
    assert result[ACAPN] == "true"
    assert result["Vary"] == PREFLIGHT_VARY + ", Access-Control-Request-Private-Network"
    assert ACAPN not in headers_for(preflight(private_network=False), **on)
    assert ACAPN not in headers_for(preflight(origin="https://evil.example", private_network=True), **on)
    assert ACAPN not in headers_for(get(), **on)
    assert ACAPN not in headers_for(preflight(private_network=True), origins=[SITE])
    assert all("false" not in v for v in headers_for(preflight(private_network=True)).values())


def test_options_without_request_method_is_not_a_preflight() -> None:
    """OPTIONS without Access-Control-Request-Method is an actual request."""
    request = CorsRequest(method="OPTIONS", origin=SITE)
    assert not request.is_preflight
    assert headers_for(request, methods=["GET", "OPTIONS"]) == {ACAO: SITE, "Vary": "Origin"}


def test_wildcard_preflight() -> None:
    """With send_wildcard a preflight answers * and still varies on the request headers."""
    result = headers_for(preflight(headers="x-a"), send_wildcard=True)
    assert result[ACAO] == "*"
    assert result["Vary"] == "Access-Control-Request-Method, Access-Control-Request-Headers"


def test_unresolved_policy_is_accepted() -> None:
    """cors_headers also takes a CorsPolicy, resolving it on the spot."""
    assert cors_headers(CorsPolicy(origins=[SITE]), get()) == {ACAO: SITE, "Vary": "Origin"}


def test_result_is_a_fresh_dict() -> None:
    """Changing a returned dict does not change later answers."""
    policy = resolve(CorsPolicy(origins=[SITE]))
    cors_headers(policy, get(origin="https://evil.example"))["Vary"] = "changed"
    cors_headers(policy, get(origin=None))["Vary"] = "changed"
    assert cors_headers(policy, get(origin="https://evil.example")) == {"Vary": "Origin"}
    assert cors_headers(policy, get(origin=None)) == {"Vary": "Origin"}


@pytest.mark.parametrize(
    ("existing", "add", "merged"),
    [
        ([], "Origin", "Origin"),
        (["Accept-Encoding"], "Origin", "Accept-Encoding, Origin"),
        (["Accept,, Cookie"], "Origin", "Accept, Cookie, Origin"),
        (["origin"], "Origin", "origin"),
        (["Accept-Encoding", "Cookie"], "Origin", "Accept-Encoding, Cookie, Origin"),
        (["*"], "Origin", "*"),
        (["Accept, Origin"], "Origin, Access-Control-Request-Method", "Accept, Origin, Access-Control-Request-Method"),
    ],
)
def test_merge_vary(existing: list[str], add: str, merged: str) -> None:
    """Vary values merge into one line, without duplicates, leaving * alone."""
    assert merge_vary(existing, add) == merged


def test_with_cors_headers_replaces_and_merges() -> None:
    """CORS headers replace earlier values in a WSGI header list, and Vary merges into one line."""
    lines = [
        ("Content-Type", "text/plain"),
        ("access-control-allow-origin", "*"),
        ("Vary", "Accept-Encoding"),
        ("Vary", "Cookie"),
    ]
    result = with_cors_headers(lines, {ACAO: SITE, "Vary": "Origin"})
    assert result == [("Content-Type", "text/plain"), (ACAO, SITE), ("Vary", "Accept-Encoding, Cookie, Origin")]
    assert lines[1] == ("access-control-allow-origin", "*")
    assert with_cors_headers([], {"Vary": "Origin"}) == [("Vary", "Origin")]


def test_with_cors_headers_keeps_the_lines_it_does_not_replace() -> None:
    """Vary stays as it was when the answer has none, and a CORS header the answer does not set is kept."""
    lines = [
        ("Vary", "Accept-Encoding"),
        ("Access-Control-Max-Age", "60"),
        ("Access-Control-Allow-Origin", SITE),
    ]
    result = with_cors_headers(lines, {ACAO: "*"})
    assert result == [("Vary", "Accept-Encoding"), ("Access-Control-Max-Age", "60"), (ACAO, "*")]
