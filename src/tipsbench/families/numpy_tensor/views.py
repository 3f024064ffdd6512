"""The Tensor ↔ NumPy page's generated parts: a table and a chart per dtype, the
headline findings, and the fidelity check of our timing against
torch.utils.benchmark.Timer.

Markers:
    <!-- tipsbench:numpy-table dtype=float32 -->
    <!-- tipsbench:numpy-chart dtype=float32 -->
    <!-- tipsbench:numpy-headline -->
    <!-- tipsbench:numpy-fidelity -->
"""

from __future__ import annotations

from tipsbench import fmt
from tipsbench.cases import KiB, MiB
from tipsbench.ceilings import MEMCPY
from tipsbench.families.numpy_tensor import DTYPES_FULL, TIP
from tipsbench.families.numpy_tensor.records import NumpyFields
from tipsbench.render.charts import Series, throughput_chart
from tipsbench.render.common import cache_notes, machine_line, no_results, notes, record_level
from tipsbench.render.html import Markup, join, table, tag
from tipsbench.render.labels import common, define
from tipsbench.render.registry import Arg, PageContext, renderer
from tipsbench.render.releases import figure
from tipsbench.render.tables import results_table
from tipsbench.results import Record, Run, newest_per_machine

HEADLINE_DTYPE = "float32"
DTYPE = Arg(required=True, choices=DTYPES_FULL)

text = define("numpy", {
    "share_vs_copy": {
        "en": "At {size} ({dtype}), `torch.from_numpy(a)` took {share} and `torch.tensor(a)` took {copy}: the copy took about {ratio} times as long.",
        "zh": "{size}（{dtype}）的数组，`torch.from_numpy(a)` 耗时 {share}，`torch.tensor(a)` 耗时 {copy}，后者耗时约为前者的 {ratio}。",
    },
    "fresh_vs_warm": {
        "en": "Copying the same {size} into a new tensor ran at {fresh}; copying it into an already-touched tensor (`dst.copy_(…)`) ran at {warm}. The difference is the page faults of a fresh allocation.",
        "zh": "同样 {size} 的数据，复制到新张量的吞吐量为 {fresh}；复制到已预热的张量（`dst.copy_(…)`）为 {warm}。差距来自新分配内存的缺页异常。",
    },
    "ceiling": {
        "en": "This machine's copy ceiling in this run (the fastest DRAM-sized copy it made): {ceiling}.",
        "zh": "这台机器在本次运行中的复制上限（它做到的最快的超出缓存的复制）：{ceiling}。",
    },
    "level_note": {
        "en": "Under each size: the smallest cache that holds the array and a copy of it (a copy's working set), as this machine's caches go; DRAM when none does.",
        "zh": "每个大小下方标注的是能同时容纳数组及其副本（复制时的工作集）的最小一级缓存，按这台机器的缓存容量计算；都放不下时标为 DRAM。",
    },
    "faults": {"en": "{n} page faults per call", "zh": "每次调用 {n} 次缺页异常"},
    "fidelity_size": {"en": "Size", "zh": "大小"},
    "fidelity_ours": {"en": "tipsbench median", "zh": "tipsbench 中位数"},
    "fidelity_timer": {"en": "Timer median", "zh": "Timer 中位数"},
    "fidelity_ratio": {"en": "Ratio", "zh": "比值"},
})


def _faults(record: Record, locale: str) -> str:
    """'12,345 page faults per call' for the tooltip, where the run measured them."""
    faults = record.fields.minor_faults_per_call if isinstance(record.fields, NumpyFields) else None
    return "" if faults is None else text.plain("faults", locale, n=f"{faults:,.0f}")


