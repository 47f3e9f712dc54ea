"""flask-cors 6.0.5's own behaviour tests, run against this library.

Every upstream test passes unless ``divergences.toml`` lists it with its
reason, and every listed test still ends as listed, so the list can neither
hide a new failure nor go stale.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from . import upstream

LISTING = upstream.load_divergences()

# 9 tests of internal helpers, 89 behaviour tests and 1 that flask-cors skips.
EXPECTED_TESTS = 99


@pytest.fixture(scope="session")
def run(tmp_path_factory: pytest.TempPathFactory) -> upstream.Run:
    """The results of one run of the upstream tests (skipped offline, except under CI)."""
    try:
        tests_root = upstream.unpack_tests(upstream.fetch_sdist())
    except upstream.FetchError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"flask-cors {upstream.VERSION} is needed under CI: {exc}")
        pytest.skip(f"flask-cors {upstream.VERSION} could not be fetched: {exc}")
    return upstream.run_upstream(tests_root, tmp_path_factory.mktemp("compat") / "results.json")


def _short(nodeid: str) -> str:
    return nodeid.removeprefix("tests/")


def test_the_tests_run_against_this_checkout(run: upstream.Run) -> None:
    """The upstream tests import the ``cors`` package of this checkout."""
    assert Path(run["cors"]).resolve() == upstream.REPO / "cors" / "__init__.py"


def test_the_tests_import_the_shim(run: upstream.Run) -> None:
    """The upstream tests' ``flask_cors`` is the shim, even where the real flask-cors is installed."""
    assert Path(run["flask_cors"]).resolve() == upstream.SHIM / "flask_cors" / "__init__.py"


def test_every_upstream_test_ran(run: upstream.Run) -> None:
    """Every test of flask-cors's behaviour folders is collected and run."""
    assert len(run["results"]) == EXPECTED_TESTS, sorted(run["results"])


def test_every_listed_test_exists(run: upstream.Run) -> None:
    """Every test in the list is one the upstream suite has."""
    assert sorted(set(LISTING["tests"]) - set(run["results"])) == []


def test_unlisted_tests_pass(run: upstream.Run) -> None:
    """Every upstream test that the list does not name passes."""
    unexpected = {
        _short(nodeid): f"{result['outcome']}: {result['message']} | last request: {result['exchange']}"
        for nodeid, result in sorted(run["results"].items())
        if result["outcome"] != "passed" and nodeid not in LISTING["tests"]
    }
    assert unexpected == {}


@pytest.mark.parametrize("nodeid", sorted(LISTING["tests"]), ids=_short)
def test_listed_test_ends_as_listed(run: upstream.Run, nodeid: str) -> None:
    """A listed test still fails (or is skipped) for the listed reason; once it passes, it leaves the list."""
    entry = LISTING["tests"][nodeid]
    result = run["results"].get(nodeid)
    assert result is not None, "not in the upstream suite"
    evidence = f"{result['message']} | {result['exchange']}"
    assert result["outcome"] == entry["outcome"], f"{result['outcome']} (update divergences.toml)"
    assert re.search(entry["match"], evidence), f"fails for another reason now: {evidence}"


def test_corswarnings_are_listed(run: upstream.Run) -> None:
    """Every CorsWarning the upstream tests trigger is listed, and every listed one still occurs."""
    seen = {message for messages in run["warnings"].values() for message in messages}
    assert sorted(seen) == sorted(LISTING["warnings"])


@pytest.mark.parametrize("nodeid", sorted(LISTING["tests"]), ids=_short)
def test_divergence_has_kind_and_reason(nodeid: str) -> None:
    """A listed test names its outcome, kind, reason and evidence; a safety one names the weakness or the harm."""
    entry = LISTING["tests"][nodeid]
    assert entry.get("outcome") in ("failed", "skipped")
    assert entry.get("kind") in upstream.KINDS
    assert entry.get("reason", "").strip()
    assert entry.get("match", "").strip()
    re.compile(entry["match"])
    if entry["kind"] == "safety":
        assert re.fullmatch(r"W\d+b?", entry.get("weakness", "")) or entry.get("harm", "").strip()
    assert (entry["outcome"] == "skipped") == (entry["kind"] == "upstream-skip")


@pytest.mark.parametrize(
    "nodeid", sorted(k for k, v in LISTING["tests"].items() if v["kind"] == "safety"), ids=_short
)
def test_safety_divergence_is_a_row_of_the_migration_guide(nodeid: str) -> None:
    """A safety divergence is a row of the table of differences in docs/migrating.md."""
    rows = [line for line in (upstream.REPO / "docs" / "migrating.md").read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    doc = LISTING["tests"][nodeid].get("doc", "")
    assert doc and any(doc in row for row in rows)


@pytest.mark.parametrize("message", sorted(LISTING["warnings"]))
def test_listed_warning_has_reason(message: str) -> None:
    """A listed CorsWarning says why a flask-cors user is right to see it."""
    assert LISTING["warnings"][message].strip()
