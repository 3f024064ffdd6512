"""What a site build may keep between builds: claim outcomes, parsed runs, rendered markers.

``mkdocs serve`` rebuilds the whole site on every edit. Running every claim (several in
child processes that import torch) again made an author wait ~20 s per edit for results
that had not changed. This cache keeps them, keyed on everything they depend on, so a
stale entry is never served (charts aren't kept on their own: one takes ~2 ms to draw):

- a claim's outcome: the claim, the source of all of tipsbench (the check and every helper
  it calls), the Python, the platform, every installed distribution and its version (torch,
  numpy, safetensors…), the environment variables torch and CUDA read, and for a CUDA or
  ROCm build which GPUs are visible;
- a parsed results file: its path and exact bytes (SHA-256) and tipsbench's source. The
  entry is a pickle of the typed records that tipsbench itself wrote after validating the
  file; a results file is never unpickled, only parsed (results.py);
- a marker's HTML (and the warnings it gave): the marker, its page, URL and language, and
  the digest of *every* input of the build (all of the above, every results and claims
  file's bytes, every page's title and markers, the machines and their order). Editing a
  page's prose keeps every fragment; touching any input renders every marker again.

The cache lives outside ``docs/`` and ``results/`` (``.cache/tipsbench`` beside
mkdocs.yml, or ``$TIPSBENCH_CACHE``), holds one small file per entry (JSON, or a pickle
for a run), and is safe to delete at any time. A damaged or unreadable entry is a miss,
never an error.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
import sys
import tempfile
from importlib import metadata
from pathlib import Path

CACHE_ENV = "TIPSBENCH_CACHE"
DEFAULT_DIR = Path(".cache") / "tipsbench"
# Bumped when the layout of entries changes: old entries are then simply never read.
LAYOUT = 1
# Environment variables that change what torch, its device libraries or numpy do.
_ENV_PREFIXES = ("TORCH", "PYTORCH", "CUDA", "HIP", "ROCR", "ROCM", "NVIDIA", "OMP_", "MKL", "KMP_",
                 "NUMPY", "OPENBLAS", "LD_LIBRARY_PATH", "PYTHON")
PACKAGE_DIR = Path(__file__).resolve().parent


def key(*parts: str) -> str:
    """An entry's name: the SHA-256 of its parts (each ended by a NUL, so no two lists
    of parts run together into the same bytes)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def bytes_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@functools.cache
def source_digest() -> str:
    """Every .py file of tipsbench (path and content): any code change is a new key."""
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    return key(*(p for path in files for p in (str(path.relative_to(PACKAGE_DIR)), path.read_text("utf-8"))))


@functools.cache
def distributions_digest() -> str:
    """Every installed distribution with its version: a new torch, numpy or library is a
    new key. Read from package metadata, so asking costs no import of torch."""
    found = sorted({f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()
                    if d.metadata['Name']})
    return key(*found)


_ACCELERATOR_LINE = re.compile(r"^(cuda|hip|rocm|xpu)\b[^=]*=\s*(.+)$", re.M)


def torch_version_file() -> str | None:
    """The installed torch's version.py (version, git commit, CUDA/ROCm), read without
    importing torch; None where there is none to read."""
    try:
        return Path(metadata.distribution("torch").locate_file("torch/version.py")).read_text("utf-8")
    except (metadata.PackageNotFoundError, OSError):
        return None


def built_without_accelerators(version_file: str) -> bool:
    """Whether a torch/version.py names no CUDA, ROCm or XPU version: a CPU build."""
    return all(value.strip() == "None" for _, value in _ACCELERATOR_LINE.findall(version_file))


def _torch_build_facts() -> list[str]:
    """What the installed torch is (its version.py) and, where it could use a device,
    which ones it sees: the outcome of the device claims depends on whether a GPU is
    usable. A CPU build on Linux or Windows has no device to ask about, and isn't imported
    at all."""
    text = torch_version_file()
    if text is None:
        return ["no torch"]
    cpu_only = built_without_accelerators(text)
    if cpu_only and sys.platform != "darwin":  # macOS CPU wheels carry MPS
        return [text]
    import torch

    from tipsbench.claims.build import installed_build

    seen = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] \
        if torch.cuda.is_available() else []
    mps = getattr(torch.backends, "mps", None)
    seen.append(f"mps={bool(mps and mps.is_available())}")
    return [text, installed_build(), *seen]


