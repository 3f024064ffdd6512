"""The GPU page's generated parts: bandwidth per device and direction, pinned vs
pageable against the measured ceiling and the link's theoretical figure, and a plain
"no GPU results yet" notice (with the command to contribute one) while none exist.

Markers:
    <!-- tipsbench:gpu-status -->                  which GPU machines the numbers come from
    <!-- tipsbench:gpu-summary -->                 best pinned / pageable per direction vs link
    <!-- tipsbench:gpu-table direction=h2d -->     variants × sizes for one direction
    <!-- tipsbench:gpu-chart direction=h2d -->     throughput vs size for one direction
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from tipsbench import transfer
from tipsbench.render import fmt
from tipsbench.render.charts import Series, throughput_chart
from tipsbench.render.common import empty_notice, machine_line
from tipsbench.render.fmt import esc
from tipsbench.render.labels import lookup
from tipsbench.render.registry import MarkerError, PageContext, renderer, require
from tipsbench.render.tables import results_table
from tipsbench.results import Record, Run, newest_per_machine, number

DIRECTIONS = (transfer.H2D, transfer.D2H, transfer.D2D, transfer.PIN)
CONTRIBUTE_COMMAND = "bash scripts/gpu_run.sh"
# The GPU page's section (same id in both languages) that explains the command.
CONTRIBUTE_ANCHOR = "#contribute"

LABELS: dict[str, dict[str, str]] = {
    "no_gpu": {
        "en": "No GPU results yet: every number on this page needs a run on a real GPU, and none has been contributed. "
              "If you have an NVIDIA GPU (or an Apple Silicon Mac), run the command below in a clone of the repository "
              "and open a pull request with the file it writes to results/.",
        "zh": "目前还没有 GPU 实测结果：本页的每个数字都必须来自真实 GPU 上的运行，而现在还没有人提交过。"
              "如果你有 NVIDIA GPU（或 Apple Silicon Mac），在仓库的克隆目录里运行下面的命令，再把它写进 results/ 的文件通过 pull request 提交。",
    },
    "no_gpu_short": {"en": "No GPU results yet.", "zh": "目前还没有 GPU 实测结果。"},
    "how_to_contribute": {"en": "How to contribute one", "zh": "如何提交一份"},
    "gpu_machines": {"en": "GPU results from {n} machine(s):", "zh": "GPU 实测结果来自 {n} 台机器："},
    "device": {"en": "Device", "zh": "设备"},
    "direction": {"en": "Direction", "zh": "方向"},
    "pinned_best": {"en": "Best pinned", "zh": "锁页内存最佳"},
    "pageable_best": {"en": "Best pageable", "zh": "可分页内存最佳"},
    "link": {"en": "Link (theoretical, per direction)", "zh": "链路（理论值，单向）"},
    "of_link": {"en": "of link", "zh": "占链路"},
    "link_unknown": {"en": "unknown", "zh": "未知"},
    "ceiling_is": {"en": "Ceiling (best pinned copy, this direction): {rate}", "zh": "上限（该方向锁页复制的最佳值）：{rate}"},
    "link_is": {"en": "Link: {link}, theoretical {rate} per direction", "zh": "链路：{link}，理论单向带宽 {rate}"},
    "timing_is": {"en": "Timing: {method}", "zh": "计时方式：{method}"},
    "chart_title": {"en": "{direction} throughput vs size, {device}", "zh": "{direction} 吞吐量与数据大小（{device}）"},
    "axis_size": {"en": "Payload size", "zh": "数据大小"},
    "axis_rate": {"en": "Throughput (GB/s)", "zh": "吞吐量（GB/s）"},
    "link_line": {"en": "link, theoretical", "zh": "链路理论值"},
    "h2d": {"en": "Host → device", "zh": "主机到设备"},
    "d2h": {"en": "Device → host", "zh": "设备到主机"},
    "d2d": {"en": "Device → device", "zh": "设备到设备"},
    "pin": {"en": "pin_memory() alone", "zh": "仅 pin_memory()"},
    "nothing_for": {"en": "No {direction} results in the GPU runs.", "zh": "GPU 结果中没有{direction}的数据。"},
}


text = functools.partial(lookup, LABELS)


def gpu_runs(runs: tuple[Run, ...]) -> list[Run]:
    """Newest transfer run per machine, only machines whose run timed something."""
    return [run for run in newest_per_machine(runs, transfer.TIP) if run.for_tip(transfer.TIP)]


def by_device(run: Run) -> Iterator[tuple[str, list[Record]]]:
    """(device label, its transfer records), devices in index order."""
    groups: dict[str, list[Record]] = {}
    for record in run.for_tip(transfer.TIP):
        groups.setdefault(str(record.extra.get("device", "?")), []).append(record)
    yield from sorted(groups.items(), key=lambda item: item[0])


def ceiling_for(run: Run, direction: str, device_label: str) -> tuple[float | None, dict]:
    """The run's recorded ceiling of `direction` for this device, and its details."""
    for name in run.ceilings:
        if not name.startswith(transfer.ceiling_key(direction)):
            continue
        value, details = run.ceiling(name), run.ceiling_details(name)
        if value and details.get("device") == device_label:
            return value, details
    return None, {}


