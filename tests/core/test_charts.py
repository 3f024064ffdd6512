"""Charts built as SVG by construction: ticks on log axes, gaps, layout, text as text."""

from __future__ import annotations

import html
import math
import re

import pytest

from tipsbench import fmt
from tipsbench.render import charts
from tipsbench.render.charts import PALETTE, ReleaseSeries, Series, release_chart, throughput_chart

NBSP = "\u00a0"
CODE_GROUP = re.compile(r'<g font-size="[\d.]+" style="font-family: var\(--md-code-font-family, monospace\)">(.*?)</g>')
TEXT = re.compile(r"<text([^>]*)>(.*?)</text>")


def texts(svg: str) -> list[str]:
    """What each <text> says: its lines (tspans) joined, unescaped."""
    return [html.unescape(re.sub(r"</?tspan[^>]*>", "", inner)) for _, inner in TEXT.findall(svg)]


def baselines(fragment: str) -> list[float]:
    """The y of every <text> and <tspan> in a fragment."""
    return [float(y) for y in re.findall(r'<t(?:ext|span)[^>]*? y="([-\d.]+)"', fragment)]


def throughput(**overrides):
    args = dict(title="Copy throughput vs size (float32)", x_label="Payload size", y_label="Throughput (GB/s)", ceiling=("copy ceiling", 17e9),
                marks=[("L1d", 48 << 10), ("L2", 1 << 20), ("L3", 32 << 20)])
    args.update(overrides)
    series = args.pop("series", [Series(f"torch.tensor(a) {i}", tuple((1 << k, (i + 1) * 1e8 * k) for k in range(10, 30, 2)))
                                 for i in range(6)])
    return throughput_chart(series, **args)


def releases(**overrides):
    labels = overrides.pop("labels", [f"2.{minor}" for minor in range(4, 16)])
    args = dict(title="Median time per torch release", x_label="torch release", y_label="Median time (log scale)")
    args.update(overrides)
    series = args.pop("series", [ReleaseSeries("torch.from_numpy(a), float32, 1 KiB (shares)",
                                               tuple((i, 8e-7 + 1e-8 * i) for i in range(len(labels)))),
                                 ReleaseSeries("torch.tensor(a), float32, 64 MiB (copies)",
                                               tuple((i, 2.5e-2) for i in range(len(labels))))])
    return release_chart(series, labels, **args)


class TestLogTicks:
    """Tick labels a reader sees for a given range of data."""

    @staticmethod
    def y_labels(lo: float, hi: float, label=lambda v: f"{v:g}") -> list[str]:
        axis = charts._log_axis(*charts._padded([math.log10(lo), math.log10(hi)], 1.0), label)
        return [text for _, text in axis.ticks]

    def test_a_few_decades_have_ticks_at_1_2_5(self):
        assert self.y_labels(0.15, 40) == ["0.2", "0.5", "1", "2", "5", "10", "20", "50"]

    def test_a_narrow_range_still_gets_three_ticks(self):
        """Within one decade the range is widened to a decade: 1, 2 and 5 are always in it."""
        assert self.y_labels(1.2, 1.3) == ["0.5", "1", "2"]
        assert self.y_labels(1.5, 6) == ["1", "2", "5", "10"]

    def test_a_wide_range_has_decades_then_every_nth_decade(self):
        assert self.y_labels(1e-3, 1e6) == ["0.001", "0.01", "0.1", "1", "10", "100", "1000", "10000", "100000",
                                            "1e+06"]
        assert self.y_labels(1e-300, 1e300) == ["1e-300", "1e-200", "1e-100", "1", "1e+100", "1e+200", "1e+300"]

    def test_durations_label_with_fmt_duration_and_minor_ticks_between_decades(self):
        duration = lambda v: fmt.duration(v).replace(" ", NBSP)  # noqa: E731
        assert self.y_labels(6e-4, 3e-3, duration) == [f"500{NBSP}µs", f"1.00{NBSP}ms", f"2.00{NBSP}ms"]
        assert self.y_labels(5e-7, 3e-2, duration) == [f"1.00{NBSP}µs", f"10.0{NBSP}µs", f"100{NBSP}µs",
                                                       f"1.00{NBSP}ms", f"10.0{NBSP}ms"]
        axis = charts._log_axis(*charts._padded([math.log10(5e-7), math.log10(3e-2)], 1.0), duration)
        assert axis.minor and all(at not in dict(axis.ticks) for at in axis.minor)

    def test_size_axis_labels_as_close_as_they_fit(self):
        def x_labels(lo, hi, width):
            axis = charts._size_axis(*charts._padded([math.log2(lo), math.log2(hi)], 2.0), width)
            return [text for _, text in axis.ticks]

        assert x_labels(1 << 20, 512 << 20, 640) == [f"{n}{NBSP}MiB" for n in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)]
        assert x_labels(1 << 10, 512 << 20, 640)[:4] == [f"{n}{NBSP}KiB" for n in (1, 4, 16, 64)]
        assert x_labels(1 << 10, 512 << 20, 200) == [f"1{NBSP}KiB", f"1{NBSP}MiB"]

    def test_the_chart_shows_the_ticks(self):
        shown = texts(throughput())
        assert {"1", "2", "5", "10"} <= set(shown) and f"1{NBSP}KiB" in shown and f"256{NBSP}MiB" in shown


