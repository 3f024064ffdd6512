"""Markers in hand-written pages, and the renderers that replace them.

A page says where generated content goes with an HTML comment on its own line:

    <!-- tipsbench:numpy-table dtype=float32 -->

``kind`` picks a renderer registered with ``@renderer("kind", arg=Arg(...))``; every
argument a renderer takes is declared there, with its allowed values. A misspelt
argument or value is an error naming the page, the marker and what is allowed (the
plugin logs it as a warning, so ``mkdocs build --strict`` fails), never a silently
different table. A renderer gets a PageContext and returns Markup (render/html.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tipsbench import buildcache
from tipsbench.claims.timeline import Timeline
from tipsbench.render.html import Markup, escape, tag
from tipsbench.render.labels import common
from tipsbench.results import Run

if TYPE_CHECKING:
    from tipsbench.render.machines import Fleet

MARKER = re.compile(r"<!--\s*tipsbench:([a-z][a-z0-9_-]*)((?:\s+[a-z][a-z0-9_.-]*=[^\s>]+)*)\s*-->")
ARG = re.compile(r"([a-z][a-z0-9_.-]*)=([^\s>]+)")
# Anything that starts like a marker but didn't parse as one (a space around '=', …).
LOOKS_LIKE_MARKER = re.compile(r"<!--\s*tipsbench:.*?-->", re.S)


class MarkerError(ValueError):
    """A marker a page can't be built with (unknown kind, bad argument)."""


@dataclass(frozen=True)
class Arg:
    """One argument a renderer accepts: whether it must be given, and its allowed values
    (a tuple, or a function returning them: families are found at build time)."""

    required: bool = False
    choices: tuple[str, ...] | Callable[[], Iterable[str]] | None = None
    # A free-form value the renderer checks itself (a machine key): an example for tests.
    example: str | None = None

    def allowed(self) -> tuple[str, ...] | None:
        if self.choices is None:
            return None
        return tuple(self.choices if isinstance(self.choices, tuple) else sorted(self.choices()))


@dataclass(frozen=True)
class PageContext:
    locale: str
    page: str  # the page's source path, for messages
    runs: tuple[Run, ...]
    warn: Callable[[str], None]
    url: str = ""  # the page's URL in the site ("zh/numpy/"), for links between pages
    titles: Mapping[str, str] = field(default_factory=dict)  # page stem -> its title in this locale
    timeline: Timeline = field(default_factory=lambda: Timeline(()))  # the shipped claims files
    claim_pages: Mapping[str, str] = field(default_factory=dict)  # claim id -> the page stem showing it
    release_runs: tuple[Run, ...] = ()  # quick runs per torch release (results/timeline/)
    # Many machines (render/machines.py): which one a per-machine marker shows, the others
    # a selector links to, where each results file can be downloaded. None: every run inline.
    fleet: Fleet | None = None
    downloads: Mapping[str, str] = field(default_factory=dict)  # run path -> site URL of its file
    # The digest of everything the build read (mkdocs_plugin): set, a marker's HTML is kept
    # in the build cache under it, with the page, URL and language, and read back next time.
    inputs: str | None = None
    # Set by the plugin: takes a marker's rendering (a function) and what to show until
    # it runs (Markup), returns what goes in the page now. Markers that observe claims are
    # rendered last this way, so a cold build renders every other page while its workers
    # check the claims (mkdocs_plugin.py). None: everything is rendered in place.
    later: Callable[[Callable[[], Markup], Markup], Markup] | None = None
    # The runs a renderer named (common.machine_line adds each): which run a per-machine
    # block shows is the renderer's choice, and its reproduce line must name that one.
    named: list[Run] = field(default_factory=list, compare=False)


Renderer = Callable[[PageContext, dict[str, str]], Markup]

_EMPTY = re.compile(r'<(p|div) class="tb-empty[ "]')


def empty_notice(content: Markup, *, also: str = "", block: bool = False) -> Markup:
    """What a renderer returns when it has nothing to show (its message quotes commands):
    the one form is_empty knows. `also`: one more class (a family's own styling); `block`:
    a <div> for content that holds paragraphs of its own."""
    return tag("div" if block else "p", content, class_="tb-empty" + (f" {also}" if also else ""))


def is_empty(html: Markup) -> bool:
    """Whether a renderer's output is an empty_notice: the machine selector leaves such
    machines out."""
    return bool(_EMPTY.match(str(html)))


