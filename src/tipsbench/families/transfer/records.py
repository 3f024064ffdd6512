"""The typed fields of a CPU ↔ GPU transfer result."""

from __future__ import annotations

from dataclasses import dataclass

from tipsbench.families.transfer import TIP
from tipsbench.results import family_fields
from tipsbench.schema import MAX_SECONDS, Reader

H2D, D2H, D2D, PIN = "h2d", "d2h", "d2d", "pin"
DIRECTIONS = (H2D, D2H, D2D, PIN)


@family_fields(TIP)
@dataclass(frozen=True)
class TransferFields:
    direction: str
    pinned: bool
    non_blocking: bool
    device: str  # "cuda:0 NVIDIA H200": the label results group by
    timing: str  # which timer produced the statistics (tipsbench.devtiming)
    event_median_s: float | None  # the CUDA-events cross-check, where there was one

    @classmethod
    def parse(cls, extra: Reader) -> TransferFields:
        return cls(
            direction=extra.text("direction", choices=DIRECTIONS), pinned=extra.flag("pinned"),
            non_blocking=extra.flag("non_blocking"), device=extra.text("device"),
            timing=extra.text("timing", "?"),
            event_median_s=extra.real("event_median_s", None, positive=True, maximum=MAX_SECONDS),
        )


def by_device(run) -> list[tuple[str, list]]:
    """(device label, its transfer records) for one run, devices in label order."""
    groups: dict[str, list] = {}
    for record in run.for_tip(TIP):
        groups.setdefault(record.fields.device, []).append(record)
    return sorted(groups.items(), key=lambda item: item[0])
