"""The results: the table, the budget, and the JSON file.

The budget is checked on ratios taken within one run, so it holds on any
machine that is not overloaded; the absolute microseconds are this machine's.
Each ratio is paired: computed within every repeat from batches that ran
back to back, then the median over repeats is taken. The microseconds in the
table are the medians of each cell on its own, so a ratio can differ a
little from the one the table's medians would give.
"""

from __future__ import annotations

import math
import os
import platform
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import cors

from .contenders import BARE, Contender
from .core import CORE_CASES, CoreCase
from .scenarios import CASES, SIZES
from .timing import Measurement, paired_median

Results = Mapping[tuple[str, ...], Measurement]

# The budget of issue 6, as ratios measured in the same run.
OVERHEAD_SHARE_LIMIT = 0.20
"""This library's overhead over bare Flask, as a share of flask-cors's."""
ALLOWED_GET_LIMIT = 1.10
"""An allowed GET, relative to the same GET on bare Flask."""
PREFLIGHT_LIMIT = 1.00
"""An allowed preflight, relative to bare Flask's automatic OPTIONS."""
SIZE_CHANGE_LIMIT = 0.10
"""Relative change of the cost per request from 1 to 1,000 exact origins."""


def wsgi_key(contender: str, case: str, size: int) -> tuple[str, ...]:
    """The result key of one contender, case and allow-list size."""
    return ("wsgi", contender, case, str(size))


def core_key(core: str, size: int) -> tuple[str, ...]:
    """The result key of one core case and allow-list size."""
    return ("core", core, str(size))


def _us(results: Results, key: tuple[str, ...]) -> float:
    return results[key].median * 1e6


def overhead_ratio(results: Results, contender: Contender, case: str, size: int) -> float | None:
    """``contender``'s overhead over bare Flask as a share of its baseline's.

    Paired by repeat; None when the baseline never shows an overhead.
    """
    assert contender.baseline is not None

    def share(bare: float, mine: float, theirs: float) -> float | None:
        return (mine - bare) / (theirs - bare) if theirs > bare else None

    return paired_median(
        share,
        results[wsgi_key(BARE, case, size)],
        results[wsgi_key(contender.name, case, size)],
        results[wsgi_key(contender.baseline, case, size)],
    )


def relative(results: Results, key: tuple[str, ...], reference: tuple[str, ...]) -> float:
    """The time of ``key`` relative to that of ``reference``, paired by repeat."""
    ratio = paired_median(lambda a, b: a / b, results[key], results[reference])
    assert ratio is not None
    return ratio


def ours(contenders: Sequence[Contender]) -> list[Contender]:
    """This library's contenders: those compared with a baseline."""
    return [c for c in contenders if c.baseline is not None]


def wsgi_table(contenders: Sequence[Contender], results: Results) -> str:
    """A Markdown table: µs per request, and overhead shares."""
    others = [c for c in contenders if c.name != BARE]
    compared = ours(contenders)
    header = ["Case", "Exact origins", "bare Flask µs"]
    header += [f"{c.label} µs (Δ bare)" for c in others]
    header += [f"{c.label} Δ ÷ {_label(contenders, c.baseline)} Δ" for c in compared]
    lines = [_row(header), _row(["---", "---:"] + ["---:"] * (len(header) - 2))]
    for case in CASES:
        for size in SIZES:
            bare = _us(results, wsgi_key(BARE, case.name, size))
            cells = [case.title, f"{size:,}", f"{bare:.1f}"]
            for c in others:
                value = _us(results, wsgi_key(c.name, case.name, size))
                cells.append(f"{value:.1f} ({value - bare:+.1f})")
            for c in compared:
                ratio = overhead_ratio(results, c, case.name, size)
                cells.append("n/a" if ratio is None else f"{ratio:.2f}")
            lines.append(_row(cells))
    return "\n".join(lines)


def core_budget_ns(results: Results, core: CoreCase, size: int) -> float:
    """A core call's budget in this run: its share of bare Flask's allowed GET, in ns."""
    return core.budget_share * results[wsgi_key(BARE, "get-allowed", size)].median * 1e9


def core_table(results: Results) -> str:
    """A Markdown table: ns per call of the pure core."""
    lines = [
        _row(["Core call", "Exact origins", "ns per call", "budget ns"]),
        _row(["---", "---:", "---:", "---:"]),
    ]
    for core in CORE_CASES:
        for size in SIZES:
            ns = results[core_key(core.name, size)].median * 1e9
            lines.append(_row([core.title, f"{size:,}", f"{ns:,.0f}", f"{core_budget_ns(results, core, size):,.0f}"]))
    return "\n".join(lines)


SIGNAL_KEY = ("signal", "nothing-connected")
"""The cell timing the check each request makes before sending ``cors.decided``."""
SIGNAL_CONTENDERS = ("cors-extension", "cors-extension-receiver")


