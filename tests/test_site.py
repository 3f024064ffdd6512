"""The real site, built once: every page in both languages, really in that language,
nothing loaded from other hosts, the language switcher pointing at the twin page, one search
index per language, and no broken internal link or anchor. (tests/browser/ looks at the same
build in headless Chromium.)"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tipsbench import sitecheck

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HAN = re.compile(r"[\u4e00-\u9fff]")


def pages() -> list[Path]:
    """English hand-written pages (Markdown and notebooks) in docs/, relative to docs/. The
    machine pages the plugin generates into docs/machines/ are tested by their own test."""
    found = []
    for path in sorted(DOCS.rglob("*")):
        if path.suffix in {".md", ".ipynb"} and not re.search(r"\.[a-z]{2}$", path.stem) \
                and "hooks" not in path.parts and "machines" not in path.relative_to(DOCS).parts:
            found.append(path.relative_to(DOCS))
    return found


def test_every_machine_has_a_page_in_both_languages_left_out_of_search(site):
    """Each machine with a run in results/ gets machines/<key>/ in English and Chinese,
    linked from the tip pages, with its results files downloadable beside the site; the
    search indexes keep to the hand-written pages."""
    keys = {json.loads(p.read_text(encoding="utf-8"))["machine_info"]["tipsbench"]["key"]
            for p in (ROOT / "results").glob("*.json")}
    assert keys
    for key in keys:
        en = (site / "machines" / key / "index.html").read_text(encoding="utf-8")
        zh = (site / "zh" / "machines" / key / "index.html").read_text(encoding="utf-8")
        assert "What this machine is" in en and "机器配置" in zh
        assert f'href="../../machines/{key}/#tb-numpy-table-float32"' not in en  # no link to itself
    numpy_page = (site / "numpy" / "index.html").read_text(encoding="utf-8")
    assert 'id="tb-numpy-table-float32"' in numpy_page and 'id="tb-machines-numpy"' in numpy_page
    for name in re.findall(r'href="\.\./results/([^"]+\.json)" download', numpy_page):
        assert (site / "results" / name).is_file()
    assert (site / "results" / "timeline").is_dir()
    for path in (ROOT / "results").glob("*.json"):  # the same data, re-serialized
        assert json.loads((site / "results" / path.name).read_bytes()) == json.loads(path.read_bytes())


def built(site: Path, page: Path, locale: str) -> Path:
    stem = page.with_suffix("")
    folder = Path() if stem.name == "index" else stem
    return site / (("zh" / folder) if locale == "zh" else folder) / "index.html"


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
            text = sitecheck.article_text(html)  # prose only: code stays English in both languages
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
        """The Chinese site has its own index: Chinese pages, jieba's U+200B splits, zh stemming."""
        index = search_index(site, "zh")
        assert index["config"]["lang"] == ["en", "zh"]
        assert "\\u200b" in index["config"]["separator"]
        text: dict[str, str] = {}
        for doc in index["docs"]:
            page = doc["location"].split("#", 1)[0]
            text[page] = text.get(page, "") + doc["title"] + doc["text"]
        assert text and all(HAN.search(t) for t in text.values()), [p for p, t in text.items() if not HAN.search(t)]
        assert any("\u200b" in d["text"] for d in index["docs"]), "no jieba segmentation"

    def test_each_language_searches_only_its_own_pages(self, site):
        """One index per language, holding that language's pages and nothing else, and every
        page of that language loads that index (Material fetches it relative to __config.base)."""
        from urllib.parse import urljoin

        en, zh = search_index(site, "en"), search_index(site, "zh")
        assert en["config"]["lang"] == ["en"]
        assert en["config"]["separator"] == zh["config"]["separator"]
        for locale, index in (("en", en), ("zh", zh)):
            indexed = {d["location"].split("#", 1)[0] for d in index["docs"]}
            # Locations are relative to the language's root, which __config.base points at.
            expected = {"" if p.stem == "index" else f"{p.with_suffix('').as_posix()}/" for p in pages()}
            assert indexed == expected, f"{locale} index: {sorted(indexed ^ expected)}"
            for page in pages():
                html = built(site, page, locale).read_text(encoding="utf-8")
                app = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)[1])
                folder = built(site, page, locale).parent.relative_to(site).as_posix()
                url = "https://h/" + ("" if folder == "." else folder + "/")
                root = "https://h/zh/" if locale == "zh" else "https://h/"
                assert urljoin(url, app["base"]).rstrip("/") + "/" == root, (page, locale, app["base"])
        en_text = " ".join(d["title"] + d["text"] for d in en["docs"])
        assert len(HAN.findall(en_text)) < len(en_text) / 100, "Chinese prose in the English index"

    def test_no_page_probes_for_sitemaps(self, site):
        """Material fetches sitemap.xml next to every <link rel="alternate">; the i18n plugin's
        are the page's twins, so each page logged two 404s (hooks/alternate_links.py). The
        hreflang pairs live in sitemap.xml instead."""
        for html_file in site.rglob("*.html"):
            assert '<link rel="alternate"' not in html_file.read_text(encoding="utf-8"), html_file
        sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
        assert 'hreflang="zh" href="https://tipsbench.github.io/tipsbench/zh/numpy/"' in sitemap

    def test_no_build_code_in_the_site(self, site):
        """MkDocs hooks live outside docs/: anything in docs_dir is published."""
        assert not list(site.rglob("*.py")), list(site.rglob("*.py"))


