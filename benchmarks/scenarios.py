"""What is measured: allow-lists, request cases, environs and expected answers.

Every app serves one route, ``/r`` (GET, POST, PUT), whose view returns
``"ok"``. Each allow-list holds ``n`` exact origins, 10 subdomain patterns and
5 regular expressions, written in the syntax each library documents:

- this library: ``https://*.tenant3.example.com`` for subdomains, and regex
  strings that it matches against the whole origin;
- flask-cors has no subdomain syntax and matches regexes as prefixes
  (``re.match``), so both kinds are regexes anchored with ``^...$``.

The allowed request origin is the middle exact origin (index ``n // 2``): the
average position for a library that scans the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.test import EnvironBuilder

ROUTE = "/r"
ROUTE_METHODS = ("GET", "POST", "PUT")
BODY = b"ok"

SIZES = (1, 10, 1000)
"""Numbers of exact origins in the allow-lists."""

SUBDOMAIN_PATTERNS = 10
REGEXES = 5
REFUSED_ORIGIN = "https://evil.example.org"
PREFLIGHT_METHOD = "PUT"
PREFLIGHT_HEADERS = "Content-Type, X-Requested-With, X-Api-Key"

_VARY_PREFLIGHT = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


@dataclass(frozen=True)
class Allowlist:
    """``size`` exact origins plus the fixed subdomain patterns and regexes."""

    size: int

    @property
    def exact(self) -> tuple[str, ...]:
        """The exact origins, in configuration order."""
        return tuple(f"https://app{i}.example.com" for i in range(self.size))

    @property
    def allowed_origin(self) -> str:
        """The origin the allowed cases send: the middle exact origin."""
        return self.exact[self.size // 2]

    def for_cors(self) -> list[str]:
        """The allow-list in this library's syntax."""
        return [
            *self.exact,
            *(f"https://*.tenant{j}.example.com" for j in range(SUBDOMAIN_PATTERNS)),
            *(rf"https://preview-[0-9]+\.site{k}\.example\.net" for k in range(REGEXES)),
        ]

    def for_flask_cors(self) -> list[str]:
        """The same allow-list in flask-cors's syntax (anchored regexes)."""
        return [
            *self.exact,
            *(
                rf"^https://([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+tenant{j}\.example\.com$"
                for j in range(SUBDOMAIN_PATTERNS)
            ),
            *(rf"^https://preview-[0-9]+\.site{k}\.example\.net$" for k in range(REGEXES)),
        ]


@dataclass(frozen=True)
class Case:
    """One kind of request.

    Attributes:
        name: Short identifier, used in the JSON file and on the command line.
        title: What the table calls it.
        origin: ``"allowed"``, ``"refused"`` or None (no Origin header).
        preflight: An OPTIONS preflight asking for PUT with three headers,
            rather than a simple GET.
    """

    name: str
    title: str
    origin: str | None
    preflight: bool

    def headers(self, allowlist: Allowlist) -> dict[str, str]:
        """The request headers of this case against ``allowlist``."""
        headers: dict[str, str] = {}
        if self.origin == "allowed":
            headers["Origin"] = allowlist.allowed_origin
        elif self.origin == "refused":
            headers["Origin"] = REFUSED_ORIGIN
        if self.preflight:
            headers["Access-Control-Request-Method"] = PREFLIGHT_METHOD
            headers["Access-Control-Request-Headers"] = PREFLIGHT_HEADERS
        return headers

    def environ(self, allowlist: Allowlist) -> dict[str, Any]:
        """A prebuilt WSGI environ; copy it for each request."""
        builder = EnvironBuilder(
            path=ROUTE,
            method="OPTIONS" if self.preflight else "GET",
            headers=list(self.headers(allowlist).items()),
            base_url="https://api.example.com",
        )
        try:
            return dict(builder.get_environ())
        finally:
            builder.close()


CASES = (
    Case(name="get-allowed", title="allowed simple GET", origin="allowed", preflight=False),
    Case(name="get-refused", title="refused origin (GET)", origin="refused", preflight=False),
    Case(name="get-no-origin", title="GET without Origin", origin=None, preflight=False),
    Case(name="preflight-allowed", title="allowed preflight", origin="allowed", preflight=True),
    Case(name="preflight-refused", title="refused preflight", origin="refused", preflight=True),
)
CASES_BY_NAME: Mapping[str, Case] = {case.name: case for case in CASES}


@dataclass(frozen=True)
class Expected:
    """The answer a contender must give before it is timed.

    Attributes:
        status: The status line.
        body: The response body.
        cors: Every ``Access-Control-*`` and ``Vary`` header, exactly: a
            missing or extra one fails.
        allow: When given, the methods the ``Allow`` header must list (in
            any order).
    """

    status: str
    body: bytes
    cors: Mapping[str, str]
    allow: frozenset[str] | None = None


def _answer(case: Case, cors: Mapping[str, str], allow: frozenset[str] | None = None) -> Expected:
    return Expected(status="200 OK", body=b"" if case.preflight else BODY, cors=cors, allow=allow)


def expect_bare(case: Case, allowlist: Allowlist) -> Expected:
    """Bare Flask: no CORS headers; a preflight gets Flask's automatic OPTIONS."""
    # The Allow header proves that Flask's automatic OPTIONS answered, i.e.
    # that no decorator elsewhere changed this app's view.
    allow = frozenset({*ROUTE_METHODS, "HEAD", "OPTIONS"}) if case.preflight else None
    return _answer(case, {}, allow)


def expect_cors(case: Case, allowlist: Allowlist) -> Expected:
    """This library: ``Vary`` on every answer that depends on the request.

    The origin is echoed; a preflight's requested header names come back
    as the request spelled them, in its order; refusals carry ``Vary`` only.
    """
    origin = allowlist.allowed_origin
    if not case.preflight:
        if case.origin == "allowed":
            return _answer(case, {"Access-Control-Allow-Origin": origin, "Vary": "Origin"})
        return _answer(case, {"Vary": "Origin"})
    if case.origin == "allowed":
        return _answer(
            case,
            {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Headers": PREFLIGHT_HEADERS,
                "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
                "Vary": _VARY_PREFLIGHT,
            },
        )
    return _answer(case, {"Vary": _VARY_PREFLIGHT})


def expect_flask_cors(case: Case, allowlist: Allowlist) -> Expected:
    """flask-cors 6.0.5, decorator and extension alike.

    A refused origin gets nothing (no ``Vary``); a request without Origin
    gets the alphabetically first literal origin (``always_send``); a
    preflight's header names are echoed sorted, in the request's case.
    """
    origin = allowlist.allowed_origin
    if case.origin == "refused":
        return _answer(case, {})
    if case.origin is None:
        first = min(allowlist.exact)
        return _answer(case, {"Access-Control-Allow-Origin": first, "Vary": "Origin"})
    if not case.preflight:
        return _answer(case, {"Access-Control-Allow-Origin": origin, "Vary": "Origin"})
    return _answer(
        case,
        {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Headers": "Content-Type, X-Api-Key, X-Requested-With",
            "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
            "Vary": "Origin",
        },
    )
