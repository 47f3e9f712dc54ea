"""The request view: the parts of a request that CORS decisions depend on.

Dependency rule: this module is part of the pure core. It imports nothing from
Flask or Werkzeug, keeps no global state and does no I/O.
"""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class CorsRequest:
    """What a CORS decision reads from a request, exactly as received.

    Build it once per request; the Flask adapter does, and tests build it
    directly.

    Attributes:
        method: The request method, upper-case as WSGI servers give it.
        origin: The ``Origin`` header, or None when absent.
        request_method: ``Access-Control-Request-Method``, or None.
        request_headers: ``Access-Control-Request-Headers``, or None.
        request_private_network: ``Access-Control-Request-Private-Network``
            was ``true``.
    """

    method: str
    origin: str | None = None
    request_method: str | None = None
    request_headers: str | None = None
    request_private_network: bool = False

    @property
    def is_preflight(self) -> bool:
        """An OPTIONS request with Origin and Access-Control-Request-Method."""
        return (
            self.method == "OPTIONS"
            and self.origin is not None
            and self.request_method is not None
        )
