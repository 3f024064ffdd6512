"""The results model: pytest-benchmark JSON files parsed into frozen, typed records.

A results file *is* a pytest-benchmark JSON file (``pytest-benchmark compare`` reads
it), with our facts in ``machine_info["tipsbench"]`` and in each benchmark's
``extra_info``. Files come from strangers: this module is the only place that reads
their dicts. Everything is type-checked here, at the boundary; a file that doesn't fit
raises ResultsError with one line naming the file and the JSON path of the problem.
Renderers only ever see the records below.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import json
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

try:  # the site's extra; the benchmark side reads files without it
    import orjson
except ImportError:  # pragma: no cover - exercised where orjson isn't installed
    orjson = None

from tipsbench import fmt
from tipsbench.errors import open_problem
from tipsbench.paired import PAIRED, Summary
from tipsbench.schema import MAX_BYTES, MAX_SECONDS, Reader, ResultsError, forbidden_problem, quote

__all__ = ["FORMAT", "Accelerator", "Ceiling", "Machine", "Record", "ResultsError", "Run",
           "family_fields", "load_dir", "load_run", "newest_per_machine", "parse_run", "results_dir"]

# Results format history:
# 1 - (tipsbench 0.1, 2026-11) machine_info.tipsbench {format, profile, key, cpu, caches,
#     ram_bytes, torch, numpy, accelerators, accelerators_checked, ceilings}; each
#     benchmark's extra_info has tip, variant, bytes; stats.data dropped in shipped files.
FORMAT = 1
RESULTS_ENV = "TIPSBENCH_RESULTS"
# A full CPU run is ~1 MB; a GPU run with raw samples kept could reach tens of MB.
# Anything larger is refused before it is read into memory.
MAX_FILE_BYTES = 64 << 20
# A full CPU run has 680 benchmarks; a GPU adds ~150 per device.
MAX_BENCHMARKS = 5000
# Pages draw one row, column, series or table per distinct variant, size, model, device…
# of a tip: a run is a small grid. A file with more distinct values of one field in one
# tip is refused, so no table of variants × sizes grows to millions of cells.
MAX_DISTINCT = 256
# Machine keys name files and group runs: the form machine.machine_key() makes.
KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")
PROFILES = ("quick", "full")
# Cache levels as machine.cache_sizes() names them; ceilings as suites record them.
CACHE_NAME = re.compile(r"L[1-9][a-z]?")
CEILING_NAME = re.compile(r"[a-z][a-z0-9_]{0,79}")


# --- the machine ------------------------------------------------------------------------

@dataclass(frozen=True)
class Accelerator:
    type: str
    index: int
    name: str
    memory_bytes: int | None = None


@dataclass(frozen=True)
class Ceiling:
    """A bandwidth the machine reached in the run (bytes/s), and how it was measured."""

    name: str
    bytes_per_s: float
    best: float | None = None
    worst: float | None = None
    device: str | None = None  # transfer ceilings: the device label they belong to
    link: str | None = None  # e.g. "PCIe Gen4 x16"
    link_bytes_per_s: float | None = None
    how: str | None = None


@dataclass(frozen=True)
class Machine:
    key: str
    cpu_model: str
    logical_cpus: int | None
    caches: tuple[tuple[str, int], ...]
    ram_bytes: int | None
    torch_version: str
    torch_build: str
    torch_threads: int | None
    numpy_version: str
    profile: str
    accelerators: tuple[Accelerator, ...]
    ceilings: tuple[Ceiling, ...]
    # An interrupted run keeps what finished (tipsbench.suite): how many of the selected
    # tests that was, so pages can say the run is partial. None for a run that ended.
    finished_of: tuple[int, int] | None = None

    def ceiling(self, name: str | None) -> Ceiling | None:
        return next((c for c in self.ceilings if c.name == name), None)

    def rate(self, name: str | None) -> float | None:
        """The ceiling's bytes/s, or None when the run didn't record it."""
        found = self.ceiling(name)
        return found.bytes_per_s if found else None


# --- one benchmark ---------------------------------------------------------------------

@dataclass(frozen=True)
class Record:
    """One timed benchmark: its case, its statistics, and its family's typed fields."""

    name: str
    tip: str
    variant: str
    code: str  # the code the page shows for the variant
    dtype: str
    nbytes: int
    median_s: float
    iqr_s: float
    rounds: int
    iterations: int
    shares_memory: bool | None = None
    ceiling: str | None = None  # which of the machine's ceilings the record compares with
    fields: object = None  # the family's frozen record (see family_fields), None if unknown

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
    datetime: str  # ISO 8601, as the file wrote it
    machine: Machine
    records: tuple[Record, ...]

    @property
    def utc(self) -> datetime:
        """When the run was made, for ordering: files write their time with any UTC offset
        (or none, meaning UTC), so their strings don't sort as their times do."""
        return utc_time(self.datetime)

    @property
    def when(self) -> str:
        """"2026-11-30 04:22": when the run was made, in UTC, for pages (the file's own
        string may carry another offset)."""
        return self.utc.strftime("%Y-%m-%d %H:%M")

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    @property
    def key(self) -> str:
        return self.machine.key

    def for_tip(self, tip: str) -> list[Record]:
        return list(self._by_tip.get(tip, ()))

    def paired(self, case: str) -> Summary | None:
        """The paired comparison `case` ("<rule id>/<name>") this run measured, if any."""
        return self._paired.get(case)

    @functools.cached_property
    def _paired(self) -> dict[str, Summary]:
        return {r.variant: r.fields for r in self.for_tip(PAIRED) if isinstance(r.fields, Summary)}

    @functools.cached_property
    def _by_tip(self) -> dict[str, tuple[Record, ...]]:
        """The records of each tip, sorted out once: the pages ask a run for one tip's
        records tens of thousands of times in a 20-machine build."""
        found: dict[str, list[Record]] = {}
        for record in self.records:
            found.setdefault(record.tip, []).append(record)
        return {tip: tuple(records) for tip, records in found.items()}


