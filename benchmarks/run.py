"""Command line: ``python -m benchmarks [--quick] [--json PATH] [--profile SPEC]``.

Builds every contender's app for every allow-list, checks that each answers
every case with its expected headers, then times all of them interleaved in
one process and prints the table and the budget. Exit status: 0 when every
budget line passes, 1 when one fails, 2 when a contender answered wrongly
(nothing is timed then).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from cors._flask import reporting  # the library's own check before sending cors.decided

from .contenders import BARE, Contender, contenders
from .core import CORE_CASES, check, core_runner, resolved_policy
from .report import (
    SIGNAL_KEY,
    budget_report,
    checks,
    core_key,
    core_table,
    describe,
    environment,
    signal_report,
    to_json,
    wsgi_key,
    wsgi_table,
)
from .scenarios import CASES, CASES_BY_NAME, SIZES, Allowlist, Case
from .timing import Cell, Measurement, Runner, calibrate, call, measure, wsgi_runner

DEFAULT_JSON = Path(__file__).parent / "results.json"
DISAGREEMENT_LIMIT = 0.05
"""Bare Flask is timed once per allow-list for every request, doing the same
work each time; medians further apart than this mean the run was disturbed."""


class WrongAnswer(Exception):
    """A contender did not answer a case as expected."""


def verify(
    contender: Contender, case: Case, allowlist: Allowlist, app: Flask, environ: Mapping[str, Any]
) -> None:
    """Raise :class:`WrongAnswer` unless the app answers with the expected headers."""
    answer = call(app, environ)
    want = contender.expect(case, allowlist)
    problems: list[str] = []
    if answer.status != want.status:
        problems.append(f"status {answer.status!r}, want {want.status!r}")
    if answer.body != want.body:
        problems.append(f"body {answer.body!r}, want {want.body!r}")
    cors: dict[str, str] = {}
    for name, value in answer.headers:
        if name.lower().startswith("access-control-") or name.lower() == "vary":
            if name in cors:
                problems.append(f"{name} sent twice")
            cors[name] = value
    if cors != dict(want.cors):
        problems.append(f"CORS headers {cors}, want {dict(want.cors)}")
    if want.allow is not None:
        allow = [v for n, v in answer.headers if n.lower() == "allow"]
        if len(allow) != 1 or {m.strip() for m in allow[0].split(",")} != want.allow:
            problems.append(f"Allow {allow}, want {sorted(want.allow)} in any order")
    if problems:
        where = f"{contender.name}, {case.name}, {allowlist.size} origins"
        raise WrongAnswer(f"{where}: " + "; ".join(problems))


@dataclass(frozen=True)
class Subject:
    """One contender's app, built for one allow-list, and one request case."""

    contender: Contender
    case: Case
    allowlist: Allowlist
    app: Flask
    environ: Mapping[str, Any]

    def verify(self) -> None:
        """Raise :class:`WrongAnswer` unless the answer is the expected one."""
        verify(self.contender, self.case, self.allowlist, self.app, self.environ)

    def cell(self) -> Cell:
        """The cell that times this subject."""
        key = wsgi_key(self.contender.name, self.case.name, self.allowlist.size)
        group = ("wsgi", self.case.name, str(self.allowlist.size))
        runner = wsgi_runner(self.app, self.environ)
        if self.contender.wrap is not None:
            runner = self.contender.wrap(self.app, runner)
        return Cell(key=key, runner=runner, group=group)


def subjects(found: Sequence[Contender]) -> list[Subject]:
    """Build every app (one per contender and allow-list) and check every answer."""
    built: list[Subject] = []
    for size in SIZES:
        allowlist = Allowlist(size)
        for contender in found:
            app = contender.build(allowlist)
            for case in CASES:
                subject = Subject(contender, case, allowlist, app, case.environ(allowlist))
                subject.verify()
                built.append(subject)
    return built


def core_cells() -> list[Cell]:
    """Check the pure core's answers and return its cells to time."""
    cells: list[Cell] = []
    for size in SIZES:
        allowlist = Allowlist(size)
        policy = resolved_policy(allowlist)
        for core in CORE_CASES:
            check(core, allowlist, policy)
            cells.append(Cell(key=core_key(core.name, size), runner=core_runner(core, allowlist, policy)))
    return cells


def signal_cell() -> Cell:
    """What a request pays for the ``cors.decided`` signal when nothing is connected: the check before sending."""

    def run(n: int) -> None:
        for _ in range(n):
            if reporting():
                raise AssertionError("a cors.decided receiver is connected outside its contender's batches")

    return Cell(key=SIGNAL_KEY, runner=run)


