"""CPU ↔ GPU transfers: every variant the GPU page compares, and the devices.

A variant is the code the page shows, compiled into the very callable that is timed,
so the label can't drift from what ran. Inputs are built per variant (a 1 GiB case
would otherwise hold five 1 GiB host buffers at once), before timing.

Directions: h2d (host to device), d2h (device to host), d2d (on the card: the copy
engine's reference) and pin (``pin_memory()`` alone, a host-side cost). With two or
more CUDA GPUs, p2p: peer copies from the first GPU to another, cases of their own
(peer_cases), timed by test_peer_copy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from tipsbench.cases import Case, MiB, bandwidth_sweep
from tipsbench.families.transfer import TIP
from tipsbench.families.transfer.records import D2D, D2H, H2D, P2P, PIN
from tipsbench.machine import Device, find_devices

__all__ = ["D2D", "D2H", "H2D", "P2P", "PIN", "TIP", "Device", "find_devices"]  # re-exported for the suite
DTYPE = "float32"
NO_DEVICE = "none"
NO_DEVICE_REASON = "no CUDA/MPS device was found (looked for: cuda, mps); transfer benchmarks need one"
NO_PEER = "none"
PEER_SEP = "->"  # a peer case's device: "cuda:0->cuda:1"
HOST_INPUTS = ("t", "t_pinned", "a", "t_dst", "t_pinned_dst")
DEVICE_INPUTS = ("d", "d_dst")


@dataclass(frozen=True)
class Variant:
    name: str
    direction: str
    code: str  # shown on the page and compiled into the timed call
    inputs: tuple[str, ...]  # names the code reads, built before timing
    pinned: bool  # host side is page-locked during the copy
    non_blocking: bool
    only: tuple[str, ...] = ()  # device types it applies to; empty = all
    ceiling: bool = False  # a candidate for this direction's best pinned copy

    def compile(self) -> Callable[..., object]:
        """The code as a function of (inputs..., device): what is timed is what is shown."""
        import torch

        params = ", ".join(self.inputs + ("device",))
        return eval(f"lambda {params}: {self.code}", {"torch": torch})  # noqa: S307 - our own constant code

    def applies_to(self, device_type: str) -> bool:
        return not self.only or device_type in self.only


VARIANTS: tuple[Variant, ...] = (
    Variant("h2d_pageable", H2D, "t.to(device)", ("t",), False, False),
    Variant("h2d_pageable_nb", H2D, "t.to(device, non_blocking=True)", ("t",), False, True),
    Variant("h2d_pinned", H2D, "t_pinned.to(device)", ("t_pinned",), True, False, ceiling=True),
    Variant("h2d_pinned_nb", H2D, "t_pinned.to(device, non_blocking=True)", ("t_pinned",), True, True, ceiling=True),
    Variant("h2d_cuda", H2D, "t.cuda(device)", ("t",), False, False, only=("cuda",)),
    Variant("h2d_as_tensor", H2D, "torch.as_tensor(a, device=device)", ("a",), False, False),
    Variant("h2d_from_numpy_to", H2D, "torch.from_numpy(a).to(device)", ("a",), False, False),
    # The pair the tutorial warns about: pinning blocks, then the copy runs.
    Variant("h2d_pin_then_copy", H2D, "t.pin_memory().to(device, non_blocking=True)", ("t",), True, True),
    Variant("pin_memory", PIN, "t.pin_memory()", ("t",), False, False),
    Variant("d2h_to_cpu", D2H, "d.to('cpu')", ("d",), False, False),
    Variant("d2h_cpu", D2H, "d.cpu()", ("d",), False, False),
    Variant("d2h_pageable", D2H, "t_dst.copy_(d)", ("d", "t_dst"), False, False),
    Variant("d2h_pinned", D2H, "t_pinned_dst.copy_(d)", ("d", "t_pinned_dst"), True, False, ceiling=True),
    # Only correct because the timer synchronizes before anything reads t_pinned_dst.
    Variant("d2h_pinned_nb", D2H, "t_pinned_dst.copy_(d, non_blocking=True)", ("d", "t_pinned_dst"), True, True, ceiling=True),
    Variant("d2d", D2D, "d_dst.copy_(d)", ("d", "d_dst"), False, False),
)
VARIANTS_BY_NAME = {v.name: v for v in VARIANTS}

# GPU -> GPU. `peer` is the target GPU, `d_peer` a buffer on it. Both run on the source
# GPU's current stream, and the target's stream waits for the copy (ATen's
# copy_device_to_device, aten/src/ATen/native/cuda/Copy.cu). The first copy between two
# GPUs enables peer access where the driver allows it (at::cuda::get_p2p_access); the
# warm-up pays for that, never a timed round. Without peer access the driver stages
# the copy through host memory.
PEER_VARIANTS: tuple[Variant, ...] = (
    Variant("p2p_to", P2P, "d.to(peer)", ("d", "peer"), False, False),
    Variant("p2p_copy", P2P, "d_peer.copy_(d)", ("d", "d_peer"), False, False),
)
PEER_VARIANTS_BY_NAME = {v.name: v for v in PEER_VARIANTS}


sizes = bandwidth_sweep  # 4 KiB × 4^k up to 1 GiB; quick keeps three


def cases(devices: list[Device], full: bool) -> list[Case]:
    """Every variant × size × device; one placeholder case per variant when no device.

    Without a device the placeholders are skipped with NO_DEVICE_REASON: one skip per
    variant keeps a CPU run's report short instead of listing every size.
    """
    if not devices:
        return [Case(TIP, v.name, DTYPE, 0, NO_DEVICE) for v in VARIANTS]
    return [
        Case(TIP, v.name, DTYPE, size, dev.torch_name)
        for dev in devices for v in VARIANTS if v.applies_to(dev.type) for size in sizes(full)
    ]


def peer_pairs(devices: list[Device], full: bool) -> list[tuple[Device, Device]]:
    """(source, target) GPU pairs: the first CUDA GPU to every other (full) or to the next (quick)."""
    gpus = [d for d in devices if d.type == "cuda"]
    targets = gpus[1:] if full else gpus[1:2]
    return [(gpus[0], target) for target in targets]


def no_peer_reason(devices: list[Device]) -> str:
    found = sum(d.type == "cuda" for d in devices)
    return f"peer copies need two CUDA GPUs; found {found}"


def peer_cases(devices: list[Device], full: bool) -> list[Case]:
    """Every peer variant × size × GPU pair; one placeholder per variant with fewer than two GPUs."""
    pairs = peer_pairs(devices, full)
    if not pairs:
        return [Case(TIP, v.name, DTYPE, 0, NO_PEER) for v in PEER_VARIANTS]
    return [
        Case(TIP, v.name, DTYPE, size, f"{source.torch_name}{PEER_SEP}{target.torch_name}")
        for source, target in pairs for v in PEER_VARIANTS for size in sizes(full)
    ]


def peer_of(case: Case) -> tuple[str, str]:
    """('cuda:0', 'cuda:1'): a peer case's source and target torch device names."""
    source, sep, target = case.device.partition(PEER_SEP)
    if not sep:
        raise ValueError(f"{case.id} is not a peer case")
    return source, target