@functools.cache
def environment_digest() -> str:
    """What a claim's outcome depends on, besides the claim itself."""
    env = sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES))
    return key(f"layout {LAYOUT}", sys.version, platform.platform(), platform.machine(),
               source_digest(), distributions_digest(), *env, *_torch_build_facts())


class BuildCache:
    """A folder of entries, one file each, named by the digest of their key."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._folders: set[Path] = set()  # made (or found) already: one mkdir each, not one per entry

    @classmethod
    def at(cls, config_dir: Path, configured: str | None = None) -> BuildCache:
        """``$TIPSBENCH_CACHE``, else the configured folder, else .cache/tipsbench, relative
        to the folder of mkdocs.yml."""
        chosen = os.environ.get(CACHE_ENV) or configured or str(DEFAULT_DIR)
        path = Path(chosen).expanduser()
        return cls(path if path.is_absolute() else config_dir / path)

    def _path(self, namespace: str, key: str, suffix: str) -> Path:
        return self.root / namespace / f"{key[:2]}" / f"{key}{suffix}"

    def get_bytes(self, namespace: str, key: str, suffix: str) -> bytes | None:
        try:
            return self._path(namespace, key, suffix).read_bytes()
        except OSError:
            return None

    def put_bytes(self, namespace: str, key: str, data: bytes, suffix: str) -> None:
        """Atomic: a reader sees the old entry, nothing, or the whole new one. A cache
        that can't be written (read-only checkout, full disk) only costs speed."""
        path = self._path(namespace, key, suffix)
        try:
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except OSError:
            return

    def get_text(self, namespace: str, key: str, suffix: str) -> str | None:
        found = self.get_bytes(namespace, key, suffix)
        try:
            return None if found is None else found.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def put_text(self, namespace: str, key: str, text: str, suffix: str) -> None:
        self.put_bytes(namespace, key, text.encode("utf-8"), suffix)

    def get_json(self, namespace: str, key: str) -> object | None:
        text = self.get_text(namespace, key, ".json")
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    def put_json(self, namespace: str, key: str, value: object) -> None:
        self.put_text(namespace, key, json.dumps(value, ensure_ascii=False), ".json")


# Per file state (path, size, mtime, inode): the SHA-256 of its bytes.
_FILE_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def file_state(path: Path) -> tuple[str, int, int, int]:
    """What says a file changed, without reading it. OSError when it can't be looked at."""
    st = path.stat()
    return str(path.absolute()), st.st_size, st.st_mtime_ns, st.st_ino


def read_digested(path: Path) -> tuple[bytes, str]:
    """A results or claims file's bytes, read as the loaders read them
    (results.read_bounded: ResultsError for a FIFO, a device or an oversized file), and
    their SHA-256, remembered for file_digest."""
    from tipsbench.results import read_bounded

    state = file_state(path)
    raw = read_bounded(path)
    _FILE_DIGESTS[state] = bytes_digest(raw)
    return raw, _FILE_DIGESTS[state]


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read at most once per process per state of the file; for
    a file the loaders refuse, their one-line refusal stands in for its bytes."""
    from tipsbench.results import ResultsError

    try:
        state = file_state(path)
        return _FILE_DIGESTS[state] if state in _FILE_DIGESTS else read_digested(path)[1]
    except (OSError, ResultsError) as exc:
        return f"unread: {exc}"


def remembered_json(name: str, compute):
    """A JSON value that depends on tipsbench's source only (the claim ids, the marker
    kinds), kept in this process and in the active cache: read back instead of importing
    every family (the claims' modules import torch) to list them. `compute` None: only
    read back (None when neither has it)."""
    entry = key(name, source_digest())
    if entry in _REMEMBERED:
        return _REMEMBERED[entry]
    store = active()
    found = store.get_json("meta", entry) if store is not None else None
    if found is None and compute is not None:
        found = compute()
        if store is not None:
            store.put_json("meta", entry, found)
    if found is not None:
        _REMEMBERED[entry] = found
    return found


# remembered_json's values in this process: `mkdocs serve` rebuilds in one process, with
# or without a cache, and a page build asks for the marker kinds on every page.
_REMEMBERED: dict[str, object] = {}


# The cache the current site build uses: the plugin activates one; tests, `tipsbench
# check` and `tipsbench claims` never do, so they always run the checks.
_ACTIVE: BuildCache | None = None


def activate(store: BuildCache | None) -> None:
    global _ACTIVE
    _ACTIVE = store


def active() -> BuildCache | None:
    return _ACTIVE