def profile(spec: str, found: Sequence[Contender], seconds: float) -> int:
    """Profile one cell with cProfile and print where the time goes."""
    try:
        name, case_name, size_text = spec.split(":")
        size = int(size_text)
    except ValueError:
        print(f"--profile takes CONTENDER:CASE:SIZE, not {spec!r}", file=sys.stderr)
        return 2
    allowlist = Allowlist(size)
    runner: Runner
    if name == "core":
        core = next((c for c in CORE_CASES if c.name == case_name), None)
        if core is None:
            print(f"core cases: {', '.join(c.name for c in CORE_CASES)}", file=sys.stderr)
            return 2
        policy = resolved_policy(allowlist)
        check(core, allowlist, policy)
        runner = core_runner(core, allowlist, policy)
    else:
        contender = next((c for c in found if c.name == name), None)
        case = CASES_BY_NAME.get(case_name)
        if contender is None or case is None:
            print(
                f"contenders: core, {', '.join(c.name for c in found)}; "
                f"cases: {', '.join(CASES_BY_NAME)}",
                file=sys.stderr,
            )
            return 2
        app = contender.build(allowlist)
        environ = case.environ(allowlist)
        verify(contender, case, allowlist, app, environ)
        runner = wsgi_runner(app, environ)
    n = calibrate(runner, seconds)
    profiler = cProfile.Profile()
    profiler.runcall(runner, n)
    print(f"{spec}: {n:,} calls under cProfile (times are inflated by the profiler)")
    per_call = 1e6 / n
    print(f"Multiply the times below by {per_call:,.2f} to get µs per request (profiled).")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"[/\\]cors[/\\]", 25)
    stats.strip_dirs().sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)
    return 0


def bare_disagreement(results: Mapping[tuple[str, ...], Measurement]) -> float:
    """How far apart bare Flask's medians for one request are, at most (max / min - 1)."""
    worst = 0.0
    for case in CASES:
        medians = [results[wsgi_key(BARE, case.name, size)].median for size in SIZES]
        worst = max(worst, max(medians) / min(medians) - 1)
    return worst


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; see the module docstring for the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(
            "Time CORS per request against bare Flask and flask-cors, interleaved in "
            "one process, and check the performance budget."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true", help="short batches and few repeats: a smoke run"
    )
    parser.add_argument("--repeats", type=int, help="batches per cell (default 40, quick 5)")
    parser.add_argument(
        "--batch-ms", type=float, help="milliseconds per batch (default 20, quick 5)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the interleaving order")
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help=f"where to write the results as JSON (default {DEFAULT_JSON})",
    )
    parser.add_argument(
        "--profile",
        metavar="CONTENDER:CASE:SIZE",
        help=(
            "instead of the benchmark, profile one cell with cProfile, "
            "e.g. cors-decorator:preflight-allowed:10 or core:core-actual:10"
        ),
    )
    args = parser.parse_args(argv)
    repeats: int = args.repeats or (5 if args.quick else 40)
    batch = (args.batch_ms or (5.0 if args.quick else 20.0)) / 1000
    found = contenders()

    if args.profile:
        return profile(args.profile, found, seconds=2.0)

    try:
        timed = subjects(found)
        cells = [subject.cell() for subject in timed] + core_cells() + [signal_cell()]
    except (WrongAnswer, AssertionError) as exc:
        print(f"wrong answer, nothing timed: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    print(
        f"timing {len(cells)} cells: {repeats} interleaved repeats of ~{batch * 1000:.0f} ms "
        "batches",
        file=sys.stderr,
    )

    def progress(done: int, total: int) -> None:
        print(f"\r  repeat {done}/{total}", end="" if done < total else "\n", file=sys.stderr)

    results = measure(
        cells,
        target=batch,
        repeats=repeats,
        warmup=1 if args.quick else 2,
        seed=args.seed,
        progress=progress,
    )
    try:
        for subject in timed:  # the answers are still right after all that traffic
            subject.verify()
    except WrongAnswer as exc:
        print(f"wrong answer after timing: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()[0]

    env = environment()
    found_checks = checks(found, results)
    print(f"Machine: {describe(env)}")
    print(
        f"Run: {repeats} repeats, ~{batch * 1000:.0f} ms batches, {elapsed:.0f} s; "
        f"load average {load_before:.2f} before, {load_after:.2f} after "
        "(this run itself adds about 1).\n"
    )
    print("Microseconds per request through app.wsgi_app (median of repeats):\n")
    print(wsgi_table(found, results))
    print("\nThe pure core, cors_headers(resolved_policy, CorsRequest(...)):\n")
    print(core_table(results))
    print("\nThe cors.decided signal:\n")
    print(signal_report(results))
    print("\nBudget:\n")
    print(budget_report(found_checks))
    typical = statistics.median(m.spread for m in results.values())
    disagreement = bare_disagreement(results)
    print(
        f"\nNoise: bare Flask, timed once per allow-list doing the same work, agrees "
        f"with itself within {disagreement:.1%}; the typical cell's interquartile "
        f"range is {typical:.1%} of its median."
    )
    if disagreement > DISAGREEMENT_LIMIT:
        print(
            f"WARNING: more than {DISAGREEMENT_LIMIT:.0%} apart: the machine was busy "
            "during this run and the verdicts above are unreliable. Run again when "
            "nothing else is running."
        )
    settings = {
        "quick": args.quick,
        "repeats": repeats,
        "batch_seconds": batch,
        "seed": args.seed,
        "seconds": elapsed,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "typical_spread": typical,
        "bare_disagreement": disagreement,
    }
    data = to_json(found, results, found_checks, env=env, settings=settings)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"Results written to {args.json}")
    return 0 if data["passed"] else 1
