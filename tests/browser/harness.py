"""What the browser tests ask and expect: calls as data, what the page sees, the engines' reasons.

This module does not import ``cors`` (``conftest.py`` imports it, and
typeguard only instruments ``cors`` if the tests import it first).

A test opens a :class:`Page` at an origin in one engine, makes a :class:`Call`
to a :class:`~.servers.LiveServer` and checks the :data:`Outcome` against an
:data:`Expected`, written once for every engine. A refusal names its reason
as a :class:`Reason`, which holds the words each engine logs for it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from .engines import Engine, Tab
from .servers import LiveServer, Seen

__all__ = [
    "ANY_ORIGIN_CREDENTIALS",
    "MULTIPLE_ALLOW_ORIGIN",
    "NOT_OK_STATUS",
    "NO_ALLOW_ORIGIN",
    "NO_CREDENTIALS",
    "PREFLIGHT",
    "Blocked",
    "Call",
    "Expected",
    "LiveServer",
    "Outcome",
    "Page",
    "Read",
    "Reads",
    "Reason",
    "Refused",
    "Seen",
    "check",
    "header_not_allowed",
    "method_not_allowed",
]

# The script the page runs: what fetch() resolves to, as the page sees it.
FETCH_JS = """async ([url, init]) => {
  try {
    const response = await fetch(url, init);
    const headers = Object.fromEntries(response.headers);
    return {read: true, status: response.status, headers, body: await response.text(),
            url: response.url, redirected: response.redirected};
  } catch (error) {
    return {read: false, error: `${error.name}: ${error.message}`};
  }
}"""

_pages = itertools.count(1)


# --- what the page sees -------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """The call resolved: what the page's script could read."""

    status: int
    body: str
    headers: Mapping[str, str]
    url: str = ""
    redirected: bool = False

    def json(self) -> object:
        """Return the body parsed as JSON."""
        return json.loads(self.body)


