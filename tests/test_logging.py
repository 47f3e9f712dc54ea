"""The cors logger: one escaped DEBUG line per request, and no work when DEBUG is off."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.typing import ResponseReturnValue

from cors import CORS, Decision, cross_origin

SITE = "https://app.example.com"


def make_app() -> Flask:
    """An app with one decorated view and one extension-covered view."""
    app = Flask(__name__)

    @app.route("/decorated")
    @cross_origin(origins=[SITE])
    def decorated() -> ResponseReturnValue:
        return "d"

    @app.route("/api/x", methods=["GET", "PUT"])
    def covered() -> ResponseReturnValue:
        return "x"

    CORS(app, resources="/api/*", origins=[SITE])
    return app


def test_one_line_per_request(caplog: pytest.LogCaptureFixture) -> None:
    """Each covered request logs one DEBUG line with the verdict and the reason."""
    client = make_app().test_client()
    with caplog.at_level(logging.DEBUG, logger="cors"):
        client.get("/decorated", headers={"Origin": "https://evil.example"})
        client.options("/api/x", headers={"Origin": SITE, "Access-Control-Request-Method": "PUT"})
    assert [r.getMessage() for r in caplog.records] == [
        "refused actual 'GET' '/decorated' from origin 'https://evil.example': origin not allowed: add it to origins",
        f"allowed preflight 'OPTIONS' '/api/x' from origin {SITE!r}: allowed by origins rule {SITE!r}",
    ]
    assert {r.name for r in caplog.records} == {"cors"}


def test_crafted_values_cannot_forge_lines(caplog: pytest.LogCaptureFixture) -> None:
    """A path or header with CR/LF is logged escaped, on one line."""
    client = make_app().test_client()
    with caplog.at_level(logging.DEBUG, logger="cors"):
        client.get("/api/x%0d%0aINFO forged", headers={"Origin": SITE})
        client.options(
            "/api/x",
            headers={"Origin": SITE, "Access-Control-Request-Method": "PUT",
                     "Access-Control-Request-Headers": "x-a\u00e9\u2028"},
        )
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert all("\n" not in m and "\r" not in m and "\u2028" not in m for m in messages)
    assert "'/api/x\\r\\nINFO forged'" in messages[0]


def test_nothing_is_formatted_with_debug_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the logger above DEBUG, no reason is computed and no record is made."""
    calls: list[int] = []

    def counting_reason(self: Decision) -> str:
        calls.append(1)
        return "x"

    monkeypatch.setattr(Decision, "reason", property(counting_reason))
    made: list[str] = []
    original = logging.Logger.makeRecord

    def counting_make_record(self: logging.Logger, *args: object, **kwargs: object) -> logging.LogRecord:
        made.append(self.name)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(logging.Logger, "makeRecord", counting_make_record)
    logger = logging.getLogger("cors")
    monkeypatch.setattr(logger, "level", logging.INFO)
    client = make_app().test_client()
    client.get("/decorated", headers={"Origin": SITE})
    client.get("/api/x", headers={"Origin": "https://evil.example"})
    assert calls == []
    assert made == []
    monkeypatch.setattr(logger, "level", logging.DEBUG)
    logger.manager._clear_cache()  # type: ignore[attr-defined]
    client.get("/api/x", headers={"Origin": SITE})
    assert calls == [1]
    assert made == ["cors"]
