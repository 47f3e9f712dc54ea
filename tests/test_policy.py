"""CorsPolicy: accepted forms, normalisation, errors, composition and resolution."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import attrs
import pytest
from typeguard import suppress_type_checks

from cors import UNSET, CorsConfigError, CorsPolicy, resolve


def test_empty_policy_specifies_nothing() -> None:
    """CorsPolicy() leaves every setting unset."""
    assert CorsPolicy().specified() == {}
    assert repr(CorsPolicy()) == "CorsPolicy()"
    assert repr(UNSET) == "UNSET"


@pytest.mark.parametrize(
    ("kwargs", "field", "expected"),
    [
        ({"origins": "https://a.com"}, "origins", frozenset({"https://a.com"})),
        ({"origins": ["https://a.com", "https://B.com"]}, "origins", frozenset({"https://a.com", "https://b.com"})),
        ({"origins": ("https://a.com",)}, "origins", frozenset({"https://a.com"})),
        ({"origins": {"https://a.com"}}, "origins", frozenset({"https://a.com"})),
        ({"methods": "get, post"}, "methods", frozenset({"GET", "POST"})),
        ({"methods": ["get", "Put"]}, "methods", frozenset({"GET", "PUT"})),
        ({"allow_headers": "Content-Type, X-Foo"}, "allow_headers", frozenset({"Content-Type", "X-Foo"})),
        ({"allow_headers": ["X-Foo", "x-foo"]}, "allow_headers", frozenset({"X-Foo"})),
        ({"allow_headers": ["X-Custom-.*"]}, "allow_headers", frozenset({"X-Custom-.*"})),
        ({"allow_headers": "Content-Type, "}, "allow_headers", frozenset({"Content-Type"})),
        ({"expose_headers": "X-Total-Count"}, "expose_headers", frozenset({"X-Total-Count"})),
        ({"max_age": 600}, "max_age", 600),
        ({"max_age": "600"}, "max_age", 600),
        ({"max_age": timedelta(hours=1)}, "max_age", 3600),
        ({"max_age": 0}, "max_age", 0),
        ({"max_age": None}, "max_age", None),
        ({"origins": None}, "origins", UNSET),
        ({"methods": None}, "methods", UNSET),
        ({"supports_credentials": False}, "supports_credentials", False),
    ],
    ids=lambda v: str(v),
)
def test_forms_are_normalised(kwargs: dict[str, Any], field: str, expected: object) -> None:
    """Each accepted form of a setting is stored normalised."""
    assert getattr(CorsPolicy(**kwargs), field) == expected


def test_compiled_patterns_are_kept() -> None:
    """Compiled regexes are accepted for origins and allow_headers."""
    origin = re.compile(r"https://app\d+\.example\.com")
    header = re.compile(r"x-custom-\d+")
    policy = CorsPolicy(origins=[origin], allow_headers=[header])
    assert policy.origins == frozenset({origin})
    assert policy.allow_headers == frozenset({header})
    assert CorsPolicy(origins=origin, allow_headers=header) == policy


def test_policies_are_values() -> None:
    """Policies with the same settings are equal and hash alike, whatever the input form."""
    a = CorsPolicy(origins=["https://a.com", "https://b.com"], methods="GET,POST", max_age=timedelta(minutes=10))
    b = CorsPolicy(origins=("https://B.com", "https://a.com"), methods=["post", "get"], max_age=600)
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1


def test_policy_is_frozen() -> None:
    """Assigning to a policy fails."""
    policy = CorsPolicy(origins="https://a.com")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        policy.origins = frozenset()  # type: ignore[misc]


def test_repr_shows_set_fields() -> None:
    """The repr lists only the settings the policy specifies."""
    assert repr(CorsPolicy(max_age=5, origins="https://a.com")) == "CorsPolicy(origins={'https://a.com'}, max_age=5)"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"origins": []}, "origins: the list is empty"),
        ({"origins": ["https://*.com"], "supports_credentials": True}, "'com', a public suffix"),
        ({"methods": ["GET", "TRACE"]}, "TRACE is a forbidden method"),
        ({"methods": "CONNECT"}, "CONNECT is a forbidden method"),
        ({"methods": "track"}, "TRACK is a forbidden method"),
        ({"methods": ["GET POST"]}, "is not an HTTP method name"),
        ({"methods": ["GET;"]}, "is not an HTTP method name"),
        ({"methods": "*"}, "is not an HTTP method name"),
        ({"methods": []}, "methods: the list is empty"),
        ({"allow_headers": ["X Foo"]}, "is not a header name"),
        ({"allow_headers": ["X-(Foo"]}, "neither a header name nor a valid regular expression"),
        ({"expose_headers": ["X Foo"]}, "is not a header name"),
        ({"expose_headers": ["X-.*"]}, "is not a header name"),
        ({"max_age": -1}, "max_age: -1 is negative"),
        ({"max_age": "-5"}, "is not a number of seconds"),
        ({"max_age": "ten"}, "is not a number of seconds"),
        ({"max_age": timedelta(seconds=-1)}, "is negative"),
        ({"origins": "*", "supports_credentials": True}, "list the allowed origins"),
        ({"origins": ["https://a.com", "null"], "supports_credentials": True}, "remove 'null'"),
        ({"expose_headers": "*", "supports_credentials": True}, "list the header names"),
        ({"origins": "https://a.com", "send_wildcard": True}, "send_wildcard=True only applies"),
        ({"origins": "*", "allow_private_network": True}, "every public website"),
        (
            {"origins": "*", "vary_header": False, "send_wildcard": False, "always_send": True},
            "vary_header=False is only safe",
        ),
    ],
    ids=lambda v: str(v),
)
def test_bad_settings_fail_at_construction(kwargs: dict[str, Any], message: str) -> None:
    """An invalid or unsafe setting raises CorsConfigError naming the fix."""
    with pytest.raises(CorsConfigError, match=re.escape(message)):
        CorsPolicy(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"supports_credentials": "yes"}, "is not a bool"),
        ({"vary_header": 1}, "is not a bool"),
        ({"max_age": 1.5}, "is not a number of seconds"),
        ({"max_age": True}, "is not a number of seconds"),
        ({"origins": 5}, "give a string or a list"),
        ({"origins": [5]}, "is a int"),
        ({"methods": [1]}, "is not an HTTP method name"),
        ({"allow_headers": b"x"}, "give a string or a list"),
    ],
    ids=lambda v: str(v),
)
def test_wrong_types_fail_with_config_error(kwargs: dict[str, Any], message: str) -> None:
    """A value of the wrong type (as from untyped config) raises CorsConfigError."""
    with suppress_type_checks(), pytest.raises(CorsConfigError, match=re.escape(message)):
        CorsPolicy(**kwargs)


def test_unknown_keyword_is_a_type_error() -> None:
    """A misspelt setting is refused, never ignored."""
    with pytest.raises(TypeError, match="origin"):
        CorsPolicy(origin="https://a.com")  # type: ignore[call-arg]


def test_partial_policy_is_checked_only_for_what_it_says() -> None:
    """A policy that only turns on credentials is valid until resolved without origins."""
    credentials = CorsPolicy(supports_credentials=True)
    with pytest.raises(CorsConfigError, match="origins='\\*' \\(the default\\)"):
        resolve(credentials)
    assert resolve(CorsPolicy(origins="https://a.com") | credentials).supports_credentials


def test_unsafe_composition_fails_at_once() -> None:
    """Composing two safe partial policies into an unsafe one raises at the |."""
    with pytest.raises(CorsConfigError, match="supports_credentials=True with origins='\\*'"):
        CorsPolicy(origins="*") | CorsPolicy(supports_credentials=True)


def test_or_right_side_wins() -> None:
    """Settings of the right operand replace those of the left; unset ones do not."""
    left = CorsPolicy(origins="https://a.com", max_age=10, methods="GET")
    right = CorsPolicy(origins="https://b.com", supports_credentials=True)
    merged = left | right
    assert merged.origins == frozenset({"https://b.com"})
    assert merged.max_age == 10
    assert merged.methods == frozenset({"GET"})
    assert merged.supports_credentials is True


def test_or_rejects_other_types() -> None:
    """| with a non-policy is a TypeError."""
    with suppress_type_checks(), pytest.raises(TypeError):
        CorsPolicy() | {"origins": "*"}  # type: ignore[operator]


def test_resolve_fills_defaults() -> None:
    """Resolving the empty policy gives the documented defaults."""
    resolved = resolve(CorsPolicy())
    assert resolved.match_origin.any
    assert resolved.methods == frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"})
    assert resolved.allow_any_header
    assert not resolved.supports_credentials
    assert resolved.automatic_options
    assert not resolved.allow_private_network
    assert resolved.vary_origin
    assert not resolved.wildcard


def test_resolve_precomputes_header_values() -> None:
    """Joined header values are computed once, sorted, at resolution."""
    resolved = resolve(
        CorsPolicy(
            origins="https://a.com",
            methods=["PUT", "GET"],
            expose_headers=["X-B", "X-A"],
            supports_credentials=True,
            max_age=0,
        )
    )
    assert resolved.actual_headers == {
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "X-A, X-B",
        "Vary": "Origin",
    }
    assert resolved.preflight_headers == {
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "GET, PUT",
        "Access-Control-Max-Age": "0",
        "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    }
