"""Checkpoint helpers that never run code from a file: save, load, inspect, and the
file-cache tricks the save/load suite needs.

A checkpoint handed to any function here may be corrupt, truncated or hostile. Loading
uses ``weights_only=True`` (or safetensors, which has no pickle at all); a full-model
pickle is only loaded through an explicit allowlist of classes that the caller already
imported (``torch.serialization.safe_globals``). Every failure is a CheckpointError whose
message is one line naming the file and the problem, never a pickle traceback.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import torch

from tipsbench.errors import FileProblem, open_problem

ZIP_MAGIC = b"PK\x03\x04"
# The legacy (pre-1.6) format starts with a pickled magic number: protocol 2 marker.
LEGACY_MAGIC = b"\x80\x02"
# safetensors: 8-byte little-endian header length, then a JSON header starting with '{'.
SAFETENSORS_MAX_HEADER = 100 << 20
FORMATS = ("zip", "legacy", "safetensors", "unknown")
# Keep this much disk free beyond what a save needs: other processes write too.


class CheckpointError(FileProblem):
    """A checkpoint that can't be used; the message is one line naming the file."""


def _one_line(exc: BaseException, limit: int = 300) -> str:
    """The first meaningful line of an exception's message, ANSI codes removed."""
    text = str(exc).replace("\x1b[1m", "").replace("\x1b[0m", "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    return first if len(first) <= limit else first[: limit - 1] + "…"


def detect_format(path: os.PathLike | str) -> str:
    """'zip' (torch.save since 1.6), 'legacy', 'safetensors' or 'unknown', from the first bytes."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(9)
    except OSError as exc:
        raise CheckpointError(path, open_problem(exc, "a checkpoint")) from None
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if len(head) >= 9:
        (header_len,) = struct.unpack("<Q", head[:8])
        if 2 <= header_len <= SAFETENSORS_MAX_HEADER and head[8:9] == b"{":
            return "safetensors"
    if head.startswith(LEGACY_MAGIC):
        return "legacy"
    return "unknown"


def _require_checkpoint(path: Path) -> str:
    fmt = detect_format(path)
    size = path.stat().st_size
    if size == 0:
        raise CheckpointError(path, "is empty")
    # A truncated zip loses its central directory first: say so plainly.
    if fmt == "zip" and not zipfile.is_zipfile(path):
        raise CheckpointError(path, f"truncated or corrupt torch.save archive ({size} bytes, no zip central directory)")
    return fmt


def load_state_dict(path: os.PathLike | str, map_location=None, mmap: bool = False) -> dict[str, torch.Tensor]:
    """A state_dict from a torch.save or safetensors file, without ever running its code.

    torch.save files are read with ``weights_only=True``; a file that needs anything
    beyond tensors and plain containers is refused with the global it asked for.
    """
    path = Path(path)
    fmt = _require_checkpoint(path)
    if fmt == "safetensors":
        return load_safetensors(path, device=str(map_location or "cpu"))
    if fmt == "unknown":
        raise CheckpointError(path, "not a torch.save or safetensors file (unrecognized first bytes)")
    if mmap and fmt != "zip":
        raise CheckpointError(path, "mmap=True needs the zip format (torch.save since 1.6); this file is the legacy format")
    try:
        obj = torch.load(path, map_location=map_location, weights_only=True, mmap=mmap)
    except pickle.UnpicklingError as exc:
        raise CheckpointError(path, f"refused by weights_only=True: {_unsupported_global(exc)}") from None
    except (RuntimeError, EOFError, KeyError, ValueError, AttributeError, ImportError,
            zipfile.BadZipFile, struct.error, OSError, MemoryError) as exc:
        raise CheckpointError(path, f"corrupt or truncated checkpoint ({type(exc).__name__}: {_one_line(exc)})") from None
    return _as_state_dict(obj, path)


def _unsupported_global(exc: BaseException) -> str:
    """The line of torch's long weights_only message that names what the file asked for."""
    for line in str(exc).splitlines():
        if "Unsupported global:" in line:
            line = line[line.index("Unsupported global:"):].split(" was not an allowed global")[0]
            return line.strip() + " (the file needs code to load; it is not a plain state_dict)"
        if "GLOBAL" in line or "WeightsUnpickler error" in line:
            return line.strip()
    return _one_line(exc)


def _as_state_dict(obj: object, path: Path) -> dict[str, torch.Tensor]:
    if not isinstance(obj, Mapping):
        raise CheckpointError(path, f"expected a state_dict (a mapping of names to tensors), found {type(obj).__name__}")
    bad = [str(k) for k, v in obj.items() if not isinstance(k, str) or not isinstance(v, torch.Tensor)]
    if bad:
        raise CheckpointError(path, f"expected a state_dict of tensors; entries {', '.join(bad[:3])} are not name → tensor")
    return dict(obj)


def load_safetensors(path: os.PathLike | str, device: str = "cpu") -> dict[str, torch.Tensor]:
    """``safetensors.torch.load_file`` with its errors turned into one line."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(path)
    _require_checkpoint(path)
    try:
        return load_file(path, device=device)
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise CheckpointError(path, f"corrupt or truncated safetensors file ({_one_line(exc)})") from None


def load_full_model(path: os.PathLike | str, allowed: Iterable[type], map_location=None) -> torch.nn.Module:
    """A whole pickled model, loaded only if every global it names is in `allowed`.

    ``weights_only=True`` with ``safe_globals(allowed)``: the allowlist is classes the
    caller imported itself, so a file can't make us import or call anything else.
    """
    path = Path(path)
    fmt = _require_checkpoint(path)
    if fmt not in ("zip", "legacy"):
        raise CheckpointError(path, f"not a torch.save file (format: {fmt})")
    _require_api(path, "safe_globals", "load a whole model through an allowlist")
    try:
        with torch.serialization.safe_globals(list(allowed)):
            obj = torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as exc:
        raise CheckpointError(path, f"refused: {_unsupported_global(exc)}") from None
    except (RuntimeError, EOFError, KeyError, ValueError, AttributeError, ImportError,
            zipfile.BadZipFile, struct.error, OSError, MemoryError, TypeError) as exc:
        raise CheckpointError(path, f"corrupt or truncated checkpoint ({type(exc).__name__}: {_one_line(exc)})") from None
    if not isinstance(obj, torch.nn.Module):
        raise CheckpointError(path, f"expected a pickled nn.Module, found {type(obj).__name__}")
    return obj


def _require_api(path: Path, name: str, purpose: str) -> None:
    """One line instead of an AttributeError where this torch predates the API."""
    if not hasattr(torch.serialization, name):
        raise CheckpointError(path, f"can't {purpose}: torch.serialization.{name} does not exist in "
                                    f"torch {torch.__version__} (PyTorch 2.6 has it)")


def unsafe_globals(path: os.PathLike | str) -> list[str]:
    """The globals a torch.save file would need beyond weights_only's defaults (no code runs)."""
    path = Path(path)
    fmt = _require_checkpoint(path)
    if fmt != "zip":
        raise CheckpointError(path, f"can only list the globals of a zip-format torch.save file, this is {fmt}")
    _require_api(path, "get_unsafe_globals_in_checkpoint", "list a checkpoint's globals without loading it")
    try:
        return sorted(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    except (RuntimeError, ValueError, EOFError, KeyError, zipfile.BadZipFile, pickle.UnpicklingError, OSError) as exc:
        raise CheckpointError(path, f"corrupt checkpoint ({type(exc).__name__}: {_one_line(exc)})") from None


@dataclass(frozen=True)
class CheckpointInfo:
    path: str
    format: str
    file_bytes: int
    tensors: int | None  # safetensors only: read from the header, nothing else is parsed
    unsafe_globals: tuple[str, ...]  # zip only: what weights_only would refuse


def inspect(path: os.PathLike | str) -> CheckpointInfo:
    """Format, size and what a file would need to load, without loading it."""
    path = Path(path)
    fmt = _require_checkpoint(path)
    size = path.stat().st_size
    if fmt == "safetensors":
        header = safetensors_header(path)
        count = sum(1 for key in header if key != "__metadata__")
        return CheckpointInfo(str(path), fmt, size, count, ())
    if fmt == "zip":
        return CheckpointInfo(str(path), fmt, size, None, tuple(unsafe_globals(path)))
    return CheckpointInfo(str(path), fmt, size, None, ())


def safetensors_header(path: os.PathLike | str) -> dict:
    """The JSON header of a safetensors file, validated against the file's size."""
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as fh:
        raw_len = fh.read(8)
        if len(raw_len) < 8:
            raise CheckpointError(path, "truncated safetensors file (no header length)")
        (header_len,) = struct.unpack("<Q", raw_len)
        if header_len > min(SAFETENSORS_MAX_HEADER, size - 8):
            raise CheckpointError(path, f"truncated or corrupt safetensors file (header says {header_len} bytes, file has {size})")
        raw = fh.read(header_len)
    try:
        header = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckpointError(path, f"corrupt safetensors header ({exc})") from None
    if not isinstance(header, dict):
        raise CheckpointError(path, "corrupt safetensors header (not a JSON object)")
    end = max((v.get("data_offsets", [0, 0])[1] for k, v in header.items()
               if k != "__metadata__" and isinstance(v, dict)), default=0)
    if 8 + header_len + end > size:
        raise CheckpointError(path, f"truncated safetensors file (tensors end at byte {8 + header_len + end}, file has {size})")
    return header


def to_bytes(obj: object) -> bytes:
    """What ``torch.save(obj)`` writes, in memory."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()
