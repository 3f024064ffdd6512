"""How long one chart takes to draw: a 20-machine build draws ~100 of them (a history
chart per tip and machine), which is why charts are SVG built by tipsbench rather than
matplotlib (~0.2 s a chart, plus ~1 s to import it). Benchmarks, not tests:

    pytest site_benchmarks/test_chart_speed.py --benchmark-json charts.json

Each median is checked against CHART_BUDGET_S, generous for a busy machine.
"""

from __future__ import annotations

from tipsbench.render.charts import ReleaseSeries, Series, release_chart, throughput_chart

CHART_BUDGET_S = 0.05
SIZES = [2**k for k in range(10, 29)]  # 1 KiB to 256 MiB, as the full profile measures


def test_throughput_chart(benchmark):
    """A NumPy-page chart: five conversions across 19 sizes, a ceiling and three cache marks."""
    series = [Series(f"torch.variant_{n}(a)", tuple((size, 1e9 * (n + 1) * (1 + size % 7)) for size in SIZES))
              for n in range(5)]
    benchmark(lambda: throughput_chart(series, title="Copy throughput vs size (float32)", x_label="Size",
                                       y_label="Throughput (GB/s)",
                                       ceiling=("memcpy ceiling", 1.7e10),
                                       marks=[("L1d", 48 * 2**10), ("L2", 512 * 2**10), ("L3", 32 * 2**20)]))
    assert benchmark.stats.stats.median < CHART_BUDGET_S


def test_history_chart(benchmark):
    """A machine page's history chart: three headline figures over 20 runs, two torch changes."""
    runs = [f"12-{day:02d} 04:22 · 2.{13 + day // 8}.0" for day in range(1, 21)]
    series = [ReleaseSeries(f"figure {n}", tuple((i, 1e-6 * (n + 1) * (1 + i % 5)) for i in range(20)))
              for n in range(3)]
    benchmark(lambda: release_chart(series, runs, title="Median time per run", x_label="run (date, torch)",
                                    y_label="Median time (log scale)",
                                    changes=((7.5, "torch 2.14"), (15.5, "torch 2.15"))))
    assert benchmark.stats.stats.median < CHART_BUDGET_S
