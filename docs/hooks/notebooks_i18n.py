"""Make mkdocs-static-i18n and mkdocs-jupyter work together.

mkdocs-static-i18n's on_files runs last and rebuilds every file as a plain File,
dropping mkdocs-jupyter's notebook wrapper: notebooks would be written out as raw
JSON (ultrabug/mkdocs-static-i18n#198). Teaching File that .ipynb files are pages lets
the i18n plugin treat them as pages (per-language choice, switcher, sitemap) while
mkdocs-jupyter still renders them. This touches MkDocs internals: the versions are
pinned in pyproject.toml and tests/test_site.py fails if a notebook page is raw JSON.
"""

from __future__ import annotations

from mkdocs.structure.files import File
from mkdocs.utils import is_markdown_file

NOTEBOOK_SUFFIX = ".ipynb"


def _is_documentation_page(self: File) -> bool:
    return is_markdown_file(self.src_uri) or self.src_uri.endswith(NOTEBOOK_SUFFIX)


def on_startup(command: str, dirty: bool) -> None:
    File.is_documentation_page = _is_documentation_page
