"""Save & load: the whole model vs its state_dict vs safetensors, for time, size and safety.

What each target measures, so serialization, the page cache and the disk are told apart:
- save to ``bytesio``: serialization into an ``io.BytesIO`` that grows as it is written
  (its reallocations and copies are timed too: it can be slower than a file);
- save to ``file``: serialization + copying into this kernel's page cache (the disk
  write happens later, in the background, and is not timed);
- save to ``fsync``: the same + ``os.fsync``: the bytes reached the (virtual) disk;
- load from ``bytesio``: deserialization from memory, no file at all;
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
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import torch

from tipsbench import ceilings, filecache, memory, suite, timing
from tipsbench.cases import MiB, format_bytes
from tipsbench.families.save_load import models
from tipsbench.families.save_load.calls import (
    Slot,
    Workspace,
    bytesio_size,
    check_result,
    load_call,
    save_call,
)
from tipsbench.families.save_load.catalog import (
    BYTESIO,
    DEVICE,
    EVICTED,
    LAZY_OPEN,
    LOAD,
    METHODS_BY_NAME,
    SAVE,
    TIP,
    SaveLoadCase,
    cases,
)

# This suite has ~180 (quick) to ~370 (full) cases: a third of the shared per-benchmark budget
# keeps it inside its time box; every round is a whole save or load, so rounds stay long.
BUDGET_SCALE = 0.35
# Source model, a second model to load into, the loaded copy, and the file in the page cache.
RAM_COPIES = 4
# Ceilings: buffers large enough to hide per-call costs, small enough for a quick run.
CEILING_BYTES = {"quick": 64 * MiB, "full": 256 * MiB}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        grid = cases(full=suite.is_full(metafunc.config))
        metafunc.parametrize("case", grid, ids=[c.id for c in grid])


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


@pytest.fixture(scope="module")
def file_ceilings(request: pytest.FixtureRequest, scratch: Path) -> dict[str, float]:
    """This machine's file bandwidths, measured once per timed run and recorded."""
    config = request.config
    if config.option.benchmark_disable:
        return {}
    nbytes = CEILING_BYTES[suite.profile(config)]
    ok, why = filecache.disk_room(scratch, nbytes)
    if not ok:
        return {}
    found = filecache.measure_file_ceilings(scratch, nbytes)
    for name, details in found.items():
        ceilings.record(config, name, details.pop("median"), **details)
    return {name: ceilings.recorded(config)[name] for name in found}


# -- one benchmark --------------------------------------------------------------------------


def test_save_load(benchmark, case: SaveLoadCase, workspace: Workspace, scratch: Path, file_ceilings, request):
    method = METHODS_BY_NAME[case.method]
    if method.unavailable():
        pytest.skip(f"{case.id}: {method.unavailable()}")
    fits, why = memory.fits_in_ram(case.size, RAM_COPIES)
    if not fits:
        pytest.skip(f"{case.id}: {why}")
    room, why = filecache.disk_room(scratch, 4 * case.size)
    if not room:
        pytest.skip(f"{case.id}: {why}")

    ws = workspace.get(case.model, case.size)
    slot = Slot()
    path = scratch / f"round-{case.method}"
    resident: list[float] = []

    if method.op == SAVE:
        call, cleanup = save_call(method, ws, case.target, path)

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
        call = load_call(method, ws, source)
        cleanup = lambda: None  # noqa: E731 - the artifact belongs to the workspace

        def timed() -> None:
            slot.value = call()

        def setup() -> None:
            slot.value = None  # free the last round's loaded copy (and its mapping) first
            if case.target == BYTESIO:
                source.seek(0)
            elif case.target == EVICTED:
                filecache.evict_fully(source_path)
            if case.target != BYTESIO:
                fraction = filecache.resident_fraction(source_path)
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
            written = bytesio_size(method, ws)
        file_bytes = written if method.op == SAVE else ws.file(method.fmt).stat().st_size
        if method.op == LOAD and case.target == BYTESIO:
            file_bytes = len(source.getbuffer())
        check_result(method, ws, slot.value)
        shares = _shares_file(method, slot.value, None if method.op == SAVE else source)
        resident.clear()  # only the timed rounds' cache state counts

        rounds = 1 if benchmark.disabled else timing.rounds_for(one, BUDGET_SCALE * suite.timing_budget_s(request.config))
        benchmark.group = f"save_load {case.model} {format_bytes(case.size)}"
        benchmark.extra_info.update(
            tip=TIP, variant=case.method, code=method.code, op=method.op, target=case.target,
            stage=method.stage, format=method.fmt, model=case.model, model_size=case.size,
            dtype="float32", bytes=models.param_bytes(ws.model), param_bytes=models.param_bytes(ws.model),
            file_bytes=file_bytes, device=DEVICE if method.name == "load_full_map_location" else "cpu",
            tied_weights=models.has_tied_weights(ws.model), torch=torch.__version__,
            # Measured: a lazy load's tensors are the mapped file's pages (no bytes moved, so no
            # throughput); anything else owns a copy.
            shares_memory=shares,
        )
        benchmark.pedantic(timed, setup=setup, rounds=rounds, warmup_rounds=0)
        if resident:
            benchmark.extra_info["resident_before"] = {"min": min(resident), "max": max(resident)}
    finally:
        slot.value = None
        cleanup()
        path.unlink(missing_ok=True)


def _shares_file(method, result: object, source: object) -> bool:
    """Whether a load's tensors live in a mapping of the file it read (checked on addresses
    in /proc/self/maps). Off Linux, where that can't be read, the catalog's word for it."""
    if not isinstance(source, str) or not isinstance(result, dict) or not result:
        return False
    tensor = next(iter(result.values()))
    if not isinstance(tensor, torch.Tensor) or tensor.device.type != "cpu":
        return False
    found = filecache.mapped_from(tensor.untyped_storage().data_ptr(), source)
    return method.name in LAZY_OPEN if found is None else found
