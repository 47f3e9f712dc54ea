"""The servers of the browser tests: WSGI apps on loopback over HTTP and HTTPS, and a proxy.

This module does not import ``cors`` (``conftest.py`` imports it, and
typeguard only instruments ``cors`` if the tests import it first).

Every :class:`LiveServer` listens twice on 127.0.0.1, once in plain HTTP and
once over TLS, with the same app and the same record of requests: a page of
an ``https://`` origin calls the TLS listener, a page of an ``http://`` origin
the plain one, as a real deployment would (WebKit refuses an https page's
fetch to an ``http://`` API even on loopback, as mixed content; Chromium and
Firefox allow it). The certificate in ``tls/`` is self-signed; the browsers
are told to accept it.

Time-outs here only catch hangs: a connection that says nothing for
:data:`IDLE_TIMEOUT_S` is dropped.
"""

from __future__ import annotations

import selectors
import socket
import socketserver
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from collections.abc import Iterable
    from types import TracebackType

TLS_DIR = Path(__file__).with_name("tls")
CERTIFICATE = TLS_DIR / "cert.pem"
"""Self-signed for localhost, 127.0.0.1 and *.example.com, valid until 2126 (see README)."""
PRIVATE_KEY = TLS_DIR / "key.pem"
IDLE_TIMEOUT_S = 60.0

BLANK_PAGE = "<!doctype html><meta charset=utf-8><title>page</title><p>A page of this origin.</p>"
SANDBOXED = "sandbox allow-scripts"
"""The CSP that gives a document the opaque origin ``null``."""


def tls_context() -> ssl.SSLContext:
    """Return the server side TLS context of every test server."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERTIFICATE, PRIVATE_KEY)
    return context


@dataclass(frozen=True)
class Seen:
    """One request as the server received it, and how it was answered.

    Header names are lower-case.
    """

    method: str
    path: str
    query: str
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
        query = str(environ.get("QUERY_STRING", ""))

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
                query=query,
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
    timeout = IDLE_TIMEOUT_S

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class _Listener(ThreadedWSGIServer):
    """Werkzeug's threaded server; with TLS, each handshake happens in its connection's thread.

    Werkzeug wraps the listening socket, so that the handshake runs inside
    ``accept()``, in the one thread that accepts every connection: a client
    that connects and is slow to say hello (a browser's speculative
    connection, a busy machine) holds up every other client.
    """

    def __init__(self, app: WSGIApplication, context: ssl.SSLContext | None) -> None:
        super().__init__("127.0.0.1", 0, app, handler=_QuietHandler)
        self._tls = context
        # Read by Werkzeug to set wsgi.url_scheme and to log TLS errors quietly.
        self.ssl_context = context

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = self.socket.accept()
        if self._tls is None:
            return connection, address
        return self._tls.wrap_socket(connection, server_side=True, do_handshake_on_connect=False), address


_live_ports: set[int] = set()
"""The ports the test servers listen on; the proxy sends any host at one of them there."""


class LiveServer:
    """A WSGI app served on 127.0.0.1, over HTTP and over HTTPS, each on a free port, in threads."""

    def __init__(self, app: WSGIApplication) -> None:
        self.recorder = Recorder(app)
        self._listeners = [_Listener(self.recorder, None), _Listener(self.recorder, tls_context())]
        plain, secure = (listener.server_port for listener in self._listeners)
        _live_ports.update((plain, secure))
        self.base = f"http://127.0.0.1:{plain}"
        self.tls_base = f"https://127.0.0.1:{secure}"
        self.port, self.tls_port = plain, secure
        self._threads = [
            threading.Thread(target=listener.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            for listener in self._listeners
        ]
        for thread in self._threads:
            thread.start()

    def url(self, path: str, *, secure: bool = False) -> str:
        """Return the absolute URL of a path on this server, over TLS if ``secure``."""
        return (self.tls_base if secure else self.base) + path

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
        """Stop serving and release the ports."""
        for listener in self._listeners:
            _live_ports.discard(listener.server_port)
            listener.shutdown()
            listener.server_close()
        for thread in self._threads:
            thread.join(timeout=IDLE_TIMEOUT_S)


def page_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Serve the blank page of every test origin: ``/``, and ``/sandboxed`` with origin null."""
    path = environ.get("PATH_INFO")
    headers = [("Content-Type", "text/html; charset=utf-8")]
    if path == "/sandboxed":
        headers.append(("Content-Security-Policy", SANDBOXED))
    start_response("200 OK" if path in ("/", "/sandboxed") else "404 Not Found", headers)
    return [BLANK_PAGE.encode()]


