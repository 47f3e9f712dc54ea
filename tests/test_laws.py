"""The laws of ``|``: associativity, identity and idempotence, checked with Hypothesis."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cors import CorsConfigError, CorsPolicy

ORIGINS = ["*", "null", "https://a.example", "https://*.b.example", r"https://c\d\.example", "http://localhost:*"]


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The strategy, or None for a setting left out."""
    return st.none() | strategy


@st.composite
def policies(draw: st.DrawFn) -> CorsPolicy:
    """Arbitrary valid policies, each setting present or absent."""
    kwargs: dict[str, Any] = {
        "origins": draw(maybe(st.lists(st.sampled_from(ORIGINS), min_size=1, max_size=3))),
        "methods": draw(maybe(st.lists(st.sampled_from(["GET", "post", "PUT", "DELETE", "PATCH"]), min_size=1))),
        "allow_headers": draw(
            maybe(st.lists(st.sampled_from(["*", "Content-Type", "X-Custom-.*", re.compile("x-\\d+")]), max_size=3))
        ),
        "expose_headers": draw(maybe(st.lists(st.sampled_from(["X-Total", "X-Page"]), max_size=2))),
        "max_age": draw(maybe(st.integers(0, 86400) | st.builds(timedelta, seconds=st.integers(0, 600)))),
        **{
            name: draw(st.sampled_from([None, True, False]))
            for name in (
                "supports_credentials",
                "send_wildcard",
                "vary_header",
                "automatic_options",
                "allow_private_network",
                "always_send",
                "write_protection",
            )
        },
    }
    try:
        return CorsPolicy(**{k: v for k, v in kwargs.items() if v is not None})
    except CorsConfigError:
        return CorsPolicy(max_age=kwargs["max_age"])


def _or(a: CorsPolicy, b: CorsPolicy) -> CorsPolicy | None:
    try:
        return a | b
    except CorsConfigError:
        return None


@given(policies(), policies(), policies())
def test_or_is_associative(a: CorsPolicy, b: CorsPolicy, c: CorsPolicy) -> None:
    """(a | b) | c == a | (b | c) wherever both sides are safe policies."""
    ab = _or(a, b)
    bc = _or(b, c)
    left = None if ab is None else _or(ab, c)
    right = None if bc is None else _or(a, bc)
    expected = {**a.specified(), **b.specified(), **c.specified()}
    for side in (left, right):
        if side is not None:
            assert side.specified() == expected
    if left is not None and right is not None:
        assert left == right


@given(policies())
def test_empty_policy_is_identity(p: CorsPolicy) -> None:
    """CorsPolicy() | p == p == p | CorsPolicy()."""
    assert CorsPolicy() | p == p
    assert p | CorsPolicy() == p


@given(policies())
def test_or_is_idempotent(p: CorsPolicy) -> None:
    """p | p == p."""
    assert p | p == p


@given(policies(), policies())
def test_or_takes_right_side_settings(a: CorsPolicy, b: CorsPolicy) -> None:
    """Every setting of a | b is b's where b sets it, and a's otherwise."""
    merged = _or(a, b)
    if merged is not None:
        assert merged.specified() == {**a.specified(), **b.specified()}
