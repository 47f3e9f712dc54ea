"""The ``cors.decided`` signal: one per CORS-covered request, with the app and the decision."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Blueprint, Flask
from flask.typing import ResponseReturnValue

from cors import CORS, CorsRequest, Decision, cross_origin, decided

SITE = "https://app.example.com"
EVIL = "https://evil.example"


Refusals = Counter[tuple[str, str | None, str | None]]


@pytest.fixture
def refusals() -> Iterator[Refusals]:
    """Count refusals by kind, check and origin, as an operator's receiver would (here, with few origins)."""
    counts: Refusals = Counter()

    def count(app: Flask, decision: Decision, request: CorsRequest, **extra: Any) -> None:
        if not decision.allowed and decision.kind != "none":
            counts[decision.kind, decision.refused_by, request.origin] += 1

    decided.connect(count)
    yield counts
    decided.disconnect(count)


@pytest.mark.parametrize("entry", ["decorator", "extension", "blueprint"])
def test_refusals_are_counted_by_reason(entry: str, refusals: Refusals) -> None:
    """A receiver sees every decision and the request, so it can count refusals by check and origin.

    The extension decides in its middleware; with a blueprint's own rules, in its hook.
    """
    app = Flask(__name__)

    def view() -> ResponseReturnValue:
        return "ok"

    settings: dict[str, Any] = {"origins": [SITE], "allow_headers": ["Content-Type"]}
    if entry == "decorator":
        app.add_url_rule("/r", view_func=cross_origin(**settings)(view), methods=["GET", "PUT"])
    elif entry == "extension":
        app.add_url_rule("/r", view_func=view, methods=["GET", "PUT"])
        CORS(app, **settings)
    else:
        blueprint = Blueprint("bp", __name__)
        blueprint.add_url_rule("/r", view_func=view, methods=["GET", "PUT"])
        CORS(blueprint, **settings)
        app.register_blueprint(blueprint)
    client = app.test_client()
    client.get("/r", headers={"Origin": SITE})
    client.get("/r", headers={"Origin": EVIL})
    client.get("/r", headers={"Origin": EVIL})
    client.options("/r", headers={"Origin": SITE, "Access-Control-Request-Method": "PUT",
                                  "Access-Control-Request-Headers": "x-secret"})
    assert refusals == {("actual", "origin", EVIL): 2, ("preflight", "header", SITE): 1}


def test_sender_is_the_app() -> None:
    """The signal's sender is the app that served the request, so receivers can filter by app."""
    seen: list[tuple[Flask, bool]] = []
    app = Flask(__name__)
    app.add_url_rule("/r", view_func=cross_origin()(lambda: "ok"))

    def receiver(sender: Flask, decision: Decision, **extra: Any) -> None:
        seen.append((sender, decision.allowed))

    with decided.connected_to(receiver, sender=app):
        app.test_client().get("/r", headers={"Origin": SITE})
        Flask("other").test_client().get("/r")
    assert seen == [(app, True)]
