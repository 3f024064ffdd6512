"""The typed fields of a NumPy ↔ tensor result (its extra_info beyond the common ones)."""

from __future__ import annotations

from dataclasses import dataclass

from tipsbench.families.numpy_tensor import TIP
from tipsbench.results import family_fields
from tipsbench.schema import MAX_SECONDS, Reader

NUMPY_TO_TORCH = "numpy_to_torch"
TORCH_TO_NUMPY = "torch_to_numpy"
DIRECTIONS = (NUMPY_TO_TORCH, TORCH_TO_NUMPY)


@family_fields(TIP)
@dataclass(frozen=True)
class NumpyFields:
    direction: str
    timer_median_s: float | None  # torch.utils.benchmark.Timer's median: the fidelity check
    minor_faults_per_call: float | None = None  # page faults one call paid, measured after timing

    @classmethod
    def parse(cls, extra: Reader) -> NumpyFields:
        return cls(direction=extra.text("direction", choices=DIRECTIONS),
                   timer_median_s=extra.real("timer_median_s", None, positive=True, maximum=MAX_SECONDS),
                   minor_faults_per_call=extra.real("minor_faults_per_call", None, maximum=1e9))
