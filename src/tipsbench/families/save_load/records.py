"""The typed fields of a save & load result."""

from __future__ import annotations

from dataclasses import dataclass

from tipsbench.families.save_load import TIP
from tipsbench.results import family_fields
from tipsbench.schema import MAX_BYTES, Reader

SAVE, LOAD = "save", "load"
OPS = (SAVE, LOAD)
BYTESIO, FILE, FSYNC = "bytesio", "file", "fsync"
CACHED, EVICTED = "cached", "evicted"
TARGETS = (BYTESIO, FILE, FSYNC, CACHED, EVICTED)
FORMATS = ("state_dict", "full", "safetensors")
STAGES = ("written", "open", "ready")


@family_fields(TIP)
@dataclass(frozen=True)
class SaveLoadFields:
    op: str
    target: str
    stage: str
    format: str
    model: str
    model_size: int  # the size the model was built for (its parameter bytes are close to it)
    param_bytes: int
    file_bytes: int | None
    device: str

    @classmethod
    def parse(cls, extra: Reader) -> SaveLoadFields:
        return cls(
            op=extra.text("op", choices=OPS), target=extra.text("target", choices=TARGETS),
            stage=extra.text("stage", choices=STAGES), format=extra.text("format", choices=FORMATS),
            model=extra.text("model"), model_size=extra.whole("model_size", maximum=MAX_BYTES),
            param_bytes=extra.whole("param_bytes", maximum=MAX_BYTES),
            file_bytes=extra.whole("file_bytes", None, maximum=MAX_BYTES),
            device=extra.text("device", "cpu"),
        )
