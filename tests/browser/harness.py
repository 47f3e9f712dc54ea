"""The parts of the browser tests: servers on loopback, Chromium, pages at any origin.

This module does not import ``cors`` (``conftest.py`` imports it, and
typeguard only instruments ``cors`` if the tests import it first).

How a page gets an origin such as ``https://app.example.com`` without DNS or a
certificate: the tab's requests to that origin (and only those) are rewritten,
through the Chrome DevTools Protocol, to a real page server on 127.0.0.1; the
page does not see the rewrite and keeps the origin it asked for. The API is
never intercepted: its preflights and responses come from its Werkzeug server
and are judged by Chromium's own CORS checks.

Two traps this avoids:

- Playwright's ``page.route()``/``context.route()``: while any route is active,
  Playwright answers every CORS preflight of the page itself with a
  permissive 204 (to any URL), so the library's answer would never be seen.
- Local Network Access: a document that Chromium believes public (for
  example one fulfilled from DevTools) may not call 127.0.0.1 unless the user
  allows it, and an insecure one (``http://app.example.com``) never may. A
  document loaded from 127.0.0.1 is in the loopback address space, like the
  API, so no such check applies, and no permission or feature flag is needed.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from collections.abc import Iterable
    from types import TracebackType

    from playwright.sync_api import BrowserContext, CDPSession, ConsoleMessage, Page, Playwright

CHROMIUM_ENV = "CHROMIUM"
"""Environment variable naming the Chromium executable (default /usr/bin/chromium)."""
DEFAULT_CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = (
    "install Debian's Chromium as root with `apt-get update && apt-get install -y chromium` "
    f"(or point ${CHROMIUM_ENV} at a Chromium executable)"
)

# Flags for a quiet, hermetic headless Chromium; Playwright adds --headless,
# --no-sandbox (needed as root) and a fresh --user-data-dir of our choosing.
CHROMIUM_ARGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
# Chromium blocks third-party cookies by default (the cookie shows up in the
# DevTools log as blocked by "UserPreferences"), and always in off-the-record
# contexts. A cross-site credentialed fetch only carries cookies with the
# profile setting Chrome calls "Allow third-party cookies", so the browser runs
# one persistent profile with that setting.
PROFILE_PREFERENCES = {"profile": {"cookie_controls_mode": 0}}
TIMEOUT_MS = 10_000
REASON_WAIT_S = 2.0

# The script the page runs: what fetch() resolves to, as the page sees it.
FETCH_JS = """async ([url, init]) => {
  try {
    const response = await fetch(url, init);
    const headers = Object.fromEntries(response.headers);
    return {read: true, status: response.status, headers, body: await response.text()};
  } catch (error) {
    return {read: false, error: `${error.name}: ${error.message}`};
  }
}"""
BLANK_PAGE = "<!doctype html><meta charset=utf-8><title>page</title><p>A page of this origin.</p>"
SANDBOXED = "sandbox allow-scripts"
"""The CSP that gives a document the opaque origin ``null``."""
NULL_ORIGIN_PAGE = "https://sandboxed.example"
"""Where a ``null``-origin page is opened from (its origin is ``null`` all the same)."""


# --- what the page sees -------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """The call resolved: what the page's script could read."""

    status: int
    body: str
    headers: Mapping[str, str]

    def json(self) -> object:
        """Return the body parsed as JSON."""
        return json.loads(self.body)


@dataclass(frozen=True)
class Blocked:
    """The call rejected.

    Attributes:
        error: What the script caught, e.g. ``TypeError: Failed to fetch``.
        reason: Why, as Chromium logs it to the page's console (the part
            after "has been blocked by CORS policy: "); empty when it logged
            no CORS error.
    """

    error: str
    reason: str


Outcome = Read | Blocked


@dataclass(frozen=True)
class Call:
    """One ``fetch()`` call, as data.

    Attributes:
        path: The path (and query) on the API server.
        method: The request method, as the script writes it.
        headers: Request headers the script sets.
        json: A body to send as JSON (with ``Content-Type: application/json``).
        credentials: The fetch credentials mode.
    """

    path: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    json: object = None
    credentials: Literal["omit", "same-origin", "include"] = "same-origin"

    def init(self) -> dict[str, object]:
        """Return the ``init`` argument of ``fetch()``."""
        headers = dict(self.headers)
        init: dict[str, object] = {"method": self.method, "credentials": self.credentials}
        if self.json is not None:
            headers["Content-Type"] = "application/json"
            init["body"] = json.dumps(self.json)
        init["headers"] = headers
        return init

    def __str__(self) -> str:
        extras = [*self.headers, *(["json"] if self.json is not None else [])]
        if self.credentials == "include":
            extras.append("credentials")
        return " ".join([self.method, self.path, *extras])


