"""Views of the Save & load page beyond the generic table and chart: file size over
the parameter bytes per format, the full-model vs state_dict ratios, and throughput
charts titled for saving and loading.

Everything comes from the records of benchmarks/test_save_load.py (``extra_info``:
op, target, model, format, file_bytes, param_bytes, code); every string from a
results file is escaped.
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Sequence

from tipsbench.render import fmt
from tipsbench.render.charts import Series, throughput_chart
from tipsbench.render.common import empty_notice, machine_line
from tipsbench.render.fmt import code_spans, esc
from tipsbench.render.labels import lookup
from tipsbench.render.registry import MarkerError, PageContext, renderer
from tipsbench.results import Record, Run, newest_per_machine, number
from tipsbench.save_load import TIP

FORMATS = ("state_dict", "full", "safetensors")
# Which save method stands for each format in the size table (same bytes on every target).
SIZE_METHODS = {"state_dict": "save_state_dict", "full": "save_full", "safetensors": "st_save_model"}
# Full model vs state_dict, method against method, on the same target.
# (label key, op, target, full-model method, state_dict method)
RATIO_PAIRS = (
    ("save_file", "save", "file", "save_full", "save_state_dict"),
    ("save_fsync", "save", "fsync", "save_full", "save_state_dict"),
    ("load_cached", "load", "cached", "load_full", "load_state_dict_into"),
    ("load_only_cached", "load", "cached", "load_full", "load_state_dict"),
    ("load_evicted", "load", "evicted", "load_full", "load_state_dict_into"),
)
# A ratio this close to 1 is "no meaningful difference" on a shared machine.
SAME_WITHIN = 0.10
OPS = ("save", "load")
TARGETS = ("bytesio", "file", "fsync", "cached", "evicted")

LABELS: dict[str, dict[str, str]] = {
    "model": {"en": "Model", "zh": "模型"},
    "param_bytes": {"en": "Parameter bytes", "zh": "参数字节数"},
    "fmt_state_dict": {"en": "state_dict", "zh": "state_dict"},
    "fmt_full": {"en": "full model", "zh": "整个模型"},
    "fmt_safetensors": {"en": "safetensors", "zh": "safetensors"},
    "size_note": {
        "en": "File size in bytes and, in brackets, what it adds over the parameter and buffer bytes (the floor for any format).",
        "zh": "文件大小（字节），括号内是超出参数与缓冲区字节数（任何格式的下限）的部分。",
    },
    "size_ratio": {"en": "file size", "zh": "文件大小"},
    "save_file": {"en": "save, file", "zh": "保存，文件"},
    "save_fsync": {"en": "save, file + fsync", "zh": "保存，文件 + fsync"},
    "load_cached": {"en": "load, page cache", "zh": "加载，页缓存"},
    "load_evicted": {"en": "load, evicted", "zh": "加载，已逐出缓存"},
    "load_only_cached": {"en": "torch.load alone, page cache", "zh": "仅 torch.load，页缓存"},
    "ratio_note": {
        "en": "Median time of `torch.save(model)` / `torch.load(f, weights_only=False)` divided by that of `torch.save(model.state_dict())` / `model.load_state_dict(torch.load(f))` (“torch.load alone”: divided by `torch.load(f)` of the state_dict, without copying it into a model). Below 1, the full model is faster.",
        "zh": "`torch.save(model)` / `torch.load(f, weights_only=False)` 的耗时中位数除以 `torch.save(model.state_dict())` / `model.load_state_dict(torch.load(f))` 的耗时中位数（“仅 torch.load”一列除以的是 `state_dict` 的 `torch.load(f)`，不含复制进模型的一步）。小于 1 表示整个模型更快。",
    },
    "summary": {
        "en": "Median over {n} models: saving the whole model takes {save} the time of saving the state_dict ({save_verdict}); loading it takes {load} the time of loading a state_dict into a model ({load_verdict}); its file is {size} the size.",
        "zh": "{n} 个模型的中位数：保存整个模型的耗时是保存 `state_dict` 的 {save}（{save_verdict}）；加载整个模型的耗时是把 `state_dict` 加载进模型的 {load}（{load_verdict}）；文件大小是 {size}。",
    },
    "verdict_same": {"en": "no meaningful difference: within ±10%", "zh": "没有实质差别：相差在 ±10% 以内"},
    "verdict_faster": {"en": "the full model is faster", "zh": "整个模型更快"},
    "verdict_slower": {"en": "the full model is slower", "zh": "整个模型更慢"},
    "chart_title": {"en": "{op} throughput vs model size ({model}, {target})",
                    "zh": "{op}吞吐量与模型大小（{model}，{target}）"},
    "op_save": {"en": "Save", "zh": "保存"},
    "op_load": {"en": "Load", "zh": "加载"},
    "target_bytesio": {"en": "in memory", "zh": "内存"},
    "target_file": {"en": "file", "zh": "文件"},
    "target_fsync": {"en": "file + fsync", "zh": "文件 + fsync"},
    "target_cached": {"en": "file in page cache", "zh": "文件在页缓存中"},
    "target_evicted": {"en": "file evicted from page cache", "zh": "文件已逐出页缓存"},
    "ceiling_fsync_write_bytes_per_s": {"en": "file write + fsync ceiling", "zh": "文件写入 + fsync 上限"},
    "ceiling_page_cache_read_bytes_per_s": {"en": "page-cache read ceiling", "zh": "页缓存读取上限"},
    "ceiling_evicted_read_bytes_per_s": {"en": "evicted-file read ceiling", "zh": "已逐出文件读取上限"},
    "axis_size": {"en": "Parameter bytes", "zh": "参数字节数"},
    "axis_rate": {"en": "Parameter bytes per second (GB/s)", "zh": "每秒参数字节数（GB/s）"},
    "no_results": {
        "en": "No save & load results yet. Run `pytest benchmarks/test_save_load.py --benchmark-json out.json` and add the file to `results/`.",
        "zh": "还没有保存与加载的测量结果。运行 `pytest benchmarks/test_save_load.py --benchmark-json out.json`，再把生成的文件放进 `results/`。",
    },
}


text = functools.partial(lookup, LABELS)


def _records(run: Run) -> list[Record]:
    return [r for r in run.for_tip(TIP) if isinstance(r.extra.get("model"), str)]


def _runs(ctx: PageContext) -> list[Run]:
    return [run for run in newest_per_machine(ctx.runs, TIP) if _records(run)]


def _empty(ctx: PageContext) -> str:
    return empty_notice(text("no_results", ctx.locale))


def _int(value: object) -> int | None:
    found = number(value)
    return int(found) if found is not None and found >= 0 else None


def _model_key(record: Record) -> tuple[str, int]:
    return str(record.extra.get("model")), int(record.extra.get("model_size") or record.nbytes)


def _models_in_order(records: Sequence[Record]) -> list[tuple[str, int]]:
    seen: dict[tuple[str, int], None] = {}
    for r in records:
        seen.setdefault(_model_key(r), None)
    return list(seen)


def _find(records: Sequence[Record], model: tuple[str, int], variant: str, target: str) -> Record | None:
    for r in records:
        if _model_key(r) == model and r.variant == variant and r.extra.get("target") == target:
            return r
    return None


def _model_cell(model: tuple[str, int], param: int | None) -> str:
    kind, size = model
    return f"<th><code>{esc(kind)}</code> {esc(fmt.size(param if param is not None else size))}</th>"


def size_table(records: Sequence[Record], locale: str) -> str:
    """Rows: model × size; columns: parameter bytes, then each format's file size and overhead."""
    head = "".join(f"<th>{esc(text('fmt_' + f, locale))}</th>" for f in FORMATS)
    rows = []
    for model in _models_in_order(records):
        found = {f: _find(records, model, SIZE_METHODS[f], "file") for f in FORMATS}
        any_record = next((r for r in found.values() if r is not None), None)
        if any_record is None:
            continue
        floor = _int(any_record.extra.get("param_bytes"))
        cells = []
        for f in FORMATS:
            record = found[f]
            size = _int(record.extra.get("file_bytes")) if record else None
            if size is None or not floor:
                cells.append("<td>—</td>")
                continue
            over = size - floor
            cells.append(f"<td>{size:,}<br><small>(+{over:,} · +{over / floor:.2%})</small></td>")
        floor_cell = f"<td>{floor:,}</td>" if floor else "<td>—</td>"
        rows.append(f"<tr>{_model_cell(model, floor)}{floor_cell}{''.join(cells)}</tr>")
    if not rows:
        return ""
    return ('<div class="tb-table"><table><thead><tr>'
            f"<th>{esc(text('model', locale))}</th><th>{esc(text('param_bytes', locale))}</th>{head}"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
            f'<p class="tb-note">{code_spans(text("size_note", locale))}</p>')


