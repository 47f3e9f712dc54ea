"""The dependency rule: the core imports nothing from Flask or Werkzeug."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cors"
CORE = ["_errors.py", "_origins.py", "_paths.py", "_policy.py", "_request.py", "_decision.py", "_protect.py", "_evaluate.py", "_browser.py", "_settings.py"]
EDGE = ["_flask.py", "_extension.py", "_cli.py", "testing.py"]
FORBIDDEN = ("flask", "werkzeug")


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, absolute or relative."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add("." * node.level + (node.module or ""))
    return modules


@pytest.mark.parametrize("name", CORE)
def test_core_module_imports_no_web_framework(name: str) -> None:
    """A core module imports neither Flask nor Werkzeug, nor the Flask edge."""
    modules = imported_modules(PACKAGE / name)
    assert modules, "the parser found no imports at all"
    bad = {m for m in modules if m.split(".")[0] in FORBIDDEN or m.lstrip(".") in {e[:-3] for e in EDGE}}
    assert bad == set()


def test_every_module_is_classified() -> None:
    """Each module is either core or the Flask edge, so the rule covers new files."""
    modules = {p.name for p in PACKAGE.glob("*.py")}
    assert modules - set(CORE) == {"__init__.py", *EDGE}


def test_rule_detects_a_violation(tmp_path: Path) -> None:
    """The import scan sees a Flask import, so the rule can fail."""
    source = tmp_path / "bad.py"
    source.write_text("import json\nfrom werkzeug.datastructures import Headers\n")
    assert "werkzeug.datastructures" in imported_modules(source)