@dataclass(frozen=True)
class Spec:
    kind: str
    fn: Renderer
    args: dict[str, Arg] = field(default_factory=dict)
    # Per-machine markers show one machine at a time (render/machines.py):
    #   "each": a block per machine (a table): the default machine's on the tip page, every
    #            machine's on its own machine page;
    #   "chart:<kind>": drawn for the default machine only; the selector links to the
    #            other machines' <kind> block (its table twin, same arguments).
    machines: str | None = None
    # Observes claims (claims.observe): rendered at the end of a site build (PageContext.later).
    # The function gives what stands in until then: the marker's words that need no check
    # (what the search index gets).
    later: Callable[[PageContext, dict[str, str]], Markup] | None = None

    def validate(self, raw: list[tuple[str, str]]) -> dict[str, str]:
        args: dict[str, str] = {}
        for name, value in raw:
            if name in args:
                raise MarkerError(f"argument '{name}' is given twice")
            if name not in self.args:
                allowed = ", ".join(sorted(self.args)) or "none"
                raise MarkerError(f"unknown argument '{name}' (allowed: {allowed})")
            choices = self.args[name].allowed()
            if choices is not None and value not in choices:
                raise MarkerError(f"{name}={value} is not allowed (allowed: {', '.join(choices)})")
            args[name] = value
        missing = [name for name, arg in self.args.items() if arg.required and name not in args]
        if missing:
            raise MarkerError(f"missing argument {', '.join(f'{m}=' for m in missing)}")
        return args


_RENDERERS: dict[str, Spec] = {}


def renderer(kind: str, *, machines: str | None = None,
             later: Callable[[PageContext, dict[str, str]], Markup] | None = None,
             **args: Arg) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        if kind in _RENDERERS:
            raise ValueError(f"marker kind {kind!r} is registered twice")
        if machines is not None and machines != "each" and not machines.startswith("chart:"):
            raise ValueError(f"marker kind {kind!r}: machines={machines!r} is neither 'each' nor 'chart:<kind>'")
        _RENDERERS[kind] = Spec(kind, fn, dict(args), machines, later)
        return fn

    return register


def later_kinds() -> frozenset[str]:
    """The marker kinds rendered later (Spec.later), remembered (buildcache.remembered_json):
    listing them imports every family's views, which a cached build needn't."""
    return frozenset(buildcache.remembered_json("later-kinds",
                                                lambda: sorted(k for k, spec in renderers().items() if spec.later)))


def renderers() -> dict[str, Spec]:
    """Every marker kind: the shared ones and each family's (its ``views`` module)."""
    from tipsbench import families
    from tipsbench.render import claims as _claims  # noqa: F401 - registers on import
    from tipsbench.render import common as _shared  # noqa: F401 - registers on import
    from tipsbench.render import machines as _machines  # noqa: F401 - registers on import
    from tipsbench.render import releases as _releases  # noqa: F401 - registers on import
    from tipsbench.render import verdicts as _verdicts  # noqa: F401 - registers on import

    families.discover("views")
    return dict(_RENDERERS)


def _fragment_key(ctx: PageContext, marker: str) -> str:
    return buildcache.key("fragment", ctx.inputs or "", ctx.page, ctx.url, ctx.locale, marker)


def _kept_fragment(ctx: PageContext, marker: str) -> tuple[Markup, list[str]] | None:
    store = buildcache.active()
    if store is None or not ctx.inputs:
        return None
    found = store.get_json("fragments", _fragment_key(ctx, marker))
    if not (isinstance(found, dict) and isinstance(found.get("html"), str) and isinstance(found.get("warnings"), list)):
        return None
    # Markup: this exact HTML was made and escaped by our renderers from these inputs.
    return Markup(found["html"]), [str(w) for w in found["warnings"]]


def _keep_fragment(ctx: PageContext, marker: str, html: str, warnings: list[str]) -> None:
    store = buildcache.active()
    if store is not None and ctx.inputs:
        store.put_json("fragments", _fragment_key(ctx, marker), {"html": html, "warnings": warnings})


MARKDOWN_MARK = "<!--tb-markdown-->"
MARKDOWN_HEADING = re.compile(r"\s*<!--tb-markdown-->(.*?)<!--/tb-markdown-->\s*")


def markdown_heading(level: int, title: str, anchor: str) -> Markup:
    """A heading inside a marker's HTML that Markdown itself renders (anchor, permalink,
    table of contents). `title` is escaped; `anchor` must be letters, digits and '-'."""
    if not re.fullmatch(r"[A-Za-z0-9-]+", anchor) or not 1 <= level <= 6:
        raise ValueError(f"not a heading anchor or level: {anchor!r}, {level}")
    clean = " ".join(str(escape(title)).split())
    return Markup(f"<!--tb-markdown-->{'#' * level} {clean} {{#{anchor}}}<!--/tb-markdown-->")


def markers(markdown: str) -> list[tuple[str, str]]:
    """(kind, raw arguments) of each marker in a page, in order."""
    return [(m.group(1), m.group(2)) for m in MARKER.finditer(markdown)]


def render_markers(markdown: str, ctx: PageContext, stash: Callable[[str], str] | None = None) -> str:
    """Replace every marker; a bad marker becomes a warning and a visible notice.

    `stash` (the plugin's) takes a fragment's HTML and returns a placeholder to put in the
    Markdown instead: Python-Markdown then never parses our (large) HTML, which took
    more time than anything else in a build with many machines, and the plugin puts the
    HTML back after conversion.
    """
    def place(html: object) -> str:
        # Blank lines around the fragment make Markdown treat it as a raw HTML block. A
        # heading a renderer marked as Markdown (markdown_heading) is left out of the
        # block, so Markdown makes it a heading with its anchor and a place in the
        # table of contents; the HTML around it is stashed as usual.
        text = str(html)
        parts = MARKDOWN_HEADING.split(text) if MARKDOWN_MARK in text else [text]
        pieces = [part if i % 2 else (stash(part) if stash else part)
                  for i, part in enumerate(parts) if i % 2 or part.strip()]
        return "\n\n" + "\n\n".join(pieces) + "\n\n"

    def replace(match: re.Match) -> str:
        kind, raw_args = match.group(1), match.group(2)
        marker = " ".join(match.group(0).split())
        if kind in later:
            standing = stand_in(kind, raw_args, marker)
            if standing is not None:
                return place(ctx.later(lambda: render(kind, raw_args, marker), standing))
        return place(render(kind, raw_args, marker))

    def stand_in(kind: str, raw_args: str, marker: str) -> Markup | None:
        """What stands for a marker rendered later, kept in the cache as its HTML is (the
        claim's words come from the claims' modules, which import torch); None when the
        marker is wrong, which render() then says."""
        key = "stand-in " + marker
        kept = _kept_fragment(ctx, key)
        if kept is not None:
            return kept[0]
        spec = renderers()[kind]
        try:
            args = spec.validate(ARG.findall(raw_args))
        except MarkerError:
            return None
        html = spec.later(ctx, args)
        _keep_fragment(ctx, key, str(html), [])
        return html

    def render(kind: str, raw_args: str, marker: str) -> Markup:
        kept = _kept_fragment(ctx, marker)
        if kept is not None:
            html, warnings = kept
            for message in warnings:  # a cached build fails --strict exactly where a cold one does
                ctx.warn(message)
            return html
        said: list[str] = []

        def warn(message: str) -> None:
            said.append(message)
            ctx.warn(message)

        here = dataclasses.replace(ctx, warn=warn)
        available = renderers()
        try:
            spec = available.get(kind)
            if spec is None:
                raise MarkerError(f"unknown marker kind '{kind}' (known: {', '.join(sorted(available))})")
            args = spec.validate(ARG.findall(raw_args))
            html = here.fleet.show(spec, args, here) if spec.machines and here.fleet is not None else spec.fn(here, args)
        except MarkerError as exc:
            warn(f"{ctx.page}: {marker}: {exc}")
            html = empty_notice(common.text("marker_problem", ctx.locale, problem=str(exc)))
        _keep_fragment(ctx, marker, str(html), said)
        return html

    later = later_kinds() if ctx.later is not None else frozenset()
    out = MARKER.sub(replace, markdown)
    for stray in LOOKS_LIKE_MARKER.findall(out):
        ctx.warn(f"{ctx.page}: {' '.join(stray.split())}: not a well-formed marker "
                 "(expected <!-- tipsbench:kind name=value ... -->)")
    return out
