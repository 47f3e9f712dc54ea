"""Every Python example in README.md and docs/ runs, and the output they show is real.

A ```python block runs in one namespace per document, in order. An ```output
block shows what the code before it printed into the variable ``output``:
the test compares the two, so a changed behaviour breaks the build, not the docs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
BLOCK = re.compile(r"^```(python|output)\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_run(document: Path) -> None:
    """The document's Python blocks run without error and its output blocks match."""
    namespace: dict[str, object] = {"__name__": f"docs_{document.stem}"}
    for number, (kind, block) in enumerate(BLOCK.findall(document.read_text()), 1):
        where = f"{document.name}, block {number}"
        if kind == "python":
            exec(compile(block, where, "exec"), namespace)  # noqa: S102 - the documentation's own examples
        else:
            assert "output" in namespace, f"{where}: no code before it set `output`"
            shown = str(namespace.pop("output")).rstrip("\n")
            assert shown == block.rstrip("\n"), where
