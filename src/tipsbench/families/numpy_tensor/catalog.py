"""NumPy ↔ tensor conversions: every variant the site compares, with the code it shows.

A variant is its code, as the page shows it, and the same call as a callable plus
arguments (timed without a wrapper: see tipsbench.timing). The source is prepared
before timing, so its allocation is never timed, while allocating the result (the
point of "does it copy?") always is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from tipsbench.cases import Case, KiB, MiB, size_grid
from tipsbench.families.numpy_tensor import DTYPES_FULL, DTYPES_QUICK, TIP
from tipsbench.families.numpy_tensor.records import NUMPY_TO_TORCH, TORCH_TO_NUMPY

SMALLEST = 1 * KiB
LARGEST = 256 * MiB
# as_tensor with another dtype must convert, so it must copy: the pairs we measure.
OTHER_DTYPE = {"float32": torch.float64, "float64": torch.float32, "int64": torch.float64}


@dataclass(frozen=True)
class Source:
    """What a variant starts from: array `a`, tensor `t` sharing it, warm target `dst`."""

    a: np.ndarray
    t: torch.Tensor
    dst: torch.Tensor

    @property
    def namespace(self) -> dict:
        """The names the variants' code uses, for torch.utils.benchmark.Timer."""
        other = OTHER_DTYPE[str(self.a.dtype)]
        return {"torch": torch, "np": np, "a": self.a, "t": self.t, "dst": self.dst, "other": other}


def _dst_copy_from_numpy(dst: torch.Tensor, a: np.ndarray) -> torch.Tensor:
    return dst.copy_(torch.from_numpy(a))


def _detach_cpu_numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy()


@dataclass(frozen=True)
class Variant:
    name: str
    direction: str
    code: str
    call: Callable[[Source], tuple[Callable[..., object], tuple]]

    def source_of(self, source: Source):
        """The object whose memory the result is compared with."""
        return source.a if self.direction == NUMPY_TO_TORCH else source.t


VARIANTS: tuple[Variant, ...] = (
    Variant("from_numpy", NUMPY_TO_TORCH, "torch.from_numpy(a)", lambda s: (torch.from_numpy, (s.a,))),
    Variant("as_tensor", NUMPY_TO_TORCH, "torch.as_tensor(a)", lambda s: (torch.as_tensor, (s.a,))),
    Variant(
        "as_tensor_other_dtype", NUMPY_TO_TORCH, "torch.as_tensor(a, dtype=other)",
        lambda s: (functools.partial(torch.as_tensor, dtype=OTHER_DTYPE[str(s.a.dtype)]), (s.a,)),
    ),
    Variant("tensor", NUMPY_TO_TORCH, "torch.tensor(a)", lambda s: (torch.tensor, (s.a,))),
    Variant("asarray", NUMPY_TO_TORCH, "torch.asarray(a)", lambda s: (torch.asarray, (s.a,))),
    Variant(
        "asarray_copy", NUMPY_TO_TORCH, "torch.asarray(a, copy=True)",
        lambda s: (functools.partial(torch.asarray, copy=True), (s.a,)),
    ),
    Variant("from_numpy_clone", NUMPY_TO_TORCH, "torch.from_numpy(a).clone()", lambda s: (lambda a: torch.from_numpy(a).clone(), (s.a,))),
    Variant("copy_into_preallocated", NUMPY_TO_TORCH, "dst.copy_(torch.from_numpy(a))", lambda s: (_dst_copy_from_numpy, (s.dst, s.a))),
    # Only for contiguous, writable, positive-stride arrays: on torch 2.13 a
    # negative-stride array aborts the process and a read-only one imports as writable.
    Variant("from_dlpack", NUMPY_TO_TORCH, "torch.from_dlpack(a)", lambda s: (torch.from_dlpack, (s.a,))),
    Variant("numpy", TORCH_TO_NUMPY, "t.numpy()", lambda s: (torch.Tensor.numpy, (s.t,))),
    Variant("detach_cpu_numpy", TORCH_TO_NUMPY, "t.detach().cpu().numpy()", lambda s: (_detach_cpu_numpy, (s.t,))),
    Variant("np_asarray", TORCH_TO_NUMPY, "np.asarray(t)", lambda s: (np.asarray, (s.t,))),
    Variant("np_from_dlpack", TORCH_TO_NUMPY, "np.from_dlpack(t)", lambda s: (np.from_dlpack, (s.t,))),
)
VARIANTS_BY_NAME = {v.name: v for v in VARIANTS}
# Timed against torch.utils.benchmark.Timer in every run: the fidelity check.
FIDELITY_VARIANT = "from_numpy"


def cases(caches: dict[str, int], full: bool) -> list[Case]:
    """The grid: every variant × dtype × size of the profile."""
    sizes = size_grid(caches, SMALLEST, LARGEST, full)
    dtypes = DTYPES_FULL if full else DTYPES_QUICK
    return [Case(TIP, v.name, dtype, size) for dtype in dtypes for size in sizes for v in VARIANTS]


def make_source(dtype: str, nbytes: int) -> Source:
    """A filled, page-touched array (and views of it) of `nbytes` payload bytes."""
    np_dtype = np.dtype(dtype)
    a = np.ones(nbytes // np_dtype.itemsize, dtype=np_dtype)
    t = torch.from_numpy(a)
    dst = torch.empty_like(t)
    dst.fill_(0)  # touch every page now, so the copy into it is a warm copy
    return Source(a=a, t=t, dst=dst)
