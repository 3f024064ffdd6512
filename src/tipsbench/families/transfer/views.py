"""The GPU page's generated parts: bandwidth per device and direction, pinned vs
pageable against the measured ceiling and the link's theoretical figure, and a plain
"no GPU results yet" notice (with the command to contribute one) while none exist.

Markers:
    <!-- tipsbench:gpu-status -->                  which GPU machines the numbers come from
    <!-- tipsbench:gpu-summary -->                 best pinned / pageable per direction vs link
    <!-- tipsbench:gpu-table direction=h2d -->     variants × sizes for one direction
    <!-- tipsbench:gpu-chart direction=h2d -->     throughput vs size for one direction
    <!-- tipsbench:gpu-peer-table -->              GPU → GPU peer copies, per pair of GPUs
"""

from __future__ import annotations

from tipsbench import fmt
from tipsbench.families.transfer import TIP, peers
from tipsbench.families.transfer.records import D2H, DIRECTIONS, H2D, P2P, TransferFields, by_device
from tipsbench.render.charts import Series, throughput_chart
from tipsbench.render.common import empty_notice, machine_line, notes
from tipsbench.render.html import Markup, join, table, tag
from tipsbench.render.labels import define
from tipsbench.render.registry import Arg, PageContext, renderer
from tipsbench.render.tables import results_table
from tipsbench.results import Ceiling, Record, Run, newest_per_machine

CONTRIBUTE_COMMAND = "bash scripts/gpu_run.sh"
# The GPU page's section (same id in both languages) that explains the command.
CONTRIBUTE_ANCHOR = "#contribute"
# The one pair the tutorial warns about is a pinning + a copy, not a copy alone.
NOT_A_COPY_ALONE = "h2d_pin_then_copy"
# Peer copies have a table of their own (gpu-peer-table): a source and a target GPU each.
DIRECTION = Arg(required=True, choices=tuple(d for d in DIRECTIONS if d != P2P))
# CUDA events time the device alone, the wall clock adds a launch and a sync: for copies of
# more than a few microseconds the two should agree this closely, or one of them is wrong.
EVENTS_AGREE_WITHIN = 0.25

