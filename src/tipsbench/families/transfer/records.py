"""The typed fields of a transfer result: CPU ↔ GPU, and GPU ↔ GPU (peer copies)."""

from __future__ import annotations

from dataclasses import dataclass

from tipsbench.families.transfer import TIP
from tipsbench.results import family_fields
from tipsbench.schema import MAX_SECONDS, Reader

H2D, D2H, D2D, PIN, P2P = "h2d", "d2h", "d2d", "pin", "p2p"
DIRECTIONS = (H2D, D2H, D2D, PIN, P2P)


@family_fields(TIP)
@dataclass(frozen=True)
class TransferFields:
    direction: str
    pinned: bool
    non_blocking: bool
    device: str  # "cuda:0 NVIDIA H200": the label results group by
    timing: str  # which timer produced the statistics (tipsbench.devtiming)
    event_median_s: float | None  # the CUDA-events cross-check, where there was one
    # Peer copies (direction p2p) only: `device` is the GPU copied from, `target` the one
    # copied to; whether the driver lets them reach each other's memory directly
    # (torch.cuda.can_device_access_peer), and the link `nvidia-smi topo -m` names
    # between them (NV18, PIX, SYS…) where it could be read.
    target: str | None = None
    peer_access: bool | None = None
    peer_link: str | None = None

    @classmethod
    def parse(cls, extra: Reader) -> TransferFields:
        direction = extra.text("direction", choices=DIRECTIONS)
        target = extra.text("target", None)
        if direction == P2P and target is None:
            extra.fail(f"{extra.path('target')} is missing (a p2p copy names the GPU it copies to)")
        return cls(
            direction=direction, pinned=extra.flag("pinned"),
            non_blocking=extra.flag("non_blocking"), device=extra.text("device"),
            timing=extra.text("timing", "?"),
            event_median_s=extra.real("event_median_s", None, positive=True, maximum=MAX_SECONDS),
            target=target, peer_access=extra.flag("peer_access", None), peer_link=extra.text("peer_link", None),
        )


def by_device(run) -> list[tuple[str, list]]:
    """(device label, its transfer records) for one run, devices in label order."""
    groups: dict[str, list] = {}
    for record in run.for_tip(TIP):
        groups.setdefault(record.fields.device, []).append(record)
    return sorted(groups.items(), key=lambda item: item[0])
