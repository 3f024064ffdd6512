"""Drop the page-level ``<link rel="alternate" hreflang>`` tags from every page's <head>.

Material's JavaScript expects each ``<link rel="alternate">`` to point at a language's
*root* and fetches ``sitemap.xml`` next to it on every page load, to map the current page
into that language when the reader switches. mkdocs-static-i18n (1.3.1) makes those links
point at the page's twin instead (``../zh/numpy/``), so every page asked for
``numpy/sitemap.xml`` and ``zh/numpy/sitemap.xml`` and logged two 404s in the console
(squidfunk/mkdocs-material#6582). Nothing was gained by the lookup: the language menu's
``<a hreflang>`` links are already contextual, and search engines get the hreflang pairs
from the i18n plugin's sitemap.xml (``<xhtml:link rel="alternate">`` for every page).

The language menu (``<a ... hreflang class="md-select__link">``) is left as it is.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def _drop_alternates(html: str, where: str, config) -> str:
    head, sep, body = html.partition("</head>")
    if not sep:
        return html
    head, removed = ALTERNATE.subn("", head)
    if config.extra.get("alternate") and not removed:
        # The template changed: the tags may be back under another form, with their 404s.
        raise PluginError(f'alternate_links: no <link rel="alternate" hreflang> found in {where}; '
                          "check Material's base.html")
    return head + sep + body


def on_post_page(output: str, page, config) -> str:
    return _drop_alternates(output, page.file.src_uri, config)


def on_post_template(output_content: str, template_name: str, config) -> str:
    # 404.html is rendered as a static template, with whatever alternates the last page set.
    if template_name.endswith(".html"):
        return _drop_alternates(output_content, template_name, config)
    return output_content
