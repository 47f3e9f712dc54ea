"""Fetch flask-cors's source distribution, run its tests against ``cors``, read the list.

The sdist comes from PyPI through ``pip download`` into ``.compat-cache/`` at
the repository root (git-ignored), is checked against a pinned SHA-256, and
only its ``tests/`` folder is unpacked, once, so that the real ``flask_cors``
package it holds can never be imported. The tests run in a pytest
subprocess whose path starts with ``shim/``; see ``shim/pytest.ini`` for its
settings and ``shim/compat_plugin.py`` for the one adaptation.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import Literal, TypedDict

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

VERSION = "6.0.5"
SDIST = f"flask_cors-{VERSION}.tar.gz"
SDIST_SHA256 = "30c5031552cd59f620ac0c8211dac45b345d3b2df310e7721879e4f46ef9c601"

# flask-cors's behaviour tests. tests/typecheck is left out: its functions are
# never called ("exist only to be analyzed statically"); it checks only that
# flask-cors's own annotations accept a Blueprint, which mypy checks for ours.
TEST_DIRS = ("tests/core", "tests/decorator", "tests/extension")

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHIM = HERE / "shim"
CACHE = REPO / ".compat-cache"
DIVERGENCES = HERE / "divergences.toml"

Outcome = Literal["passed", "failed", "skipped"]
Kind = Literal["safety", "not-safety", "internal", "upstream-skip"]
KINDS: frozenset[str] = frozenset({"safety", "not-safety", "internal", "upstream-skip"})


class Result(TypedDict):
    """One upstream test's outcome, the first line of its failure or skip, and its last request."""

    outcome: Outcome
    message: str
    exchange: str


class Run(TypedDict):
    """What the subprocess reports: the ``cors`` and ``flask_cors`` it imported, outcomes and CorsWarnings by test."""

    cors: str
    flask_cors: str
    results: dict[str, Result]
    warnings: dict[str, list[str]]


class Divergence(TypedDict, total=False):
    """One listed test: how it ends, why, and the weakness of the study it avoids."""

    outcome: Outcome
    kind: Kind
    reason: str
    match: str
    doc: str
    weakness: str
    harm: str


class Listing(TypedDict):
    """The contents of ``divergences.toml``."""

    tests: dict[str, Divergence]
    warnings: dict[str, str]


class FetchError(Exception):
    """The sdist could not be downloaded or does not match the pinned hash."""


def load_divergences(path: Path = DIVERGENCES) -> Listing:
    """Read the list of tests that do not pass and of the CorsWarnings the tests trigger."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {"tests": data.get("tests", {}), "warnings": data.get("warnings", {})}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_sdist(cache: Path = CACHE) -> Path:
    """Download the sdist into the cache unless it is there, and check its hash.

    Raises:
        FetchError: pip failed, or the file's hash is not the pinned one.
    """
    cache.mkdir(parents=True, exist_ok=True)
    sdist = cache / SDIST
    if not sdist.exists():
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--no-binary", ":all:", f"flask-cors=={VERSION}", "--dest", str(cache),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not sdist.exists():
            raise FetchError(f"pip download flask-cors=={VERSION} failed: {done.stderr.strip()[-2000:]}")
    digest = _sha256(sdist)
    if digest != SDIST_SHA256:
        raise FetchError(f"{sdist} has SHA-256 {digest}, not the pinned {SDIST_SHA256}; delete it to fetch again.")
    return sdist


def unpack_tests(sdist: Path, cache: Path = CACHE) -> Path:
    """Unpack the sdist's ``tests/`` folder once; return the folder that holds it.

    Each member is written by name after a check of its path, so nothing
    outside ``tests/`` is unpacked, and nothing outside the target folder.
    """
    target = cache / f"flask-cors-{VERSION}"
    if (target / "tests").is_dir():
        return target
    staging = Path(tempfile.mkdtemp(dir=cache, prefix="unpack-"))
    try:
        with tarfile.open(sdist) as archive:
            for member in archive.getmembers():
                parts = PurePosixPath(member.name).parts
                if len(parts) < 3 or parts[1] != "tests" or not member.isfile():
                    continue
                if any(part in ("", ".", "..") for part in parts) or PurePosixPath(member.name).is_absolute():
                    raise FetchError(f"{sdist}: unexpected member name {member.name!r}")
                source = archive.extractfile(member)
                assert source is not None  # a regular file
                destination = staging.joinpath(*parts[1:])
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(source.read())
        if not (staging / "tests" / "base_test.py").is_file():
            raise FetchError(f"{sdist} has no tests/base_test.py")
        try:
            staging.rename(target)
        except OSError:  # another run unpacked it meanwhile
            if not (target / "tests").is_dir():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


def run_upstream(tests_root: Path, results: Path) -> Run:
    """Run the upstream tests against this checkout's ``cors``; return what the plugin wrote.

    Raises:
        RuntimeError: pytest did not run the tests (an exit status other than
            "all passed" or "some failed").
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    env["PYTHONPATH"] = os.pathsep.join([str(SHIM), str(REPO)])
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [
        sys.executable, "-m", "pytest", "-p", "compat_plugin", "-p", "no:cacheprovider",
        "-c", str(SHIM / "pytest.ini"), "--rootdir", str(tests_root),
        f"--compat-results={results}", "-q", "--tb=short", *TEST_DIRS,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=tests_root, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or not results.exists():
        raise RuntimeError(f"pytest exited with {done.returncode}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    run: Run = json.loads(results.read_text(encoding="utf-8"))
    return run