@dataclass(frozen=True)
class Reads:
    """Expect the page to read this status and body.

    Attributes:
        status: The status the script sees.
        json: The JSON body, when ``text`` is None.
        text: A substring of a body that is not JSON.
    """

    status: int
    json: object = None
    text: str | None = None


@dataclass(frozen=True)
class Refused:
    """Expect the browser to reject the call; its console reason holds each fragment."""

    fragments: tuple[str, ...]

    def __init__(self, *fragments: str) -> None:
        object.__setattr__(self, "fragments", fragments)


Expected = Reads | Refused

# Fragments of Chromium's console reasons.
NO_ALLOW_ORIGIN = "No 'Access-Control-Allow-Origin' header is present on the requested resource"
PREFLIGHT = "Response to preflight request doesn't pass access control check"
NOT_OK_STATUS = "It does not have HTTP ok status"
NO_CREDENTIALS = (
    "The value of the 'Access-Control-Allow-Credentials' header in the response is '' "
    "which must be 'true' when the request's credentials mode is 'include'"
)
FAILED_TO_FETCH = "TypeError: Failed to fetch"


def check(outcome: Outcome, expected: Expected) -> None:
    """Fail with a readable message unless the outcome is the expected one."""
    if isinstance(expected, Reads):
        if isinstance(outcome, Blocked):
            raise AssertionError(f"the browser blocked the call: {outcome.error}; {outcome.reason!r}")
        if outcome.status != expected.status:
            raise AssertionError(f"the page read status {outcome.status}, not {expected.status}")
        if expected.text is not None:
            if expected.text not in outcome.body:
                raise AssertionError(f"the page read {outcome.body!r}, without {expected.text!r}")
        elif outcome.json() != expected.json:
            raise AssertionError(f"the page read {outcome.json()!r}, not {expected.json!r}")
        return
    if isinstance(outcome, Read):
        raise AssertionError(
            f"the page read {outcome.status} {outcome.body!r}; the browser should have refused"
        )
    if outcome.error != FAILED_TO_FETCH:
        raise AssertionError(f"the script caught {outcome.error!r}, not {FAILED_TO_FETCH!r}")
    missing = [f for f in expected.fragments if f not in outcome.reason]
    if missing:
        raise AssertionError(f"the browser's reason {outcome.reason!r} lacks {missing!r}")


# --- the API server -----------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """One request as the server received it, and how it was answered.

    Header names are lower-case.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    status: int
    response_headers: Mapping[str, str]


class Recorder:
    """WSGI middleware that records every request and the status and headers of its answer."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._seen: list[Seen] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        headers = {
            key[5:].replace("_", "-").lower(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        method = str(environ["REQUEST_METHOD"])
        path = str(environ.get("PATH_INFO", ""))

        def recording_start_response(
            status: str,
            response_headers: list[tuple[str, str]],
            exc_info: tuple[type[BaseException], BaseException, TracebackType]
            | tuple[None, None, None]
            | None = None,
        ) -> Any:
            seen = Seen(
                method=method,
                path=path,
                headers=headers,
                status=int(status.split(" ", 1)[0]),
                response_headers={name.lower(): value for name, value in response_headers},
            )
            with self._lock:
                self._seen.append(seen)
            return start_response(status, response_headers, exc_info)

        return self.app(environ, recording_start_response)

    def seen(self) -> list[Seen]:
        """Return the requests recorded so far, oldest first."""
        with self._lock:
            return list(self._seen)

    def clear(self) -> None:
        """Forget the requests recorded so far."""
        with self._lock:
            self._seen.clear()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class LiveServer:
    """A WSGI app served by Werkzeug on 127.0.0.1, on a free port, in a thread."""

    def __init__(self, app: WSGIApplication) -> None:
        self.recorder = Recorder(app)
        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, self.recorder, threaded=True, request_handler=_QuietHandler
        )
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        """Return the absolute URL of a path on this server."""
        return self.base + path

    def seen(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        """Return the recorded requests, optionally only those of one method and path."""
        return [
            s
            for s in self.recorder.seen()
            if (method is None or s.method == method) and (path is None or s.path == path)
        ]

    def methods(self, path: str) -> list[str]:
        """Return the methods of the requests that reached a path, in order."""
        return [s.method for s in self.seen(path=path)]

    def clear(self) -> None:
        """Forget the requests recorded so far."""
        self.recorder.clear()

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- the browser --------------------------------------------------------------


def find_chromium() -> str | None:
    """Return the Chromium executable to drive, or None when there is none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


