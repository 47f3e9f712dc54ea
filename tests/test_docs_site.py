"""The documentation builds into an HTML site with MkDocs, and any warning fails the build.

The site is ``docs/`` plus an API page that mkdocstrings generates from the
docstrings. The build runs with ``--strict``, and mkdocs.yml makes every kind of
broken link, unknown anchor, page missing from the nav, and docstring that
names a parameter the function lacks a warning. MkDocs is a development
dependency: when it is missing these tests fail, they do not skip.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

import cors
import cors.testing

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# The nav of mkdocs.yml, in order; any other page in docs/ fails the strict build.
NAV = [
    "index.md",
    "policies.md",
    "configuration.md",
    "extension.md",
    "explaining.md",
    "migrating.md",
    "security.md",
    "performance.md",
    "api.md",
]
PAGES = sorted(set(NAV) | {path.name for path in DOCS.glob("*.md")})
PUBLIC = [f"cors.{name}" for name in cors.__all__] + [f"cors.testing.{name}" for name in cors.testing.__all__]
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


@attrs.frozen
class Build:
    """The outcome of one ``mkdocs build --strict``."""

    returncode: int
    log: str
    site: Path


def build_site(project: Path, site: Path) -> Build:
    """Build the site of ``project`` (its mkdocs.yml) into ``site`` with warnings as errors."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict",
         "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=project, capture_output=True, text=True, timeout=120, check=False,
    )
    return Build(result.returncode, result.stdout + result.stderr, site)


def html_page(site: Path, page: str) -> Path:
    """Where MkDocs writes a page (directory URLs: ``policies.md`` is ``policies/index.html``)."""
    return site / "index.html" if page == "index.md" else site / Path(page).stem / "index.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The project's site, built once for this module."""
    return build_site(ROOT, tmp_path_factory.mktemp("site"))


def test_nav_lists_the_pages() -> None:
    """mkdocs.yml's nav lists the guides in reading order, then the API page."""
    nav = re.findall(r"^  - [^:\n]+: (\S+\.md)$", (ROOT / "mkdocs.yml").read_text(), re.MULTILINE)
    assert nav == NAV


def test_site_builds_without_warnings(built: Build) -> None:
    """``mkdocs build --strict`` succeeds: no broken link, anchor, nav entry or docstring."""
    assert built.returncode == 0, built.log


@pytest.mark.parametrize("page", PAGES)
def test_page_is_built(built: Build, page: str) -> None:
    """Each page of docs/ and of the nav becomes an HTML page titled by its first heading."""
    assert (DOCS / page).is_file(), f"the nav lists docs/{page}, which does not exist"
    path = html_page(built.site, page)
    assert path.is_file(), built.log
    title = (DOCS / page).read_text().splitlines()[0].removeprefix("# ").replace("`", "")
    heading = H1.search(path.read_text())
    assert heading is not None
    assert html.unescape(TAG.sub("", heading.group(1))).rstrip("¶").strip() == title


@pytest.mark.parametrize("name", PUBLIC)
def test_api_page_documents_public_name(built: Build, name: str) -> None:
    """The API page has an entry, anchored by its full name, for every public name."""
    page = html_page(built.site, "api.md")
    assert page.is_file(), built.log
    assert f'id="{name}"' in page.read_text()


def _link_to_missing_page(project: Path) -> None:
    with (project / "docs" / "policies.md").open("a") as file:
        file.write("\nSee [the missing page](missing.md).\n")


def _link_to_missing_anchor(project: Path) -> None:
    with (project / "docs" / "security.md").open("a") as file:
        file.write("\nSee [no such section](policies.md#no-such-section).\n")


def _page_not_in_nav(project: Path) -> None:
    (project / "docs" / "orphan.md").write_text("# Orphan\n")


def _docstring_names_unknown_parameter(project: Path) -> None:
    source = project / "cors" / "_evaluate.py"
    line = "        request: The request view.\n"
    assert line in source.read_text()
    source.write_text(source.read_text().replace(line, line + "        timeout: Not a parameter.\n", 1))


# Mistakes the strict build must refuse: how to make one in a copy of the project, and its warning.
MISTAKES: dict[str, tuple[Callable[[Path], None], str]] = {
    "missing page": (_link_to_missing_page, "contains a link 'missing.md', but the target is not found"),
    "missing anchor": (_link_to_missing_anchor, "does not contain an anchor '#no-such-section'"),
    "page not in nav": (_page_not_in_nav, "are not included in the \"nav\" configuration:\n  - orphan.md"),
    "docstring parameter": (_docstring_names_unknown_parameter, "Parameter 'timeout' does not appear in the function signature"),
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A copy of the project with all the MISTAKES made in it, built once: strict mode reports every warning."""
    project = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "mkdocs.yml", project)
    shutil.copytree(DOCS, project / "docs")
    shutil.copytree(ROOT / "cors", project / "cors", ignore=shutil.ignore_patterns("__pycache__"))
    for make, _ in MISTAKES.values():
        make(project)
    return build_site(project, tmp_path_factory.mktemp("broken-site"))


@pytest.mark.parametrize("mistake", MISTAKES)
def test_mistake_fails_the_build(broken: Build, mistake: str) -> None:
    """A broken link, an unknown anchor, a page left out of the nav or a wrong docstring fails the build."""
    assert broken.returncode != 0
    assert MISTAKES[mistake][1] in broken.log, broken.log
