"""Every Python example in README.md and docs/ runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_run(document: Path) -> None:
    """The document's Python blocks run in order in one namespace without error."""
    namespace: dict[str, object] = {"__name__": f"docs_{document.stem}"}
    blocks = BLOCK.findall(document.read_text())
    for number, block in enumerate(blocks, 1):
        code = compile(block, f"{document.name}, python block {number}", "exec")
        exec(code, namespace)  # noqa: S102 - the documentation's own examples
