"""The public types reject misspelt and mistyped settings and accept every form that works.

mypy (with the project's mypy.ini) and pyright (basedpyright, strict) each check,
in one run:

- ``typing_tests/fail/*.py``: every case line must be an error, with the
  message its ``# E:`` (mypy) and ``# P:`` (part of pyright's) comments give.
  In the repository each case carries a ``# type: ignore[code]`` so that the
  project's mypy run stays clean and, through warn_unused_ignores, fails if
  the error goes away; here the ignores are stripped from a copy.
- ``typing_tests/pass/*.py``, ``typing_tests/public_types.py`` and the seed's
  examples (``demo/seed_app.py``): no error.
- the Python examples of README.md and docs/, one module per document with
  its lines where they stand in the document: no error. They are unannotated
  code, as users write it: mypy checks them with --strict less the rules
  about missing annotations, pyright in its standard mode.
- the shell sessions of docs/typing.md: the output shown is the real one.
"""

from __future__ import annotations

import datetime
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import attrs
import pytest
from flask import Flask

from cors import CORS, UNSET, CorsConfigError, CorsPolicy, CorsSettings, ExtensionSettings, cross_origin

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "typing_tests"
FAIL_FILES = sorted((TYPING / "fail").glob("*.py"))
PASS_FILES = [*sorted((TYPING / "pass").glob("*.py")), TYPING / "public_types.py", ROOT / "demo" / "seed_app.py"]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
TYPING_DOC = ROOT / "docs" / "typing.md"

BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
IGNORE = re.compile(r"  # type: ignore\[[a-z, -]+\]")
MYPY_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?:\d+:)? (?P<severity>error|note): (?P<message>.*?)(?:  \[[a-z-]+\])?$")
# The Python examples are snippets of one story per document, unannotated:
# a name may be defined again, and an example of an error catches it.
DOC_HEADER = (
    "# mypy: allow-untyped-defs, allow-untyped-calls, allow-incomplete-defs, allow-redefinition, disable-error-code=no-redef\n"
    "# pyright: reportRedeclaration=false, reportPossiblyUnboundVariable=false\n"
)
# Examples that do not type-check yet, with the errors, until their pages are fixed.
DOC_TYPE_ERRORS = {
    "policies.md": (
        "its blocks import each other as modules (policies, accounts, catalogue), which one module per "
        "document cannot resolve; and origins=[*FRONTEND.origins, ...]: a policy's origins may be UNSET"
    ),
    "explaining.md": "the test kit's example imports shop, an earlier block as a module, which one module cannot resolve",
}


@dataclass(frozen=True)
class Case:
    """One line of a must-fail file and the errors it must raise."""

    file: str
    line: int
    mypy: tuple[str, ...]
    pyright: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def cases(path: Path) -> list[Case]:
    """Read a must-fail file: each run of ``# E:``/``# P:`` comments belongs to the next code line."""
    found: list[Case] = []
    mypy: list[str] = []
    pyright: list[str] = []
    for number, text in enumerate(path.read_text().splitlines(), 1):
        comment = text.strip()
        if comment.startswith("# E: "):
            mypy.append(comment[len("# E: ") :])
        elif comment.startswith("# P: "):
            pyright.append(comment[len("# P: ") :])
        elif comment.startswith("#") and not IGNORE.search(text):
            continue
        elif mypy or pyright:
            assert comment, f"{path.name}:{number}: a blank line after the expected errors"
            assert mypy and pyright, f"{path.name}:{number}: give both # E: and # P: lines"
            assert IGNORE.search(text), f"{path.name}:{number}: the case has no # type: ignore[code]"
            found.append(Case(path.name, number, tuple(mypy), tuple(pyright)))
            mypy, pyright = [], []
        else:
            assert not IGNORE.search(text), f"{path.name}:{number}: an ignored error without # E: lines"
    return found


FAIL_CASES = [case for path in FAIL_FILES for case in cases(path)]


def document_module(document: Path) -> str:
    """A document's Python examples as one module, each line where it stands in the document."""
    text = document.read_text()
    lines = [""] * (text.count("\n") + 1)
    for match in BLOCK.finditer(text):
        if match.group(1) == "python":
            first = text.count("\n", 0, match.start(2))
            for offset, line in enumerate(match.group(2).splitlines()):
                lines[first + offset] = line
    header = DOC_HEADER.splitlines()
    assert not any(lines[: len(header)]), f"{document.name}: the header lines hold code"
    lines[: len(header)] = header
    return "\n".join(lines)


