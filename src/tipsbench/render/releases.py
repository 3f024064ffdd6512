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
from tipsbench.render.registry import Arg, PageContext, renderer
from tipsbench.results import Record, Run


@dataclass(frozen=True)
class Figure:
    tip: str
    id: str
    label: dict[str, str]  # locale -> what is timed (may hold `code`)
    where: Callable[[Record], bool] = field(compare=False)


_FIGURES: dict[str, list[Figure]] = {}


def figure(tip: str, figure_id: str, *, en: str, zh: str, where: Callable[[Record], bool]) -> None:
    _FIGURES.setdefault(tip, []).append(Figure(tip, figure_id, {"en": en, "zh": zh}, where))


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
    "machine": {"en": "All on one machine: {cpu}, quick profile; runs in `results/timeline/`: {files}.",
                "zh": "全部在同一台机器上测得：{cpu}，快速档；运行结果在 `results/timeline/` 中：{files}。"},
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


def _record(run: Run, fig: Figure) -> Record | None:
    return next((r for r in run.for_tip(fig.tip) if fig.where(r)), None)


@renderer("release-bench", tip=Arg(required=True, choices=tips_with_figures))
def release_bench(ctx: PageContext, args: dict[str, str]) -> Markup:
    tip, loc = args["tip"], ctx.locale
    chosen = _per_release(ctx.release_runs)
    figs = figures(tip)
    if not chosen or not figs:
        return tag("p", text.text("none", loc), class_="tb-empty")
    releases = [release for release, _ in chosen]
    series, rows = [], []
    for fig in figs:
        points, cells = [], []
        for index, (_, run) in enumerate(chosen):
            record = _record(run, fig)
            if record is None:
                cells.append("—")
                continue
            points.append((index, record.median_s))
            tooltip = f"torch {run.machine.torch_version} · IQR {fmt.duration(record.iqr_s)} · {record.rounds} rounds"
            cells.append(cell(fmt.duration(record.median_s), title=tooltip, class_="tb-num"))
        series.append(ReleaseSeries(fig.label[loc].replace("`", ""), tuple(points)))
        rows.append([code_spans(fig.label[loc]), *cells])
    chart = release_chart(series, releases, title=text.plain("title", loc), x_label=text.plain("axis_release", loc),
                          y_label=text.plain("axis_time", loc), chart_id=f"tb-releases-{tip}-{loc}")
    grid = table([text.plain("head_figure", loc), *releases], rows)
    files = join((tag("code", run.file_name) for _, run in chosen), ", ")
    line = tag("p", text.text("machine", loc, cpu=chosen[0][1].machine.cpu_model, files=files), class_="tb-provenance")
    return join([tag("figure", chart, class_="tb-figure"), grid, line])
