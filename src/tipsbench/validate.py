"""``tipsbench validate FILE...``: can the site use these files, and may a pull request add them?

Each argument is a results file, a claims file, or a folder, whose ``*.json`` files
(subfolders included) are checked. What a file is comes from its content, never its
name: ``machine_info`` / ``benchmarks`` make a results file, ``tipsbench_claims`` a
claims file, ``releases`` the record ``tipsbench timeline`` keeps of its environments.
Each file is read through the same boundary the site reads it through
(``results.load_run``, ``claims.files.load``), then held to what a contributed file
must also satisfy:

- it is a regular file, not a symbolic link (a link in a pull request would make the
  site, or this check in CI, read whatever it points to);
- a results file is named for its machine and the time it was saved, as
  ``tipsbench run`` names it (``storage.run_file_name``): the key in the name is the
  run's ``machine_info.tipsbench.key``, and the time is the run's ``datetime`` or the
  few seconds or minutes after it that saving took; a claims file is named for its
  torch (``torch-2.13.0+cpu.json``);
- a results file is compact (``storage.compact``): no raw ``stats.data`` samples, no
  host name (``machine_info.node``).

One line per file: ``ok  PATH  (what it holds)``, or the problem as the loaders word it
(``PATH: problem``), never a traceback. Every string printed comes from a file or a file
name, so each is printed with its control characters replaced (``report.clean``).
Exit status: 0 when every file is good, 1 when any is not, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tipsbench import results, storage
from tipsbench.errors import open_problem
from tipsbench.report import clean
from tipsbench.results import ResultsError
from tipsbench.schema import Reader, kind, quote

# What storage.run_file_name writes, and the "-1", "-2"… storage.write_new adds when a
# name is taken. The key may itself hold "_" (amd-epyc_2t): the time is the last part.
RUN_NAME = re.compile(r"(?P<key>.+)_(?P<time>\d{8}T\d{6}Z)(?:-[1-9][0-9]*)?\.json")
TIME_FORMAT = "%Y%m%dT%H%M%SZ"
# tipsbench run names a file when it saves it, after pytest-benchmark wrote the run's
# datetime at the end of the session: seconds later for a CPU run (2–4 s for the shipped
# ones), longer for a big GPU run. A name further from the run's own time is another run's.
SAVE_WINDOW = timedelta(minutes=10)
FOLDER = "a folder of results files"


def check(path: Path) -> str:
    """What a good file holds, in a few words; ResultsError (one line) for a bad one."""
    try:
        info = os.lstat(path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise ResultsError(path, open_problem(exc, "a results file") if isinstance(exc, OSError)
                           else "is not a file name (it contains a NUL)") from None
    if stat.S_ISLNK(info.st_mode):
        raise ResultsError(path, "is a symbolic link; a results or claims file must be the file itself")
    data = results.read_json(path)  # refuses folders, FIFOs, devices and oversized files itself
    if not isinstance(data, dict):
        raise ResultsError(path, f"the top level should be an object, found {kind(data)}")
    from tipsbench.claims import files as claims_files

    if claims_files.FORMAT_KEY in data:
        return _claims(path)
    if "machine_info" in data or "benchmarks" in data:
        return _results(path, data)
    if "releases" in data:
        return _timeline_record(path, data)
    raise ResultsError(path, f"is neither a results file (machine_info.tipsbench) nor a claims file "
                             f"({claims_files.FORMAT_KEY}); found the keys {quote(', '.join(map(str, data)))}")


def _results(path: Path, data: dict) -> str:
    run = results.parse_run(data, path)
    # parse_run has checked the shapes: machine_info and each benchmark's stats are objects.
    if "node" in data["machine_info"]:
        raise ResultsError(path, "machine_info.node holds the host name; tipsbench run drops it "
                                 "(save runs with tipsbench run, which keeps the file compact)")
    for index, bench in enumerate(data["benchmarks"]):
        samples = bench["stats"].get("data")
        if samples is not None:
            count = f" ({len(samples):,} of them)" if isinstance(samples, list) else ""
            raise ResultsError(path, f"benchmarks[{index}].stats.data holds raw samples{count}; results files keep "
                                     "only the statistics (save runs with tipsbench run, which drops them)")
    _check_run_name(path, run)
    machine = run.machine
    partial = f", interrupted after {machine.finished_of[0]} of {machine.finished_of[1]} tests" \
        if machine.finished_of else ""
    return (f"results, machine {run.key}, {machine.profile} profile, {len(run.records)} benchmarks, "
            f"torch {machine.torch_version}{partial}")


def _check_run_name(path: Path, run: results.Run) -> None:
    """The name tipsbench run gives the file: the run's machine key and when it was saved."""
    recorded = run.utc.replace(microsecond=0)
    expected = storage.run_file_name(run.key, recorded)
    found = RUN_NAME.fullmatch(path.name)
    if found is None:
        raise ResultsError(path, f"the file name should be <machine>_<UTC time>.json, as tipsbench run names it: "
                                 f"{expected}")
    if found["key"] != run.key:
        raise ResultsError(path, f"the file name is for machine {quote(found['key'])}, but the run is from "
                                 f"{quote(run.key)} (machine_info.tipsbench.key); name it {expected}")
    try:
        named = datetime.strptime(found["time"], TIME_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        named = None
    if named is None or not timedelta(0) <= named - recorded <= SAVE_WINDOW:
        raise ResultsError(path, f"the time in the file name, {found['time']}, is not when the run was made "
                                 f"(datetime {run.datetime}); name it {expected}")


def _claims(path: Path) -> str:
    from tipsbench.claims import files as claims_files

    loaded = claims_files.load(path)
    expected = claims_files.file_name(loaded.torch)
    if path.name != expected:
        raise ResultsError(path, f"a claims file is named for its torch ({loaded.torch}): {expected}")
    return f"claims, torch {loaded.torch}, {loaded.build} build, {len(loaded.claims)} claims, machine {loaded.machine}"


def _timeline_record(path: Path, data: dict) -> str:
    """The record tipsbench timeline keeps beside the claims files (releases.ReleaseRun)."""
    from tipsbench import releases

    top = Reader(data, path, "")
    top.text("date")
    count = 0
    for _, item, where in top.items("releases"):
        entry = Reader(item, path, where)
        entry.text("release")
        entry.text("status", choices=("ok", "failed"))
        for key in ("torch", "numpy", "python", "why", "claims_file", "bench_file"):
            entry.text(key, "")
        libraries = entry.child("libraries", optional=True)
        for name in libraries.names():
            libraries.text(name)
        seconds = entry.child("seconds", optional=True)
        for name in seconds.names():
            seconds.real(name, maximum=results.MAX_SECONDS)
        entry.whole("environment_bytes", 0, maximum=results.MAX_BYTES)
        count += 1
    names = (releases.INDEX_NAME, releases.BENCH_INDEX_NAME)
    if path.name not in names:
        raise ResultsError(path, f"a timeline record is named {' or '.join(names)}, as tipsbench timeline names it")
    return f"timeline record, {count} releases"


def expand(arguments: list[str]) -> Iterator[Path | ResultsError]:
    """The files to check: each argument, or a folder's *.json files (subfolders included,
    in order). Symbolic links inside a folder are yielded (to be refused), never followed."""
    seen: set[str] = set()
    for argument in arguments:
        path = Path(argument)
        try:
            is_folder = path.is_dir()  # a folder named on the command line is read even through a link
        except (OSError, ValueError):
            is_folder = False
        found = _walk(path) if is_folder else iter((path,))
        for item in found:
            if isinstance(item, Path):
                if str(item) in seen:
                    continue
                seen.add(str(item))
            yield item


def _walk(folder: Path) -> Iterator[Path | ResultsError]:
    problems: list[OSError] = []
    any_file = unreadable = False
    for root, dirs, files in os.walk(folder, onerror=problems.append):
        for problem in problems:
            unreadable = True
            yield ResultsError(problem.filename or root, open_problem(problem, FOLDER))
        problems.clear()
        here = Path(root)
        for name in sorted(dirs):
            if (here / name).is_symlink():
                yield ResultsError(here / name, "is a symbolic link to a folder; results must be the files themselves")
        dirs[:] = sorted(name for name in dirs if not (here / name).is_symlink())
        for name in sorted(files):
            if name.endswith(".json"):
                any_file = True
                yield here / name
    for problem in problems:
        unreadable = True
        yield ResultsError(problem.filename or folder, open_problem(problem, FOLDER))
    if not any_file and not unreadable:
        yield ResultsError(folder, "holds no .json file")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tipsbench validate",
        description="Check results and claims files, or folders of them: can the site read them, and may a pull "
                    "request add them (named for the machine, compact, no symbolic links)? One line per file.")
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="results or claims files, or folders (their *.json files, subfolders included)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the problems")
    args = parser.parse_args(argv)
    good = bad = 0
    for item in expand(args.files):
        if isinstance(item, ResultsError):
            problem: Exception | None = item
        else:
            try:
                summary = check(item)
                problem = None
            except ResultsError as exc:
                problem = exc
            except Exception as exc:  # noqa: BLE001 - a loader bug still gets one line, not a traceback
                problem = ResultsError(item, f"could not be checked ({type(exc).__name__}: "
                                             f"{str(exc).splitlines()[0][:200] if str(exc) else 'no message'}); "
                                             "this is a tipsbench bug, please report it")
        if problem is not None:
            bad += 1
            print(clean(problem), flush=True)
        else:
            good += 1
            if not args.quiet:
                print(f"ok  {clean(item)}  ({clean(summary)})", flush=True)
    if not args.quiet:
        checked = good + bad
        print(f"tipsbench validate: {checked} file{'s' if checked != 1 else ''}, "
              + ("all good" if not bad else f"{bad} with problems"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
