"""TensorBoard: what logging costs per call, next to one small training step.

The page compares each logging call with a typical small training step (an MLP on a
batch of 64 MNIST-sized inputs), so a reader can tell whether logging every step is
noise or a real share of the loop. The calls and the code shown come from one catalog
(tipsbench.families.tensorboard.catalog). Writers log into a private temporary
directory, removed after each test, once the disk has room for the events.
"""

from __future__ import annotations

import itertools
import tempfile
import time

import pytest

from tipsbench import filecache, suite, timing
from tipsbench.families.tensorboard.catalog import (
    CASES_BY_NAME,
    FLUSH_PENDING,
    TIP,
    YARDSTICK,
    train_step_fn,
)

pytest.importorskip("tensorboard")

from torch.utils.tensorboard import SummaryWriter  # noqa: E402

# Events one test may write: a full-profile add_image test writes ~5 MiB on a 2-core VM.
EVENTS_BYTES = 64 << 20


@pytest.fixture
def writer():
    with tempfile.TemporaryDirectory(prefix="tipsbench-tensorboard-") as log_dir:
        room, why = filecache.disk_room(log_dir, EVENTS_BYTES)
        if not room:
            pytest.skip(f"tensorboard: {why}")
        w = SummaryWriter(log_dir=log_dir)
        try:
            yield w
        finally:
            w.close()


def _info(benchmark, variant: str) -> None:
    case = CASES_BY_NAME[variant]
    benchmark.group = "tensorboard"
    benchmark.extra_info.update(tip=TIP, variant=case.variant, code=case.code, bytes=case.nbytes, dtype="float32")


@pytest.mark.parametrize("variant", ["add_scalar", "add_image"])
def test_logging_call(benchmark, writer, variant, request):
    """µs per logging call: add_scalar (every step in most loops) and add_image (3×64×64)."""
    _info(benchmark, variant)
    timing.run(benchmark, CASES_BY_NAME[variant].make(writer), (), suite.timing_budget_s(request.config))


def test_flush(benchmark, writer, request):
    """µs per flush() with pending scalars: what forcing the events to disk costs."""
    steps = itertools.count()

    def pending() -> tuple[tuple, dict]:
        for _ in range(FLUSH_PENDING):
            writer.add_scalar("loss", 0.5, next(steps))
        return (), {}

    _info(benchmark, "flush")
    if benchmark.disabled:
        benchmark.pedantic(writer.flush, setup=pending)
        return
    start = time.perf_counter()
    pending()
    writer.flush()
    one = time.perf_counter() - start
    rounds = timing.rounds_for(one, suite.timing_budget_s(request.config))
    benchmark.pedantic(writer.flush, setup=pending, rounds=rounds, warmup_rounds=2)


def test_train_step(benchmark, request):
    """µs per training step of a small MLP: the yardstick the page divides by."""
    _info(benchmark, YARDSTICK)
    timing.run(benchmark, train_step_fn(), (), suite.timing_budget_s(request.config))