# --- families' fields ------------------------------------------------------------------

_FAMILY_FIELDS: dict[str, Callable[[Reader], object]] = {}


def family_fields(tip: str):
    """Register a family's record type: a class whose ``parse(reader)`` reads extra_info."""

    def register(cls):
        _FAMILY_FIELDS[tip] = cls.parse
        return cls

    return register


@functools.cache
def _fields_parsers() -> dict[str, Callable[[Reader], object]]:
    from tipsbench import families

    families.discover("records")
    return {PAIRED: Summary.parse, **_FAMILY_FIELDS}


# --- loading ---------------------------------------------------------------------------

def results_dir(configured: str | os.PathLike) -> Path:
    """The results directory: TIPSBENCH_RESULTS wins over the configured one."""
    return Path(os.environ.get(RESULTS_ENV) or configured)


def load_run(path: Path | str) -> Run:
    """Read and validate one results file, or raise ResultsError (one line)."""
    path = Path(path)
    return parse_run(read_json(path), path)


def read_json(path: Path) -> object:
    """A results or claims file's JSON, bounded and decoded, or ResultsError (one line)."""
    return decode_json(path, read_bounded(path))


_UNREAD = object()


def _fast_loads(raw: bytes) -> object:
    """orjson's reading of the bytes, or _UNREAD where it refuses them.

    orjson refuses what json reads leniently (NaN, 1e400, lone surrogates, deep nesting):
    json then reads the file and says what is wrong in its words. Where both read a file
    they agree but for one thing: an integer beyond 64 bits, which orjson reads as a float.
    Every number a run's fields accept is far below 2**63, so such a field is refused
    either way, its message quoting 1.8e+19 instead of "a number with 20 digits"
    (tests/core/test_results_json.py checks both).
    """
    if orjson is None:
        return _UNREAD
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _UNREAD