def copy_ceiling(run: Run) -> float | None:
    """The fastest DRAM-sized copy of the run: the memcpy measurement (its median, or its
    best repeat), or any NumPy ↔ tensor copy, any dtype or method, whose working set is
    beyond the caches. A real ceiling, so no DRAM-sized case can show more than 100%;
    cache-sized cases still can, and their note says why."""
    memcpy = run.machine.ceiling(MEMCPY)
    found = [memcpy.bytes_per_s, memcpy.best or 0.0] if memcpy else []
    found += [r.bytes_per_s for r in run.for_tip(TIP)
              if r.bytes_per_s and record_level(r, run.machine.caches) == "DRAM"]
    return max(found) if found else None


def _matching(dtype: str):
    return lambda r: r.tip == TIP and r.dtype == dtype


def _runs(ctx: PageContext, dtype: str) -> list[Run]:
    return newest_per_machine(ctx.runs, TIP, _matching(dtype))


@renderer("numpy-table", machines="each", dtype=DTYPE)
def numpy_table(ctx: PageContext, args: dict[str, str]) -> Markup:
    blocks = []
    for run in _runs(ctx, args["dtype"]):
        records = [r for r in run.for_tip(TIP) if r.dtype == args["dtype"]]
        ceiling = copy_ceiling(run)
        extra = [common.text("zero_copy_note", ctx.locale)] if any(r.bytes_per_s is None for r in records) else []
        over = [r for r in records if ceiling and (r.bytes_per_s or 0) > ceiling]
        # Each note must fit its case: a cache-sized copy beats a DRAM copy for a reason; a
        # DRAM-sized copy beating the reference means the reference isn't a hard ceiling.
        caches = run.machine.caches
        if any(record_level(r, caches) != "DRAM" for r in over):
            extra.append(common.text("over_100_note", ctx.locale))
        if caches:
            extra.append(text.text("level_note", ctx.locale))
        table_html = results_table(records, ceiling, ctx.locale, cache_notes(records, caches, ctx.locale),
                                   more=lambda r: _faults(r, ctx.locale))
        blocks += [machine_line(ctx, run), table_html, notes(*extra)]
    return tag("div", join(blocks), class_="tb-results") if blocks else no_results(ctx)


@renderer("numpy-chart", machines="chart:numpy-table", dtype=DTYPE)
def numpy_chart(ctx: PageContext, args: dict[str, str]) -> Markup:
    blocks = []
    dtype = args["dtype"]
    for run in _runs(ctx, dtype):
        records = [r for r in run.for_tip(TIP) if r.dtype == dtype and r.bytes_per_s is not None]
        if not records:
            continue
        by_code: dict[str, list[tuple[float, float]]] = {}
        for r in records:
            by_code.setdefault(r.code, []).append((r.nbytes, r.bytes_per_s))
        ceiling = copy_ceiling(run)
        svg = throughput_chart(
            [Series(name, tuple(points)) for name, points in by_code.items()],
            title=common.plain("chart_title_rate", ctx.locale, dtype=dtype),
            x_label=common.plain("axis_size", ctx.locale), y_label=common.plain("axis_rate", ctx.locale),
            ceiling=(common.plain("ceiling_line", ctx.locale), ceiling) if ceiling else None,
            marks=[(name, float(size)) for name, size in run.machine.caches],
        )
        blocks.append(machine_line(ctx, run) + tag("figure", svg, class_="tb-figure"))
    return join(blocks) if blocks else no_results(ctx)


def about(value: float, locale: str) -> str:
    """Two significant digits, as Chinese and English write large numbers: 130,000 / 13 万.

    The ratio of two noisy medians has no six meaningful digits.
    """
    rounded = float(f"{value:.2g}")
    if locale == "zh" and rounded >= 1e4:
        return f"{rounded / 1e4:g} 万"
    return f"{rounded:,.0f}" if rounded >= 10 else f"{rounded:g}"


def times(value: float, locale: str) -> str:
    """How many times: "17,000" (the English sentence says "times"), "2.5 倍" / "17 万倍"
    (倍 follows 万 directly; after a digit, with a space)."""
    number = about(value, locale)
    if locale != "zh":
        return number
    return f"{number}倍" if number.endswith("万") else f"{number} 倍"