def search_index(site: Path, locale: str) -> dict:
    folder = site / "zh" if locale == "zh" else site
    return json.loads((folder / "search" / "search_index.json").read_text(encoding="utf-8"))


class _Links(HTMLParser):
    """Every id on a page, and every href/src it points at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            if attrs.get(name) is not None and tag in LINKING:
                self.links.append(attrs[name])


LINKING = {"a", "link", "img", "script", "iframe", "source", "video", "audio", "embed", "use", "image"}
SITE_PATH = "/tipsbench/"  # the path of site_url: pages are served below it


@pytest.mark.slow
def test_no_broken_internal_links(site):
    """Every relative (or site-absolute) href/src in every built page resolves to a file of the
    site, and every #anchor to an id on the target page. External links are not followed."""
    from urllib.parse import unquote, urljoin, urlsplit

    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            parser = _Links()
            parser.feed(path.read_text(encoding="utf-8"))
            parsed[path] = parser
        return parsed[path]

    def page_url(path: Path) -> str:
        rel = path.relative_to(site).as_posix()
        return "http://site" + SITE_PATH + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)

    broken = []
    for html_file in sorted(site.rglob("*.html")):
        base = page_url(html_file)
        for link in parse(html_file).links:
            scheme = urlsplit(link).scheme
            if scheme in {"http", "https", "mailto", "data", "javascript", "tel", "blob"} or link.startswith("//"):
                continue
            target = urlsplit(urljoin(base, link))
            path = unquote(target.path)
            if not path.startswith(SITE_PATH):
                broken.append(f"{html_file.relative_to(site)}: {link} (outside {SITE_PATH})")
                continue
            file = site / path[len(SITE_PATH):]
            if file.is_dir() or path.endswith("/"):
                file = file / "index.html"
            if not file.is_file():
                broken.append(f"{html_file.relative_to(site)}: {link} (no {file.relative_to(site)})")
                continue
            anchor = unquote(target.fragment)
            if anchor and file.suffix == ".html" and anchor not in parse(file).ids:
                broken.append(f"{html_file.relative_to(site)}: {link} (no id {anchor!r} in {file.relative_to(site)})")
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_no_markdown_shown_as_text(site, locale):
    """What a page's Markdown (or a marker's Markdown heading) meant as structure is never
    shown as text, and the release headings of "What changed" are real headings with their
    anchors in the table of contents."""
    problems = [f"{locale} {page}: {what}: {around!r}" for page in pages()
                for what, around in sitecheck.markdown_shown(built(site, page, locale).read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)
    changes = built(site, Path("changes.md"), locale).read_text(encoding="utf-8")
    releases = re.findall(r'<h2 id="(torch-\d+-\d+)"', changes)
    assert releases and all(f'href="#{anchor}"' in changes for anchor in releases)


def test_each_page_has_its_twins_heading_outline(site):
    """An English page and its Chinese twin have the same headings, level by level: a stray
    line that Markdown turned into a heading in one language (a line starting "#40618).")
    shows as a difference."""
    for page in pages():
        en, zh = (sitecheck.outline(built(site, page, loc).read_text(encoding="utf-8")) for loc in ("en", "zh"))
        assert en == zh, f"{page}: {en} != {zh}"


def test_chinese_pages_follow_the_copywriting_conventions(site):
    """Every Chinese page, hand-written and generated alike: full-width punctuation in
    Chinese sentences, no space after it, a space between Chinese and Latin or digits."""
    problems = [f"zh {page}: {what}: {around!r}" for page in pages()
                for what, around in sitecheck.chinese_copy(built(site, page, "zh").read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)
