"""Tables, labels and charts: pure functions of records, golden-tested."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipsbench import fmt
from tipsbench.render import labels
from tipsbench.render.charts import Series, throughput_chart
from tipsbench.render.html import code_spans
from tipsbench.render.registry import PageContext, render_markers
from tipsbench.render.tables import results_table
from tipsbench.results import load_run

GOLDEN = Path(__file__).parents[1] / "data" / "numpy_table.{locale}.html"


class TestFormat:
    @pytest.mark.parametrize("seconds, text", [(5.06e-7, "506 ns"), (1.5e-6, "1.50 µs"), (0.0183, "18.3 ms"), (2.0, "2.00 s")])
    def test_duration(self, seconds, text):
        """Durations get the unit that keeps three significant digits readable."""
        assert fmt.duration(seconds) == text

    def test_rate_and_size(self):
        """Bandwidth is decimal GB/s; buffer sizes are binary KiB/MiB."""
        assert fmt.rate(20.1e9) == "20.1 GB/s"
        assert fmt.rate(354e6) == "354 MB/s"
        assert fmt.size(64 << 20) == "64 MiB"
        assert fmt.size(1536) == "1.50 KiB"


class TestLabels:
    def test_every_label_in_both_languages(self):
        """Every label of every family has every locale, non-empty, with the same placeholders."""
        from tipsbench.render.registry import renderers

        renderers()  # imports every family's views, which define their labels
        table = labels.registry()
        assert len(table) > 100
        for key, texts in table.items():
            assert set(texts) == set(labels.LOCALES), key
            assert all(t.strip() for t in texts.values()), key
            assert labels.placeholders(texts["en"]) == labels.placeholders(texts["zh"]), key

    def test_chinese_labels_use_full_width_colon(self):
        """Chinese labels follow the glossary: full-width punctuation."""
        assert labels.common.plain("machine_prefix", "zh").endswith("：")

    def test_values_in_a_label_are_escaped(self):
        """A value from a file placed into a label is text, even inside our own markup."""
        out = labels.common.text("no_results", "en") + labels.common.text("checked_on", "en", versions="<b>")
        assert "<code>tipsbench run</code>" in out and "&lt;b&gt;" in out and "<b>" not in out


class TestResultsTable:
    @pytest.mark.parametrize("locale", ["en", "zh"])
    def test_golden(self, golden_run, locale):
        """The table for the golden run is exactly the reviewed golden HTML."""
        html = results_table(golden_run.records, golden_run.machine.rate("memcpy_bytes_per_s"), locale)
        assert html == GOLDEN.with_name(GOLDEN.name.format(locale=locale)).read_text(encoding="utf-8")

    def test_numbers_are_the_json_numbers(self, golden_run):
        """Every median in the table is the median in the file, formatted."""
        html = results_table(golden_run.records, None, "en")
        for record in golden_run.records:
            assert fmt.duration(record.median_s) in html

    def test_zero_copy_has_dash_and_copy_has_percent(self, golden_run):
        """Shares show “—” for throughput; copies show GB/s and % of the ceiling."""
        ceiling = golden_run.machine.rate("memcpy_bytes_per_s")
        html = results_table(golden_run.records, ceiling, "en")
        copy = next(r for r in golden_run.records if r.variant == "copy_into_preallocated" and r.nbytes > 1 << 20)
        assert f"{fmt.rate(copy.bytes_per_s)} · {fmt.percent(copy.bytes_per_s / ceiling)}" in html
        assert '<span class="tb-rate">—</span>' in html

    def test_hostile_strings_are_escaped(self, data_dir):
        """Strings from a stranger's file never reach the page as markup."""
        run = load_run(data_dir / "hostile_run.json")
        html = results_table(run.records, None, "en")
        assert "<img" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