def _pick(records: list[Record], variant: str, nbytes: int) -> Record | None:
    return next((r for r in records if r.variant == variant and r.nbytes == nbytes), None)


def _findings(ctx: PageContext, run: Run) -> list[Markup]:
    records = [r for r in run.for_tip(TIP) if r.dtype == HEADLINE_DTYPE]
    if not records:
        return []
    largest = max(r.nbytes for r in records)
    share, copy = _pick(records, "from_numpy", largest), _pick(records, "tensor", largest)
    warm = _pick(records, "copy_into_preallocated", largest)
    size = fmt.size(largest)
    found = []
    if share and copy and share.median_s > 0:
        found.append(text.text("share_vs_copy", ctx.locale, size=size, dtype=HEADLINE_DTYPE,
                               share=fmt.duration(share.median_s), copy=fmt.duration(copy.median_s),
                               ratio=times(copy.median_s / share.median_s, ctx.locale)))
    if copy and warm and copy.bytes_per_s and warm.bytes_per_s:
        found.append(text.text("fresh_vs_warm", ctx.locale, size=size, fresh=fmt.rate(copy.bytes_per_s),
                               warm=fmt.rate(warm.bytes_per_s)))
    ceiling = copy_ceiling(run)
    if ceiling:
        found.append(text.text("ceiling", ctx.locale, ceiling=fmt.rate(ceiling)))
    return found


@renderer("numpy-headline", machines="each")
def headline(ctx: PageContext, args: dict[str, str]) -> Markup:
    blocks = []
    for run in newest_per_machine(ctx.runs, TIP):
        found = _findings(ctx, run)
        if found:
            blocks.append(machine_line(ctx, run) + tag("ul", join(tag("li", f) for f in found)))
    return tag("div", join(blocks), class_="tb-headline") if blocks else no_results(ctx)


@renderer("numpy-fidelity", machines="each")
def fidelity(ctx: PageContext, args: dict[str, str]) -> Markup:
    """Our calibrated median of torch.from_numpy vs Timer's, per size, per machine."""
    head = [text.plain(f"fidelity_{k}", ctx.locale) for k in ("size", "ours", "timer", "ratio")]
    blocks = []
    for run in newest_per_machine(ctx.runs, TIP):
        rows = []
        for r in sorted(run.for_tip(TIP), key=lambda r: (r.dtype, r.nbytes)):
            reference = r.fields.timer_median_s if isinstance(r.fields, NumpyFields) else None
            if reference:
                rows.append([f"{fmt.size(r.nbytes)} {r.dtype}", fmt.duration(r.median_s), fmt.duration(reference),
                             f"{r.median_s / reference:.2f}"])
        if rows:
            blocks.append(machine_line(ctx, run) + table(head, rows))
    return join(blocks) if blocks else no_results(ctx)


# --- across torch releases (render/releases.py) -------------------------------------------

def _float32(variant: str, nbytes: int):
    return lambda r: r.variant == variant and r.dtype == "float32" and r.nbytes == nbytes


# The quick profile's sizes: 1 KiB shows a call's fixed cost, 64 MiB a copy's bandwidth.
figure(TIP, "from_numpy", en="`torch.from_numpy(a)`, float32, 1 KiB (shares)", zh="`torch.from_numpy(a)`，float32，1 KiB（共享）",
       where=_float32("from_numpy", KiB), short=("from_numpy", "from_numpy"))
figure(TIP, "numpy", en="`t.numpy()`, float32, 1 KiB (shares)", zh="`t.numpy()`，float32，1 KiB（共享）",
       where=_float32("numpy", KiB), short=("t.numpy()", "t.numpy()"))
figure(TIP, "tensor", en="`torch.tensor(a)`, float32, 64 MiB (copies)", zh="`torch.tensor(a)`，float32，64 MiB（复制）",
       where=_float32("tensor", 64 * MiB), short=("torch.tensor", "torch.tensor"))
