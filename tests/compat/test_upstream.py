"""The harness of the compatibility suite: fetching, unpacking, the shim and its one adaptation."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from . import upstream
from .shim import compat_plugin
from .shim.flask_cors import core


def test_a_cached_sdist_with_another_hash_is_refused(tmp_path: Path) -> None:
    """A file in the cache that is not the pinned sdist is refused, not tested against."""
    (tmp_path / upstream.SDIST).write_bytes(b"not flask-cors")
    with pytest.raises(upstream.FetchError, match="not the pinned"):
        upstream.fetch_sdist(tmp_path)


def test_a_failed_download_is_a_fetch_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When pip cannot download the sdist, fetching raises FetchError with pip's message."""
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    with pytest.raises(upstream.FetchError, match="pip download"):
        upstream.fetch_sdist(tmp_path)


def _sdist(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_only_the_tests_folder_is_unpacked(tmp_path: Path) -> None:
    """Unpacking writes the sdist's tests/ and nothing else, so the real flask_cors cannot be imported."""
    top = f"flask_cors-{upstream.VERSION}"
    sdist = _sdist(
        tmp_path / "s.tar.gz",
        {
            f"{top}/flask_cors/__init__.py": b"raise ImportError",
            f"{top}/tests/__init__.py": b"",
            f"{top}/tests/base_test.py": b"",
            f"{top}/tests/core/test_x.py": b"",
        },
    )
    root = upstream.unpack_tests(sdist, tmp_path)
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == ["tests/__init__.py", "tests/base_test.py", "tests/core/test_x.py"]


def test_an_escaping_member_name_is_refused(tmp_path: Path) -> None:
    """A member whose path climbs out of the target folder stops the unpacking."""
    top = f"flask_cors-{upstream.VERSION}"
    sdist = _sdist(tmp_path / "s.tar.gz", {f"{top}/tests/../../evil.py": b"", f"{top}/tests/base_test.py": b""})
    with pytest.raises(upstream.FetchError, match="unexpected member"):
        upstream.unpack_tests(sdist, tmp_path)
    assert not (tmp_path / "evil.py").exists()


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("www.example.com", "http://www.example.com"),
        ("http://foo.com", "http://foo.com"),
        ("https://example.com", "https://example.com"),
        ("null", "null"),
        (None, None),
    ],
    ids=["no-scheme", "http", "https", "null", "none"],
)
def test_only_a_scheme_less_origin_is_adapted(given: str | None, sent: str | None) -> None:
    """The plugin gives a scheme-less origin the browser's form and leaves every other value alone."""
    assert compat_plugin.browser_origin(given) == sent


def test_the_shim_exports_the_library_objects() -> None:
    """The shim's CORS and cross_origin are this library's own objects, not wrappers."""
    import cors

    from .shim import flask_cors

    assert (flask_cors.CORS, flask_cors.cross_origin) == (cors.CORS, cors.cross_origin)


def test_the_shim_core_holds_only_names() -> None:
    """flask_cors.core in the shim holds header names and the method list, no functions."""
    values = [getattr(core, name) for name in core.__all__]
    assert all(isinstance(value, (str, list)) for value in values)
    assert core.ALL_METHODS == ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]
