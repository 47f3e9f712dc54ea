"""The three browser engines, each behind one small interface: open a tab at an origin, run a script.

This module does not import ``cors`` (``conftest.py`` imports it, and
typeguard only instruments ``cors`` if the tests import it first).

- **Chromium** (Debian ``chromium``) through Playwright. A tab's requests to
  its own origin are rewritten to the page server through the Chrome
  DevTools Protocol (see :class:`OriginPage`); ``backend.example.com`` resolves
  to 127.0.0.1 by a ``--host-resolver-rules`` flag.
- **Firefox ESR** (Debian ``firefox-esr``) through its built-in WebDriver
  BiDi protocol, spoken over a websocket (no geckodriver). Every host but
  loopback goes through :class:`~.servers.OriginProxy`, set in the profile's
  prefs; each tab lives in its own user context (a fresh cookie jar and
  cache).
- **WebKit** (Debian ``webkit2gtk-driver``: WebKitGTK's ``WebKitWebDriver``
  and ``MiniBrowser``) through Selenium, under a private Xvfb (MiniBrowser
  has no headless mode). The proxy is set in the browser's environment
  (``https_proxy``), as the ``sslProxy`` capability makes WebKitGTK speak
  TLS to the proxy itself.

Time-outs only catch hangs: :data:`START_TIMEOUT_S` for a browser to start,
:data:`COMMAND_TIMEOUT_S` for one command. Nothing here is retried.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, CDPSession, ConsoleMessage, Page, Playwright
    from selenium.webdriver import WebKitGTK
    from websockets.sync.client import ClientConnection

    from .servers import OriginProxy

START_TIMEOUT_S = 60.0
COMMAND_TIMEOUT_S = 60.0
CONSOLE_TIMEOUT_S = 10.0
"""How long to wait for a console message an engine is known to log (it comes at once)."""

API_HOST = "backend.example.com"
"""A host name of the API servers, on the same site as the pages' ``https://app.example.com``."""
NULL_ORIGIN_PAGE = "https://sandboxed.example"
"""Where a ``null``-origin page is opened from (its origin is ``null`` all the same)."""

CHROMIUM_ENV = "CHROMIUM"
"""Environment variable naming the Chromium executable (default /usr/bin/chromium)."""
DEFAULT_CHROMIUM = "/usr/bin/chromium"
FIREFOX_ENV = "FIREFOX"
"""Environment variable naming the Firefox executable (default firefox-esr on PATH)."""
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER_GLOB = "/usr/lib/*/webkit2gtk-4.*/MiniBrowser"

INSTALL_HINTS = {
    "chromium": "apt-get install -y chromium (or point $CHROMIUM at a Chromium executable)",
    "firefox": "apt-get install -y firefox-esr (or point $FIREFOX at a Firefox executable)",
    "webkit": "apt-get install -y webkit2gtk-driver xvfb",
}


class EngineMissing(Exception):
    """The engine, or what drives it, is not installed; the message says how to install it."""


# --- the interface -------------------------------------------------------------


class Tab(ABC):
    """A page whose document has a chosen origin, in one engine.

    Attributes:
        origin: The page's origin as the engine serialises it (``null`` for a sandboxed page).
        url: The URL the page was loaded from.
        console: The messages the engine logged to the page's console so far.
    """

    def __init__(self, origin: str, url: str) -> None:
        self.origin = origin
        self.url = url
        self.console: list[str] = []

    @abstractmethod
    def run(self, function: str, argument: object) -> Any:
        """Call an (async) JavaScript function with one JSON argument, and return its JSON result."""

    @abstractmethod
    def wait(self, seconds: float) -> None:
        """Let the engine deliver its events (console messages) for a moment."""

    @abstractmethod
    def close(self) -> None:
        """Close the page."""


