"""The real site, built once: every page in both languages, really in that language,
nothing loaded from other hosts, and the language switcher pointing at the twin page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HAN = re.compile(r"[\u4e00-\u9fff]")
# Code, its output and inline code stay in English in both languages: count prose only.
TAGS = re.compile(r"<(script|style|pre|code)\b.*?</\1>|<[^>]+>", re.S)


def pages() -> list[Path]:
    """English source pages (Markdown and notebooks) in docs/, relative to docs/."""
    found = []
    for path in sorted(DOCS.rglob("*")):
        if path.suffix in {".md", ".ipynb"} and not re.search(r"\.[a-z]{2}$", path.stem) and "hooks" not in path.parts:
            found.append(path.relative_to(DOCS))
    return found


def built(site: Path, page: Path, locale: str) -> Path:
    stem = page.with_suffix("")
    folder = Path() if stem.name == "index" else stem
    return site / (("zh" / folder) if locale == "zh" else folder) / "index.html"


def visible_text(html: str) -> str:
    main = html.split('<article', 1)[-1].split("</article>", 1)[0]
    return TAGS.sub(" ", main)


@pytest.mark.slow
class TestSite:
    def test_every_page_has_a_translation(self):
        """Each English page has a Chinese twin in docs/ (no silent fallback)."""
        for page in pages():
            twin = DOCS / page.with_name(f"{page.stem}.zh{page.suffix}")
            assert twin.is_file(), f"{page} has no translation {twin.name}"

    @pytest.mark.parametrize("locale", ["en", "zh"])
    def test_every_page_is_built_in_its_language(self, site, locale):
        """Chinese pages are mostly Chinese; English pages carry almost no Chinese."""
        for page in pages():
            html = built(site, page, locale).read_text(encoding="utf-8")
            text = visible_text(html)
            han = len(HAN.findall(text))
            letters = len(re.findall(r"[A-Za-z]", text))
            # A notebook is mostly code cells (highlighted, not <pre>); its prose cells are
            # checked one by one in tests/test_notebooks.py.
            ratio = 10 if page.suffix == ".ipynb" else 4
            if locale == "zh":
                assert han > 200 and han > letters / ratio, f"{page} in zh has {han} Han characters"
            else:
                assert han < letters / 20, f"{page} in en has {han} Han characters"

    def test_no_other_hosts(self, site):
        """No page loads fonts, scripts or styles from other hosts (unreachable in mainland China)."""
        for html_file in site.rglob("*.html"):
            html = html_file.read_text(encoding="utf-8")
            assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, html_file
            # Scripts, stylesheets, images and fonts load; canonical/alternate links don't.
            loaded = re.findall(r'<(?:script|img|iframe)[^>]+src="(https?://[^"]+)"', html)
            loaded += re.findall(r'<link[^>]+rel="(?:stylesheet|preload|preconnect|icon)"[^>]+href="(https?://[^"]+)"', html)
            assert not loaded, f"{html_file} loads {loaded}"
            # Material's repository widget fetches facts from api.github.com at run time.
            assert 'data-md-component="source"' not in html, html_file

    def test_language_switcher_goes_to_the_same_page(self, site):
        """The switcher on an English page links to that page's Chinese twin, and back."""
        page = next(p for p in pages() if p.stem == "numpy")
        en = built(site, page, "en").read_text(encoding="utf-8")
        zh = built(site, page, "zh").read_text(encoding="utf-8")
        assert re.search(r'href="[^"]*zh/numpy/"[^>]*hreflang="zh"', en)
        assert re.search(r'href="[^"]*numpy/"[^>]*hreflang="en"', zh)

    def test_chinese_search_index(self, site):
        """The one search index serves both languages: zh pages, zh stemming, U+200B splits."""
        import json

        index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert index["config"]["lang"] == ["en", "zh"]
        assert "\\u200b" in index["config"]["separator"]
        zh_docs = [d for d in index["docs"] if d["location"].startswith("zh/")]
        assert zh_docs and any(HAN.search(d["text"]) for d in zh_docs)
