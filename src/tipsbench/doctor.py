"""`tipsbench doctor`: what a user needs to debug device selection and transfers.

It prints the torch build, CUDA/MPS availability, each visible device (index, name,
memory, PCI bus id, link), the CUDA_VISIBLE_DEVICES / CUDA_DEVICE_ORDER in effect and
how visible indices map to nvidia-smi's, and whether pinned memory works. Exit 0 when
nothing is broken (a CPU-only machine included); 1 with the reasons when something is,
e.g. nvidia-smi sees GPUs but this CUDA build of torch can't use them.

Everything is gathered into a Report from injected torch/env/command functions, so
each branch is unit-tested on a CPU machine with fakes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from tipsbench import machine, pcie
from tipsbench.machine import Device

PIN_TEST_BYTES = 1 << 20
DEFAULT_ORDER = "FASTEST_FIRST"


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    def add(self, label: str, value: object) -> None:
        self.lines.append(f"{label:<22} {value}")
        self.facts[label] = value

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


def parse_visible_devices(value: str | None) -> tuple[list[str] | None, str]:
    """The entries CUDA will honour in CUDA_VISIBLE_DEVICES, and what that means.

    None = unset (all GPUs visible). CUDA stops at the first invalid entry: '0,x,1'
    shows GPU 0 only. '' (or only invalid entries) hides every GPU.
    """
    if value is None:
        return None, "unset: every GPU is visible"
    entries: list[str] = []
    stopped_at = None
    for raw in value.split(","):
        entry = raw.strip()
        if not _valid_entry(entry):
            stopped_at = entry
            break
        entries.append(entry)
    if not entries:
        return [], f"{value!r}: hides every GPU"
    mapping = ", ".join(f"cuda:{i} = GPU {e}" for i, e in enumerate(entries))
    tail = f" (everything from the invalid entry {stopped_at!r} on is ignored)" if stopped_at is not None else ""
    return entries, f"{value!r}: {mapping}{tail}"


def _valid_entry(entry: str) -> bool:
    return entry.isdigit() or entry.startswith(("GPU-", "MIG-"))


def order_note(value: str | None) -> str:
    if value is None:
        return f"unset: {DEFAULT_ORDER} (CUDA's numbering may differ from nvidia-smi's; set PCI_BUS_ID to match it)"
    if value == "PCI_BUS_ID":
        return "PCI_BUS_ID: CUDA numbers GPUs like nvidia-smi"
    if value == DEFAULT_ORDER:
        return f"{DEFAULT_ORDER}: fastest GPU first; may differ from nvidia-smi's numbering"
    return f"{value!r}: not a value CUDA knows (PCI_BUS_ID or FASTEST_FIRST)"


def physical_index(visible: int, entries: list[str] | None, bus_id: str | None,
                   smi: list[dict]) -> str:
    """Which nvidia-smi GPU a visible cuda:i is: by PCI bus id when known, else by the list."""
    for row in smi:
        if pcie.same_bus_id(row["pci_bus_id"], bus_id):
            return f"nvidia-smi GPU {row['index']}"
    if entries is None:
        return f"GPU {visible} in CUDA's order"
    if visible < len(entries):
        return f"GPU {entries[visible]} in CUDA's order (from CUDA_VISIBLE_DEVICES)"
    return "unknown"


def diagnose(torch_module, env: dict[str, str], smi: list[dict],
             link_of: Callable[[Device], pcie.Link | None] | None = None) -> Report:
    """Everything doctor prints, and the problems that make it exit 1."""

    report = Report()
    report.add("torch", f"{torch_module.__version__} (build: {machine.torch_build(torch_module)})")
    report.add("python", f"{platform.python_version()} on {platform.system()} {platform.machine()}")
    entries, visible_note = parse_visible_devices(env.get("CUDA_VISIBLE_DEVICES"))
    report.add("CUDA_VISIBLE_DEVICES", visible_note)
    report.add("CUDA_DEVICE_ORDER", order_note(env.get("CUDA_DEVICE_ORDER")))
    _check_cuda(report, torch_module, entries, smi, link_of)
    _check_mps(report, torch_module)
    accel = getattr(torch_module, "accelerator", None)
    if accel is not None and hasattr(accel, "is_available"):
        current = accel.current_accelerator() if accel.is_available() else None
        report.add("torch.accelerator", f"present; current: {current if current is not None else 'none'}")
    else:
        report.add("torch.accelerator", "not in this torch (added in 2.6): use torch.cuda / torch.mps")
    _check_pinned(report, torch_module)
    if smi:
        report.add("nvidia-smi", "; ".join(f"GPU {r['index']} {r['name']} {r['pci_bus_id']}" for r in smi))
    return report


def _check_cuda(report: Report, torch_module, entries, smi, link_of) -> None:
    built = torch_module.version.cuda
    if not built:
        report.add("CUDA", "not built into this torch (a CPU or MPS build)")
        if smi:
            report.notes.append(f"nvidia-smi sees {len(smi)} GPU(s) but this torch is a CPU build: "
                                "install a CUDA build of torch to use them")
        return
    try:
        available = bool(torch_module.cuda.is_available())
        count = int(torch_module.cuda.device_count()) if available else 0
    except Exception as exc:  # a broken driver raises here rather than returning False
        report.add("CUDA", f"built for {built}, failed to initialize")
        report.problems.append(f"CUDA failed to initialize: {type(exc).__name__}: {exc}")
        return
    report.add("CUDA", f"built for {built}; available: {'yes' if available else 'no'}; visible devices: {count}")
    if not available:
        hidden = entries == []
        if smi and not hidden:
            report.problems.append(f"nvidia-smi sees {len(smi)} GPU(s) but torch.cuda.is_available() is False "
                                   f"(driver too old for CUDA {built}, or CUDA failed to initialize)")
        elif hidden:
            report.notes.append("CUDA_VISIBLE_DEVICES hides every GPU from this process")
        return
    report.add("cuDNN", torch_module.backends.cudnn.version() if torch_module.backends.cudnn.is_available() else "not available")
    for index in range(count):
        _describe_cuda_device(report, torch_module, index, entries, smi, link_of)


def _describe_cuda_device(report, torch_module, index, entries, smi, link_of) -> None:

    try:
        props = torch_module.cuda.get_device_properties(index)
    except Exception as exc:
        report.problems.append(f"cuda:{index}: cannot read its properties: {type(exc).__name__}: {exc}")
        return
    bus = machine._pci_bus_id(props)
    device = Device("cuda", index, props.name, bus)
    link = (link_of or (lambda d: pcie.link_of(d, smi)))(device)
    link_text = f"{link.label} ≈ {link.bytes_per_s / 1e9:.1f} GB/s per direction ({link.source})" if link else "link unknown"
    where = physical_index(index, entries, bus, smi)
    report.add(f"cuda:{index}", f"{props.name}, {props.total_memory / (1 << 30):.1f} GiB, "
                                f"capability {props.major}.{props.minor}, PCI {bus or 'unknown'}, {link_text}; {where}")


def _check_mps(report: Report, torch_module) -> None:
    mps = getattr(torch_module.backends, "mps", None)
    if mps is None or not mps.is_built():
        report.add("MPS", "not built into this torch")
        return
    report.add("MPS", f"built; available: {'yes' if mps.is_available() else 'no'}")


def _check_pinned(report: Report, torch_module) -> None:
    """Pin 1 MiB, copy it to the first accelerator and back, and compare."""
    target = None
    if any(key.startswith("cuda:") for key in report.facts):  # CUDA initialized and listed devices
        target = "cuda:0"
    else:
        mps = getattr(torch_module.backends, "mps", None)
        if mps is not None and mps.is_available():
            target = "mps"
    if target is None:
        report.add("pinned memory", "not available: no accelerator (pin_memory() needs one)")
        return
    try:
        host = torch_module.arange(PIN_TEST_BYTES // 4, dtype=torch_module.float32).pin_memory()
        back = host.to(target, non_blocking=True).to("cpu")
        ok = bool(host.is_pinned()) and bool(torch_module.equal(host, back))
    except Exception as exc:
        report.add("pinned memory", "FAILED")
        report.problems.append(f"pinned memory round trip to {target} failed: {type(exc).__name__}: {exc}")
        return
    if not ok:
        report.add("pinned memory", "FAILED")
        report.problems.append(f"pinned memory round trip to {target} returned different data or an unpinned buffer")
        return
    report.add("pinned memory", f"works (1 MiB pinned, copied to {target} and back)")


def summary(report: Report) -> str:
    if report.problems:
        return "BROKEN: " + " | ".join(report.problems)
    if not any(key.startswith("cuda:") for key in report.facts) and "works" not in str(report.facts.get("pinned memory")):
        return "OK: CPU-only machine (no CUDA or MPS device found); nothing is broken"
    return "OK: devices and pinned memory work"


def main(argv: list[str] | None = None) -> int:
    """Entry point of `tipsbench doctor`."""
    parser = argparse.ArgumentParser(prog="tipsbench doctor", description="Check devices, transfers and pinned memory.")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    import torch

    smi = pcie.nvidia_smi_gpus()
    smi_out = [{**row, "link": row["link"].label if row["link"] else None} for row in smi]
    report = diagnose(torch, dict(os.environ), smi)
    if args.json:
        out = asdict(report)
        out["nvidia_smi"] = smi_out
        out["summary"] = summary(report)
        print(json.dumps(out, indent=1, default=str))
    else:
        print("\n".join(report.lines))
        for note in report.notes:
            print(f"note: {note}")
        print(summary(report))
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
