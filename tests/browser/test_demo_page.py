"""The demo (``python -m demo``): its page, loaded in Chromium, shows what the browser allows and why."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import OpenPage

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0

NO_ORIGIN = "has no Access-Control-Allow-Origin header: the API does not allow the origin"
ASKED_FIRST = "The browser asked first (OPTIONS"
NO_CREDENTIALS = "the answer has no Access-Control-Allow-Credentials: true"
HIDDEN = "reached the browser, which hid it from the script"


@dataclass(frozen=True)
class Demo:
    """The demo's two servers, as ``python -m demo`` printed them."""

    api: str
    page: str


@dataclass(frozen=True)
class Row:
    """One row of the page: a call, what the browser did, and the page's explanation."""

    call: str
    outcome: str
    result: str
    why: str


def read_lines(process: subprocess.Popen[bytes], count: int, timeout: float) -> list[str]:
    """Read the first lines the process prints, failing once the timeout has passed."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    deadline = time.monotonic() + timeout
    output = b""
    while output.count(b"\n") < count:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 4096) if ready else b""
        if not chunk:
            pytest.fail(f"python -m demo printed {output!r} and no more within {timeout} s")
        output += chunk
    return output.decode().splitlines()[:count]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """``python -m demo`` on free ports, as ``./dev demo`` runs it."""
    log = tmp_path_factory.mktemp("demo") / "stderr.log"
    with log.open("w") as stderr, subprocess.Popen(
        [sys.executable, "-m", "demo", "--port", "0", "--page-port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=stderr,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        try:
            api_line, page_line = read_lines(process, 2, START_TIMEOUT_S)
            assert api_line.startswith("API (the seed's examples): http://127.0.0.1:"), api_line
            assert page_line.startswith("Demo page: http://localhost:"), page_line
            page = page_line.split(": ", 1)[1].rstrip("/").replace("localhost", "127.0.0.1")
            yield Demo(api=api_line.split(": ", 1)[1], page=page)
        finally:
            process.terminate()
            process.wait(timeout=10)


def rows_shown(open_page: OpenPage, demo: Demo, origin: str) -> dict[str, Row]:
    """Load the demo page at an origin, let every call finish, and read its table."""
    page = open_page(origin, upstream=demo.page)
    page.page.wait_for_selector("body[data-state=done]")
    assert page.page.locator("#origin").text_content() == origin
    rows = page.page.eval_on_selector_all(
        "tr[data-call]",
        """rows => rows.map(row => ({
          call: row.dataset.call, outcome: row.dataset.outcome,
          result: row.cells[1].textContent, why: row.cells[2].textContent}))""",
    )
    return {row["call"]: Row(**row) for row in rows}


# What the page shows at two origins: the seed's development origin, where
# http://localhost:8080 is allowed, and https://app.example.com, where the
# credentialed examples are. Blocked rows carry a fragment of their reason.
SHOWN = {
    "http://localhost:8080": {
        "data": ("read", "CORS-enabled data"),
        "data-credentials": ("blocked", NO_CREDENTIALS),
        "public": ("read", "public information"),
        "secure": ("blocked", NO_ORIGIN),
        "development": ("read", "development data"),
        "subdomains": ("blocked", NO_ORIGIN),
        "pattern": ("blocked", NO_ORIGIN),
        "users": ("blocked", HIDDEN),
        "users-create": ("blocked", ASKED_FIRST),
        "profile": ("blocked", ASKED_FIRST),
        "login": ("blocked", NO_ORIGIN),
        "upload": ("blocked", ASKED_FIRST),
        "heavy-operation": ("blocked", ASKED_FIRST),
        "frequent-calls": ("blocked", ASKED_FIRST),
        "custom-options": ("blocked", ASKED_FIRST),
        "complex": ("blocked", ASKED_FIRST),
        "protected": ("blocked", ASKED_FIRST),
        "resource-get": ("blocked", NO_ORIGIN),
        "resource-post": ("blocked", ASKED_FIRST),
    },
    "https://app.example.com": {
        "data": ("read", "CORS-enabled data"),
        "data-credentials": ("blocked", NO_CREDENTIALS),
        "public": ("read", "public information"),
        "secure": ("read", "restricted data"),
        "development": ("blocked", NO_ORIGIN),
        "subdomains": ("read", "subdomain accessible"),
        "pattern": ("blocked", NO_ORIGIN),
        "users": ("blocked", NO_ORIGIN),
        "users-create": ("blocked", ASKED_FIRST),
        "profile": ("read", "user data"),
        "login": ("read", "auth-token"),
        "upload": ("blocked", ASKED_FIRST),
        "heavy-operation": ("blocked", ASKED_FIRST),
        "frequent-calls": ("blocked", ASKED_FIRST),
        "custom-options": ("blocked", ASKED_FIRST),
        "complex": ("blocked", ASKED_FIRST),
        "protected": ("read", "protected resource"),
        "resource-get": ("blocked", NO_ORIGIN),
        "resource-post": ("blocked", ASKED_FIRST),
    },
}


@pytest.mark.parametrize("origin", list(SHOWN), ids=["localhost-8080", "app-example-com"])
def test_demo_page_shows_each_call(open_page: OpenPage, demo: Demo, origin: str) -> None:
    """The demo page shows, for every seed example, whether the browser let it read, and why not."""
    rows = rows_shown(open_page, demo, origin)
    expected = SHOWN[origin]
    assert list(rows) == list(expected)
    wrong = {
        call: (row.outcome, row.result, row.why)
        for call, row in rows.items()
        if row.outcome != expected[call][0]
        or expected[call][1] not in row.why
        or row.result != ("Read 200" if row.outcome == "read" else "Blocked")
    }
    assert wrong == {}