class Engine(ABC):
    """One browser, started once for the whole run.

    Attributes:
        name: ``chromium``, ``firefox`` or ``webkit``.
        fetch_error: What a script catches when the engine refuses a fetch.
        console_reasons: Whether the driver can read why the engine refused
            (the engine's console message).
    """

    name: ClassVar[str]
    fetch_error: ClassVar[str]
    console_reasons: ClassVar[bool]

    @abstractmethod
    def open(self, origin: str) -> Tab:
        """Open a page of this origin (``"null"``: a sandboxed page) on the page server."""

    @abstractmethod
    def reset(self) -> None:
        """Forget what earlier tests left (cookies, cached preflights), as far as the driver can."""

    @abstractmethod
    def close(self) -> None:
        """Stop the browser and everything started for it."""

    def reason(self, tab: Tab, url: str, *, since: int = 0) -> str | None:
        """Wait for, and return, the console messages (after the first ``since``) that say why it refused ``url``."""
        if not self.console_reasons:
            return None
        deadline = time.monotonic() + CONSOLE_TIMEOUT_S
        while True:
            found = [text for text in tab.console[since:] if self.is_reason(text, tab.origin, url)]
            if found or time.monotonic() > deadline:
                return " | ".join(found)
            tab.wait(0.02)

    def is_reason(self, text: str, origin: str, url: str) -> bool:
        """Return whether a console message is this engine's reason for refusing a fetch of ``url``."""
        return False


def ascii_origin(origin: str) -> str:
    """Return an origin as browsers serialise it: an IDN host in its ASCII (punycode) form."""
    scheme, rest = origin.split("://", 1)
    host, colon, port = rest.partition(":")
    return f"{scheme}://{host.encode('idna').decode('ascii')}{colon}{port}"


def page_url(origin: str) -> tuple[str, str]:
    """Return the origin a page will have and the URL it is loaded from."""
    if origin == "null":
        return "null", NULL_ORIGIN_PAGE + "/sandboxed"
    origin = ascii_origin(origin)
    return origin, origin + "/"


def browser_env(home: Path, **extra: str) -> dict[str, str]:
    """Return an environment in which a browser writes its files under ``home`` only."""
    env = {**os.environ, **extra}
    env["HOME"] = str(home)
    for name, sub in (("XDG_CACHE_HOME", ".cache"), ("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share")):
        env[name] = str(home / sub)
    return env


# --- Chromium ------------------------------------------------------------------

# Flags for a quiet, hermetic headless Chromium; Playwright adds --headless,
# --no-sandbox (needed as root) and a fresh --user-data-dir of our choosing.
CHROMIUM_ARGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    f"--host-resolver-rules=MAP {API_HOST} 127.0.0.1",
)
CHROMIUM_TIMEOUT_MS = 60_000


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
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=executable,
        headless=True,
        args=list(CHROMIUM_ARGS),
        # The API's TLS listeners have a self-signed certificate.
        ignore_https_errors=True,
        timeout=START_TIMEOUT_S * 1000,
    )
    context.set_default_timeout(CHROMIUM_TIMEOUT_MS)
    return context


class OriginPage(Tab):
    """A Chromium tab whose document has a chosen origin.

    How a page gets an origin such as ``https://app.example.com`` without DNS
    or a certificate: the tab's requests to that origin (and only those) are
    rewritten, through a DevTools session of this tab only, to a real page
    server on 127.0.0.1; the page does not see the rewrite. The API is never
    intercepted: its preflights and responses come from its Werkzeug server
    and are judged by Chromium's own CORS checks.

    Two traps this avoids:

    - Playwright's ``page.route()``/``context.route()``: while any route is
      active, Playwright answers every CORS preflight of the page itself with
      a permissive 204 (to any URL), so the library's answer would never be seen.
    - Local Network Access: a document that Chromium believes public (for
      example one fulfilled from DevTools) may not call 127.0.0.1 unless the
      user allows it. A document loaded from 127.0.0.1 is in the loopback
      address space, like the API, so no such check applies.

    Attributes:
        page: The Playwright page, for tests that drive Chromium directly.
    """

    def __init__(self, context: BrowserContext, origin: str, upstream: str, *, sandboxed: bool = False) -> None:
        shown, url = page_url("null" if sandboxed else origin)
        super().__init__(shown, url)
        self._prefix = url.rsplit("/", 1)[0]
        self._upstream = upstream
        self.page: Page = context.new_page()
        self.page.on("console", self._on_console)
        self._cdp: CDPSession = context.new_cdp_session(self.page)
        self._cdp.on("Fetch.requestPaused", self._on_paused)
        self._cdp.send(
            "Fetch.enable",
            {"patterns": [{"urlPattern": self._prefix + "/*", "requestStage": "Request"}]},
        )
        self.page.goto(url)

    def _on_console(self, message: ConsoleMessage) -> None:
        self.console.append(message.text)

    def _on_paused(self, event: dict[str, Any]) -> None:
        url: str = event["request"]["url"]
        target = self._upstream + url[len(self._prefix) :]
        self._cdp.send("Fetch.continueRequest", {"requestId": event["requestId"], "url": target})

    def run(self, function: str, argument: object) -> Any:
        return self.page.evaluate(function, argument)

    def wait(self, seconds: float) -> None:
        self.page.wait_for_timeout(seconds * 1000)

    def close(self) -> None:
        if not self.page.is_closed():
            self.page.close()


