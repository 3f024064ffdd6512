"""The PCIe link between host and a GPU: what it can carry in theory, read from sysfs
or nvidia-smi. A machine fact, measured nowhere: the GPU page shows it beside the
measured copies."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# GT/s per lane → PCIe generation; encoding efficiency per generation.
PCIE_GEN_BY_GTS = {2.5: 1, 5.0: 2, 8.0: 3, 16.0: 4, 32.0: 5, 64.0: 6}
PCIE_ENCODING = {1: 8 / 10, 2: 8 / 10, 3: 128 / 130, 4: 128 / 130, 5: 128 / 130, 6: 242 / 256}
GTS_BY_GEN = {gen: gts for gts, gen in PCIE_GEN_BY_GTS.items()}
SYSFS_PCI = Path("/sys/bus/pci/devices")


@dataclass(frozen=True)
class Link:
    gen: int
    width: int
    source: str  # where it was read: 'sysfs' or 'nvidia-smi'

    @property
    def bytes_per_s(self) -> float:
        """Theoretical payload bandwidth per direction: GT/s × lanes × encoding / 8."""
        return GTS_BY_GEN[self.gen] * 1e9 * self.width * PCIE_ENCODING[self.gen] / 8

    @property
    def label(self) -> str:
        return f"PCIe Gen{self.gen} x{self.width}"


def pcie_theoretical_bytes_per_s(gen: int, width: int) -> float:
    return Link(gen, width, "").bytes_per_s


def sysfs_address(pci_bus_id: str) -> str:
    """'00000000:3B:00.0' (CUDA's form) → '0000:3b:00.0' (sysfs's form)."""
    domain, rest = pci_bus_id.split(":", 1)
    return f"{int(domain, 16):04x}:{rest.lower()}"


def parse_sysfs_speed(text: str) -> int | None:
    """'16.0 GT/s PCIe' → 4; None for anything else (e.g. 'Unknown')."""
    match = re.match(r"\s*([\d.]+)\s*GT/s", text)
    return PCIE_GEN_BY_GTS.get(float(match.group(1))) if match else None


def sysfs_link(pci_bus_id: str | None, root: Path = SYSFS_PCI) -> Link | None:
    """The PCIe link of a device from sysfs, or None where it can't be read.

    We read the current link, which an idle GPU may have trained down to save power:
    read it right after transfers ran (the benchmarks do), not on an idle card.
    """
    if not pci_bus_id:
        return None
    base = root / sysfs_address(pci_bus_id)
    try:
        gen = parse_sysfs_speed((base / "current_link_speed").read_text())
        width = int((base / "current_link_width").read_text().strip())
    except (OSError, ValueError):
        return None
    return Link(gen, width, "sysfs") if gen and width > 0 else None


NVIDIA_SMI_QUERY = "index,pci.bus_id,name,uuid,pcie.link.gen.current,pcie.link.width.current"


def nvidia_smi_gpus(run: Callable[[list[str]], str | None] | None = None) -> list[dict]:
    """nvidia-smi's GPUs (physical index, bus id, name, uuid, link); [] without nvidia-smi."""
    run = run or run_text
    out = run(["nvidia-smi", f"--query-gpu={NVIDIA_SMI_QUERY}", "--format=csv,noheader,nounits"])
    return parse_nvidia_smi(out or "")


def parse_nvidia_smi(text: str) -> list[dict]:
    gpus = []
    for line in text.splitlines():
        fields = [f.strip() for f in line.split(",")]
        if len(fields) != 6 or not fields[0].isdigit():
            continue
        gen = int(fields[4]) if fields[4].isdigit() else None
        width = int(fields[5]) if fields[5].isdigit() else None
        link = Link(gen, width, "nvidia-smi") if gen in GTS_BY_GEN and width else None
        gpus.append({"index": int(fields[0]), "pci_bus_id": fields[1], "name": fields[2],
                     "uuid": fields[3], "link": link})
    return gpus


def same_bus_id(a: str | None, b: str | None) -> bool:
    """Bus ids compared in sysfs form: CUDA pads the domain to 8 digits, lspci to 4."""
    if not a or not b:
        return False
    try:
        return sysfs_address(a) == sysfs_address(b)
    except ValueError:
        return False


def link_of(device, smi: list[dict] | None = None, root: Path = SYSFS_PCI) -> Link | None:
    """The device's link (anything with ``pci_bus_id``): sysfs first, then nvidia-smi's
    row with the same bus id."""
    link = sysfs_link(device.pci_bus_id, root)
    if link is not None:
        return link
    row = smi_row(device, smi if smi is not None else nvidia_smi_gpus())
    return row["link"] if row is not None else None


def smi_row(device, smi: list[dict]) -> dict | None:
    """nvidia-smi's row (nvidia_smi_gpus) for a device (anything with ``pci_bus_id``), by bus id."""
    return next((row for row in smi if same_bus_id(row["pci_bus_id"], device.pci_bus_id)), None)


def run_text(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None