class TestMarkers:
    def test_unknown_marker_warns_and_stays(self):
        """An unknown marker is a warning naming the page, never silently dropped."""
        warnings = []
        ctx = PageContext("en", "x.md", (), warnings.append)
        out = render_markers("a\n<!-- tipsbench:nope a=b -->\n", ctx)
        assert "could not be built" in out
        assert warnings and warnings[0].startswith("x.md: <!-- tipsbench:nope a=b -->: unknown marker kind 'nope'")

    def test_missing_argument_warns(self):
        """A marker without its required argument is reported with the argument's name."""
        warnings = []
        render_markers("<!-- tipsbench:numpy-table -->", PageContext("en", "p.md", (), warnings.append))
        assert "missing argument dtype=" in warnings[0]

    @pytest.mark.parametrize("marker, problem", [
        ("numpy-table dtyp=float32", "unknown argument 'dtyp' (allowed: dtype)"),
        ("runs tip=nunpy", "tip=nunpy is not allowed (allowed: collectives, numpy, save_load, tensorboard, transfer)"),
        ("numpy-table dtype=float32 ceiling=memcpy", "unknown argument 'ceiling' (allowed: dtype)"),
        ("numpy-table dtype=float32 dtype=int64", "argument 'dtype' is given twice"),
        ("claim id=numpy.nope", "id=numpy.nope is not allowed"),
    ])
    def test_misspelt_marker_is_an_error_naming_page_marker_and_choices(self, marker, problem):
        """A misspelt argument or value is a warning (so --strict fails), never a silent mix."""
        warnings = []
        render_markers(f"<!-- tipsbench:{marker} -->", PageContext("en", "p.md", (), warnings.append))
        assert len(warnings) == 1 and warnings[0].startswith(f"p.md: <!-- tipsbench:{marker} -->: ")
        assert problem in warnings[0]

    def test_malformed_marker_is_not_silently_left(self):
        """Something that looks like a marker but doesn't parse is reported."""
        warnings = []
        render_markers("<!-- tipsbench:numpy-table dtype = float32 -->", PageContext("en", "p.md", (), warnings.append))
        assert "not a well-formed marker" in warnings[0]

    @pytest.mark.parametrize("locale, text", [("en", "No results for this tip yet"), ("zh", "这个技巧还没有测量结果")])
    def test_no_results_is_said_in_the_page_language(self, locale, text):
        """With no runs, a table says so in the page's language."""
        out = render_markers("<!-- tipsbench:numpy-table dtype=float32 -->", PageContext(locale, "p.md", (), print))
        assert text in out
        assert "<code>tipsbench run</code>" in out and "`" not in out  # commands render as code

    def test_code_spans_escape_first(self):
        """Backticks become <code>, and markup inside them is still escaped."""
        assert code_spans("run `<b>x</b>` now") == "run <code>&lt;b&gt;x&lt;/b&gt;</code> now"

    def test_machine_line_escapes_cpu_name(self, data_dir):
        """A hostile CPU name in machine_info is escaped in the provenance line."""
        run = load_run(data_dir / "hostile_run.json")
        out = render_markers("<!-- tipsbench:numpy-table dtype=float32 -->", PageContext("en", "p.md", (run,), print))
        assert "<script>" not in out and "&lt;script&gt;" in out


class TestChart:
    def test_svg_is_inline_themable_and_keeps_text(self):
        """Charts are inline SVG with currentColor and real text (so CJK labels render)."""
        svg = throughput_chart([Series("torch.tensor(a)", ((1024, 1e9), (2048, 2e9)))],
                               title="复制吞吐量", x_label="数据大小", y_label="吞吐量（GB/s）",
                               ceiling=("上限", 3e9), marks=[("L2", 1536)])
        assert svg.startswith("<svg") and "<?xml" not in svg
        assert "currentColor" in svg
        assert "复制吞吐量" in svg and "数据大小" in svg


class TestCacheLevels:
    def test_a_copy_counts_source_and_destination(self):
        """16 MiB fits a 32 MiB L3 alone, but copying it touches 32 MiB + : the label follows the copy."""
        from tipsbench import testing
        from tipsbench.render.common import record_level

        caches = (("L2", 1 << 20), ("L3", 32 << 20))
        run = testing.run([testing.bench("numpy", "tensor", 1e-3, nbytes=20 << 20, shares_memory=False,
                                         direction="numpy_to_torch"),
                           testing.bench("numpy", "from_numpy", 1e-6, nbytes=20 << 20, shares_memory=True,
                                         direction="numpy_to_torch")])
        copy, share = run.records
        assert record_level(copy, caches) == "DRAM" and record_level(share, caches) == "L3"


def test_an_interrupted_run_says_so_in_both_languages():
    """A partial run (Ctrl-C) is labelled on the page's provenance line and in the report."""
    from tipsbench import testing
    from tipsbench.render.common import machine_parts
    from tipsbench.report import render

    run = testing.run([testing.bench("numpy", "from_numpy", 1e-6, direction="numpy_to_torch")],
                      interrupted=True, tests_selected=40, tests_finished=12)
    assert "interrupted run: 12 of 40 tests finished" in machine_parts(PageContext("en", "p.md", (), print), run)
    assert "40 项测试中完成了 12 项" in machine_parts(PageContext("zh", "p.md", (), print), run)
    assert "interrupted run: 12 of 40" in render(run)
