"""What the collectives runner times: the code shown on the page, compiled into the call
that is timed, the sizes, and the backend for the device.

One all-reduce (sum) of a float32 buffer of S bytes on every rank, at the sizes of the
transfer sweep (cases.bandwidth_sweep). NCCL where CUDA is, gloo on
CPUs: gloo lets the logic run on any machine with several processes (the tests), but
a gloo run on CPUs is no GPU result, and the GPU page shows runs on GPUs only.
"""

from __future__ import annotations

from collections.abc import Callable

from tipsbench.cases import bandwidth_sweep, parse_bytes
from tipsbench.families.collectives import TIP

__all__ = ["CODE", "DTYPE", "ITEM_BYTES", "NCCL", "TIP", "backend_for", "compile_call", "expected_sum", "parse_size",
           "sizes"]

CODE = "dist.all_reduce(x)"  # op=SUM, the default
DTYPE = "float32"
ITEM_BYTES = 4
NCCL, GLOO = "nccl", "gloo"
sizes = bandwidth_sweep  # the transfer family's sizes: tables line up


def backend_for(device_type: str) -> str:
    return NCCL if device_type == "cuda" else GLOO


def compile_call(dist_module) -> Callable[[object], object]:
    """CODE as a function of the buffer: what is timed is what is shown."""
    return eval(f"lambda x: {CODE}", {"dist": dist_module})  # noqa: S307 - our own constant code


def expected_sum(world_size: int) -> float:
    """Each rank fills its buffer with rank + 1: the sum is 1 + 2 + … + n everywhere."""
    return world_size * (world_size + 1) / 2


def parse_size(text: str) -> int:
    """A size typed with --sizes ('4096', '4KiB', '64MiB'): a whole number of float32
    elements, > 0."""
    nbytes = parse_bytes(text)
    if nbytes <= 0 or nbytes % ITEM_BYTES:
        raise ValueError(f"{text!r}: a size must be a positive multiple of {ITEM_BYTES} bytes ({DTYPE})")
    return nbytes
