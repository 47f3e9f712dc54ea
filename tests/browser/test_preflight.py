"""Preflighted calls: methods, custom headers, caching, and who answers the preflight."""

from __future__ import annotations

import pytest

from .apps import ADMIN, APP
from .conftest import OpenPage
from .harness import (
    NO_ALLOW_ORIGIN,
    NOT_OK_STATUS,
    PREFLIGHT,
    Call,
    Expected,
    LiveServer,
    Reads,
    Refused,
    check,
)

EVIL = "https://evil.example"
PREFLIGHT_REFUSED = Refused(PREFLIGHT, NO_ALLOW_ORIGIN)
REQUEST_ID = {"X-Request-Id": "r-1"}
PUT_READ = Reads(200, {"method": "PUT", "id": 1, "request_id": "r-1"})
DELETE_READ = Reads(200, {"method": "DELETE", "id": 1, "request_id": "r-1"})

PREFLIGHTED = [
    (APP, Call("/items/1", "PUT", REQUEST_ID, {"name": "new"}), PUT_READ),
    (APP, Call("/items/1", "DELETE", REQUEST_ID), DELETE_READ),
    (APP, Call("/items/1", "PATCH", REQUEST_ID), PREFLIGHT_REFUSED),
    (APP, Call("/items/1", "PUT", {"X-Other": "1"}), PREFLIGHT_REFUSED),
    (APP, Call("/items/1", "PUT", {**REQUEST_ID, "X-Other": "1"}), PREFLIGHT_REFUSED),
    (EVIL, Call("/items/1", "DELETE", REQUEST_ID), PREFLIGHT_REFUSED),
    (ADMIN, Call("/items/1", "PUT", REQUEST_ID), PREFLIGHT_REFUSED),
]
PREFLIGHTED_IDS = [
    "put-allowed",
    "delete-allowed",
    "refused-method",
    "refused-header",
    "one-refused-header-among-allowed",
    "refused-origin-delete",
    "refused-origin-put",
]


@pytest.mark.parametrize(("origin", "call", "expected"), PREFLIGHTED, ids=PREFLIGHTED_IDS)
def test_preflighted_call(
    open_page: OpenPage, api: LiveServer, origin: str, call: Call, expected: Expected
) -> None:
    """A preflighted call reaches the view only when the server's preflight answer allows it."""
    page = open_page(origin)
    check(page.call(api, call), expected)
    allowed = isinstance(expected, Reads)
    assert api.methods(call.path) == (["OPTIONS", call.method] if allowed else ["OPTIONS"])


def test_preflight_reaches_the_server(open_page: OpenPage, api: LiveServer) -> None:
    """The preflight the browser relies on is the library's own answer, sent by the server."""
    page = open_page(APP)
    check(page.call(api, Call("/items/1", "PUT", REQUEST_ID)), PUT_READ)
    preflight = api.seen("OPTIONS", "/items/1")[0]
    assert preflight.headers["access-control-request-method"] == "PUT"
    assert preflight.headers["access-control-request-headers"] == "x-request-id"
    assert preflight.response_headers["access-control-allow-origin"] == APP
    assert preflight.response_headers["access-control-allow-headers"] == "x-request-id"


@pytest.mark.parametrize(
    ("path", "preflights"),
    [("/cached", 1), ("/uncached", 3)],
    ids=["max-age-600", "max-age-0"],
)
def test_max_age_saves_preflights(
    open_page: OpenPage, api: LiveServer, path: str, preflights: int
) -> None:
    """With max_age the browser reuses one preflight for repeated calls; with 0 it asks every time."""
    page = open_page(APP)
    call = Call(path, "PUT", REQUEST_ID)
    for _ in range(3):
        check(page.call(api, call), Reads(200, {"cached": path == "/cached"}))
    assert api.methods(path).count("OPTIONS") == preflights
    assert api.methods(path).count("PUT") == 3


def test_view_answers_its_own_preflight(open_page: OpenPage, api: LiveServer) -> None:
    """With automatic_options=False the view's own OPTIONS answer, plus CORS headers, lets the call through."""
    page = open_page(APP)
    check(page.call(api, Call("/manual", "PUT", REQUEST_ID)), Reads(200, {"method": "PUT"}))
    preflight, put = api.seen(path="/manual")
    assert (preflight.method, preflight.status, put.method) == ("OPTIONS", 204, "PUT")
    assert preflight.response_headers["x-answered-by"] == "view"
    assert preflight.response_headers["access-control-allow-origin"] == APP


@pytest.mark.parametrize(
    ("origin", "path", "expected"),
    [
        (EVIL, "/manual", PREFLIGHT_REFUSED),
        (APP, "/manual-refusing", Refused(PREFLIGHT, NOT_OK_STATUS)),
    ],
    ids=["refused-origin", "view-answers-403"],
)
def test_view_refuses_its_own_preflight(
    open_page: OpenPage, api: LiveServer, origin: str, path: str, expected: Refused
) -> None:
    """With automatic_options=False a preflight the view or the policy refuses stops the call."""
    page = open_page(origin)
    check(page.call(api, Call(path, "PUT", REQUEST_ID)), expected)
    [preflight] = api.seen(path=path)
    assert (preflight.method, preflight.response_headers["x-answered-by"]) == ("OPTIONS", "view")


METHOD_VIEWS = [
    (APP, Call("/things"), Reads(200, {"thing": "read"})),
    (ADMIN, Call("/things"), Refused(NO_ALLOW_ORIGIN)),
    (ADMIN, Call("/things", "PUT", REQUEST_ID), Reads(200, {"thing": "replaced"})),
    (APP, Call("/things", "PUT", REQUEST_ID), PREFLIGHT_REFUSED),
    (APP, Call("/gadgets", "DELETE", REQUEST_ID), Reads(200, {"gadget": "deleted"})),
    (EVIL, Call("/gadgets", "DELETE", REQUEST_ID), PREFLIGHT_REFUSED),
    (APP, Call("/gadgets", "PUT", REQUEST_ID), PREFLIGHT_REFUSED),
]
METHOD_VIEW_IDS = [
    "method-get",
    "method-get-other-origin",
    "method-put-own-origin",
    "method-put-get-origin",
    "decorators-delete",
    "decorators-delete-other-origin",
    "decorators-unlisted-method",
]


@pytest.mark.parametrize(("origin", "call", "expected"), METHOD_VIEWS, ids=METHOD_VIEW_IDS)
def test_method_view(
    open_page: OpenPage, api: LiveServer, origin: str, call: Call, expected: Expected
) -> None:
    """A MethodView's preflight and call follow the policy of the method asked for."""
    page = open_page(origin)
    check(page.call(api, call), expected)


def test_lower_case_patch(open_page: OpenPage, api: LiveServer) -> None:
    """A fetch() with method 'patch' passes the preflight of a view that allows PATCH."""
    page = open_page(APP)
    check(page.call(api, Call("/patchable", "patch")), Reads(200, {"method": "PATCH"}))
