"""The one exception the library raises for bad configuration."""

from __future__ import annotations


class CorsConfigError(ValueError):
    """A CORS setting is invalid, unsafe or contradicts another one.

    Raised when a [`CorsPolicy`][cors.CorsPolicy] is built or composed, or when a
    policy is attached to a view or an app: never while a request is served.
    The message names the setting, the value and the fix.
    """


class CorsWarning(UserWarning):
    """A setting that works but is probably not what was meant.

    Emitted when a policy is attached to a view or an app. Filter it like any
    warning, or turn it into an error with ``-W error::cors.CorsWarning``.
    """
