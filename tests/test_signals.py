"""The ``cors.decided`` signal: one per CORS-covered request, with the app and the decision."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.typing import ResponseReturnValue

from cors import CORS, Decision, cross_origin, decided

SITE = "https://app.example.com"
EVIL = "https://evil.example"


@pytest.fixture
def refusals() -> Iterator[Counter[str]]:
    """Count refusals by reason, as an operator's metrics receiver would."""
    counts: Counter[str] = Counter()

    def count(app: Flask, decision: Decision, **extra: Any) -> None:
        if not decision.allowed and decision.kind != "none":
            counts[decision.reason] += 1

    decided.connect(count)
    yield counts
    decided.disconnect(count)


@pytest.mark.parametrize("entry", ["decorator", "extension"])
def test_refusals_are_counted_by_reason(entry: str, refusals: Counter[str]) -> None:
    """A receiver sees every decision, so it can count refused origins and headers."""
    app = Flask(__name__)

    def view() -> ResponseReturnValue:
        return "ok"

    settings: dict[str, Any] = {"origins": [SITE], "allow_headers": ["Content-Type"]}
    if entry == "decorator":
        app.add_url_rule("/r", view_func=cross_origin(**settings)(view), methods=["GET", "PUT"])
    else:
        app.add_url_rule("/r", view_func=view, methods=["GET", "PUT"])
        CORS(app, **settings)
    client = app.test_client()
    client.get("/r", headers={"Origin": SITE})
    client.get("/r", headers={"Origin": EVIL})
    client.get("/r", headers={"Origin": EVIL})
    client.options("/r", headers={"Origin": SITE, "Access-Control-Request-Method": "PUT",
                                  "Access-Control-Request-Headers": "x-secret"})
    assert refusals == {
        "origin not allowed: add it to origins": 2,
        "request header 'x-secret' not allowed: add it to allow_headers": 1,
    }


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
