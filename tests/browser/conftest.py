"""Fixtures of the browser tests: one Chromium for the whole suite, API servers in threads.

The browser and the servers are package-scoped: they stop as soon as the
browser tests are done. Playwright's sync API keeps an asyncio event loop
marked as running in the main thread while it is open, and tests elsewhere
that run an ``async def`` view through Flask's test client (asgiref's
AsyncToSync) refuse to run in such a thread.

Apps that use ``cors`` are imported inside fixtures, never at module level,
so that typeguard instruments ``cors`` when the tests import it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Protocol

import pytest

from .harness import INSTALL_HINT, LiveServer, OriginPage, find_chromium, launch, page_app

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, CDPSession


def unavailable(message: str) -> NoReturn:
    """Fail under CI (the env var CI is set), skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class Chromium:
    """The session's browser: one persistent context, reset between tests."""

    def __init__(self, context: BrowserContext, page_server: LiveServer) -> None:
        self.context = context
        self.page_server = page_server
        # A DevTools session on the profile's first tab, for housekeeping only.
        self._cdp: CDPSession = context.new_cdp_session(context.pages[0])
        self.pages: list[OriginPage] = []

    def reset(self) -> None:
        """Forget cookies and cached preflight answers of earlier tests."""
        self.context.clear_cookies()
        self._cdp.send("Network.clearBrowserCache")

    def close_pages(self) -> None:
        """Close the tabs a test opened."""
        while self.pages:
            self.pages.pop().close()


class OpenPage(Protocol):
    """Open a tab whose document has the given origin (``"null"``: a sandboxed one)."""

    def __call__(self, origin: str, *, upstream: str | None = None) -> OriginPage: ...


@pytest.fixture(scope="package")
def chromium() -> Iterator[Chromium]:
    """Debian's Chromium, driven by Playwright, for all the browser tests."""
    executable = find_chromium()
    if executable is None:
        unavailable(f"The browser tests need Chromium, which is missing: {INSTALL_HINT}.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("The browser tests need Playwright for Python: pip install -e '.[dev]'.")
    with tempfile.TemporaryDirectory(prefix="cors-chromium-") as profile, sync_playwright() as pw:
        context = launch(pw, executable, Path(profile))
        page_server = LiveServer(page_app)
        try:
            yield Chromium(context, page_server)
        finally:
            context.close()
            page_server.close()


@pytest.fixture
def open_page(chromium: Chromium) -> Iterator[OpenPage]:
    """Open tabs at any origin, in a browser that forgot the earlier tests."""
    chromium.reset()

    def opener(origin: str, *, upstream: str | None = None) -> OriginPage:
        page = OriginPage(
            chromium.context,
            origin,
            upstream or chromium.page_server.base,
            sandboxed=origin == "null",
        )
        chromium.pages.append(page)
        return page

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
