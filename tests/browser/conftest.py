"""Fixtures of the browser tests: one browser per engine for the whole run, servers in threads.

``visit`` is parametrised by engine (``chromium``, ``firefox``, ``webkit``):
a test that takes it runs once in each. The engines are package-scoped, and
pytest orders the tests so that each browser starts once; they stop as soon
as the browser tests are done. Playwright's sync API keeps an asyncio event
loop marked as running in the main thread while it is open, and tests
elsewhere that run an ``async def`` view through Flask's test client
(asgiref's AsyncToSync) refuse to run in such a thread.

``chromium`` and ``open_page`` are the Chromium-only fixtures, for tests
that drive Playwright's page directly (the demo page's).

A missing engine skips its tests with the reason and the install command;
under CI (the environment variable CI is set) it fails them instead.

Apps that use ``cors`` are imported inside fixtures, never at module level,
so that typeguard instruments ``cors`` when the tests import it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn, Protocol

import pytest

from .engines import (
    API_HOST,
    INSTALL_HINTS,
    Chromium,
    Engine,
    Firefox,
    OriginPage,
    WebKit,
    find_chromium,
    find_firefox,
    find_webkit,
    launch,
)
from .harness import Page
from .servers import LiveServer, OriginProxy, page_app

ENGINES = ("chromium", "firefox", "webkit")


def unavailable(message: str) -> NoReturn:
    """Fail under CI (the env var CI is set), skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def missing(engine: str, what: str) -> NoReturn:
    """Report an engine that cannot run, with the command that installs it."""
    unavailable(f"The {engine} browser tests need {what}, which is missing: {INSTALL_HINTS[engine]}.")


class OpenPage(Protocol):
    """Open a Chromium tab whose document has the given origin (``"null"``: a sandboxed one)."""

    def __call__(self, origin: str, *, upstream: str | None = None) -> OriginPage: ...


Visit = Callable[[str], Page]
"""Open a page of the given origin (``"null"``: a sandboxed one) in the test's engine."""


@pytest.fixture(scope="package")
def page_server() -> Iterator[LiveServer]:
    """The server of the blank page of every test origin."""
    server = LiveServer(page_app)
    yield server
    server.close()


@pytest.fixture(scope="package")
def origin_proxy(page_server: LiveServer) -> Iterator[OriginProxy]:
    """The proxy that gives Firefox's and WebKit's pages any origin."""
    proxy = OriginProxy(page_server, loopback_hosts=frozenset({API_HOST}))
    yield proxy
    proxy.close()


@pytest.fixture(scope="package")
def chromium(page_server: LiveServer) -> Iterator[Chromium]:
    """Debian's Chromium, driven by Playwright, for all the browser tests."""
    executable = find_chromium()
    if executable is None:
        missing("chromium", "Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("chromium", "Playwright for Python (pip install -e '.[dev]')")
    with tempfile.TemporaryDirectory(prefix="cors-chromium-") as profile, sync_playwright() as pw:
        context = launch(pw, executable, Path(profile))
        try:
            yield Chromium(context, page_server.base)
        finally:
            context.close()


def start_firefox(proxy: OriginProxy) -> Firefox:
    """Start Firefox ESR, or report it missing."""
    executable = find_firefox()
    if executable is None:
        missing("firefox", "Firefox ESR")
    try:
        import websockets  # noqa: F401
    except ImportError:
        missing("firefox", "websockets (pip install -e '.[dev]')")
    return Firefox(executable, proxy)


def start_webkit(proxy: OriginProxy) -> WebKit:
    """Start WebKitGTK's MiniBrowser under Xvfb, or report it missing."""
    paths = find_webkit()
    if paths is None:
        missing("webkit", "WebKitWebDriver, MiniBrowser and Xvfb")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing("webkit", "Selenium (pip install -e '.[dev]')")
    return WebKit(*paths, proxy)


@pytest.fixture(scope="package", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """One browser engine, started once for all the tests that run in it."""
    name: str = request.param
    if name == "chromium":
        chromium: Chromium = request.getfixturevalue("chromium")
        yield chromium
        return
    proxy: OriginProxy = request.getfixturevalue("origin_proxy")
    started = start_firefox(proxy) if name == "firefox" else start_webkit(proxy)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture
def visit(engine: Engine) -> Iterator[Visit]:
    """Open pages at any origin, in an engine that forgot the earlier tests."""
    engine.reset()
    tabs: list[Page] = []

    def opener(origin: str) -> Page:
        page = Page(engine, engine.open(origin))
        tabs.append(page)
        return page

    yield opener
    for page in reversed(tabs):
        page.tab.close()


@pytest.fixture
def open_page(chromium: Chromium) -> Iterator[OpenPage]:
    """Open Chromium tabs at any origin, in a browser that forgot the earlier tests."""
    chromium.reset()

    def opener(origin: str, *, upstream: str | None = None) -> OriginPage:
        return chromium.open(origin, upstream=upstream)

    yield opener
    chromium.close_pages()


@pytest.fixture(scope="package")
def seed_server() -> Iterator[LiveServer]:
    """The seed's examples (demo/seed_app.py), served on loopback."""
    from demo.seed_app import create_app

    server = LiveServer(create_app())
    yield server
    server.close()


@pytest.fixture
def seed_api(seed_server: LiveServer) -> LiveServer:
    """The seed's server, with no requests recorded yet."""
    seed_server.clear()
    return seed_server


@pytest.fixture(scope="package")
def scenario_server() -> Iterator[LiveServer]:
    """The scenario app (tests/browser/apps.py), served on loopback."""
    from .apps import create_app

    server = LiveServer(create_app())
    yield server
    server.close()


@pytest.fixture
def api(scenario_server: LiveServer) -> LiveServer:
    """The scenario app's server, with no requests recorded yet."""
    scenario_server.clear()
    return scenario_server
