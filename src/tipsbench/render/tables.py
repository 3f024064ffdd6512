"""Results as HTML tables: variants as rows, sizes as columns (like
torch.utils.benchmark's Compare), a pure function of the records so it is easy to
golden-test."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tipsbench import fmt
from tipsbench.render.html import Markup, cell, join, table, tag
from tipsbench.render.labels import common
from tipsbench.results import Record


def memory_label(records: Sequence[Record], locale: str) -> str:
    flags = {r.shares_memory for r in records}
    if flags == {True}:
        return common.plain("shares", locale)
    if flags == {False}:
        return common.plain("copies", locale)
    return common.plain("mixed", locale) if len(flags) > 1 else "?"


def stats_tooltip(record: Record, locale: str, more: str = "") -> str:
    """"median 1.2 µs · IQR 30 ns · 100 rounds × 50 calls": every cell's way back to the run."""
    return common.plain("list_sep", locale).join((
        f"{common.plain('median', locale)} {fmt.duration(record.median_s)}",
        f"{common.plain('iqr', locale)} {fmt.duration(record.iqr_s)}",
        common.plain("rounds_calls", locale, rounds=record.rounds, calls=record.iterations),
        *filter(None, [more])))


def result_cell(record: Record, ceiling: float | None, locale: str,
                more: Callable[[Record], str] | None = None) -> Markup:
    """Median time, and for a copy its throughput and % of the ceiling.

    The tooltip carries the rest of the statistics, so every number can be traced
    back to the run (IQR, rounds, calls per round).
    """
    tooltip = stats_tooltip(record, locale, more(record) if more else "")
    rate = record.bytes_per_s
    if rate is None:
        throughput = "—"
    else:
        throughput = fmt.rate(rate) + (f" · {fmt.percent(rate / ceiling)}" if ceiling else "")
    content = tag("span", fmt.duration(record.median_s), class_="tb-time") + Markup("<br>") \
        + tag("span", throughput, class_="tb-rate")
    return cell(content, title=tooltip)


def size_head(nbytes: int, note: str | None) -> Markup:
    return join([fmt.size(nbytes)] + ([Markup("<br>"), tag("small", note)] if note else []))


def results_table(records: Sequence[Record], ceiling: float | None, locale: str,
                  size_notes: dict[int, str] | None = None, more: Callable[[Record], str] | None = None) -> Markup:
    """One table: a row per variant (in first-seen order), a column per size."""
    sizes = sorted({r.nbytes for r in records})
    rows: dict[str, dict[int, Record]] = {}
    for record in records:
        rows.setdefault(record.code, {})[record.nbytes] = record
    size_notes = size_notes or {}
    head = [common.plain("variant", locale), common.plain("memory", locale)]
    head += [size_head(s, size_notes.get(s)) for s in sizes]
    body = []
    for code, by_size in rows.items():
        cells = [result_cell(by_size[s], ceiling, locale, more) if s in by_size else "" for s in sizes]
        body.append([cell(tag("code", code), header=True), memory_label(list(by_size.values()), locale), *cells])
    return table(head, body)
