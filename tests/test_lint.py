"""Config lint: legal but suspicious settings warn when a policy is attached."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
from flask.typing import ResponseReturnValue

from cors import CorsPolicy, CorsWarning, cross_origin, resolve
from cors._origins import regex_reach_problem

SITE = "https://app.example.com"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_age": 86400}, "max_age=86400 is longer than browsers cache preflights"),
        ({"origins": r"https?://example.com"}, "has an unescaped '.'"),
        ({"origins": [re.compile(r"https://api.example\.com")]}, "also matches 'https://api-example.com'"),
        ({"origins": r"https://(a+)+\.example\.com"}, "repeats a repeated group"),
        ({"origins": r"https://([a-z0-9-]+\.)*example\.com"}, "repeats a repeated group"),
        ({"origins": r".*\.example\.com"}, "has no scheme, so it also matches plain http"),
        ({"origins": r"example\.com"}, "has no scheme, so it never matches an origin"),
        ({"origins": r"https://a\.example\.com/.*"}, r"needs a '/' after the host, but an Origin has no path"),
        ({"origins": r"https://[a-z]+\.example\.com/"}, r"Did you mean 'https://[a-z]+\\.example\\.com'?"),
        ({"origins": r".*.example.com"}, "also matches 'https://attacker-example.com'"),
        ({"origins": r"https://a\.example\.com/?.*"}, "also matches 'https://a.example.com.attacker.net'"),
        ({"origins": "https://*.co.uk"}, "'co.uk', a public suffix"),
        ({"expose_headers": ["Set-Cookie"]}, "is never exposed: browsers hide Set-Cookie and Set-Cookie2"),
        ({"expose_headers": "X-Total, set-cookie2"}, "never exposed: browsers hide Set-Cookie"),
        ({"origins": ["http://app.example.com"], "supports_credentials": True}, "is plain http"),
        ({"origins": ["http://*.example.com:*"], "supports_credentials": True}, "is plain http"),
    ],
    ids=lambda v: str(v),
)
def test_suspicious_setting_warns(settings: dict[str, Any], message: str) -> None:
    """Each suspicious setting gives a CorsWarning that says what to write instead."""
    with pytest.warns(CorsWarning, match=re.escape(message)):
        resolve(CorsPolicy(**settings))


@pytest.mark.parametrize(
    "settings",
    [
        {"max_age": 7200},
        {"origins": r"https://.*\.example\.com"},
        {"origins": [re.compile(r"https://app\d+\.example\.com")]},
        {"origins": r"https://(app|admin)\.example\.com"},
        {"origins": r"https://[a-z]+\.example\.com"},
        {"origins": ["http://localhost:3000", "http://127.0.0.1:5000", "http://[::1]:8000"], "supports_credentials": True},
        {"origins": ["http://app.localhost:5173"], "supports_credentials": True},
        {"origins": ["http://app.example.com"]},
        {"methods": ["POST", "OPTIONS"]},
        {"expose_headers": ["X-Set-Cookie-Id", "Cookie"]},
        {"origins": ["https://*.example.co.uk", "https://*.alice.github.io"], "supports_credentials": True},
        {"origins": r"https://(www\.)?example\.com", "supports_credentials": True},
        {"origins": r"https://app\d+\.example\.com/?"},
        {"origins": r"https://[^/]+\.example\.com(/)?"},
    ],
    ids=lambda v: str(v),
)
def test_sound_setting_does_not_warn(settings: dict[str, Any]) -> None:
    """Sound settings, the seed's included, give no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resolve(CorsPolicy(**settings))


def test_warning_points_at_the_decorated_module() -> None:
    """The warning is reported at the user's cross_origin line, not inside the library."""
    with pytest.warns(CorsWarning) as record:

        @cross_origin(max_age=90000)
        def view() -> ResponseReturnValue:
            return "x"

    assert record[0].filename == __file__


@pytest.mark.parametrize("name", ["Set-Cookie", "set-cookie2", "SET-COOKIE"], ids=lambda v: str(v))
def test_forbidden_response_header_in_expose_headers_warns(name: str) -> None:
    """Exposing Set-Cookie or Set-Cookie2 warns, naming the header, since browsers never expose either."""
    with pytest.warns(CorsWarning) as record:
        resolve(CorsPolicy(expose_headers=["X-Total", name]))
    assert len(record) == 1
    assert re.match(rf"expose_headers: '{re.escape(name)}' is never exposed", str(record[0].message), re.IGNORECASE)


@pytest.mark.parametrize(
    "spec",
    [r"https.*\.example\.com", r"https://[a-z]+\.example\.com", "https://app.example.com", r"https://x\.example\.com/?"],
    ids=lambda v: str(v),
)
def test_regex_reach_is_quiet_for_sound_patterns(spec: str) -> None:
    """A regex that matches origins it names, or a spec that is no regex, has no scheme or path problem."""
    assert regex_reach_problem(spec) is None
