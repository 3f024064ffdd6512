"""Renderers every tip page can use: checked claims, results tables and charts, and
where the numbers come from."""

from __future__ import annotations

import numpy
import torch

from tipsbench import claims
from tipsbench.render import fmt
from tipsbench.render.charts import Series, throughput_chart
from tipsbench.render.fmt import code_spans, esc
from tipsbench.render.registry import MarkerError, PageContext, renderer, require
from tipsbench.render.tables import results_table, row_label
from tipsbench.results import Record, Run, newest_per_machine, number

# Claims are checked once per build, not once per language.
_OBSERVED: dict[str, claims.Observation] = {}


def observe(claim_id: str) -> claims.Observation:
    if claim_id not in _OBSERVED:
        check = claims.get(claim_id).check
        try:
            _OBSERVED[claim_id] = check()
        except Exception as exc:  # a broken check is a failed claim, shown as such
            _OBSERVED[claim_id] = claims.Observation(False, f"{type(exc).__name__}: {exc}")
    return _OBSERVED[claim_id]


def versions() -> str:
    return f"torch {torch.__version__} · numpy {numpy.__version__}"


@renderer("claim")
def claim_box(ctx: PageContext, args: dict) -> str:
    claim_id = require(args, "id")
    try:
        claim = claims.get(claim_id)
    except KeyError as exc:
        raise MarkerError(str(exc.args[0])) from None
    seen = observe(claim_id)
    if seen.holds:
        status, css = f"✓ {ctx.label('checked_on')} {versions()}", "tb-claim-ok"
    else:
        ctx.warn(f"{ctx.page}: claim {claim_id} did not hold on {versions()}: {seen.shown}")
        status, css = f"✗ {ctx.label('claim_failed')} {versions()}", "tb-claim-failed"
    shown = (f'<pre class="tb-observed"><code>{esc(seen.shown)}</code></pre>' if seen.shown else "")
    return (f'<div class="tb-claim {css}"><p><span class="tb-claim-status">{esc(status)}</span> '
            f'{code_spans(claim.text[ctx.locale])}</p>{shown}</div>')


def matches(record: Record, args: dict) -> bool:
    """Whether a record is one a marker asks for: tip=, dtype= and where.KEY=VALUE."""
    if record.tip != args.get("tip") or ("dtype" in args and record.dtype != args["dtype"]):
        return False
    return all(str(record.extra.get(key.removeprefix("where."))) == value
               for key, value in args.items() if key.startswith("where."))


def select(run: Run, args: dict) -> list[Record]:
    """The run's records that a marker asks for."""
    return [r for r in run.records if matches(r, args)]


def chosen_runs(ctx: PageContext, args: dict) -> list[Run]:
    """Per machine, the newest run that measured what the marker asks for."""
    return newest_per_machine(ctx.runs, require(args, "tip"), lambda r: matches(r, args))


def machine_line(ctx: PageContext, run: Run) -> str:
    return f'<p class="tb-provenance">{machine_parts(ctx, run)}</p>'


def machine_parts(ctx: PageContext, run: Run) -> str:
    """'Machine: … · torch … · date · profile · results file': escaped HTML."""
    m = run.machine
    cpu = m.get("cpu", {}) if isinstance(m.get("cpu"), dict) else {}
    accels = [a.get("name", "?") for a in m.get("accelerators", []) if isinstance(a, dict)]
    parts = [f"{ctx.label('machine_prefix')}{cpu.get('model', '?')}",
             f"{m.get('torch', {}).get('threads', '?')} {ctx.label('threads')}"]
    parts += accels
    parts += [f"torch {run.torch_version}", f"numpy {m.get('numpy', '?')}", run.datetime[:10],
              f"{ctx.label('profile')} {run.profile}",
              f"{ctx.label('results_file')} <code>{esc(run.path.rsplit('/', 1)[-1])}</code>"]
    return " · ".join(p if p.startswith(ctx.label("results_file")) else esc(p) for p in parts)


def ceiling_of(run: Run, args: dict) -> float | None:
    return run.ceiling(args.get("ceiling"))


def empty_notice(message: str) -> str:
    """What a marker shows when there is nothing to show (messages quote commands)."""
    return f'<p class="tb-empty">{code_spans(message)}</p>'


def _no_results(ctx: PageContext) -> str:
    return empty_notice(ctx.label("no_results"))


