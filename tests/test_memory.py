"""Hostile traffic never grows a worker's memory: no request value becomes a key of a lasting structure.

Each run sends five thousand requests with values chosen to be distinct
(origins, preflight methods, header lists, paths) and measures, with
``tracemalloc``, the memory still held after a warm-up and at the end.
"""

from __future__ import annotations

import gc
import io
import logging
import tracemalloc
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from flask import Flask
from flask.typing import ResponseReturnValue
from flask.views import MethodView

from cors import CORS, OriginCheck, cross_origin
from cors._origins import OriginSpec

SITE = "https://app.example.com"
WARM_UP = 500
REQUESTS = 5_500
# Retained growth allowed between the warm-up and the end: a small constant
# (interpreter caches, a few free lists), far below the ~1 byte per request
# that any per-request key would cost.
SLACK = 64 * 1024


class Items(MethodView):
    """A view class with decorated methods."""

    @cross_origin(origins=[SITE])
    def get(self) -> ResponseReturnValue:
        return "items"

    @cross_origin(origins=[SITE], methods=["PUT"])
    def put(self) -> ResponseReturnValue:
        return "put"


def tenant_origin(origin: str) -> bool:
    """The app's own check of an origin: here, a look at its text (no I/O, so nothing else is retained)."""
    return origin.startswith("https://t1.")


# The answers an OriginCheck may keep: enough that the warm-up fills them, few
# enough that full, they fit in the slack. Every hostile origin is new to it.
CHECK_SIZE = 200


def make_app(entry: str, origins: str = "patterns", check_size: int = CHECK_SIZE) -> Flask:
    """Routes under the decorator or the extension: a function view, a view class, a per-method pair.

    ``origins``: ``"patterns"`` (an exact origin and a regex) or ``"check"``
    (an exact origin and an OriginCheck that every other origin is asked of).
    """
    app = Flask(__name__)

    def view(n: int) -> ResponseReturnValue:
        return "ok"

    allowed: list[OriginSpec] = [SITE, r"https://.*\.partner\.example"]
    if origins == "check":
        allowed = [SITE, OriginCheck(tenant_origin, max_size=check_size)]
    if entry == "decorator":
        app.add_url_rule("/api/r/<int:n>", view_func=cross_origin(origins=allowed)(view), methods=["GET", "POST"])
    else:
        app.add_url_rule("/api/r/<int:n>", view_func=view, methods=["GET", "POST"])
        CORS(app, resources={"/api/*": {"origins": allowed}})
    app.add_url_rule("/api/items", view_func=Items.as_view("items"))
    return app


def hostile(index: int) -> dict[str, Any]:
    """The environ of the index-th request: every client-chosen value is new."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "OPTIONS" if index % 2 else "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": f"/api/r/{index}" if index % 3 else "/api/items",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "HTTP_ORIGIN": f"https://t{index}.partner.example" if index % 5 else f"https://evil{index}.example",
    }
    if index % 2:
        environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = f"GET{index}" if index % 4 == 1 else "get"
        environ["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = f"x-a-{index},x-b-{index}"
    return environ


def serve(app: Flask, indexes: Iterable[int]) -> None:
    """Send each request through the WSGI app and read the whole answer."""

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
        return lambda data: None

    for index in indexes:
        body = app(hostile(index), start_response)
        b"".join(body)
        getattr(body, "close", lambda: None)()


def retained() -> int:
    """Bytes traced and still alive after a collection."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def growth(app: Flask) -> int:
    """Bytes retained by the hostile stream after its warm-up."""
    # Log records are kept by pytest's capture, not by the library: none are made here.
    logging.disable(logging.CRITICAL)
    tracemalloc.start()
    try:
        serve(app, range(WARM_UP))
        before = retained()
        serve(app, range(WARM_UP, REQUESTS))
        return retained() - before
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)


@pytest.mark.parametrize("origins", ["patterns", "check"])
@pytest.mark.parametrize("entry", ["decorator", "extension"])
def test_hostile_stream_leaves_memory_flat(entry: str, origins: str) -> None:
    """Five thousand requests with new origins, methods, header lists and paths hold no more memory.

    With an OriginCheck, every origin is asked about and its answer kept: up
    to max_size answers, then the oldest go.
    """
    grown = growth(make_app(entry, origins))
    assert grown < SLACK, f"{grown} bytes retained over {REQUESTS - WARM_UP} requests"


def test_an_unbounded_cache_would_be_seen() -> None:
    """The measure catches growth: an OriginCheck allowed to keep every answer retains far beyond the slack."""
    grown = growth(make_app("extension", "check", check_size=REQUESTS))
    assert grown > 4 * SLACK, f"only {grown} bytes retained by {REQUESTS - WARM_UP} kept answers"
