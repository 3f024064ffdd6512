"""The GPU comparisons its rules are decided by (tipsbench.pairing): not checkable on a
machine without a CUDA device. Each timed call ends with a synchronize, so a
non-blocking copy is counted until its bytes have arrived."""

from __future__ import annotations

import contextlib

from tipsbench.cases import MiB
from tipsbench.pairing import PairCase

SIZE = 64 * MiB


def _needs_cuda() -> str:
    import torch

    return "" if torch.cuda.is_available() else "no CUDA device: the GPU comparisons need one"


@contextlib.contextmanager
def _pin_then_copy_against_pageable():
    import torch

    device = torch.device("cuda", 0)
    t = torch.ones(SIZE // 4)

    def pin_then_copy():
        t.pin_memory().to(device, non_blocking=True)
        torch.cuda.synchronize(device)

    def pageable():
        t.to(device)
        torch.cuda.synchronize(device)

    yield pin_then_copy, pageable


CASES = (
    PairCase("gpu.pin_then_copy_not_faster/cuda", "t.pin_memory().to(device, non_blocking=True)  # 64 MiB",
             "t.to(device)  # 64 MiB", _pin_then_copy_against_pageable, requires=_needs_cuda),
)
