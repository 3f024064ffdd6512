"""``tipsbench timeline``: run the claims (and optionally the quick benchmark profile) on
several torch releases, one throwaway virtual environment per release, made with uv.

For each minor release asked for, the newest patch the package index has is installed
(``torch==2.6.*``) with tipsbench and its ``tips`` extra, ``tipsbench claims --json``
writes ``<out>/torch-<version>.json``, and the environment is removed unless ``--keep``.
A release that fails (no wheel for this Python, an install error, a crash) is recorded
with why, and the next one runs. What was installed, how long each step took and how
much disk each environment used go to ``<out>/timeline-run.json``.

On Linux x86 the PyPI wheels of torch are CUDA builds: they install and run on a
machine without a GPU (the claims file says "cuda-no-gpu"), which is what most readers
who ``pip install torch`` get.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tipsbench.claims import files as claims_files
from tipsbench.progress import duration

DEFAULT_RELEASES = tuple(f"2.{minor}" for minor in range(4, 16))
# A release's environment takes ~5 GB (the CUDA libraries); uv's cache takes as much
# again the first time. Below this much free space a release is skipped, not half-made.
MIN_FREE_BYTES = 12 << 30
INSTALL_TIMEOUT_S = 1800
RUN_TIMEOUT_S = 1800
INDEX_NAME = "timeline-run.json"
# What else each environment got (the tips extra and the test stack), recorded per release.
LIBRARIES = ("safetensors", "tensorboard", "torchsummary", "torchinfo", "pillow", "matplotlib",
             "pytest", "pytest-benchmark")
VERSIONS_CODE = ("import json, platform, sys, torch, numpy\n"
                 "from importlib.metadata import PackageNotFoundError, version\n"
                 "def of(name):\n"
                 "    try:\n"
                 "        return version(name)\n"
                 "    except PackageNotFoundError:\n"
                 "        return 'not installed'\n"
                 "print(json.dumps([torch.__version__, numpy.__version__, platform.python_version(),"
                 " {name: of(name) for name in sys.argv[1:]}]))")
BENCH_INDEX_NAME = "timeline-bench-run.json"  # a --bench --no-claims run's record


@dataclass
class ReleaseRun:
    release: str
    torch: str = ""
    numpy: str = ""
    python: str = ""
    status: str = "failed"  # ok | failed
    why: str = ""
    libraries: dict[str, str] = field(default_factory=dict)  # the tips extras as installed
    seconds: dict[str, float] = field(default_factory=dict)  # install, claims, bench
    environment_bytes: int = 0
    claims_file: str = ""
    bench_file: str = ""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tipsbench timeline",
                                     description="Run the claims on several torch releases, one uv environment each.")
    parser.add_argument("--torch", nargs="+", default=list(DEFAULT_RELEASES), metavar="X.Y",
                        help=f"minor releases (default: {DEFAULT_RELEASES[0]} … {DEFAULT_RELEASES[-1]})")
    parser.add_argument("--out", default="results/claims", help="where claims files go (default: results/claims)")
    parser.add_argument("--bench", action="store_true",
                        help="also run the quick benchmark profile in each environment")
    parser.add_argument("--claims", action=argparse.BooleanOptionalAction, default=True,
                        help="run the claims in each environment (default: yes; --no-claims with --bench "
                             "times without re-checking)")
    parser.add_argument("--bench-out", default="results/timeline",
                        help="where those runs go (default: results/timeline)")
    parser.add_argument("--workdir", default=None, help="where the environments are made (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the environments afterwards")
    parser.add_argument("--python", default=platform.python_version(),
                        help="the Python each environment uses (default: this one's version)")
    parser.add_argument("--with", dest="extra", action="append", default=[], metavar="REQUIREMENT",
                        help="an extra requirement for every environment, e.g. --with 'numpy<2'")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    uv = shutil.which("uv")
    if uv is None:
        print("tipsbench timeline: uv is not installed; `pip install uv` first", file=sys.stderr)
        return 2
    repo = Path.cwd()
    if not (repo / "pyproject.toml").is_file() or not (repo / "benchmarks").is_dir():
        print(f"tipsbench timeline: {repo}: run this from the tipsbench repository root", file=sys.stderr)
        return 2
    workdir = Path(args.workdir or os.environ.get("TMPDIR", "/tmp")) / "tipsbench-timeline"
    workdir.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    done: list[ReleaseRun] = []
    started = time.perf_counter()
    for release in args.torch:
        print(f"tipsbench timeline: [{len(done) + 1}/{len(args.torch)}] torch {release}: installing and running…",
              flush=True)
        run = run_release(uv, repo, workdir, release, args)
        done.append(run)
        status = f"torch {run.torch}, numpy {run.numpy}" if run.status == "ok" else f"failed: {run.why}"
        timings = ", ".join(f"{k} {v:.0f} s" for k, v in run.seconds.items())
        elapsed = time.perf_counter() - started
        left = elapsed / len(done) * (len(args.torch) - len(done))
        print(f"tipsbench timeline: [{len(done)}/{len(args.torch)}] {release}: {status} ({timings}; environment "
              f"{run.environment_bytes / 1e9:.1f} GB) · {duration(elapsed)} elapsed, ~{duration(left)} left", flush=True)
    index = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "python": args.python,
             "seconds": round(time.perf_counter() - started, 1), "releases": [asdict(r) for r in done]}
    # Kept beside the claims files (whose loader reads only torch-*.json), never among the
    # bench runs (whose loader reads every *.json as a run).
    out.mkdir(parents=True, exist_ok=True)
    claims_files.write(out / (INDEX_NAME if args.claims else BENCH_INDEX_NAME), index)
    failed = [r.release for r in done if r.status != "ok"]
    print(f"tipsbench timeline: {len(done) - len(failed)} of {len(done)} releases done in "
          f"{index['seconds'] / 60:.1f} min" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def run_release(uv: str, repo: Path, workdir: Path, release: str, args: argparse.Namespace) -> ReleaseRun:
    run = ReleaseRun(release)
    free = shutil.disk_usage(workdir).free
    if free < MIN_FREE_BYTES:
        run.why = f"only {free / 1e9:.1f} GB free in {workdir}; a release needs about {MIN_FREE_BYTES / 1e9:.0f}"
        return run
    venv = workdir / f"torch-{release}"
    python = venv / "bin" / "python"
    try:
        clock = time.perf_counter()
        _step([uv, "venv", "-q", "--clear", "--python", args.python, str(venv)], repo, INSTALL_TIMEOUT_S)
        # Not editable: each environment gets a snapshot of the tree as it was when its
        # release started, so an edit made while the timeline runs can't leak into later
        # releases and mix two versions of the checks in one timeline.
        _step([uv, "pip", "install", "-q", "--python", str(python), f"torch=={release}.*",
               f"{repo}[tips]", *args.extra], repo, INSTALL_TIMEOUT_S)
        run.seconds["install"] = round(time.perf_counter() - clock, 1)
        versions = json.loads(_step([str(python), "-c", VERSIONS_CODE, *LIBRARIES], repo, RUN_TIMEOUT_S).splitlines()[-1])
        run.torch, run.numpy, run.python, run.libraries = versions
        run.environment_bytes = _disk_usage(venv)
        if args.claims:
            clock = time.perf_counter()
            target = Path(args.out) / claims_files.file_name(run.torch)
            _step([str(venv / "bin" / "tipsbench"), "claims", "--json", str(target)], repo, RUN_TIMEOUT_S)
            run.seconds["claims"] = round(time.perf_counter() - clock, 1)
            run.claims_file = str(target)
        if args.bench:
            clock = time.perf_counter()
            output = _step([str(venv / "bin" / "tipsbench"), "run", "--profile", "quick",
                            "--results-dir", args.bench_out], repo, RUN_TIMEOUT_S)
            run.seconds["bench"] = round(time.perf_counter() - clock, 1)
            run.bench_file = next((line.rsplit(" to ", 1)[-1] for line in output.splitlines()
                                   if line.startswith("tipsbench: saved")), "")
        run.status = "ok"
    except StepFailed as exc:
        run.why = str(exc)
    finally:
        if not args.keep:
            shutil.rmtree(venv, ignore_errors=True)
    return run


class StepFailed(Exception):
    pass


def _step(command: list[str], cwd: Path, timeout: float) -> str:
    """Run one step; StepFailed with its last line of error output when it fails."""
    env = {**os.environ, "VIRTUAL_ENV": ""}
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise StepFailed(f"`{' '.join(command[:3])} …` ran over {timeout:.0f} s") from None
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()
        raise StepFailed(f"`{' '.join(command[:3])} …` exited with {done.returncode}: {lines[-1][:300]}")
    return done.stdout


def _disk_usage(path: Path) -> int:
    """Bytes the environment's files take (files uv hard-linked from its cache count in
    full: that is what the environment costs without the cache)."""
    total = 0
    for root, _, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total
