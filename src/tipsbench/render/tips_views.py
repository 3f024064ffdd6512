"""Renderers for the tips that aren't about bandwidth: the cost of TensorBoard logging,
shown as time per call and as a share of one small training step."""

from __future__ import annotations

import functools

from tipsbench.render import fmt
from tipsbench.render.common import empty_notice, machine_line
from tipsbench.render.fmt import esc
from tipsbench.render.labels import lookup
from tipsbench.render.registry import PageContext, renderer
from tipsbench.results import newest_per_machine

# The benchmark variant every logging call is divided by (benchmarks/test_tensorboard.py).
YARDSTICK = "train_step"

LABELS = {
    "call": {"en": "Call", "zh": "调用"},
    "median": {"en": "Median (IQR)", "zh": "中位数（IQR）"},
    "share": {"en": "Share of one training step", "zh": "占一次训练步的比例"},
    "yardstick": {"en": "One training step (the yardstick)", "zh": "一次训练步（作为基线）"},
    "no_results": {"en": "No logging-cost results yet: run `pytest benchmarks/test_tensorboard.py --benchmark-json FILE`.",
                   "zh": "还没有日志开销的结果：先运行 `pytest benchmarks/test_tensorboard.py --benchmark-json FILE`。"},
    "no_yardstick": {"en": "This run has no training-step benchmark, so no share is shown.",
                     "zh": "这次运行没有训练步的基准测试，因此不显示比例。"},
}


_l = functools.partial(lookup, LABELS)


@renderer("logging-cost")
def logging_cost(ctx: PageContext, args: dict) -> str:
    """One table per machine: each logging call's median and its share of a training step."""
    tip = args.get("tip", "tensorboard")
    blocks = []
    for run in newest_per_machine(ctx.runs, tip):
        records = run.for_tip(tip)
        step = next((r for r in records if r.variant == YARDSTICK), None)
        rows = []
        for r in sorted((r for r in records if r.variant != YARDSTICK), key=lambda r: r.median_s):
            share = fmt.percent(r.median_s / step.median_s) if step and step.median_s > 0 else "–"
            rows.append(_row(ctx.locale, r.extra.get("code", r.variant), r.median_s, r.iqr_s, share))
        if step:
            rows.append(_row(ctx.locale, step.extra.get("code", step.variant), step.median_s, step.iqr_s,
                             "100%", note=_l("yardstick", ctx.locale)))
        head = "".join(f"<th>{esc(_l(k, ctx.locale))}</th>" for k in ("call", "median", "share"))
        blocks.append(machine_line(ctx, run))
        blocks.append(f'<div class="tb-table"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
        if not step:
            blocks.append(f'<p class="tb-note">{esc(_l("no_yardstick", ctx.locale))}</p>')
    if not blocks:
        return empty_notice(_l("no_results", ctx.locale))
    return f'<div class="tb-results">{"".join(blocks)}</div>'


def _row(locale: str, code: object, median_s: float, iqr_s: float, share: str, note: str = "") -> str:
    label = f"<code>{esc(code)}</code>" + (f"<br><small>{esc(note)}</small>" if note else "")
    # Chinese text takes full-width parentheses (GLOSSARY rule 4).
    left, right = ("（", "）") if locale == "zh" else (" (", ")")
    spread = f"{fmt.duration(median_s)}{left}{fmt.duration(iqr_s)}{right}"
    return (f"<tr><td>{label}</td><td>{esc(spread)}</td>"
            f"<td>{esc(share)}</td></tr>")


CHECKED_ON = {"en": "Verdicts checked on {versions}, the versions that built this page.",
              "zh": "以上结论在 {versions} 上检查，也就是构建本页所用的版本。"}


@renderer("checked-on")
def checked_on(ctx: PageContext, args: dict) -> str:
    """The torch and numpy versions the page's claims were checked with at build time."""
    from tipsbench.render.common import versions

    return f'<p class="tb-provenance">{esc(CHECKED_ON[ctx.locale].format(versions=versions()))}</p>'
