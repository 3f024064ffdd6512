"""The memory comparisons its rules are decided by (tipsbench.pairing): resident memory
really used, read in a forked child (tipsbench.peakmem), and what ``sys.getsizeof`` says."""

from __future__ import annotations

import contextlib
import sys

import numpy as np
import torch

from tipsbench import peakmem
from tipsbench.cases import MiB
from tipsbench.pairing import PairCase

# 128 MiB of float32, 256 MiB of int64: far above any allocator's pools, and large enough
# that the few MiB torch touches on its first allocation in a process stay a few percent.
ELEMENTS = 128 * MiB // 4


def _peak(make_a, make_b):
    @contextlib.contextmanager
    def prepare():
        yield (lambda: peakmem.peak_growth(make_a)), (lambda: peakmem.peak_growth(make_b))

    return prepare


@contextlib.contextmanager
def _getsizeof_against_nbytes():
    t = torch.ones(ELEMENTS)
    yield (lambda: sys.getsizeof(t)), (lambda: t.nbytes)


@contextlib.contextmanager
def _array_getsizeof_against_nbytes():
    a = np.ones(ELEMENTS, dtype=np.float32)
    yield (lambda: sys.getsizeof(a)), (lambda: a.nbytes)


@contextlib.contextmanager
def _view_nbytes_against_storage():
    t = torch.ones(ELEMENTS)
    view = t[::2]
    yield (lambda: view.nbytes), (lambda: view.untyped_storage().nbytes())


CASES = (
    PairCase("memory.int64_twice_float32/torch", "torch.ones(n, dtype=torch.int64)  # resident memory added",
             "torch.ones(n, dtype=torch.float32)  # resident memory added",
             _peak(lambda: torch.ones(ELEMENTS, dtype=torch.int64), lambda: torch.ones(ELEMENTS, dtype=torch.float32)),
             kind="value", unit="B", requires=peakmem.available),
    PairCase("memory.tensor_same_as_array/float32", "torch.ones(n)  # resident memory added",
             "np.ones(n, dtype=np.float32)  # resident memory added",
             _peak(lambda: torch.ones(ELEMENTS), lambda: np.ones(ELEMENTS, dtype=np.float32)), kind="value", unit="B",
             requires=peakmem.available),
    PairCase("memory.getsizeof_excludes_tensor_data/float32", "sys.getsizeof(t)  # 128 MiB tensor", "t.nbytes",
             _getsizeof_against_nbytes, kind="exact", unit="B"),
    PairCase("memory.nbytes_counts_the_view/float32", "t[::2].nbytes  # a view of every other element",
             "t[::2].untyped_storage().nbytes()  # the memory it keeps alive", _view_nbytes_against_storage,
             kind="exact", unit="B"),
    PairCase("memory.getsizeof_includes_array_data/float32", "sys.getsizeof(a)  # 128 MiB array that owns its data",
             "a.nbytes", _array_getsizeof_against_nbytes, kind="exact", unit="B"),
)
