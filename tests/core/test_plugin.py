"""The MkDocs plugin on a small bilingual site: markers filled per language, bad
results files warned about (and fatal under --strict) while good ones still render."""

from __future__ import annotations

import json
import logging
import shutil
import textwrap
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

MKDOCS_YML = """
site_name: mini
theme: {{name: material, font: false}}
plugins:
  - i18n:
      docs_structure: suffix
      fallback_to_default: false
      languages:
        - {{locale: en, name: English, default: true}}
        - {{locale: zh, name: 简体中文}}
  - tipsbench:
      results_dir: {results}
"""
PAGE = """# {title}

<!-- tipsbench:numpy-table dtype=float32 -->

<!-- tipsbench:numpy-headline -->
"""


def make_site(root: Path, data_dir: Path, files: list[str]) -> Path:
    results = root / "results"
    results.mkdir()
    for name in files:
        shutil.copy(data_dir / name, results / name)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(PAGE.format(title="Test"), encoding="utf-8")
    (root / "docs" / "index.zh.md").write_text(PAGE.format(title="测试"), encoding="utf-8")
    config_file = root / "mkdocs.yml"
    config_file.write_text(textwrap.dedent(MKDOCS_YML.format(results="results")), encoding="utf-8")
    return config_file


def build_site(config_file: Path, strict: bool = False) -> Path:
    config = load_config(str(config_file), strict=strict, site_dir=str(config_file.parent / "site"))
    build(config)
    return config_file.parent / "site"


class TestPlugin:
    def test_tables_in_both_languages(self, tmp_path, data_dir):
        """Each language's page gets the table with its own labels and the JSON's numbers."""
        site = build_site(make_site(tmp_path, data_dir, ["numpy_run.json"]))
        en = (site / "index.html").read_text(encoding="utf-8")
        zh = (site / "zh" / "index.html").read_text(encoding="utf-8")
        assert "<th>Code</th>" in en and "copies" in en
        assert "<th>代码</th>" in zh and "复制" in zh
        assert "18.3 ms" in en and "18.3 ms" in zh  # torch.tensor at 64 MiB in the golden run
        assert "tipsbench:numpy-table" not in en + zh

    def test_bad_file_warns_and_good_file_renders(self, tmp_path, data_dir, caplog):
        """A truncated file is one warning naming it; the valid run is still shown."""
        config = make_site(tmp_path, data_dir, ["numpy_run.json", "truncated.json"])
        with caplog.at_level(logging.WARNING):
            site = build_site(config)
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        bad = [w for w in warnings if "truncated.json" in w]
        assert len(bad) == 1 and "truncated JSON" in bad[0] and "\n" not in bad[0]
        assert "18.3 ms" in (site / "index.html").read_text(encoding="utf-8")

    def test_strict_build_fails_on_bad_file(self, tmp_path, data_dir):
        """mkdocs build --strict refuses to publish a site built over a bad results file."""
        config = make_site(tmp_path, data_dir, ["numpy_run.json", "newer_format.json"])
        with pytest.raises(Abort):
            build_site(config, strict=True)

    def test_results_env_overrides(self, tmp_path, data_dir, monkeypatch):
        """TIPSBENCH_RESULTS points the build at another results directory."""
        config = make_site(tmp_path, data_dir, [])
        other = tmp_path / "other"
        other.mkdir()
        shutil.copy(data_dir / "numpy_run.json", other / "run.json")
        monkeypatch.setenv("TIPSBENCH_RESULTS", str(other))
        site = build_site(config)
        assert "18.3 ms" in (site / "index.html").read_text(encoding="utf-8")

    def test_hostile_file_is_escaped_on_the_page(self, tmp_path, data_dir):
        """Markup in a stranger's results file arrives as text."""
        site = build_site(make_site(tmp_path, data_dir, ["hostile_run.json"]))
        html = (site / "index.html").read_text(encoding="utf-8")
        assert "<img src=x" not in html and '<script>alert("cpu")' not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


