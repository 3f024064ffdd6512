"""The save & load comparisons its rules are decided by (tipsbench.pairing).

Like with like: both loads go through the same unpickler (``weights_only=True``; the
whole model with its classes allowed by ``safe_globals``) and read a file that is in the
page cache; both saves write the same model into one buffer allocated and touched
beforehand (``Sink``), so neither a disk, the page cache nor page faults of fresh memory
enter the ratio: what differs is what each pickles. Sizes are the same in every profile, so a
quick check and a shipped full run answer the same question.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import torch

from tipsbench import peakmem
from tipsbench.cases import MiB
from tipsbench.families.save_load import checkpoints, models
from tipsbench.families.save_load.calls import load_with
from tipsbench.pairing import PairCase

SMALL = 1 * MiB
# "Big" for a save: 64× the small model, small enough for a dozen pairs inside a check's
# budget (a 64 MiB save takes ~50 ms here; 512 MiB, ~0.4 s).
BIG = 64 * MiB
SIZES_FOR_FILES = (1 * MiB, 8 * MiB)
MEMORY_SIZE = 32 * MiB


def _needs_safe_globals() -> str:
    if not hasattr(torch.serialization, "safe_globals"):
        return f"torch {torch.__version__} has no torch.serialization.safe_globals (added in 2.5)"
    return ""


def _needs_safe_globals_and_peakmem() -> str:
    return _needs_safe_globals() or peakmem.available()


def _loads(kind: str, size: int):
    """The whole model (same unpickler, classes allowed) against load_state_dict into a
    built model, both from a file in the page cache."""

    @contextlib.contextmanager
    def prepare():
        with tempfile.TemporaryDirectory(prefix="tipsbench-pairs-") as tmp:
            directory = Path(tmp)
            model, into = models.build(kind, size, seed=0), models.build(kind, size, seed=1)
            full, state = directory / "full.pt", directory / "state.pt"
            torch.save(model, full)
            torch.save(model.state_dict(), state)
            allowed = models.safe_globals_for(model)
            yield (lambda: load_with(allowed, full)), (lambda: into.load_state_dict(torch.load(state)))

    return prepare


class Sink:
    """A file-like buffer allocated and touched once, rewound before every save: writing
    into it is a plain copy, with no growth (BytesIO's) and no fresh pages to fault in."""

    def __init__(self, nbytes: int):
        self.view = memoryview(bytearray(nbytes))
        self.pos = 0

    def write(self, data) -> int:
        n = memoryview(data).nbytes
        self.view[self.pos:self.pos + n] = memoryview(data).cast("B")
        self.pos += n
        return n

    def flush(self) -> None:
        pass

    def rewind(self) -> Sink:
        self.pos = 0
        return self


def _big_saves(kind: str):
    @contextlib.contextmanager
    def prepare():
        model = models.build(kind, BIG, seed=0)
        sink = Sink(models.param_bytes(model) + 16 * MiB)  # the weights and the pickles around them
        yield (lambda: torch.save(model, sink.rewind())), (lambda: torch.save(model.state_dict(), sink.rewind()))

    return prepare


def _file_sizes(kind: str, size: int):
    @contextlib.contextmanager
    def prepare():
        model = models.build(kind, size, seed=0)
        yield (lambda: len(checkpoints.to_bytes(model))), (lambda: len(checkpoints.to_bytes(model.state_dict())))

    return prepare


def _load_memory(kind: str):
    """Peak memory to get a ready model: from its state_dict file (build the model, load
    the tensors, copy them in) against from a whole-model file (unpickle it)."""

    @contextlib.contextmanager
    def prepare():
        with tempfile.TemporaryDirectory(prefix="tipsbench-pairs-") as tmp:
            directory = Path(tmp)
            model = models.build(kind, MEMORY_SIZE, seed=0)
            full, state = directory / "full.pt", directory / "state.pt"
            torch.save(model, full)
            torch.save(model.state_dict(), state)
            allowed = models.safe_globals_for(model)
            del model

            def from_state_dict():
                net = models.build(kind, MEMORY_SIZE, seed=1)
                net.load_state_dict(torch.load(state))
                return net

            yield (lambda: peakmem.peak_growth(from_state_dict)), (lambda: peakmem.peak_growth(lambda: load_with(allowed, full)))

    return prepare


def _meta_assign_memory(kind: str):
    """Peak memory of PyTorch's recipe (build on the meta device, then load_state_dict of
    an mmap'd load with assign=True) against building the model and copying into it."""

    @contextlib.contextmanager
    def prepare():
        with tempfile.TemporaryDirectory(prefix="tipsbench-pairs-") as tmp:
            directory = Path(tmp)
            state = directory / "state.pt"
            torch.save(models.build(kind, MEMORY_SIZE, seed=0).state_dict(), state)

            def recipe():
                with torch.device("meta"):
                    net = models.build(kind, MEMORY_SIZE, seed=1)
                net.load_state_dict(torch.load(state, mmap=True), assign=True)
                return net

            def built_then_copied():
                net = models.build(kind, MEMORY_SIZE, seed=1)
                net.load_state_dict(torch.load(state))
                return net

            yield (lambda: peakmem.peak_growth(recipe)), (lambda: peakmem.peak_growth(built_then_copied))

    return prepare


def _mib(size: int) -> str:
    return f"{size // MiB} MiB"


CASES = (
    *(PairCase(f"save_load.state_dict_loads_faster_when_small/{kind}",
               f"with safe_globals(classes): torch.load(f)  # whole {kind}, {_mib(SMALL)}",
               f"model.load_state_dict(torch.load(f))  # {kind}, {_mib(SMALL)}", _loads(kind, SMALL),
               requires=_needs_safe_globals)
      for kind in models.KINDS),
    *(PairCase(f"save_load.big_state_dict_load_not_faster/{kind}",
               f"with safe_globals(classes): torch.load(f)  # whole {kind}, {_mib(BIG)}",
               f"model.load_state_dict(torch.load(f))  # {kind}, {_mib(BIG)}", _loads(kind, BIG),
               requires=_needs_safe_globals)
      for kind in models.KINDS),
    *(PairCase(f"save_load.big_full_save_not_slower/{kind}",
               f"torch.save(model, f)  # {kind}, {_mib(BIG)}",
               f"torch.save(model.state_dict(), f)  # {kind}, {_mib(BIG)}", _big_saves(kind))
      for kind in models.KINDS),
    *(PairCase(f"save_load.same_file_size/{kind}-{_mib(size).replace(' ', '')}",
               f"len(file of torch.save(model))  # {kind}, {_mib(size)}",
               f"len(file of torch.save(model.state_dict()))  # {kind}, {_mib(size)}",
               _file_sizes(kind, size), kind="exact", unit="B")
      for kind in models.KINDS for size in SIZES_FOR_FILES),
    PairCase("save_load.state_dict_load_memory/mlp",
             f"model = MLP(); model.load_state_dict(torch.load(f))  # peak memory, {_mib(MEMORY_SIZE)}",
             f"with safe_globals(classes): torch.load(f)  # whole model, peak memory, {_mib(MEMORY_SIZE)}",
             _load_memory("mlp"), kind="value", unit="B", requires=_needs_safe_globals_and_peakmem),
    PairCase("save_load.meta_mmap_assign_saves_memory/mlp",
             'with torch.device("meta"): model = MLP(); model.load_state_dict(torch.load(f, mmap=True), assign=True)  '
             f"# peak memory, {_mib(MEMORY_SIZE)}",
             f"model = MLP(); model.load_state_dict(torch.load(f))  # peak memory, {_mib(MEMORY_SIZE)}",
             _meta_assign_memory("mlp"), kind="value", unit="B", requires=peakmem.available),
)
