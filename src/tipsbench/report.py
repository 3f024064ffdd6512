"""`tipsbench report`: a results file as a readable terminal table."""

from __future__ import annotations

from tipsbench import fmt
from tipsbench.results import Record, Run
from tipsbench.schema import FORBIDDEN

COLUMNS = ("tip", "variant", "dtype", "size", "median", "throughput", "% ceiling", "memory")
# Strings come from strangers' files: no terminal escape sequences get through. The
# loader refuses strings with these characters; a path given on the command line may
# still hold them (and lone surrogates from an undecodable file name, which stdout can't
# encode).
CONTROL = FORBIDDEN


def clean(text: object) -> str:
    return CONTROL.sub("?", str(text))


def row(record: Record, run: Run) -> tuple[str, ...]:
    rate = record.bytes_per_s
    ceiling = run.machine.rate(record.ceiling)
    memory = {True: "shares", False: "copies"}.get(record.shares_memory, "")
    # Suites that measure one call on several models, targets or devices say which.
    fields = record.fields
    where = [str(getattr(fields, k)) for k in ("model", "target", "device")
             if getattr(fields, k, None) not in (None, "", "cpu")]
    variant = record.code + (f" [{', '.join(where)}]" if where else "")
    return (
        clean(record.tip), clean(variant), clean(record.dtype),
        fmt.size(record.nbytes), fmt.duration(record.median_s),
        fmt.rate(rate) if rate else "—",
        fmt.percent(rate / ceiling) if rate and ceiling else "—",
        memory,
    )


def render(run: Run) -> str:
    """A header naming machine, torch and date, then one aligned row per record."""
    m = run.machine
    header = clean(f"{run.path}: {m.cpu_model} · torch {m.torch_version} · {run.datetime} · profile {m.profile}")
    ceilings = [f"{clean(c.name)} {fmt.rate(c.bytes_per_s)}" for c in m.ceilings]
    rows = [COLUMNS] + [row(r, run) for r in run.records]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = [header]
    if m.finished_of:
        lines.append(f"interrupted run: {m.finished_of[0]} of {m.finished_of[1]} tests finished")
    if ceilings:
        lines.append("ceilings: " + ", ".join(ceilings))
    for index, r in enumerate(rows):
        lines.append("  ".join(cell.rjust(w) if i >= 3 else cell.ljust(w) for i, (cell, w) in enumerate(zip(r, widths, strict=False))).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