text = define("gpu", {
    "no_gpu": {
        "en": "No GPU results yet: every number on this page needs a run on a real GPU, and none has been contributed. "
              "If you have an NVIDIA GPU (or an Apple Silicon Mac), run the command below in a clone of the repository "
              "and open a pull request with the file it writes to results/.",
        "zh": "目前还没有 GPU 实测结果：本页的每个数字都必须来自真实 GPU 上的运行，而现在还没有人提交过。"
              "如果你有 NVIDIA GPU（或 Apple Silicon Mac），在仓库的克隆目录里运行下面的命令，再把它写进 results/ 的文件通过拉取请求（pull request）提交。",
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
    "p2p": {"en": "GPU → GPU (peer)", "zh": "GPU 到 GPU（点对点）"},
    "no_peer": {"en": "No peer-copy results yet: every GPU run so far comes from a machine with one GPU.",
                "zh": "目前还没有 GPU 之间点对点复制的实测结果：已有的 GPU 运行都来自只有一块 GPU 的机器。"},
    "peer_access_is": {"en": "Peer access (`torch.cuda.can_device_access_peer`): {answer}",
                       "zh": "点对点访问（`torch.cuda.can_device_access_peer`）：{answer}"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no: the driver stages each copy through host memory",
           "zh": "否：驱动经由主机内存中转每次复制"},
    "peer_link_is": {"en": "Path between them (`nvidia-smi topo -m`): {link}",
                     "zh": "两者之间的路径（`nvidia-smi topo -m`）：{link}"},
    "nvlink": {"en": "{path}, NVLink", "zh": "{path}，NVLink"},
    "pcie": {"en": "{path}, PCIe", "zh": "{path}，PCIe"},
    "events_agree": {"en": "CUDA events agree with the wall clock: event median / wall-clock median {low}–{high}.",
                     "zh": "CUDA 事件计时与墙钟计时一致：事件中位数与墙钟中位数之比为 {low}–{high}。"},
    "events_disagree": {"en": "CUDA events and the wall clock disagree (more than {limit} apart) for: {cases}.",
                        "zh": "以下用例的 CUDA 事件计时与墙钟计时相差超过 {limit}：{cases}。"},
    "nothing_for": {"en": "No {direction} results in the GPU runs.", "zh": "GPU 结果中没有{direction}的数据。"},
})


def _fields(record: Record) -> TransferFields:
    return record.fields  # every transfer record carries them (results.family_fields)


def gpu_runs(runs: tuple[Run, ...]) -> list[Run]:
    """Newest transfer run per machine, only machines whose run timed something."""
    return newest_per_machine(runs, TIP)


def ceiling_for(run: Run, direction: str, device_label: str) -> Ceiling | None:
    """The run's recorded ceiling of `direction` for this device."""
    base = f"{direction}_pinned_bytes_per_s" if direction in (H2D, D2H) else f"{direction}_bytes_per_s"
    for found in run.machine.ceilings:
        if found.name.startswith(base) and found.device == device_label:
            return found
    return None


def link_figure(run: Run, device_label: str) -> tuple[str, float] | None:
    """(link label, theoretical bytes/s per direction) as the run recorded it, if known."""
    for direction in (H2D, D2H):
        found = ceiling_for(run, direction, device_label)
        if found and found.link_bytes_per_s:
            return found.link or "?", found.link_bytes_per_s
    return None


def notice(ctx: PageContext) -> Markup:
    """The full notice, with the command: shown once, by the gpu-status marker."""
    return empty_notice(tag("p", text.text("no_gpu", ctx.locale)) + tag("pre", tag("code", CONTRIBUTE_COMMAND)),
                        also="tb-gpu-empty", block=True)


def short_notice(ctx: PageContext) -> Markup:
    """What each table and chart says instead: one line and a link to the page's how-to."""
    return empty_notice(text.text("no_gpu_short", ctx.locale) + " "
                        + tag("a", text.plain("how_to_contribute", ctx.locale), href=CONTRIBUTE_ANCHOR),
                        also="tb-gpu-empty")


@renderer("gpu-status")
def gpu_status(ctx: PageContext, args: dict[str, str]) -> Markup:
    runs = gpu_runs(ctx.runs)
    if not runs:
        return notice(ctx)
    lines = join(tag("li", machine_line(ctx, run)) for run in runs)
    return tag("p", text.text("gpu_machines", ctx.locale, n=len(runs))) + tag("ul", lines, class_="tb-runs")


def _best(records: list[Record], direction: str, pinned: bool) -> float | None:
    rates = [r.bytes_per_s for r in records
             if _fields(r).direction == direction and _fields(r).pinned == pinned
             and r.variant != NOT_A_COPY_ALONE and r.bytes_per_s]
    return max(rates, default=None)


def _rate_cell(rate: float | None, link: tuple[str, float] | None, locale: str) -> object:
    if rate is None:
        return "–"
    if not link:
        return fmt.rate(rate)
    return join([fmt.rate(rate), Markup("<br>"),
                 tag("small", f"{fmt.percent(rate / link[1])} {text.plain('of_link', locale)}")])


@renderer("gpu-summary", machines="each")
def gpu_summary(ctx: PageContext, args: dict[str, str]) -> Markup:
    """Per machine and device: best pinned and pageable copy per direction vs the link."""
    runs = gpu_runs(ctx.runs)
    if not runs:
        return short_notice(ctx)
    loc = ctx.locale
    head = [text.plain(k, loc) for k in ("device", "direction", "pinned_best", "pageable_best", "link")]
    blocks = []
    for run in runs:
        rows = []
        for device, records in by_device(run):
            link = link_figure(run, device)
            link_cell = join([link[0], Markup("<br>"), fmt.rate(link[1])]) if link else text.plain("link_unknown", loc)
            for direction in (H2D, D2H):
                rows.append([device, text.plain(direction, loc),
                             _rate_cell(_best(records, direction, True), link, loc),
                             _rate_cell(_best(records, direction, False), link, loc), link_cell])
        blocks.append(machine_line(ctx, run) + table(head, rows))
    return tag("div", join(blocks), class_="tb-results")


def _device_notes(ctx: PageContext, run: Run, device: str, direction: str, records: list[Record]) -> Markup:
    found = []
    ceiling = ceiling_for(run, direction, device)
    if ceiling:
        found.append(text.text("ceiling_is", ctx.locale, rate=fmt.rate(ceiling.bytes_per_s)))
    link = link_figure(run, device)
    if link:
        found.append(text.text("link_is", ctx.locale, link=link[0], rate=fmt.rate(link[1])))
    methods = sorted({_fields(r).timing for r in records})
    found.append(text.text("timing_is", ctx.locale, method=", ".join(methods)))
    ratios = [(r, _fields(r).event_median_s / r.median_s) for r in records
              if _fields(r).event_median_s and r.median_s > 0]
    if ratios:
        off = [f"{r.code} {fmt.size(r.nbytes)} ({q:.2f})" for r, q in ratios if abs(q - 1) > EVENTS_AGREE_WITHIN]
        if off:
            found.append(text.text("events_disagree", ctx.locale, limit=f"{EVENTS_AGREE_WITHIN:.0%}", cases="; ".join(off)))
        else:
            qs = [q for _, q in ratios]
            found.append(text.text("events_agree", ctx.locale, low=f"{min(qs):.2f}", high=f"{max(qs):.2f}"))
    return notes(*found)


@renderer("gpu-table", machines="each", direction=DIRECTION)
def gpu_table(ctx: PageContext, args: dict[str, str]) -> Markup:
    direction = args["direction"]
    runs = gpu_runs(ctx.runs)
    if not runs:
        return short_notice(ctx)
    blocks = []
    for run in runs:
        for device, records in by_device(run):
            chosen = [r for r in records if _fields(r).direction == direction]
            if not chosen:
                continue
            ceiling = ceiling_for(run, direction, device)
            blocks.append(machine_line(ctx, run) + tag("p", tag("strong", device), class_="tb-device")
                          + results_table(chosen, ceiling.bytes_per_s if ceiling else None, ctx.locale)
                          + _device_notes(ctx, run, device, direction, chosen))
    if not blocks:
        return empty_notice(text.text("nothing_for", ctx.locale, direction=text.plain(direction, ctx.locale)))
    return tag("div", join(blocks), class_="tb-results")


@renderer("gpu-chart", machines="chart:gpu-table", direction=DIRECTION)
def gpu_chart(ctx: PageContext, args: dict[str, str]) -> Markup:
    direction = args["direction"]
    runs = gpu_runs(ctx.runs)
    if not runs:
        return short_notice(ctx)
    blocks = []
    for run in runs:
        for device, records in by_device(run):
            series: dict[str, list[tuple[float, float]]] = {}
            for r in records:
                if _fields(r).direction == direction and r.bytes_per_s:
                    series.setdefault(r.code, []).append((r.nbytes, r.bytes_per_s))
            if not series:
                continue
            link = link_figure(run, device) if direction in (H2D, D2H) else None
            svg = throughput_chart(
                [Series(name, tuple(sorted(points))) for name, points in series.items()],
                title=text.plain("chart_title", ctx.locale, direction=text.plain(direction, ctx.locale), device=device),
                x_label=text.plain("axis_size", ctx.locale), y_label=text.plain("axis_rate", ctx.locale),
                ceiling=(f"{text.plain('link_line', ctx.locale)} ({link[0]})", link[1]) if link else None,
            )
            blocks.append(machine_line(ctx, run) + tag("figure", svg, class_="tb-figure"))
    if not blocks:
        return empty_notice(text.text("nothing_for", ctx.locale, direction=text.plain(direction, ctx.locale)))
    return join(blocks)


def _is_peer(record: Record) -> bool:
    return _fields(record).direction == P2P


def _link_words(path: str | None, locale: str) -> str:
    kind = peers.link_kind(path)
    if kind is None:
        return path or text.plain("link_unknown", locale)
    return text.plain(kind, locale, path=path)


@renderer("gpu-peer-table", machines="each")
def gpu_peer_table(ctx: PageContext, args: dict[str, str]) -> Markup:
    """Per machine and pair of GPUs: the peer copies, whether peer access was on, the path."""
    runs = newest_per_machine(ctx.runs, TIP, where=_is_peer)
    if not runs:
        return short_notice(ctx) if not gpu_runs(ctx.runs) else empty_notice(text.text("no_peer", ctx.locale))
    loc, blocks = ctx.locale, []
    for run in runs:
        pairs: dict[tuple[str, str], list[Record]] = {}
        for record in run.for_tip(TIP):
            if _is_peer(record):
                pairs.setdefault((_fields(record).device, _fields(record).target or "?"), []).append(record)
        for (source, target), records in sorted(pairs.items()):
            first = _fields(records[0])
            access = {True: "yes", False: "no"}.get(first.peer_access, "link_unknown")
            found = [text.text("peer_access_is", loc, answer=text.plain(access, loc)),
                     text.text("peer_link_is", loc, link=_link_words(first.peer_link, loc)),
                     text.text("timing_is", loc, method=", ".join(sorted({_fields(r).timing for r in records})))]
            blocks.append(machine_line(ctx, run) + tag("p", tag("strong", f"{source} → {target}"), class_="tb-device")
                          + results_table(records, None, loc) + notes(*found))
    return tag("div", join(blocks), class_="tb-results")
