"""Which link joins two GPUs, as ``nvidia-smi topo -m`` prints it: a machine fact the
peer-copy results record beside their numbers, measured nowhere.

The matrix names, for each pair of GPUs, the path between them: ``NV#`` a bonded set of
# NVLinks; ``PIX`` at most one PCIe bridge, ``PXB`` several, ``PHB`` a PCIe host bridge,
``NODE`` host bridges within one NUMA node, ``SYS`` the link between CPU sockets as well
(NVIDIA's legend under the matrix). nvidia-smi numbers GPUs its own way (PCI bus order);
a CUDA device is matched to its row by PCI bus id, as pcie.link_of matches links.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tipsbench import pcie

GPU = re.compile(r"GPU(\d+)")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
NVLINK = re.compile(r"NV\d+")
PCIE_PATHS = ("PIX", "PXB", "PHB", "NODE", "SYS")


def parse_topology(text: str) -> dict[tuple[int, int], str]:
    """{(nvidia-smi index a, index b): path} for every pair of GPUs in the matrix."""
    lines = [ANSI.sub("", line).split() for line in text.splitlines()]
    header = next((i for i, words in enumerate(lines) if words and GPU.fullmatch(words[0])), None)
    if header is None:
        return {}
    columns = []
    for word in lines[header]:
        found = GPU.fullmatch(word)
        if not found:
            break
        columns.append(int(found.group(1)))
    paths: dict[tuple[int, int], str] = {}
    for words in lines[header + 1:]:
        row = GPU.fullmatch(words[0]) if words else None
        if row is None or len(words) <= len(columns):
            continue
        for column, path in zip(columns, words[1:1 + len(columns)], strict=True):
            if path != "X":
                paths[(int(row.group(1)), column)] = path
    return paths


def topology(run: Callable[[list[str]], str | None] | None = None) -> dict[tuple[int, int], str]:
    """This machine's matrix; {} without nvidia-smi."""
    out = (run or pcie.run_text)(["nvidia-smi", "topo", "-m"])
    return parse_topology(out or "")


def link_between(source, target, smi_gpus: list[dict], paths: dict[tuple[int, int], str]) -> str | None:
    """The path between two devices (anything with ``pci_bus_id``), or None where unknown."""
    a, b = (pcie.smi_row(d, smi_gpus) for d in (source, target))
    return None if a is None or b is None else paths.get((a["index"], b["index"]))


def link_kind(path: str | None) -> str | None:
    """'nvlink' or 'pcie' for a path the legend names; None for anything else."""
    if path is None:
        return None
    if NVLINK.fullmatch(path):
        return "nvlink"
    return "pcie" if path in PCIE_PATHS else None