def ratio(records: Sequence[Record], model: tuple[str, int], op: str, target: str, full: str, state: str) -> float | None:
    """Median time of the full-model method over the state_dict method, same model and target."""
    a, b = _find(records, model, full, target), _find(records, model, state, target)
    if a is None or b is None or b.median_s <= 0 or a.extra.get("op") != op:
        return None
    return a.median_s / b.median_s


def size_ratio(records: Sequence[Record], model: tuple[str, int]) -> float | None:
    a, b = _find(records, model, "save_full", "file"), _find(records, model, "save_state_dict", "file")
    sa = _int(a.extra.get("file_bytes")) if a else None
    sb = _int(b.extra.get("file_bytes")) if b else None
    return sa / sb if sa and sb else None


def _ratio_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def verdict(value: float, locale: str) -> str:
    if abs(value - 1) <= SAME_WITHIN:
        return text("verdict_same", locale)
    return text("verdict_faster" if value < 1 else "verdict_slower", locale)


def ratio_table(records: Sequence[Record], locale: str) -> str:
    """Full model ÷ state_dict for each model: save and load times per target, and file size."""
    cols = [pair for pair in RATIO_PAIRS
            if any(r.extra.get("target") == pair[2] and r.variant == pair[3] for r in records)]
    head = "".join(f"<th>{esc(text(key, locale))}</th>" for key, *_ in cols)
    rows, saves, loads, sizes = [], [], [], []
    for model in _models_in_order(records):
        values = [ratio(records, model, *col[1:]) for col in cols]
        size = size_ratio(records, model)
        if all(v is None for v in values) and size is None:
            continue
        for (key, *_), v in zip(cols, values, strict=True):
            if v is not None and key == "save_file":
                saves.append(v)
            if v is not None and key == "load_cached":
                loads.append(v)
        if size is not None:
            sizes.append(size)
        param = _int(next(r for r in records if _model_key(r) == model).extra.get("param_bytes"))
        cells = "".join(f"<td>{_ratio_text(v)}</td>" for v in values)
        size_cell = "—" if size is None else f"{size:.4f}×"
        rows.append(f"<tr>{_model_cell(model, param)}{cells}<td>{size_cell}</td></tr>")
    if not rows:
        return ""
    table = ('<div class="tb-table"><table><thead><tr>'
             f"<th>{esc(text('model', locale))}</th>{head}<th>{esc(text('size_ratio', locale))}</th>"
             "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")
    note = f'<p class="tb-note">{code_spans(text("ratio_note", locale))}</p>'
    summary = ""
    if saves and loads and sizes:
        save_m, load_m, size_m = (statistics.median(v) for v in (saves, loads, sizes))
        line = text("summary", locale, n=len(sizes), save=_ratio_text(save_m), load=_ratio_text(load_m),
                    size=f"{size_m:.4f}×", save_verdict=verdict(save_m, locale), load_verdict=verdict(load_m, locale))
        summary = f'<p class="tb-summary">{code_spans(line)}</p>'
    return table + note + summary


