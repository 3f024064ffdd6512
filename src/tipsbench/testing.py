"""Small results files for tests: JSON built the way pytest-benchmark writes it, then
parsed through the real boundary (results.parse_run), so a test's records are exactly
what a file would give. Used by tipsbench's own tests; handy for a family's too."""

from __future__ import annotations

import copy
from pathlib import Path

from tipsbench.results import FORMAT, Run, parse_run
from tipsbench.storage import run_file_name

MACHINE = {
    "format": FORMAT, "key": "test-cpu_2t", "profile": "quick",
    "cpu": {"model": "Test CPU", "logical_cpus": 2, "arch": "x86_64"},
    "caches": {"L1d": 32768, "L2": 1048576, "L3": 33554432}, "ram_bytes": 8 << 30,
    "torch": {"version": "2.13.0+cpu", "build": "CPU", "threads": 2}, "numpy": "2.4.6",
    "accelerators": [], "accelerators_checked": ["cuda", "mps"], "ceilings": {},
}


def bench(tip: str, variant: str, median_s: float, *, nbytes: int = 1024, iqr_s: float | None = None,
          rounds: int = 5, iterations: int = 1, **extra: object) -> dict:
    """One benchmark entry; `extra` goes into extra_info (None values are left out)."""
    info = {"tip": tip, "variant": variant, "bytes": nbytes, "dtype": "float32"}
    info.update({k: v for k, v in extra.items() if v is not None})
    return {"name": f"test_{tip}[{variant}-{nbytes}]", "extra_info": info,
            "stats": {"median": median_s, "iqr": median_s / 10 if iqr_s is None else iqr_s,
                      "rounds": rounds, "iterations": iterations}}


def paired(case: str, ratios: list[float], *, kind: str = "time", busy: bool = False, b: float = 1e-3) -> dict:
    """One paired comparison's benchmark entry, summarized by the real code (paired.summarize)
    from synthetic pairs: side B costs `b`, side A `b × ratio` in each pair."""
    from tipsbench.paired import Load, summarize

    load = Load(busy=busy, cores=2, runnable=2.0 if busy else 0.0, steal=0.0, cpu_share=0.6 if busy else 1.0,
                spin=1.0, reasons=("cpu_share", "runnable") if busy else ())
    summary = summarize(case, "a()", "b()", kind, "s" if kind == "time" else "B", [b * r for r in ratios],
                        [b] * len(ratios), threads=1, interop_threads=2, load=load, elapsed_s=0.5)
    return {"name": f"test_rule[{case}]", "extra_info": summary.to_extra(),
            "stats": {"median": 0.5, "iqr": 0.0, "rounds": 1, "iterations": 1}}


def data(benchmarks: list[dict], *, when: str = "2026-11-29T00:00:00+00:00", **machine: object) -> dict:
    """A whole results file as a dict; `machine` overrides machine_info.tipsbench keys."""
    info = copy.deepcopy(MACHINE)
    info.update(machine)
    return {"machine_info": {"tipsbench": info}, "datetime": when, "benchmarks": benchmarks, "version": "5.2.3"}


def run(benchmarks: list[dict], *, path: str = "results/test-cpu_2t_20261129T000000Z.json",
        when: str = "2026-11-29T00:00:00+00:00", **machine: object) -> Run:
    """Parse such a file through the real loader."""
    return parse_run(data(benchmarks, when=when, **machine), path)


def claims_data(torch: str, outcomes: dict[str, str], *, build: str = "cuda-no-gpu",
                shown: dict[str, list[str]] | None = None) -> dict:
    """A claims file as a dict (what `tipsbench claims --json` writes)."""
    from tipsbench.claims.build import release_of
    from tipsbench.claims.files import FORMAT as CLAIMS_FORMAT
    from tipsbench.claims.files import FORMAT_KEY

    shown = shown or {}
    return {FORMAT_KEY: CLAIMS_FORMAT, "torch": torch, "release": release_of(torch), "build": build,
            "numpy": "2.4.6", "python": "3.11.7", "machine": "test-cpu_2t", "platform": "Linux-test",
            "date": "2026-11-30T00:00:00Z", "seconds": 1.0,
            "claims": [{"id": cid, "outcome": outcome, "shown": shown.get(cid, [f"{cid} on {torch}"])}
                       for cid, outcome in outcomes.items()]}


def claims_file(directory, torch: str, outcomes: dict[str, str], **options):
    """Write such a file into `directory` and read it back through the real loader."""
    from pathlib import Path

    from tipsbench.claims import files

    path = files.write(Path(directory) / files.file_name(torch), claims_data(torch, outcomes, **options))
    return files.load(path)


# --- tests that run on every supported torch release --------------------------------------

def accelerator_available() -> bool:
    """CUDA or MPS usable here, on any release (torch.accelerator arrived in 2.6)."""
    import torch

    mps = getattr(torch.backends, "mps", None)
    return bool(torch.cuda.is_available() or (mps is not None and mps.is_available()))


def needs_api(path: str):
    """Skip a test where the installed torch lacks `path` ("torch.serialization.safe_globals")."""
    import pytest

    from tipsbench.claims import missing

    why = missing(path)
    return pytest.mark.skipif(bool(why), reason=why)


def in_scope(claim_id: str):
    """Skip a test of a claim's behaviour where the installed torch is outside the releases
    and builds the claim describes (tests/core/test_claims.py still checks its outcome
    there against the shipped timeline)."""
    import pytest

    from tipsbench import claims
    from tipsbench.claims.build import installed_build, installed_release

    claim = claims.get(claim_id)
    release, build = installed_release(), installed_build()
    covered = claim.scope.covers(release, build)
    return pytest.mark.skipif(not covered, reason=f"{claim_id} doesn't describe torch {release} ({build})")


def synthetic_fleet(source: Path, folder: Path, machines: int = 20, runs_per_machine: int = 10) -> list[Path]:
    """`machines` × `runs_per_machine` copies of one real results file, each with its own
    machine key, CPU name and date: the many-machines case for tests and the site-build
    benchmarks. Synthetic: never for results/ (every number in them is the source's)."""
    import json
    from datetime import datetime, timedelta

    original = json.loads(Path(source).read_text(encoding="utf-8"))
    start = datetime.fromisoformat(original["datetime"])
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for m in range(machines):
        for r in range(runs_per_machine):
            copied = copy.deepcopy(original)
            ours = copied["machine_info"]["tipsbench"]
            ours["key"] = f"synthetic-{m:02d}_{ours['cpu']['logical_cpus']}t"
            ours["cpu"]["model"] = f"Synthetic CPU {m:02d}"
            when = start + timedelta(days=r, minutes=m)
            copied["datetime"] = when.isoformat()
            path = folder / run_file_name(ours["key"], when)
            path.write_text(json.dumps(copied), encoding="utf-8")
            written.append(path)
    return written
