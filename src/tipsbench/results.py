"""The results model: pytest-benchmark JSON files, validated and read into records.

A results file *is* a pytest-benchmark JSON file (``pytest-benchmark compare`` reads
it), with our facts in ``machine_info["tipsbench"]`` and in each benchmark's
``extra_info``. Files come from strangers: everything is validated, and a bad file
raises ResultsError with one line naming the file and the problem.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tipsbench.errors import FileProblem, open_problem

# Results format history:
# 1 - (tipsbench 0.1, 2026-11) machine_info.tipsbench {format, profile, key, cpu, caches,
#     ram_bytes, torch, numpy, accelerators, accelerators_checked, ceilings}; each
#     benchmark's extra_info has tip, variant, bytes; stats.data dropped in shipped files.
FORMAT = 1
RESULTS_ENV = "TIPSBENCH_RESULTS"
# Statistics we keep when compacting; the raw per-round samples ("data") are dropped.
KEPT_STATS = ("min", "max", "mean", "stddev", "rounds", "median", "iqr", "q1", "q3",
              "iqr_outliers", "stddev_outliers", "outliers", "ld15iqr", "hd15iqr",
              "ops", "total", "iterations")


class ResultsError(FileProblem):
    """A results file that can't be used: the message is one line naming the file."""


@dataclass(frozen=True)
class Record:
    """One timed benchmark: its case, its statistics and what it recorded."""

    tip: str
    variant: str
    dtype: str
    nbytes: int
    median_s: float
    iqr_s: float
    rounds: int
    iterations: int
    name: str
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def shares_memory(self) -> bool | None:
        value = self.extra.get("shares_memory")
        return value if isinstance(value, bool) else None

    @property
    def bytes_per_s(self) -> float | None:
        """Payload throughput; None for a call that moves no bytes (it shares)."""
        if self.shares_memory or self.median_s <= 0:
            return None
        return self.nbytes / self.median_s


@dataclass(frozen=True)
class Run:
    """One results file: which machine, when, with what, and its records."""

    path: str
    datetime: str
    machine: dict
    records: tuple[Record, ...]

    @property
    def key(self) -> str:
        return str(self.machine.get("key", "unknown"))

    @property
    def ceilings(self) -> dict:
        value = self.machine.get("ceilings")
        return value if isinstance(value, dict) else {}

    def ceiling(self, name: object) -> float | None:
        """A ceiling the run recorded (bytes/s), or None if absent, malformed or not positive."""
        value = number(self.ceilings.get(name)) if isinstance(name, str) and name != "details" else None
        return value if value is not None and value > 0 else None

    def ceiling_details(self, name: str) -> dict:
        """How a ceiling was measured, as the run recorded it ({} when it didn't)."""
        details = self.ceilings.get("details")
        found = details.get(name) if isinstance(details, dict) else None
        return found if isinstance(found, dict) else {}

    @property
    def torch_version(self) -> str:
        return str(self.machine.get("torch", {}).get("version", "?"))

    @property
    def profile(self) -> str:
        return str(self.machine.get("profile", "?"))

    def for_tip(self, tip: str) -> list[Record]:
        return [r for r in self.records if r.tip == tip]


def results_dir(configured: str | os.PathLike) -> Path:
    """The results directory: TIPSBENCH_RESULTS wins over the configured one."""
    return Path(os.environ.get(RESULTS_ENV) or configured)


