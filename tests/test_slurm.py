"""scripts/slurm/tipsbench-array.sbatch, run with bash under a fake Slurm environment.

sbatch is not installed here: the script runs as Slurm would run one array task (the
SLURM_* variables set, the checkout found from SLURM_SUBMIT_DIR), with a fake
`tipsbench` first on PATH. The fake records its arguments and saves a file with the real
tipsbench.storage under the name a run of that machine would take, at one fixed UTC
second: two tasks of identical nodes finishing together.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "slurm" / "tipsbench-array.sbatch"
KEY = "fake-node_8t"  # every fake node is the same kind of machine
SAME_SECOND = datetime(2026, 12, 1, 3, 4, 5, tzinfo=timezone.utc)

FAKE_TIPSBENCH = f"""#!{sys.executable}
import json, os, sys, time
from datetime import datetime
from pathlib import Path

from tipsbench import storage

args = sys.argv[1:]
task = os.environ.get("SLURM_ARRAY_TASK_ID", "none")
record = Path(os.environ["FAKE_RECORD"]) / f"args-{{task}}.json"
record.write_text(json.dumps({{"args": args, "cwd": os.getcwd(),
                               "results_env": os.environ.get("TIPSBENCH_RESULTS")}}))
# Both tasks reach the write together: wait for the other one's record (at most 10 s).
deadline = time.monotonic() + 10
while len(list(record.parent.glob("args-*.json"))) < int(os.environ.get("FAKE_TASKS", "1")):
    if time.monotonic() > deadline:
        break
    time.sleep(0.01)
target = Path(args[args.index("--results-dir") + 1])
name = storage.run_file_name({KEY!r}, datetime.fromisoformat({SAME_SECOND.isoformat()!r}))
path = storage.write_new(target, name, {{"task": task}})
print(f"tipsbench: saved 1 results to {{path}}")
"""


@pytest.fixture
def fleet(tmp_path):
    """A checkout, a shared folder, a bin/ with the fake tipsbench, a folder for its records."""
    repo = tmp_path / "checkout"
    (repo / "benchmarks").mkdir(parents=True)
    (repo / "benchmarks" / "conftest.py").write_text("")
    shared = tmp_path / "shared" / "tipsbench-results"
    shared.mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "tipsbench"
    fake.write_text(FAKE_TIPSBENCH)
    fake.chmod(0o755)
    record = tmp_path / "record"
    record.mkdir()
    return {"repo": repo, "shared": shared, "bin": bin_dir, "record": record, "tmp": tmp_path}


def task_env(fleet, task: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLURM_", "TIPSBENCH_", "VIRTUAL_ENV"))}
    env.update(PATH=f"{fleet['bin']}:/usr/bin:/bin", SLURM_ARRAY_TASK_ID=str(task), SLURM_ARRAY_JOB_ID="4242",
               SLURM_JOB_ID=str(4243 + task), SLURM_SUBMIT_DIR=str(fleet["repo"]),
               FAKE_RECORD=str(fleet["record"]), TIPSBENCH_VENV=str(fleet["tmp"] / "no-venv"))
    env.update(extra)
    return env


def start(fleet, task: int, *args: str, cwd: Path | None = None, **extra: str) -> subprocess.Popen:
    # Slurm starts the batch script in the submit folder; a copy of it, from its spool.
    return subprocess.Popen(["bash", str(SCRIPT), *args], cwd=cwd or fleet["tmp"], env=task_env(fleet, task, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(fleet, task: int, *args: str, **extra: str) -> subprocess.CompletedProcess:
    proc = start(fleet, task, *args, **extra)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def recorded(fleet, task: int) -> dict:
    return json.loads((fleet["record"] / f"args-{task}.json").read_text())


class TestOneTask:
    def test_runs_the_full_profile_into_the_shared_folder(self, fleet):
        """One task runs `tipsbench run --profile full --results-dir FOLDER` in the checkout; the file lands there."""
        done = run(fleet, 3, str(fleet["shared"]))
        assert done.returncode == 0, done.stderr
        seen = recorded(fleet, 3)
        assert seen["args"] == ["run", "--profile", "full", "--results-dir", str(fleet["shared"].resolve())]
        assert seen["cwd"] == str(fleet["repo"].resolve())
        assert seen["results_env"] == str(fleet["shared"].resolve())  # tipsbench run lets it win: the same folder
        assert [p.name for p in fleet["shared"].iterdir()] == [f"{KEY}_20261201T030405Z.json"]
        assert "task 3 of job 4242" in done.stdout and "profile full" in done.stdout

    def test_profile_and_folder_from_the_environment(self, fleet):
        """TIPSBENCH_PROFILE picks the profile; TIPSBENCH_RESULTS is the folder when no argument is given."""
        done = run(fleet, 0, TIPSBENCH_PROFILE="quick", TIPSBENCH_RESULTS=str(fleet["shared"]))
        assert done.returncode == 0, done.stderr
        assert recorded(fleet, 0)["args"][:3] == ["run", "--profile", "quick"]
        assert len(list(fleet["shared"].iterdir())) == 1

    def test_a_relative_folder_is_taken_from_the_submit_folder(self, fleet):
        """A relative folder means the one beside where the job started, not inside the checkout."""
        done = run(fleet, 1, "shared/tipsbench-results")
        assert done.returncode == 0, done.stderr
        assert recorded(fleet, 1)["args"][-1] == str(fleet["shared"].resolve())


class TestRefusals:
    @staticmethod
    def one_line(done: subprocess.CompletedProcess) -> str:
        assert done.returncode == 2
        lines = done.stderr.splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith("tipsbench-array: ")
        return lines[0]

    def test_a_missing_folder_is_refused_in_one_line_and_not_created(self, fleet):
        """A folder that isn't there (not mounted on this node?) stops the task before anything runs."""
        missing = fleet["tmp"] / "not-mounted" / "tipsbench-results"
        line = self.one_line(run(fleet, 5, str(missing)))
        assert str(missing) in line and "no such folder" in line
        assert not missing.exists() and not list(fleet["record"].iterdir())

    def test_no_folder_at_all_says_how_to_give_one(self, fleet):
        line = self.one_line(run(fleet, 0))
        assert "sbatch --array=0-19 scripts/slurm/tipsbench-array.sbatch /shared/tipsbench-results" in line

    def test_a_folder_that_is_a_file_is_refused(self, fleet):
        a_file = fleet["tmp"] / "results.json"
        a_file.write_text("{}")
        assert "no such folder" in self.one_line(run(fleet, 0, str(a_file)))

    def test_an_unknown_profile_is_refused(self, fleet):
        line = self.one_line(run(fleet, 0, str(fleet["shared"]), TIPSBENCH_PROFILE="fast"))
        assert "TIPSBENCH_PROFILE=fast" in line and "quick or full" in line

    def test_outside_a_checkout_it_says_where_it_looked(self, fleet):
        line = self.one_line(run(fleet, 0, str(fleet["shared"]), SLURM_SUBMIT_DIR=str(fleet["tmp"])))
        assert "not a tipsbench checkout" in line and "TIPSBENCH_REPO" in line

    def test_without_tipsbench_installed_it_says_so(self, fleet):
        line = self.one_line(run(fleet, 0, str(fleet["shared"]), PATH="/usr/bin:/bin"))
        assert "tipsbench is not installed" in line


