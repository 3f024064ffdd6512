"""Results as HTML tables: variants as rows, sizes as columns (like
torch.utils.benchmark's Compare), a pure function of the records so it is easy to
golden-test."""

from __future__ import annotations

from collections.abc import Sequence

from tipsbench.render import fmt
from tipsbench.render.fmt import esc
from tipsbench.render.labels import label
from tipsbench.results import Record


def row_label(record: Record) -> str:
    return str(record.extra.get("code") or record.variant)


def memory_label(records: Sequence[Record], locale: str) -> str:
    flags = {r.shares_memory for r in records}
    if flags == {True}:
        return label("shares", locale)
    if flags == {False}:
        return label("copies", locale)
    return label("mixed", locale) if len(flags) > 1 else "?"


def cell(record: Record, ceiling: float | None, locale: str) -> str:
    """Median time, and for a copy its throughput and % of the ceiling.

    The tooltip carries the rest of the statistics, so every number can be traced
    back to the run (IQR, rounds, calls per round).
    """
    sep = label("list_sep", locale)
    tip = sep.join((f"{label('median', locale)} {fmt.duration(record.median_s)}",
                    f"{label('iqr', locale)} {fmt.duration(record.iqr_s)}",
                    label("rounds_calls", locale, rounds=record.rounds, calls=record.iterations)))
    parts = [f'<span class="tb-time">{fmt.duration(record.median_s)}</span>']
    rate = record.bytes_per_s
    if rate is None:
        parts.append('<span class="tb-rate">—</span>')
    else:
        share = f" · {fmt.percent(rate / ceiling)}" if ceiling else ""
        parts.append(f'<span class="tb-rate">{fmt.rate(rate)}{share}</span>')
    return f'<td title="{esc(tip)}">{"<br>".join(parts)}</td>'


def results_table(records: Sequence[Record], ceiling: float | None, locale: str,
                  size_notes: dict[int, str] | None = None) -> str:
    """One table: a row per variant (in first-seen order), a column per size."""
    sizes = sorted({r.nbytes for r in records})
    rows: dict[str, dict[int, Record]] = {}
    for record in records:
        rows.setdefault(row_label(record), {})[record.nbytes] = record
    size_notes = size_notes or {}
    head = "".join(
        f"<th>{esc(fmt.size(s))}" + (f"<br><small>{esc(size_notes[s])}</small>" if s in size_notes else "") + "</th>"
        for s in sizes
    )
    lines = [
        '<div class="tb-table"><table>',
        f"<thead><tr><th>{label('variant', locale)}</th><th>{label('memory', locale)}</th>{head}</tr></thead>",
        "<tbody>",
    ]
    for name, by_size in rows.items():
        cells = "".join(cell(by_size[s], ceiling, locale) if s in by_size else "<td></td>" for s in sizes)
        memory = memory_label(list(by_size.values()), locale)
        lines.append(f"<tr><th><code>{esc(name)}</code></th><td>{esc(memory)}</td>{cells}</tr>")
    lines += ["</tbody>", "</table></div>"]
    return "\n".join(lines)
