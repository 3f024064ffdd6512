"""The NumPy ↔ tensor comparisons its rules are decided by (tipsbench.pairing).

Sources are made, filled and page-touched before anything is timed; a destination that
is "touched" was written once before, so copying into it takes no page faults.
"""

from __future__ import annotations

import contextlib

import numpy as np
import torch

from tipsbench.cases import KiB, MiB
from tipsbench.families.numpy_tensor.catalog import make_source
from tipsbench.pairing import PairCase

SMALL = 1 * KiB
# Past every cache and past glibc's mmap threshold (its dynamic cap is 32 MiB on 64-bit):
# a fresh tensor of this size is new memory from the kernel, page-faulted as it is written.
LARGE = 64 * MiB
# A Python list long enough that the copy dominates the call (~1 ms), short enough to
# measure many pairs in a check's budget.
LIST_LENGTH = 100_000


def _same_call_two_sizes(call):
    """`call` on the large source (A) and on the small one (B)."""

    def make():
        large, small = make_source("float32", LARGE), make_source("float32", SMALL)
        return (lambda: call(large)), (lambda: call(small))

    @contextlib.contextmanager
    def prepare():
        yield make()

    return prepare


@contextlib.contextmanager
def _fresh_against_touched():
    s = make_source("float32", LARGE)
    yield (lambda: torch.tensor(s.a)), (lambda: s.dst.copy_(torch.from_numpy(s.a)))


@contextlib.contextmanager
def _as_tensor_against_tensor():
    s = make_source("float32", LARGE)
    yield (lambda: torch.as_tensor(s.a)), (lambda: torch.tensor(s.a))


@contextlib.contextmanager
def _list_as_tensor_against_tensor():
    values = np.arange(LIST_LENGTH, dtype=np.float32).tolist()
    yield (lambda: torch.as_tensor(values)), (lambda: torch.tensor(values))


CASES = (
    PairCase("numpy.from_numpy_cost_is_flat/float32", "torch.from_numpy(a) (64 MiB)", "torch.from_numpy(a) (1 KiB)",
             _same_call_two_sizes(lambda s: torch.from_numpy(s.a))),
    PairCase("numpy.numpy_cost_is_flat/float32", "t.detach().cpu().numpy() (64 MiB)",
             "t.detach().cpu().numpy() (1 KiB)", _same_call_two_sizes(lambda s: s.t.detach().cpu().numpy())),
    PairCase("numpy.tensor_cost_grows/float32", "torch.tensor(a) (64 MiB)", "torch.tensor(a) (1 KiB)",
             _same_call_two_sizes(lambda s: torch.tensor(s.a))),
    PairCase("numpy.fresh_copy_slower/float32", "torch.tensor(a) (64 MiB)", "dst.copy_(torch.from_numpy(a)) (64 MiB)",
             _fresh_against_touched),
    PairCase("numpy.as_tensor_does_not_copy/float32", "torch.as_tensor(a) (64 MiB)", "torch.tensor(a) (64 MiB)",
             _as_tensor_against_tensor),
    PairCase("numpy.as_tensor_list_copies/float", f"torch.as_tensor(values) ({LIST_LENGTH:,} floats)",
             f"torch.tensor(values) ({LIST_LENGTH:,} floats)", _list_as_tensor_against_tensor),
)
