"""Checks of the built site as a reader sees it: what each page shows, not its Markdown.

- ``markdown_shown``: Markdown syntax that reached the page as text, outside code:
  heading hashes at the start of a line, ``{#anchor}``, ``**bold**``, ``[text](link)``,
  a stray backtick.
- ``outline``: a page's heading levels, in order (an English page and its Chinese twin
  must have the same).
- ``chinese_copy``: the common Chinese copywriting conventions, on a Chinese page's text:
  full-width punctuation in Chinese sentences, no space after full-width punctuation, a
  space between Chinese and Latin letters or digits.

Each returns (what is wrong, the offending text with a little context) pairs; the tests
(tests/test_site.py) run them on every page of both languages and name the page.
"""

from __future__ import annotations

import html
import re

# Code, its output, and inline code are verbatim: they are not checked as prose. Nor is
# the seed's text, quoted as written (class tb-seed), nor a chart's text.
# A notebook's hidden copy of each cell's source (for its copy button) is code too.
_VERBATIM = re.compile(r'<(script|style|pre|code|svg|kbd)\b.*?</\1>|<span [^>]*class="tb-seed"[^>]*>.*?</span>'
                       r'|<div class="clipboard-copy-txt"[^>]*>.*?</div>', re.S)
_TAG = re.compile(r"<[^>]+>")
BOUNDARY = "\x00"  # where a tag was: text on either side belongs to different elements
HAN = "\u4e00-\u9fff"
FULL_WIDTH = "。，、；：？！）」』"

_MARKDOWN = {
    "a Markdown heading shown as text": re.compile(rf"(?:^|[\n{BOUNDARY}])[ \t]*#{{1,6}} \S"),
    "a Markdown anchor shown as text": re.compile(r"\{#[A-Za-z0-9_-]+\}"),
    "Markdown bold shown as text": re.compile(r"\*\*[^*\s][^*]*\*\*"),
    "a Markdown link shown as text": re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),
    "a stray backtick": re.compile(r"`"),
}
_CHINESE = {
    "a space after full-width punctuation": re.compile(rf"[{FULL_WIDTH}][ \t]+(?=[^\s{BOUNDARY}])"),
    "half-width punctuation in a Chinese sentence": re.compile(
        rf"[{HAN}][,;:!?](?=[\s{BOUNDARY}]|[{HAN}]|$)|[{HAN}]\((?=[{HAN}])|(?<=[{HAN}])\)"),
    "no space between Chinese and Latin letters or digits": re.compile(rf"[{HAN}][A-Za-z0-9]|[A-Za-z0-9][{HAN}]"),
}


def _article(page_html: str) -> str:
    """The page's article: what is the page's own, without the navigation around it."""
    return page_html.split("<article", 1)[-1].split("</article>", 1)[0]


def article_text(page_html: str) -> str:
    """The visible prose of a page's article: tags become BOUNDARY, verbatim parts vanish."""
    return html.unescape(_TAG.sub(BOUNDARY, _VERBATIM.sub(BOUNDARY, _article(page_html))))


def _found(rules: dict[str, re.Pattern[str]], text: str) -> list[tuple[str, str]]:
    out = []
    for what, rule in rules.items():
        for match in rule.finditer(text):
            around = text[max(0, match.start() - 25):match.end() + 25]
            out.append((what, " ".join(around.replace(BOUNDARY, " ").split())))
    return out


def markdown_shown(page_html: str) -> list[tuple[str, str]]:
    return _found(_MARKDOWN, article_text(page_html))


def chinese_copy(page_html: str) -> list[tuple[str, str]]:
    return _found(_CHINESE, article_text(page_html))


def outline(page_html: str) -> list[str]:
    """The heading levels of the page's article, in order ("1", "2", "2", "3", …)."""
    return re.findall(r"<h([1-6])\b", _article(page_html))
