"""Built notebook pages: rendered (not raw JSON) in both languages, with working Chinese anchors.

mkdocs-static-i18n and mkdocs-jupyter don't work together out of the box (see
hooks/notebooks_i18n.py): without the hook, notebook pages are written out as raw
JSON with exit code 0, and Chinese headings get empty ids. Uses the session's one site build
(tests/conftest.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HAN = re.compile(r"[\u4e00-\u9fff]")
NOTEBOOK_STEMS = sorted(p.name.removesuffix(".ipynb") for p in DOCS.glob("*.ipynb")
                        if not p.name.endswith(".zh.ipynb"))

pytestmark = pytest.mark.slow


class Headings(HTMLParser):
    """Collect heading ids/texts inside the notebook wrapper, and every in-page link."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.headings: list[tuple[str, str]] = []  # (id, text)
        self.links: set[str] = set()
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and (a.get("href") or "").startswith("#") and len(a["href"]) > 1:
            self.links.add(a["href"][1:])
        if re.fullmatch(r"h[1-6]", tag) and self._open is None:
            self._open, self._text = a.get("id", ""), []
            self._tag = tag

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._tag:
            self.headings.append((self._open, "".join(self._text).replace("¶", "").strip()))
            self._open = None


def _page(site: Path, stem: str, locale: str) -> Path:
    return (site / "zh" / stem if locale == "zh" else site / stem) / "index.html"


def test_there_are_notebooks():
    """The site has notebook pages to check (guards against a glob that finds nothing)."""
    assert NOTEBOOK_STEMS
    for stem in NOTEBOOK_STEMS:
        assert (DOCS / f"{stem}.zh.ipynb").exists(), f"{stem}.ipynb has no Chinese twin"


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("stem", NOTEBOOK_STEMS)
def test_notebook_page_is_rendered(site, stem, locale):
    """The built page is HTML with mkdocs-jupyter's rendered cells, not the notebook's JSON."""
    page = _page(site, stem, locale)
    assert page.exists(), f"{page} was not built"
    html = page.read_text(encoding="utf-8")
    assert not html.lstrip().startswith("{"), f"{page} is raw notebook JSON"
    assert "jupyter-wrapper" in html, f"{page} has no rendered notebook cells"
    assert f'lang="{locale}"' in html, f"{page} is not in {locale} chrome"


@pytest.mark.parametrize("stem", NOTEBOOK_STEMS)
def test_chinese_headings_have_working_anchors(site, stem):
    """Every Chinese notebook heading has a non-empty, unencoded id, and every #link on the page hits an id."""
    parser = Headings()
    parser.feed(_page(site, stem, "zh").read_text(encoding="utf-8"))
    chinese = [(i, t) for i, t in parser.headings if HAN.search(t)]
    assert chinese, "no Chinese headings found"
    for anchor, text in chinese:
        assert anchor, f"heading {text!r} has no id"
        assert "%" not in anchor, f"heading {text!r} has a percent-encoded id {anchor!r}"
        assert HAN.search(anchor), f"heading {text!r} lost its Han characters: {anchor!r}"
    missing = sorted(link for link in parser.links if link not in parser.ids)
    assert not missing, f"in-page links without a target: {missing}"