def decode_json(path: Path, raw: bytes) -> object:
    """The JSON value of a file's bytes (read_bounded's), or ResultsError (one line)."""
    fast = _fast_loads(raw)  # (orjson refuses what isn't UTF-8, a BOM and empty input too)
    if fast is not _UNREAD:
        return fast
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ResultsError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise ResultsError(path, "is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        at_end = exc.pos >= len(text.rstrip())
        what = "truncated JSON" if at_end else "not valid JSON"
        raise ResultsError(path, f"{what} ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise ResultsError(path, "JSON nested too deeply to be a results file") from None
    except ValueError as exc:  # e.g. an integer literal with more digits than Python converts
        raise ResultsError(path, f"not valid JSON ({str(exc).splitlines()[0][:120]})") from None
    return data


def read_bounded(path: Path) -> bytes:
    """The file's bytes, never more than MAX_FILE_BYTES of them, or ResultsError (one line).

    Opened without blocking (a named pipe called x.json would otherwise wait for a
    writer forever), then only a regular file is read, and only if its size is within
    the limit; reading stops past the limit even if the file grew since.
    """
    problem = forbidden_problem(path.name)
    if problem:
        raise ResultsError(path, f"the file name {problem}")
    limit = MAX_FILE_BYTES
    too_big = f"results files over {fmt.size(limit)} are refused unread"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ResultsError(path, open_problem(exc, "a results file")) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ResultsError(path, "is a directory, not a results file")
        if not stat.S_ISREG(info.st_mode):
            raise ResultsError(path, "is not a regular file (a pipe, device or socket), not a results file")
        if info.st_size > limit:
            raise ResultsError(path, f"is {info.st_size:,} bytes; {too_big}")
        chunks, left = [], limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        raw = b"".join(chunks)
    except OSError as exc:
        raise ResultsError(path, open_problem(exc, "a results file")) from None
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise ResultsError(path, f"is larger than {fmt.size(limit)}; {too_big}")
    return raw


def parse_run(data: object, path: Path | str) -> Run:
    top = Reader(data, path, "")
    ours = top.child("machine_info").child("tipsbench")
    if not ours.has("format"):
        top.fail("machine_info.tipsbench.format is missing (not a tipsbench run?)")
    version = ours.whole("format", maximum=10**6)
    if version > FORMAT:
        top.fail(f"{ours.path('format')}: results format {version} is newer than this tipsbench reads ({FORMAT}); "
                 "upgrade tipsbench")
    if version < 1:
        top.fail(f"{ours.path('format')}: results format {version} is not a known version")
    when = _checked_time(top)
    machine = _machine(ours)
    parsers = _fields_parsers()
    records = tuple(_record(Reader(bench, path, where), parsers)
                    for _, bench, where in top.items("benchmarks", max_items=MAX_BENCHMARKS))
    _check_grid(top, records)
    return Run(path=str(path), datetime=when, machine=machine, records=records)


def utc_time(when: str) -> datetime:
    """An ISO 8601 time as an aware UTC datetime; a time without an offset is UTC (what
    pytest-benchmark writes). ValueError or OverflowError (year 1 at +01:00) if it isn't one."""
    parsed = datetime.fromisoformat(when)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _checked_time(top: Reader) -> str:
    when = top.text("datetime")
    try:
        utc_time(when)
    except (ValueError, OverflowError):
        top.fail(f"datetime should be an ISO 8601 time such as 2026-11-29T16:35:26+00:00, found {quote(when)}")
    return when


# Record attributes named as the file names them, for messages.
_JSON_NAMES = {"nbytes": "bytes"}


_COMMON_FIELDS = ("variant", "code", "dtype", "nbytes", "ceiling")
_GRID_TYPES = (str, int)


def _grid_fits(records: tuple[Record, ...]) -> bool:
    """Whether every tip's fields stay within MAX_DISTINCT values: the check of every run,
    done a field at a time with sets (no message to build). _check_grid reads the records
    one by one only when this says no, to name the first record past the limit."""
    if len({r.tip for r in records}) > MAX_DISTINCT:
        return False
    by_tip: dict[str, list[Record]] = {}
    for record in records:
        by_tip.setdefault(record.tip, []).append(record)
    for found in by_tip.values():
        kinds = {type(r.fields) for r in found}
        if len(kinds) != 1:
            return False  # mixed fields within a tip (a damaged file?): the careful way
        kind = kinds.pop()
        family = tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else ()
        values: dict[str, set] = {}  # text and whole numbers only (type(True) is bool, not int)
        for name in _COMMON_FIELDS:
            values.setdefault(name, set()).update(v for r in found if type(v := getattr(r, name)) in _GRID_TYPES)
        for name in family:
            values.setdefault(name, set()).update(v for r in found if type(v := getattr(r.fields, name)) in _GRID_TYPES)
        if any(len(seen) > MAX_DISTINCT for seen in values.values()):
            return False
    return True


def _check_grid(top: Reader, records: tuple[Record, ...]) -> None:
    """At most MAX_DISTINCT values of each text or whole-number field within one tip."""
    if _grid_fits(records):
        return
    seen: dict[tuple[str, str], set] = {}
    for index, record in enumerate(records):  # a file being refused: find the first record past the limit
        values = [(name, getattr(record, name)) for name in ("tip", *_COMMON_FIELDS)]
        if dataclasses.is_dataclass(record.fields):
            values += [(f.name, getattr(record.fields, f.name)) for f in dataclasses.fields(record.fields)]
        for name, value in values:
            if type(value) is not str and type(value) is not int:  # (bool is not int here)
                continue
            found = seen.setdefault(("" if name == "tip" else record.tip, name), set())
            found.add(value)
            if len(found) > MAX_DISTINCT:
                field = _JSON_NAMES.get(name, name)
                top.fail(f"benchmarks[{index}].extra_info.{field}: more than {MAX_DISTINCT} different values of "
                         f"{field} among the {record.tip} benchmarks; a page would show one row or column for each")


def _machine(m: Reader) -> Machine:
    key = m.text("key")
    if not set(key) <= KEY_CHARS or len(key) > 120:
        m.fail(f"{m.path('key')} should use only a-z, 0-9, '-', '_' and '.', found {quote(key)}")
    cpu = m.child("cpu", optional=True)
    torch = m.child("torch")
    caches = m.child("caches", optional=True)
    cache_sizes = tuple((name, caches.whole(name, maximum=MAX_BYTES))
                        for name in caches.names(CACHE_NAME, "a cache level name (L1d, L2, L3)"))
    accelerators = []
    for _, item, where in m.items("accelerators", default=None):
        a = Reader(item, m.file, where)
        accelerators.append(Accelerator(type=a.text("type"), index=a.whole("index", maximum=1024),
                                        name=a.text("name"),
                                        memory_bytes=a.whole("memory_bytes", None, maximum=MAX_BYTES)))
    return Machine(
        key=key, cpu_model=cpu.text("model", "?"), logical_cpus=cpu.whole("logical_cpus", None, maximum=1 << 20),
        caches=cache_sizes, ram_bytes=m.whole("ram_bytes", None, maximum=MAX_BYTES),
        torch_version=torch.text("version"), torch_build=torch.text("build", "?"),
        torch_threads=torch.whole("threads", None, maximum=1 << 20), numpy_version=m.text("numpy", "?"),
        profile=m.text("profile", choices=PROFILES), accelerators=tuple(accelerators),
        ceilings=_ceilings(m.child("ceilings", optional=True)),
        finished_of=(m.whole("tests_finished", 0), m.whole("tests_selected", 0)) if m.flag("interrupted", False) else None,
    )


def _ceilings(c: Reader) -> tuple[Ceiling, ...]:
    what = "a ceiling name (such as memcpy_bytes_per_s)"
    details = c.child("details", optional=True)
    details.names(CEILING_NAME, what)
    found = []
    for name in c.names(CEILING_NAME, what):
        if name == "details":
            continue
        d = details.child(name, optional=True)
        found.append(Ceiling(
            name=name, bytes_per_s=c.real(name, positive=True),
            best=d.real("best", None, positive=True), worst=d.real("worst", None, positive=True),
            device=d.text("device", None), link=d.text("link", None),
            link_bytes_per_s=d.real("link_bytes_per_s", None, positive=True), how=d.text("how", None),
        ))
    return tuple(sorted(found, key=lambda ceiling: ceiling.name))


def _record(b: Reader, parsers: dict[str, Callable[[Reader], object]]) -> Record:
    extra = b.child("extra_info")
    stats = b.child("stats")
    tip = extra.text("tip")
    parse = parsers.get(tip)
    return Record(
        name=b.text("name"), tip=tip, variant=extra.text("variant"),
        code=extra.text("code", None) or extra.text("variant"), dtype=extra.text("dtype", ""),
        nbytes=extra.whole("bytes", maximum=MAX_BYTES),
        median_s=stats.real("median", maximum=MAX_SECONDS), iqr_s=stats.real("iqr", maximum=MAX_SECONDS),
        rounds=stats.whole("rounds"), iterations=stats.whole("iterations"),
        shares_memory=extra.flag("shares_memory", None),
        ceiling=extra.text("ceiling", None),
        # A tip this tipsbench doesn't know (a newer suite) keeps its common fields only.
        fields=parse(extra) if parse else None,
    )


# Runs already parsed in this process, by file state (buildcache.file_state): the i18n
# plugin builds the site once per language and `mkdocs serve` rebuilds on every edit, and
# a full run takes ~70 ms to parse.
_PARSED: dict[tuple[str, int, int, int], Run] = {}


def _load_remembered(path: Path) -> Run:
    """load_run, reading the file at most once per process: its bytes key the build
    cache's entry (a pickle of the records this module made from those very bytes, with
    tipsbench's source in the key), and are parsed only when the cache lacks them."""
    import pickle

    from tipsbench import buildcache

    try:
        state = buildcache.file_state(path)
    except OSError:
        return load_run(path)  # says what is wrong, in one line
    if state in _PARSED:
        return _PARSED[state]
    raw, digest = buildcache.read_digested(path)
    store = buildcache.active()
    key = buildcache.key("run", str(path), digest, buildcache.source_digest())
    run = None
    if store is not None and (kept := store.get_bytes("runs", key, ".pickle")) is not None:
        try:
            run = pickle.loads(kept)
        except Exception:  # a damaged entry is a miss
            run = None
    if not (isinstance(run, Run) and run.path == str(path)):
        run = parse_run(decode_json(path, raw), path)
        if store is not None:
            store.put_bytes("runs", key, pickle.dumps(run, protocol=pickle.HIGHEST_PROTOCOL), ".pickle")
    _PARSED[state] = run
    return run


def load_dir(directory: Path | str) -> tuple[list[Run], list[ResultsError]]:
    """Every ``*.json`` run in a directory (sorted), and the errors of the bad ones."""
    runs, errors = [], []
    # A run is ~700 records of plain values, no cycles: the collector, which a parse's
    # allocations would otherwise set off again and again to walk a site build's whole
    # heap, has nothing to find here.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for path in sorted(Path(directory).glob("*.json")):
            try:
                runs.append(_load_remembered(path))
            except ResultsError as exc:
                errors.append(exc)
    finally:
        if collecting:
            gc.enable()
    return runs, errors


def newest_per_machine(runs: Iterable[Run], tip: str | None = None,
                       where: Callable[[Record], bool] | None = None) -> list[Run]:
    """For each machine, its newest run with records of `tip` (of any tip when None) that
    satisfy `where`, by machine key.

    Newest, not most complete: someone who just ran the quick profile on a machine
    like one of the shipped ones sees their own numbers. A table of something the
    newest run didn't measure (a dtype only the full profile has) passes `where` and
    falls back to the newest run that did measure it.
    """
    best: dict[str, Run] = {}
    for run in runs:
        if not any(where is None or where(r) for r in (run.records if tip is None else run.for_tip(tip))):
            continue
        current = best.get(run.key)
        if current is None or run.utc > current.utc:
            best[run.key] = run
    return [best[k] for k in sorted(best)]
