"""The ``tipsbench`` command: run the suite, report results files, check devices."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from tipsbench import results, storage
from tipsbench.profiles import PROFILE_ENV, PROFILES, QUICK

BENCHMARKS_DIR = Path("benchmarks")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tipsbench", description="PyTorch tips, measured.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the benchmark suite and save the results")
    run.add_argument("--profile", choices=PROFILES, default=QUICK,
                     help="quick: small grid, ~2 minutes; full: the whole grid, ~15 minutes (default: quick)")
    run.add_argument("--results-dir", default=None,
                     help=f"where to save the run (default: ${results.RESULTS_ENV} or ./results)")
    run.add_argument("--benchmarks", default=str(BENCHMARKS_DIR), help="the suite's folder (default: ./benchmarks)")
    run.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --, e.g. -- -k numpy")

    report = commands.add_parser("report", help="print results files as tables")
    report.add_argument("files", nargs="+", metavar="FILE")

    doctor = commands.add_parser("doctor", help="what torch sees: devices, CUDA settings, pinned memory")
    doctor.add_argument("rest", nargs=argparse.REMAINDER)

    args = parser.parse_args(argv)
    if args.command == "run":
        return run_suite(args)
    if args.command == "report":
        return report_files(args.files)
    from tipsbench import doctor as doctor_module

    return doctor_module.main(args.rest)


def run_suite(args: argparse.Namespace) -> int:
    """Time the suite with pytest-benchmark, then save a compact copy of its JSON."""
    import pytest

    suite_dir = Path(args.benchmarks)
    if not (suite_dir / "conftest.py").is_file():
        print(f"tipsbench: {suite_dir}: no benchmark suite here; run from the tipsbench repository root "
              "or pass --benchmarks DIR", file=sys.stderr)
        return 2
    target = results.results_dir(args.results_dir or "results")
    os.environ[PROFILE_ENV] = args.profile
    with tempfile.TemporaryDirectory(prefix="tipsbench-") as tmp:
        raw = Path(tmp) / "raw.json"
        code = pytest.main([str(suite_dir), "-p", "no:cacheprovider", "--benchmark-json", str(raw),
                            "--benchmark-columns=median,iqr,rounds,iterations", "--benchmark-sort=fullname",
                            *args.pytest_args])
        if not raw.is_file():
            print(f"tipsbench: pytest exited with {int(code)} and wrote no results", file=sys.stderr)
            return int(code) or 1
        data = json.loads(raw.read_text(encoding="utf-8"))
    key = data.get("machine_info", {}).get("tipsbench", {}).get("key", "unknown")
    path = storage.write_new(target, storage.run_file_name(key), storage.compact(data))
    print(f"tipsbench: saved {len(data.get('benchmarks', []))} results to {path}")
    print(f"tipsbench: see them with `tipsbench report {path}` or `mkdocs serve`")
    return int(code)


def report_files(files: list[str]) -> int:
    from tipsbench.report import render

    status = 0
    for index, name in enumerate(files):
        try:
            run = results.load_run(name)
        except results.ResultsError as exc:
            print(f"tipsbench: {exc}", file=sys.stderr)
            status = 1
            continue
        if index:
            print()
        print(render(run))
    return status


if __name__ == "__main__":
    sys.exit(main())
