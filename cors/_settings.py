"""The settings vocabulary, as types: what ``cross_origin``, ``CORS`` and path rules accept.

Dependency rule: this module is part of the pure core. It imports nothing from
Flask or Werkzeug, keeps no global state and does no I/O.

The keys are the fields of [`CorsPolicy`][cors.CorsPolicy] (a test checks that
they agree); the value types are what its converters accept. With PEP 692
``Unpack``, a type checker rejects a misspelt setting or a value of the wrong
type before the code runs; at run time the same mistakes raise ``TypeError``
or [`CorsConfigError`][cors.CorsConfigError].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, TypedDict, Union

from ._origins import OriginSpec
from ._paths import PathSpec
from ._policy import CorsPolicy, HeaderSpec


class CorsSettings(TypedDict, total=False):
    """The settings of [`cross_origin`][cors.cross_origin] and [`CorsPolicy`][cors.CorsPolicy].

    Every key is optional. ``None`` for a list setting means the same as
    leaving it out; ``max_age=None`` means no ``Access-Control-Max-Age``,
    replacing the one of a layer below; the flags take only ``True`` or
    ``False``. See [Configuration](configuration.md) for what each does and
    its default, and [Type checking](typing.md) for what a type checker says
    about a mistake.
    """

    origins: OriginSpec | Iterable[OriginSpec] | None
    methods: str | Iterable[str] | None
    expose_headers: str | Iterable[str] | None
    allow_headers: HeaderSpec | Iterable[HeaderSpec] | None
    # Flags are bool alone: the policy refuses None for them (a test holds
    # the types and the run-time checks to the same values).
    supports_credentials: bool
    max_age: timedelta | int | str | None
    send_wildcard: bool
    vary_header: bool
    automatic_options: bool
    allow_private_network: bool
    always_send: bool
    write_protection: bool


RuleSettings = Union[CorsPolicy, CorsSettings]
"""The settings of one path rule: a policy, or a dict of settings."""

# A Sequence, not an Iterable: a dict is an iterable of its keys, which would
# let a type checker accept a mapping whose rule settings are misspelt.
Resources = Union[
    PathSpec,
    # Any key: Mapping keys are invariant, so dict[str, ...] would not be a
    # Mapping[str | Pattern, ...], and a union of Mappings stops a type checker
    # from checking a dict literal's rule settings. Keys are checked at run time.
    Mapping[Any, RuleSettings],
    Sequence[Union[PathSpec, tuple[PathSpec, RuleSettings]]],
]
"""Path rules: one pattern, a list of patterns or of (pattern, settings) pairs, or a mapping."""


class ExtensionSettings(CorsSettings, total=False):
    """The settings of [`CORS`][cors.CORS] and [`init_app`][cors.CORS.init_app]: those of a
    policy, plus the two that only an app-wide extension has."""

    resources: Resources | None
    intercept_exceptions: bool | None
