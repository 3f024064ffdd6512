"""The Save & load page's generated parts: results tables and throughput charts per
model and target, file size over the parameter bytes per format, and the full-model vs
state_dict ratios.

Everything comes from typed records (tipsbench.families.save_load.records). Markers:
    <!-- tipsbench:saveload-table model=mlp op=load target=cached -->
    <!-- tipsbench:saveload-chart model=mlp op=load target=cached -->
    <!-- tipsbench:saveload-sizes -->
    <!-- tipsbench:saveload-ratios -->
The ceiling a table or chart compares with follows from its target (records.CEILING_OF_TARGET).
"""

from __future__ import annotations

from collections.abc import Sequence

from tipsbench import fmt
from tipsbench.cases import MiB
from tipsbench.families.save_load import TIP
from tipsbench.families.save_load.records import (
    CEILING_OF_TARGET,
    FILE,
    FORMATS,
    MODEL_KINDS,
    OPS,
    TARGETS,
    SaveLoadFields,
)
from tipsbench.render.charts import Series, throughput_chart
from tipsbench.render.common import ceiling_name, empty_notice, machine_line, notes
from tipsbench.render.html import Markup, join, table, tag
from tipsbench.render.labels import common, define
from tipsbench.render.registry import Arg, PageContext, renderer
from tipsbench.render.releases import figure
from tipsbench.render.tables import results_table
from tipsbench.results import Record, Run, newest_per_machine

# Which save method stands for each format in the size table (same bytes on every target).
SIZE_METHODS = {"state_dict": "save_state_dict", "full": "save_full", "safetensors": "st_save_model"}
# Full model vs state_dict, method against method, on the same target.
# (label key, op, target, full-model method, state_dict method)
RATIO_PAIRS = (
    ("save_file", "save", "file", "save_full", "save_state_dict"),
    ("save_fsync", "save", "fsync", "save_full", "save_state_dict"),
    # Like with like: both loads under the default weights_only=True unpickler.
    ("load_same", "load", "cached", "load_full_safe_globals", "load_state_dict_into"),
    ("load_same_assign", "load", "cached", "load_full_safe_globals", "load_state_dict_assign"),
    ("load_only_same", "load", "cached", "load_full_safe_globals", "load_state_dict"),
    # What opting out of the safe unpickler buys (the whole model with weights_only=False).
    ("load_unsafe", "load", "cached", "load_full", "load_state_dict_into"),
    ("load_evicted_unsafe", "load", "evicted", "load_full", "load_state_dict_into"),
)
WHERE = {"model": Arg(required=True, choices=MODEL_KINDS), "op": Arg(required=True, choices=OPS),
         "target": Arg(required=True, choices=TARGETS)}