class TestReleaseLines:
    def test_a_missing_release_is_a_gap_in_the_line(self):
        series = [ReleaseSeries("gappy", ((0, 1e-6), (1, 2e-6), (3, 1.5e-6), (4, 1.6e-6), (6, 1.1e-6)))]
        svg = releases(series=series, labels=[f"2.{m}" for m in range(4, 11)])
        line = re.search(rf'<g fill="none" stroke="{PALETTE[0]}"><path d="([^"]+)" stroke-width="2"', svg).group(1)
        assert line.count("M") == 3 and line.count("L") == 2  # 0–1, 3–4, and 6 alone
        dots = re.search(rf'<g fill="none" stroke="{PALETTE[0]}">.*?<path d="([^"]+)" stroke-width="5.6"', svg).group(1)
        assert dots.count("h0") == 5  # every measured point has its dot, the lone one too

    def test_points_that_cannot_be_on_a_log_axis_are_left_out(self):
        series = [ReleaseSeries("odd", ((0, 1e-6), (1, 0.0), (2, float("nan")), (3, -1.0), (4, 2e-6)))]
        svg = releases(series=series, labels=["a", "b", "c", "d", "e"])
        assert "nan" not in svg and svg.count("h0") == 2 + 1  # two points, and the legend's dot

    def test_changes_are_labelled_only_when_few(self):
        few = releases(changes=((2.5, "torch 2.7.0"), (3.5, "torch 2.8.0")))
        assert {"torch 2.7.0", "torch 2.8.0"} <= set(texts(few))
        many = releases(changes=tuple((i + 0.5, f"torch 9.{i}") for i in range(5)))
        assert not any(text.startswith("torch 9.") for text in texts(many))
        assert many.count('stroke-dasharray="2 3"') == 1  # the dotted lines, one path

    def test_crowded_labels_are_turned(self):
        runs = [f"11-30 07:{m:02d} · 2.{m}.1" for m in range(15)]
        assert "rotate(-55" in releases(labels=runs)
        assert "rotate(-55" not in releases()


