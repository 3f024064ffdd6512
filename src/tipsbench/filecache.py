"""Files and the page cache: flushing, evicting, checking residency, free disk, and
the file bandwidth ceilings (write + fsync, page-cache read, evicted read) that the
save & load numbers are compared with. Machine facts: no family code here."""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import os
import shutil
import statistics
import time
from pathlib import Path

from tipsbench.cases import MiB

FSYNC_CEILING = "fsync_write_bytes_per_s"
PAGE_CACHE_CEILING = "page_cache_read_bytes_per_s"
EVICTED_CEILING = "evicted_read_bytes_per_s"
NAMES = (FSYNC_CEILING, PAGE_CACHE_CEILING, EVICTED_CEILING)
# Leave this much disk free whatever a benchmark writes.
DISK_HEADROOM_BYTES = 1 << 30
CEILING_REPEATS = 3



def fsync_path(path: os.PathLike | str) -> None:
    """Flush a file that another library wrote and closed to the device."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def evict(path: os.PathLike | str) -> bool:
    """Ask the kernel to drop a file's pages from the page cache; True if the call exists.

    ``posix_fadvise(POSIX_FADV_DONTNEED)`` after an fsync drops the clean pages this
    guest kernel caches for the file. It guarantees nothing about caches below it: on a
    VM the host and the virtual disk may still hold the bytes, so the next read is
    "not from this kernel's page cache", not necessarily "from the disk". Pages mapped
    by another process stay. Use resident_fraction() to see what was really dropped.
    """
    if not hasattr(os, "posix_fadvise"):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return True


# A few pages can survive one DONTNEED (seen: up to 9% of a file, now and then); a couple
# more tries usually clear them, and whatever still stays is recorded by the benchmark.
EVICT_TRIES = 3


def evict_fully(path: os.PathLike | str, tries: int = EVICT_TRIES) -> float | None:
    """Evict until mincore sees none of the file resident (at most `tries` times); the
    fraction still resident at the end, or None where residency can't be read."""
    fraction = None
    for _ in range(tries):
        if not evict(path):
            return None
        fraction = resident_fraction(path)
        if not fraction:
            break
    return fraction


_libc = None


def resident_fraction(path: os.PathLike | str) -> float | None:
    """The fraction of a file's pages in the page cache (mincore), or None where unknown."""
    global _libc
    size = os.path.getsize(path)
    if size == 0:
        return 1.0
    if _libc is None:
        name = ctypes.util.find_library("c")
        if not name:
            return None
        _libc = ctypes.CDLL(name, use_errno=True)
    import numpy as np

    page = mmap.PAGESIZE
    pages = (size + page - 1) // page
    vec = (ctypes.c_ubyte * pages)()
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), size, prot=mmap.PROT_READ) as mapped:
        # A zero-copy view gives the mapping's address; it must be gone before close.
        view = np.frombuffer(mapped, dtype=np.uint8)
        addr = view.ctypes.data
        status = _libc.mincore(ctypes.c_void_p(addr), ctypes.c_size_t(size), vec)
        del view
    if status != 0:
        return None
    return sum(v & 1 for v in vec) / pages


def free_disk_bytes(directory: os.PathLike | str) -> int:
    return shutil.disk_usage(directory).free


def disk_room(directory: os.PathLike | str, needed: int) -> tuple[bool, str]:
    """Whether `needed` bytes can be written to `directory` with headroom, and why not."""
    free = free_disk_bytes(directory)
    if needed + DISK_HEADROOM_BYTES <= free:
        return True, ""
    return False, (f"needs {needed / 2**20:.0f} MiB of disk plus {DISK_HEADROOM_BYTES >> 20} MiB headroom "
                   f"in {directory}, only {free / 2**20:.0f} MiB free")


def filesystem_of(path: Path) -> str:
    """'ext4 on /dev/vda' for the mount that holds `path` (tmpfs would make fsync moot)."""
    best, found = "", "unknown"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            device, mount, fstype = line.split()[:3]
            if str(path).startswith(mount) and len(mount) >= len(best):
                best, found = mount, f"{fstype} on {device}"
    except (OSError, ValueError):
        pass
    return found


def measure_file_ceilings(directory: Path, nbytes: int, repeats: int = CEILING_REPEATS) -> dict[str, dict]:
    """Write+fsync, warm page-cache read and evicted read bandwidth of one file, medians."""
    path = directory / "ceiling.bin"
    chunk = memoryview(os.urandom(8 * MiB))
    buf = bytearray(nbytes)
    writes, warm, cold = [], [], []
    try:
        for _ in range(repeats):
            path.unlink(missing_ok=True)
            start = time.perf_counter()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                for _ in range(nbytes // len(chunk)):
                    os.write(fd, chunk)
                os.fsync(fd)
            finally:
                os.close(fd)
            writes.append(nbytes / (time.perf_counter() - start))
            for rates, must_evict in ((cold, True), (warm, False), (warm, False)):
                evicted = evict(path) if must_evict else False
                if must_evict and not evicted:
                    continue
                start = time.perf_counter()
                with open(path, "rb", buffering=0) as fh:
                    view = memoryview(buf)
                    while view:
                        got = fh.readinto(view)
                        if not got:
                            break
                        view = view[got:]
                rates.append(nbytes / (time.perf_counter() - start))
    finally:
        path.unlink(missing_ok=True)
    where = {"file_bytes": nbytes, "repeats": repeats, "filesystem": filesystem_of(directory)}
    out = {
        FSYNC_CEILING: {"median": statistics.median(writes), "best": max(writes), "worst": min(writes), **where,
                        "how": "os.write 8 MiB chunks of a new file, then os.fsync"},
        PAGE_CACHE_CEILING: {"median": statistics.median(warm), "best": max(warm), "worst": min(warm), **where,
                             "how": "readinto a preallocated buffer from a file in the page cache"},
    }
    if cold:
        out[EVICTED_CEILING] = {"median": statistics.median(cold), "best": max(cold), "worst": min(cold), **where,
                                "how": "readinto after fsync + posix_fadvise(DONTNEED); a VM host may still cache it"}
    return out


MAPS = Path("/proc/self/maps")


def mapped_from(address: int, path: os.PathLike | str, maps: Path = MAPS) -> bool | None:
    """Whether `address` lies in a mapping of the file at `path` in this process (Linux's
    /proc/self/maps), i.e. memory that *is* the file's page-cache pages rather than a copy.
    None where the maps can't be read (not Linux)."""
    try:
        lines = maps.read_text().splitlines()
    except OSError:
        return None
    target = os.path.realpath(path)
    for line in lines:
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5] == target:
            start, end = (int(part, 16) for part in fields[0].split("-"))
            if start <= address < end:
                return True
    return False
