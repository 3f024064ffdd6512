"""Save & load: the whole model vs its state_dict vs safetensors, for time, size and safety.

What each target measures, so serialization, the page cache and the disk are told apart:
- save to ``bytesio``: serialization alone, into memory;
- save to ``file``: serialization + copying into this kernel's page cache (the disk
  write happens later, in the background, and is not timed);
- save to ``fsync``: the same + ``os.fsync``: the bytes reached the (virtual) disk;
- load from ``bytesio``: deserialization alone;
- load from ``cached``: a file that is in the page cache (checked with mincore and
  recorded as ``resident_before``): no disk read at all;
- load from ``evicted``: before every round the file is fsynced and dropped from this
  kernel's page cache with ``posix_fadvise(DONTNEED)``. On a VM the host may still cache
  it, so this is "not from the guest's page cache", not a promise of a physical read.

pytest-benchmark's own warm-up and repeated rounds would turn every load into a warm
load: each round has its own setup (``pedantic(setup=...)``) that evicts, removes the
last round's file, or clears the last round's result, so no round inherits another's
cache state or memory. Loaded objects are freed in setup, outside the timed call.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, load_model, save, save_file, save_model

from tipsbench import ceilings, checkpoints, memory, models, suite
from tipsbench.cases import MiB, format_bytes
from tipsbench.save_load import (
    BYTESIO,
    DEVICE,
    EVICTED,
    EVICTED_CEILING,
    FSYNC,
    FSYNC_CEILING,
    LAZY_OPEN,
    LOAD,
    METHODS_BY_NAME,
    PAGE_CACHE_CEILING,
    SAVE,
    TIP,
    Method,
    SaveLoadCase,
    cases,
)

# Rounds per benchmark: at least enough for a median and an IQR, never so many that the
# 512 MiB fsync cases outgrow the full profile's five minutes.
MIN_ROUNDS = 3
MAX_ROUNDS = 40
# This suite has ~180 (quick) to ~370 (full) cases: a third of the shared per-benchmark budget
# keeps it inside its time box; every round is a whole save or load, so rounds stay long.
BUDGET_SCALE = 0.35
# Source model, a second model to load into, the loaded copy, and the file in the page cache.
RAM_COPIES = 4
# Ceilings: buffers large enough to hide per-call costs, small enough for a quick run.
CEILING_BYTES = {"quick": 64 * MiB, "full": 256 * MiB}
CEILING_REPEATS = 3


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        grid = cases(full=suite.is_full(metafunc.config))
        metafunc.parametrize("case", grid, ids=[c.id for c in grid])


# -- the models and the files they load from ----------------------------------------------


class Workspace:
    """One model at a time (and its three files): a 512 MiB model is never kept twice."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.key: tuple[str, int] | None = None
        self.model: torch.nn.Module | None = None
        self.target: torch.nn.Module | None = None  # a second instance to load into
        self.files: dict[str, Path] = {}

    def get(self, kind: str, size: int) -> Workspace:
        if self.key != (kind, size):
            self.clear()
            self.model = models.build(kind, size, seed=0)
            self.target = models.build(kind, size, seed=1)
            self.key = (kind, size)
        return self

    def file(self, fmt: str) -> Path:
        """The model saved in `fmt`, written on first use (trusted: this process wrote it)."""
        if fmt not in self.files:
            path = self.directory / f"artifact-{fmt}"
            if fmt == "full":
                torch.save(self.model, path)
            elif fmt == "state_dict":
                torch.save(self.model.state_dict(), path)
            else:
                save_model(self.model, str(path))
            self.files[fmt] = path
        return self.files[fmt]

    def clear(self) -> None:
        for path in self.files.values():
            path.unlink(missing_ok=True)
        self.files.clear()
        self.model = self.target = None
        self.key = None


@pytest.fixture(scope="module")
def scratch() -> Path:
    """A private temporary directory, removed with everything in it, whatever happens."""
    directory = Path(tempfile.mkdtemp(prefix="tipsbench-save-load-"))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def workspace(scratch: Path) -> Workspace:
    ws = Workspace(scratch)
    try:
        yield ws
    finally:
        ws.clear()


# -- ceilings -----------------------------------------------------------------------------


def filesystem_of(path: Path) -> str:
    """'ext4 on /dev/vda' for the mount that holds `path` (tmpfs would make fsync moot)."""
    best, found = "", "unknown"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            device, mount, fstype = line.split()[:3]
            if str(path).startswith(mount) and len(mount) >= len(best):
                best, found = mount, f"{fstype} on {device}"
    except (OSError, ValueError):
        pass
    return found


