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

from cors import CORS, cross_origin

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


def make_app(entry: str) -> Flask:
    """Routes under the decorator or the extension: a function view, a view class, a per-method pair."""
    app = Flask(__name__)

    def view(n: int) -> ResponseReturnValue:
        return "ok"

    if entry == "decorator":
        app.add_url_rule("/api/r/<int:n>", view_func=cross_origin(origins=[SITE, r"https://.*\.partner\.example"])(view),
                         methods=["GET", "POST"])
    else:
        app.add_url_rule("/api/r/<int:n>", view_func=view, methods=["GET", "POST"])
        CORS(app, resources={"/api/*": {"origins": [SITE, r"https://.*\.partner\.example"]}})
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


@pytest.mark.parametrize("entry", ["decorator", "extension"])
def test_hostile_stream_leaves_memory_flat(entry: str) -> None:
    """Five thousand requests with new origins, methods, header lists and paths hold no more memory."""
    app = make_app(entry)
    # Log records are kept by pytest's capture, not by the library: none are made here.
    logging.disable(logging.CRITICAL)
    tracemalloc.start()
    try:
        serve(app, range(WARM_UP))
        before = retained()
        serve(app, range(WARM_UP, REQUESTS))
        growth = retained() - before
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)
    assert growth < SLACK, f"{growth} bytes retained over {REQUESTS - WARM_UP} requests"
