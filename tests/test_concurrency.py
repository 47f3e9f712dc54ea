"""Load on a real server: 50 concurrent clients, 20,000 requests, every answer checked.

The app runs under Werkzeug's threaded server on 127.0.0.1 (a free port), in
a thread of the test process. The clients are 50 threads of a child process,
each with its own ``http.client`` connection and its own Origin; Werkzeug's
server closes every connection after one answer, so each request reconnects.
Bounded in count, not in time: every client makes its requests, however slow
the machine. The time-outs only catch a hang (a server that stops answering,
a client that never ends) and are far above any honest run; no wall-clock
time is asserted. Nothing leaves the loopback interface.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from flask import Flask, request
from flask.typing import ResponseReturnValue
from typeguard import suppress_type_checks
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from cors import CORS, cross_origin

CLIENTS = 50
REQUESTS_PER_CLIENT = 400
SOCKET_TIMEOUT_S = 60.0
"""How long one client waits for one answer before it counts the server as hung."""
HANG_TIMEOUT_S = 900.0
"""How long the whole load may take before the child process counts as hung (an honest
run takes well under a minute on 2 busy cores)."""

ALLOWED = [f"https://c{i}.allowed.example" for i in range(0, CLIENTS, 2)]
# Look-alikes of the allowed origins: a suffix domain, or another scheme.
REFUSED = [
    f"https://c{i}.allowed.example.evil" if i % 4 == 1 else f"http://c{i}.allowed.example"
    for i in range(1, CLIENTS, 2)
]


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler without one log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing for a served request; errors are still logged."""


def make_app() -> Flask:
    """Decorated routes, extension routes and a route with both, each echoing the request's own Origin."""
    app = Flask(__name__)

    def echo() -> ResponseReturnValue:
        return request.headers.get("Origin", "")

    # The decorator allows the allowed origins by subdomain pattern, the extension by exact name.
    app.add_url_rule("/deco", endpoint="deco", methods=["GET", "PUT"],
                     view_func=cross_origin(origins=["https://*.allowed.example"], max_age=30)(echo))
    app.add_url_rule("/api/data", endpoint="data", methods=["GET", "PUT", "POST"], view_func=echo)
    app.add_url_rule("/api/both", endpoint="both", methods=["GET", "PUT"],
                     view_func=cross_origin(origins=ALLOWED, supports_credentials=True)(echo))
    CORS(app, resources={"/api/*": {"origins": ALLOWED, "max_age": 60}})
    return app