def signal_report(results: Results) -> str:
    """What ``cors.decided`` costs: nothing connected (one check), and one receiver connected."""
    guard_ns = results[SIGNAL_KEY].median * 1e9
    size = 10
    bare_get = _us(results, wsgi_key(BARE, "get-allowed", size))
    lines = [
        f"Nothing connected: each request pays one check (decided.receivers, then the log level), "
        f"{guard_ns:,.0f} ns, {guard_ns / (bare_get * 1e3):.2%} of bare Flask's allowed GET.",
        f"One receiver connected (it counts refusals), the extension with {size} exact origins:",
    ]
    without, with_receiver = SIGNAL_CONTENDERS
    for case in CASES:
        none = _us(results, wsgi_key(without, case.name, size))
        one = _us(results, wsgi_key(with_receiver, case.name, size))
        lines.append(f"  {case.title}: {none:.1f} -> {one:.1f} µs ({one - none:+.1f})")
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _label(contenders: Sequence[Contender], name: str | None) -> str:
    return next(c.label for c in contenders if c.name == name)


@dataclass(frozen=True)
class Check:
    """One line of the budget.

    Attributes:
        budget: Which budget it belongs to.
        subject: What was compared.
        value: The measured ratio (or ns).
        limit: The largest passing value.
        detail: The numbers behind the value.
    """

    budget: str
    subject: str
    value: float
    limit: float
    detail: str

    @property
    def passed(self) -> bool:
        """The value is within the limit."""
        return self.value <= self.limit

    def line(self) -> str:
        """The printed line."""
        verdict = "PASS" if self.passed else "FAIL"
        return f"{verdict}  {self.subject}: {self.detail}"


BUDGETS = {
    "overhead-share": (
        f"Overhead over bare Flask at most {OVERHEAD_SHARE_LIMIT:.0%} of flask-cors's, every case"
    ),
    "allowed-get": f"An allowed GET costs at most {ALLOWED_GET_LIMIT - 1:.0%} more than on bare Flask",
    "preflight": "An allowed preflight costs no more than bare Flask's automatic OPTIONS",
    "origins-size": (
        f"1 -> 1,000 exact origins changes the cost per request by less than {SIZE_CHANGE_LIMIT:.0%}"
    ),
    "core": (
        "Pure core: at most 6% of bare Flask's allowed GET for an allowed actual request, "
        "14% for an allowed preflight"
    ),
}


def checks(contenders: Sequence[Contender], results: Results) -> list[Check]:
    """Evaluate every budget line on the results of one run."""
    found: list[Check] = []
    small, large = min(SIZES), max(SIZES)
    for c in ours(contenders):
        for case in CASES:
            for size in SIZES:
                ratio = overhead_ratio(results, c, case.name, size)
                bare = _us(results, wsgi_key(BARE, case.name, size))
                mine = _us(results, wsgi_key(c.name, case.name, size)) - bare
                theirs = _us(results, wsgi_key(str(c.baseline), case.name, size)) - bare
                found.append(
                    Check(
                        budget="overhead-share",
                        subject=f"{c.name}, {case.name}, {size:,} origins",
                        value=float("inf") if ratio is None else ratio,
                        limit=OVERHEAD_SHARE_LIMIT,
                        detail=(
                            f"{mine:+.1f} µs vs {c.baseline} {theirs:+.1f} µs: "
                            + ("n/a" if ratio is None else f"{ratio:.2f}")
                            + f" (limit {OVERHEAD_SHARE_LIMIT:.2f})"
                        ),
                    )
                )
        for case_name, budget, limit, versus in (
            ("get-allowed", "allowed-get", ALLOWED_GET_LIMIT, "bare Flask's GET"),
            ("preflight-allowed", "preflight", PREFLIGHT_LIMIT, "bare Flask's automatic OPTIONS"),
        ):
            for size in SIZES:
                bare = _us(results, wsgi_key(BARE, case_name, size))
                mine = _us(results, wsgi_key(c.name, case_name, size))
                ratio = relative(
                    results, wsgi_key(c.name, case_name, size), wsgi_key(BARE, case_name, size)
                )
                found.append(
                    Check(
                        budget=budget,
                        subject=f"{c.name}, {case_name}, {size:,} origins",
                        value=ratio,
                        limit=limit,
                        detail=(
                            f"{mine:.1f} µs vs {versus} {bare:.1f} µs: "
                            f"x{ratio:.3f} (limit x{limit:.2f})"
                        ),
                    )
                )
        for case in CASES:
            few = _us(results, wsgi_key(c.name, case.name, small))
            many = _us(results, wsgi_key(c.name, case.name, large))
            change = (
                relative(
                    results, wsgi_key(c.name, case.name, large), wsgi_key(c.name, case.name, small)
                )
                - 1
            )
            found.append(
                Check(
                    budget="origins-size",
                    subject=f"{c.name}, {case.name}, {small:,} -> {large:,} origins",
                    value=abs(change),
                    limit=SIZE_CHANGE_LIMIT,
                    detail=(
                        f"{few:.1f} -> {many:.1f} µs: {change:+.1%} "
                        f"(limit ±{SIZE_CHANGE_LIMIT:.0%})"
                    ),
                )
            )
    for core in CORE_CASES:
        for size in SIZES:
            ns = results[core_key(core.name, size)].median * 1e9
            found.append(
                Check(
                    budget="core",
                    subject=f"{core.name}, {size:,} origins",
                    value=ns,
                    limit=core_budget_ns(results, core, size),
                    detail=(
                        f"{ns:,.0f} ns per call (limit {core_budget_ns(results, core, size):,.0f} ns, "
                        f"{core.budget_share:.0%} of bare Flask's allowed GET)"
                    ),
                )
            )
    return found