class TestLayout:
    @pytest.mark.parametrize("draw", [throughput, releases,
                                      lambda: releases(labels=[f"11-30 07:{m:02d} · 2.{m}.1" for m in range(15)])])
    def test_the_legend_is_below_the_plot_and_its_labels(self, draw):
        svg = draw()
        top, bottom = map(float, re.search(r'd="M[\d.]+ ([\d.]+) V([\d.]+) H', svg).groups())  # the axes
        legend = CODE_GROUP.search(svg).group(1)
        rest = CODE_GROUP.sub("", svg)
        above = [y for y in baselines(rest) if not (top <= y <= bottom)]  # tick and axis labels, title, marks
        assert min(baselines(legend)) - charts.LEGEND_SIZE > max(above)
        assert min(baselines(legend)) > bottom + 2 * charts.LEGEND_SIZE
        height = float(re.search(r'viewBox="0 0 750 ([\d.]+)"', svg).group(1))
        assert max(baselines(legend)) < height
        # Legend rows don't overlap each other.
        ys = baselines(legend)
        assert all(b - a >= charts.LEGEND_SIZE for a, b in zip(ys, ys[1:], strict=False))

    def test_turned_labels_fit_between_the_plot_and_the_axis_label(self):
        runs = [f"11-30 07:{m:02d} · 2.{m}.1" for m in range(15)]
        svg = releases(labels=runs, x_label="run (date, torch)")
        bottom = float(re.search(r'd="M[\d.]+ [\d.]+ V([\d.]+) H', svg).group(1))
        label_y = next(float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)">run \(date, torch\)</text>', svg))
        width = charts._width(runs[0], charts.NOTE_SIZE)
        assert label_y - charts.LABEL_SIZE > bottom + width * math.sin(charts.TURN)

    def test_a_long_name_wraps_inside_the_chart_and_reads_whole(self):
        name = "model.load_state_dict(torch.load(f, map_location='cpu', weights_only=True), strict=False) " * 3
        svg = throughput(series=[Series(name, ((1024, 1e9), (2048, 2e9)))], title="标题" * 40)
        assert name in texts(svg) and "标题" * 40 in texts(svg)
        for tspan in re.findall(r'<tspan x="([\d.]+)" y="[\d.]+">(.*?)</tspan>', svg):
            x, line = float(tspan[0]), html.unescape(tspan[1])
            assert charts._width(line.rstrip(), charts.LEGEND_SIZE, code=True) <= charts.WIDTH - x + 1 or \
                charts._width(line.rstrip(), charts.TITLE_SIZE) / 2 <= charts.WIDTH / 2

    def test_mark_labels_near_each_other_take_rows(self):
        svg = throughput(marks=[("L1d cache", 32 << 10), ("L1i cache", 33 << 10), ("L2", 1 << 20)])
        rows = {float(y) for x, y in re.findall(r'<text x="([\d.]+)" y="([\d.]+)">L1. cache</text>', svg)}
        assert len(rows) == 2

    def test_every_text_is_inside_the_view_box(self):
        svg = throughput(title="Copy throughput vs size (float32) on cuda:0 NVIDIA H200 and more " * 3)
        height = float(re.search(r'viewBox="0 0 750 ([\d.]+)"', svg).group(1))
        for attrs, _ in TEXT.findall(svg):
            x, y = (float(v) for v in re.search(r'x="([-\d.]+)" y="([-\d.]+)"', attrs).groups())
            assert 0 <= x <= charts.WIDTH and 0 < y < height, attrs


class TestSvg:
    def test_root_title_and_no_prolog(self):
        svg = throughput(title="复制吞吐量 <b>")
        assert svg.startswith('<svg class="tb-chart" role="img" aria-label="复制吞吐量 &lt;b&gt;" viewBox="0 0 750 ')
        assert "<title>复制吞吐量 &lt;b&gt;</title>" in svg and "<?xml" not in svg and "<!DOCTYPE" not in svg

    def test_ink_follows_the_page_and_text_its_font(self):
        svg = throughput()
        assert 'fill="currentColor" style="font-family: inherit; white-space: pre"' in svg
        colours = set(re.findall(r'(?:stroke|fill)="([^"]+)"', svg))
        assert colours <= {"currentColor", "none", *PALETTE}
        assert "font-family" not in re.sub(r'style="[^"]*"', "", svg)  # fonts only in the two styles

    def test_the_same_input_draws_the_same_bytes(self):
        assert throughput() == throughput()
        assert releases() == releases()

    def test_two_charts_on_a_page_share_no_ids(self):
        """No ids at all, and nothing that refers to one: two charts can't clash."""
        page = throughput() + throughput(title="another") + releases()
        ids = re.findall(r'\bid="([^"]*)"', page)
        assert len(ids) == len(set(ids)) == 0
        assert "href" not in page and "url(" not in page

    def test_no_data_still_draws_a_chart(self):
        for svg in (throughput(series=[Series("empty", ())], ceiling=None, marks=()),
                    release_chart([], [], title="", x_label="", y_label="")):
            assert svg.startswith("<svg") and "nan" not in svg and "inf" not in svg
