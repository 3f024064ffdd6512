"""Number formatting shared by the pages, charts and the CLI: three significant
digits, units chosen per value (a table spans 0.5 µs to 100 ms)."""

from __future__ import annotations

import math

TIME_UNITS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns"))


def sig3(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def duration(seconds: float) -> str:
    """'512 ns', '1.83 µs', '18.3 ms', '1.20 s'."""
    for scale, unit in TIME_UNITS:
        if seconds >= scale:
            return f"{sig3(seconds / scale)} {unit}"
    return f"{sig3(seconds / 1e-9)} ns"


def rate(bytes_per_s: float) -> str:
    """Decimal GB/s, as bandwidth is quoted by hardware vendors and bandwidthTest."""
    if bytes_per_s >= 1e9:
        return f"{sig3(bytes_per_s / 1e9)} GB/s"
    return f"{sig3(bytes_per_s / 1e6)} MB/s"


def size(nbytes: float) -> str:
    """Binary units for buffer sizes: '1 KiB', '512 KiB', '256 MiB'."""
    for scale, unit in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if nbytes >= scale:
            value = nbytes / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{sig3(value)} {unit}"
    return f"{int(nbytes)} B"


def percent(fraction: float) -> str:
    return f"{fraction * 100:.0f}%"


def ratio(value: float) -> str:
    """A ratio with three significant digits: 0.0123, 0.912, 1.59, 12.3, 4,560."""
    if value == 0 or not math.isfinite(value):
        return str(value)
    if value >= 1000:
        return f"{value:,.0f}"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:.{digits}f}"


def exact_ratio(value: float) -> str:
    """An exact ratio with enough digits to see a 0.1% difference: 1.0003, 0.500, 4,560."""
    if 0.1 <= value < 10:
        return f"{value:.4f}"
    return ratio(value)
