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

    Emitted while settings are read: when a policy is built or attached to a
    view or an app, and when the app's ``CORS_*`` config is read (at set-up,
    and again at the first request); never while serving. Filter it like any
    warning, or turn it into an error with ``-W error::cors.CorsWarning``.
    """
