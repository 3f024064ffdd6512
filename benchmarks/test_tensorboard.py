"""TensorBoard: what logging costs per call, next to one small training step.

The page compares each logging call with a typical small training step (an MLP on a
batch of 64 MNIST-sized inputs), so a reader can tell whether logging every step is
noise or a real share of the loop. Writers log into a temporary directory.
"""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn

from tipsbench import suite, timing

pytest.importorskip("tensorboard")

from torch.utils.tensorboard import SummaryWriter  # noqa: E402

TIP = "tensorboard"
IMAGE_SHAPE = (3, 64, 64)
BATCH, FEATURES, HIDDEN, CLASSES = 64, 784, 256, 10


def _train_step_fn():
    """One SGD step of a 784-256-10 MLP on a fixed batch: the yardstick for logging costs."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(FEATURES, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(BATCH, FEATURES), torch.randint(0, CLASSES, (BATCH,))

    def step() -> None:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return step


@pytest.fixture
def writer(tmp_path):
    w = SummaryWriter(log_dir=str(tmp_path / "runs" / "bench"))
    yield w
    w.close()


def _info(benchmark, variant: str, code: str, nbytes: int) -> None:
    benchmark.group = "tensorboard"
    benchmark.extra_info.update(tip=TIP, variant=variant, code=code, bytes=nbytes, dtype="float32")


def test_add_scalar(benchmark, writer, request):
    """µs per add_scalar: the call most loops make every step."""
    steps = itertools.count()
    _info(benchmark, "add_scalar", 'writer.add_scalar("loss", loss, step)', 4)
    timing.run(benchmark, lambda: writer.add_scalar("loss", 0.5, next(steps)), (),
               suite.timing_budget_s(request.config))


def test_add_image(benchmark, writer, request):
    """µs per add_image of a 3×64×64 float image (converted to uint8 and PNG-encoded)."""
    img = torch.rand(*IMAGE_SHAPE)
    steps = itertools.count()
    _info(benchmark, "add_image", 'writer.add_image("sample", img, step)  # 3×64×64', img.nbytes)
    timing.run(benchmark, lambda: writer.add_image("sample", img, next(steps)), (),
               suite.timing_budget_s(request.config))


def test_flush(benchmark, writer, request):
    """µs per flush() with ten pending scalars: what forcing the events to disk costs."""
    steps = itertools.count()

    def pending() -> tuple[tuple, dict]:
        for _ in range(10):
            writer.add_scalar("loss", 0.5, next(steps))
        return (), {}

    _info(benchmark, "flush", "writer.flush()  # 10 pending scalars", 0)
    rounds = 200 if suite.is_full(request.config) else 40
    benchmark.pedantic(writer.flush, setup=pending, rounds=rounds, warmup_rounds=2)


def test_train_step(benchmark, request):
    """µs per training step of a small MLP: the yardstick the page divides by."""
    step = _train_step_fn()
    _info(benchmark, "train_step",
          f"MLP {FEATURES}-{HIDDEN}-{CLASSES}, batch {BATCH}: forward + backward + SGD step", 0)
    timing.run(benchmark, step, (), suite.timing_budget_s(request.config))
