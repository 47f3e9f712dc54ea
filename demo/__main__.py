"""Run the demo: ``python -m demo [--host H] [--port N] [--page-port M]``.

Serves the seed's examples (the API) on ``http://H:N`` and, on a second origin
(``http://localhost:M``), a page whose script calls every example in the
browser and shows which calls the browser lets it read, which it blocks, and
why. Port 0 picks a free port; the URLs are printed on start.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence

from werkzeug.serving import make_server

from demo.page import create_page_app
from demo.seed_app import create_app

_ANY_ADDRESS = ("0.0.0.0", "::", "")


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

    api_server = make_server(args.host, args.port, create_app(), threaded=True)
    api_host = "127.0.0.1" if args.host in _ANY_ADDRESS else args.host
    api = f"http://{api_host}:{api_server.server_port}"
    page_server = make_server(args.host, args.page_port, create_page_app(api), threaded=True)
    # localhost:8080 is one of the origins the seed's development example allows.
    page_host = "localhost" if args.host in (*_ANY_ADDRESS, "127.0.0.1") else args.host
    print(f"API (the seed's examples): {api}", flush=True)
    print(f"Demo page: http://{page_host}:{page_server.server_port}/", flush=True)

    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (api_server, page_server)]
    for thread in threads:
        thread.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in (api_server, page_server):
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main()
