"""The GPU page's renderers, fed a synthetic run (test data only, never shipped)."""

from __future__ import annotations

import pytest

from tipsbench import pcie
from tipsbench.families.transfer import catalog as transfer
from tipsbench.families.transfer import views as gpu_views
from tipsbench.render.registry import PageContext, render_markers
from tipsbench.results import parse_run

DEVICE = "cuda:0 Fake<GPU>"
LINK_RATE = pcie.pcie_theoretical_bytes_per_s(4, 16)


def bench(variant: str, nbytes: int, median: float, device: str = DEVICE) -> dict:
    v = transfer.VARIANTS_BY_NAME[variant]
    return {
        "name": f"test_transfer[{variant}-{nbytes}]",
        "stats": {"median": median, "iqr": median / 100, "rounds": 10, "iterations": 1},
        "extra_info": {"tip": "transfer", "variant": variant, "code": v.code, "bytes": nbytes,
                       "dtype": "float32", "direction": v.direction, "pinned": v.pinned,
                       "non_blocking": v.non_blocking, "device": device, "timing": "cuda.synchronize + perf_counter",
                       "shares_memory": False},
    }


def gpu_run_data(device: str = DEVICE, with_link: bool = True) -> dict:
    size = 64 << 20
    benches = [
        bench("h2d_pinned", size, size / 25e9, device),
        bench("h2d_pageable", size, size / 10e9, device),
        bench("d2h_pinned", size, size / 20e9, device),
        bench("d2h_pageable", size, size / 5e9, device),
        bench("d2d", size, size / 900e9, device),
    ]
    link = {"link": "PCIe Gen4 x16", "link_bytes_per_s": LINK_RATE} if with_link else {}
    ceilings = {
        "h2d_pinned_bytes_per_s": 25e9, "d2h_pinned_bytes_per_s": 20e9,
        "details": {"h2d_pinned_bytes_per_s": {"device": device, **link},
                    "d2h_pinned_bytes_per_s": {"device": device, **link}},
    }
    machine = {"format": 1, "key": "fake-gpu", "profile": "full", "cpu": {"model": "Fake CPU"},
               "torch": {"version": "2.13.0", "threads": 8}, "numpy": "2.4.0",
               "accelerators": [{"type": "cuda", "index": 0, "name": "Fake<GPU>"}], "ceilings": ceilings}
    return {"machine_info": {"tipsbench": machine}, "datetime": "2026-11-29T00:00:00", "benchmarks": benches}


def ctx(locale: str = "en", runs: tuple = (), warnings: list | None = None) -> PageContext:
    sink = warnings if warnings is not None else []
    return PageContext(locale=locale, page="gpu.md", runs=runs, warn=sink.append)


@pytest.fixture
def gpu_run():
    return (parse_run(gpu_run_data(), "fake_gpu.json"),)


class TestNoResults:
    def test_status_says_no_gpu_results_with_the_command_in_both_languages(self):
        """Without GPU runs the status marker shows the full notice and the command, per locale."""
        en = render_markers("<!-- tipsbench:gpu-status -->", ctx("en"))
        zh = render_markers("<!-- tipsbench:gpu-status -->", ctx("zh"))
        assert "No GPU results yet" in en and "目前还没有 GPU 实测结果" in zh
        assert gpu_views.CONTRIBUTE_COMMAND in en and gpu_views.CONTRIBUTE_COMMAND in zh

    @pytest.mark.parametrize("kind", ["gpu-summary", "gpu-table direction=h2d", "gpu-chart direction=d2h"])
    def test_tables_and_charts_say_so_in_one_line_with_a_link(self, kind):
        """Without GPU runs each table/chart says so briefly and links to the how-to section."""
        en = render_markers(f"<!-- tipsbench:{kind} -->", ctx("en"))
        zh = render_markers(f"<!-- tipsbench:{kind} -->", ctx("zh"))
        assert "No GPU results yet." in en and "目前还没有 GPU 实测结果。" in zh
        assert f'href="{gpu_views.CONTRIBUTE_ANCHOR}"' in en and f'href="{gpu_views.CONTRIBUTE_ANCHOR}"' in zh

    def test_the_link_target_exists_on_both_pages(self):
        """Both GPU pages have the section the notice links to."""
        from pathlib import Path

        docs = Path(__file__).resolve().parents[3] / "docs"
        for page in ("gpu.md", "gpu.zh.md"):
            assert "{" + gpu_views.CONTRIBUTE_ANCHOR + "}" in (docs / page).read_text(encoding="utf-8")

    def test_a_cpu_only_run_counts_as_no_gpu_results(self):
        """A run without transfer records (a CPU machine's) does not hide the notice."""
        data = gpu_run_data()
        data["benchmarks"] = []
        html = gpu_views.gpu_status(ctx("en", (parse_run(data, "cpu.json"),)), {})
        assert "No GPU results yet" in html

    def test_the_notice_differs_by_language(self):
        """The no-GPU notice is really translated (completeness is checked for all labels in core)."""
        assert gpu_views.text.plain("no_gpu", "en") != gpu_views.text.plain("no_gpu", "zh")