text = define("saveload", {
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
    "load_same": {"en": "load, same unpickler", "zh": "加载，同一反序列化器"},
    "load_same_assign": {"en": "load, same unpickler, assign=True", "zh": "加载，同一反序列化器，assign=True"},
    "load_only_same": {"en": "torch.load alone, same unpickler", "zh": "仅 torch.load，同一反序列化器"},
    "load_unsafe": {"en": "load, weights_only=False", "zh": "加载，weights_only=False"},
    "load_evicted_unsafe": {"en": "load, evicted, weights_only=False", "zh": "加载，已逐出缓存，weights_only=False"},
    "ratio_note": {
        "en": "Each cell: median time with the whole model divided by median time with the state_dict, same model, same target; below 1 the whole model is faster. “Same unpickler”: `with safe_globals(classes): torch.load(f)` against `model.load_state_dict(torch.load(f))`, both under the default `weights_only=True` (“assign=True” keeps the loaded tensors instead of copying them into the model; “torch.load alone” leaves out the model). The `weights_only=False` columns load the whole model with pickle's C unpickler: what opting out of safety buys, not a fair comparison. Files are read from the page cache unless marked evicted.",
        "zh": "每格是同一模型、同一目标下，整个模型的耗时中位数除以 `state_dict` 的耗时中位数；小于 1 表示整个模型更快。“同一反序列化器”各列比较的是 `with safe_globals(classes): torch.load(f)` 与 `model.load_state_dict(torch.load(f))`，两者都用默认的 `weights_only=True`（“assign=True”直接采用加载出的张量，不再复制进模型；“仅 torch.load”不含模型这一步）。`weights_only=False` 两列用 pickle 的 C 实现加载整个模型：反映的是放弃安全检查换来的速度，并不是公平的比较。除标明“已逐出缓存”的列外，文件都从页缓存读取。",
    },
    "summary": {
        "en": "With the same unpickler, loading a whole model takes {load_small} the time of loading its `state_dict` into a model at {small}, and {load_large} at {large}; saving it takes {save_small} and {save_large}. Its file is at most {size_worst} larger. Ranges over {kinds} model structures.",
        "zh": "使用同一个反序列化器时，{small} 的模型，加载整个模型的耗时是把 `state_dict` 加载进模型的 {load_small}，{large} 的模型为 {load_large}；保存整个模型的耗时分别是保存 `state_dict` 的 {save_small}和 {save_large}。整个模型的文件最多大 {size_worst}。范围取自 {kinds} 种模型结构。",
    },
    "chart_title": {"en": "{op} throughput vs model size ({model}, {target})",
                    "zh": "{op}吞吐量与模型大小（{model}，{target}）"},
    "op_save": {"en": "Save", "zh": "保存"},
    "op_load": {"en": "Load", "zh": "加载"},
    "target_bytesio": {"en": "in memory (a growing io.BytesIO)", "zh": "内存中（边写边扩容的 io.BytesIO）"},
    "target_file": {"en": "file", "zh": "文件"},
    "target_fsync": {"en": "file + fsync", "zh": "文件 + fsync"},
    "target_cached": {"en": "file in page cache", "zh": "文件在页缓存中"},
    "target_evicted": {"en": "file evicted from page cache", "zh": "文件已逐出页缓存"},
    "axis_size": {"en": "Parameter bytes", "zh": "参数字节数"},
    "axis_rate": {"en": "Parameter bytes per second (GB/s)", "zh": "每秒参数字节数（GB/s）"},
    "no_results": {
        "en": "No save & load results yet. Run `pytest benchmarks/test_save_load.py --benchmark-json out.json` and add the file to `results/`.",
        "zh": "还没有保存与加载的测量结果。运行 `pytest benchmarks/test_save_load.py --benchmark-json out.json`，再把生成的文件放进 `results/`。",
    },
})


Model = tuple[str, int]


def _f(record: Record) -> SaveLoadFields:
    return record.fields  # every save & load record carries them (results.family_fields)


def _records(run: Run) -> list[Record]:
    return run.for_tip(TIP)


def _runs(ctx: PageContext, where=None) -> list[Run]:
    return newest_per_machine(ctx.runs, TIP, where)


def _empty(ctx: PageContext) -> Markup:
    return empty_notice(text.text("no_results", ctx.locale))


class Lookup:
    """A run's save & load records, looked up by model, method and target: the size and
    ratio tables ask for each cell's record, and a scan per cell made a 20-machine build
    read millions of records."""

    def __init__(self, records: Sequence[Record]):
        self._found: dict[tuple[Model, str, str], Record] = {}
        self._params: dict[Model, int] = {}
        for r in records:
            model = (_f(r).model, _f(r).model_size)
            self._found.setdefault((model, r.variant, _f(r).target), r)
            self._params.setdefault(model, _f(r).param_bytes)
        self.models: list[Model] = list(self._params)  # in the order the run has them

    def find(self, model: Model, variant: str, target: str) -> Record | None:
        return self._found.get((model, variant, target))

    def param_bytes(self, model: Model) -> int:
        return self._params[model]


def _model_cell(model: Model, param: int) -> Markup:
    return tag("code", model[0]) + " " + fmt.size(param or model[1])


def _where(args: dict[str, str]):
    def ok(r: Record) -> bool:
        f = _f(r)
        return (f.model, f.op, f.target) == (args["model"], args["op"], args["target"])

    return ok


@renderer("saveload-table", machines="each", **WHERE)
def results(ctx: PageContext, args: dict[str, str]) -> Markup:
    """Methods × model sizes for one model, operation and target, against its ceiling."""
    ok = _where(args)
    blocks = []
    for run in _runs(ctx, ok):
        records = [r for r in run.for_tip(TIP) if ok(r)]
        ceiling = run.machine.rate(CEILING_OF_TARGET.get(args["target"]))
        extra = [common.text("zero_copy_note", ctx.locale)] if any(r.bytes_per_s is None for r in records) else []
        blocks += [machine_line(ctx, run), results_table(records, ceiling, ctx.locale), notes(*extra)]
    return tag("div", join(blocks), class_="tb-results") if blocks else _empty(ctx)


