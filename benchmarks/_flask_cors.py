"""The two entry points of flask-cors that the benchmark calls.

The allow-list is passed as keyword arguments built at run time, which
flask-cors's own annotations cannot check, so they are typed loosely here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import flask_cors
from flask import Flask

F = TypeVar("F", bound=Callable[..., object])

VERSION: str = flask_cors.__version__


def cross_origin(**options: Any) -> Callable[[F], F]:
    """flask-cors's ``cross_origin`` decorator."""
    return flask_cors.cross_origin(**options)


def install_extension(app: Flask, **options: Any) -> None:
    """flask-cors's extension, ``CORS(app, **options)``."""
    flask_cors.CORS(app, **options)
