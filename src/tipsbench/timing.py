"""Timing that reports what a call costs, not what the harness costs.

pytest-benchmark's defaults run a sub-microsecond call once per round, so each sample
also holds a timer read and the round's bookkeeping: on one 2-core machine
``torch.from_numpy`` read ~25% above ``torch.utils.benchmark.Timer``. We calibrate the
number of calls per round first, so a round lasts at least ``MIN_ROUND_S`` and the
overhead is amortized, then pass it to ``benchmark.pedantic``. The Methodology page
shows the check against Timer (the fidelity ratio).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# A round must last this long for per-round overhead (~100 ns) to fall well under 1%.
MIN_ROUND_S = 200e-6
# The one rule for how many rounds every suite times: as many as fit in the benchmark's
# budget, bounded from both sides: at least enough for a median and an IQR, and few
# enough that the full grid stays inside its 15 minutes (a whole 512 MiB save + fsync
# is one round of over a second).
MIN_ROUNDS = 5
MAX_ROUNDS = 2000


@dataclass(frozen=True)
class Plan:
    """How one benchmark is timed: calls per round, rounds, and warm-up rounds."""

    iterations: int
    rounds: int
    warmup_rounds: int


def plan(fn: Callable[..., object], args: tuple, budget_s: float) -> Plan:
    """Choose iterations and rounds so that the timed part takes about `budget_s`."""
    fn(*args)  # first call: imports, allocator growth, lazy init; never timed
    one = single_call_s(fn, args)
    iterations = max(1, int(MIN_ROUND_S / one) + 1) if one < MIN_ROUND_S else 1
    round_s = one * iterations
    rounds = rounds_for(round_s, budget_s)
    warmup = 1 if round_s > 0.05 else 3
    return Plan(iterations=iterations, rounds=rounds, warmup_rounds=warmup)


def rounds_for(round_s: float, budget_s: float) -> int:
    """How many rounds of `round_s` fit in `budget_s`, within [MIN_ROUNDS, MAX_ROUNDS]."""
    if round_s <= 0:
        return MAX_ROUNDS
    return max(MIN_ROUNDS, min(MAX_ROUNDS, int(budget_s / round_s)))


def single_call_s(fn: Callable[..., object], args: tuple) -> float:
    """Best of a few timed batches, per call: a fast, noise-resistant first estimate."""
    best = float("inf")
    batch = 1
    deadline = time.perf_counter() + 0.05
    while True:
        start = time.perf_counter()
        for _ in range(batch):
            fn(*args)
        per_call = (time.perf_counter() - start) / batch
        best = min(best, per_call)
        if time.perf_counter() > deadline or per_call > 0.01:
            return max(best, 1e-9)
        if per_call * batch < 1e-4:
            batch *= 10


def run(benchmark, fn: Callable[..., object], args: tuple, budget_s: float):
    """Time ``fn(*args)`` with pytest-benchmark using a calibrated plan.

    The callable and its arguments are passed separately, not wrapped in a lambda:
    a wrapper's extra Python call (~70 ns) is a tenth of a sub-microsecond call.
    Under ``--benchmark-disable`` (plain ``pytest``) the call runs once, untimed.
    """
    if benchmark.disabled:
        # pedantic runs it once, untimed, and marks the fixture used (no warning).
        return benchmark.pedantic(fn, args=args)
    p = plan(fn, args, budget_s)
    return benchmark.pedantic(fn, args=args, iterations=p.iterations, rounds=p.rounds,
                              warmup_rounds=p.warmup_rounds)


def timer_median_s(stmt: str, namespace: dict, min_run_time: float = 0.3) -> float:
    """What torch.utils.benchmark.Timer measures for the code shown on the page."""
    from torch.utils.benchmark import Timer

    return Timer(stmt=stmt, globals=namespace).blocked_autorange(min_run_time=min_run_time).median
