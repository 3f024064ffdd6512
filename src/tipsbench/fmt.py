"""Number formatting shared by the pages, charts and the CLI: three significant
digits, units chosen per value (a table spans 0.5 µs to 100 ms)."""

from __future__ import annotations

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