def measure_file_ceilings(directory: Path, nbytes: int, repeats: int = CEILING_REPEATS) -> dict[str, dict]:
    """Write+fsync, warm page-cache read and evicted read bandwidth of one file, medians."""
    path = directory / "ceiling.bin"
    chunk = memoryview(os.urandom(8 * MiB))
    buf = bytearray(nbytes)
    writes, warm, cold = [], [], []
    try:
        for _ in range(repeats):
            path.unlink(missing_ok=True)
            start = time.perf_counter()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                for _ in range(nbytes // len(chunk)):
                    os.write(fd, chunk)
                os.fsync(fd)
            finally:
                os.close(fd)
            writes.append(nbytes / (time.perf_counter() - start))
            for rates, evict in ((cold, True), (warm, False), (warm, False)):
                evicted = checkpoints.evict(path) if evict else False
                if evict and not evicted:
                    continue
                start = time.perf_counter()
                with open(path, "rb", buffering=0) as fh:
                    view = memoryview(buf)
                    while view:
                        got = fh.readinto(view)
                        if not got:
                            break
                        view = view[got:]
                rates.append(nbytes / (time.perf_counter() - start))
    finally:
        path.unlink(missing_ok=True)
    where = {"file_bytes": nbytes, "repeats": repeats, "filesystem": filesystem_of(directory)}
    out = {
        FSYNC_CEILING: {"median": statistics.median(writes), "best": max(writes), "worst": min(writes), **where,
                        "how": "os.write 8 MiB chunks of a new file, then os.fsync"},
        PAGE_CACHE_CEILING: {"median": statistics.median(warm), "best": max(warm), "worst": min(warm), **where,
                             "how": "readinto a preallocated buffer from a file in the page cache"},
    }
    if cold:
        out[EVICTED_CEILING] = {"median": statistics.median(cold), "best": max(cold), "worst": min(cold), **where,
                                "how": "readinto after fsync + posix_fadvise(DONTNEED); a VM host may still cache it"}
    return out


@pytest.fixture(scope="module")
def file_ceilings(request: pytest.FixtureRequest, scratch: Path) -> dict[str, float]:
    """This machine's file bandwidths, measured once per timed run and recorded."""
    config = request.config
    if config.option.benchmark_disable:
        return {}
    nbytes = CEILING_BYTES[suite.profile(config)]
    ok, why = checkpoints.disk_room(scratch, nbytes)
    if not ok:
        return {}
    found = measure_file_ceilings(scratch, nbytes)
    for name, details in found.items():
        ceilings.record(config, name, details.pop("median"), **details)
    return {name: ceilings.recorded(config)[name] for name in found}


# -- one benchmark --------------------------------------------------------------------------


class Slot:
    """Holds the last round's result so it is freed in the next setup, not while timed."""

    value: object = None


def _save_call(method: Method, ws: Workspace, target: str, path: Path) -> tuple[Callable[[], object], Callable[[], None]]:
    """The timed save, and the per-round setup that removes the previous round's file."""
    model = ws.model
    if target == BYTESIO:
        if method.name == "st_save_file":
            return (lambda: save(model.state_dict())), lambda: None
        obj_of = (lambda: model) if method.fmt == "full" else (lambda: model.state_dict())
        return (lambda: torch.save(obj_of(), io.BytesIO())), lambda: None

    def write() -> None:
        if method.fmt == "safetensors":
            if method.name == "st_save_model":
                save_model(model, str(path))
            else:
                save_file(model.state_dict(), str(path))
            if target == FSYNC:
                checkpoints.fsync_path(path)
            return
        obj = model if method.fmt == "full" else model.state_dict()
        with open(path, "wb") as fh:
            torch.save(obj, fh)
            if target == FSYNC:
                fh.flush()
                os.fsync(fh.fileno())

    return write, lambda: path.unlink(missing_ok=True)


def _load_call(method: Method, ws: Workspace, source: object) -> Callable[[], object]:
    """The timed load; `source` is a path, or a BytesIO rewound by the round's setup."""
    into = ws.target
    name = method.name
    if name == "load_full":
        return lambda: torch.load(source, weights_only=False)  # trusted: written by this process
    if name == "load_full_safe_globals":
        allowed = models.safe_globals_for(ws.model)
        return lambda: _load_with(allowed, source)
    if name == "load_full_map_location":
        return lambda: torch.load(source, map_location=DEVICE, weights_only=False)  # trusted, as above
    if name == "load_state_dict":
        return lambda: torch.load(source)
    if name == "load_state_dict_into":
        return lambda: into.load_state_dict(torch.load(source))
    if name == "load_mmap":
        return lambda: torch.load(source, mmap=True)
    if name == "load_mmap_into":
        return lambda: into.load_state_dict(torch.load(source, mmap=True))
    if name == "st_load_file":
        return lambda: load_file(source)
    if name == "st_load_file_into":
        return lambda: into.load_state_dict(load_file(source))
    if name == "st_load_model":
        return lambda: load_model(into, source)
    raise ValueError(f"no load call for method {name!r}")


def _load_with(allowed: list, source: object) -> object:
    with torch.serialization.safe_globals(allowed):
        return torch.load(source)


def _rounds(one_call_s: float, budget_s: float) -> int:
    return max(MIN_ROUNDS, min(MAX_ROUNDS, int(budget_s / max(one_call_s, 1e-6))))


def test_save_load(benchmark, case: SaveLoadCase, workspace: Workspace, scratch: Path, file_ceilings, request):
    method = METHODS_BY_NAME[case.method]
    fits, why = memory.fits_in_ram(case.size, RAM_COPIES)
    if not fits:
        pytest.skip(f"{case.id}: {why}")
    room, why = checkpoints.disk_room(scratch, 4 * case.size)
    if not room:
        pytest.skip(f"{case.id}: {why}")

    ws = workspace.get(case.model, case.size)
    slot = Slot()
    path = scratch / f"round-{case.method}"
    resident: list[float] = []

    if method.op == SAVE:
        call, cleanup = _save_call(method, ws, case.target, path)

        def timed() -> None:
            slot.value = call()

        def setup() -> None:
            slot.value = None
            cleanup()
    else:
        source_path = ws.file(method.fmt)
        if case.target == BYTESIO:
            source = io.BytesIO(source_path.read_bytes())
        else:
            source = str(source_path)
        call = _load_call(method, ws, source)
        cleanup = lambda: None  # noqa: E731 - the artifact belongs to the workspace

        def timed() -> None:
            slot.value = call()

        def setup() -> None:
            slot.value = None  # free the last round's loaded copy (and its mapping) first
            if case.target == BYTESIO:
                source.seek(0)
            elif case.target == EVICTED:
                checkpoints.evict(source_path)
            if case.target != BYTESIO:
                fraction = checkpoints.resident_fraction(source_path)
                if fraction is not None:
                    resident.append(fraction)

    try:
        # First call, untimed: imports, allocator growth; its duration sizes the rounds.
        setup()
        start = time.perf_counter()
        timed()
        one = time.perf_counter() - start
        written = path.stat().st_size if method.op == SAVE and path.exists() else None
        if method.op == SAVE and case.target == BYTESIO:
            written = _bytesio_size(method, ws)
        file_bytes = written if method.op == SAVE else ws.file(method.fmt).stat().st_size
        if method.op == LOAD and case.target == BYTESIO:
            file_bytes = len(source.getbuffer())
        _check_result(method, ws, slot.value)
        resident.clear()  # only the timed rounds' cache state counts

        rounds = 1 if benchmark.disabled else _rounds(one, BUDGET_SCALE * suite.timing_budget_s(request.config))
        benchmark.group = f"save_load {case.model} {format_bytes(case.size)}"
        benchmark.extra_info.update(
            tip=TIP, variant=case.method, code=method.code, op=method.op, target=case.target,
            stage=method.stage, format=method.fmt, model=case.model, model_size=case.size,
            dtype="float32", bytes=models.param_bytes(ws.model), param_bytes=models.param_bytes(ws.model),
            file_bytes=file_bytes, device=DEVICE if method.name == "load_full_map_location" else "cpu",
            tied_weights=models.has_tied_weights(ws.model), torch=torch.__version__,
            # A lazy load's tensors share the mapped file's pages: no bytes moved, no throughput.
            shares_memory=method.name in LAZY_OPEN,
        )
        benchmark.pedantic(timed, setup=setup, rounds=rounds, warmup_rounds=0)
        if resident:
            benchmark.extra_info["resident_before"] = {"min": min(resident), "max": max(resident)}
    finally:
        slot.value = None
        cleanup()
        path.unlink(missing_ok=True)


def _bytesio_size(method: Method, ws: Workspace) -> int:
    """Bytes an in-memory save produced (measured once, outside the timing)."""
    if method.name == "st_save_file":
        return len(save(ws.model.state_dict()))
    obj = ws.model if method.fmt == "full" else ws.model.state_dict()
    return len(checkpoints.to_bytes(obj))


def _check_result(method: Method, ws: Workspace, result: object) -> None:
    """The untimed first call really loaded the model: a benchmark of a no-op is worthless."""
    if method.op != LOAD:
        return
    reference = ws.model.state_dict()
    if method.name.startswith("load_full"):
        assert type(result) is type(ws.model)
        loaded = result.state_dict()
    elif method.stage == "open":
        loaded = result
    else:
        loaded = ws.target.state_dict()
    common = [key for key in reference if key in loaded]
    assert common, f"{method.name}: the loaded state_dict shares no key with the model"
    for key in (common[0], common[-1]):
        assert torch.equal(loaded[key].cpu(), reference[key]), f"{method.name}: {key} differs after loading"
