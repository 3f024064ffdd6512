"""The calls the save & load suite times, for each method of the catalog, and the
workspace they run in (one model at a time, its files written once).

Kept apart from the catalog because they import safetensors and build models; the
catalog stays light enough for the site build. tests/families/save_load checks that
every method of the catalog has its call here.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import torch
from safetensors.torch import load_file, load_model, save, save_file, save_model

from tipsbench import filecache
from tipsbench.families.save_load import checkpoints, models
from tipsbench.families.save_load.catalog import DEVICE, Method
from tipsbench.families.save_load.records import BYTESIO, FSYNC, LOAD


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


class Slot:
    """Holds the last round's result so it is freed in the next setup, not while timed."""

    value: object = None


def save_call(method: Method, ws: Workspace, target: str, path: Path) -> tuple[Callable[[], object], Callable[[], None]]:
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
                filecache.fsync_path(path)
            return
        obj = model if method.fmt == "full" else model.state_dict()
        with open(path, "wb") as fh:
            torch.save(obj, fh)
            if target == FSYNC:
                fh.flush()
                os.fsync(fh.fileno())

    return write, lambda: path.unlink(missing_ok=True)


def load_call(method: Method, ws: Workspace, source: object) -> Callable[[], object]:
    """The timed load; `source` is a path, or a BytesIO rewound by the round's setup."""
    into = ws.target
    name = method.name
    if name == "load_full":
        return lambda: torch.load(source, weights_only=False)  # trusted: written by this process
    if name == "load_full_safe_globals":
        allowed = models.safe_globals_for(ws.model)
        return lambda: load_with(allowed, source)
    if name == "load_full_map_location":
        return lambda: torch.load(source, map_location=DEVICE, weights_only=False)  # trusted, as above
    if name == "load_state_dict":
        return lambda: torch.load(source)
    if name == "load_state_dict_into":
        return lambda: into.load_state_dict(torch.load(source))
    if name == "load_state_dict_assign":
        return lambda: into.load_state_dict(torch.load(source), assign=True)
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


def load_with(allowed: list, source: object) -> object:
    with torch.serialization.safe_globals(allowed):
        return torch.load(source)


def bytesio_size(method: Method, ws: Workspace) -> int:
    """Bytes an in-memory save produced (measured once, outside the timing)."""
    if method.name == "st_save_file":
        return len(save(ws.model.state_dict()))
    obj = ws.model if method.fmt == "full" else ws.model.state_dict()
    return len(checkpoints.to_bytes(obj))


def check_result(method: Method, ws: Workspace, result: object) -> None:
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
