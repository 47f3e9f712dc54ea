"""Redirects: a CORS call that is redirected, before and after its preflight."""

from __future__ import annotations

import pytest

from .apps import APP
from .conftest import Visit
from .harness import NO_ALLOW_ORIGIN, PREFLIGHT, Call, Expected, LiveServer, Read, Reads, Refused, check

ITEM = {"method": "GET", "id": 1, "request_id": None}
PUT_ITEM = {"method": "PUT", "id": 1, "request_id": "r-1"}

REDIRECTS = [
    (Call("/moved"), Reads(200, ITEM), ["GET /moved", "GET /items/1"]),
    (Call("/moved-without-cors"), Refused(NO_ALLOW_ORIGIN), ["GET /moved-without-cors"]),
    (Call("/moved", redirect="error"), Refused(), ["GET /moved"]),
    # After its preflight a call may follow a redirect (Fetch standard, since 2016);
    # the browser asks again for the new URL.
    (
        Call("/moved-put", "PUT", {"X-Request-Id": "r-1"}),
        Reads(200, PUT_ITEM),
        ["OPTIONS /moved-put", "PUT /moved-put", "OPTIONS /items/1", "PUT /items/1"],
    ),
    # A preflight may not be redirected (Fetch standard, CORS-preflight fetch: a status
    # that is not ok fails it).
    (
        Call("/moved-preflight", "PUT", {"X-Request-Id": "r-1"}),
        Refused(PREFLIGHT),
        ["OPTIONS /moved-preflight"],
    ),
]
IDS = ["followed", "redirect-without-cors", "redirect-error-mode", "after-preflight", "preflight-redirected"]


@pytest.mark.parametrize(("call", "expected", "requests"), REDIRECTS, ids=IDS)
def test_redirect(visit: Visit, api: LiveServer, call: Call, expected: Expected, requests: list[str]) -> None:
    """A redirected call is readable only when every answer on the way allows the origin, and never for a preflight."""
    page = visit(APP)
    outcome = page.call(api, call)
    check(outcome, expected)
    assert [f"{s.method} {s.path}" for s in api.seen()] == requests
    if isinstance(outcome, Read):
        assert outcome.redirected
        assert outcome.url.split("?")[0].endswith("/items/1")
