"""The GPU page's all-reduce table: time, algbw and busbw per size, for each machine and
number of GPUs, from runs on GPUs only (a gloo run on CPUs tests the logic and is never
shown), and a notice with the way to make one while none exists.

Marker:
    <!-- tipsbench:allreduce-table -->   one table per machine and world size
"""

from __future__ import annotations

from tipsbench import fmt
from tipsbench.families.collectives import TIP
from tipsbench.families.collectives.records import algbw, bus_factor, busbw, fields
from tipsbench.render.common import empty_notice, machine_line, notes
from tipsbench.render.html import Markup, cell, join, table, tag
from tipsbench.render.labels import define
from tipsbench.render.registry import PageContext, renderer
from tipsbench.render.tables import stats_tooltip
from tipsbench.results import Record, Run

# The GPU page's section (same id in both languages) with the torchrun command.
RUN_ANCHOR = "#torchrun"

text = define("collectives", {
    "none": {"en": "No multi-GPU results yet: this table needs an all-reduce run on two or more GPUs, "
                   "and none has been contributed.",
             "zh": "目前还没有多块 GPU 的实测结果：这张表需要在两块或更多 GPU 上运行的 all-reduce 结果，而现在还没有人提交过。"},
    "how_to_run": {"en": "How to run it", "zh": "如何运行"},
    "world": {"en": "{ranks} GPUs, {per_node} per node on {nodes} node(s), backend {backend}; rank 0 on {device}",
              "zh": "{ranks} 块 GPU，{nodes} 个节点，每个节点 {per_node} 块，后端 {backend}；rank 0 使用 {device}"},
    "size": {"en": "Size per GPU (S)", "zh": "每块 GPU 的数据量（S）"},
    "median": {"en": "Median time (t)", "zh": "中位耗时（t）"},
    "algbw": {"en": "algbw = S / t", "zh": "algbw = S / t"},
    "busbw": {"en": "busbw = algbw × 2(n−1)/n", "zh": "busbw = algbw × 2(n−1)/n"},
    "busbw_note": {"en": "n = {ranks} ranks, so busbw = algbw × {factor}: the figure to hold against one GPU's link "
                         "bandwidth, whatever the number of GPUs (nccl-tests' definition).",
                   "zh": "n = {ranks}，所以 busbw = algbw × {factor}：无论 GPU 有几块，都可以直接与单块 GPU 的链路带宽比较（nccl-tests 的定义）。"},
    "timing_is": {"en": "Timing: {method}.", "zh": "计时方式：{method}。"},
})


def gpu_groups(runs: tuple[Run, ...]) -> list[tuple[Run, list[Record]]]:
    """The newest run per machine and shape (world size, ranks per node) on GPUs, with its records."""
    best: dict[tuple[str, int, int], tuple[Run, list[Record]]] = {}
    for run in runs:
        shapes: dict[tuple[int, int], list[Record]] = {}
        for record in run.for_tip(TIP):
            f = fields(record)
            if f.on_gpus:
                shapes.setdefault((f.world_size, f.local_world_size), []).append(record)
        for shape, records in shapes.items():
            key = (run.key, *shape)
            if key not in best or run.utc > best[key][0].utc:
                best[key] = (run, records)
    return [best[key] for key in sorted(best)]


def _rate(value: float | None) -> str:
    return fmt.rate(value) if value else "–"


@renderer("allreduce-table", machines="each")
def allreduce_table(ctx: PageContext, args: dict[str, str]) -> Markup:
    loc = ctx.locale
    groups = gpu_groups(ctx.runs)
    if not groups:
        space = "" if loc == "zh" else " "  # no space after full-width punctuation
        return empty_notice(text.text("none", loc) + space + tag("a", text.plain("how_to_run", loc), href=RUN_ANCHOR))
    head = [text.plain(k, loc) for k in ("size", "median", "algbw", "busbw")]
    blocks = []
    for run, records in groups:
        first = fields(records[0])
        rows = [[fmt.size(r.nbytes), cell(fmt.duration(r.median_s), title=stats_tooltip(r, loc)), _rate(algbw(r)), _rate(busbw(r))]
                for r in sorted(records, key=lambda r: r.nbytes)]
        world = text.text("world", loc, ranks=first.world_size, per_node=first.local_world_size, nodes=first.nodes,
                          backend=first.backend, device=first.device)
        factor = f"{bus_factor(first.world_size):.3g}"
        methods = ", ".join(sorted({fields(r).timing for r in records}))
        blocks.append(machine_line(ctx, run) + tag("p", tag("strong", world), class_="tb-device") + table(head, rows)
                      + notes(text.text("busbw_note", loc, ranks=first.world_size, factor=factor),
                              text.text("timing_is", loc, method=methods)))
    return tag("div", join(blocks), class_="tb-results")