def launch(playwright: Playwright, executable: str, profile: Path) -> BrowserContext:
    """Start headless Chromium with a fresh profile and return its one browser context."""
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(json.dumps(PROFILE_PREFERENCES))
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=executable,
        headless=True,
        args=list(CHROMIUM_ARGS),
        timeout=30_000,
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def ascii_origin(origin: str) -> str:
    """Return an origin as browsers serialise it: an IDN host in its ASCII (punycode) form."""
    scheme, rest = origin.split("://", 1)
    host, colon, port = rest.partition(":")
    return f"{scheme}://{host.encode('idna').decode('ascii')}{colon}{port}"


def page_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Serve the blank page of every test origin: ``/``, and ``/sandboxed`` with origin null."""
    path = environ.get("PATH_INFO")
    headers = [("Content-Type", "text/html; charset=utf-8")]
    if path == "/sandboxed":
        headers.append(("Content-Security-Policy", SANDBOXED))
    start_response("200 OK" if path in ("/", "/sandboxed") else "404 Not Found", headers)
    return [BLANK_PAGE.encode()]


class OriginPage:
    """A browser tab whose document has a chosen origin.

    The tab's requests to its own origin are sent to ``upstream``, a real
    server on loopback, through a DevTools session of this tab only; the
    page does not see the rewrite. Nothing else is intercepted.
    """

    def __init__(
        self,
        context: BrowserContext,
        origin: str,
        upstream: str,
        *,
        sandboxed: bool = False,
    ) -> None:
        self.origin = "null" if sandboxed else ascii_origin(origin)
        self._prefix = NULL_ORIGIN_PAGE if sandboxed else self.origin
        self._upstream = upstream
        self.console: list[str] = []
        self.page: Page = context.new_page()
        self.page.on("console", self._on_console)
        self._cdp: CDPSession = context.new_cdp_session(self.page)
        self._cdp.on("Fetch.requestPaused", self._on_paused)
        self._cdp.send(
            "Fetch.enable",
            {"patterns": [{"urlPattern": self._prefix + "/*", "requestStage": "Request"}]},
        )
        self.page.goto(self._prefix + ("/sandboxed" if sandboxed else "/"))

    def _on_console(self, message: ConsoleMessage) -> None:
        self.console.append(message.text)

    def _on_paused(self, event: dict[str, Any]) -> None:
        url: str = event["request"]["url"]
        target = self._upstream + url[len(self._prefix) :]
        self._cdp.send("Fetch.continueRequest", {"requestId": event["requestId"], "url": target})

    def fetch(self, url: str, call: Call) -> Outcome:
        """Run ``fetch(url, call.init())`` in the page and return what it resolved to."""
        logged = len(self.console)
        result = self.page.evaluate(FETCH_JS, [url, call.init()])
        if result["read"]:
            return Read(status=result["status"], body=result["body"], headers=result["headers"])
        return Blocked(error=result["error"], reason=self._reason(url, logged))

    def call(self, server: LiveServer, call: Call) -> Outcome:
        """Make a call to a server from the page and return what ``fetch()`` resolved to."""
        return self.fetch(server.url(call.path), call)

    def _reason(self, url: str, logged: int) -> str:
        """Wait (briefly) for the console error in which Chromium says why it blocked a URL."""
        prefix = f"Access to fetch at '{url}' from origin '{self.origin}' has been blocked by CORS policy: "
        deadline = time.monotonic() + REASON_WAIT_S
        while True:
            for text in self.console[logged:]:
                if text.startswith(prefix):
                    return text[len(prefix) :]
            if time.monotonic() > deadline:
                return ""
            self.page.wait_for_timeout(20)

    def close(self) -> None:
        """Close the tab."""
        self.page.close()
