"""How a few headline timings moved across torch releases, from the quick-profile runs
``tipsbench timeline --bench`` made on one machine (``results/timeline/``).

Marker:
    <!-- tipsbench:release-bench tip=save_load -->

Each family registers its headline figures (``figure(...)`` in its views): a label in
both languages and the record it reads. The renderer draws one line per figure (median
time per release, log scale) and a table with the numbers, every cell traceable to its
run. Runs of one machine only are compared: timings of different machines are not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tipsbench import families, fmt
from tipsbench.claims.build import release_key, release_of
from tipsbench.render.charts import ReleaseSeries, release_chart
from tipsbench.render.html import Markup, cell, code_spans, join, table, tag
from tipsbench.render.labels import define
from tipsbench.render.registry import Arg, PageContext, empty_notice, renderer
from tipsbench.render.tables import stats_tooltip
from tipsbench.results import Record, Run


@dataclass(frozen=True)
class Figure:
    tip: str
    id: str
    label: dict[str, str]  # locale -> what is timed (may hold `code`)
    where: Callable[[Record], bool] = field(compare=False)
    short: dict[str, str] = field(default_factory=dict)  # locale -> a table header (default: label)
    # A ratio figure: the record `where` picks over the one `over` picks, both from the
    # same run (a shared machine's mood cancels out); drawn in the table, not the chart.
    over: Callable[[Record], bool] | None = field(default=None, compare=False)

    def plain(self, locale: str) -> str:
        """The label as text (a chart legend, a tooltip): no backticks."""
        return self.label[locale].replace("`", "")

    def head(self, locale: str) -> object:
        """Its table column's header: the short name, the whole label on hover."""
        return cell(code_spans(self.short.get(locale) or self.label[locale]), header=True, title=self.plain(locale))


_FIGURES: dict[str, list[Figure]] = {}


def figure(tip: str, figure_id: str, *, en: str, zh: str, where: Callable[[Record], bool],
           over: Callable[[Record], bool] | None = None, short: tuple[str, str] | None = None) -> None:
    """Register a headline figure; `short` (en, zh) heads its table column."""
    heads = {"en": short[0], "zh": short[1]} if short else {}
    _FIGURES.setdefault(tip, []).append(Figure(tip, figure_id, {"en": en, "zh": zh}, where, heads, over))


def figures(tip: str) -> list[Figure]:
    families.discover("views")
    return list(_FIGURES.get(tip, []))


def tips_with_figures() -> list[str]:
    families.discover("views")
    return sorted(_FIGURES)


text = define("releases", {
    "title": {"en": "Median time per torch release", "zh": "各 torch 版本上的中位耗时"},
    "axis_release": {"en": "torch release", "zh": "torch 版本"},
    "axis_time": {"en": "Median time (log scale)", "zh": "中位耗时（对数坐标）"},
    "head_figure": {"en": "What is timed", "zh": "测的是什么"},
    "machine": {"en": "All on one machine: {cpu}, quick profile; one run per release in `results/timeline/` (hover over a release for its file).",
                "zh": "全部在同一台机器上用快速档测得：{cpu}；每个版本一次运行，结果在 `results/timeline/` 中（鼠标移到版本号上可看到对应的文件）。"},
    "means": {"en": ": ", "zh": "："},
    "none": {"en": "No release runs yet: `tipsbench timeline --bench` makes them.",
             "zh": "还没有各版本的运行结果：`tipsbench timeline --bench` 会生成它们。"},
})


def _per_release(runs: tuple[Run, ...]) -> list[tuple[str, Run]]:
    """The newest run per release, of the machine with the most releases, oldest release first."""
    by_machine: dict[str, dict[str, Run]] = {}
    for run in runs:
        try:
            release = release_of(run.machine.torch_version)
        except ValueError:  # a file from elsewhere whose torch version isn't one: not on this chart
            continue
        current = by_machine.setdefault(run.key, {}).get(release)
        if current is None or run.utc > current.utc:
            by_machine[run.key][release] = run
    if not by_machine:
        return []
    machine = max(sorted(by_machine), key=lambda key: len(by_machine[key]))
    return sorted(by_machine[machine].items(), key=lambda item: release_key(item[0]))


def _record(run: Run, fig: Figure, where: Callable[[Record], bool] | None = None) -> Record | None:
    return next((r for r in run.for_tip(fig.tip) if (where or fig.where)(r)), None)


def figure_cell(run: Run, fig: Figure, locale: str) -> tuple[float | None, object]:
    """(the median time to plot, or None for a ratio; the table cell), "—" when not measured."""
    record = _record(run, fig)
    if record is None:
        return None, "—"
    if fig.over is None:
        tooltip = stats_tooltip(record, locale, f"torch {run.machine.torch_version}")
        return record.median_s, cell(fmt.duration(record.median_s), title=tooltip, class_="tb-num")
    base = _record(run, fig, fig.over)
    if base is None or base.median_s <= 0:
        return None, "—"
    tooltip = f"torch {run.machine.torch_version} · {fmt.duration(record.median_s)} / {fmt.duration(base.median_s)}"
    return None, cell(f"{record.median_s / base.median_s:.2f}×", title=tooltip, class_="tb-num")


@renderer("release-bench", tip=Arg(required=True, choices=tips_with_figures))
def release_bench(ctx: PageContext, args: dict[str, str]) -> Markup:
    tip, loc = args["tip"], ctx.locale
    chosen = _per_release(ctx.release_runs)
    figs = figures(tip)
    if not chosen or not figs:
        return empty_notice(text.text("none", loc))
    releases = [release for release, _ in chosen]
    series, columns = [], []
    for fig in figs:
        points, cells = [], []
        for index, (_, run) in enumerate(chosen):
            value, shown = figure_cell(run, fig, loc)
            cells.append(shown)
            if value is not None:
                points.append((index, value))
        if fig.over is None:
            series.append(ReleaseSeries(fig.plain(loc), tuple(points)))
        columns.append(cells)
    chart = release_chart(series, releases, title=text.plain("title", loc), x_label=text.plain("axis_release", loc),
                          y_label=text.plain("axis_time", loc))
    # A row per release (a dozen), a column per figure (a few): it fits the page's width,
    # and each row names the results file its numbers come from.
    rows = [[cell(f"torch {run.machine.torch_version}", title=run.file_name), *(column[i] for column in columns)]
            for i, (_, run) in enumerate(chosen)]
    head = [text.plain("axis_release", loc),
            *(fig.head(loc) for fig in figs)]
    grid = table(head, rows)
    key = tag("ul", join(tag("li", tag("strong", code_spans(fig.short[loc])) + text.text("means", loc) + code_spans(fig.label[loc]))
                         for fig in figs if fig.short.get(loc)), class_="tb-note")
    line = tag("p", text.text("machine", loc, cpu=chosen[0][1].machine.cpu_model), class_="tb-provenance")
    return join([tag("figure", chart, class_="tb-figure"), grid, key, line])
