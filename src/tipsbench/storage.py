"""Writing results: compact, atomic, never over an earlier run.

A run is written to a temporary file in the target folder, flushed to disk, then
hard-linked under its final name: the name appears only once the whole file is there
(a crash leaves either nothing or a complete file), and ``link`` fails instead of
replacing a file that already has the name, so two runs never overwrite each other.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

# Statistics we keep when compacting; the raw per-round samples ("data") are dropped.
KEPT_STATS = ("min", "max", "mean", "stddev", "rounds", "median", "iqr", "q1", "q3",
              "iqr_outliers", "stddev_outliers", "outliers", "ld15iqr", "hd15iqr",
              "ops", "total", "iterations")
MAX_NAME_ATTEMPTS = 1000


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


def write_new(directory: Path, name: str, data: dict) -> Path:
    """Write `data` as JSON under `name` (or `name-1`, `-2`… if taken), atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tipsbench-", suffix=".partial", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        stem = name.removesuffix(".json")
        for attempt in range(MAX_NAME_ATTEMPTS):
            path = directory / (f"{stem}.json" if attempt == 0 else f"{stem}-{attempt}.json")
            try:
                os.link(tmp, path)  # fails if the name exists: never replaces a run
            except FileExistsError:
                continue
            return path
        raise FileExistsError(f"{directory}: no free name for {name} after {MAX_NAME_ATTEMPTS} tries")
    finally:
        Path(tmp).unlink(missing_ok=True)
