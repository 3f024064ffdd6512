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
    # What each row's code does, in words (the code itself stays code in both languages).
    "row_add_scalar": {"en": "one scalar per step", "zh": "每步记录一个标量"},
    "row_add_image": {"en": "a 3×64×64 image, converted and PNG-encoded", "zh": "一张 3×64×64 的图像，转换后编码为 PNG"},
    "row_flush": {"en": "flush with 10 pending scalars", "zh": "有 10 个待写标量时刷新"},
    "row_train_step": {"en": "MLP 784-256-10, batch 64: forward, backward and an SGD step",
                       "zh": "MLP 784-256-10，批大小 64：前向、反向和一次 SGD 更新"},
})


def _row(locale: str, r: Record, share: str, note: str = "") -> list[object]:
    # Our own variants get a description in the page's language; the code stays as recorded.
    described = text.plain(f"row_{r.variant}", locale) if text.has(f"row_{r.variant}") else ""
    if r.variant == YARDSTICK:  # not one call but a whole step: described, not quoted as code
        head, small = (described or r.code), note
    else:
        head, small = tag("code", r.code), "; ".join(filter(None, [described, note]))
    label = head + (Markup("<br>") + tag("small", small) if small else Markup())
    spread = text.plain("spread", locale, median=fmt.duration(r.median_s), iqr=fmt.duration(r.iqr_s))
    return [label, spread, share]


@renderer("logging-cost", machines="each")
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