def size_table(records: Sequence[Record], locale: str) -> Markup:
    """Rows: model × size; columns: parameter bytes, then each format's file size and overhead."""
    rows = []
    lookup = Lookup(records)
    for model in lookup.models:
        found = {f: lookup.find(model, SIZE_METHODS[f], FILE) for f in FORMATS}
        if all(r is None for r in found.values()):
            continue
        floor = lookup.param_bytes(model)
        cells: list[object] = [_model_cell(model, floor), f"{floor:,}" if floor else "—"]
        for f in FORMATS:
            record = found[f]
            size = _f(record).file_bytes if record else None
            if size is None or not floor:
                cells.append("—")
                continue
            over = size - floor
            cells.append(join([f"{size:,}", Markup("<br>"), tag("small", f"(+{over:,} · +{over / floor:.2%})")]))
        rows.append(cells)
    if not rows:
        return Markup()
    head = [text.plain("model", locale), text.plain("param_bytes", locale)]
    head += [text.plain("fmt_" + f, locale) for f in FORMATS]
    return table(head, rows, row_headers=True) + notes(text.text("size_note", locale))


def ratio(lookup: Lookup, model: Model, op: str, target: str, full: str, state: str) -> float | None:
    """Median time of the full-model method over the state_dict method, same model and target."""
    a, b = lookup.find(model, full, target), lookup.find(model, state, target)
    if a is None or b is None or b.median_s <= 0 or _f(a).op != op:
        return None
    return a.median_s / b.median_s


def size_ratio(lookup: Lookup, model: Model) -> float | None:
    a, b = lookup.find(model, "save_full", FILE), lookup.find(model, "save_state_dict", FILE)
    sa = _f(a).file_bytes if a else None
    sb = _f(b).file_bytes if b else None
    return sa / sb if sa and sb else None


def _ratio_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def ratio_table(records: Sequence[Record], locale: str) -> Markup:
    """Full model ÷ state_dict for each model: save and load times per target, and file size."""
    present = {(_f(r).target, r.variant) for r in records}
    cols = [pair for pair in RATIO_PAIRS if (pair[2], pair[3]) in present]
    rows, sizes = [], []
    lookup = Lookup(records)
    for model in lookup.models:
        values = [ratio(lookup, model, *col[1:]) for col in cols]
        size = size_ratio(lookup, model)
        if all(v is None for v in values) and size is None:
            continue
        if size is not None:
            sizes.append(size)
        rows.append([_model_cell(model, lookup.param_bytes(model)), *(_ratio_text(v) for v in values),
                     "—" if size is None else f"{size:.4f}×"])
    if not rows:
        return Markup()
    head = [text.plain("model", locale), *(text.plain(key, locale) for key, *_ in cols), text.plain("size_ratio", locale)]
    out = table(head, rows, row_headers=True) + notes(text.text("ratio_note", locale))
    line = _summary(lookup, sizes, locale)
    return out + (tag("p", line, class_="tb-summary") if line else Markup())


def _span(values: list[float], locale: str) -> str:
    """'1.67–2.92×' / '1.67–2.92 倍' (one value: '1.67×')."""
    low, high = min(values), max(values)
    body = f"{low:.2f}" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}–{high:.2f}"
    return body + (" 倍" if locale == "zh" else "×")


def _summary(lookup: Lookup, sizes: list[float], locale: str) -> Markup | None:
    """Same-unpickler load and save ratios at the smallest and the largest model size."""
    by_size: dict[int, dict[str, list[float]]] = {}
    for model in lookup.models:
        load = ratio(lookup, model, "load", "cached", "load_full_safe_globals", "load_state_dict_into")
        save = ratio(lookup, model, "save", "file", "save_full", "save_state_dict")
        if load is not None and save is not None:
            slot = by_size.setdefault(model[1], {"load": [], "save": []})
            slot["load"].append(load)
            slot["save"].append(save)
    if not by_size or not sizes:
        return None
    small, large = min(by_size), max(by_size)
    worst = max(sizes)
    return text.text("summary", locale, small=fmt.size(small), large=fmt.size(large),
                     load_small=_span(by_size[small]["load"], locale), load_large=_span(by_size[large]["load"], locale),
                     save_small=_span(by_size[small]["save"], locale), save_large=_span(by_size[large]["save"], locale),
                     size_worst=f"{(worst - 1):.2%}", kinds=len({m for m, _ in lookup.models}))


