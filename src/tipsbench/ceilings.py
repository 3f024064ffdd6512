"""What the machine can do at best, measured in the same run as the benchmarks.

Every throughput on the site is shown as a % of one of these ceilings, so it must
come from the same machine, the same process and the same minutes as the numbers.
Suites record a ceiling with ``record(config, name, value)``; benchmarks/conftest.py
writes them all to ``machine_info["tipsbench"]["ceilings"]``.
"""

from __future__ import annotations

import functools
import statistics
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest
MEMCPY = "memcpy_bytes_per_s"
# The buffer must be far larger than the last-level cache, or we'd measure the cache.
MEMCPY_LLC_FACTOR = 4
MEMCPY_MIN_BYTES = 128 << 20
MEMCPY_REPEATS = 15


@functools.cache
def _stash_key():
    """Where a run keeps its ceilings in pytest's stash. Made on first use: the site's views
    read this module's names, and a site build needn't import pytest (nor torch) for them."""
    import pytest

    return pytest.StashKey[dict]()


def record(config: pytest.Config, name: str, value: float, **details) -> None:
    """Store a ceiling (and how it was measured) for this run's machine_info."""
    store = config.stash.setdefault(_stash_key(), {})
    store[name] = value
    if details:
        store.setdefault("details", {})[name] = details


def recorded(config: pytest.Config) -> dict:
    return dict(config.stash.get(_stash_key(), {}))


def memcpy_buffer_bytes(last_level_cache: int) -> int:
    return max(MEMCPY_MIN_BYTES, MEMCPY_LLC_FACTOR * last_level_cache)


def measure_memcpy(nbytes: int, repeats: int = MEMCPY_REPEATS) -> dict:
    """Warm copy bandwidth in payload bytes/s: a DRAM-sized copy into a touched buffer.

    Both buffers are written before timing, so no page is faulted in during it, and
    torch's copy uses all its intra-op threads. The buffers are allocated by NumPy:
    with transparent huge pages in "madvise" mode NumPy asks for huge pages and torch's
    allocator doesn't, and on one 2-core VM that alone made the copy ~15% faster (fewer
    TLB misses) — a ceiling must be the fastest copy, not a typical one. We report the
    median of the repeats (benchmarks report medians: like compares with like) and keep
    the best and worst, because this number is noisy on shared machines.
    """
    # Imported here, not at the top: see _stash_key.
    import numpy as np
    import torch

    count = nbytes // 4
    src = torch.from_numpy(np.ones(count, dtype=np.float32))
    dst = torch.from_numpy(np.zeros(count, dtype=np.float32))
    dst.copy_(src)  # warm-up: touch every page of both buffers
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        dst.copy_(src)
        times.append(time.perf_counter() - start)
    rates = sorted(count * 4 / t for t in times)
    return {
        "median": statistics.median(rates),
        "best": rates[-1],
        "worst": rates[0],
        "buffer_bytes": count * 4,
        "repeats": repeats,
        "threads": torch.get_num_threads(),
    }


def best_phase(phases: list[dict]) -> dict:
    """Of several measurements spread over a run, the one with the highest median.

    A shared machine has slow minutes; measuring at the start and at the end of the
    suite and keeping the faster phase keeps one slow minute from becoming the ceiling.
    """
    best = dict(max(phases, key=lambda phase: phase["median"]))
    best["phase_medians"] = [phase["median"] for phase in phases]
    return best
