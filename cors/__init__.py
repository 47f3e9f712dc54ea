"""Typed, functional CORS for Flask.

[`cross_origin`][cors.cross_origin] covers one view, [`CORS`][cors.CORS] an
app or blueprint by path rules; both take the settings of
[`CorsPolicy`][cors.CorsPolicy]. The pure core, [`decide`][cors.decide] and
[`cors_headers`][cors.cors_headers], needs no Flask.
"""
# Public names only: the logic lives in the private modules.

from ._errors import CorsConfigError, CorsWarning
from ._decision import Decision
from ._evaluate import cors_headers, decide
from ._extension import CORS
from ._flask import cross_origin, decided
from ._origins import OriginCheck
from ._policy import UNSET, CorsPolicy, ResolvedPolicy, resolve
from ._request import CorsRequest
from ._settings import CorsSettings, ExtensionSettings

__all__ = [
    "CORS",
    "UNSET",
    "CorsConfigError",
    "CorsPolicy",
    "CorsRequest",
    "CorsSettings",
    "CorsWarning",
    "Decision",
    "ExtensionSettings",
    "OriginCheck",
    "ResolvedPolicy",
    "cors_headers",
    "cross_origin",
    "decided",
    "decide",
    "resolve",
]
