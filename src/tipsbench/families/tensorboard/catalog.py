"""TensorBoard logging calls the suite times, with the code the page shows, and the
small training step every call is compared with (the yardstick).

Each case builds its callable from a writer (and a step counter) so the benchmark and
the page share one source for what is timed and what is shown.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from tipsbench.families.tensorboard import TIP

__all__ = ["TIP", "CASES", "YARDSTICK", "train_step_fn"]
YARDSTICK = "train_step"
IMAGE_SHAPE = (3, 64, 64)
BATCH, FEATURES, HIDDEN, CLASSES = 64, 784, 256, 10
FLUSH_PENDING = 10


@dataclass(frozen=True)
class LoggingCase:
    variant: str
    code: str
    nbytes: int
    # (writer) -> the timed zero-argument call; None for the yardstick
    make: Callable[[object], Callable[[], object]] | None


def _add_scalar(writer) -> Callable[[], object]:
    steps = itertools.count()
    return lambda: writer.add_scalar("loss", 0.5, next(steps))


def _add_image(writer) -> Callable[[], object]:
    import torch

    img = torch.rand(*IMAGE_SHAPE)
    steps = itertools.count()
    return lambda: writer.add_image("sample", img, next(steps))


CASES: tuple[LoggingCase, ...] = (
    LoggingCase("add_scalar", 'writer.add_scalar("loss", loss, step)', 4, _add_scalar),
    LoggingCase("add_image", 'writer.add_image("sample", img, step)  # 3×64×64',
                4 * IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * IMAGE_SHAPE[2], _add_image),
    LoggingCase("flush", f"writer.flush()  # {FLUSH_PENDING} pending scalars", 0, None),
    LoggingCase(YARDSTICK, f"MLP {FEATURES}-{HIDDEN}-{CLASSES}, batch {BATCH}: forward + backward + SGD step", 0, None),
)
CASES_BY_NAME = {c.variant: c for c in CASES}


def train_step_fn() -> Callable[[], None]:
    """One SGD step of a 784-256-10 MLP on a fixed batch: the yardstick for logging costs."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(FEATURES, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(BATCH, FEATURES), torch.randint(0, CLASSES, (BATCH,))

    def step() -> None:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return step