class Chromium(Engine):
    """The session's Chromium: one persistent context, reset between tests."""

    name = "chromium"
    fetch_error = "TypeError: Failed to fetch"
    console_reasons = True

    def __init__(self, context: BrowserContext, page_base: str) -> None:
        self.context = context
        self.page_base = page_base
        # A DevTools session on the profile's first tab, for housekeeping only.
        self._cdp: CDPSession = context.new_cdp_session(context.pages[0])
        self.pages: list[OriginPage] = []

    def open(self, origin: str, *, upstream: str | None = None) -> OriginPage:
        page = OriginPage(self.context, origin, upstream or self.page_base, sandboxed=origin == "null")
        self.pages.append(page)
        return page

    def reset(self) -> None:
        """Close the earlier test's tabs; forget its cookies and cached preflight answers."""
        self.close_pages()
        self.context.clear_cookies()
        self._cdp.send("Network.clearBrowserCache")

    def close_pages(self) -> None:
        """Close the tabs a test opened."""
        while self.pages:
            self.pages.pop().close()

    def close(self) -> None:
        self.close_pages()

    def is_reason(self, text: str, origin: str, url: str) -> bool:
        # third_party/blink/renderer/core/fetch/fetch_manager.cc: "Access to fetch at
        # '<url>' from origin '<origin>' has been blocked by CORS policy: <reason>".
        return text.startswith(f"Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: ")


# --- Firefox -------------------------------------------------------------------

FIREFOX_PREFS: Mapping[str, object] = {
    # Every host goes through the proxy, localhost too (pages of http://localhost:3000);
    # the proxy passes 127.0.0.1 through.
    "network.proxy.type": 1,
    "network.proxy.allow_hijacking_localhost": True,
    "network.proxy.no_proxies_on": "",
    "network.proxy.share_proxy_settings": True,
    # Keep http://app.example.com an http page: HTTPS-First would try
    # https:// first, which the proxy also serves.
    "dom.security.https_first": False,
    "dom.security.https_first_schemeless": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
}


def find_firefox() -> str | None:
    """Return the Firefox executable to drive, or None when there is none."""
    configured = os.environ.get(FIREFOX_ENV)
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("firefox-esr") or shutil.which("firefox")


class BiDi:
    """A WebDriver BiDi client: commands in order, events kept until read.

    Commands are sent one at a time from the test thread; the events that
    arrive before a command's answer (console messages) go to ``on_event``.
    """

    def __init__(self, connection: ClientConnection, on_event: Callable[[dict[str, Any]], None]) -> None:
        self._connection = connection
        self._ids = itertools.count(1)
        self._on_event = on_event

    def __call__(self, method: str, **params: object) -> dict[str, Any]:
        """Send a command and return its result."""
        number = next(self._ids)
        self._connection.send(json.dumps({"id": number, "method": method, "params": params}))
        deadline = time.monotonic() + COMMAND_TIMEOUT_S
        while True:
            message = self._receive(deadline - time.monotonic())
            if message is None:
                raise TimeoutError(f"Firefox did not answer {method} within {COMMAND_TIMEOUT_S} s")
            if message.get("id") == number:
                if message.get("type") == "error":
                    raise RuntimeError(f"Firefox refused {method}: {message}")
                result: dict[str, Any] = message["result"]
                return result

    def pump(self, seconds: float) -> None:
        """Deliver the events that arrive within ``seconds``."""
        deadline = time.monotonic() + seconds
        while self._receive(deadline - time.monotonic()) is not None:
            pass

    def _receive(self, seconds: float) -> dict[str, Any] | None:
        try:
            raw = self._connection.recv(timeout=max(0.0, seconds))
        except TimeoutError:
            return None
        message: dict[str, Any] = json.loads(raw)
        if message.get("type") == "event":
            self._on_event(message)
        return message


