"""The request view: the parts of a request that CORS decisions depend on.

Dependency rule: this module is part of the pure core. It imports nothing from
Flask or Werkzeug, keeps no global state and does no I/O.
"""

# One is made per request, so it is a NamedTuple: immutable and typed like an
# attrs frozen class, and a third of the cost to create. No postponed
# annotations here: typeguard resolves a NamedTuple's field types in the
# caller's module.
from typing import NamedTuple


class CorsRequest(NamedTuple):
    """What a CORS decision reads from a request, exactly as received.

    Build it once per request; the Flask adapter does, and tests build it
    directly, by keyword.

    Attributes:
        method: The request method, upper-case as Werkzeug gives it.
        origin: The ``Origin`` header, or None when absent.
        request_method: ``Access-Control-Request-Method``, or None.
        request_headers: ``Access-Control-Request-Headers``, or None.
        request_private_network: ``Access-Control-Request-Private-Network``
            was ``true``.
        fetch_site: The ``Sec-Fetch-Site`` header, or None. Read by
            ``write_protection`` only.
        host: The request's host as the server sees it: the ``Host``
            header, or the server's name and port without one. Read by
            ``write_protection`` only.
        scheme: ``http`` or ``https``, as the server sees it.
    """

    method: str
    origin: str | None = None
    request_method: str | None = None
    request_headers: str | None = None
    request_private_network: bool = False
    fetch_site: str | None = None
    host: str | None = None
    scheme: str = "http"

    @property
    def is_preflight(self) -> bool:
        """An OPTIONS request with Origin and Access-Control-Request-Method."""
        return self.method == "OPTIONS" and self.origin is not None and self.request_method is not None
