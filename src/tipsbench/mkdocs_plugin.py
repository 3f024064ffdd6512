"""The ``tipsbench`` MkDocs plugin: fills the markers in hand-written pages with
localized tables, charts, verdicts and provenance generated from a results directory.

Bad results files are reported as one warning each (file and problem) and left out;
every good file still renders, so ``mkdocs serve`` shows what is valid while
``mkdocs build --strict`` fails.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger

from tipsbench import buildcache, claims, translations
from tipsbench.buildcache import BuildCache
from tipsbench.claims import files as claims_files
from tipsbench.claims import prefetch
from tipsbench.claims.timeline import Timeline
from tipsbench.render.html import Markup
from tipsbench.render.machines import (
    MACHINES_DIR,
    Fleet,
    machine_sections,
    marker_modes,
    write_machine_pages,
)
from tipsbench.render.registry import ARG, PageContext, markers, render_markers
from tipsbench.results import Run, load_dir, read_bounded, results_dir

log = get_plugin_logger(__name__)
DEFAULT_LOCALE = "en"
# Where the results files are published in the site, for download.
DOWNLOADS = "results"
# What a marker's HTML is replaced by until Markdown has converted the page.
FRAGMENT = "tipsbench-fragment"
FRAGMENT_PLACEHOLDER = re.compile(rf"<!-- {FRAGMENT} (\d+) -->")
# A marker rendered at the end of the build (PageContext.later) and what stands for it
# until then, in the page as written; on_post_build puts the marker's HTML in its place.
LATER = "tipsbench-later"
LATER_PLACEHOLDER = re.compile(rf"<!-- {LATER} (\d+) -->.*?<!-- /{LATER} \1 -->", re.S)
# Markers that need the claims: they observe them on the installed torch (the kinds
# rendered last, registry.later_kinds) or show their words (claim-changes).
CLAIM_MARKERS = frozenset({"claim", "claim-changes", "verdict", "verdicts", "tips-index"})


def read_pages(docs: Path) -> dict[str, str]:
    """The hand-written pages at the top of docs/ ({file name: text}), read once per build:
    their titles, their claim boxes and their markers all come from here."""
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(docs.glob("*.md"))}


def page_titles(pages: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """{locale: {page stem: its first heading}}, read from the pages themselves, so links
    between pages carry the title each page gives itself in that language."""
    found: dict[str, dict[str, str]] = {}
    for name, text in pages.items():
        stem, _, locale = Path(name).stem.partition(".")
        heading = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), stem)
        found.setdefault(locale or DEFAULT_LOCALE, {})[stem] = heading
    return found


def claim_pages(pages: Mapping[str, str]) -> dict[str, str]:
    """{claim id: the stem of the English page whose claim box shows it}, for links."""
    found: dict[str, str] = {}
    for name, text in pages.items():
        stem = Path(name).stem
        if "." in stem:  # a translation: the English twin has the same markers
            continue
        for kind, raw in markers(text):
            claim_id = dict(ARG.findall(raw)).get("id")
            if kind == "claim" and claim_id:
                found.setdefault(claim_id, stem)
    return found


def shows_claims(pages: Mapping[str, str]) -> bool:
    """Whether any page has a marker that observes claims (a claim box, a verdict)."""
    return any(kind in CLAIM_MARKERS for text in pages.values() for kind, _ in markers(text))


def publishable_json(path: Path) -> bytes:
    """A results file as the site serves it: the same JSON value, with no character of a
    stranger's strings HTML-active. A file of ASCII without '<', '>' or '&' (every file a
    run writes) is served as it is: the build has just read it as a run. Any other is
    re-serialized (json.loads of both is equal) with every '<', '>' and '&' written as a
    \\u escape and everything else as ASCII. A results file is data; served from our
    origin it must not be markup in any reading of it."""
    raw = read_bounded(path)
    if raw.isascii() and b"<" not in raw and b">" not in raw and b"&" not in raw:
        return raw
    text = json.dumps(json.loads(raw), ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("ascii")


class TipsbenchConfig(base.Config):
    results_dir = c.Type(str, default="results")
    # The claims files `tipsbench timeline` writes: the timeline every claim box shows.
    claims_dir = c.Type(str, default="results/claims")
    # Quick runs on each torch release (`tipsbench timeline --bench`), kept apart from
    # results/ so they never stand in for a machine's newest run on the tip pages.
    release_runs_dir = c.Type(str, default="results/timeline")
    # Claim outcomes, parsed runs and rendered markers kept between builds (buildcache.py):
    # outside docs/ and results/, safe to delete; $TIPSBENCH_CACHE overrides the folder.
    # `cache: false` runs every claim and renders every marker on every build.
    cache = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/tipsbench")
    # The machine each per-machine table shows first (a machine key). Unset: under
    # `mkdocs serve`, the machine of the newest run (yours, after `tipsbench run`);
    # otherwise the machine whose newest run measured the most.
    default_machine = c.Optional(c.Type(str))
    # Worker processes that run the claims of a cold build (claims/prefetch.py): -1 one
    # per CPU but one (at least 1, at most 4), 0 none (every check in the build's own process).
    claim_workers = c.Type(int, default=-1)


class TipsbenchPlugin(BasePlugin[TipsbenchConfig]):
    def __init__(self) -> None:
        self.runs: tuple[Run, ...] = ()
        self.titles: dict[str, dict[str, str]] = {}
        self.timeline = Timeline(())
        self.claim_pages: dict[str, str] = {}
        self.release_runs: tuple[Run, ...] = ()
        self.directory: Path | None = None
        self.fleet: Fleet | None = None
        self.downloads: dict[str, str] = {}
        self.inputs: str | None = None
        self.fragments: dict[str, list[str]] = {}  # page -> its markers' HTML, by placeholder
        self.later: list[Callable[[], Markup]] = []  # markers rendered last, by LATER number
        self.written_later: list[Path] = []  # pages written with LATER placeholders, to finish
        self.shows_claims = False  # whether any page has a marker that observes claims
        # Language builds begun and not yet ended: the i18n plugin builds the other language
        # inside the default one's on_post_build (same site_dir), so 0 after an
        # on_post_build means the whole build is done.
        self.open_builds = 0
        self.site_root: Path | None = None  # where the results files are published, once
        # `mkdocs serve`: its first table shows your newest run. Read from the command line
        # rather than on_startup: MkDocs keeps a plugin that has on_startup or on_shutdown
        # alive across builds in one process, and this one must start each build afresh
        # (its warnings, said once per build, would be said once per process).
        self.serving = sys.argv[1:2] == ["serve"]
        self._warned: set[str] = set()

    def on_config(self, config):
        self.open_builds += 1
        base_dir = Path(config.config_file_path or ".").resolve().parent
        buildcache.activate(BuildCache.at(base_dir, self.config.cache_dir) if self.config.cache else None)
        # The i18n plugin builds the default language first, then each other one (into a
        # folder of the site: zh/), calling on_config again each time. The pages, results
        # and machines are this build's, read once: the next language renders the very
        # inputs the first one did.
        if self.site_root is not None:
            return config
        self.site_root = Path(config.site_dir)
        pages = read_pages(Path(config.docs_dir))
        self.titles = page_titles(pages)
        self.claim_pages = claim_pages(pages)
        # What the cache doesn't hold runs in worker processes while the build goes on.
        # A cold build doesn't know the claims yet (listing them imports torch): its
        # workers list them themselves, and start at once.
        self.shows_claims = shows_claims(pages)
        if self.shows_claims and self.config.claim_workers:
            workers = self.config.claim_workers if self.config.claim_workers > 0 else None
            ids = buildcache.remembered_json("claim-ids", None)
            if ids is None:
                # They list the claims for this process too (kept as "claim-ids" when the
                # build ends: waiting for the list here would hold the build up).
                prefetch.start_all(workers)
            else:
                prefetch.start([cid for cid in ids if not claims.kept(cid)], workers)
        self.timeline = self._load_timeline(base_dir / self.config.claims_dir)
        release_runs, errors = load_dir(base_dir / self.config.release_runs_dir)
        for error in errors:
            self._warn(f"skipped bad results file {error}")
        self.release_runs = tuple(release_runs)
        directory = results_dir(self.config.results_dir)
        self.directory = directory if directory.is_absolute() else base_dir / directory
        runs: list[Run] = []
        if not self.directory.is_dir():
            self._warn(f"results directory {self.directory} does not exist; pages show no results")
        else:
            runs, errors = load_dir(self.directory)
            for error in errors:
                self._warn(f"skipped bad results file {error}")
        self.runs = tuple(runs)
        self._gather_fleet(config, base_dir, pages)
        return config

    def _gather_fleet(self, config, base_dir: Path, pages: Mapping[str, str]) -> None:
        """The machines, their pages (docs/machines/, generated) and their files' URLs."""
        docs = Path(config.docs_dir)
        preferred = self.config.default_machine
        if preferred and preferred not in {r.key for r in self.runs}:
            self._warn(f"default_machine {preferred!r} has no run in {self.directory}")
        if not preferred and self.serving and self.runs:
            preferred = max(self.runs, key=lambda r: r.utc).key
        modes = buildcache.remembered_json("marker-modes", marker_modes)
        sections = machine_sections(pages, getattr(config, "nav", None), modes)
        self.fleet = Fleet.gather(self.runs, self.release_runs, preferred, sections)
        self.downloads = {run.path: f"{DOWNLOADS}/{run.file_name}" for run in self.runs}
        self.downloads.update({run.path: f"{DOWNLOADS}/timeline/{run.file_name}" for run in self.release_runs})
        write_machine_pages(docs / MACHINES_DIR, self.fleet, self._locales(config))
        self.inputs = self._inputs_digest(base_dir, sections, preferred)

    def _inputs_digest(self, base_dir: Path, sections, preferred: str | None) -> str | None:
        """Everything a marker's HTML can depend on besides the marker and its page: the
        code, the environment (claim outcomes), every results and claims file's bytes,
        every page's title, where each claim is shown, the machines and their order."""
        if buildcache.active() is None:
            return None
        folders = [self.directory, base_dir / self.config.release_runs_dir, base_dir / self.config.claims_dir]
        files = sorted({p for folder in folders if folder and folder.is_dir() for p in folder.glob("*.json")})
        # (A file that can't be read digests as "unread: why": its marker is rendered anew.)
        digests = [f"{p}:{buildcache.file_digest(p)}" for p in files]
        state = json.dumps([self.titles, self.claim_pages, sections, preferred, self.downloads,
                            list(self.fleet.order) if self.fleet else []], sort_keys=True, default=str)
        # tipsbench's source is part of the environment digest.
        return buildcache.key(buildcache.environment_digest(), state, *digests)

    @staticmethod
    def _locales(config) -> list[str]:
        i18n = getattr(config, "plugins", {}).get("i18n")
        found = [lang.locale for lang in getattr(getattr(i18n, "config", None), "languages", None) or []]
        return found or [DEFAULT_LOCALE]

    def _load_timeline(self, directory: Path) -> Timeline:
        if not directory.is_dir():
            self._warn(f"claims directory {directory} does not exist; claim boxes show no timeline")
            return Timeline(())
        found, errors = claims_files.load_dir(directory)
        for error in errors:
            self._warn(f"skipped bad claims file {error}")
        return Timeline(found)

    def on_serve(self, server, config, builder):
        if self.directory and self.directory.is_dir():
            server.watch(str(self.directory))
        return server

    def on_page_markdown(self, markdown, page, config, files):
        locale = getattr(page.file, "locale", None) or DEFAULT_LOCALE
        generated = page.file.src_uri.startswith(f"{MACHINES_DIR}/")  # no English twin to lag behind
        if page.file.abs_src_path and page.file.src_uri.endswith(translations.ZH_SUFFIX) and not generated:
            lag = translations.problem(Path(page.file.abs_src_path), str(page.meta.get(translations.KEY, "")) or None)
            if lag:
                self._warn(f"translation out of date: {lag}")
        ctx = PageContext(locale=locale, page=page.file.src_uri, runs=self.runs, warn=self._warn, url=page.url,
                          titles=self.titles.get(locale, {}), timeline=self.timeline, claim_pages=self.claim_pages,
                          release_runs=self.release_runs, fleet=self.fleet, downloads=self.downloads,
                          inputs=self.inputs, later=self._later)
        stashed = self.fragments[page.file.src_uri] = []

        def stash(html: str) -> str:
            stashed.append(html)
            return f"<!-- {FRAGMENT} {len(stashed) - 1} -->"

        return render_markers(markdown, ctx, stash)

    def _later(self, render: Callable[[], Markup], standing: Markup) -> Markup:
        """A marker that observes claims goes in the page as a placeholder around what
        stands for it, and is rendered when the build has written every page: a cold build
        renders everything else meanwhile, while its workers check the claims."""
        number = len(self.later)
        self.later.append(render)
        return Markup(f"<!-- {LATER} {number} -->") + standing + Markup(f"<!-- /{LATER} {number} -->")

    def on_post_page(self, output, page, config):
        if f"<!-- {LATER} " in output and page.file.abs_dest_path:
            self.written_later.append(Path(page.file.abs_dest_path))
        return output

    # After the i18n plugin's on_post_build (priority -100), which builds the other
    # languages inside it: the build's last step is this one's, for the default language.
    @event_priority(-110)
    def on_post_build(self, config):
        """The pages' claim markers put in place (the last thing a build does), then the
        results files beside the site, once (at its root), so every table's file link
        downloads the JSON it came from."""
        written, self.written_later = self.written_later, []
        for path in written:
            page = path.read_text(encoding="utf-8")
            path.write_text(LATER_PLACEHOLDER.sub(lambda m: str(self.later[int(m.group(1))]()), page),
                            encoding="utf-8")
        self.open_builds -= 1
        if self.open_builds > 0:
            return  # another language's build, inside the default one's on_post_build
        if self.shows_claims:  # the next build hands out only the claims its cache lacks
            buildcache.remembered_json("claim-ids", lambda: sorted(claims.all_claims()))
        prefetch.stop()  # every claim is observed by now; `mkdocs serve` keeps no idle workers
        for run in (*self.runs, *self.release_runs):
            target = self.site_root / self.downloads[run.path]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(publishable_json(Path(run.path)))
        # The cache serves this build only: code that runs after it in the same process
        # (a test, a script) observes claims afresh.
        buildcache.activate(None)

    def on_page_content(self, html, page, config, files):
        # The markers' HTML, put back where Markdown left their placeholders untouched.
        stashed = self.fragments.pop(getattr(page.file, "src_uri", ""), [])
        if stashed:
            html = FRAGMENT_PLACEHOLDER.sub(lambda m: stashed[int(m.group(1))], html)
        # The toc extension's permalink title is one setting for every language.
        if (getattr(page.file, "locale", None) or DEFAULT_LOCALE) == "zh":
            return html.replace('title="Permanent link"', 'title="永久链接"')
        return html

    def _warn(self, message: str) -> None:
        # The i18n plugin builds once per language; say each problem once.
        if message not in self._warned:
            self._warned.add(message)
            log.warning(message)
