"""How time is measured: calibrated batches, interleaved repeats, medians.

Every measured thing is a :class:`Cell`: a runner that performs ``n``
operations. Each cell's batch size is calibrated so that one batch takes
about the same wall time. Then every repeat runs one batch of every cell, in
a fresh random order, so that machine drift (another process, frequency
changes) spreads over all contenders instead of favouring whichever ran
first. Cells that are compared with each other share a group, and a group's
cells run back to back (in random order), so that the batches compared
within one repeat ran within a few tens of milliseconds of each other. The
garbage collector is off inside a batch, as in :mod:`timeit`.
"""

from __future__ import annotations

import gc
import math
import random
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from _typeshed import OptExcInfo

Runner = Callable[[int], None]
"""Performs ``n`` operations."""


def _discard(data: bytes) -> object:
    return None


def _start_response(
    status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
) -> Callable[[bytes], object]:
    return _discard


def wsgi_runner(app: Flask, environ: Mapping[str, Any]) -> Runner:
    """Send ``n`` requests with copies of one prebuilt environ.

    The copy is part of every contender's measured time alike; Werkzeug
    writes into the environ, so each request needs its own.
    """
    wsgi_app = app.wsgi_app
    base = dict(environ)
    start_response = _start_response

    def run(n: int) -> None:
        for _ in range(n):
            body = wsgi_app(base.copy(), start_response)
            for _chunk in body:
                pass
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return run


@dataclass(frozen=True)
class Answer:
    """A response as a WSGI server receives it."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes


def call(app: Flask, environ: Mapping[str, Any]) -> Answer:
    """Send one request and collect the answer."""
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
    ) -> Callable[[bytes], object]:
        seen.append((status, list(headers)))
        return _discard

    body = app.wsgi_app(dict(environ), start_response)
    try:
        data = b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    status, headers = seen[-1]
    return Answer(status=status, headers=headers, body=data)


@dataclass(frozen=True)
class Cell:
    """One measured thing.

    Attributes:
        key: Identifies the cell in the results.
        runner: Performs ``n`` operations.
        group: Cells compared with each other; they run back to back.
    """

    key: tuple[str, ...]
    runner: Runner
    group: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measurement:
    """Per-operation times of one cell, in seconds, one per repeat in order.

    The i-th time of every cell comes from the same repeat, so two cells can
    be compared repeat by repeat (see :func:`paired_median`).
    """

    batch: int
    times: tuple[float, ...]

    @property
    def median(self) -> float:
        """The median time per operation."""
        return statistics.median(self.times)

    @property
    def spread(self) -> float:
        """Interquartile range relative to the median: how noisy the cell was."""
        if len(self.times) < 4:
            return (max(self.times) - min(self.times)) / self.median
        q1, _, q3 = statistics.quantiles(self.times, n=4)
        return (q3 - q1) / self.median


def _batch(runner: Runner, n: int) -> float:
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        runner(n)
        return time.perf_counter() - start
    finally:
        if gc_was_on:
            gc.enable()


def calibrate(runner: Runner, target: float) -> int:
    """Return a batch size that takes about ``target`` seconds (at least 1)."""
    n = 1
    while True:
        elapsed = _batch(runner, n)
        if elapsed >= target / 8 or n >= 1 << 24:
            return max(1, math.ceil(n * target / elapsed)) if elapsed > 0 else n
        n *= 4 if elapsed < target / 64 else 2


def measure(
    cells: Sequence[Cell],
    *,
    target: float,
    repeats: int,
    warmup: int = 0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[tuple[str, ...], Measurement]:
    """Time every cell ``repeats`` times, interleaved in random order.

    Args:
        cells: What to measure.
        target: Seconds one batch should take.
        repeats: Batches per cell; the median is reported.
        warmup: Untimed rounds first: the first seconds of a run are slower
            on some machines.
        seed: Seeds the order of each repeat, for reproducible schedules.
        progress: Called with (repeats done, repeats) after each repeat.

    Returns:
        Each cell's measurement, by key.
    """
    sizes = {cell.key: calibrate(cell.runner, target) for cell in cells}
    times: dict[tuple[str, ...], list[float]] = {cell.key: [] for cell in cells}
    groups: dict[tuple[str, ...], list[Cell]] = {}
    for cell in cells:
        groups.setdefault(cell.group or cell.key, []).append(cell)
    order = list(groups.values())
    rng = random.Random(seed)
    for _ in range(warmup):
        for group in order:
            for cell in group:
                cell.runner(sizes[cell.key])
    for done in range(repeats):
        rng.shuffle(order)
        gc.collect()
        for group in order:
            rng.shuffle(group)
            for cell in group:
                n = sizes[cell.key]
                times[cell.key].append(_batch(cell.runner, n) / n)
        if progress is not None:
            progress(done + 1, repeats)
    return {key: Measurement(batch=sizes[key], times=tuple(ts)) for key, ts in times.items()}


def paired_median(
    function: Callable[..., float | None], *measurements: Measurement
) -> float | None:
    """The median over repeats of ``function`` applied to each repeat's times.

    Args:
        function: Takes one time per measurement (same repeat), returns a
            value, or None where it has none (such repeats are left out).
        *measurements: Measurements of the same run.

    Returns:
        The median value, or None when no repeat had one.
    """
    values = [
        value
        for times in zip(*(m.times for m in measurements))
        if (value := function(*times)) is not None
    ]
    return statistics.median(values) if values else None