def test_two_identical_nodes_finishing_in_the_same_second_write_two_files(fleet):
    """Same machine key, same UTC second, started together: each task keeps its own file."""
    tasks = [start(fleet, task, str(fleet["shared"]), FAKE_TASKS="2") for task in (0, 1)]
    for proc in tasks:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    names = sorted(p.name for p in fleet["shared"].iterdir())
    assert names == [f"{KEY}_20261201T030405Z-1.json", f"{KEY}_20261201T030405Z.json"]
    written = sorted(json.loads(p.read_text())["task"] for p in fleet["shared"].iterdir())
    assert written == ["0", "1"]
    assert not [p for p in fleet["shared"].iterdir() if p.name.startswith(".")]  # no partial file left


def test_sbatch_directives_are_sensible_and_all_read():
    """sbatch reads #SBATCH lines only before the first command: all of them are there, and
    they ask for a whole node, a time limit, and a log per array task."""
    lines = SCRIPT.read_text().splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    first_command = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("#"))
    directives = [line.split(None, 1)[1] for line in lines if line.startswith("#SBATCH")]
    assert all(i < first_command for i, line in enumerate(lines) if line.startswith("#SBATCH"))
    options = dict(d.split("=", 1) if "=" in d else (d, "") for d in directives)
    assert "--exclusive" in options and options["--mem"] == "0"
    assert re.fullmatch(r"\d\d:\d\d:\d\d", options["--time"])
    assert int(options["--cpus-per-task"]) >= 2 and options["--nodes"] == "1"
    assert "%A" in options["--output"] and "%a" in options["--output"]  # one log per array task
