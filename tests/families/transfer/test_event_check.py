"""The GPU table sets the CUDA-events median beside the wall-clock one and flags disagreement."""

from __future__ import annotations

from tipsbench import testing
from tipsbench.families.transfer import views
from tipsbench.render.registry import PageContext, render_markers

DEVICE = "cuda:0 Fake GPU"


def run_with_events(event_factor: float):
    size = 64 << 20
    median = size / 25e9
    bench = testing.bench("transfer", "h2d_pinned", median, nbytes=size, code="t_pinned.to(device)",
                          direction="h2d", pinned=True, non_blocking=False, device=DEVICE,
                          timing="cuda.synchronize + perf_counter", shares_memory=False,
                          event_median_s=median * event_factor)
    return testing.run([bench], accelerators=[{"type": "cuda", "index": 0, "name": "Fake GPU"}])


def render(run, locale="en") -> str:
    return render_markers("<!-- tipsbench:gpu-table direction=h2d -->", PageContext(locale, "gpu.md", (run,), print))


def test_agreeing_events_are_reported_as_agreeing():
    """Events 5% under the wall clock: the note gives the ratio range and no warning."""
    out = render(run_with_events(0.95))
    assert "CUDA events agree with the wall clock" in out and "0.95–0.95" in out


def test_disagreeing_events_are_flagged_in_both_languages():
    """Events at half the wall clock (a wrong stream, or a timer that lies) are flagged."""
    assert "disagree (more than 25% apart)" in render(run_with_events(0.5))
    assert "相差超过 25%" in render(run_with_events(0.5), "zh")
    assert views.EVENTS_AGREE_WITHIN == 0.25
