"""The save & load catalog: every way to save or load a model that the suite times,
on which targets, with the code the page shows. Shared by benchmarks/test_save_load.py
(through calls.py, which times each method) and the page's views, so a method's name
means the same thing in both."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from tipsbench.cases import format_bytes
from tipsbench.families.save_load import TIP, models
from tipsbench.families.save_load.records import (
    BYTESIO,
    CACHED,
    EVICTED,
    FILE,
    FSYNC,
    LOAD,
    SAVE,
    TARGETS,
)

__all__ = ["BYTESIO", "CACHED", "EVICTED", "FILE", "FSYNC", "LOAD", "SAVE", "TARGETS", "TIP"]
# map_location sends a load where the model will run: the accelerator when there is one.
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


@dataclass(frozen=True)
class Method:
    """One way to save or load, with the code the page shows for it."""

    name: str
    op: str
    code: str
    targets: tuple[str, ...]
    stage: str  # "written", "open" (lazy: tensors may still be on disk) or "ready" (weights in a model)
    fmt: str  # the file it writes or reads: full, state_dict, safetensors
    untied_only: bool = False  # safetensors' save_file refuses tied weights
    needs: str = ""  # an API older torch releases lack ("torch.serialization.safe_globals")

    def unavailable(self) -> str:
        """Why this torch can't run the method ("" when it can): the suite skips it."""
        if not self.needs:
            return ""
        from tipsbench.claims import missing

        return missing(self.needs)


METHODS: tuple[Method, ...] = (
    Method("save_full", SAVE, "torch.save(model, f)", (BYTESIO, FILE, FSYNC), "written", "full"),
    Method("save_state_dict", SAVE, "torch.save(model.state_dict(), f)", (BYTESIO, FILE, FSYNC), "written", "state_dict"),
    Method("st_save_file", SAVE, "save_file(model.state_dict(), path)", (BYTESIO, FILE, FSYNC), "written", "safetensors", untied_only=True),
    Method("st_save_model", SAVE, "save_model(model, path)", (FILE, FSYNC), "written", "safetensors"),
    Method("load_full", LOAD, "torch.load(f, weights_only=False)", (BYTESIO, CACHED, EVICTED), "ready", "full"),
    Method("load_full_safe_globals", LOAD, "with safe_globals(classes): torch.load(f)", (CACHED,), "ready", "full",
           needs="torch.serialization.safe_globals"),
    Method("load_full_map_location", LOAD, f"torch.load(f, map_location='{DEVICE}', weights_only=False)", (CACHED,), "ready", "full"),
    Method("load_state_dict", LOAD, "torch.load(f)", (BYTESIO, CACHED, EVICTED), "open", "state_dict"),
    Method("load_state_dict_into", LOAD, "model.load_state_dict(torch.load(f))", (BYTESIO, CACHED, EVICTED), "ready", "state_dict"),
    # assign=True keeps the loaded tensors instead of copying them into the model's own.
    Method("load_state_dict_assign", LOAD, "model.load_state_dict(torch.load(f), assign=True)", (BYTESIO, CACHED, EVICTED), "ready", "state_dict"),
    Method("load_mmap", LOAD, "torch.load(f, mmap=True)", (CACHED, EVICTED), "open", "state_dict"),
    Method("load_mmap_into", LOAD, "model.load_state_dict(torch.load(f, mmap=True))", (CACHED, EVICTED), "ready", "state_dict"),
    Method("st_load_file", LOAD, "load_file(path)", (CACHED, EVICTED), "open", "safetensors"),
    Method("st_load_file_into", LOAD, "model.load_state_dict(load_file(path))", (CACHED, EVICTED), "ready", "safetensors", untied_only=True),
    Method("st_load_model", LOAD, "load_model(model, path)", (CACHED, EVICTED), "ready", "safetensors"),
)
METHODS_BY_NAME = {m.name: m for m in METHODS}
LAZY_OPEN = frozenset({"load_mmap", "st_load_file"})


@dataclass(frozen=True, order=True)
class SaveLoadCase:
    model: str
    size: int
    method: str
    target: str

    @property
    def id(self) -> str:
        return f"{self.model}-{format_bytes(self.size)}-{self.method}-{self.target}"


def cases(full: bool) -> list[SaveLoadCase]:
    """Every model × size × method × target; grouped by model so each is built once."""
    sizes = models.SIZES_FULL if full else models.SIZES_QUICK
    out = []
    for kind in models.KINDS:
        for size in sizes:
            for method in METHODS:
                if method.untied_only and kind in models.TIED_KINDS:
                    continue
                out += [SaveLoadCase(kind, size, method.name, target) for target in method.targets]
    return out