class TestWithResults:
    def test_summary_shows_pinned_pageable_and_share_of_link(self, gpu_run):
        """The summary has both directions' best pinned and pageable rates as % of the link."""
        html = gpu_views.gpu_summary(ctx("en", gpu_run), {})
        assert "25.0 GB/s" in html and "10.0 GB/s" in html and "20.0 GB/s" in html and "5.00 GB/s" in html
        assert f"{25e9 / LINK_RATE:.0%}" in html  # 79% of a Gen4 x16 link
        assert "31.5 GB/s" in html and "PCIe Gen4 x16" in html

    def test_results_strings_are_escaped(self, gpu_run):
        """A device name with markup reaches the HTML escaped, in every renderer."""
        for fn, args in ((gpu_views.gpu_summary, {}), (gpu_views.gpu_table, {"direction": "h2d"}),
                         (gpu_views.gpu_status, {})):
            html = fn(ctx("en", gpu_run), args)
            assert "Fake<GPU>" not in html and "Fake&lt;GPU&gt;" in html

    def test_table_shows_ceiling_link_and_timing_method(self, gpu_run):
        """A direction's table states its ceiling, the link figure and how it was timed."""
        html = gpu_views.gpu_table(ctx("zh", gpu_run), {"direction": "d2h"})
        assert "t_pinned_dst.copy_(d)" in html and "上限" in html and "31.5 GB/s" in html
        assert "cuda.synchronize + perf_counter" in html
        assert "t_pinned.to(device)" not in html  # h2d rows stay out of the d2h table

    def test_unknown_link_is_said_so(self):
        """Without a recorded link the summary says 'unknown' and shows no % of link."""
        run = (parse_run(gpu_run_data(with_link=False), "f.json"),)
        html = gpu_views.gpu_summary(ctx("en", run), {})
        assert "unknown" in html and "of link" not in html

    def test_chart_is_an_inline_svg_with_the_link_line(self, gpu_run):
        """The chart renders an SVG for a direction that has data."""
        html = gpu_views.gpu_chart(ctx("en", gpu_run), {"direction": "h2d"})
        assert "<svg" in html and "PCIe Gen4 x16" in html

    def test_direction_without_data_is_reported(self, gpu_run):
        """A direction the run didn't measure says so instead of an empty table."""
        assert "No pin_memory() alone results" in gpu_views.gpu_table(ctx("en", gpu_run), {"direction": "pin"})

    def test_bad_direction_is_a_marker_error(self, gpu_run):
        """An unknown direction names the valid ones."""
        warnings: list[str] = []
        render_markers("<!-- tipsbench:gpu-table direction=sideways -->", ctx("en", gpu_run, warnings))
        assert "direction=sideways is not allowed (allowed: h2d, d2h, d2d, pin)" in warnings[0]

    def test_ceiling_is_matched_per_device(self):
        """A second GPU's ceiling (its own key) is not used for the first GPU."""
        data = gpu_run_data()
        data["machine_info"]["tipsbench"]["ceilings"]["h2d_pinned_bytes_per_s_cuda1"] = 99e9
        data["machine_info"]["tipsbench"]["ceilings"]["details"]["h2d_pinned_bytes_per_s_cuda1"] = {"device": "cuda:1 Other"}
        run = parse_run(data, "f.json")
        assert gpu_views.ceiling_for(run, "h2d", DEVICE).bytes_per_s == 25e9
        assert gpu_views.ceiling_for(run, "h2d", "cuda:1 Other").bytes_per_s == 99e9