def budget_report(found: Sequence[Check]) -> str:
    """The budget lines, grouped, each with PASS or FAIL."""
    lines: list[str] = []
    for budget, title in BUDGETS.items():
        mine = [check for check in found if check.budget == budget]
        if not mine:
            continue
        verdict = "PASS" if all(check.passed for check in mine) else "FAIL"
        lines.append(f"{verdict}: {title}")
        lines += [f"  {check.line()}" for check in mine]
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    """The machine, the interpreter and the package versions of this run."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    packages = {}
    for name in ("flask", "werkzeug", "flask-cors", "attrs", "flask-typed-cors"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "not installed"
    source = Path(cors.__file__).resolve().parent
    commit = _git(source, "rev-parse", "--short", "HEAD") or "unknown"
    if _git(source, "status", "--porcelain", "--", "."):
        commit += " with uncommitted changes to cors/"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": packages,
        "commit": commit,
        "cors_source": str(source),
    }


def _git(where: Path, *arguments: str) -> str:
    try:
        return subprocess.run(
            ["git", *arguments], capture_output=True, text=True, check=True, cwd=where
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def describe(env: Mapping[str, Any]) -> str:
    """One paragraph about the machine and versions."""
    packages = ", ".join(f"{k} {v}" for k, v in env["packages"].items())
    return (
        f"{env['python']} on {env['cpu']} ({env['cores']} cores), {env['platform']}; "
        f"{packages}; cors from {env['cors_source']}, commit {env['commit']}."
    )


def to_json(
    contenders: Sequence[Contender],
    results: Results,
    found: Sequence[Check],
    *,
    env: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> dict[str, Any]:
    """Everything of the run, for scripts: units are in the key names."""
    rows = []
    for case in CASES:
        for size in SIZES:
            bare = _us(results, wsgi_key(BARE, case.name, size))
            rows.append(
                {
                    "case": case.name,
                    "title": case.title,
                    "exact_origins": size,
                    "us_per_request": {
                        c.name: _us(results, wsgi_key(c.name, case.name, size)) for c in contenders
                    },
                    "overhead_us": {
                        c.name: _us(results, wsgi_key(c.name, case.name, size)) - bare
                        for c in contenders
                        if c.name != BARE
                    },
                    "overhead_ratio": {
                        c.name: overhead_ratio(results, c, case.name, size) for c in ours(contenders)
                    },
                    "spread": {
                        c.name: results[wsgi_key(c.name, case.name, size)].spread
                        for c in contenders
                    },
                    "batch": {
                        c.name: results[wsgi_key(c.name, case.name, size)].batch
                        for c in contenders
                    },
                }
            )
    signal = {
        "nothing_connected_ns_per_request": results[SIGNAL_KEY].median * 1e9,
        "spread": results[SIGNAL_KEY].spread,
    }
    core = [
        {
            "case": c.name,
            "title": c.title,
            "exact_origins": size,
            "ns_per_call": results[core_key(c.name, size)].median * 1e9,
            "budget_ns": core_budget_ns(results, c, size),
            "spread": results[core_key(c.name, size)].spread,
            "batch": results[core_key(c.name, size)].batch,
        }
        for c in CORE_CASES
        for size in SIZES
    ]
    return {
        "environment": dict(env),
        "settings": dict(settings),
        "statistic": "median over repeats of (batch time / batch size)",
        "contenders": [
            {"name": c.name, "label": c.label, "baseline": c.baseline} for c in contenders
        ],
        "rows": rows,
        "core": core,
        "signal": signal,
        "budget": [
            {
                "budget": check.budget,
                "subject": check.subject,
                "value": check.value if math.isfinite(check.value) else None,
                "limit": check.limit,
                "passed": check.passed,
                "detail": check.detail,
            }
            for check in found
        ],
        "passed": all(check.passed for check in found),
    }