@renderer("saveload-sizes")
def sizes(ctx: PageContext, args: dict) -> str:
    blocks = []
    for run in _runs(ctx):
        body = size_table(_records(run), ctx.locale)
        if body:
            blocks.append(machine_line(ctx, run) + body)
    return "".join(blocks) if blocks else _empty(ctx)


@renderer("saveload-ratios")
def ratios(ctx: PageContext, args: dict) -> str:
    blocks = []
    for run in _runs(ctx):
        body = ratio_table(_records(run), ctx.locale)
        if body:
            blocks.append(machine_line(ctx, run) + body)
    return "".join(blocks) if blocks else _empty(ctx)


def chart_series(records: Sequence[Record], op: str, target: str, model: str) -> list[Series]:
    """One series per method (labelled by its code): parameter bytes per second vs size."""
    by_code: dict[str, list[tuple[float, float]]] = {}
    for r in records:
        e = r.extra
        if e.get("op") != op or e.get("target") != target or e.get("model") != model:
            continue
        if r.shares_memory or r.median_s <= 0:
            continue  # lazy "open": no bytes moved yet, no throughput to draw
        by_code.setdefault(str(e.get("code") or r.variant), []).append((float(r.nbytes), r.nbytes / r.median_s))
    return [Series(code, tuple(points)) for code, points in by_code.items()]


@renderer("saveload-chart")
def chart(ctx: PageContext, args: dict) -> str:
    op, target, model = args.get("op"), args.get("target"), args.get("model")
    if op not in OPS:
        raise MarkerError(f"op= must be one of {', '.join(OPS)}, got {op!r}")
    if target not in TARGETS:
        raise MarkerError(f"target= must be one of {', '.join(TARGETS)}, got {target!r}")
    if not model:
        raise MarkerError("missing argument 'model='")
    if args.get("ceiling") and f"ceiling_{args['ceiling']}" not in LABELS:
        raise MarkerError(f"ceiling= must be one of {', '.join(k.removeprefix('ceiling_') for k in LABELS if k.startswith('ceiling_'))}")
    blocks = []
    for index, run in enumerate(_runs(ctx)):
        series = chart_series(_records(run), op, target, model)
        if not series:
            continue
        ceiling_name = args.get("ceiling")
        value = run.ceiling(ceiling_name)
        ceiling = (text(f"ceiling_{ceiling_name}", ctx.locale), value) if value else None
        svg = throughput_chart(
            series,
            title=text("chart_title", ctx.locale, op=text(f"op_{op}", ctx.locale), model=model,
                       target=text(f"target_{target}", ctx.locale)),
            x_label=text("axis_size", ctx.locale), y_label=text("axis_rate", ctx.locale),
            chart_id=f"tb-saveload-{op}-{target}-{model}-{index}-{ctx.locale}", ceiling=ceiling,
        )
        blocks.append(machine_line(ctx, run) + f'<figure class="tb-figure">{svg}</figure>')
    return "".join(blocks) if blocks else _empty(ctx)