class TestBuildCache:
    """A second build reads markers back from .cache/tipsbench; any change of input renders
    them again, and a warning is given again (so --strict fails the same way)."""

    def test_a_changed_results_file_is_never_served_stale(self, tmp_path, data_dir):
        config = make_site(tmp_path, data_dir, ["numpy_run.json"])
        first = (build_site(config) / "index.html").read_text(encoding="utf-8")
        assert "18.3 ms" in first and list((tmp_path / ".cache" / "tipsbench" / "fragments").rglob("*.json"))
        run = tmp_path / "results" / "numpy_run.json"
        data = json.loads(run.read_text(encoding="utf-8"))
        for bench in data["benchmarks"]:
            bench["stats"]["median"] *= 2
        run.write_text(json.dumps(data), encoding="utf-8")
        second = (build_site(config) / "index.html").read_text(encoding="utf-8")
        assert "36.7 ms" in second and "18.3 ms" not in second  # 18.33 ms × 2

    def test_a_kept_marker_warns_again(self, tmp_path, data_dir):
        config = make_site(tmp_path, data_dir, ["numpy_run.json"])
        page = tmp_path / "docs" / "index.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n<!-- tipsbench:numpy-table dtype=float99 -->\n",
                        encoding="utf-8")
        for _ in range(2):  # the second build reads the marker's notice and warning back
            with pytest.raises(Abort):
                build_site(config, strict=True)

    def test_a_claim_that_breaks_fails_a_strict_build(self, tmp_path, data_dir, monkeypatch):
        """Claim boxes are rendered when the build ends, after the pages are written; what
        they warn about (a claim the timeline expects to hold fails) still fails --strict,
        in a cold build and in the cached one after it."""
        from tipsbench import claims, translations

        config = make_site(tmp_path, data_dir, ["numpy_run.json"])
        shipped = Path(__file__).resolve().parents[2] / "results" / "claims"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "      results_dir: results\n",
            f"      results_dir: results\n      claims_dir: {shipped}\n      claim_workers: 0\n"), encoding="utf-8")
        for name in ("index.md", "index.zh.md"):
            page = tmp_path / "docs" / name
            page.write_text(page.read_text(encoding="utf-8") + "\n<!-- tipsbench:claim id=numpy.from_numpy_shares -->\n",
                            encoding="utf-8")
        translations.stamp(tmp_path / "docs" / "index.zh.md")  # translated: --strict has nothing else to say
        monkeypatch.setenv("TIPSBENCH_CACHE", str(tmp_path / "cache-holds"))
        site = build_site(config, strict=True)  # it holds: no warning
        assert 'data-claim="numpy.from_numpy_shares" data-status="holds"' in (site / "index.html").read_text("utf-8")
        real = claims.observe
        monkeypatch.setattr(claims, "observe", lambda cid: claims.Observation(False, "broken on purpose")
                            if cid == "numpy.from_numpy_shares" else real(cid))
        monkeypatch.setenv("TIPSBENCH_CACHE", str(tmp_path / "cache-fails"))
        for _ in range(2):  # cold, then with the marker (and its warning) read back from the cache
            with pytest.raises(Abort):
                build_site(config, strict=True)

    def test_the_cache_is_off_after_the_build(self, tmp_path, data_dir):
        from tipsbench import buildcache

        build_site(make_site(tmp_path, data_dir, ["numpy_run.json"]))
        assert buildcache.active() is None


def test_chinese_pages_say_permanent_link_in_chinese():
    """The heading anchors' tooltip is Chinese on Chinese pages and unchanged on English ones."""
    from types import SimpleNamespace

    from tipsbench.mkdocs_plugin import TipsbenchPlugin

    html = '<a class="headerlink" href="#x" title="Permanent link">¶</a>'
    page = lambda locale: SimpleNamespace(file=SimpleNamespace(locale=locale))  # noqa: E731
    plugin = TipsbenchPlugin()
    assert 'title="永久链接"' in plugin.on_page_content(html, page("zh"), None, None)
    assert plugin.on_page_content(html, page("en"), None, None) == html


def test_charts_are_byte_reproducible():
    """The same data draws the same SVG bytes (no date stamped in), so builds can be compared."""
    from tipsbench.render.charts import Series, throughput_chart

    draw = lambda: throughput_chart([Series("x", ((1024, 1e9), (2048, 2e9)))], title="t", x_label="x",  # noqa: E731
                                    y_label="y")
    assert draw() == draw()


def test_links_between_pages_use_each_pages_own_title():
    """The tips index names each page by its own first heading, in the page's language."""
    from pathlib import Path

    from tipsbench.mkdocs_plugin import page_titles, read_pages
    from tipsbench.render.registry import PageContext, render_markers

    titles = page_titles(read_pages(Path(__file__).resolve().parents[2] / "docs"))
    assert titles["en"]["numpy"] == "Tensor ↔ NumPy" and titles["zh"]["numpy"] == "张量与 NumPy 互转"
    out = render_markers("<!-- tipsbench:tips-index -->",
                         PageContext("zh", "tips.zh.md", (), print, "zh/tips/", titles["zh"]))
    assert '<a href="../numpy/">张量与 NumPy 互转</a>' in out


def test_every_kind_rendered_last_counts_as_showing_claims():
    """A page with a marker that observes claims makes a cold build start its claim workers
    (shows_claims); a kind missing from CLAIM_MARKERS would run its checks in the build."""
    from tipsbench.mkdocs_plugin import CLAIM_MARKERS
    from tipsbench.render.registry import renderers

    later = {kind for kind, spec in renderers().items() if spec.later}
    assert later and later <= CLAIM_MARKERS