@pytest.fixture
def server() -> Iterator[BaseWSGIServer]:
    """The app under Werkzeug's threaded server on a free loopback port; shut down at teardown."""
    served = make_server("127.0.0.1", 0, make_app(), threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=served.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        served.shutdown()
        served.server_close()
        thread.join(timeout=SOCKET_TIMEOUT_S)
    assert not thread.is_alive()


# (method, path, preflight) in the order each client cycles through them
CALLS = [
    ("GET", "/deco", False),
    ("GET", "/api/data", False),
    ("OPTIONS", "/deco", True),
    ("POST", "/api/data", False),
    ("OPTIONS", "/api/both", True),
    ("GET", "/api/both", False),
    ("OPTIONS", "/api/data", True),
    ("PUT", "/deco", False),
]

# What each path's policy answers an allowed origin: the decorator's or the rule's (a
# decorator replaces the rule, so /api/both has no Max-Age).
MAX_AGE = {"/deco": ["30"], "/api/data": ["60"], "/api/both": None}
CREDENTIALS = {"/deco": [], "/api/data": [], "/api/both": ["true"]}


def check(origin: str, allowed: bool, method: str, path: str, asked: str | None,
          response: http.client.HTTPResponse, body: bytes) -> str | None:
    """What is wrong with one response (to a preflight when headers were asked), or None."""
    headers = response.headers
    preflight = asked is not None
    cors = {name for name in headers.keys() if name.lower().startswith("access-control-")}
    vary = [name.strip() for line in headers.get_all("Vary") or [] for name in line.split(",")]
    problem = None
    if response.status != 200:  # 5xx included
        problem = f"status {response.status}"
    elif "Origin" not in vary:
        problem = f"Vary {headers.get_all('Vary')}"
    elif allowed and headers.get_all("Access-Control-Allow-Origin") != [origin]:
        problem = f"Access-Control-Allow-Origin {headers.get_all('Access-Control-Allow-Origin')}"
    elif allowed and preflight and not headers.get("Access-Control-Allow-Methods"):
        problem = "no Access-Control-Allow-Methods"
    elif allowed and preflight and headers.get_all("Access-Control-Allow-Headers") != [asked]:
        problem = f"Access-Control-Allow-Headers {headers.get_all('Access-Control-Allow-Headers')}"
    elif allowed and preflight and headers.get_all("Access-Control-Max-Age") != MAX_AGE[path]:
        problem = f"Access-Control-Max-Age {headers.get_all('Access-Control-Max-Age')}"
    elif allowed and (headers.get_all("Access-Control-Allow-Credentials") or []) != CREDENTIALS[path]:
        problem = f"Access-Control-Allow-Credentials {headers.get_all('Access-Control-Allow-Credentials')}"
    elif not allowed and cors:
        problem = f"refused origin got {sorted(cors)}"
    elif not preflight and body != origin.encode():
        problem = f"body {body[:80]!r}"
    return None if problem is None else f"{origin} {method} {path}: {problem}"


def run_client(port: int, index: int, results: list[tuple[int, list[str]]]) -> None:
    """One client: REQUESTS_PER_CLIENT requests with its own Origin, each response checked."""
    allowed = index % 2 == 0
    origin = ALLOWED[index // 2] if allowed else REFUSED[index // 2]
    problems: list[str] = []
    done = 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=SOCKET_TIMEOUT_S)
    try:
        for number in range(REQUESTS_PER_CLIENT):
            method, path, preflight = CALLS[(number + index) % len(CALLS)]
            headers = {"Origin": origin}
            asked = None
            if preflight:
                asked = f"content-type, x-client-{index}-{number}"
                headers["Access-Control-Request-Method"] = "PUT"
                headers["Access-Control-Request-Headers"] = asked.replace(" ", "")
            body = origin.encode() if method in ("POST", "PUT") else None
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            problem = check(origin, allowed, method, path, asked, response, response.read())
            if problem is not None:
                problems.append(problem)
            done += 1
    except Exception as error:  # any failure is reported with the others, never lost in the thread
        problems.append(f"{origin}: {type(error).__name__}: {error} after {done} requests")
    finally:
        connection.close()
        results.append((done, problems))


def run_clients(port: int) -> tuple[int, list[str]]:
    """Run every client at once until each has made its requests; return the requests done and the problems found."""
    results: list[tuple[int, list[str]]] = []
    clients = [
        threading.Thread(target=run_client, args=(port, index, results), daemon=True)
        for index in range(CLIENTS)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join()  # a hung socket ends by its own time-out; the parent guards the rest
    problems = [problem for _, found in results for problem in found]
    return sum(done for done, _ in results), problems


def test_concurrent_clients_each_get_their_own_answer(server: BaseWSGIServer) -> None:
    """50 concurrent clients, half allowed and half refused, each get their own origin or no CORS headers, 20,000 times."""
    port = server.server_address[1]
    # The clients run in a child process, so that the server has this process's
    # GIL to itself; typeguard's run-time checks, which every other test keeps,
    # are suppressed here: the load measures answers, not annotations.
    with suppress_type_checks():
        child = subprocess.run(
            [sys.executable, __file__, str(port)],
            capture_output=True, text=True, timeout=HANG_TIMEOUT_S, check=False,
        )
    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout)
    assert report["problems"][:20] == [], f"{len(report['problems'])} problems"
    assert report["done"] == CLIENTS * REQUESTS_PER_CLIENT


if __name__ == "__main__":
    done, problems = run_clients(int(sys.argv[1]))
    print(json.dumps({"done": done, "problems": problems}))
