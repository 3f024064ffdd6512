"""Writing results: compact, atomic, never over an earlier run.

A run is serialized in memory first (a value JSON can't hold fails before any file
exists), written to a file in the target folder that has no name yet, flushed to
disk, then hard-linked under its final name: the name appears only once the whole
file is there, and ``link`` fails instead of replacing a file that already has the
name, so two runs never overwrite each other (the second gets ``-1``, ``-2``…).

On Linux the unnamed file is an ``O_TMPFILE``: if the process dies before the link,
even by SIGKILL or a power cut, the kernel drops it and nothing is left in the folder.
Elsewhere it is a hidden ``.tipsbench-*.partial`` file, removed on any exception; only
a hard kill between its creation and the link can leave one behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

# Statistics we keep when compacting; the raw per-round samples ("data") are dropped.
KEPT_STATS = ("min", "max", "mean", "stddev", "rounds", "median", "iqr", "q1", "q3",
              "iqr_outliers", "stddev_outliers", "outliers", "ld15iqr", "hd15iqr",
              "ops", "total", "iterations")
MAX_NAME_ATTEMPTS = 1000
PARTIAL_PREFIX, PARTIAL_SUFFIX = ".tipsbench-", ".partial"


def compact(data: dict) -> dict:
    """A shippable copy: statistics kept, raw samples and the host name dropped.

    A raw quick run is tens of MB (every sample of every sub-microsecond call); the
    statistics the site shows are all in the kept fields.
    """
    out = dict(data)
    info = dict(out.get("machine_info", {}))
    info.pop("node", None)  # a host name is nobody's business on a public site
    out["machine_info"] = info
    out["benchmarks"] = [
        {**bench, "stats": {k: v for k, v in bench.get("stats", {}).items() if k in KEPT_STATS}}
        for bench in out.get("benchmarks", [])
    ]
    return out


def run_file_name(machine_key: str, when: datetime | None = None) -> str:
    when = when or datetime.now(timezone.utc)
    return f"{machine_key}_{when.strftime('%Y%m%dT%H%M%SZ')}.json"


def save_run(directory: Path, data: dict) -> Path:
    """A pytest-benchmark run as tipsbench ships it: compact, named for its machine and
    the time it is saved, never over another file (`tipsbench run`, gpu_run.sh and the
    all-reduce runner all save this way)."""
    key = data.get("machine_info", {}).get("tipsbench", {}).get("key", "unknown")
    return write_new(directory, run_file_name(key), compact(data))


def write_new(directory: Path, name: str, data: dict) -> Path:
    """Write `data` as JSON under `name` (or `name-1`, `-2`… if taken), atomically."""
    payload = (json.dumps(data, indent=1) + "\n").encode("utf-8")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    fd = _unnamed_file(directory)
    if fd is not None:
        try:
            _write_all(fd, payload)
            # linkat(AT_SYMLINK_FOLLOW) through /proc names the O_TMPFILE; a dst_dir_fd makes
            # os.link use linkat (plain link() would refuse the magic link).
            dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                path = _link_free_name(
                    lambda final: os.link(f"/proc/self/fd/{fd}", final.name, dst_dir_fd=dir_fd),
                    directory, name)
                os.fsync(dir_fd)  # the new name itself reaches the disk
            finally:
                os.close(dir_fd)
            return path
        finally:
            os.close(fd)
    fd, tmp = tempfile.mkstemp(prefix=PARTIAL_PREFIX, suffix=PARTIAL_SUFFIX, dir=directory)
    try:
        try:
            os.fchmod(fd, _new_file_mode())  # mkstemp's 0600 would hide a shared run
            _write_all(fd, payload)
        finally:
            os.close(fd)
        return _link_free_name(lambda final: os.link(tmp, final), directory, name)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _unnamed_file(directory: Path) -> int | None:
    """A writable file in `directory` that has no name (Linux O_TMPFILE), or None."""
    if not hasattr(os, "O_TMPFILE") or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(directory, os.O_TMPFILE | os.O_WRONLY, 0o666)
    except OSError:  # a filesystem without O_TMPFILE support
        return None


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def _link_free_name(link: Callable[[Path], None], directory: Path, name: str) -> Path:
    stem = name.removesuffix(".json")
    for attempt in range(MAX_NAME_ATTEMPTS):
        path = directory / (f"{stem}.json" if attempt == 0 else f"{stem}-{attempt}.json")
        try:
            link(path)  # fails if the name exists: never replaces a run
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{directory}: no free name for {name} after {MAX_NAME_ATTEMPTS} tries")


def _new_file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask
