"""Renderers every page can use (the runs behind the numbers, the
machines' ceilings, the versions a page was checked on) and the pieces family views
share: the provenance line under each table, the empty notice, results notes."""

from __future__ import annotations

import functools
from importlib import metadata

from mkdocs.utils import get_relative_url

from tipsbench import families, fmt
from tipsbench.cases import cache_level_of
from tipsbench.claims.build import installed_version
from tipsbench.render.html import Markup, join, table, tag
from tipsbench.render.labels import common, define
from tipsbench.render.registry import Arg, PageContext, empty_notice, renderer
from tipsbench.results import Record, Run, newest_per_machine

CEILING_NAMES = {
    "memcpy_bytes_per_s": {"en": "memory copy (warm, DRAM-sized)", "zh": "内存复制（已预热的缓冲区，超出缓存）"},
    "fsync_write_bytes_per_s": {"en": "file write + fsync", "zh": "文件写入 + fsync"},
    "page_cache_read_bytes_per_s": {"en": "read from the page cache", "zh": "从页缓存读取"},
    "evicted_read_bytes_per_s": {"en": "read of an evicted file", "zh": "读取已逐出缓存的文件"},
    "h2d_pinned_bytes_per_s": {"en": "host → device, pinned", "zh": "主机到设备（锁页内存）"},
    "d2h_pinned_bytes_per_s": {"en": "device → host, pinned", "zh": "设备到主机（锁页内存）"},
    "d2d_bytes_per_s": {"en": "device → device", "zh": "设备到设备"},
}
ceiling_labels = define("ceiling", CEILING_NAMES)

@functools.cache
def versions() -> str:
    """The torch and NumPy the build checked claims with: the same strings as
    torch.__version__ ("2.15.0+cu132") and numpy.__version__, without importing either."""
    return f"torch {installed_version()} · numpy {metadata.version('numpy')}"


def ceiling_name(name: str, locale: str) -> str:
    """A ceiling's name in words; a transfer ceiling of a second device keeps its suffix
    (``h2d_pinned_bytes_per_s_cuda1``); an unknown name (a newer suite) stays as it is."""
    for known in sorted(CEILING_NAMES, key=len, reverse=True):
        if name == known or name.startswith(known + "_"):
            suffix = name[len(known):].lstrip("_")
            return ceiling_labels.plain(known, locale) + (f" ({suffix})" if suffix else "")
    return name


def profile_name(profile: str, locale: str) -> str:
    """"full profile" / "完整档" (the loader accepts only the profiles it knows)."""
    return common.plain(f"profile_{profile}", locale)


def machine_parts(ctx: PageContext, run: Run) -> Markup:
    """'Machine: … · torch … · date · profile · results file': every part escaped."""
    m, loc = run.machine, ctx.locale
    parts: list[object] = [common.plain("machine_prefix", loc) + m.cpu_model]
    if m.torch_threads is not None:
        parts.append(f"{m.torch_threads} {common.plain('threads', loc)}")
    parts += [a.name for a in m.accelerators]
    parts += [f"torch {m.torch_version}", f"numpy {m.numpy_version}", run.when[:10],
              profile_name(m.profile, loc)]
    if m.finished_of:
        parts.append(common.plain("interrupted", loc, finished=m.finished_of[0], selected=m.finished_of[1]))
    parts.append(common.plain("results_file", loc) + " " + file_link(ctx, run))
    return join(parts, " · ")


def file_link(ctx: PageContext, run: Run) -> Markup:
    """The run's file name, linked to the file the site serves for download (every number
    traces back to it); just the name where the build publishes no files."""
    name = tag("code", run.file_name)
    url = ctx.downloads.get(run.path)
    return tag("a", name, href=get_relative_url(url, ctx.url), download=run.file_name) if url else name


def page_href(ctx: PageContext, page: str) -> str:
    """A link from the current page to a page of the site ("numpy", "numpy#from-numpy") in
    the same language, relative, as MkDocs makes its own (directory URLs: from "tips/" to
    "../numpy/#from-numpy")."""
    stem, _, anchor = page.partition("#")
    root = "" if ctx.locale == "en" else f"{ctx.locale}/"
    target = root + ("" if stem == "index" else f"{stem}/")
    return get_relative_url(target or "./", ctx.url) + (f"#{anchor}" if anchor else "")


def machine_line(ctx: PageContext, run: Run) -> Markup:
    """The provenance line above a table or chart of `run` (ctx.named records it)."""
    ctx.named.append(run)
    return tag("p", machine_parts(ctx, run), class_="tb-provenance")


def no_results(ctx: PageContext) -> Markup:
    return empty_notice(common.text("no_results", ctx.locale))


def notes(*texts: Markup) -> Markup:
    return join(tag("p", t, class_="tb-note") for t in texts)


def working_set_level(nbytes: int, copies: bool, caches: tuple[tuple[str, int], ...]) -> str:
    """The smallest cache holding what a call touches: the source, plus the destination
    when it copies (a copy's working set is source + destination, not the source alone)."""
    return cache_level_of(nbytes * (2 if copies else 1), dict(caches))


def record_level(record: Record, caches: tuple[tuple[str, int], ...]) -> str:
    return working_set_level(record.nbytes, not record.shares_memory, caches)


def cache_notes(records: list[Record], caches: tuple[tuple[str, int], ...], locale: str) -> dict[int, str]:
    """Per size column, the cache level that holds a copy's working set (source + copy)."""
    levels = {r.nbytes: working_set_level(r.nbytes, True, caches) for r in records}
    return {n: common.plain("dram", locale) if level == "DRAM" else level for n, level in levels.items()}


@renderer("runs", tip=Arg(choices=families.tips))
def runs(ctx: PageContext, args: dict[str, str]) -> Markup:
    """The runs the tables show, each machine's newest of each tip (of the one tip given):
    the provenance of each number. A machine's page lists all of its runs."""
    tips = [args["tip"]] if "tip" in args else sorted({r.tip for run in ctx.runs for r in run.records})
    chosen = {run.path: run for tip in tips for run in newest_per_machine(ctx.runs, tip)}
    if not chosen:
        return no_results(ctx)
    items = [tag("li", machine_parts(ctx, run) + " · " + common.plain("benchmarks", ctx.locale, n=len(run.records)))
             for run in sorted(chosen.values(), key=lambda r: (r.key, r.utc))]
    return tag("ul", join(items), class_="tb-runs")


@renderer("ceilings")
def ceilings_table(ctx: PageContext, args: dict[str, str]) -> Markup:
    """Each machine's measured ceilings in its newest run that measured any (medians, with
    the worst and best repeat): a newer run of a suite without ceilings doesn't hide them."""
    rows = []
    for run in newest_per_machine(r for r in ctx.runs if r.machine.ceilings):
        for c in run.machine.ceilings:
            spread = f"{fmt.rate(c.worst)} – {fmt.rate(c.best)}" if c.worst and c.best else ""
            rows.append([run.machine.cpu_model, ceiling_name(c.name, ctx.locale), fmt.rate(c.bytes_per_s),
                         spread, file_link(ctx, run)])
    if not rows:
        return no_results(ctx)
    head = [common.plain(f"ceilings_head_{k}", ctx.locale) for k in ("machine", "ceiling", "median", "range", "file")]
    return table(head, rows)


@renderer("checked-on")
def checked_on(ctx: PageContext, args: dict[str, str]) -> Markup:
    """The torch and numpy versions the page's claims were checked with at build time."""
    return tag("p", common.plain("checked_on_page", ctx.locale, versions=versions()), class_="tb-provenance")