# --- the proxy that gives pages any origin -----------------------------------


def _pipe(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until both sides have finished, or neither speaks for a long time."""
    selector = selectors.DefaultSelector()
    selector.register(client, selectors.EVENT_READ, upstream)
    selector.register(upstream, selectors.EVENT_READ, client)
    try:
        open_sides = 2
        while open_sides:
            ready = selector.select(timeout=IDLE_TIMEOUT_S)
            if not ready:
                return
            for key, _ in ready:
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                sink: socket.socket = key.data
                data = source.recv(65536)
                if data:
                    sink.sendall(data)
                    continue
                selector.unregister(source)
                open_sides -= 1
                try:
                    sink.shutdown(socket.SHUT_WR)
                except OSError:
                    return
    except OSError:
        return
    finally:
        selector.close()


class _ProxyHandler(socketserver.BaseRequestHandler):
    server: OriginProxy

    def handle(self) -> None:
        client: socket.socket = self.request
        client.settimeout(IDLE_TIMEOUT_S)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(65536)
            if not chunk:
                return
            head += chunk
        tunnel = head.startswith(b"CONNECT ")
        upstream = socket.create_connection(self.server.upstream(head, tunnel=tunnel), timeout=IDLE_TIMEOUT_S)
        with upstream:
            if tunnel:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                rest = head.split(b"\r\n\r\n", 1)[1]
            else:
                # Werkzeug reads the absolute URI of a proxy request as path and Host.
                rest = head
            if rest:
                upstream.sendall(rest)
            _pipe(client, upstream)


class OriginProxy(socketserver.ThreadingTCPServer):
    """A forward proxy on 127.0.0.1 that sends every request it gets to the page server.

    A browser that uses it for every host but loopback loads
    ``https://app.example.com/`` (a ``CONNECT`` tunnel to the page server's
    TLS listener) or ``http://app.example.com/`` (a proxy request to its plain
    listener) from the page server, and the page keeps the origin it asked
    for. The hosts in ``loopback_hosts`` are 127.0.0.1 instead, at the port
    asked for (``backend.example.com:PORT``: a test server on the pages' site), and
    so are 127.0.0.1 itself and any host at the port of a test server
    (``localhost:PORT``), so that a browser that proxies loopback too reaches the API.
    It never connects anywhere but 127.0.0.1.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, pages: LiveServer, loopback_hosts: frozenset[str] = frozenset()) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.plain_upstream = ("127.0.0.1", pages.port)
        self.tls_upstream = ("127.0.0.1", pages.tls_port)
        self.loopback_hosts = loopback_hosts
        self.port: int = self.server_address[1]
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def upstream(self, head: bytes, *, tunnel: bool) -> tuple[str, int]:
        """Return where a proxy request (its head) goes."""
        target = head.split(b" ", 2)[1].decode("ascii", "replace")
        authority = target if tunnel else target.split("://", 1)[-1].split("/", 1)[0]
        host, _, port = authority.rpartition(":")
        if port.isdigit() and (host == "127.0.0.1" or host in self.loopback_hosts or int(port) in _live_ports):
            return ("127.0.0.1", int(port))
        return self.tls_upstream if tunnel else self.plain_upstream

    def close(self) -> None:
        """Stop the proxy and release its port."""
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=IDLE_TIMEOUT_S)
