"""Run the demo: ``python -m demo [--host H] [--port N] [--page-port M]``.

Serves the flask-cors documentation's ``cross_origin`` examples (the API) on
``http://H:N``, and on port M a page whose script calls every example in the
browser and shows which calls the browser lets it read, which it blocks, and
why. Open the page under several names (``http://app.example.localhost:M``,
``http://evil.localhost:M``, ...): each is another origin, which the examples
allow or refuse. Port 0 picks a free port; the URLs and routes are printed on
start. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import signal
import textwrap
import threading
from collections.abc import Sequence

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from cors._cli import route_groups, settings
from demo.page import HOSTS, create_page_app, page_origin
from demo.examples import create_app

_ANY_ADDRESS = ("0.0.0.0", "::", "")


def route_lines(app: Flask) -> list[str]:
    """One line per API route: its methods, its path and the origins its example allows."""
    rows = []
    for rule, _, methods, layers in route_groups(app):
        if layers:
            origins = next(value for name, value, _ in settings(layers) if name == "origins")
            rows.append((", ".join(methods), rule, origins))
    width = max(len(row[0]) for row in rows), max(len(row[1]) for row in rows)
    lines = []
    for shown, rule, origins in rows:
        head = f"  {shown.ljust(width[0])}  {rule.ljust(width[1])}  "
        lines += textwrap.wrap(origins, 100, initial_indent=head, subsequent_indent=" " * len(head),
                               break_long_words=False, break_on_hyphens=False)
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the API and the demo page until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port of the API (default 5000)")
    parser.add_argument("--page-port", type=int, default=8080, help="port of the demo page (default 8080)")
    args = parser.parse_args(argv)
    # A shell that starts a command in the background (`./dev demo &`, a
    # script's `cmd &`) hands it SIGINT ignored, and Python then leaves it so:
    # Ctrl-C, or kill -INT, would do nothing. The demo promises that it stops.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    servers: list[BaseWSGIServer] = []
    serving: list[BaseWSGIServer] = []
    try:
        # The page's port is part of its origins, which the API's examples
        # list: bind it first, then build the apps.
        page_server = make_server(args.host, args.page_port, Flask(__name__), threaded=True)
        servers.append(page_server)
        page_port = page_server.server_port
        api_app = create_app(page_port=page_port)
        api_server = make_server(args.host, args.port, api_app, threaded=True)
        servers.append(api_server)
        api_host = "127.0.0.1" if args.host in _ANY_ADDRESS else args.host
        api = f"http://{api_host}:{api_server.server_port}"
        page_server.app = create_page_app(api, page_port)

        width = max(len(page_origin(host, page_port)) for host in HOSTS) + 1
        lines = [
            "The flask-cors documentation's cross_origin examples, on cors, with local origins.",
            f"API: {api}",
            "Open the page that calls them as any of these origins (browsers resolve *.localhost here):",
            *(f"  {(page_origin(host, page_port) + '/').ljust(width)}  {role}" for host, role in HOSTS.items()),
            "API routes and the origins they allow:",
            *route_lines(api_app),
            "Ctrl-C stops the demo.",
        ]
        for server in servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
            serving.append(server)
        print("\n".join(lines), flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("Stopping.", flush=True)
    finally:
        for server in servers:
            if server in serving:  # shutdown() waits for a serve_forever() that has started
                server.shutdown()
            server.server_close()
    print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
