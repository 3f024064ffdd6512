"""The ``tipsbench`` MkDocs plugin: fills the markers in hand-written pages with
localized tables, charts, verdicts and provenance generated from a results directory.

Bad results files are reported as one warning each (file and problem) and left out;
every good file still renders, so ``mkdocs serve`` shows what is valid while
``mkdocs build --strict`` fails.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin, get_plugin_logger

from tipsbench import translations
from tipsbench.render.registry import PageContext, render_markers
from tipsbench.results import Run, load_dir, results_dir

log = get_plugin_logger(__name__)
DEFAULT_LOCALE = "en"


class TipsbenchConfig(base.Config):
    results_dir = c.Type(str, default="results")


class TipsbenchPlugin(BasePlugin[TipsbenchConfig]):
    def __init__(self) -> None:
        self.runs: tuple[Run, ...] = ()
        self.directory: Path | None = None
        self._warned: set[str] = set()

    def on_config(self, config):
        base_dir = Path(config.config_file_path or ".").resolve().parent
        directory = results_dir(self.config.results_dir)
        self.directory = directory if directory.is_absolute() else base_dir / directory
        if not self.directory.is_dir():
            self._warn(f"results directory {self.directory} does not exist; pages show no results")
            self.runs = ()
            return config
        runs, errors = load_dir(self.directory)
        for error in errors:
            self._warn(f"skipped bad results file {error}")
        self.runs = tuple(runs)
        return config

    def on_serve(self, server, config, builder):
        if self.directory and self.directory.is_dir():
            server.watch(str(self.directory))
        return server

    def on_page_markdown(self, markdown, page, config, files):
        locale = getattr(page.file, "locale", None) or DEFAULT_LOCALE
        if page.file.abs_src_path and page.file.src_uri.endswith(translations.ZH_SUFFIX):
            lag = translations.problem(Path(page.file.abs_src_path), str(page.meta.get(translations.KEY, "")) or None)
            if lag:
                self._warn(f"translation out of date: {lag}")
        ctx = PageContext(locale=locale, page=page.file.src_uri, runs=self.runs, warn=self._warn, url=page.url)
        return render_markers(markdown, ctx)

    def on_page_content(self, html, page, config, files):
        # The toc extension's permalink title is one setting for every language.
        if (getattr(page.file, "locale", None) or DEFAULT_LOCALE) == "zh":
            return html.replace('title="Permanent link"', 'title="永久链接"')
        return html

    def _warn(self, message: str) -> None:
        # The i18n plugin builds once per language; say each problem once.
        if message not in self._warned:
            self._warned.add(message)
            log.warning(message)