def link_figure(run: Run, device_label: str) -> tuple[str, float] | None:
    """(link label, theoretical bytes/s per direction) as the run recorded it, if known."""
    for direction in (transfer.H2D, transfer.D2H):
        _, details = ceiling_for(run, direction, device_label)
        rate = number(details.get("link_bytes_per_s"))
        if rate and rate > 0:
            return str(details.get("link", "?")), rate
    return None


def notice(ctx: PageContext) -> str:
    """The full notice, with the command: shown once, by the gpu-status marker."""
    return (f'<div class="tb-empty tb-gpu-empty"><p>{esc(text("no_gpu", ctx.locale))}</p>'
            f'<pre><code>{esc(CONTRIBUTE_COMMAND)}</code></pre></div>')


def short_notice(ctx: PageContext) -> str:
    """What each table and chart says instead: one line and a link to the page's how-to."""
    return (f'<p class="tb-empty tb-gpu-empty">{esc(text("no_gpu_short", ctx.locale))} '
            f'<a href="{CONTRIBUTE_ANCHOR}">{esc(text("how_to_contribute", ctx.locale))}</a></p>')


def _direction(args: dict) -> str:
    direction = require(args, "direction")
    if direction not in DIRECTIONS:
        raise MarkerError(f"direction={direction!r} is not one of {', '.join(DIRECTIONS)}")
    return direction


@renderer("gpu-status")
def gpu_status(ctx: PageContext, args: dict) -> str:
    runs = gpu_runs(ctx.runs)
    if not runs:
        return notice(ctx)
    lines = "".join(f"<li>{machine_line(ctx, run)}</li>" for run in runs)
    return f'<p>{esc(text("gpu_machines", ctx.locale, n=len(runs)))}</p><ul class="tb-runs">{lines}</ul>'


def _best(records: list[Record], direction: str, pinned: bool) -> float | None:
    rates = [r.bytes_per_s for r in records
             if r.extra.get("direction") == direction and bool(r.extra.get("pinned")) == pinned
             and r.variant != "h2d_pin_then_copy" and r.bytes_per_s]
    return max(rates, default=None)


def _rate_cell(rate: float | None, link: tuple[str, float] | None, locale: str) -> str:
    if rate is None:
        return "<td>–</td>"
    share = f"<br><small>{fmt.percent(rate / link[1])} {esc(text('of_link', locale))}</small>" if link else ""
    return f"<td>{fmt.rate(rate)}{share}</td>"


