"""The demo (``python -m demo``): its page, loaded in Chromium at many origins, shows what the browser allows and why."""

from __future__ import annotations

import ast
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from demo.page import CALLS, EVIL, HOSTS

from .conftest import OpenPage

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120.0
"""Only a hang takes this long, even on a busy machine."""
LAST_START_LINE = "Ctrl-C stops the demo."
SCREENSHOT = ROOT / "build" / "demo-page.png"
"""Where the screenshot test leaves the picture of the page, for a person to look at."""

NO_ORIGIN = "has no Access-Control-Allow-Origin header: the API does not allow the origin"
ASKED_FIRST = "The browser asked first (OPTIONS"
NO_CREDENTIALS = "the answer has no Access-Control-Allow-Credentials: true"
HIDDEN = "reached the browser, which hid it from the script"
READ_BADGE = (190, 235, 200)
BLOCKED_BADGE = (248, 200, 200)


@dataclass(frozen=True)
class Demo:
    """The demo's two servers, as ``python -m demo`` printed them."""

    api: str
    page_port: int
    output: list[str]

    def origin(self, host: str) -> str:
        """The page's origin under a host name."""
        return f"http://{host}:{self.page_port}"

    @property
    def upstream(self) -> str:
        """Where the page server really listens."""
        return f"http://127.0.0.1:{self.page_port}"


@dataclass(frozen=True)
class Row:
    """One row of the page: a call, what the browser did, and the page's explanation."""

    call: str
    outcome: str
    result: str
    why: str


def read_until(process: subprocess.Popen[bytes], last: str, timeout: float) -> list[str]:
    """Read what the process prints up to the line ``last``, failing once the timeout has passed."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    deadline = time.monotonic() + timeout
    output = b""
    while f"\n{last}\n".encode() not in b"\n" + output:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 4096) if ready else b""
        if not chunk:
            pytest.fail(f"python -m demo printed {output!r} and no more within {timeout} s")
        output += chunk
    return output.decode().splitlines()


def start_demo(sigint: signal.Handlers = signal.SIG_DFL) -> tuple[subprocess.Popen[bytes], Demo]:
    """Start ``python -m demo`` on free ports, as ``./dev demo`` runs it, and read its start-up lines.

    ``sigint`` is how the demo's process inherits SIGINT: as from a terminal
    (``SIG_DFL``), or ignored, as a shell hands it to a command it starts in
    the background.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "demo", "--port", "0", "--page-port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
    )
    try:
        lines = read_until(process, LAST_START_LINE, START_TIMEOUT_S)
        api = next(line.removeprefix("API: ") for line in lines if line.startswith("API: "))
        found = next(re.search(r"http://localhost:(\d+)/", line) for line in lines if "http://localhost:" in line)
        assert found is not None
    except BaseException:
        process.kill()
        process.communicate()
        raise
    return process, Demo(api=api, page_port=int(found.group(1)), output=lines)


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    """``python -m demo`` on free ports, for the whole module."""
    process, running = start_demo()
    try:
        yield running
    finally:
        process.terminate()
        process.communicate(timeout=60)


def rows_shown(open_page: OpenPage, demo: Demo, host: str) -> dict[str, Row]:
    """Load the demo page under a host name, let every call finish, and read its table."""
    page = open_page(demo.origin(host), upstream=demo.upstream)
    page.page.wait_for_selector("body[data-state=done]", timeout=120_000)
    assert page.page.locator("#origin").text_content() == demo.origin(host)
    rows = page.page.eval_on_selector_all(
        "tr[data-call]",
        """rows => rows.map(row => ({
          call: row.dataset.call, outcome: row.dataset.outcome,
          result: row.cells[1].textContent, why: row.cells[2].textContent}))""",
    )
    return {row["call"]: Row(**row) for row in rows}


def test_start_up_lists_urls_and_routes(demo: Demo) -> None:
    """On start the demo prints the API's URL, the page's URL under every host name, and every API route."""
    text = "\n".join(demo.output)
    assert demo.api.startswith("http://127.0.0.1:")
    for host in HOSTS:
        assert f"  {demo.origin(host)}/ " in text
    for call in CALLS:
        rule = call.path.replace("/7", "/<int:user_id>")
        assert re.search(rf"^  [A-Z, ]*{call.method}[A-Z, ]*  {re.escape(rule)}\s", text, re.MULTILINE), call.id
    assert "seed" not in text.lower()


def test_every_example_is_allowed_somewhere_and_refused_somewhere() -> None:
    """Each example endpoint has a row that some origin may read and a row that some origin may not."""
    endpoints = {call.path for call in CALLS}
    allowed = {call.path for call in CALLS if call.allowed_from is not None}
    refused = {call.path for call in CALLS if call.refused_from is not None}
    assert allowed == endpoints
    assert refused == endpoints
    assert {host for call in CALLS for host in (call.allowed_from, call.refused_from)} - {None} <= set(HOSTS)


