"""Is the machine busy while we measure? Four signals, read before, during and after.

- **runnable**: other tasks ready to run (``procs_running`` in /proc/stat, less this
  process's measuring thread), against the cores. As many as the cores means another
  task could take ours at any moment.
- **steal**: the share of CPU time a hypervisor gave to other guests (/proc/stat).
- **cpu_share**: the CPU time this process (and the children it waited for) got, over the
  wall time it measured for. Measurements run on one thread, so an idle machine gives
  about 1; with one busy-looping process per core, about 2/3.
- **spin**: a fixed piece of pure-Python work timed 7 times before and after; the slower
  median of the two over the fastest single time. It sees slow-downs the others miss (a
  CPU clocked down, a noisy neighbour sharing the core).

Linux only for the first two (elsewhere they are None); cpu_share and spin work anywhere.
The thresholds are generous: an idle 2-core VM here reads runnable 0, steal up to ~5%,
cpu_share ≥ 0.93 and, right after work that frees hundreds of MiB, spin up to ~2.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from tipsbench.paired import Load, median

PROC_STAT = Path("/proc/stat")
BUSY_IF = {"runnable": 1.0, "steal": 0.10, "cpu_share": 0.85, "spin": 2.5}  # cpu_share: below; others: at or above
SPIN_REPEATS = 7
SPIN_LOOPS = 80_000  # ~2 ms of pure Python on this machine


def _stat() -> tuple[int | None, tuple[int, int] | None]:
    """(procs_running, (steal jiffies, all jiffies)) from /proc/stat; None where unreadable."""
    try:
        text = PROC_STAT.read_text()
    except OSError:
        return None, None
    running, cpu = None, None
    for line in text.splitlines():
        if line.startswith("procs_running "):
            running = int(line.split()[1])
        elif line.startswith("cpu "):
            values = [int(v) for v in line.split()[1:]]
            steal = values[7] if len(values) > 7 else 0
            cpu = (steal, sum(values[:8]))
    return running, cpu


def _spin() -> float:
    """Seconds one fixed piece of pure-Python work took."""
    start = time.perf_counter()
    total = 0
    for i in range(SPIN_LOOPS):
        total += i
    return time.perf_counter() - start


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass
class Probe:
    """Watches the machine while one comparison runs: start(), sample() now and then, stop()."""

    started_wall: float = 0.0
    started_cpu: float = 0.0
    started_steal: tuple[int, int] | None = None
    runnable: list[int] = field(default_factory=list)
    spins_before: list[float] = field(default_factory=list)
    spins_after: list[float] = field(default_factory=list)

    def start(self) -> Probe:
        self.spins_before = [_spin() for _ in range(SPIN_REPEATS)]
        self.sample()
        _, self.started_steal = _stat()
        self.started_wall, self.started_cpu = time.perf_counter(), _cpu_seconds()
        return self

    def sample(self) -> None:
        running, _ = _stat()
        if running is not None:
            self.runnable.append(max(0, running - 1))  # less our own measuring thread

    def stop(self) -> Load:
        wall, cpu = time.perf_counter() - self.started_wall, _cpu_seconds() - self.started_cpu
        _, steal_now = _stat()
        self.sample()
        self.spins_after = [_spin() for _ in range(SPIN_REPEATS)]
        n = cores()
        steal = None
        if self.started_steal and steal_now and steal_now[1] > self.started_steal[1]:
            steal = (steal_now[0] - self.started_steal[0]) / (steal_now[1] - self.started_steal[1])
        share = cpu / wall if wall > 0.5 else None  # os.times ticks at 10 ms: too coarse below
        fastest = min(self.spins_before + self.spins_after)
        spin = max(median(self.spins_before), median(self.spins_after)) / fastest if fastest > 0 else None
        others = median(self.runnable) / n if self.runnable else None
        reasons = []
        if others is not None and others >= BUSY_IF["runnable"]:
            reasons.append("runnable")
        if steal is not None and steal >= BUSY_IF["steal"]:
            reasons.append("steal")
        if share is not None and share < BUSY_IF["cpu_share"]:
            reasons.append("cpu_share")
        if spin is not None and spin >= BUSY_IF["spin"]:
            reasons.append("spin")
        return Load(busy=bool(reasons), cores=n, runnable=median(self.runnable) if self.runnable else None,
                    steal=round(steal, 4) if steal is not None else None,
                    cpu_share=round(share, 3) if share is not None else None,
                    spin=round(spin, 3) if spin is not None else None, reasons=tuple(reasons))
