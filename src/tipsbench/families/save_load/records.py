"""The typed fields of a save & load result."""

from __future__ import annotations

from dataclasses import dataclass

from tipsbench.families.save_load import TIP
from tipsbench.filecache import EVICTED_CEILING, FSYNC_CEILING, PAGE_CACHE_CEILING
from tipsbench.results import family_fields
from tipsbench.schema import MAX_BYTES, Reader

SAVE, LOAD = "save", "load"
OPS = (SAVE, LOAD)
BYTESIO, FILE, FSYNC = "bytesio", "file", "fsync"
CACHED, EVICTED = "cached", "evicted"
TARGETS = (BYTESIO, FILE, FSYNC, CACHED, EVICTED)
# The ceiling each target's throughput is compared with (none for memory and plain writes:
# a write into the page cache has no measured bound of its own).
CEILING_OF_TARGET = {FSYNC: FSYNC_CEILING, CACHED: PAGE_CACHE_CEILING, EVICTED: EVICTED_CEILING}
# The models the suite saves and loads (models.KINDS builds them; a test checks they agree).
MODEL_KINDS = ("mlp", "cnn", "transformer")
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