class FirefoxTab(Tab):
    """A Firefox tab, in the user context of the current test."""

    def __init__(self, firefox: Firefox, origin: str) -> None:
        shown, url = page_url(origin)
        super().__init__(shown, url)
        self._firefox = firefox
        self._bidi = firefox.bidi
        self.context: str = self._bidi("browsingContext.create", type="tab", userContext=firefox.user_context())[
            "context"
        ]
        firefox.tabs[self.context] = self
        self._bidi("browsingContext.navigate", context=self.context, url=url, wait="complete")

    def run(self, function: str, argument: object) -> Any:
        expression = (
            f"Promise.resolve(({function})({json.dumps(argument)}))"
            ".then(value => JSON.stringify(value === undefined ? null : value))"
        )
        answer = self._bidi(
            "script.evaluate",
            expression=expression,
            target={"context": self.context},
            awaitPromise=True,
        )
        if answer["type"] != "success":
            raise RuntimeError(f"the script failed in Firefox: {answer}")
        return json.loads(answer["result"]["value"])

    def wait(self, seconds: float) -> None:
        self._bidi.pump(seconds)

    def close(self) -> None:
        if self._firefox.tabs.pop(self.context, None) is not None:
            self._bidi("browsingContext.close", context=self.context)


class Firefox(Engine):
    """Firefox ESR over WebDriver BiDi, with every non-loopback host proxied to the page server."""

    name = "firefox"
    fetch_error = "TypeError: NetworkError when attempting to fetch resource."
    console_reasons = True

    def __init__(self, executable: str, proxy: OriginProxy) -> None:
        self.tabs: dict[str, FirefoxTab] = {}
        self._user_context: str | None = None
        self._stack = ExitStack()
        try:
            self._start(executable, proxy)
        except BaseException:
            self._stack.close()
            raise

    def _start(self, executable: str, proxy: OriginProxy) -> None:
        home = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="cors-firefox-")))
        profile = home / "profile"
        profile.mkdir()
        prefs = {
            **FIREFOX_PREFS,
            "network.proxy.http": "127.0.0.1",
            "network.proxy.http_port": proxy.port,
            "network.proxy.ssl": "127.0.0.1",
            "network.proxy.ssl_port": proxy.port,
        }
        (profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(key)}, {json.dumps(value)});\n" for key, value in prefs.items())
        )
        process = subprocess.Popen(
            [executable, "--headless", "--no-remote", "--profile", str(profile), "--remote-debugging-port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=browser_env(home),
            start_new_session=True,
        )
        self._stack.callback(stop_group, process)
        endpoint = bidi_endpoint(process)
        from websockets.sync.client import connect

        connection = self._stack.enter_context(
            connect(endpoint + "/session", max_size=None, open_timeout=START_TIMEOUT_S)
        )
        self.bidi = BiDi(connection, self._on_event)
        self.bidi("session.new", capabilities={"alwaysMatch": {"acceptInsecureCerts": True}})
        self._stack.callback(self._end_session)
        self.bidi("session.subscribe", events=["log.entryAdded"])

    def _end_session(self) -> None:
        try:
            self.bidi("session.end")
        except Exception:  # noqa: BLE001 - the browser is stopped next in any case
            pass

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("method") != "log.entryAdded":
            return
        params = event["params"]
        tab = self.tabs.get(params.get("source", {}).get("context", ""))
        if tab is not None:
            tab.console.append(str(params.get("text", "")))

    def open(self, origin: str) -> FirefoxTab:
        return FirefoxTab(self, origin)

    def user_context(self) -> str:
        """Return the current test's user context (a container: cookies and caches of its own)."""
        if self._user_context is None:
            self._user_context = str(self.bidi("browser.createUserContext")["userContext"])
        return self._user_context

    def reset(self) -> None:
        """Close the earlier test's tabs and user context; the next tab starts a fresh one."""
        for tab in list(self.tabs.values()):
            tab.close()
        if self._user_context is not None:
            self.bidi("browser.removeUserContext", userContext=self._user_context)
            self._user_context = None

    def close(self) -> None:
        self.reset()
        self._stack.close()

    def is_reason(self, text: str, origin: str, url: str) -> bool:
        # dom/locales/en-US/chrome/security/security.properties, CORS*: "Cross-Origin
        # Request Blocked: The Same Origin Policy disallows reading the remote resource
        # at <url>. (Reason: <reason>)."
        return text.startswith("Cross-Origin Request Blocked") and f" at {url}. " in text


def bidi_endpoint(process: subprocess.Popen[str]) -> str:
    """Return the websocket Firefox prints once its BiDi server listens; keep draining its stderr."""
    assert process.stderr is not None
    stderr = process.stderr
    lines: queue.Queue[str | None] = queue.Queue()
    listening = threading.Event()

    def drain() -> None:
        # Read to the end, so that Firefox never blocks on a full pipe; keep only what comes first.
        try:
            for line in stderr:
                if not listening.is_set():
                    lines.put(line)
        except (OSError, ValueError):
            pass  # closed by stop_group
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_S
    seen: list[str] = []
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        if line is None:
            raise RuntimeError(f"Firefox did not start its WebDriver BiDi server: {''.join(seen[-20:])}")
        seen.append(line)
        if match := re.search(r"WebDriver BiDi listening on (ws://\S+)", line):
            listening.set()
            return match.group(1)


def stop_group(process: subprocess.Popen[Any]) -> None:
    """Stop a process and the children of its session (Firefox's content processes)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=COMMAND_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


# --- WebKit --------------------------------------------------------------------


def find_webkit() -> tuple[str, str] | None:
    """Return WebKitWebDriver and MiniBrowser, or None when either is missing."""
    browsers = sorted(glob.glob(MINIBROWSER_GLOB))
    if not os.access(WEBKIT_DRIVER, os.X_OK) or not browsers or shutil.which("Xvfb") is None:
        return None
    return WEBKIT_DRIVER, browsers[-1]


@contextmanager
def xvfb() -> Iterator[str]:
    """Run a private X server and yield its display (``:N``)."""
    read, write = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield ":" + number
    finally:
        stop_group(process)


class WebKitTab(Tab):
    """The one WebKit window, navigated to a page of the chosen origin."""

    def __init__(self, driver: WebKitGTK, origin: str) -> None:
        shown, url = page_url(origin)
        super().__init__(shown, url)
        self._driver = driver
        driver.get(url)

    def run(self, function: str, argument: object) -> Any:
        # WebDriver classic awaits a returned Promise.
        return self._driver.execute_script(f"return ({function})(arguments[0]);", argument)

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        """Nothing to do: the next page replaces it."""


class WebKit(Engine):
    """WebKitGTK's MiniBrowser through WebKitWebDriver and Selenium, under Xvfb.

    MiniBrowser has one window, which each page replaces. The driver cannot
    read the console: the ``enable-write-console-messages-to-stdout`` setting
    that prints it outside automation is not applied to the automation
    session's views. Cookies can only be deleted for the page's own host
    (WebDriver's Delete All Cookies), so tests that need a cookie set it first.
    """

    name = "webkit"
    fetch_error = "TypeError: Load failed"
    console_reasons = False

    def __init__(self, driver_path: str, browser_path: str, proxy: OriginProxy) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        self._stack = ExitStack()
        try:
            home = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="cors-webkit-")))
            display = self._stack.enter_context(xvfb())
            options = Options()
            options.binary_location = browser_path
            # Without it MiniBrowser opens a normal window and the session never starts.
            options.add_argument("--automation")
            options.accept_insecure_certs = True
            through = f"http://127.0.0.1:{proxy.port}"
            env = browser_env(
                home,
                DISPLAY=display,
                http_proxy=through,
                https_proxy=through,
                # Not localhost: pages of http://localhost:3000 come from the page server too.
                no_proxy="127.0.0.1",
                # No Selenium Manager: the driver's path is given.
                SE_OFFLINE="true",
            )
            service = Service(executable_path=driver_path, env=env, log_output=subprocess.DEVNULL)
            with warnings.catch_warnings():
                # Selenium's own WebKitGTK class still builds its connection the deprecated way.
                warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
                self.driver = webdriver.WebKitGTK(options=options, service=service)
            self._stack.callback(self.driver.quit)
            self.driver.set_script_timeout(COMMAND_TIMEOUT_S)
            self.driver.set_page_load_timeout(COMMAND_TIMEOUT_S)
        except BaseException:
            self._stack.close()
            raise

    def open(self, origin: str) -> WebKitTab:
        return WebKitTab(self.driver, origin)

    def reset(self) -> None:
        """Nothing the driver can do across hosts; the API URLs of each page are its own (see harness)."""

    def close(self) -> None:
        self._stack.close()
