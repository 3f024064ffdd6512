"""Facts about the machine a run measures, gathered by small collector functions.

They feed pytest-benchmark's ``machine_info`` (see benchmarks/conftest.py) and the
size grids (cache sizes decide where the NumPy↔tensor sizes fall).
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tipsbench.cases import parse_bytes

SYSFS_CACHE = Path("/sys/devices/system/cpu/cpu0/cache")
# Where we look for accelerators; the results file records the list so a CPU-only run
# says what it looked for, not just that it found nothing.
ACCELERATORS_CHECKED = ("cuda", "mps")


def cache_sizes(root: Path = SYSFS_CACHE) -> dict[str, int]:
    """Data/unified cache sizes in bytes by level ('L1d', 'L2', 'L3'), read from sysfs.

    sysfs rather than getconf: inside one VM getconf reported a 384 MiB L3 where
    sysfs (what the kernel was told by the hypervisor) said 32 MiB.
    """
    sizes: dict[str, int] = {}
    if root.is_dir():
        for index in sorted(root.glob("index*")):
            try:
                level = (index / "level").read_text().strip()
                kind = (index / "type").read_text().strip()
                size = parse_bytes((index / "size").read_text())
            except (OSError, ValueError):
                continue
            if kind == "Instruction":
                continue
            sizes["L1d" if level == "1" else f"L{level}"] = size
    elif platform.system() == "Darwin":
        for key, name in (("L1d", "hw.l1dcachesize"), ("L2", "hw.l2cachesize"), ("L3", "hw.l3cachesize")):
            value = _sysctl(name)
            if value:
                sizes[key] = int(value)
    return sizes


def last_level_cache(sizes: dict[str, int]) -> int:
    """The largest cache, or 32 MiB when none could be read (a safe overestimate)."""
    return max(sizes.values(), default=32 << 20)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return _sysctl("machdep.cpu.brand_string") or platform.processor() or platform.machine()


def _sysctl(name: str) -> str:
    try:
        out = subprocess.run(["sysctl", "-n", name], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def _meminfo(field: str) -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def total_ram() -> int | None:
    total = _meminfo("MemTotal")
    if total is None and hasattr(os, "sysconf"):
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError):
            total = None
    return total


def available_ram() -> int | None:
    """Bytes the kernel says can be allocated without swapping (MemAvailable)."""
    available = _meminfo("MemAvailable")
    if available is None:
        total = total_ram()
        available = total // 2 if total else None  # no better estimate off Linux
    return available


def torch_build(torch_module) -> str:
    """'CUDA 12.8', 'ROCm 6.2', 'MPS' or 'CPU': what the installed torch was built for."""
    if getattr(torch_module.version, "hip", None):
        return f"ROCm {torch_module.version.hip}"
    if torch_module.version.cuda:
        return f"CUDA {torch_module.version.cuda}"
    mps = getattr(torch_module.backends, "mps", None)
    if mps is not None and mps.is_built():
        return "MPS"
    return "CPU"


def accelerators(torch_module) -> list[dict]:
    """Every visible accelerator, labelled by type, index and name."""
    found: list[dict] = []
    if torch_module.cuda.is_available():
        for index in range(torch_module.cuda.device_count()):
            props = torch_module.cuda.get_device_properties(index)
            found.append({
                "type": "cuda",
                "index": index,
                "name": props.name,
                "memory_bytes": int(props.total_memory),
                "capability": f"{props.major}.{props.minor}",
                "pci_bus_id": _pci_bus_id(props),
            })
    mps = getattr(torch_module.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append({"type": "mps", "index": 0, "name": "Apple MPS"})
    return found


def _pci_bus_id(props) -> str | None:
    parts = [getattr(props, name, None) for name in ("pci_domain_id", "pci_bus_id", "pci_device_id")]
    if any(part is None for part in parts):
        return None
    return f"{parts[0]:08X}:{parts[1]:02X}:{parts[2]:02X}.0"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def machine_key(cpu: str, logical_cpus: int, accels: list[dict]) -> str:
    """A stable key that groups runs of one kind of machine: two GPU models never mix."""
    cpu_part = re.sub(r"\((r|tm)\)|\bcpu\b|processor|\d+-core", " ", cpu, flags=re.IGNORECASE)
    parts = [slug(cpu_part)[:40], f"{logical_cpus}t"]
    parts += sorted({slug(a["name"]) for a in accels})
    return "_".join(parts)


def collect_key(torch_module) -> str:
    """This machine's key, as a results file names it."""
    return machine_key(cpu_model(), os.cpu_count() or 1, accelerators(torch_module))


def collect(torch_module, numpy_module) -> dict:
    """Everything tipsbench records about the machine, JSON-ready."""
    caches = cache_sizes()
    accels = accelerators(torch_module)
    cpu = cpu_model()
    logical = os.cpu_count() or 1
    return {
        "key": machine_key(cpu, logical, accels),
        "cpu": {"model": cpu, "logical_cpus": logical, "arch": platform.machine()},
        "caches": caches,
        "ram_bytes": total_ram(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "torch": {
            "version": torch_module.__version__,
            "build": torch_build(torch_module),
            "threads": torch_module.get_num_threads(),
        },
        "numpy": numpy_module.__version__,
        "accelerators": accels,
        "accelerators_checked": list(ACCELERATORS_CHECKED),
    }


@dataclass(frozen=True)
class Device:
    """One accelerator as the results label it: type, index and name."""

    type: str
    index: int
    name: str
    pci_bus_id: str | None = None

    @property
    def torch_name(self) -> str:
        return f"{self.type}:{self.index}"

    @property
    def label(self) -> str:
        return f"{self.torch_name} {self.name}"


def find_devices(torch_module) -> list[Device]:
    """Every visible CUDA GPU (by index and name), then MPS where present."""
    found = []
    for accel in accelerators(torch_module):
        found.append(Device(accel["type"], int(accel["index"]), str(accel["name"]), accel.get("pci_bus_id")))
    return found
