"""Measuring A and B paired and interleaved, until the interval decides (tipsbench.paired).

One process, one thread of torch, inputs made before anything is timed:

1. ``prepare()`` builds both sides' inputs and returns two callables; nothing of it is timed.
2. Each side is warmed, and its calls per measurement chosen so that one measurement lasts
   at least ``MIN_MEASURE_S`` (a timer read's cost then falls under 0.1%).
3. Each pair measures A and B back to back, in an order drawn at random, so neither side
   always runs first (in a warmer cache, right after a collection, at a clock edge).
4. After ``LOOK_AT`` pairs the interval is computed; the comparison stops as soon as the
   rule's need decides it, or when its budget is spent (then it looks one last time).

Why one thread: a rule compares the cost of one call done two ways. With several OpenMP
threads on a machine whose cores are busy, a call waits for the slowest thread to be
scheduled (a 256 KiB ``copy_`` on a busy 2-core machine took 11–13 ms with 2 threads
against 3.8 µs with 1), and what is measured is the scheduler, not the call. One thread
keeps the comparison about the code; the tables (tipsbench.timing) keep torch's default.
"""

from __future__ import annotations

import contextlib
import gc
import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass

from tipsbench import families, timing
from tipsbench.busy import Probe
from tipsbench.paired import (
    INCONCLUSIVE,
    LOOK_AT,
    MAX_PAIRS,
    PER_LOOK_ALPHA,
    Need,
    Summary,
    median_interval,
    summarize,
)

# One measurement lasts at least this long (several calls of a fast side).
MIN_MEASURE_S = 1e-3
# Threads torch uses while pairs are measured (see the module's docstring).
PAIRED_THREADS = 1


class NotCheckable(Exception):
    """This machine can't make the comparison (no GPU, a library missing): the reason."""


@dataclass(frozen=True)
class PairCase:
    """One comparison of a rule: A and B as the page shows them, and how to make them.

    ``prepare`` is a context manager factory yielding (a, b), two callables of no
    arguments. ``requires`` says why this machine can't make the comparison ("" when it
    can), before anything is built. With kind "time" each call is timed; with
    "value" and "exact" each call returns the measured quantity itself (bytes of a file,
    peak memory): "exact" for a deterministic one, measured once.
    """

    case: str  # "<rule id>/<name>"
    a: str
    b: str
    prepare: Callable[[], ContextManager[tuple[Callable[[], object], Callable[[], object]]]]
    kind: str = "time"
    unit: str = "s"
    requires: Callable[[], str] = lambda: ""


@contextlib.contextmanager
def torch_threads(n: int) -> Iterator[tuple[int, int]]:
    """torch's intra-op threads set to `n` for the block; yields (intra-op, inter-op)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield torch.get_num_threads(), torch.get_num_interop_threads()
    finally:
        torch.set_num_threads(before)


def _timed(fn: Callable[[], object], calls: int) -> float:
    """Seconds per call of `calls` calls, with the collector paused."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        return (time.perf_counter() - start) / calls
    finally:
        if collecting:
            gc.enable()


def _calls_for(fn: Callable[[], object]) -> int:
    """Calls per measurement so that one lasts at least MIN_MEASURE_S (fn is warmed too)."""
    for _ in range(2):
        fn()
    one = timing.single_call_s(fn, ())
    return max(1, int(MIN_MEASURE_S / one) + 1) if one < MIN_MEASURE_S else 1


def measure(case: PairCase, need: Need, budget_s: float, *, min_pairs: int = LOOK_AT[0],
            seed: int | None = None) -> Summary:
    """Measure one comparison: pairs until `need` decides it or `budget_s` is spent.

    At least `min_pairs` pairs are made whatever the budget (fewer than LOOK_AT[0] only
    for smoke runs: such a summary has no interval and decides nothing)."""
    reason = case.requires()
    if reason:
        raise NotCheckable(reason)
    rng = random.Random(seed)
    started = time.perf_counter()
    with torch_threads(PAIRED_THREADS) as (threads, interop), case.prepare() as (fa, fb):
        if case.kind == "exact":
            probe = Probe().start()
            va, vb = float(fa()), float(fb())
            return summarize(case.case, case.a, case.b, case.kind, case.unit, [va], [vb], threads=threads,
                             interop_threads=interop, load=probe.stop(), elapsed_s=time.perf_counter() - started)
        if case.kind == "time":
            calls_a, calls_b = _calls_for(fa), _calls_for(fb)
            side_a, side_b = (lambda: _timed(fa, calls_a)), (lambda: _timed(fb, calls_b))
        else:
            side_a, side_b = (lambda: float(fa())), (lambda: float(fb()))
            side_a(), side_b()  # warm: first-call costs (imports, allocator growth) are not measured
        probe = Probe().start()
        deadline = time.perf_counter() + budget_s
        values_a: list[float] = []
        values_b: list[float] = []
        looks = iter(LOOK_AT)
        next_look = next(looks)
        while len(values_a) < MAX_PAIRS:
            if rng.random() < 0.5:
                va = side_a()
                vb = side_b()
            else:
                vb = side_b()
                va = side_a()
            values_a.append(va)
            values_b.append(vb)
            n = len(values_a)
            if n == next_look:
                probe.sample()
                ratios = [x / y for x, y in zip(values_a, values_b, strict=True)]
                interval = median_interval(ratios, PER_LOOK_ALPHA)
                if interval is not None and need.decide(*interval) != INCONCLUSIVE:
                    break
                next_look = next(looks, MAX_PAIRS + 1)
            if n >= min_pairs and time.perf_counter() > deadline:
                break
        load = probe.stop()
    return summarize(case.case, case.a, case.b, case.kind, case.unit, values_a, values_b, threads=threads,
                     interop_threads=interop, load=load, elapsed_s=time.perf_counter() - started)


def all_cases() -> dict[str, PairCase]:
    """Every family's comparisons (``families/<family>/pairs.py``: CASES), by case id.

    Importing them imports torch and the families' libraries: the benchmark side and
    ``tipsbench check`` call this, never a site build."""
    found: dict[str, PairCase] = {}
    for module in families.discover("pairs"):
        for case in module.CASES:
            if case.case in found:
                raise ValueError(f"comparison {case.case!r} is defined twice")
            found[case.case] = case
    return found
