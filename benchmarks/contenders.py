"""The apps under test: one builder per contender, each with its own view.

A contender is a name, a builder (allow-list in, Flask app out), the answers
it must give, and the flask-cors contender its overhead is compared with.
Each builder defines a fresh view function: flask-cors's decorator mutates
the function it wraps, so a shared view would silently change other apps.

A new contender (another way of using this library, say) is one builder
and one entry in :func:`contenders`; give it a ``baseline`` to have its
overhead compared with a flask-cors contender's and checked by the budget.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

import cors

from . import _flask_cors
from .timing import Runner
from .scenarios import (
    ROUTE,
    ROUTE_METHODS,
    Allowlist,
    Case,
    Expected,
    expect_bare,
    expect_cors,
    expect_flask_cors,
)

BARE = "bare"


@dataclass(frozen=True)
class Contender:
    """One way of serving the route.

    Attributes:
        name: Short identifier (table column, JSON key, ``--profile``).
        label: What the table calls it.
        build: Builds a new app for an allow-list.
        expect: The answer the app must give to a case.
        baseline: For this library's contenders, the flask-cors contender its
            overhead over bare Flask is compared with; None otherwise.
        wrap: Wraps the runner of each of its cells (see :func:`with_receiver`).
    """

    name: str
    label: str
    build: Callable[[Allowlist], Flask]
    expect: Callable[[Case, Allowlist], Expected]
    baseline: str | None = None
    wrap: Callable[[Flask, Runner], Runner] | None = None


def _app(view: Callable[[], str]) -> Flask:
    app = Flask(__name__)
    app.add_url_rule(ROUTE, endpoint="r", view_func=view, methods=list(ROUTE_METHODS))
    return app


def build_bare(allowlist: Allowlist) -> Flask:
    """Flask with no CORS at all."""

    def view() -> str:
        return "ok"

    return _app(view)


def build_cors_decorator(allowlist: Allowlist) -> Flask:
    """This library's ``@cross_origin``."""

    def view() -> str:
        return "ok"

    return _app(cors.cross_origin(origins=allowlist.for_cors())(view))


def build_cors_extension(allowlist: Allowlist) -> Flask:
    """This library's extension, ``CORS(app)``."""

    def view() -> str:
        return "ok"

    app = _app(view)
    cors.CORS(app, origins=allowlist.for_cors())
    return app


def with_receiver(app: Flask, runner: Runner) -> Runner:
    """``runner`` with a ``cors.decided`` receiver that counts refusals, connected only while it runs.

    Blinker's receiver list is global: connected for the whole run, it would
    make every other contender of this library send the signal too.
    """
    refusals: Counter[str] = Counter()
    calls = [0]

    def count(sender: Flask, decision: cors.Decision, **extra: object) -> None:
        calls[0] += 1
        if not decision.allowed:
            refusals[decision.refused_by or "origin"] += 1

    def run(n: int) -> None:
        calls[0] = 0
        cors.decided.connect(count, app)
        try:
            runner(n)
        finally:
            cors.decided.disconnect(count)  # from every sender: only then does blinker forget it
        assert calls[0] == n, f"the receiver saw {calls[0]} of {n} requests"

    return run


def build_flask_cors_decorator(allowlist: Allowlist) -> Flask:
    """flask-cors's ``@cross_origin``."""

    def view() -> str:
        return "ok"

    return _app(_flask_cors.cross_origin(origins=allowlist.for_flask_cors())(view))


def build_flask_cors_extension(allowlist: Allowlist) -> Flask:
    """flask-cors's ``CORS(app)``."""

    def view() -> str:
        return "ok"

    app = _app(view)
    _flask_cors.install_extension(app, origins=allowlist.for_flask_cors())
    return app


def contenders() -> tuple[Contender, ...]:
    """Every contender, bare Flask first."""
    return (
        Contender(name=BARE, label="bare Flask", build=build_bare, expect=expect_bare),
        Contender(
            name="cors-decorator",
            label="cors decorator",
            build=build_cors_decorator,
            expect=expect_cors,
            baseline="flask-cors-decorator",
        ),
        Contender(
            name="cors-extension",
            label="cors extension",
            build=build_cors_extension,
            expect=expect_cors,
            baseline="flask-cors-extension",
        ),
        Contender(
            name="cors-extension-receiver",
            label="cors extension + receiver",
            build=build_cors_extension,
            expect=expect_cors,
            wrap=with_receiver,
        ),
        Contender(
            name="flask-cors-decorator",
            label="flask-cors decorator",
            build=build_flask_cors_decorator,
            expect=expect_flask_cors,
        ),
        Contender(
            name="flask-cors-extension",
            label="flask-cors extension",
            build=build_flask_cors_extension,
            expect=expect_flask_cors,
        ),
    )
