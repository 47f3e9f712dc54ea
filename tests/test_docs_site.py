"""The documentation builds into an HTML site with MkDocs, and any warning fails the build.

The site is ``docs/`` plus an API page that mkdocstrings generates from the
docstrings, in the Material theme. The build runs with ``--strict``, as the
README says (``.venv/bin/mkdocs build --strict``), and mkdocs.yml makes every
kind of broken link, unknown anchor, page missing from the nav, and docstring
that names a parameter the function lacks a warning. The built site loads
nothing from the network and its code is highlighted at build time. MkDocs
and the theme are development dependencies: when they are missing these
tests fail, they do not skip.
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
    "typing.md",
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


MKDOCS = Path(sys.executable).parent / "mkdocs"
"""The environment's mkdocs command, which the README names (``.venv/bin/mkdocs``)."""
README_COMMAND = ".venv/bin/mkdocs build --strict"
BUILD_TIMEOUT_S = 600
"""Only a hang takes this long."""


def build_site(project: Path, site: Path) -> Build:
    """Build the site of ``project`` into ``site`` as the README says, from the project's directory."""
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(site)],
        cwd=project, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False,
    )
    return Build(result.returncode, result.stdout + result.stderr, site)


def html_page(site: Path, page: str) -> Path:
    """Where MkDocs writes a page (no directory URLs: ``policies.md`` is ``policies.html``)."""
    return site / Path(page).with_suffix(".html").name


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


def test_readme_names_the_build_command() -> None:
    """The README gives the build command these tests run, from the project's environment."""
    assert f"{README_COMMAND}    #" in (ROOT / "README.md").read_text()
    assert MKDOCS.is_file(), "mkdocs is not installed next to this Python: pip install -e '.[dev]'"


EXTERNAL = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("page", NAV)
def test_page_loads_nothing_from_the_network(built: Build, page: str) -> None:
    """No page loads a script, style sheet, font or image from another host: the site works offline."""
    text = html_page(built.site, page).read_text()
    assert EXTERNAL.findall(text) == []
    assert "fonts.googleapis.com" not in text


def test_code_is_highlighted_at_build_time(built: Build) -> None:
    """Code blocks come out of Pygments with token classes, in the Material theme; no script colours them."""
    text = html_page(built.site, "explaining.md").read_text()
    assert re.search(r'<meta name="generator" content="[^"]*mkdocs-material-', text)
    assert "assets/stylesheets/main" in text  # Material's own style sheet
    highlighted = re.findall(r'<div class="language-(\w+) highlight">', text)
    assert {"python", "console", "pycon"} <= set(highlighted)
    assert '<span class="kn">from</span>' in text  # a Python keyword, tokenised
    assert '<span class="gp">$ </span>' in text  # a shell prompt, tokenised
    assert "highlight.js" not in text and "hljs" not in text


def test_api_page_defines_every_type_it_names(built: Build) -> None:
    """Every ``cors`` name the API page shows in a signature or annotation has an entry on the page."""
    text = html_page(built.site, "api.md").read_text()
    ids = set(re.findall(r'id="([^"]+)"', text))
    named = set(re.findall(r'title="(cors\.[\w.]+)"', text))
    assert "cors._decision.Kind" in ids and "cors._decision.Step" in ids
    # An attribute listed in its class's docstring is documented in that class's entry.
    undefined = {name for name in named if name not in ids and name.rsplit(".", 1)[0] not in ids}
    assert undefined == set()
    # Names inside a shown type alias are plain text: each must have its own entry too.
    bare = set(re.findall(r"\b(PathSpec|RuleSettings|OriginSpec|HeaderSpec|Kind|Step|Unset)\b", TAG.sub(" ", text)))
    assert bare <= {i.rsplit(".", 1)[1] for i in ids if i.startswith("cors._")}


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
