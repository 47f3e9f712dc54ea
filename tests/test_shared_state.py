"""No shared mutable state: one function, one Response, one policy, many apps, requests and threads."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask, Response
from flask.typing import ResponseReturnValue
from werkzeug.test import TestResponse

from cors import CORS, CorsPolicy, CorsRequest, cross_origin, decide, resolve

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

THREADS = 8
CALLS = 500
ORIGINS = [f"https://client-{i}.example" for i in range(THREADS)]
EVIL = "https://evil.example"
ACAO = "Access-Control-Allow-Origin"
ACAH = "Access-Control-Allow-Headers"


def cors_names(response: TestResponse) -> list[str]:
    """The Access-Control-* header names of a response."""
    return [name for name in response.headers.keys() if name.startswith("Access-Control-")]


def preflight(origin: str, headers: str = "content-type") -> dict[str, str]:
    """Preflight request headers."""
    return {"Origin": origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": headers}


def in_threads(worker: Callable[[int], list[str]]) -> list[str]:
    """Run a worker in THREADS threads started together; return every problem they report."""
    start = threading.Barrier(THREADS)

    def run(index: int) -> list[str]:
        start.wait(timeout=10)
        return worker(index)

    with ThreadPoolExecutor(THREADS) as pool:
        return [problem for problems in pool.map(run, range(THREADS)) for problem in problems]


@pytest.mark.parametrize("entry", ["decorator", "extension"])
def test_one_function_on_two_apps_keeps_each_policy(entry: str) -> None:
    """One view function registered on two apps with different policies answers each app by its own policy."""

    def view() -> ResponseReturnValue:
        return "shared"

    before = dict(view.__dict__)
    apps = [Flask("first"), Flask("second")]
    for app, origin in zip(apps, ORIGINS):
        if entry == "decorator":
            app.add_url_rule("/r", view_func=cross_origin(origins=[origin], max_age=len(app.name))(view))
        else:
            app.add_url_rule("/r", view_func=view)
            CORS(app, origins=[origin], max_age=len(app.name))
    assert view.__dict__ == before
    clients = [app.test_client() for app in apps]
    for _ in range(3):
        for index, client in enumerate(clients):
            own, other = ORIGINS[index], ORIGINS[1 - index]
            assert client.get("/r", headers={"Origin": own}).headers[ACAO] == own
            assert cors_names(client.get("/r", headers={"Origin": other})) == []
            answer = client.options("/r", headers=preflight(own))
            assert answer.headers["Access-Control-Max-Age"] == str(len(apps[index].name))


def shared_response_app(entry: str, shared: Response) -> Flask:
    """An app whose view returns the same Response object to every request."""
    app = Flask(__name__)

    def view() -> ResponseReturnValue:
        return shared

    if entry == "decorator":
        app.add_url_rule("/r", view_func=cross_origin(origins=ORIGINS[:4])(view))
    else:
        app.add_url_rule("/r", view_func=view)
        CORS(app, origins=ORIGINS[:4])
    return app


@pytest.mark.parametrize("entry", ["decorator", "extension"])
def test_one_response_object_for_many_origins(entry: str) -> None:
    """A Response object returned to interleaved requests from many origins answers each one for itself."""
    shared = Response("shared", headers={"Vary": "Accept-Encoding"})
    before = list(shared.headers.items())
    client = shared_response_app(entry, shared).test_client()
    sequence = [*ORIGINS, EVIL, None, *reversed(ORIGINS), None, EVIL]
    for origin in sequence:
        response = client.get("/r", headers={"Origin": origin} if origin else {})
        expected = origin if origin in ORIGINS[:4] else None
        assert response.headers.getlist(ACAO) == ([expected] if expected else []), origin
        assert response.headers.getlist("Vary") == ["Accept-Encoding, Origin"]
        assert response.get_data(as_text=True) == "shared"
    assert list(shared.headers.items()) == before


@pytest.mark.parametrize("entry", ["decorator", "extension"])
def test_one_response_object_across_threads(entry: str) -> None:
    """Threads that get the same Response object each see their own origin's answer, or none."""
    shared = Response("shared")
    app = shared_response_app(entry, shared)

    def worker(index: int) -> list[str]:
        client = app.test_client()
        origin = ORIGINS[index]
        expected = [origin] if index < 4 else []
        problems = []
        for _ in range(CALLS // 5):
            got = client.get("/r", headers={"Origin": origin}).headers.getlist(ACAO)
            if got != expected:
                problems.append(f"{origin}: {got}")
        return problems

    assert in_threads(worker) == []
    assert ACAO not in shared.headers


def test_one_policy_decided_in_threads() -> None:
    """One resolved policy used by threads at once gives each call the answer for its own request."""
    policy = resolve(CorsPolicy(origins=[*ORIGINS, "https://*.sub.example"], max_age=60, expose_headers=["X-Total"]))
    snapshot = {
        name: dict(decide(policy, request).headers)
        for name, request in [
            ("refused", CorsRequest(method="GET", origin=EVIL)),
            ("no-origin", CorsRequest(method="GET")),
            ("refused-preflight", CorsRequest(method="OPTIONS", origin=EVIL, request_method="PUT")),
        ]
    }

    def worker(index: int) -> list[str]:
        origin = ORIGINS[index] if index % 2 else f"https://t{index}.sub.example"
        names = f"x-thread-{index}"
        problems = []
        for call in range(CALLS):
            if call % 3 == 0:
                actual = decide(policy, CorsRequest(method="GET", origin=origin))
                if actual.headers.get(ACAO) != origin or actual.headers.get("Access-Control-Expose-Headers") != "X-Total":
                    problems.append(f"actual {origin}: {dict(actual.headers)}")
            elif call % 3 == 1:
                answer = decide(policy, CorsRequest(method="OPTIONS", origin=origin, request_method="PUT",
                                                    request_headers=f"{names}-{call}"))
                if answer.headers.get(ACAO) != origin or answer.headers.get(ACAH) != f"{names}-{call}":
                    problems.append(f"preflight {origin}: {dict(answer.headers)}")
            else:
                refused = decide(policy, CorsRequest(method="GET", origin=f"https://evil-{index}-{call}.example"))
                if refused.allowed or dict(refused.headers) != {"Vary": "Origin"}:
                    problems.append(f"refused: {dict(refused.headers)}")
        return problems

    assert in_threads(worker) == []
    for name, request in [
        ("refused", CorsRequest(method="GET", origin=EVIL)),
        ("no-origin", CorsRequest(method="GET")),
        ("refused-preflight", CorsRequest(method="OPTIONS", origin=EVIL, request_method="PUT")),
    ]:
        assert dict(decide(policy, request).headers) == snapshot[name]


def threaded_app() -> Flask:
    """An app with a decorated route and an extension-covered route, both with an existing Vary."""
    app = Flask(__name__)

    @app.route("/decorated", methods=["GET", "PUT"])
    @cross_origin(origins=ORIGINS[::2], supports_credentials=True)
    def decorated() -> ResponseReturnValue:
        return "decorated", {"Vary": "Accept-Encoding"}

    @app.route("/api/covered", methods=["GET", "PUT"])
    def covered() -> ResponseReturnValue:
        return "covered", {"Vary": "Accept-Encoding"}

    CORS(app, resources={"/api/*": {"origins": ORIGINS[::2], "max_age": 60}})
    return app


def test_one_app_served_in_threads() -> None:
    """One app serving threads at once gives each request its own origin, header list and Vary, never another's."""
    app = threaded_app()

    def worker(index: int) -> list[str]:
        client = app.test_client()
        origin = ORIGINS[index]
        allowed = index % 2 == 0
        problems = []
        for call in range(CALLS // 2):
            path = ("/decorated", "/api/covered")[call % 2]
            if call % 4 < 2:
                response = client.get(path, headers={"Origin": origin})
                names = None
            else:
                names = f"x-thread-{index}-{call}"
                response = client.options(path, headers=preflight(origin, names))
            got = (response.headers.getlist(ACAO), response.headers.get(ACAH))
            want = ([origin], names) if allowed else ([], None)
            if got != want or "Origin" not in response.headers.get("Vary", ""):
                problems.append(f"{call} {path} {origin}: {got} != {want}, Vary {response.headers.get('Vary')}")
        return problems

    assert in_threads(worker) == []


def test_policy_headers_unchanged_by_serving() -> None:
    """Serving requests, some with their own Vary, leaves a decorated view's policy answers as they were."""
    app = threaded_app()
    wrapper: Any = app.view_functions["decorated"]
    policy = wrapper.cors_policy
    requests = [
        CorsRequest(method="GET", origin=ORIGINS[0]),
        CorsRequest(method="GET", origin=EVIL),
        CorsRequest(method="GET"),
        CorsRequest(method="OPTIONS", origin=ORIGINS[0], request_method="PUT"),
        CorsRequest(method="OPTIONS", origin=EVIL, request_method="PUT"),
    ]
    before = [dict(decide(policy, request).headers) for request in requests]
    client = app.test_client()
    for origin in [ORIGINS[0], EVIL, None] * 20:
        client.get("/decorated", headers={"Origin": origin} if origin else {})
        client.options("/decorated", headers=preflight(origin or EVIL))
    assert [dict(decide(policy, request).headers) for request in requests] == before


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        ("GET", {"Origin": ORIGINS[0]}, {ACAO: ORIGINS[0], "Access-Control-Allow-Credentials": "true"}),
        ("OPTIONS", preflight(ORIGINS[0]), {ACAO: ORIGINS[0], "Access-Control-Allow-Credentials": "true",
                                            ACAH: "content-type", "Access-Control-Allow-Methods": "GET, PUT"}),
        ("GET", {"Origin": ORIGINS[1]}, {}),
        ("OPTIONS", preflight(ORIGINS[1]), {}),
        ("GET", {}, {}),
    ],
    ids=["allowed", "allowed-preflight", "refused", "refused-preflight", "no-origin"],
)
def test_decorator_and_extension_on_one_view_compute_once(
    method: str, headers: dict[str, str], expected: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """A view with the decorator under an extension rule gets the decorator's headers once, one Vary line and one log line."""
    app = Flask(__name__)

    @app.route("/api/both", methods=["GET", "PUT"])
    @cross_origin(origins=[ORIGINS[0]], supports_credentials=True, methods=["GET", "PUT"])
    def both() -> ResponseReturnValue:
        return "both", {"Vary": "Accept-Encoding"}

    CORS(app, resources={"/api/*": {"origins": ORIGINS[1:], "max_age": 60}})
    with caplog.at_level(logging.DEBUG, logger="cors"):
        response = app.test_client().open("/api/both", method=method, headers=headers)
    cors = {name: response.headers.getlist(name) for name in cors_names(response)}
    assert cors == {name: [value] for name, value in expected.items()}
    vary = response.headers.getlist("Vary")
    assert len(vary) == 1
    names = [name.strip() for name in vary[0].split(",")]
    assert len(names) == len(set(names)) and "Origin" in names
    assert len([r for r in caplog.records if r.name == "cors"]) == 1


def test_decorated_view_keeps_no_per_request_state() -> None:
    """A decorated view object is the same before and after serving requests from many origins."""
    app = threaded_app()
    wrapper: Any = app.view_functions["decorated"]
    before = dict(vars(wrapper))
    client = app.test_client()
    for origin in [*ORIGINS, EVIL]:
        client.get("/decorated", headers={"Origin": origin})
        client.options("/decorated", headers=preflight(origin))
    assert dict(vars(wrapper)) == before


def redispatching(app: Flask, second_path: str) -> None:
    """Wrap the app in a middleware that serves one environ twice: as sent, then on another path."""
    inner = app.wsgi_app

    def middleware(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        for chunk in inner(environ, lambda status, headers, exc_info=None: lambda data: None):
            pass
        environ["PATH_INFO"] = second_path
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]


def test_environ_served_twice_gets_a_fresh_decision() -> None:
    """An environ that a middleware serves again on an uncovered path carries none of the first path's headers."""
    app = Flask(__name__)
    app.add_url_rule("/api/data", endpoint="data", view_func=lambda: "data")
    app.add_url_rule("/private", endpoint="private", view_func=lambda: "private")
    CORS(app, resources={"/api/*": {"origins": [ORIGINS[0]]}})
    redispatching(app, "/private")
    response = app.test_client().get("/api/data", headers={"Origin": ORIGINS[0]})
    assert response.get_data(as_text=True) == "private"
    assert cors_names(response) == []


def test_middleware_copying_the_environ_keeps_cors_headers() -> None:
    """A middleware installed before CORS(app) that passes Flask a copy of the environ does not lose the headers."""
    app = Flask(__name__)
    app.add_url_rule("/api/data", endpoint="data", view_func=lambda: "data")
    inner = app.wsgi_app

    def copying(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return inner(dict(environ), start_response)

    app.wsgi_app = copying  # type: ignore[method-assign]
    CORS(app, origins=[ORIGINS[0]])
    response = app.test_client().get("/api/data", headers={"Origin": ORIGINS[0]})
    assert response.headers.getlist(ACAO) == [ORIGINS[0]]
