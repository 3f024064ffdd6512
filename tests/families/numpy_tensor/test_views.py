"""The NumPy page's tables: measured page faults in the tooltips, in both languages."""

from __future__ import annotations

from tipsbench import testing
from tipsbench.render.registry import PageContext, render_markers


def test_page_faults_per_call_show_in_the_tooltip():
    """A run that measured page faults shows them per cell; one that didn't shows nothing."""
    big = 64 << 20
    measured = testing.run([testing.bench("numpy", "tensor", 0.01, nbytes=big, shares_memory=False,
                                          direction="numpy_to_torch", minor_faults_per_call=16385)])
    older = testing.run([testing.bench("numpy", "tensor", 0.01, nbytes=big, shares_memory=False,
                                       direction="numpy_to_torch")])
    marker = "<!-- tipsbench:numpy-table dtype=float32 -->"
    assert "16,385 page faults per call" in render_markers(marker, PageContext("en", "n.md", (measured,), print))
    assert "每次调用 16,385 次缺页异常" in render_markers(marker, PageContext("zh", "n.md", (measured,), print))
    assert "page faults" not in render_markers(marker, PageContext("en", "n.md", (older,), print))
