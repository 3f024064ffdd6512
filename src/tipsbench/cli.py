"""The ``tipsbench`` command: run the suite, report results files, check devices."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import tempfile
from pathlib import Path

from tipsbench import results, storage
from tipsbench.profiles import PROFILE_ENV, PROFILES, QUICK
from tipsbench.progress import PYTEST_ARGS as PROGRESS_ARGS
from tipsbench.progress import Progress

BENCHMARKS_DIR = Path("benchmarks")


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except BrokenPipeError:  # `tipsbench report … | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: list[str]) -> int:
    # Commands with options of their own, which a REMAINDER argument can't start with.
    if argv[:1] == ["timeline"]:
        from tipsbench import releases

        return releases.main(argv[1:])
    if argv[:1] == ["check"]:
        from tipsbench import check

        return check.main(argv[1:])
    if argv[:1] == ["compare"]:
        from tipsbench import compare

        return compare.main(argv[1:])
    if argv[:1] == ["validate"]:
        from tipsbench import validate

        return validate.main(argv[1:])
    parser = argparse.ArgumentParser(prog="tipsbench", description="PyTorch tips, measured.")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("check", help="does a tip hold on this machine? claims, quick benchmarks and the verdict; "
                                      "see tipsbench check --help")
    commands.add_parser("compare", help="what changed between two runs, noise accounted for; "
                                        "see tipsbench compare --help")
    commands.add_parser("validate", help="check results and claims files (or folders of them) before a pull request; "
                                         "see tipsbench validate --help")
    run = commands.add_parser("run", help="run the benchmark suite and save the results")
    run.add_argument("--profile", choices=PROFILES, default=QUICK,
                     help="quick: small grid, ~2 minutes; full: the whole grid, ~15 minutes (default: quick)")
    run.add_argument("--results-dir", default=None,
                     help=f"where to save the run (default: ${results.RESULTS_ENV} or ./results)")
    run.add_argument("--benchmarks", default=str(BENCHMARKS_DIR), help="the suite's folder (default: ./benchmarks)")
    run.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --, e.g. -- -k numpy")

    report = commands.add_parser("report", help="print results files as tables (one per tip, sizes as columns)")
    report.add_argument("files", nargs="+", metavar="FILE")
    report.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                        help="text for a terminal, markdown for a pull-request comment, json for a script")

    doctor = commands.add_parser("doctor", help="what torch sees: devices, CUDA settings, pinned memory")
    doctor.add_argument("rest", nargs=argparse.REMAINDER)

    claims_cmd = commands.add_parser("claims", help="run every checked claim on the installed torch")
    claims_cmd.add_argument("--json", metavar="FILE", default=None,
                            help="also write the outcomes to FILE (a claims file, as results/claims/ holds)")

    commands.add_parser("timeline", help="run the claims on several torch releases (uv environments); "
                                         "see tipsbench timeline --help")

    args = parser.parse_args(argv)
    if args.command == "run":
        try:
            return run_suite(args)
        except KeyboardInterrupt:  # outside pytest, e.g. while saving: no traceback
            print("tipsbench: interrupted", file=sys.stderr)
            return 130
    if args.command == "report":
        return report_files(args.files, args.format)
    if args.command == "claims":
        return run_claims(args.json)
    from tipsbench import doctor as doctor_module

    return doctor_module.main(args.rest)


def run_suite(args: argparse.Namespace) -> int:
    """Time the suite with pytest-benchmark, then save a compact copy of its JSON.

    Ctrl-C or SIGTERM mid-suite keeps what finished: pytest still ends the session, so
    pytest-benchmark writes the benchmarks that completed (the suite marks them
    ``machine_info.tipsbench.interrupted``), and that partial run is saved like a full
    one, under a new name, with a non-zero exit status. The temporary folder goes
    whatever happens.
    """
    import pytest

    suite_dir = Path(args.benchmarks)
    if not (suite_dir / "conftest.py").is_file():
        print(f"tipsbench: {suite_dir}: no benchmark suite here; run from the tipsbench repository root "
              "or pass --benchmarks DIR", file=sys.stderr)
        return 2
    target = results.results_dir(args.results_dir or "results")
    os.environ[PROFILE_ENV] = args.profile
    stopped_by: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tipsbench-") as tmp:
        raw = Path(tmp) / "raw.json"
        try:
            with _signals_interrupt(stopped_by, signal.SIGTERM):
                code = pytest.main([str(suite_dir), "-p", "no:cacheprovider", "--benchmark-json", str(raw),
                                    *PROGRESS_ARGS, *args.pytest_args], plugins=[Progress()])
        except KeyboardInterrupt:  # a second Ctrl-C while pytest was ending: use what it wrote
            code = pytest.ExitCode.INTERRUPTED
        data = _read_raw(raw)
    code = int(code)
    interrupted = code == pytest.ExitCode.INTERRUPTED
    how = f"interrupted by {stopped_by[0]}" if stopped_by else "interrupted"
    if data is None:
        if interrupted:
            print(f"tipsbench: {how} before any benchmark finished; nothing saved", file=sys.stderr)
        else:
            print(f"tipsbench: pytest exited with {code} and wrote no results", file=sys.stderr)
        return code or 1
    ours = data.setdefault("machine_info", {}).setdefault("tipsbench", {})
    if interrupted and not ours.get("interrupted"):
        ours["interrupted"] = True  # a suite without the progress hooks still gets the mark
    path = storage.save_run(target, data)
    benchmarks = data.get("benchmarks", [])
    if ours.get("interrupted"):
        of = ""
        if isinstance(ours.get("tests_selected"), int) and isinstance(ours.get("tests_finished"), int):
            of = f" after {ours['tests_finished']} of {ours['tests_selected']} tests"
        print(f"tipsbench: {how}{of}; kept the {len(benchmarks)} benchmarks that finished: "
              f"{_kept(benchmarks)}")
        print(f"tipsbench: saved that partial run (machine_info.tipsbench.interrupted) to {path}")
    else:
        print(f"tipsbench: saved {len(benchmarks)} results to {path}")
    print(f"tipsbench: see them with `tipsbench report {path}` or `mkdocs serve`")
    return code or (1 if ours.get("interrupted") else 0)


def _read_raw(raw: Path) -> dict | None:
    """pytest-benchmark's JSON, or None if it wrote none (or was cut off writing it)."""
    try:
        data = json.loads(raw.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _kept(benchmarks: list[dict]) -> str:
    """'numpy float32 ×12, save_load mlp 1 MiB ×3': what finished, per group."""
    counts: dict[str, int] = {}
    for bench in benchmarks:
        group = bench.get("group") or bench.get("name", "?")
        counts[group] = counts.get(group, 0) + 1
    return ", ".join(f"{group} ×{n}" for group, n in counts.items()) or "none"


@contextlib.contextmanager
def _signals_interrupt(stopped_by: list[str], *signums: signal.Signals):
    """Turn these signals into KeyboardInterrupt, which pytest ends a session cleanly on.

    Python's default SIGTERM kills the process at once: no session end, no results, no
    fixture teardown (the suites' temporary folders would stay). Only the main thread
    can set handlers; elsewhere this does nothing.
    """

    def interrupt(signum, frame):
        stopped_by.append(signal.Signals(signum).name)
        raise KeyboardInterrupt

    previous = {}
    try:
        for signum in signums:
            previous[signum] = signal.signal(signum, interrupt)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_claims(json_path: str | None) -> int:
    """Every claim on this torch, one line each; exit 1 if a check broke (our bug)."""
    import warnings

    from tipsbench.claims import MARKS, files
    from tipsbench.schema import printable

    with warnings.catch_warnings():  # what the checks provoke is theirs to catch and show
        warnings.simplefilter("ignore")
        data = files.observe_all()
    print(f"torch {data['torch']} ({data['build']}) · numpy {data['numpy']} · python {data['python']}")
    width = max(len(c["id"]) for c in data["claims"])
    for entry in data["claims"]:
        first = printable(entry["shown"][0]) if entry["shown"] else ""
        print(f"{MARKS[entry['outcome']]} {entry['id']:<{width}}  {entry['outcome']:<13}  {first[:80]}")
    counts: dict[str, int] = {}
    for entry in data["claims"]:
        counts[entry["outcome"]] = counts.get(entry["outcome"], 0) + 1
    print(", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) + f" in {data['seconds']} s")
    if json_path:
        print(f"tipsbench: wrote {files.write(Path(json_path), data)}")
    return 1 if counts.get("error") else 0


def report_files(files: list[str], form: str = "text") -> int:
    from tipsbench import report

    status, documents = 0, []
    for name in files:
        try:
            run = results.load_run(name)
        except results.ResultsError as exc:
            print(f"tipsbench: {exc}", file=sys.stderr)
            status = 1
            continue
        if form == "json":
            documents.append(report.as_json(run))
        else:
            if documents:
                print()
            documents.append(run)
            print(report.render_markdown(run) if form == "markdown" else report.render(run))
    if form == "json":
        print(json.dumps(documents, indent=1))
    return status


if __name__ == "__main__":
    sys.exit(main())
