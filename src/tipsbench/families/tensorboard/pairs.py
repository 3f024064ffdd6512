"""The TensorBoard comparisons its rules are decided by (tipsbench.pairing).

Logging is measured against the yardstick the page uses, one SGD step of a small MLP
(catalog.train_step_fn).
Writers log into a private temporary directory, removed afterwards.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import tempfile

from tipsbench.families.tensorboard.catalog import BATCH, CLASSES, FEATURES, HIDDEN, train_step_fn
from tipsbench.pairing import PairCase


def _needs_tensorboard() -> str:
    try:
        import torch.utils.tensorboard  # noqa: F401
    except ImportError as exc:  # tensorboard is the `tips` extra
        return f"TensorBoard is not installed ({exc})"
    return ""


@contextlib.contextmanager
def _writer():
    from torch.utils.tensorboard import SummaryWriter

    directory = tempfile.mkdtemp(prefix="tipsbench-tb-pairs-")
    writer = SummaryWriter(log_dir=directory)
    try:
        yield writer
    finally:
        writer.close()
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def _scalar_against_step():
    with _writer() as writer:
        steps = itertools.count()
        yield (lambda: writer.add_scalar("loss", 0.5, next(steps))), train_step_fn()


CASES = (
    PairCase("tensorboard.scalar_cheaper_than_step/add_scalar", 'writer.add_scalar("loss", loss, step)',
             f"MLP {FEATURES}-{HIDDEN}-{CLASSES}, batch {BATCH}: forward + backward + SGD step", _scalar_against_step,
             requires=_needs_tensorboard),
)