@dataclass(frozen=True)
class Blocked:
    """The call rejected.

    Attributes:
        error: What the script caught, e.g. ``TypeError: Failed to fetch``.
        engine: The engine that refused.
    """

    error: str
    engine: Engine
    _reason: Callable[[], str | None] = field(repr=False, compare=False)

    @cached_property
    def reason(self) -> str | None:
        """Why, as the engine logs it to the page's console; None where the driver cannot read it.

        Read on demand: it waits for the engine's console message.
        """
        return self._reason()


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
        redirect: The fetch redirect mode.
    """

    path: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    json: object = None
    credentials: Literal["omit", "same-origin", "include"] = "same-origin"
    redirect: Literal["follow", "error", "manual"] = "follow"

    def init(self) -> dict[str, object]:
        """Return the ``init`` argument of ``fetch()``."""
        headers = dict(self.headers)
        init: dict[str, object] = {"method": self.method, "credentials": self.credentials, "redirect": self.redirect}
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


class Page:
    """A page of one origin in one engine, that calls the test servers.

    Every API URL the page calls carries a query of its own (``tab=N``), so
    that no engine answers a call of this page from a preflight it cached for
    an earlier test: not every driver can clear that cache (WebKit's cannot),
    and engines keep a preflight for 5 s even without ``Access-Control-Max-Age``.
    The views ignore it.

    Attributes:
        origin: The page's origin, as the engine serialises it.
        engine: The engine the page is open in.
        tab: The engine's page.
    """

    def __init__(self, engine: Engine, tab: Tab) -> None:
        self.engine = engine
        self.tab = tab
        self.origin = tab.origin
        self.tag = f"tab={next(_pages)}"
        shown = tab.run("() => self.origin", None)
        if shown != tab.origin:
            raise AssertionError(f"{engine.name} opened a page of origin {shown!r}, not {tab.origin!r}")

    @property
    def secure(self) -> bool:
        """Whether the page was loaded over https (it then calls the API's TLS listener)."""
        return self.tab.url.startswith("https://")

    def url(self, server: LiveServer, path: str, *, host: str = "127.0.0.1", secure: bool | None = None) -> str:
        """Return the URL of a path on a server as this page calls it (over TLS if the page is, by default)."""
        tls = self.secure if secure is None else secure
        scheme, port = ("https", server.tls_port) if tls else ("http", server.port)
        return f"{scheme}://{host}:{port}{path}{'&' if '?' in path else '?'}{self.tag}"

    def fetch(self, url: str, call: Call) -> Outcome:
        """Run ``fetch(url, call.init())`` in the page and return what it resolved to."""
        logged = len(self.tab.console)
        result = self.tab.run(FETCH_JS, [url, call.init()])
        if result["read"]:
            return Read(
                status=result["status"],
                body=result["body"],
                headers=result["headers"],
                url=result["url"],
                redirected=result["redirected"],
            )
        tab, engine = self.tab, self.engine

        def reason() -> str | None:
            return engine.reason(tab, url, since=logged)

        return Blocked(error=result["error"], engine=engine, _reason=reason)

    def call(
        self, server: LiveServer, call: Call, *, host: str = "127.0.0.1", secure: bool | None = None
    ) -> Outcome:
        """Make a call to a server from the page and return what ``fetch()`` resolved to."""
        return self.fetch(self.url(server, call.path, host=host, secure=secure), call)


# --- what a test expects ------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why an engine refused, in the words each engine logs to the console.

    WebKit logs its reasons too ("Origin ... is not allowed by
    Access-Control-Allow-Origin.", Source/WebCore/loader/CrossOriginAccessControl.cpp),
    but WebKitWebDriver gives no access to the console, so only Chromium's
    and Firefox's are checked.

    Attributes:
        chromium: A fragment of Chromium's message
            (services/network/public/cpp/cors/cors_error_status.cc and
            third_party/blink/renderer/platform/loader/cors/cors_error_string.cc).
        firefox: A fragment of Firefox's message
            (dom/locales/en-US/chrome/security/security.properties, the CORS* strings),
            or None where Firefox logs nothing of its own for this reason.
    """

    chromium: str
    firefox: str | None

    def words(self, engine: str) -> str | None:
        """Return the fragment of one engine's message, or None for an engine whose console is not read."""
        return {"chromium": self.chromium, "firefox": self.firefox}.get(engine)


NO_ALLOW_ORIGIN = Reason(
    chromium="No 'Access-Control-Allow-Origin' header is present on the requested resource",
    firefox="(Reason: CORS header \u2018Access-Control-Allow-Origin\u2019 missing)",
)
# Firefox logs a refused preflight as it logs the refused call itself ("CORS header
# 'Access-Control-Allow-Origin' missing", with the preflight's status code), sometimes
# followed by "CORS request did not succeed"; nothing says it was the preflight.
PREFLIGHT = Reason(
    chromium="Response to preflight request doesn't pass access control check",
    firefox=None,
)
NOT_OK_STATUS = Reason(
    chromium="It does not have HTTP ok status",
    firefox="(Reason: CORS preflight response did not succeed)",
)
NO_CREDENTIALS = Reason(
    chromium=(
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' "
        "which must be 'true' when the request's credentials mode is 'include'"
    ),
    firefox="(Reason: expected \u2018true\u2019 in CORS header \u2018Access-Control-Allow-Credentials\u2019)",
)
ANY_ORIGIN_CREDENTIALS = Reason(
    chromium=(
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the "
        "wildcard '*' when the request's credentials mode is 'include'"
    ),
    firefox="(Reason: Credential is not supported if the CORS header \u2018Access-Control-Allow-Origin\u2019 is \u2018*\u2019)",
)
MULTIPLE_ALLOW_ORIGIN = Reason(
    chromium="contains multiple values",
    firefox="(Reason: Multiple CORS header \u2018Access-Control-Allow-Origin\u2019 not allowed)",
)


def header_not_allowed(name: str) -> Reason:
    """The preflight's Access-Control-Allow-Headers lacks a request header (lower-case name)."""
    return Reason(
        chromium=f"Request header field {name} is not allowed by Access-Control-Allow-Headers in preflight response",
        firefox=(
            f"(Reason: header \u2018{name}\u2019 is not allowed according to header "
            "\u2018Access-Control-Allow-Headers\u2019 from CORS preflight response)"
        ),
    )


def method_not_allowed(method: str) -> Reason:
    """The preflight's Access-Control-Allow-Methods lacks the method (as the script wrote it)."""
    return Reason(
        chromium=f"Method {method} is not allowed by Access-Control-Allow-Methods in preflight response",
        # Firefox does not name the method.
        firefox="(Reason: Did not find method in CORS header \u2018Access-Control-Allow-Methods\u2019)",
    )


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
    """Expect the browser to reject the call; its console reason (where readable) names each reason."""

    reasons: tuple[Reason, ...]

    def __init__(self, *reasons: Reason) -> None:
        object.__setattr__(self, "reasons", reasons)


Expected = Reads | Refused


def check(outcome: Outcome, expected: Expected) -> None:
    """Fail with a readable message unless the outcome is the expected one."""
    if isinstance(expected, Reads):
        if isinstance(outcome, Blocked):
            raise AssertionError(
                f"{outcome.engine.name} blocked the call: {outcome.error}; {outcome.reason!r}"
            )
        if outcome.status != expected.status:
            raise AssertionError(f"the page read status {outcome.status}, not {expected.status}")
        if expected.text is not None:
            if expected.text not in outcome.body:
                raise AssertionError(f"the page read {outcome.body!r}, without {expected.text!r}")
        elif outcome.json() != expected.json:
            raise AssertionError(f"the page read {outcome.json()!r}, not {expected.json!r}")
        return
    if isinstance(outcome, Read):
        raise AssertionError(f"the page read {outcome.status} {outcome.body!r}; the browser should have refused")
    engine = outcome.engine
    if outcome.error != engine.fetch_error:
        raise AssertionError(f"the script caught {outcome.error!r}, not {engine.fetch_error!r} ({engine.name})")
    fragments = [words for reason in expected.reasons if (words := reason.words(engine.name)) is not None]
    if not fragments:
        return
    reason = outcome.reason or ""
    missing = [fragment for fragment in fragments if fragment not in reason]
    if missing:
        raise AssertionError(f"{engine.name}'s reason {reason!r} lacks {missing!r}")
