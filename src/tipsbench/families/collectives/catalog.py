"""What the collectives runner times: the code shown on the page, compiled into the call
that is timed, the sizes, and the backend for the device.

One all-reduce (sum) of a float32 buffer of S bytes on every rank: 4 KiB × 4^k up to
1 GiB, as the transfer sweep (quick keeps three sizes). NCCL where CUDA is, gloo on
CPUs: gloo lets the logic run on any machine with several processes (the tests), but
a gloo run on CPUs is no GPU result, and the GPU page shows runs on GPUs only.
"""

from __future__ import annotations

from collections.abc import Callable

from tipsbench.cases import GiB, KiB, MiB
from tipsbench.families.collectives import TIP
from tipsbench.families.collectives.records import ALL_REDUCE

__all__ = ["ALL_REDUCE", "CODE", "DTYPE", "TIP", "backend_for", "compile_call", "expected_sum", "sizes"]

CODE = "dist.all_reduce(x)"  # op=SUM, the default
DTYPE = "float32"
ITEM_BYTES = 4
FULL_SIZES = tuple(4 * KiB * 4**k for k in range(10))
QUICK_SIZES = (4 * KiB, 1 * MiB, 64 * MiB)
assert FULL_SIZES[-1] == 1 * GiB
NCCL, GLOO = "nccl", "gloo"


def sizes(full: bool) -> tuple[int, ...]:
    return FULL_SIZES if full else QUICK_SIZES


def backend_for(device_type: str) -> str:
    return NCCL if device_type == "cuda" else GLOO


def compile_call(dist_module) -> Callable[[object], object]:
    """CODE as a function of the buffer: what is timed is what is shown."""
    return eval(f"lambda x: {CODE}", {"dist": dist_module})  # noqa: S307 - our own constant code


def expected_sum(world_size: int) -> float:
    """Each rank fills its buffer with rank + 1: the sum is 1 + 2 + … + n everywhere."""
    return world_size * (world_size + 1) / 2


def parse_size(text: str) -> int:
    """'4096', '4KiB', '64MiB', '1GiB' → bytes; a whole number of float32 elements, > 0."""
    units = {"GiB": GiB, "MiB": MiB, "KiB": KiB, "B": 1, "": 1}
    for unit, scale in units.items():
        number = text.strip().removesuffix(unit)
        if text.strip().endswith(unit) and number.strip().isdigit():
            nbytes = int(number) * scale
            break
    else:
        raise ValueError(f"{text!r} is not a size such as 4096, 4KiB, 64MiB or 1GiB")
    if nbytes <= 0 or nbytes % ITEM_BYTES:
        raise ValueError(f"{text!r}: a size must be a positive multiple of {ITEM_BYTES} bytes ({DTYPE})")
    return nbytes
