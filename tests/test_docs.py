"""Every example in README.md and docs/ runs, and the output it shows is real.

The examples are what a user writes and sees; the checking is here. Per
document, in order, in one namespace:

- ```python blocks run. A block whose first line is a file name comment
  (``# shop.py``) runs as that module: ``Flask(__name__)`` there is the app
  ``flask --app shop`` finds, and later blocks may ``from shop import app``.
  What the blocks print (a log handler on ``sys.stdout`` included, whenever
  it writes) is kept for the next ```output block, which must show exactly
  that.
- ```pycon blocks are interactive sessions (``>>> ``), checked by doctest.
- ```console blocks are shell sessions: each ``$ `` line is a command, the
  lines after it its output. ``flask --app NAME cors ...`` runs the ``cors``
  commands on the app of module NAME and compares the whole output and exit
  status (a non-zero status is shown as the next prompt would: a last line
  ``[exit status N]``); ``curl`` is sent to the document's latest app through
  Flask's test client (see ``check_curl`` for what is compared).
- ```sh blocks are set-up commands (install, ``./dev``) that are not run; they
  may not hold a command a console block could check. ```js blocks show the
  page's side of a call; they are not run here (the browser tests in
  tests/browser check what Chromium does with the same headers). ```text
  blocks are quoted output of a long run (the benchmark), not run here.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import logging
import os
import re
import shlex
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from cors._cli import cors_group
from tests.tenant_app import close_databases

ROOT = Path(__file__).resolve().parent.parent
# docs/typing.md shows type checkers' sessions over files that must fail;
# tests/test_typing.py runs those.
TYPE_CHECKED = ROOT / "docs" / "typing.md"
DOCUMENTS = [
    ROOT / "README.md",
    ROOT / "CHANGELOG.md",
    *sorted(path for path in (ROOT / "docs").glob("**/*.md") if path != TYPE_CHECKED),
]
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
FILE_NAME = re.compile(r"\A# ([A-Za-z_][A-Za-z0-9_]*)\.py\n")
EXIT_STATUS = re.compile(r"\n?\[exit status (\d+)\]\Z")
# Response headers a curl example must show when the app sends them: the CORS ones.
MUST_SHOW = re.compile(r"^(access-control-|vary$)", re.IGNORECASE)


class Session:
    """The state of one document's examples: the namespace, printed output, the apps by module name."""

    def __init__(self, document: Path) -> None:
        self.document = document
        self.namespace: dict[str, object] = {"__name__": f"docs_{document.stem}"}
        self.stdout = io.StringIO()
        self.apps: dict[str, Flask] = {}
        self.every_app: list[Flask] = []
        self.modules: dict[str, types.ModuleType] = {}

    @property
    def printed(self) -> str:
        """What the examples printed since the last output block."""
        return self.stdout.getvalue()

    def latest_app(self) -> Flask:
        """The app the document built last."""
        app = self.namespace.get("app")
        assert isinstance(app, Flask), f"{self.document.name}: a console block needs an `app` built before it"
        return app

    def run_python(self, block: str, where: str) -> None:
        """Run a python block, keeping what it prints and the app of its module."""
        named = FILE_NAME.match(block)
        if named:
            self.namespace["__name__"] = named.group(1)
        with contextlib.redirect_stdout(self.stdout):
            # dont_inherit: the example runs as written, without this module's `from __future__` imports.
            exec(compile(block, where, "exec", dont_inherit=True), self.namespace)  # noqa: S102 - the documentation's own examples
        app = self.namespace.get("app")
        if isinstance(app, Flask):
            self.apps[app.import_name] = app
            if app not in self.every_app:
                self.every_app.append(app)
        if named:
            module = self.modules[named.group(1)] = types.ModuleType(named.group(1))
            module.__dict__.update(self.namespace)
            sys.modules[named.group(1)] = module

    def check_output(self, block: str, where: str) -> None:
        """Compare an output block with what the python blocks before it printed."""
        printed = self.printed
        self.stdout.seek(0)
        self.stdout.truncate()
        assert printed, f"{where}: no python block before it printed anything"
        assert printed.rstrip("\n") == block.rstrip("\n"), where

    def run_pycon(self, block: str, where: str) -> None:
        """Check an interactive session with doctest, in the document's namespace."""
        test = doctest.DocTestParser().get_doctest(block, self.namespace, where, where, 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        report = io.StringIO()
        runner.run(test, out=report.write, clear_globs=False)
        self.namespace.update(test.globs)  # the DocTest ran in a copy
        assert runner.failures == 0, report.getvalue()

    def run_console(self, block: str, where: str) -> None:
        """Run each command of a shell session and compare its output."""
        for command, shown in commands(block):
            words = shlex.split(command)
            if words[:2] == ["flask", "--app"] and words[3:4] == ["cors"]:
                self.check_flask(words[2], words[4:], shown, where)
            elif words[0] == "curl":
                with contextlib.redirect_stdout(self.stdout):
                    check_curl(self.latest_app(), words[1:], shown, where)
            else:
                pytest.fail(f"{where}: the test cannot run `{command}`; show it in a ```sh block")

    def check_flask(self, module: str, args: list[str], shown: str, where: str) -> None:
        """Run ``flask --app MODULE cors ARGS`` and compare its output and exit status."""
        assert module in self.apps, f"{where}: no python block built an app in {module}.py"
        result = self.apps[module].test_cli_runner().invoke(cors_group, args)
        status = EXIT_STATUS.search(shown)
        expected_status = int(status.group(1)) if status else 0
        assert result.exit_code == expected_status, f"{where}: {result.output}"
        assert result.output.rstrip("\n") == EXIT_STATUS.sub("", shown).rstrip("\n"), where


def commands(block: str) -> Iterator[tuple[str, str]]:
    """The commands of a shell session, each with the lines shown after it."""
    command: str | None = None
    lines: list[str] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            if command is not None:
                yield command, "\n".join(lines)
            command, lines = line[2:], []
        else:
            assert command is not None, f"output before the first command: {line!r}"
            lines.append(line)
    if command is not None:
        yield command, "\n".join(lines)


def curl_request(args: list[str]) -> tuple[str, str, dict[str, str], str | None, bool]:
    """Read the curl options the docs use: the method, path, headers, body and whether ``-i`` shows headers."""
    method, headers, data, include, url = None, {}, None, False, None
    words = iter(args)
    for word in words:
        if word == "-i":
            include = True
        elif word == "-X":
            method = next(words)
        elif word == "-H":
            name, _, value = next(words).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data"):
            data = next(words)
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif word.startswith("http://") and url is None:
            url = word
        else:
            raise AssertionError(f"curl option {word!r} is not one the docs test knows")
    assert url is not None, "curl without a URL"
    path = "/" + url.split("://", 1)[1].partition("/")[2]
    return method or ("POST" if data is not None else "GET"), path, headers, data, include


def curl_output(response: TestResponse, include: bool) -> tuple[str, list[tuple[str, str]], str]:
    """What curl prints: the status line, the header lines (with -i) and the body."""
    status = f"HTTP/1.1 {response.status}" if include else ""
    return status, list(response.headers.items()) if include else [], response.get_data(as_text=True)


def check_curl(app: Flask, args: list[str], shown: str, where: str) -> None:
    """Send a curl command to the app and compare with what the docs show.

    The status line and the body are compared exactly. Every header shown must
    be sent, with that value. The ``Access-Control-*`` and ``Vary`` lines
    shown must be exactly those sent, in order, so a CORS header the docs
    leave out (or one sent twice) is a mistake; other headers
    (``Content-Type``, ``Content-Length``, ``Date``, ...) may be left out.
    """
    method, path, headers, data, include = curl_request(args)
    response = app.test_client().open(path, method=method, headers=headers, data=data)
    status, sent, body = curl_output(response, include)
    if include:
        head, _, shown_body = shown.partition("\n\n")
        shown_status, *shown_lines = head.splitlines()
        assert shown_status == status, where
        shown_headers = [(name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in shown_lines)]
        lower_sent = [(name.lower(), value) for name, value in sent]
        missing = [f"{n}: {v}" for n, v in shown_headers if (n.lower(), v) not in lower_sent]
        assert missing == [], f"{where}: shown but not sent: {missing}; sent: {sent}"
        cors_sent = [f"{n}: {v}" for n, v in sent if MUST_SHOW.match(n)]
        cors_shown = [f"{n}: {v}" for n, v in shown_headers if MUST_SHOW.match(n)]
        assert cors_shown == cors_sent, f"{where}: the CORS headers sent, in order, are {cors_sent}"
    else:
        shown_body = shown
    assert body.rstrip("\n") == shown_body.rstrip("\n"), f"{where}: the body is {body!r}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_run(document: Path, tmp_path: Path) -> None:
    """The document's examples run without error and show their real output.

    They run in an empty directory, so that a file an example writes (a
    SQLite database) is its own.
    """
    session = Session(document)
    cors_logger = logging.getLogger("cors")
    handlers, level = list(cors_logger.handlers), cors_logger.level
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        run_examples(session)
    finally:
        os.chdir(cwd)
        cors_logger.handlers[:] = handlers
        cors_logger.setLevel(level)
        for app in session.every_app:
            close_databases(app)
        for name, module in session.modules.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def run_examples(session: Session) -> None:
    """Run and check the examples of a document, in order."""
    document = session.document
    for number, (kind, block) in enumerate(BLOCK.findall(document.read_text()), 1):
        where = f"{document.name}, block {number}"
        if kind == "python":
            session.run_python(block, where)
        elif kind == "output":
            session.check_output(block, where)
        elif kind == "pycon":
            session.run_pycon(block, where)
        elif kind == "console":
            session.run_console(block, where)
        elif kind in ("js", "text"):
            pass
        elif kind == "sh":
            assert not re.search(r"^\s*(curl|flask --app \S+ cors)\b", block, re.MULTILINE), (
                f"{where}: a command the tests can check belongs in a ```console block"
            )
        else:
            pytest.fail(f"{where}: ```{kind} blocks are not checked; use python, output, pycon, console, sh, js or text")
    assert not session.printed, f"{document.name}: printed output that no ```output block shows"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_read_like_user_code(document: Path) -> None:
    """No example asserts or imports a private module: the checks are this test's, and users import cors only."""
    for number, (kind, block) in enumerate(BLOCK.findall(document.read_text()), 1):
        where = f"{document.name}, block {number}"
        if kind in ("python", "pycon"):
            assert not re.search(r"^(>>> )?\s*assert\b", block, re.MULTILINE), f"{where}: an assert"
            assert not re.search(r"\bcors\._|from \._", block), f"{where}: a private module"


BROKEN_EXAMPLES = {
    "wrong output": "```python\nprint('hello')\n```\n\n```output\nhullo\n```\n",
    "wrong cli output": (
        "```python\n# shop.py\nfrom flask import Flask\napp = Flask(__name__)\n```\n\n"
        "```console\n$ flask --app shop cors routes\nnothing\n```\n"
    ),
    "missing cors header": (
        "```python\nfrom flask import Flask\nfrom cors import cross_origin\napp = Flask(__name__)\n"
        "@app.route('/')\n@cross_origin()\ndef index():\n    return 'hi'\n```\n\n"
        "```console\n$ curl -i -H 'Origin: https://a.example' http://localhost:5000/\nHTTP/1.1 200 OK\n\nhi\n```\n"
    ),
    "wrong doctest": "```pycon\n>>> 1 + 1\n3\n```\n",
    "unprinted output": "```python\nprint('lost')\n```\n",
}


@pytest.mark.parametrize("example", BROKEN_EXAMPLES)
def test_a_wrong_example_fails(tmp_path: Path, example: str) -> None:
    """An example whose shown output differs from the real one fails the docs test."""
    document = tmp_path / "broken.md"
    document.write_text(BROKEN_EXAMPLES[example])
    with pytest.raises(AssertionError):
        test_examples_run(document, tmp_path)
