"""Print how each flask-cors test ends against this checkout: ``python -m tests.compat``.

Each test that does not pass, with its entry in ``divergences.toml`` (or
UNLISTED), its first failure line and its last request and answer; then the
counts, and the listed tests that pass now (STALE).
"""

from __future__ import annotations

import collections
import tempfile
from pathlib import Path

from . import upstream


def main() -> None:
    """Run the upstream tests once and print the report."""
    listing = upstream.load_divergences()
    with tempfile.TemporaryDirectory() as scratch:
        run = upstream.run_upstream(upstream.unpack_tests(upstream.fetch_sdist()), Path(scratch) / "results.json")
    counts: collections.Counter[str] = collections.Counter()
    for nodeid, result in sorted(run["results"].items()):
        entry = listing["tests"].get(nodeid)
        if result["outcome"] == "passed":
            counts["passed"] += 1
            if entry is not None:
                print(f"STALE  {nodeid}: passes, remove it from the list")
            continue
        kind = entry["kind"] if entry is not None else "UNLISTED"
        counts[kind] += 1
        print(f"{kind:<13} {nodeid.removeprefix('tests/')}\n    {result['message']}")
        if result["exchange"]:
            print(f"    {result['exchange']}")
    print(", ".join(f"{count} {name}" for name, count in sorted(counts.items())))


if __name__ == "__main__":
    main()