def peer_timer(timer, target: str, torch_module):
    """The source GPU's timer (devtiming.choose), waiting for the target GPU too: each round
    ends when both have finished, and the events sit on the source's stream, the copy's."""
    cuda, source_sync = torch_module.cuda, timer.sync

    def both() -> None:
        source_sync()
        cuda.synchronize(target)

    return dataclasses.replace(timer, sync=both)


def host_buffers(variant: Variant) -> int:
    """Host buffers of the case's size alive while timing (inputs + a fresh result)."""
    host = sum(name in HOST_INPUTS for name in variant.inputs)
    fresh_result = variant.direction in (D2H, PIN) and not any(n.endswith("_dst") for n in variant.inputs)
    return host + int(fresh_result)


def device_buffers(variant: Variant) -> int:
    dev = sum(name in DEVICE_INPUTS for name in variant.inputs)
    return dev + int(variant.direction == H2D)


def fits_on_device(nbytes: int, buffers: int, free_bytes: int | None) -> tuple[bool, str]:
    """Whether `buffers` device buffers of `nbytes` fit in free device memory (with 10% spare)."""
    if free_bytes is None:
        return True, ""
    needed = nbytes * buffers
    if needed <= free_bytes * 0.9:
        return True, ""
    return False, f"needs {needed / MiB:.0f} MiB of device memory, {free_bytes / MiB:.0f} MiB free"


def make_inputs(variant: Variant, device: str, nbytes: int, torch_module, target: str | None = None) -> tuple:
    """The variant's inputs (page-touched, so no first-touch fault is timed), then device.
    A peer variant's `target` GPU takes the buffer it copies into (d_peer) or is passed
    itself (peer)."""
    count = nbytes // 4
    made: list[object] = []
    for name in variant.inputs:
        if name in ("d_peer", "peer") and target is None:
            raise ValueError(f"variant {variant.name!r} needs a target device for {name!r}")
        if name in ("t", "t_dst"):
            made.append(torch_module.ones(count, dtype=torch_module.float32))
        elif name in ("t_pinned", "t_pinned_dst"):
            made.append(torch_module.empty(count, dtype=torch_module.float32, pin_memory=True).fill_(1.0))
        elif name == "a":
            made.append(torch_module.ones(count, dtype=torch_module.float32).numpy())
        elif name in DEVICE_INPUTS:
            made.append(torch_module.ones(count, dtype=torch_module.float32, device=device))
        elif name == "d_peer":
            made.append(torch_module.ones(count, dtype=torch_module.float32, device=target))
        elif name == "peer":
            made.append(target)
        else:
            raise ValueError(f"variant {variant.name!r} needs unknown input {name!r}")
    return (*made, device)


# --- Ceilings -------------------------------------------------------------------

def ceiling_key(direction: str, device: Device | None = None) -> str:
    """'h2d_pinned_bytes_per_s' for the first device; others get their type and index."""
    base = f"{direction}_pinned_bytes_per_s" if direction in (H2D, D2H) else f"{direction}_bytes_per_s"
    if device is None or (device.index == 0 and device.type != "mps"):
        return base
    return f"{base}_{device.type}{device.index}"


def best_rates(measured: list[tuple[str, str, int, float]]) -> dict[tuple[str, str], tuple[float, str, int]]:
    """Best (bytes/s, variant, size) per (device, direction) among ceiling candidates and d2d.

    `measured` holds (device torch name, variant name, bytes, median seconds).
    """
    best: dict[tuple[str, str], tuple[float, str, int]] = {}
    for device, name, nbytes, median in measured:
        variant = VARIANTS_BY_NAME[name]
        if not (variant.ceiling or variant.direction == D2D) or median <= 0:
            continue
        rate = nbytes / median
        key = (device, variant.direction)
        if key not in best or rate > best[key][0]:
            best[key] = (rate, name, nbytes)
    return best
