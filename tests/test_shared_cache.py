"""A shared cache (a CDN) never serves one origin's CORS answer to another.

The simulated cache stores every response under its method and URL and
reuses it for a later request whose headers named in ``Vary`` are the same
(absent counts as a value). For every ordered pair of requests from a corpus,
whenever the cache would replay the first one's response for the second, its
CORS headers must be those a fresh answer to the second would carry.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from flask import Flask
from flask.typing import ResponseReturnValue
from werkzeug.test import TestResponse

from cors import CORS, cross_origin

SITE = "https://app.example.com"
ORIGINS: list[str | None] = [
    None,
    SITE,
    "https://evil.example",
    "null",
    "https://APP.example.com",
    "not an origin",
    "https://" + "a" * 600 + ".example",
]
KINDS = [("GET", "/r", None), ("OPTIONS", "/r", "PUT"), ("OPTIONS", "/r", "DELETE"), ("GET", "/missing", None)]
MODES: dict[str, dict[str, Any]] = {
    "list": {"origins": [SITE], "methods": ["GET", "PUT"]},
    "regex": {"origins": r"https://app\.example\.(com|org)"},
    "any": {},
    "any-not-always-send": {"always_send": False},
    "static-wildcard": {"send_wildcard": True, "methods": ["GET", "PUT"]},
    "static-wildcard-no-vary": {"send_wildcard": True, "vary_header": False},
    "credentials": {"origins": [SITE], "supports_credentials": True},
}


def make_app(entry: str, settings: dict[str, Any]) -> Flask:
    """One route /r (GET, PUT) under the decorator or the extension."""
    app = Flask(__name__)

    def view() -> ResponseReturnValue:
        return "ok"

    if entry == "decorator":
        app.add_url_rule("/r", view_func=cross_origin(**settings)(view), methods=["GET", "PUT"])
    else:
        app.add_url_rule("/r", view_func=view, methods=["GET", "PUT"])
        CORS(app, **settings)
    return app


def request_headers(origin: str | None, asked: str | None) -> dict[str, str]:
    """The request headers of one corpus entry."""
    headers = {"Origin": origin} if origin is not None else {}
    if asked is not None:
        headers.update({"Access-Control-Request-Method": asked, "Access-Control-Request-Headers": "x-trace"})
    return headers


def cors_answer(response: TestResponse) -> dict[str, str]:
    """What a browser's CORS check reads from a response."""
    return {name: value for name, value in response.headers.items() if name.lower().startswith("access-control-")}


def may_reuse(stored: TestResponse, stored_request: dict[str, str], request: dict[str, str]) -> bool:
    """Whether a cache would serve the stored response for the request (same method and URL assumed)."""
    names = [name.strip().lower() for line in stored.headers.getlist("Vary") for name in line.split(",")]
    if "*" in names:
        return False
    lowered_stored = {k.lower(): v for k, v in stored_request.items()}
    lowered = {k.lower(): v for k, v in request.items()}
    return all(lowered_stored.get(name) == lowered.get(name) for name in names if name)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("entry", ["decorator", "extension"])
def test_replayed_answers_are_always_right(entry: str, mode: str) -> None:
    """For every ordered pair of requests, a response the cache may replay carries the fresh CORS answer."""
    client = make_app(entry, MODES[mode]).test_client()
    corpus = [(method, path, request_headers(origin, asked)) for origin in ORIGINS for method, path, asked in KINDS]
    fresh = {index: client.open(path, method=method, headers=headers) for index, (method, path, headers) in enumerate(corpus)}
    wrong = []
    for (first, (method, path, stored_headers)), (second, (method2, path2, headers)) in itertools.permutations(
        enumerate(corpus), 2
    ):
        if (method, path) != (method2, path2) or not may_reuse(fresh[first], stored_headers, headers):
            continue
        if cors_answer(fresh[first]) != cors_answer(fresh[second]):
            wrong.append(f"{stored_headers} -> {headers}: {cors_answer(fresh[first])} != {cors_answer(fresh[second])}")
    assert wrong == []
