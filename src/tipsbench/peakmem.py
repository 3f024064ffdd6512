"""Peak resident memory a piece of work adds, measured in a forked child (Linux).

The child starts as a copy of this process; it hands the heap's free memory back to the
kernel (glibc's ``malloc_trim``: otherwise the work could reuse pages this process freed
earlier, which are still resident, and its growth would depend on what ran before),
resets the kernel's high-water mark (``/proc/self/clear_refs`` ← 5), reads its resident
size, does the work, and reports ``VmHWM`` (the new high-water mark) less the resident
size it started from. A fork, not a
new interpreter: the work's imports and inputs are already there, so only the work is
counted, and nothing it allocates lingers in the measuring process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import struct
import sys
from collections.abc import Callable
from pathlib import Path

from tipsbench.pairing import NotCheckable


def _trim_heap() -> None:
    """Return the heap's free pages to the kernel (glibc only; elsewhere nothing to do)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise OSError(f"/proc/self/status has no {field}")


def available() -> str:
    """Why peak memory can't be measured here ("" when it can)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return "peak memory is read from Linux's /proc, which this system lacks"
    if not Path("/proc/self/clear_refs").exists():
        return "this kernel can't reset the peak-memory mark (/proc/self/clear_refs)"
    return ""


def peak_growth(work: Callable[[], object]) -> int:
    """Bytes by which the resident high-water mark rises while `work()` runs (and its result lives)."""
    reason = available()
    if reason:
        raise NotCheckable(reason)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report 8 bytes, leave without running any cleanup
        code = 1
        try:
            os.close(read)
            _trim_heap()
            Path("/proc/self/clear_refs").write_text("5")
            before = _status_kib("VmRSS")
            result = work()
            grown = max(0, _status_kib("VmHWM") - before) * 1024
            del result
            os.write(write, struct.pack("<q", grown))
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if len(data) != 8 or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        raise RuntimeError(f"the peak-memory child failed (status {status})")
    return struct.unpack("<q", data)[0]
