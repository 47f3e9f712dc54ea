"""Cross-origin write protection, in real browsers: a cross-site form or fetch() write never reaches the view.

The API (``create_protected_app``) guards its writes by the decorator
(``/decorated/orders``) and by the extension (``/api/orders``), allowing the
front end ``https://app.example.com``. The attacker's page is
``https://evil.example``; a page of the API's own origin is served by the
API itself. Each browser sets ``Sec-Fetch-Site`` and ``Origin`` itself, and a
page cannot change either; the server records what it received.

The view counts the writes that reach it: a cross-site ``fetch()`` is
refused by the browser too, but only the count tells that the server did
not act on it (``/unprotected/orders`` shows that without protection it does).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .apps import APP
from .conftest import Visit
from .engines import Engine
from .harness import NO_ALLOW_ORIGIN, Call, LiveServer, Page, Reads, Refused, Seen, check

EVIL = "https://evil.example"
PATHS = ["/decorated/orders", "/api/orders"]
PATH_IDS = ["decorator", "extension"]
POLLS = 1200
"""Checks, 50 ms apart, for a form's request to reach the server: a bound that only catches a hang."""

# Submits a form (as an attacker's page does, into a hidden frame so that the page
# stays), and returns before the answer: the server's record says when it came.
FORM_JS = """([url, fields]) => {
  const frame = document.createElement("iframe");
  frame.name = "sink";
  document.body.append(frame);
  const form = document.createElement("form");
  form.method = "post";
  form.action = url;
  form.target = "sink";
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
  return null;
}"""


@pytest.fixture(scope="module")
def protected_server() -> Iterator[LiveServer]:
    """The write-protected app, served on loopback."""
    from .apps import create_protected_app

    server = LiveServer(create_protected_app())
    yield server
    server.close()


@pytest.fixture
def api(protected_server: LiveServer) -> Iterator[LiveServer]:
    """The write-protected app's server, with no requests and no writes recorded yet."""
    writes = writes_of(protected_server)
    protected_server.clear()
    writes.clear()
    yield protected_server


def writes_of(server: LiveServer) -> list[str]:
    """The paths of the writes that reached a view of the server's app."""
    app = server.recorder.app
    result: list[str] = app.extensions["writes"]  # type: ignore[attr-defined]
    return result


def submit_form(page: Page, api: LiveServer, path: str) -> Seen:
    """Submit an HTML form that posts to the API from the page; return the request as the server saw it."""
    page.tab.run(FORM_JS, [page.url(api, path), {"item": "a thousand widgets"}])
    for _ in range(POLLS):
        seen = api.seen("POST", path)
        if seen:
            return seen[-1]
        page.tab.wait(0.05)
    raise AssertionError(f"{page.engine.name} never sent the form's POST to {path}")


def own_origin_page(engine: Engine, api: LiveServer) -> Page:
    """Open a page of the API's own origin, served by the API (Chromium needs telling where from)."""
    origin = api.base
    tab = engine.open(origin, upstream=api.base) if engine.name == "chromium" else engine.open(origin)  # type: ignore[call-arg]
    return Page(engine, tab)


@pytest.mark.parametrize("path", PATHS, ids=PATH_IDS)
def test_cross_site_form_post_is_refused(visit: Visit, api: LiveServer, path: str) -> None:
    """An attacker's page submits a form to the API: the browser sends it, the server answers 403, the view never runs."""
    seen = submit_form(visit(EVIL), api, path)
    assert (seen.headers.get("sec-fetch-site"), seen.headers.get("origin")) == ("cross-site", EVIL)
    assert seen.status == 403
    assert not any(name.startswith("access-control-") for name in seen.response_headers)
    assert writes_of(api) == []


@pytest.mark.parametrize("path", PATHS, ids=PATH_IDS)
def test_cross_site_fetch_post_is_refused(visit: Visit, api: LiveServer, path: str) -> None:
    """An attacker's page fetch()es a POST that needs no preflight: 403 from the server, and the view never runs."""
    page = visit(EVIL)
    check(page.call(api, Call(path, "POST")), Refused(NO_ALLOW_ORIGIN))
    [seen] = api.seen("POST", path)
    assert (seen.headers.get("sec-fetch-site"), seen.status) == ("cross-site", 403)
    assert writes_of(api) == []


def test_without_protection_the_cross_site_fetch_runs_the_view(visit: Visit, api: LiveServer) -> None:
    """The same fetch() to a view with CORS alone: the browser hides the answer, but the view has run."""
    page = visit(EVIL)
    check(page.call(api, Call("/unprotected/orders", "POST")), Refused(NO_ALLOW_ORIGIN))
    assert writes_of(api) == ["/unprotected/orders"]


@pytest.mark.parametrize("path", PATHS, ids=PATH_IDS)
def test_front_end_fetch_posts_go_through(visit: Visit, api: LiveServer, path: str) -> None:
    """The allowed front end's fetch() POSTs, preflighted (JSON) or not, reach the view and the page reads the answer."""
    page = visit(APP)
    check(page.call(api, Call(path, "POST", json={"item": "widget"})), Reads(200, {"created": True}))
    check(page.call(api, Call(path, "POST")), Reads(200, {"created": True}))
    assert api.methods(path) == ["OPTIONS", "POST", "POST"]
    assert {s.headers.get("sec-fetch-site") for s in api.seen("POST", path)} == {"cross-site"}
    assert writes_of(api) == [path, path]


@pytest.mark.parametrize("path", PATHS, ids=PATH_IDS)
def test_same_origin_form_and_fetch_posts_go_through(visit: Visit, engine: Engine, api: LiveServer, path: str) -> None:
    """The API's own page posts a form and fetch()es a POST: both reach the view, origin not listed or not."""
    del visit  # taken for its reset of the engine: it opens pages of the page server only
    page = own_origin_page(engine, api)
    seen = submit_form(page, api, path)
    assert (seen.headers.get("sec-fetch-site"), seen.headers.get("origin")) == ("same-origin", api.base)
    assert seen.status == 200
    check(page.call(api, Call(path, "POST"), secure=False), Reads(200, {"created": True}))
    assert writes_of(api) == [path, path]
