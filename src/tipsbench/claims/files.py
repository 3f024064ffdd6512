"""Claims files: every claim's outcome on one torch, written by ``tipsbench claims
--json`` and read back, untrusted, by the site (the timeline) and the tests.

A file is versioned like a benchmark run::

    {"tipsbench_claims": 1, "torch": "2.15.0+cu128", "release": "2.15",
     "build": "cuda-no-gpu", "numpy": "2.4.6", "python": "3.11.7",
     "machine": "amd-epyc_2t", "platform": "Linux-6.1-x86_64", "date": "2026-11-30T06:00:00Z",
     "claims": [{"id": "numpy.from_numpy_shares", "outcome": "holds",
                 "shown": ["a[0] = 7 → t[0] == 7.0", ...]}, ...]}

``shown`` is a list of lines, so no string in the file needs a newline (schema refuses
control characters everywhere).
"""

from __future__ import annotations

import json
import os
import platform
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tipsbench import claims
from tipsbench.claims.build import BUILDS, installed_build, release_of
from tipsbench.results import ResultsError, read_json
from tipsbench.schema import MAX_TEXT, Reader, forbidden_problem, kind, quote

FORMAT = 1
FORMAT_KEY = "tipsbench_claims"
MAX_LINES = 60  # of one claim's output; longer output is cut, with a line saying so
MAX_CLAIMS = 1000
_VERSION = re.compile(r"\d+\.\d+(\.\d+)?([a-z0-9.+_-]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    id: str
    outcome: str  # one of claims.OUTCOMES
    shown: tuple[str, ...]  # what the check saw, line by line


@dataclass(frozen=True)
class ClaimsFile:
    path: str
    torch: str
    release: str
    build: str
    numpy: str
    python: str
    machine: str
    platform: str
    date: str
    claims: dict[str, Outcome]

    @property
    def file_name(self) -> str:
        return Path(self.path).name


def file_name(torch_version: str) -> str:
    """torch-2.15.0+cu128.json: one file per torch version (a rerun replaces it)."""
    return f"torch-{torch_version}.json"


# --- writing ---------------------------------------------------------------------------

def _lines(shown: str) -> list[str]:
    lines = [line[:MAX_TEXT] for line in shown.splitlines()]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES - 1] + [f"… {len(lines) - MAX_LINES + 1} more lines"]
    # A check's output is text from torch; anything unprintable is written visibly.
    return [line if forbidden_problem(line) is None else ascii(line)[1:-1] for line in lines]


def observe_all(claim_ids: list[str] | None = None) -> dict:
    """Run every claim (or the given ones) on the installed torch: the claims file's content."""
    import numpy
    import torch

    from tipsbench.machine import collect_key

    started = time.perf_counter()
    outcomes = []
    for claim_id in sorted(claims.all_claims() if claim_ids is None else claim_ids):
        seen = claims.observe(claim_id)
        outcomes.append({"id": claim_id, "outcome": seen.status, "shown": _lines(seen.shown)})
    return {
        FORMAT_KEY: FORMAT,
        "torch": torch.__version__,
        "release": release_of(torch.__version__),
        "build": installed_build(),
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "machine": collect_key(torch),
        "platform": platform.platform(terse=True)[:MAX_TEXT],
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round(time.perf_counter() - started, 1),
        "claims": outcomes,
    }


def write(path: Path, data: dict) -> Path:
    """Write atomically: a reader never sees half a file, and a rerun replaces the old one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path


# --- reading ---------------------------------------------------------------------------

def load(path: Path | str) -> ClaimsFile:
    """Read and validate one claims file, or raise ResultsError (one line naming it)."""
    path = Path(path)
    problem = forbidden_problem(path.name)
    if problem:
        raise ResultsError(path, f"the file name {problem}")
    top = Reader(read_json(path), path, "")
    if not top.has(FORMAT_KEY):
        top.fail(f"{FORMAT_KEY} is missing (not a tipsbench claims file?)")
    version = top.whole(FORMAT_KEY, maximum=10**6)
    if version > FORMAT:
        top.fail(f"claims format {version} is newer than this tipsbench reads ({FORMAT}); upgrade tipsbench")
    if version < 1:
        top.fail(f"{FORMAT_KEY} should be 1 or more, found {version}")
    torch_version = top.text("torch")
    if not _VERSION.fullmatch(torch_version):
        top.fail(f"torch should be a torch version such as 2.15.0+cpu, found {quote(torch_version)}")
    release = top.text("release")
    if release != release_of(torch_version):
        top.fail(f"release {quote(release)} is not the release of torch {torch_version}")
    outcomes: dict[str, Outcome] = {}
    for _, item, where in top.items("claims", max_items=MAX_CLAIMS):
        entry = Reader(item, path, where)
        claim_id = entry.text("id")
        if claim_id in outcomes:
            entry.fail(f"{entry.path('id')}: claim {quote(claim_id)} appears twice")
        outcomes[claim_id] = Outcome(claim_id, entry.text("outcome", choices=claims.OUTCOMES),
                                     _read_lines(entry, "shown"))
    return ClaimsFile(
        path=str(path), torch=torch_version, release=release, build=top.text("build", choices=BUILDS),
        numpy=top.text("numpy"), python=top.text("python"), machine=top.text("machine"),
        platform=top.text("platform"), date=top.text("date"), claims=outcomes,
    )


def _read_lines(entry: Reader, key: str) -> tuple[str, ...]:
    lines = []
    for _, line, where in entry.items(key, default=None, max_items=MAX_LINES):
        if not isinstance(line, str):
            entry.fail(f"{where} should be a string, found {kind(line)}")
        if len(line) > MAX_TEXT:
            entry.fail(f"{where} is {len(line):,} characters long; at most {MAX_TEXT} are accepted")
        problem = forbidden_problem(line)
        if problem:
            entry.fail(f"{where} {problem}")
        lines.append(line)
    return tuple(lines)


def load_dir(directory: Path | str) -> tuple[list[ClaimsFile], list[ResultsError]]:
    """Every ``torch-*.json`` claims file of a directory (sorted), and the bad ones' errors."""
    files, errors = [], []
    for path in sorted(Path(directory).glob("torch-*.json")):
        try:
            files.append(load(path))
        except ResultsError as exc:
            errors.append(exc)
    return files, errors
