"""Make mkdocs-static-i18n and mkdocs-jupyter work together.

mkdocs-static-i18n's on_files runs last and rebuilds every file as a plain File,
dropping mkdocs-jupyter's notebook wrapper: notebooks would be written out as raw
JSON (ultrabug/mkdocs-static-i18n#198). Teaching File that .ipynb files are pages lets
the i18n plugin treat them as pages (per-language choice, switcher, sitemap) while
mkdocs-jupyter still renders them. This touches MkDocs internals: the versions are
pinned in pyproject.toml and tests/test_notebook_pages.py fails if a notebook page is
raw JSON, lacks its rendered cells, or has Chinese headings without working anchors.

Second patch: mkdocs-jupyter slugs notebook headings with an ASCII-only slugify, so a
Chinese heading gets ``id=""`` and its TOC entry points nowhere; nbconvert then
percent-encodes ids, which Material's TOC tracking doesn't match against the TOC's
href. We give headings and the TOC the same Unicode slug as Markdown pages
(pymdownx.slugs, as in mkdocs.yml's toc extension), unencoded on both sides.

Third: mkdocs-jupyter's copy buttons say "Copy to Clipboard" / "Copied!" on every page;
on a Chinese notebook page they say it in Chinese.
"""

from __future__ import annotations

from mkdocs.structure.files import File
from mkdocs.utils import is_markdown_file

NOTEBOOK_SUFFIX = ".ipynb"


def _is_documentation_page(self: File) -> bool:
    return is_markdown_file(self.src_uri) or self.src_uri.endswith(NOTEBOOK_SUFFIX)


def _unicode_slug():
    # The same slug mkdocs.yml configures for Markdown pages, so links between .md pages
    # and notebook headings agree.
    from pymdownx.slugs import slugify

    return slugify(case="lower")


def _patch_notebook_headings() -> None:
    import markdown
    from markdown.extensions.toc import TocExtension
    from mkdocs_jupyter import convert, plugin

    slug = _unicode_slug()

    def add_anchor(html: str, anchor_link_text: str = "¶") -> str:
        from xml.etree.ElementTree import Element

        from defusedxml import ElementTree
        from nbconvert.filters.strings import html2text

        try:
            heading = ElementTree.fromstring(html)
        except Exception:  # not well-formed: leave it as mkdocs-jupyter would
            return html
        anchor = slug(html2text(heading), "-")
        heading.set("id", anchor)
        link = Element("a", {"class": "anchor-link", "href": "#" + anchor})
        link.text = anchor_link_text
        heading.append(link)
        return ElementTree.tostring(heading).decode("utf-8", "replace")

    def markdown_toc(markdown_source: str, toc_depth: int) -> list:
        md = markdown.Markdown(extensions=[TocExtension(toc_depth=toc_depth, slugify=slug)])
        md.convert(markdown_source)
        return md.toc_tokens

    # convert.new_heading looks add_anchor_lower_id up in its module at call time, and
    # plugin._get_nb_toc_tokens does the same with _get_markdown_toc.
    convert.add_anchor_lower_id = add_anchor
    plugin._get_markdown_toc = markdown_toc


def on_startup(command: str, dirty: bool) -> None:
    File.is_documentation_page = _is_documentation_page
    _patch_notebook_headings()


# mkdocs-jupyter writes its copy button's words in English whatever the page's language.
_COPY_WORDS_ZH = (('aria-label="Copy to Clipboard"', 'aria-label="复制到剪贴板"'),
                  ('<span class="notice" hidden="">Copied!</span>', '<span class="notice" hidden="">已复制！</span>'),
                  ('<span class="notice" hidden>Copied!</span>', '<span class="notice" hidden>已复制！</span>'))


def on_post_page(output: str, page, config) -> str:
    """A Chinese notebook page's copy buttons in Chinese (third patch)."""
    if not page.file.src_uri.endswith(".zh" + NOTEBOOK_SUFFIX):
        return output
    for english, chinese in _COPY_WORDS_ZH:
        output = output.replace(english, chinese)
    return output