@renderer("saveload-sizes", machines="each")
def sizes(ctx: PageContext, args: dict[str, str]) -> Markup:
    blocks = [machine_line(ctx, run) + body for run in _runs(ctx) if (body := size_table(_records(run), ctx.locale))]
    return join(blocks) if blocks else _empty(ctx)


@renderer("saveload-ratios", machines="each")
def ratios(ctx: PageContext, args: dict[str, str]) -> Markup:
    blocks = [machine_line(ctx, run) + body for run in _runs(ctx) if (body := ratio_table(_records(run), ctx.locale))]
    return join(blocks) if blocks else _empty(ctx)


def chart_series(records: Sequence[Record], op: str, target: str, model: str) -> list[Series]:
    """One series per method (labelled by its code): parameter bytes per second vs size."""
    by_code: dict[str, list[tuple[float, float]]] = {}
    for r in records:
        f = _f(r)
        if (f.op, f.target, f.model) != (op, target, model) or r.shares_memory or r.median_s <= 0:
            continue  # a lazy "open" moved no bytes yet: no throughput to draw
        by_code.setdefault(r.code, []).append((float(r.nbytes), r.nbytes / r.median_s))
    return [Series(code, tuple(points)) for code, points in by_code.items()]


@renderer("saveload-chart", machines="chart:saveload-table", **WHERE)
def chart(ctx: PageContext, args: dict[str, str]) -> Markup:
    op, target, model = args["op"], args["target"], args["model"]
    ceiling_key = CEILING_OF_TARGET.get(target)
    blocks = []
    for run in _runs(ctx, _where(args)):
        series = chart_series(_records(run), op, target, model)
        if not series:
            continue
        value = run.machine.rate(ceiling_key)
        svg = throughput_chart(
            series,
            title=text.plain("chart_title", ctx.locale, op=text.plain(f"op_{op}", ctx.locale), model=model,
                             target=text.plain(f"target_{target}", ctx.locale)),
            x_label=text.plain("axis_size", ctx.locale), y_label=text.plain("axis_rate", ctx.locale),
            ceiling=(ceiling_name(ceiling_key, ctx.locale), value) if value else None,
        )
        blocks.append(machine_line(ctx, run) + tag("figure", svg, class_="tb-figure"))
    return join(blocks) if blocks else _empty(ctx)




# --- across torch releases (render/releases.py) -------------------------------------------

def _mlp_1mib(variant: str, target: str):
    return lambda r: (r.variant == variant and r.fields.model == "mlp" and r.fields.model_size == MiB
                      and r.fields.target == target)


figure(TIP, "save_state_dict", en="`torch.save(model.state_dict(), f)`, MLP 1 MiB, to a file",
       zh="`torch.save(model.state_dict(), f)`，1 MiB 的 MLP，写入文件", where=_mlp_1mib("save_state_dict", "file"),
       short=("save", "保存"))
figure(TIP, "load_state_dict", en="`torch.load(f)` of that state_dict (default unpickler: pickle up to 2.5, `weights_only` from 2.6)",
       zh="用 `torch.load(f)` 读回这个 state_dict（默认反序列化器：2.5 及更早版本是 pickle，自 2.6 起是 `weights_only`）",
       where=_mlp_1mib("load_state_dict", "cached"), short=("load state_dict", "加载 state_dict"))
figure(TIP, "load_full", en="`torch.load(f, weights_only=False)` of the full model",
       zh="用 `torch.load(f, weights_only=False)` 读回整个模型", where=_mlp_1mib("load_full", "cached"),
       short=("load full model", "加载整个模型"))
# Divided as the ratio table divides (whole model ÷ state_dict), and the header itself says
# that the two loads use different unpicklers: it shows what the 2.6 default change did to
# the state_dict's load against pickle's, not a like-for-like format comparison.
figure(TIP, "pickle_over_default", en="the full model's `weights_only=False` load ÷ the state_dict's default `torch.load(f)`, in one run",
       zh="同一次运行中，整个模型 `weights_only=False` 加载与 state_dict 默认 `torch.load(f)` 的耗时之比",
       where=_mlp_1mib("load_full", "cached"), over=_mlp_1mib("load_state_dict", "cached"),
       short=("full (pickle) ÷ state_dict (default)", "整个模型（pickle）÷ state_dict（默认）"))
