"""The TensorBoard page's generated part: what each logging call costs, as time per
call and as a share of one small training step.

Marker:
    <!-- tipsbench:logging-cost -->
"""

from __future__ import annotations

from tipsbench import fmt
from tipsbench.families.tensorboard import TIP
from tipsbench.families.tensorboard.catalog import YARDSTICK
from tipsbench.render.common import empty_notice, machine_line, notes
from tipsbench.render.html import Markup, join, table, tag
from tipsbench.render.labels import define
from tipsbench.render.registry import PageContext, renderer
from tipsbench.results import Record, newest_per_machine

text = define("tensorboard", {
    "call": {"en": "Call", "zh": "调用"},
    "median": {"en": "Median (IQR)", "zh": "中位数（IQR）"},
    "share": {"en": "Share of one training step", "zh": "占一次训练步的比例"},
    "yardstick": {"en": "One training step (the yardstick)", "zh": "一次训练步（作为基线）"},
    "no_results": {"en": "No logging-cost results yet: run `pytest benchmarks/test_tensorboard.py --benchmark-json FILE`.",
                   "zh": "还没有日志开销的结果：先运行 `pytest benchmarks/test_tensorboard.py --benchmark-json FILE`。"},
    "no_yardstick": {"en": "This run has no training-step benchmark, so no share is shown.",
                     "zh": "这次运行没有训练步的基准测试，因此不显示比例。"},
    "spread": {"en": "{median} ({iqr})", "zh": "{median}（{iqr}）"},
})


def _row(locale: str, r: Record, share: str, note: str = "") -> list[object]:
    label = tag("code", r.code) + (Markup("<br>") + tag("small", note) if note else Markup())
    spread = text.plain("spread", locale, median=fmt.duration(r.median_s), iqr=fmt.duration(r.iqr_s))
    return [label, spread, share]


@renderer("logging-cost")
def logging_cost(ctx: PageContext, args: dict[str, str]) -> Markup:
    """One table per machine: each logging call's median and its share of a training step."""
    blocks = []
    for run in newest_per_machine(ctx.runs, TIP):
        records = run.for_tip(TIP)
        step = next((r for r in records if r.variant == YARDSTICK), None)
        rows = []
        for r in sorted((r for r in records if r.variant != YARDSTICK), key=lambda r: r.median_s):
            share = fmt.percent(r.median_s / step.median_s) if step and step.median_s > 0 else "–"
            rows.append(_row(ctx.locale, r, share))
        if step:
            rows.append(_row(ctx.locale, step, "100%", note=text.plain("yardstick", ctx.locale)))
        head = [text.plain(k, ctx.locale) for k in ("call", "median", "share")]
        blocks += [machine_line(ctx, run), table(head, rows)]
        if not step:
            blocks.append(notes(text.text("no_yardstick", ctx.locale)))
    if not blocks:
        return empty_notice(text.text("no_results", ctx.locale))
    return tag("div", join(blocks), class_="tb-results")
