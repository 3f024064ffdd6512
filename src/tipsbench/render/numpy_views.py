"""Renderers for the NumPy ↔ tensor results: headline findings and the fidelity
check of our timing against torch.utils.benchmark.Timer."""

from __future__ import annotations

from tipsbench import numpy_tensor
from tipsbench.ceilings import MEMCPY
from tipsbench.render import fmt
from tipsbench.render.common import empty_notice, machine_line
from tipsbench.render.fmt import esc
from tipsbench.render.labels import lookup
from tipsbench.render.registry import PageContext, renderer
from tipsbench.results import Record, Run, newest_per_machine, number

HEADLINE_DTYPE = "float32"
TEXT = {
    "share_vs_copy": {
        "en": "At {size} ({dtype}), <code>torch.from_numpy(a)</code> took {share} and <code>torch.tensor(a)</code> took {copy}: the copy took {ratio}× as long.",
        "zh": "{size}（{dtype}）的数组，<code>torch.from_numpy(a)</code> 耗时 {share}，<code>torch.tensor(a)</code> 耗时 {copy}，后者耗时是前者的 {ratio} 倍。",
    },
    "fresh_vs_warm": {
        "en": "Copying the same {size} into a new tensor ran at {fresh}; copying it into an already-touched tensor (<code>dst.copy_(…)</code>) ran at {warm}. The difference is the page faults of a fresh allocation.",
        "zh": "同样 {size} 的数据，复制到新张量的吞吐量为 {fresh}；复制到已写过的张量（<code>dst.copy_(…)</code>）为 {warm}。差距来自新分配内存的缺页异常。",
    },
    "ceiling": {
        "en": "This machine's warm memory-copy ceiling: {ceiling}.",
        "zh": "这台机器的内存复制上限（热缓冲区）：{ceiling}。",
    },
    "fidelity_head": {
        "en": ("Size", "tipsbench median", "Timer median", "Ratio"),
        "zh": ("大小", "tipsbench 中位数", "Timer 中位数", "比值"),
    },
}


def _pick(records: list[Record], variant: str, nbytes: int) -> Record | None:
    return next((r for r in records if r.variant == variant and r.nbytes == nbytes), None)


def _findings(ctx: PageContext, run: Run) -> list[str]:
    records = [r for r in run.for_tip(numpy_tensor.TIP) if r.dtype == HEADLINE_DTYPE]
    if not records:
        return []
    largest = max(r.nbytes for r in records)
    share, copy = _pick(records, "from_numpy", largest), _pick(records, "tensor", largest)
    warm = _pick(records, "copy_into_preallocated", largest)
    size = fmt.size(largest)
    found = []
    if share and copy and share.median_s > 0:
        ratio = copy.median_s / share.median_s
        found.append(lookup(TEXT, "share_vs_copy", ctx.locale,
            size=esc(size), dtype=HEADLINE_DTYPE, share=fmt.duration(share.median_s),
            copy=fmt.duration(copy.median_s), ratio=f"{ratio:,.0f}"))
    if copy and warm and copy.bytes_per_s and warm.bytes_per_s:
        found.append(lookup(TEXT, "fresh_vs_warm", ctx.locale,
            size=esc(size), fresh=fmt.rate(copy.bytes_per_s), warm=fmt.rate(warm.bytes_per_s)))
    ceiling = run.ceiling(MEMCPY)
    if ceiling:
        found.append(lookup(TEXT, "ceiling", ctx.locale, ceiling=fmt.rate(ceiling)))
    return found


@renderer("headline")
def headline(ctx: PageContext, args: dict) -> str:
    blocks = []
    for run in newest_per_machine(ctx.runs, numpy_tensor.TIP):
        found = _findings(ctx, run)
        if found:
            blocks.append(machine_line(ctx, run) + "<ul>" + "".join(f"<li>{f}</li>" for f in found) + "</ul>")
    if not blocks:
        return empty_notice(ctx.label("no_results"))
    return f'<div class="tb-headline">{"".join(blocks)}</div>'


@renderer("fidelity")
def fidelity(ctx: PageContext, args: dict) -> str:
    """Our calibrated median of torch.from_numpy vs Timer's, per size, per machine."""
    blocks = []
    head = "".join(f"<th>{h}</th>" for h in TEXT["fidelity_head"][ctx.locale])
    for run in newest_per_machine(ctx.runs, numpy_tensor.TIP):
        rows = []
        for r in sorted(run.for_tip(numpy_tensor.TIP), key=lambda r: (r.dtype, r.nbytes)):
            reference = number(r.extra.get("timer_median_s"))
            if not reference or reference <= 0:
                continue
            rows.append(f"<tr><td>{esc(fmt.size(r.nbytes))} {esc(r.dtype)}</td><td>{fmt.duration(r.median_s)}</td>"
                        f"<td>{fmt.duration(reference)}</td><td>{r.median_s / reference:.2f}</td></tr>")
        if rows:
            blocks.append(machine_line(ctx, run) + f'<div class="tb-table"><table><thead><tr>{head}</tr></thead>'
                          f"<tbody>{''.join(rows)}</tbody></table></div>")
    if not blocks:
        return empty_notice(ctx.label("no_results"))
    return "".join(blocks)
