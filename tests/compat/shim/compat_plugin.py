"""pytest plugin for the run of the flask-cors tests: one adaptation, and a results file.

Loaded in the pytest subprocess with ``-p compat_plugin``; plugin autoloading
is off there, so nothing else is loaded.

Adaptation (the only one): the upstream tests send ``Origin: www.example.com``
through their ``FlaskCorsTestCase`` helpers, an origin without a scheme that
no browser sends (an origin is ``scheme://host[:port]`` or ``null``). The
helpers' ``origin=`` argument is given the browser's form,
``http://www.example.com``, before the request is made. The tests that send
this origin only check whether ``Access-Control-Allow-Origin`` is present and
the other CORS headers, never its value, so no assertion changes meaning.
Origins given as raw headers (``headers={'Origin': ...}``) all have a scheme
and are sent unchanged.

Results: for every test, its outcome, the first line of its failure and the
last request it made through the helpers with the CORS headers of the answer
(what a failed assertion was about), and the ``CorsWarning`` messages it
triggered; written as JSON to the path given with ``--compat-results``,
together with the files ``cors`` and ``flask_cors`` were imported from.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

_results: dict[str, dict[str, str]] = {}
_warnings: dict[str, list[str]] = {}
_exchanges: dict[str, str] = {}
_current = ""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the option that names the results file."""
    parser.addoption("--compat-results", required=True, help="Where to write the results as JSON.")


def browser_origin(origin: object) -> object:
    """The browser's form of an origin a test gives without a scheme."""
    if isinstance(origin, str) and origin and origin != "null" and "://" not in origin:
        return f"http://{origin}"
    return origin


def _adapt_helpers() -> None:
    base = sys.modules.get("tests.base_test")
    case = getattr(base, "FlaskCorsTestCase", None)
    if case is None or getattr(case, "_compat_adapted", False):
        return
    original = case._request

    def _request(self: Any, verb: str, *args: Any, **kwargs: Any) -> Any:
        if "origin" in kwargs:
            kwargs["origin"] = browser_origin(kwargs["origin"])
        sent = {**kwargs.get("headers", {}), **({"Origin": kwargs["origin"]} if kwargs.get("origin") else {})}
        response = original(self, verb, *args, **kwargs)
        _exchanges[_current] = describe(verb, args[0] if args else "", sent, response)
        return response

    case._request = _request
    case._compat_adapted = True


def describe(verb: str, path: str, sent: dict[str, str], response: Any) -> str:
    """One request and the CORS-relevant headers of its answer, on one line."""
    asked = "; ".join(f"{name}: {value}" for name, value in sent.items() if name.lower() != "content-type")
    got = "; ".join(
        f"{name}: {value}"
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    )
    return f"{verb.upper()} {path} [{asked}] -> {response.status_code} [{got}]"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Note which test the next requests belong to."""
    global _current
    _current = item.nodeid


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Adapt the upstream test helpers once every test module is imported."""
    _adapt_helpers()


def _first_line(report: pytest.CollectReport | pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if isinstance(report.longrepr, tuple):  # a skip: (file, line, reason)
        text = str(report.longrepr[2])
    else:
        text = str(crash.message) if crash is not None else str(report.longrepr)
    return text.strip().splitlines()[0] if text.strip() else ""


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """Record a module that could not be collected, as a failed test of that name."""
    if report.failed:
        _results[report.nodeid] = {"outcome": "failed", "message": _first_line(report), "exchange": ""}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record the outcome of one test: its first failed phase, or skipped, or passed."""
    entry = _results.get(report.nodeid)
    if entry is not None and entry["outcome"] == "failed":
        return
    if report.failed:
        _results[report.nodeid] = {
            "outcome": "failed",
            "message": f"{report.when}: {_first_line(report)}",
            "exchange": _exchanges.get(report.nodeid, ""),
        }
    elif report.skipped:
        _results[report.nodeid] = {"outcome": "skipped", "message": _first_line(report), "exchange": ""}
    elif report.when == "call":
        _results[report.nodeid] = {"outcome": "passed", "message": "", "exchange": ""}


def pytest_warning_recorded(
    warning_message: warnings.WarningMessage, when: str, nodeid: str, location: tuple[str, int, str] | None
) -> None:
    """Record the CorsWarnings a test triggered."""
    if type(warning_message.message).__name__ == "CorsWarning":
        _warnings.setdefault(nodeid, []).append(str(warning_message.message))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the results file."""
    import cors

    # The module the upstream tests imported; not imported here by name, so
    # that type-checking never resolves it to an installed flask-cors.
    flask_cors = getattr(sys.modules.get("flask_cors"), "__file__", "")
    path = Path(session.config.getoption("--compat-results"))
    run = {"cors": cors.__file__, "flask_cors": flask_cors, "results": _results, "warnings": _warnings}
    path.write_text(json.dumps(run, indent=1, sort_keys=True), encoding="utf-8")
