"""Memory facts checked on real objects: does a result share its source's bytes, and
does a size fit in RAM."""

from __future__ import annotations

import numpy as np
import torch

from tipsbench.machine import available_ram

# Leave this fraction of MemAvailable untouched, so the OOM killer never picks us.
RAM_HEADROOM = 0.5


def byte_range(obj) -> tuple[int, int]:
    """[start, end) of the memory an ndarray or a CPU tensor can reach."""
    if isinstance(obj, torch.Tensor):
        storage = obj.untyped_storage()
        start = storage.data_ptr()
        return start, start + storage.nbytes()
    if isinstance(obj, np.ndarray):
        low, high = np.byte_bounds(obj) if hasattr(np, "byte_bounds") else np.lib.array_utils.byte_bounds(obj)
        return low, high
    raise TypeError(f"expected an ndarray or a torch.Tensor, got {type(obj).__name__}")


def shares_memory(a, b) -> bool:
    """True when the two objects' memory overlaps: checked on addresses, not assumed."""
    a_start, a_end = byte_range(a)
    b_start, b_end = byte_range(b)
    return a_start < b_end and b_start < a_end and a_end > a_start and b_end > b_start


def fits_in_ram(nbytes: int, copies: int) -> tuple[bool, str]:
    """Whether `copies` buffers of `nbytes` fit in available RAM with headroom, and why not."""
    available = available_ram()
    if available is None:
        return True, ""
    needed = nbytes * copies
    budget = int(available * RAM_HEADROOM)
    if needed <= budget:
        return True, ""
    return False, (
        f"needs {needed / 2**20:.0f} MiB ({copies} × {nbytes / 2**20:.0f} MiB) but only "
        f"{budget / 2**20:.0f} MiB of RAM is available with {RAM_HEADROOM:.0%} headroom"
    )


def minor_faults_per_call(fn, args: tuple, calls: int = 5) -> float | None:
    """Minor page faults per call of ``fn(*args)``, after one warm-up call; each result is
    dropped before the next call, as in the timed rounds. None where getrusage is missing."""
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    fn(*args)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn(*args)
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls
