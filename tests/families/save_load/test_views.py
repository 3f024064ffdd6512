"""Save & load views: size overhead, full vs state_dict ratios and charts, from fake records."""

from __future__ import annotations

import pytest

from tipsbench import testing
from tipsbench.families.save_load import views
from tipsbench.families.save_load.catalog import METHODS_BY_NAME
from tipsbench.render.registry import PageContext, render_markers

PARAM = 1_000_000


def rec(variant: str, op: str, target: str, median_s: float, file_bytes: int = PARAM + 1000,
        model: str = "mlp", shares: bool = False, code: str | None = None) -> dict:
    method = METHODS_BY_NAME[variant]
    return testing.bench("save_load", variant, median_s, nbytes=PARAM, op=op, target=target, model=model,
                         model_size=1 << 20, param_bytes=PARAM, file_bytes=file_bytes, stage=method.stage,
                         format=method.fmt, code=code or f"{variant}()", shares_memory=shares)


BENCHMARKS = [
    rec("save_full", "save", "file", 0.012, file_bytes=PARAM + 6000),
    rec("save_state_dict", "save", "file", 0.010, file_bytes=PARAM + 4000),
    rec("st_save_model", "save", "file", 0.008, file_bytes=PARAM + 800),
    rec("save_full", "save", "fsync", 0.030),
    rec("save_state_dict", "save", "fsync", 0.030),
    rec("load_full", "load", "cached", 0.005),
    rec("load_full_safe_globals", "load", "cached", 0.015),
    rec("load_state_dict_into", "load", "cached", 0.010),
    rec("load_state_dict", "load", "cached", 0.004),
    rec("load_mmap", "load", "cached", 0.0001, shares=True, code="<b>torch.load(f, mmap=True)</b>"),
]
RECORDS = list(testing.run(BENCHMARKS).records)


def ctx(locale: str = "en", benchmarks=BENCHMARKS, warnings=None) -> PageContext:
    run = testing.run(benchmarks, ceilings={"page_cache_read_bytes_per_s": 5e9, "fsync_write_bytes_per_s": 1e9})
    return PageContext(locale, "save-load.md", (run,), (warnings.append if warnings is not None else print))


class TestSizes:
    def test_overhead_over_param_bytes(self):
        """Each format's cell shows its file bytes and what it adds over the parameter bytes."""
        html = views.size_table(RECORDS, "en")
        assert "1,006,000<br><small>(+6,000 · +0.60%)</small>" in html  # full model
        assert "1,004,000<br><small>(+4,000 · +0.40%)</small>" in html  # state_dict
        assert "(+800 · +0.08%)" in html  # safetensors
        assert html.index("state_dict") < html.index("full model") < html.index("safetensors")

    def test_zh_headers(self):
        """The Chinese table uses the glossary's words, not English ones."""
        html = views.size_table(RECORDS, "zh")
        assert "整个模型" in html and "参数字节数" in html and "full model" not in html


def cells(html: str) -> dict[str, str]:
    """The ratio table as {column header: first row's cell}: compare cells, not substrings."""
    import re

    head = re.findall(r"<th>([^<]*)</th>", html.split("</thead>")[0])
    row = re.findall(r"<t[dh]>(.*?)</t[dh]>", html.split("<tbody>")[1].split("</tr>")[0])
    return dict(zip(head, row, strict=True))


class TestRatios:
    def test_ratio_values(self):
        """Full ÷ state_dict per column: save 1.20×, fsync 1.00×, same-unpickler load 1.50×,
        torch.load alone 3.75×, weights_only=False 0.50×, file size 1.0020×."""
        row = cells(views.ratio_table(RECORDS, "en"))
        assert row["save, file"] == "1.20×" and row["save, file + fsync"] == "1.00×"
        assert row["load, same unpickler"] == "1.50×" and row["torch.load alone, same unpickler"] == "3.75×"
        assert row["load, weights_only=False"] == "0.50×" and row["file size"] == "1.0020×"

    def test_missing_evicted_column_is_dropped(self):
        """A target with no records (evicted here) gets no column."""
        assert "evicted" not in cells(views.ratio_table(RECORDS, "en"))

    def test_summary_compares_like_with_like(self):
        """The summary's load figure is the same-unpickler one (1.50×), never the weights_only=False one."""
        html = views.ratio_table(RECORDS, "en")
        summary = html.split('class="tb-summary">')[1]
        assert "takes 1.50× the time" in summary and "0.50×" not in summary
        assert "at most 0.20% larger" in summary

    def test_summary_in_chinese_says_bei(self):
        """Chinese sentences put ratios as “倍”, never a bare “×”."""
        summary = views.ratio_table(RECORDS, "zh").split('class="tb-summary">')[1]
        assert "1.50 倍" in summary and "×" not in summary

    def test_ratio_ignores_mismatched_op(self):
        """ratio() returns None when a method is missing for that target."""
        assert views.ratio(views.Lookup(RECORDS), ("mlp", 1 << 20), "load", "evicted", "load_full", "load_state_dict_into") is None


