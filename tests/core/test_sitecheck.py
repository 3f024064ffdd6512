"""The site check catches each kind of defect on a page seeded with it, and leaves clean
pages, code and the seed's quoted words alone."""

from __future__ import annotations

import pytest

from tipsbench import sitecheck


def page(body: str) -> str:
    return f"<html><body><nav>## not the article</nav><article>{body}</article></body></html>"


@pytest.mark.parametrize(("body", "what"), [
    ("<p>## torch 2.14 {#torch-2-14}</p>", "a Markdown heading shown as text"),
    ("<h2>torch 2.14 {#torch-2-14}</h2>", "a Markdown anchor shown as text"),
    ("<p>This is **bold** by mistake.</p>", "Markdown bold shown as text"),
    ("<p>See [the page](numpy.md) for more.</p>", "a Markdown link shown as text"),
    ("<p>prose in `code</p>", "a stray backtick"),
])
def test_markdown_shown_as_text_is_caught(body, what):
    assert what in [w for w, _ in sitecheck.markdown_shown(page(body))]


@pytest.mark.parametrize(("body", "what"), [
    ("<p>抛出 RuntimeError。 把它改掉</p>", "a space after full-width punctuation"),
    ("<p>速度快, 占内存少</p>", "half-width punctuation in a Chinese sentence"),
    ("<p>2.13 (本次构建)</p>", "half-width punctuation in a Chinese sentence"),
    ("<p>在torch上</p>", "no space between Chinese and Latin letters or digits"),
    ("<p>约为前者的8.1 万倍</p>", "no space between Chinese and Latin letters or digits"),
])
def test_chinese_copy_defects_are_caught(body, what):
    assert what in [w for w, _ in sitecheck.chinese_copy(page(body))]


def test_clean_pages_code_and_quotes_pass():
    clean = page('<h2 id="x">保存与加载</h2><p>自 PyTorch 2.6 起，<code>torch.load</code> 默认拒绝；见'
                 '<a href="#x">上文</a>。</p><pre><code>## a comment, **kept** `as is`\nx = 1, 2</code></pre>'
                 '<p>原文：<span class="tb-seed" lang="zh">只保存网络中的参数（速度快, 占内存少）</span></p>')
    assert sitecheck.markdown_shown(clean) == [] and sitecheck.chinese_copy(clean) == []


def test_outline_reads_the_article_only():
    assert sitecheck.outline(page("<h1>a</h1><h2 id='b'>b</h2><h3>c</h3>")) == ["1", "2", "3"]
