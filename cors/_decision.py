"""The decision value: what the core decided about one request, and why.

Dependency rule: this module is part of the pure core. It imports nothing from
Flask or Werkzeug, keeps no global state and does no I/O.
"""


from collections.abc import Mapping
from typing import Literal, NamedTuple

Kind = Literal["none", "actual", "preflight"]
"""``none``: no Origin header, not a CORS request; ``actual``: a CORS request;
``preflight``: OPTIONS with Origin and Access-Control-Request-Method."""

Step = Literal["origin", "method", "header", "write"]
"""The check that refused a request: ``write`` is ``write_protection``'s,
which answers 403 before the view runs."""


# One is made per request, so it is a NamedTuple: immutable and typed like an
# attrs frozen class, and half the cost to create. No postponed annotations
# here: typeguard resolves a NamedTuple's field types in the caller's module.
class Decision(NamedTuple):
    """What the core decided about one request.

    Attributes:
        kind: The kind of request.
        allowed: The browser will let the page read the response (or send
            the actual request, for a preflight).
        headers: The headers to set on the response. Treat as read-only.
        rule: The configured origin spec that allowed the origin (the origin
            itself for an exact one, ``"*"`` for any).
        refused_by: The check that refused the request, or None.
        detail: The refused method or header name, where one was refused;
            for ``write``, the ``Sec-Fetch-Site`` value (``cross-site``,
            ``same-site`` or ``unrecognised``), or None when there was none.
        private_network: None when the request did not ask for Private Network
            Access; else whether it was granted.
    """

    kind: Kind
    allowed: bool
    headers: Mapping[str, str]
    rule: str | None = None
    refused_by: Step | None = None
    detail: str | None = None
    private_network: bool | None = None

    @property
    def reason(self) -> str:
        """One sentence on why, naming the setting to change when refused."""
        if self.refused_by == "write":
            if self.detail is None:
                why = "no Sec-Fetch-Site, and Origin is neither this host nor in origins"
            else:
                why = f"Sec-Fetch-Site {self.detail!r} from an origin not in origins"
            return f"cross-origin write refused by write_protection ({why}): add the origin to origins"
        if self.kind == "none":
            return "no Origin header, so not a CORS request"
        if self.allowed:
            text = f"allowed by origins rule {self.rule!r}"
            if self.private_network is False:
                text += "; Private Network Access not granted (allow_private_network)"
            return text
        if self.refused_by == "origin":
            return "origin not allowed: add it to origins"
        if self.refused_by == "method":
            return f"method {self.detail!r} not allowed: add it to methods"
        return f"request header {self.detail!r} not allowed: add it to allow_headers"
