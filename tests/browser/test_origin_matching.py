"""Subdomain wildcards, regular expressions and the app's own function, against look-alike origins."""

from __future__ import annotations

import pytest

from .conftest import Visit
from .harness import NO_ALLOW_ORIGIN, Call, LiveServer, Reads, Refused, check

TENANTS = Reads(200, {"tenants": "any subdomain"})
PREVIEWS = Reads(200, {"previews": "pull request builds"})
CUSTOMERS = Reads(200, {"customers": "registered front ends"})
REFUSED = Refused(NO_ALLOW_ORIGIN)

CASES = [
    # origins=["https://*.example.com"]
    ("/tenants", "https://app.example.com", TENANTS),
    ("/tenants", "https://a.b.example.com", TENANTS),
    ("/tenants", "https://bücher.example.com", TENANTS),
    ("/tenants", "https://example.com", REFUSED),
    ("/tenants", "https://app.example.com.evil.test", REFUSED),
    ("/tenants", "https://appexample.com", REFUSED),
    ("/tenants", "https://evil-example.com", REFUSED),
    ("/tenants", "http://app.example.com", REFUSED),
    ("/tenants", "https://app.example.com:8443", REFUSED),
    # origins=[r"https://pr-\d+\.preview\.example\.org"]
    ("/previews", "https://pr-12.preview.example.org", PREVIEWS),
    ("/previews", "https://pr-12.preview.example.org.evil.test", REFUSED),
    ("/previews", "https://pr-12xpreview.example.org", REFUSED),
    ("/previews", "https://pr-x.preview.example.org", REFUSED),
    ("/previews", "https://evil.pr-12.preview.example.org", REFUSED),
    ("/previews", "http://pr-12.preview.example.org", REFUSED),
    # origins=registered_customer, which allows https://shop.customer.example
    ("/customers", "https://shop.customer.example", CUSTOMERS),
    ("/customers", "https://shop.customer.example.evil.test", REFUSED),
    ("/customers", "http://shop.customer.example", REFUSED),
    ("/customers", "https://evil.example", REFUSED),
]
IDS = [
    "wildcard-subdomain",
    "wildcard-deep-subdomain",
    "wildcard-idn-subdomain",
    "wildcard-apex",
    "wildcard-suffix-lookalike",
    "wildcard-no-dot-lookalike",
    "wildcard-hyphen-lookalike",
    "wildcard-http-scheme",
    "wildcard-other-port",
    "regex-match",
    "regex-suffix-lookalike",
    "regex-unescaped-dot-lookalike",
    "regex-not-digits",
    "regex-prefix-lookalike",
    "regex-http-scheme",
    "function-allows",
    "function-suffix-lookalike",
    "function-http-scheme",
    "function-refuses",
]


@pytest.mark.parametrize(("path", "origin", "expected"), CASES, ids=IDS)
def test_origin_pattern(
    visit: Visit, api: LiveServer, path: str, origin: str, expected: Reads | Refused
) -> None:
    """A pattern origin lets its own origins read and refuses every look-alike."""
    page = visit(origin)
    check(page.call(api, Call(path)), expected)


@pytest.mark.parametrize(
    ("origin", "expected"),
    [("https://shop.customer.example", Reads(200, {"customers": "registered front ends"})), ("https://evil.example", REFUSED)],
    ids=["function-allows", "function-refuses"],
)
def test_origin_function_answers_preflights(visit: Visit, api: LiveServer, origin: str, expected: Reads | Refused) -> None:
    """A preflighted PUT goes through from the origin the app's function allows, and not from another."""
    page = visit(origin)
    check(page.call(api, Call("/customers", method="PUT")), expected)