def _size_notes(records: list[Record], ctx: PageContext) -> dict[int, str]:
    notes = {}
    for r in records:
        level = r.extra.get("cache_level")
        if isinstance(level, str):
            notes[r.nbytes] = ctx.label("dram") if level == "DRAM" else level
    return notes


@renderer("table")
def table(ctx: PageContext, args: dict) -> str:
    blocks = []
    for run in chosen_runs(ctx, args):
        records = select(run, args)
        ceiling = ceiling_of(run, args)
        blocks.append(machine_line(ctx, run))
        blocks.append(results_table(records, ceiling, ctx.locale, _size_notes(records, ctx)))
        notes = [ctx.label("zero_copy_note")] if any(r.bytes_per_s is None for r in records) else []
        if ceiling and any((r.bytes_per_s or 0) > ceiling for r in records):
            notes.append(ctx.label("over_100_note"))
        blocks += [f'<p class="tb-note">{esc(n)}</p>' for n in notes]
    return f'<div class="tb-results">{"".join(blocks)}</div>' if blocks else _no_results(ctx)


@renderer("chart")
def chart(ctx: PageContext, args: dict) -> str:
    blocks = []
    for index, run in enumerate(chosen_runs(ctx, args)):
        records = [r for r in select(run, args) if r.bytes_per_s is not None]
        if not records:
            continue
        by_variant: dict[str, list[tuple[float, float]]] = {}
        for r in records:
            by_variant.setdefault(row_label(r), []).append((r.nbytes, r.bytes_per_s))
        ceiling = ceiling_of(run, args)
        caches = run.machine.get("caches", {}) if isinstance(run.machine.get("caches"), dict) else {}
        marks = [(str(name), float(size)) for name, size in caches.items() if isinstance(size, (int, float))]
        chart_id = f"tb-{args['tip']}-{args.get('dtype', 'all')}-{index}-{ctx.locale}"
        svg = throughput_chart(
            [Series(name, tuple(points)) for name, points in by_variant.items()],
            title=ctx.label("chart_title_rate", dtype=args.get("dtype", "")),
            x_label=ctx.label("axis_size"), y_label=ctx.label("axis_rate"), chart_id=chart_id,
            ceiling=(ctx.label("ceiling_line"), ceiling) if ceiling else None, marks=marks,
        )
        blocks.append(machine_line(ctx, run) + f'<figure class="tb-figure">{svg}</figure>')
    return "".join(blocks) if blocks else _no_results(ctx)


@renderer("runs")
def runs(ctx: PageContext, args: dict) -> str:
    """Every run shown on the site (or of one tip): the provenance of each number."""
    chosen = [r for r in ctx.runs if "tip" not in args or r.for_tip(args["tip"])]
    if not chosen:
        return _no_results(ctx)
    items = "".join(f"<li>{machine_parts(ctx, run)} · {len(run.records)} {ctx.label('benchmarks')}</li>"
                    for run in sorted(chosen, key=lambda r: (r.key, r.datetime)))
    return f'<ul class="tb-runs">{items}</ul>'


@renderer("ceilings")
def ceilings_table(ctx: PageContext, args: dict) -> str:
    """Each machine's measured ceilings (numbers only; details in the tooltip)."""
    rows = []
    for run in sorted(ctx.runs, key=lambda r: (r.key, r.datetime)):
        for name in sorted(run.ceilings):
            value = run.ceiling(name)
            if value is not None:
                detail = run.ceiling_details(name)
                worst, best = number(detail.get("worst")), number(detail.get("best"))
                rng = f"{fmt.rate(worst)} – {fmt.rate(best)}" if worst and best else ""
                rows.append(f"<tr><td>{esc(run.machine.get('cpu', {}).get('model', '?'))}</td>"
                            f"<td><code>{esc(name)}</code></td><td>{fmt.rate(value)}</td>"
                            f"<td>{esc(rng)}</td><td><code>{esc(run.path.rsplit('/', 1)[-1])}</code></td></tr>")
    if not rows:
        return _no_results(ctx)
    head = {"en": ("Machine", "Ceiling", "Median", "Worst – best", "Results file"),
            "zh": ("机器", "上限", "中位数", "最差 – 最好", "结果文件")}[ctx.locale]
    return ('<div class="tb-table"><table><thead><tr>' + "".join(f"<th>{h}</th>" for h in head)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")
