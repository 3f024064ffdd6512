"""The catalog of what is measured: a case is a frozen, hashable key (tip, variant,
dtype, size, device) shared by the benchmarks, the results loader and the site."""

from __future__ import annotations

import re
from dataclasses import dataclass

KiB = 1 << 10
MiB = 1 << 20
GiB = 1 << 30


@dataclass(frozen=True, order=True)
class Case:
    tip: str
    variant: str
    dtype: str
    nbytes: int
    device: str = "cpu"

    @property
    def id(self) -> str:
        """The pytest id: readable and unique within a tip."""
        parts = [self.variant, self.dtype, format_bytes(self.nbytes)]
        if self.device != "cpu":
            parts.append(self.device)
        return "-".join(parts)


def format_bytes(nbytes: float) -> str:
    """'1KiB', '512KiB', '64MiB': the binary unit that keeps the number smallest."""
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if nbytes >= scale:
            value = nbytes / scale
            return f"{value:.0f}{unit}" if value == int(value) else f"{value:.1f}{unit}"
    return f"{int(nbytes)}B"


# A size as a user types it or sysfs writes it: K, M and G are binary (KiB, MiB, GiB);
# "4 KB" is refused rather than guessed at (a kilobyte may be 1000 bytes).
_SIZE = re.compile(r"(\d+)\s*(?:([KMG])(?:iB)?|B)?")


def parse_bytes(text: str) -> int:
    """format_bytes' inverse, for sizes typed with --sizes ('4096', '4KiB', '64MiB',
    '1GiB') and cache sizes from sysfs ('32K', '1024K', '32M')."""
    found = _SIZE.fullmatch(text.strip())
    if not found:
        raise ValueError(f"{text!r} is not a size such as 4096, 4KiB, 64MiB or 1GiB")
    return int(found.group(1)) * {None: 1, "K": KiB, "M": MiB, "G": GiB}[found.group(2)]


# The bandwidth sweep, as CUDA's bandwidthTest steps it: 4 KiB × 4^k up to 1 GiB (ten
# sizes); the quick profile keeps three. Transfers and all-reduce share it, so their
# tables line up size for size.
SWEEP_FULL = tuple(4 * KiB * 4**k for k in range(10))
SWEEP_QUICK = (4 * KiB, 1 * MiB, 64 * MiB)


def bandwidth_sweep(full: bool) -> tuple[int, ...]:
    return SWEEP_FULL if full else SWEEP_QUICK


def cache_level_of(nbytes: int, caches: dict[str, int]) -> str:
    """The smallest cache level that holds `nbytes`, or 'DRAM'."""
    for level, size in sorted(caches.items(), key=lambda item: item[1]):
        if nbytes <= size:
            return level
    return "DRAM"


def size_grid(caches: dict[str, int], smallest: int, largest: int, full: bool) -> list[int]:
    """Sizes that straddle each cache level: half of it (fits) and twice it (spills).

    Cache sizes come from sysfs, so the grid follows the machine instead of assuming
    one. Sizes are multiples of 64 bytes so every dtype divides them.
    """
    levels = sorted(caches.values())
    if full:
        candidates = [smallest, largest]
        for size in levels:
            candidates += [size // 2, size * 2]
    else:
        l2 = levels[1] if len(levels) > 1 else 1 * MiB
        llc = levels[-1] if levels else 32 * MiB
        candidates = [smallest, l2 // 2, min(2 * llc, 64 * MiB)]
    grid = {max(smallest, min(largest, size)) // 64 * 64 for size in candidates}
    return sorted(grid)