def load_run(path: Path | str) -> Run:
    """Read and validate one results file, or raise ResultsError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ResultsError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ResultsError(path, open_problem(exc, "a results file")) from None
    if not text.strip():
        raise ResultsError(path, "is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        at_end = exc.pos >= len(text.rstrip())
        what = "truncated JSON" if at_end else "not valid JSON"
        raise ResultsError(path, f"{what} ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    return parse_run(data, path)


def parse_run(data: object, path: Path | str) -> Run:
    if not isinstance(data, dict):
        raise ResultsError(path, f"expected a JSON object at the top, found {_kind(data)}")
    machine_info = _need(data, "machine_info", dict, path, "top level")
    ours = _need(machine_info, "tipsbench", dict, path, "machine_info (not a tipsbench run?)")
    version = ours.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ResultsError(path, f"machine_info.tipsbench.format should be an integer, found {_kind(version)}")
    if version > FORMAT:
        raise ResultsError(path, f"results format {version} is newer than this tipsbench reads ({FORMAT}); upgrade tipsbench")
    if version < 1:
        raise ResultsError(path, f"results format {version} is not a known version")
    when = data.get("datetime")
    if not isinstance(when, str) or not when:
        raise ResultsError(path, "missing 'datetime' (when the run was made)")
    benchmarks = _need(data, "benchmarks", list, path, "top level")
    records = tuple(_record(b, i, path) for i, b in enumerate(benchmarks))
    return Run(path=str(path), datetime=when, machine=ours, records=records)


def _record(bench: object, index: int, path) -> Record:
    where = f"benchmarks[{index}]"
    if not isinstance(bench, dict):
        raise ResultsError(path, f"{where} should be an object, found {_kind(bench)}")
    stats = _need(bench, "stats", dict, path, where)
    extra = _need(bench, "extra_info", dict, path, where)
    name = bench.get("name")
    if not isinstance(name, str):
        raise ResultsError(path, f"{where}.name should be a string, found {_kind(name)}")
    for key in ("tip", "variant"):
        if not isinstance(extra.get(key), str):
            raise ResultsError(path, f"{where}.extra_info.{key} should be a string, found {_kind(extra.get(key))}")
    nbytes = extra.get("bytes")
    if not _is_number(nbytes) or nbytes < 0:
        raise ResultsError(path, f"{where}.extra_info.bytes should be a non-negative number, found {_kind(nbytes)}")
    numbers = {}
    for key in ("median", "iqr", "rounds", "iterations"):
        value = stats.get(key)
        if not _is_number(value) or value < 0:
            raise ResultsError(path, f"{where}.stats.{key} should be a non-negative number, found {_kind(value)}")
        numbers[key] = value
    return Record(
        tip=extra["tip"], variant=extra["variant"], dtype=str(extra.get("dtype", "")),
        nbytes=int(nbytes), median_s=float(numbers["median"]), iqr_s=float(numbers["iqr"]),
        rounds=int(numbers["rounds"]), iterations=int(numbers["iterations"]), name=name, extra=extra,
    )


def _need(obj: dict, key: str, kind: type, path, where: str):
    value = obj.get(key)
    if not isinstance(value, kind):
        expected = {dict: "an object", list: "a list"}[kind]
        raise ResultsError(path, f"'{key}' in {where} should be {expected}, found {_kind(value)}")
    return value


def number(value: object) -> float | None:
    """A finite number from an untrusted file as a float; None for anything else
    (bools, strings, NaN, missing). Every renderer reads results numbers through this."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _is_number(value) -> bool:
    return number(value) is not None


def _kind(value) -> str:
    if value is None:
        return "nothing"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def load_dir(directory: Path | str) -> tuple[list[Run], list[ResultsError]]:
    """Every ``*.json`` run in a directory (sorted), and the errors of the bad ones."""
    runs, errors = [], []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            runs.append(load_run(path))
        except ResultsError as exc:
            errors.append(exc)
    return runs, errors


def compact(data: dict) -> dict:
    """A shippable copy: statistics kept, raw samples and the host name dropped.

    A raw quick run is tens of MB (every sample of every sub-microsecond call); the
    statistics the site shows are all in the kept fields.
    """
    out = dict(data)
    info = dict(out.get("machine_info", {}))
    info.pop("node", None)  # a host name is nobody's business on a public site
    out["machine_info"] = info
    out["benchmarks"] = [
        {**bench, "stats": {k: v for k, v in bench.get("stats", {}).items() if k in KEPT_STATS}}
        for bench in out.get("benchmarks", [])
    ]
    return out


def run_file_name(machine_key: str, when: datetime | None = None) -> str:
    when = when or datetime.now(timezone.utc)
    return f"{machine_key}_{when.strftime('%Y%m%dT%H%M%SZ')}.json"


def write_new(directory: Path, name: str, data: dict) -> Path:
    """Write a run under a name that never overwrites an earlier run."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = name.removesuffix(".json")
    for attempt in range(1000):
        path = directory / (f"{stem}.json" if attempt == 0 else f"{stem}-{attempt}.json")
        try:
            with path.open("x", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=False)
                fh.write("\n")
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"{directory}: no free name for {name}")


def newest_per_machine(runs: Iterable[Run], tip: str,
                       where: Callable[[Record], bool] | None = None) -> list[Run]:
    """For each machine, its newest run with records of `tip` (that satisfy `where`).

    Newest, not most complete: someone who just ran the quick profile on a machine
    like one of the shipped ones sees their own numbers. A table of something the
    newest run didn't measure (a dtype only the full profile has) passes `where` and
    falls back to the newest run that did measure it.
    """
    best: dict[str, Run] = {}
    for run in runs:
        if not any(where is None or where(r) for r in run.for_tip(tip)):
            continue
        current = best.get(run.key)
        if current is None or run.datetime > current.datetime:
            best[run.key] = run
    return [best[k] for k in sorted(best)]