DOC_MODULES = {
    f"docs_{document.stem}.py": document
    for document in DOCUMENTS
    if any(kind == "python" for kind, _ in BLOCK.findall(document.read_text()))
}


def doc_params() -> list[Any]:
    """The document modules, the known bad ones marked."""
    return [
        pytest.param(
            name,
            id=str(document.relative_to(ROOT)),
            marks=[pytest.mark.xfail(reason=DOC_TYPE_ERRORS[document.name], strict=True)]
            if document.name in DOC_TYPE_ERRORS
            else [],
        )
        for name, document in DOC_MODULES.items()
    ]


@dataclass(frozen=True)
class Diagnostic:
    """One error a checker reported."""

    line: int
    message: str


@dataclass(frozen=True)
class Checked:
    """The files given to the checkers, by the name the tests use."""

    directory: Path
    files: dict[str, Path]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Checked:
    """The must-fail files without their ignores, and the document modules, in a directory."""
    directory = tmp_path_factory.mktemp("typing")
    files: dict[str, Path] = {path.name: path for path in PASS_FILES}
    for path in FAIL_FILES:
        files[path.name] = directory / path.name
        files[path.name].write_text(IGNORE.sub("", path.read_text()))
    for name, document in DOC_MODULES.items():
        files[name] = directory / name
        files[name].write_text(document_module(document))
    assert len(files) == len(PASS_FILES) + len(FAIL_FILES) + len(DOC_MODULES), "two files share a name"
    return Checked(directory, files)