@renderer("gpu-summary")
def gpu_summary(ctx: PageContext, args: dict) -> str:
    """Per machine and device: best pinned and pageable copy per direction vs the link."""
    runs = gpu_runs(ctx.runs)
    if not runs:
        return short_notice(ctx)
    loc = ctx.locale
    head = "".join(f"<th>{esc(text(k, loc))}</th>" for k in ("device", "direction", "pinned_best", "pageable_best", "link"))
    blocks = []
    for run in runs:
        rows = []
        for device, records in by_device(run):
            link = link_figure(run, device)
            link_cell = f"{esc(link[0])}<br>{fmt.rate(link[1])}" if link else esc(text("link_unknown", loc))
            for direction in (transfer.H2D, transfer.D2H):
                pinned, pageable = _best(records, direction, True), _best(records, direction, False)
                rows.append(f"<tr><td>{esc(device)}</td><td>{esc(text(direction, loc))}</td>"
                            f"{_rate_cell(pinned, link, loc)}{_rate_cell(pageable, link, loc)}<td>{link_cell}</td></tr>")
        blocks.append(machine_line(ctx, run) + f'<div class="tb-table"><table><thead><tr>{head}</tr></thead>'
                      f'<tbody>{"".join(rows)}</tbody></table></div>')
    return f'<div class="tb-results">{"".join(blocks)}</div>'


def _device_notes(ctx: PageContext, run: Run, device: str, direction: str, records: list[Record]) -> str:
    notes = []
    ceiling, _ = ceiling_for(run, direction, device)
    if ceiling:
        notes.append(text("ceiling_is", ctx.locale, rate=fmt.rate(ceiling)))
    link = link_figure(run, device)
    if link:
        notes.append(text("link_is", ctx.locale, link=link[0], rate=fmt.rate(link[1])))
    methods = sorted({str(r.extra.get("timing", "?")) for r in records})
    notes.append(text("timing_is", ctx.locale, method=", ".join(methods)))
    return "".join(f'<p class="tb-note">{esc(n)}</p>' for n in notes)


@renderer("gpu-table")
def gpu_table(ctx: PageContext, args: dict) -> str:
    direction = _direction(args)
    runs = gpu_runs(ctx.runs)
    if not runs:
        return short_notice(ctx)
    blocks = []
    for run in runs:
        for device, records in by_device(run):
            chosen = [r for r in records if r.extra.get("direction") == direction]
            if not chosen:
                continue
            ceiling, _ = ceiling_for(run, direction, device)
            blocks.append(machine_line(ctx, run) + f'<p class="tb-device"><strong>{esc(device)}</strong></p>'
                          + results_table(chosen, ceiling, ctx.locale)
                          + _device_notes(ctx, run, device, direction, chosen))
    if not blocks:
        direction_name = text(direction, ctx.locale)
        return empty_notice(text("nothing_for", ctx.locale, direction=direction_name))
    return f'<div class="tb-results">{"".join(blocks)}</div>'


@renderer("gpu-chart")
def gpu_chart(ctx: PageContext, args: dict) -> str:
    direction = _direction(args)
    runs = gpu_runs(ctx.runs)
    if not runs:
        return short_notice(ctx)
    blocks = []
    for run_index, run in enumerate(runs):
        for dev_index, (device, records) in enumerate(by_device(run)):
            series: dict[str, list[tuple[float, float]]] = {}
            for r in records:
                if r.extra.get("direction") == direction and r.bytes_per_s:
                    series.setdefault(str(r.extra.get("code", r.variant)), []).append((r.nbytes, r.bytes_per_s))
            if not series:
                continue
            link = link_figure(run, device) if direction in (transfer.H2D, transfer.D2H) else None
            svg = throughput_chart(
                [Series(name, tuple(sorted(points))) for name, points in series.items()],
                title=text("chart_title", ctx.locale, direction=text(direction, ctx.locale), device=device),
                x_label=text("axis_size", ctx.locale), y_label=text("axis_rate", ctx.locale),
                chart_id=f"tb-gpu-{direction}-{run_index}-{dev_index}-{ctx.locale}",
                ceiling=(f"{text('link_line', ctx.locale)} ({link[0]})", link[1]) if link else None,
            )
            blocks.append(machine_line(ctx, run) + f'<figure class="tb-figure">{svg}</figure>')
    if not blocks:
        direction_name = text(direction, ctx.locale)
        return empty_notice(text("nothing_for", ctx.locale, direction=direction_name))
    return "".join(blocks)
