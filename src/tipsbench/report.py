"""`tipsbench report`: a results file as the site lays it out, in a terminal.

One table per tip; a row per timed call (its code, and the model, target or device
where a suite measures one call on several), a column per size, as the site's tables.
Each cell is the median time, with the share of the machine's ceiling where the call
moves bytes. ``--format markdown`` gives the same tables for a pull-request comment,
``--format json`` the numbers for a script.

Strings come from strangers' files: control characters never reach the terminal, and
in Markdown a ``|`` can't open a new cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tipsbench import fmt
from tipsbench.results import Record, Run
from tipsbench.schema import FORBIDDEN

FORMATS = ("text", "markdown", "json")
# The loader refuses strings with these characters; a path given on the command line
# may still hold them (and lone surrogates from an undecodable file name, which stdout
# can't encode).
CONTROL = FORBIDDEN


def clean(text: object) -> str:
    return CONTROL.sub("?", str(text))


@dataclass
class Row:
    code: str
    where: str  # "mlp, file": what the suite varies besides the size
    dtype: str
    memory: str  # shares | copies | ""
    cells: dict[int, Record] = field(default_factory=dict)  # size in bytes -> record

    @property
    def label(self) -> str:
        return self.code + (f" [{self.where}]" if self.where else "")


def rows_of(records: Iterable[Record]) -> dict[str, list[Row]]:
    """{tip: its rows, in the order the run measured them}."""
    tables: dict[str, dict[tuple, Row]] = {}
    for record in records:
        fields = record.fields
        where = ", ".join(str(getattr(fields, k)) for k in ("model", "target", "device")
                          if getattr(fields, k, None) not in (None, "", "cpu"))
        memory = {True: "shares", False: "copies"}.get(record.shares_memory, "")
        key = (record.code, where, record.dtype, memory)
        row = tables.setdefault(record.tip, {}).setdefault(key, Row(record.code, where, record.dtype, memory))
        row.cells[record.nbytes] = record
    return {tip: list(rows.values()) for tip, rows in tables.items()}


def cell_text(record: Record, run: Run) -> str:
    """'18.3 ms · 13%': the median, and the share of the ceiling where bytes move."""
    rate, ceiling = record.bytes_per_s, run.machine.rate(record.ceiling)
    text = fmt.duration(record.median_s)
    return text + (f" · {fmt.percent(rate / ceiling)}" if rate and ceiling else "")


def _header(run: Run) -> list[str]:
    m = run.machine
    lines = [clean(f"{run.path}: {m.cpu_model} · torch {m.torch_version} · {run.datetime} · profile {m.profile}")]
    if m.finished_of:
        lines.append(f"interrupted run: {m.finished_of[0]} of {m.finished_of[1]} tests finished")
    ceilings = [f"{clean(c.name)} {fmt.rate(c.bytes_per_s)}" for c in m.ceilings]
    if ceilings:
        lines.append("ceilings: " + ", ".join(ceilings))
    lines.append("cells: median time · share of the ceiling (calls that move bytes)")
    return lines


def _grid(tip: str, rows: list[Row], run: Run) -> tuple[list[str], list[list[str]]]:
    sizes = sorted({n for row in rows for n in row.cells})
    head = [f"{tip}", "dtype", "memory", *(fmt.size(n) for n in sizes)]
    body = [[clean(row.label), clean(row.dtype), row.memory,
             *(cell_text(row.cells[n], run) if n in row.cells else "—" for n in sizes)] for row in rows]
    return head, body


def render(run: Run) -> str:
    """Aligned text tables, one per tip."""
    lines = _header(run)
    for tip, rows in rows_of(run.records).items():
        head, body = _grid(tip, rows, run)
        widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
        lines.append("")
        for index, r in enumerate([head, *body]):
            lines.append("  ".join(c.rjust(w) if i >= 3 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
            if index == 0:
                lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _md(text: str) -> str:
    return clean(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")


def render_markdown(run: Run) -> str:
    """GitHub-flavoured Markdown: the header as a quote, then one table per tip."""
    lines = ["> " + _md(line) for line in _header(run)]
    for tip, rows in rows_of(run.records).items():
        head, body = _grid(tip, rows, run)
        lines += ["", f"**{_md(tip)}**", "",
                  "| " + " | ".join(_md(c) for c in head) + " |",
                  "|" + "|".join(["---"] * 3 + ["---:"] * (len(head) - 3)) + "|"]
        lines += ["| " + " | ".join(_md(c) for c in r) + " |" for r in body]
    return "\n".join(lines)


def as_json(run: Run) -> dict:
    """The same tables as data: every number as the file holds it."""
    tips = {}
    for tip, rows in rows_of(run.records).items():
        tips[tip] = [{
            "code": row.code, "where": row.where, "dtype": row.dtype, "memory": row.memory,
            "cells": [{"bytes": n, "median_s": r.median_s, "iqr_s": r.iqr_s, "rounds": r.rounds,
                       "bytes_per_s": r.bytes_per_s,
                       "ceiling_share": (r.bytes_per_s / run.machine.rate(r.ceiling)
                                         if r.bytes_per_s and run.machine.rate(r.ceiling) else None)}
                      for n, r in sorted(row.cells.items())],
        } for row in rows]
    m = run.machine
    return {"file": str(run.path), "machine": m.key, "cpu": m.cpu_model, "torch": m.torch_version,
            "datetime": run.datetime, "profile": m.profile, "tips": tips}