class TestMarkers:
    @pytest.mark.parametrize("locale", ["en", "zh"])
    def test_markers_render_and_escape(self, locale):
        """All three markers render in both languages with the run's provenance line."""
        out = render_markers("<!-- tipsbench:saveload-ratios -->\n\n<!-- tipsbench:saveload-sizes -->\n\n"
                             "<!-- tipsbench:saveload-chart model=mlp op=load target=cached -->", ctx(locale))
        assert "tipsbench:" not in out
        assert out.count("Test CPU") == 3
        assert "<svg" in out

    def test_chart_skips_lazy_and_escapes(self):
        """The chart has no series for a lazy 'open' record, and codes are escaped in the SVG legend."""
        series = views.chart_series(RECORDS, "load", "cached", "mlp")
        names = {s.name for s in series}
        assert "<b>torch.load(f, mmap=True)</b>" not in names
        assert {"load_full()", "load_full_safe_globals()", "load_state_dict_into()", "load_state_dict()"} == names

    def test_bad_chart_argument_warns(self):
        """A misspelt value or argument becomes a build warning naming the allowed ones."""
        seen: list[str] = []
        render_markers("<!-- tipsbench:saveload-chart op=copy model=mlp target=cached -->", ctx(warnings=seen))
        render_markers("<!-- tipsbench:saveload-chart op=load model=mlp target=cached ceiling=nope -->", ctx(warnings=seen))
        render_markers("<!-- tipsbench:saveload-chart op=load target=cached -->", ctx(warnings=seen))
        assert "op=copy is not allowed (allowed: save, load)" in seen[0]
        assert "unknown argument 'ceiling' (allowed: model, op, target)" in seen[1]
        assert "missing argument model=" in seen[2]

    def test_table_uses_the_targets_ceiling(self):
        """A cached-load table is compared with the page-cache read ceiling (5 GB/s here)."""
        out = render_markers("<!-- tipsbench:saveload-table model=mlp op=load target=cached -->", ctx())
        # load_full: 1 MB in 5 ms = 200 MB/s = 4% of 5 GB/s
        assert "200 MB/s · 4%" in out

    @pytest.mark.parametrize("locale", ["en", "zh"])
    def test_no_results(self, locale):
        """With no save_load records each view says how to produce them, in the page's language."""
        out = views.ratios(ctx(locale, benchmarks=[]), {})
        assert "pytest benchmarks/test_save_load.py" in out
        assert ("还没有" in out) == (locale == "zh")


def test_views_name_only_catalogued_methods():
    """Every method and target the page's tables pick exists in the suite's catalog."""
    from tipsbench.families.save_load import views
    from tipsbench.families.save_load.catalog import METHODS_BY_NAME

    for _key, op, target, full, state in views.RATIO_PAIRS:
        for name in (full, state):
            assert METHODS_BY_NAME[name].op == op and target in METHODS_BY_NAME[name].targets
    for fmt_name, method in views.SIZE_METHODS.items():
        assert METHODS_BY_NAME[method].fmt == fmt_name and "file" in METHODS_BY_NAME[method].targets


def test_the_views_name_the_models_the_suite_builds():
    """The views' model names (torch-free, for the site) are the catalog's models."""
    from tipsbench.families.save_load import models
    from tipsbench.families.save_load.records import MODEL_KINDS

    assert tuple(models.KINDS) == MODEL_KINDS
