"""One search index per language: English pages search English, Chinese pages search Chinese.

mkdocs-static-i18n (1.3.1) builds each language in turn into the same site_dir. Material's
search plugin writes ``search/search_index.json`` at the end of each language's build,
always at the site root; the i18n plugin then merges every language's entries into that one
file (``reconfigure_search_index``, unconditional: ``reconfigure_search: false`` only
skips its deduplication). Material's JavaScript loads ``search/search_index.json`` relative
to ``base`` in the page's ``__config``, which is the site root on every page, so a Chinese
reader searching 内存 also got English pages that quote the word.

This hook keeps what each language's build indexed (the file Material has just written,
before the i18n plugin merges), and once every language is built writes:

- ``search/search_index.json``: the default language's pages only, lang ``["en"]``;
- ``zh/search/search_index.json``: the Chinese pages only, locations relative to ``zh/``,
  lang ``["en", "zh"]`` (Chinese prose quotes English identifiers), with Material's jieba
  segmentation (U+200B) and the configured separator untouched.

and points ``base`` in ``__config`` of every non-default-language page at that language's
folder (``../../zh/`` instead of ``../../``), so the page loads its language's index and
search results link inside it. Nothing else in Material's JavaScript reads ``base`` with
the features this site uses (no navigation.instant, no version selector).
"""

from __future__ import annotations

import json
import os
import re

from mkdocs import utils
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority

INDEX = os.path.join("search", "search_index.json")
APP_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)

# locale -> that language's index (JSON text), kept until every language is built.
_indexes: dict[str, str] = {}


def _i18n(config):
    """The i18n plugin, or None when the site has a single language."""
    return config.plugins.get("i18n")


def _folder(i18n, locale: str) -> str:
    """The language's folder in the site ('' for the default language), as the suffix layout puts it."""
    return "" if locale == i18n.default_language else locale


@event_priority(-50)  # after Material's search wrote this language's index (0), before i18n merges (-100)
def _keep_this_language(config) -> None:
    i18n = _i18n(config)
    path = os.path.join(config.site_dir, INDEX)
    if i18n is None or not os.path.isfile(path):
        return
    locale = i18n.current_language
    folder = _folder(i18n, locale)
    with open(path, encoding="utf-8") as f:
        index = json.load(f)
    prefix = f"{folder}/" if folder else ""
    others = tuple(f"{lang}/" for lang in i18n.build_languages if lang != i18n.default_language)
    if prefix:
        docs = [dict(d, location=d["location"][len(prefix):]) for d in index["docs"]
                if d["location"].startswith(prefix)]
    else:
        docs = [d for d in index["docs"] if not d["location"].startswith(others)]
    # The i18n plugin adds every built language to the shared lang list; keep the default
    # language (English words and identifiers appear on every page) and this one.
    keep = {i18n.default_language, locale}
    index["config"]["lang"] = [lang for lang in index["config"]["lang"] if lang in keep] or [locale]
    index["docs"] = docs
    _indexes[locale] = json.dumps(index, ensure_ascii=False, separators=(",", ":"))


@event_priority(-150)  # after the i18n plugin built the other languages and wrote its merged index
def _write_every_language(config) -> None:
    i18n = _i18n(config)
    if i18n is None or i18n.building:  # a nested language build: wait for the outermost one
        return
    for locale, text in _indexes.items():
        utils.write_file(text.encode("utf-8"), os.path.join(config.site_dir, _folder(i18n, locale), INDEX))


# A hook module has one attribute per event name; CombinedEvent registers both handlers.
on_post_build = CombinedEvent(_keep_this_language, _write_every_language)


def on_post_page(output: str, page, config) -> str:
    i18n = _i18n(config)
    if i18n is None or i18n.current_language == i18n.default_language:
        return output
    folder = _folder(i18n, i18n.current_language)

    def rebase(match: re.Match) -> str:
        app = json.loads(match.group(2))
        app["base"] = app["base"].rstrip("/") + f"/{folder}/"
        # As Jinja's tojson: nothing in it may close the <script>.
        text = json.dumps(app).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return match.group(1) + text + match.group(3)

    output, found = APP_CONFIG.subn(rebase, output, count=1)
    if not found:
        raise PluginError(f"search_i18n: no __config script in {page.file.src_uri}; "
                          "Material's template changed, the page would search the wrong language")
    return output