# What the page shows at two origins, row by row: the app's own, where the
# credentialed examples work, and one that no example lists. Blocked rows
# carry a fragment of their reason.
SHOWN = {
    "app.example.localhost": {
        "data": ("read", "CORS-enabled data"),
        "data-credentials": ("blocked", NO_CREDENTIALS),
        "public": ("read", "public information"),
        "public-credentials": ("blocked", NO_CREDENTIALS),
        "secure": ("read", "restricted data"),
        "development": ("blocked", NO_ORIGIN),
        "subdomains": ("read", "subdomain accessible"),
        "pattern": ("blocked", NO_ORIGIN),
        "users": ("blocked", HIDDEN),
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
    EVIL: {
        "data": ("read", "CORS-enabled data"),
        "data-credentials": ("blocked", NO_CREDENTIALS),
        "public": ("read", "public information"),
        "public-credentials": ("blocked", NO_CREDENTIALS),
        **{
            call.id: ("blocked", ASKED_FIRST if call.needs_preflight() else NO_ORIGIN)
            for call in CALLS
            if call.origins != ("*",)
        },
    },
}


@pytest.mark.parametrize("host", list(HOSTS))
def test_page_at_each_origin(open_page: OpenPage, demo: Demo, host: str) -> None:
    """Opened under a host name, the page reads the calls meant to be allowed there and shows why the refused ones fail."""
    rows = rows_shown(open_page, demo, host)
    assert list(rows) == [call.id for call in CALLS]
    wrong = {}
    for call in CALLS:
        row = rows[call.id]
        if row.outcome == "read":
            ok = row.result == "Read 200" and "The API's CORS headers let this origin read" in row.why
        else:
            ok = row.result == "Blocked" and ("The browser asked first" in row.why or HIDDEN in row.why)
        if call.allowed_from == host:
            ok = ok and row.outcome == "read"
        if call.refused_from == host:
            ok = ok and row.outcome == "blocked"
        if host in SHOWN:
            outcome, fragment = SHOWN[host][call.id]
            ok = ok and row.outcome == outcome and fragment in row.why
        if not ok:
            wrong[call.id] = (row.outcome, row.result, row.why)
    assert wrong == {}


def png_pixels(data: bytes) -> tuple[int, int, list[bytes], int]:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG: width, height, rows of raw pixels, bytes per pixel."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, b"", b""
    while position < len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks += body
        position += 12 + length
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour, interlace = header[8], header[9], header[12]
    assert (depth, interlace) == (8, 0) and colour in (2, 6), header
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(chunks)
    stride = width * size
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        method, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - size] if x >= size else 0
            up, corner = previous[x], previous[x - size] if x >= size else 0
            if method == 1:
                line[x] = (line[x] + left) & 0xFF
            elif method == 2:
                line[x] = (line[x] + up) & 0xFF
            elif method == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif method == 4:
                guess = left + up - corner
                nearest = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[x] = (line[x] + nearest[2]) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows, size


def count_colour(rows: list[bytes], size: int, colour: tuple[int, int, int]) -> int:
    """How many pixels have this colour (within 3 per channel)."""
    count = 0
    for line in rows:
        for x in range(0, len(line), size):
            if all(abs(line[x + i] - colour[i]) <= 3 for i in range(3)):
                count += 1
    return count


def test_screenshot_shows_read_and_blocked_calls(open_page: OpenPage, demo: Demo) -> None:
    """A full-page screenshot in headless Chromium fits the width and shows green Read and red Blocked badges."""
    page = open_page(demo.origin("app.example.localhost"), upstream=demo.upstream)
    page.page.set_viewport_size({"width": 1280, "height": 900})
    page.page.wait_for_selector("body[data-state=done]", timeout=120_000)
    assert page.page.evaluate("document.documentElement.scrollWidth") <= 1280
    data = page.page.screenshot(full_page=True)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.write_bytes(data)
    width, height, rows, size = png_pixels(data)
    assert width == 1280
    assert height > 900
    read = sum(1 for call in CALLS if SHOWN["app.example.localhost"][call.id][0] == "read")
    blocked = len(CALLS) - read
    # Each badge is a solid block of at least 40 by 12 pixels.
    assert count_colour(rows, size, READ_BADGE) >= read * 40 * 12
    assert count_colour(rows, size, BLOCKED_BADGE) >= blocked * 40 * 12


@pytest.mark.parametrize("sigint", [signal.SIG_DFL, signal.SIG_IGN], ids=["terminal", "background"])
def test_ctrl_c_stops_the_demo(sigint: signal.Handlers) -> None:
    """Ctrl-C (SIGINT) stops both servers: the demo says so, exits 0 and frees its ports.

    Also when the demo was started in the background, with SIGINT ignored.
    """
    process, running = start_demo(sigint)
    try:
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert stdout.decode().splitlines()[-1] == "Stopped."
    for port in (running.page_port, int(running.api.rsplit(":", 1)[1])):
        with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
            probe.connect(("127.0.0.1", port))


STDLIB = set(sys.stdlib_module_names)


def test_demo_needs_only_the_library_flask_and_the_demo_extra() -> None:
    """Every module the demo imports is the standard library's, the library's, Flask's or the `demo` extra's."""
    found = re.search(r"^demo = \[\n(.*?)^\]", (ROOT / "pyproject.toml").read_text(), re.MULTILINE | re.DOTALL)
    assert found is not None
    extra = {name.lower().replace("-", "_") for name in re.findall(r'^    "([A-Za-z0-9_.-]+)', found.group(1), re.MULTILINE)}
    assert extra == {"flask_login", "flask_restful"}
    allowed = STDLIB | {"cors", "demo", "flask", "werkzeug", "click"} | extra
    imported = set()
    for path in (ROOT / "demo").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    assert imported - allowed == set()
    assert 'setup demo' in (ROOT / "dev").read_text()