def run_mypy(cwd: Path, *arguments: str, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    """mypy, with this checkout's package first on its path."""
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    if cache is not None:
        env["MYPY_CACHE_DIR"] = str(cache)
    command = [sys.executable, "-m", "mypy", "--no-pretty", "--no-color-output", *arguments]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def mypy_errors(checked: Checked) -> dict[str, list[Diagnostic]]:
    """mypy's errors, by file name."""
    paths = [str(path) for path in checked.files.values()]
    done = run_mypy(ROOT, "--config-file", str(ROOT / "mypy.ini"), "--no-error-summary", *paths)
    assert done.returncode in (0, 1), done.stderr or done.stdout
    errors: dict[str, list[Diagnostic]] = {name: [] for name in checked.files}
    for text in done.stdout.splitlines():
        match = MYPY_LINE.match(text)
        assert match, f"unexpected mypy output: {text}"
        # By name: for a file unchanged since an earlier run, mypy's cache
        # gives the errors with the earlier directory.
        name = Path(match["file"]).name
        if match["severity"] == "error":
            assert name in errors, f"an error outside the checked files: {text}"
            errors[name].append(Diagnostic(int(match["line"]), match["message"]))
    return errors


def basedpyright() -> str:
    """The basedpyright command; a missing one skips, except under CI."""
    found = shutil.which("basedpyright", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:
        message = "basedpyright is not installed (it is in the dev extra)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def pyright_errors(checked: Checked) -> dict[str, list[Diagnostic]]:
    """pyright's errors (and warnings, outside the documents), by file name."""
    command = basedpyright()
    strict = [str(path) for name, path in checked.files.items() if name not in DOC_MODULES]
    config = {
        "typeCheckingMode": "standard",
        "strict": strict,
        "pythonVersion": "3.10",
        "stubPath": str(ROOT / "stubs"),
        "extraPaths": [str(ROOT)],
    }
    (checked.directory / "pyrightconfig.json").write_text(json.dumps(config))
    done = subprocess.run(
        [command, "--outputjson", "--pythonpath", sys.executable, "-p", str(checked.directory / "pyrightconfig.json"),
         *strict, *(str(checked.files[name]) for name in DOC_MODULES)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr or done.stdout
    report = json.loads(done.stdout)
    assert report["summary"]["filesAnalyzed"] == len(checked.files)
    names = {path.resolve(): name for name, path in checked.files.items()}
    errors: dict[str, list[Diagnostic]] = {name: [] for name in checked.files}
    for diagnostic in report["generalDiagnostics"]:
        name = names.get(Path(diagnostic["file"]).resolve())
        assert name, f"a diagnostic outside the checked files: {diagnostic}"
        if diagnostic["severity"] == "error" or (diagnostic["severity"] == "warning" and name not in DOC_MODULES):
            errors[name].append(Diagnostic(diagnostic["range"]["start"]["line"] + 1, diagnostic["message"]))
    return errors


def show(errors: list[Diagnostic]) -> list[str]:
    """Errors as lines, for readable failures."""
    return [f"{error.line}: {error.message}" for error in errors]


@pytest.mark.parametrize("path", FAIL_FILES, ids=lambda path: path.name)
def test_fail_files_have_cases(path: Path) -> None:
    """Every must-fail file holds cases, each with the expected errors and an ignore."""
    assert cases(path)


@pytest.mark.parametrize("case", FAIL_CASES, ids=str)
def test_mypy_rejects(case: Case, mypy_errors: dict[str, list[Diagnostic]]) -> None:
    """mypy reports exactly the expected errors on the case's line."""
    found = sorted(error.message for error in mypy_errors[case.file] if error.line == case.line)
    assert found == sorted(case.mypy)


@pytest.mark.parametrize("case", FAIL_CASES, ids=str)
def test_pyright_rejects(case: Case, pyright_errors: dict[str, list[Diagnostic]]) -> None:
    """pyright reports an error with each expected message on the case's line."""
    found = [error.message for error in pyright_errors[case.file] if error.line == case.line]
    missing = [part for part in case.pyright if not any(part in message for message in found)]
    assert found
    assert not missing, found


@pytest.mark.parametrize("path", FAIL_FILES, ids=lambda path: path.name)
def test_no_error_outside_the_cases(
    path: Path, mypy_errors: dict[str, list[Diagnostic]], pyright_errors: dict[str, list[Diagnostic]]
) -> None:
    """Neither checker reports an error on a line of a must-fail file that is not a case."""
    lines = {case.line for case in FAIL_CASES if case.file == path.name}
    assert show([error for error in mypy_errors[path.name] if error.line not in lines]) == []
    assert show([error for error in pyright_errors[path.name] if error.line not in lines]) == []


@pytest.mark.parametrize("name", [path.name for path in PASS_FILES])
def test_mypy_accepts(name: str, mypy_errors: dict[str, list[Diagnostic]]) -> None:
    """mypy --strict reports no error in a must-pass file."""
    assert show(mypy_errors[name]) == []


@pytest.mark.parametrize("name", [path.name for path in PASS_FILES])
def test_pyright_accepts(name: str, pyright_errors: dict[str, list[Diagnostic]]) -> None:
    """pyright in strict mode reports no error or warning in a must-pass file."""
    assert show(pyright_errors[name]) == []


@pytest.mark.parametrize("name", doc_params())
def test_mypy_accepts_document_examples(name: str, mypy_errors: dict[str, list[Diagnostic]]) -> None:
    """mypy reports no error in a document's Python examples (lines are the document's)."""
    assert show(mypy_errors[name]) == []


@pytest.mark.parametrize("name", doc_params())
def test_pyright_accepts_document_examples(name: str, pyright_errors: dict[str, list[Diagnostic]]) -> None:
    """pyright reports no error in a document's Python examples (lines are the document's)."""
    assert show(pyright_errors[name]) == []


def typing_sessions() -> list[Any]:
    """The ``py`` examples of docs/typing.md, each with the shell session that checks it."""
    blocks = BLOCK.findall(TYPING_DOC.read_text())
    sessions = []
    for (kind, code), (next_kind, session) in zip(blocks, blocks[1:]):
        if kind == "py":
            assert next_kind == "console", "a py example is followed by the session that checks it"
            filename = re.search(r"^\$ \S+ (?:--strict )?(\S+\.py)$", session, re.MULTILINE)
            assert filename, f"no checker command in the session: {session}"
            sessions.append(pytest.param(filename[1], code, session, id=filename[1]))
    return sessions


@pytest.fixture(scope="module")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mypy cache shared by the sessions of docs/typing.md."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.mark.parametrize("filename,code,session", typing_sessions())
def test_typing_doc_sessions(filename: str, code: str, session: str, tmp_path: Path, session_cache: Path) -> None:
    """A shell session of docs/typing.md shows what mypy and basedpyright really print for its example."""
    (tmp_path / filename).write_text(code)
    shown = []
    real = []
    for command, output in re.findall(r"^\$ (.+)\n((?:(?!\$ ).*\n?)*)", session, re.MULTILINE):
        shown.append(output.rstrip("\n"))
        checker, *arguments = command.split()
        if checker == "mypy":
            done = run_mypy(tmp_path, *arguments, cache=session_cache)
            real.append(done.stdout.rstrip("\n"))
        else:
            assert checker == "basedpyright", command
            config = {"typeCheckingMode": "strict", "pythonVersion": "3.10", "extraPaths": [str(ROOT)]}
            (tmp_path / "pyrightconfig.json").write_text(json.dumps(config))
            done = subprocess.run(
                [basedpyright(), "--pythonpath", sys.executable, *arguments],
                cwd=tmp_path, capture_output=True, text=True, check=False,
            )  # fmt: skip
            real.append(done.stdout.replace(str(tmp_path), "/home/me/project").rstrip("\n"))
    assert real == shown


def test_settings_are_the_policy_fields() -> None:
    """CorsSettings has one key per CorsPolicy field; ExtensionSettings adds the extension's two."""
    fields = [field.name for field in attrs.fields(CorsPolicy)]
    assert list(CorsSettings.__annotations__) == fields
    assert CorsSettings.__required_keys__ == frozenset()
    assert set(ExtensionSettings.__annotations__) == {*fields, "resources", "intercept_exceptions"}
    assert ExtensionSettings.__required_keys__ == frozenset()


def test_settings_types_are_what_the_policy_takes() -> None:
    """Each setting's type is its converter's argument type (or the flag's bool) without UNSET."""
    settings = typing.get_type_hints(CorsSettings)
    for field in attrs.fields(CorsPolicy):
        if field.converter is not None:
            takes = typing.get_type_hints(field.converter)["value"]
        else:
            takes = typing.get_type_hints(CorsPolicy)[field.name]
        without_unset = tuple(arg for arg in typing.get_args(takes) if arg is not type(UNSET))
        assert settings[field.name] == typing.Union[without_unset], field.name


def accepts(make: Any, given: dict[str, Any]) -> bool:
    """Whether a settings call accepts the settings at run time."""
    try:
        make(**given)
    except CorsConfigError:
        return False
    return True


@pytest.mark.parametrize("name", list(ExtensionSettings.__annotations__))
def test_none_is_typed_where_it_is_accepted(name: str) -> None:
    """A setting's type allows None exactly when CORS, cross_origin and CorsPolicy accept None for it."""
    typed = type(None) in typing.get_args(typing.get_type_hints(ExtensionSettings)[name])
    given: dict[str, Any] = {name: None}  # what a type checker would refuse, when it does
    assert accepts(CORS, given) == typed
    if name in CorsSettings.__annotations__:
        assert accepts(cross_origin, given) == typed
        assert accepts(CorsPolicy, given) == typed


def test_async_view_is_served() -> None:
    """An async view under cross_origin is served by Flask, with its result and the CORS headers."""
    app = Flask(__name__)

    @app.route("/counts", methods=["GET", "PUT"])
    @cross_origin(origins="https://app.example", max_age=datetime.timedelta(minutes=10))
    async def counts() -> dict[str, int]:
        return {"n": 1}

    client = app.test_client()
    response = client.get("/counts", headers={"Origin": "https://app.example"})
    assert response.status_code == 200
    assert response.get_json() == {"n": 1}
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    preflight = client.options(
        "/counts", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "PUT"}
    )
    assert preflight.headers["Access-Control-Max-Age"] == "600"
    refused = client.get("/counts", headers={"Origin": "https://evil.example"})
    assert refused.get_json() == {"n": 1}
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_decorated_view_keeps_its_name_and_signature() -> None:
    """The decorated view has the view's name, docstring and signature, as its type says."""
    async def counts(year: int, *, verbose: bool = False) -> dict[str, int]:
        """Counts of a year."""
        return {"year": year}

    decorated = cross_origin(origins="https://app.example")(counts)
    assert decorated.__name__ == "counts"
    assert decorated.__doc__ == "Counts of a year."
    assert inspect.signature(decorated) == inspect.signature(counts)
