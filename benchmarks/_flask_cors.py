"""Typed entry points into flask-cors, which ships no type information.

Only the two calls the benchmark makes are given types here, so the rest of
the benchmark type-checks under ``mypy --strict`` without a stub package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import flask_cors  # type: ignore[import-untyped]
from flask import Flask

F = TypeVar("F", bound=Callable[..., object])

VERSION: str = cast(str, flask_cors.__version__)


def cross_origin(**options: object) -> Callable[[F], F]:
    """flask-cors's ``cross_origin`` decorator."""
    return cast("Callable[[F], F]", flask_cors.cross_origin(**options))


def install_extension(app: Flask, **options: object) -> None:
    """flask-cors's extension, ``CORS(app, **options)``."""
    flask_cors.CORS(app, **options)
