"""Invariants of the core under arbitrary policies and hostile request headers (Hypothesis)."""

from __future__ import annotations

import warnings

from hypothesis import example, given
from hypothesis import strategies as st

from cors import CorsPolicy, CorsRequest, CorsWarning, ResolvedPolicy, decide, resolve
from cors._evaluate import read_headers
from cors._origins import SERIALIZED_ORIGIN

from .test_laws import policies

ALLOWED_SHAPES = ["https://a.example", "https://x.b.example", "https://c1.example", "http://localhost:5173", "null"]
header_text = st.one_of(
    st.none(),
    st.sampled_from(ALLOWED_SHAPES),
    st.text(max_size=200),
    st.text(alphabet=st.sampled_from(",\t x-aAuthorization*"), max_size=300),
    st.builds(lambda s: s * 1000, st.sampled_from([",", "x-a,", "\u00ff", "a"])),
)


@st.composite
def requests(draw: st.DrawFn) -> CorsRequest:
    """Arbitrary requests, preflights and plain ones, with hostile header values."""
    return CorsRequest(
        method=draw(st.sampled_from(["GET", "POST", "OPTIONS", "PUT", "DELETE", "get", ""])),
        origin=draw(header_text),
        request_method=draw(st.one_of(st.none(), st.sampled_from(["PUT", "put", "GET", "TRACE", ""]), st.text(max_size=20))),
        request_headers=draw(header_text),
        request_private_network=draw(st.booleans()),
    )


def _resolved(policy: CorsPolicy) -> ResolvedPolicy | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorsWarning)
        try:
            return resolve(policy)
        except ValueError:
            return None


@given(policies(), requests())
@example(CorsPolicy(send_wildcard=True), CorsRequest("OPTIONS", None, "PUT"))
def test_core_invariants(policy: CorsPolicy, request: CorsRequest) -> None:
    """Whatever the input: no exception, ACAO only * or the allowed request origin, no unsafe header."""
    resolved = _resolved(policy)
    if resolved is None:
        return
    decision = decide(resolved, request)
    headers = dict(decision.headers)
    acao = headers.get("Access-Control-Allow-Origin")
    for name, value in headers.items():
        assert not any(c in value for c in "\r\n\0"), name
        assert value.isascii(), name
    if acao is not None:
        assert request.origin is not None or acao == "*"
        assert acao == "*" or (acao == request.origin and resolved.match_origin(acao))
        assert acao == "null" or acao == "*" or SERIALIZED_ORIGIN.fullmatch(acao)
    if "Access-Control-Allow-Credentials" in headers:
        assert acao not in (None, "*")
        assert headers["Access-Control-Allow-Credentials"] == "true"
    if "Access-Control-Allow-Methods" in headers:
        # A static answer (no Vary: Origin) to an Origin-less preflight is the
        # one a cache may replay for any Origin, so it is a preflight's too.
        assert request.method == "OPTIONS" and request.request_method is not None
        assert request.origin is not None or not resolved.vary_origin
        asked = request.request_method
        allowed_methods = headers["Access-Control-Allow-Methods"].split(", ")
        assert asked in allowed_methods or asked == "HEAD" or not decision.allowed
        assert set(allowed_methods) <= resolved.methods | {asked}
    if "Access-Control-Allow-Headers" in headers:
        echoed = headers["Access-Control-Allow-Headers"].split(", ")
        requested = [name.strip(" \t") for name in (request.request_headers or "").split(",")]
        assert set(echoed) <= set(requested)
        assert all(name.isascii() and name for name in echoed)
    if "Access-Control-Allow-Private-Network" in headers:
        assert headers["Access-Control-Allow-Private-Network"] == "true"
        assert request.request_private_network and resolved.allow_private_network
    if resolved.vary_origin:
        assert "Origin" in headers.get("Vary", "").split(", ")
    if acao is None:
        assert [n for n in headers if n.startswith("Access-Control-")] == []


@given(policies(), st.sampled_from(["GET", "HEAD"]), header_text)
def test_read_headers_are_decides_headers(policy: CorsPolicy, method: str, origin: str | None) -> None:
    """For a GET or HEAD, the shortcut the Flask edge takes gives exactly the headers decide gives."""
    resolved = _resolved(policy)
    if resolved is None:
        return
    assert dict(read_headers(resolved, origin)) == dict(decide(resolved, CorsRequest(method, origin)).headers)
