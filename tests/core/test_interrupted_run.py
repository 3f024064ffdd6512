"""Nothing lost, part two: an interrupted `tipsbench run` keeps what finished in a valid
file marked partial, and no run (whole, interrupted or skipping) leaves temporary files."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tipsbench import cli, results, suite

ROOT = Path(__file__).resolve().parents[2]

FAKE_SUITE = '''
import os
import signal

import pytest


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_fake(benchmark, n):
    benchmark.group = "fake"
    benchmark.extra_info.update(tip="fake", variant=f"v{n}", bytes=80)
    if n == 3:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, in the middle of the third
    benchmark(sum, range(10))
'''

# Loaded with -p: interrupts the Nth test, or makes RAM and disk look nearly full.
HELPER_PLUGIN = '''
import os
import signal

import pytest

_started = 0


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    global _started
    _started += 1
    if str(_started) == os.environ.get("INTERRUPT_AT"):
        os.kill(os.getpid(), signal.SIGINT)


def pytest_configure(config):
    if os.environ.get("LOW_ROOM"):
        from tipsbench import filecache, memory

        memory.available_ram = lambda: 0
        filecache.free_disk_bytes = lambda directory: 1 << 30
'''


def fresh_env(tmp_path: Path, **extra: str) -> tuple[dict[str, str], Path]:
    """The environment for a child run, with its own empty TMPDIR to check afterwards."""
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "TIPSBENCH_PROFILE": "quick", **extra}
    env.pop("TIPSBENCH_RESULTS", None)
    return env, tmpdir


def default_sigint() -> None:
    """For the child: Ctrl-C as a terminal delivers it. A test run started in the background
    (as CI may start it) inherits SIGINT *ignored*, and the child's own SIGINT would vanish."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def leftovers(tmpdir: Path) -> list[str]:
    return sorted(str(p.relative_to(tmpdir)) for p in tmpdir.rglob("*"))


@pytest.mark.slow
class TestCtrlC:
    def test_interrupted_run_keeps_what_finished(self, tmp_path):
        """Ctrl-C in the third of four benchmarks: the first two are saved in a valid file
        marked interrupted, the exit status says so, and no temporary file stays."""
        fake = tmp_path / "suite"
        fake.mkdir()
        shutil.copy(ROOT / "benchmarks" / "conftest.py", fake / "conftest.py")
        (fake / "test_fake.py").write_text(FAKE_SUITE)
        out = tmp_path / "results"
        env, tmpdir = fresh_env(tmp_path)
        cmd = [sys.executable, "-m", "tipsbench.cli", "run", "--benchmarks", str(fake), "--results-dir", str(out),
               "--", "-q", "--benchmark-max-time=0.005", "--benchmark-min-rounds=3"]
        done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                              preexec_fn=default_sigint)
        said = done.stdout[-3000:] + done.stderr[-3000:]

        assert done.returncode == pytest.ExitCode.INTERRUPTED, said
        files = list(out.iterdir())
        assert len(files) == 1 and files[0].name.endswith("Z.json"), said
        run = results.load_run(files[0])
        assert [r.name for r in run.records] == ["test_fake[1]", "test_fake[2]"]
        ours = json.loads(files[0].read_text())["machine_info"]["tipsbench"]
        assert ours["interrupted"] is True
        assert (ours["tests_selected"], ours["tests_finished"]) == (4, 2)
        assert ours["format"] and ours["key"] in files[0].name  # the rest of machine_info is there
        assert "interrupted after 2 of 4 tests; kept the 2 benchmarks that finished: fake ×2" in done.stdout
        assert f"saved that partial run (machine_info.tipsbench.interrupted) to {files[0]}" in done.stdout
        assert leftovers(tmpdir) == []


class TestInterruptedRunSaving:
    """run_suite around what pytest leaves, without starting pytest (fast)."""

    @pytest.fixture
    def suite_args(self, tmp_path, monkeypatch):
        monkeypatch.delenv("TIPSBENCH_RESULTS", raising=False)
        monkeypatch.setenv("TMPDIR", str(tmp_path / "tmpdir"))
        (tmp_path / "tmpdir").mkdir()
        monkeypatch.setattr("tempfile.tempdir", None)  # re-read TMPDIR
        (tmp_path / "suite").mkdir()
        (tmp_path / "suite" / "conftest.py").write_text("")
        return argparse.Namespace(benchmarks=str(tmp_path / "suite"), results_dir=str(tmp_path / "out"),
                                  profile="quick", pytest_args=[])

    @staticmethod
    def fake_pytest(monkeypatch, write: str | None, then: object) -> None:
        """pytest.main that writes `write` to --benchmark-json, then returns or raises `then`."""
        def main(args, plugins=()):
            if write is not None:
                Path(args[args.index("--benchmark-json") + 1]).write_text(write)
            if isinstance(then, BaseException):
                raise then
            return then

        monkeypatch.setattr(pytest, "main", main)

    def test_old_suite_interrupted_still_marked(self, golden_run, data_dir, tmp_path, suite_args, monkeypatch, capsys):
        """An interrupted session whose JSON lacks the mark (a suite without the progress
        hooks) is still saved marked interrupted, with a non-zero status."""
        self.fake_pytest(monkeypatch, (data_dir / "numpy_run.json").read_text(), pytest.ExitCode.INTERRUPTED)
        assert cli.run_suite(suite_args) == 2
        (saved,) = (tmp_path / "out").iterdir()
        assert json.loads(saved.read_text())["machine_info"]["tipsbench"]["interrupted"] is True
        assert len(results.load_run(saved).records) == len(golden_run.records)
        assert "interrupted; kept the" in capsys.readouterr().out
        assert leftovers(tmp_path / "tmpdir") == []

    @pytest.mark.parametrize("written", [None, '{"machine_info": {"tipsbench": {"form'],
                             ids=["nothing", "truncated"])
    def test_second_ctrl_c_before_json_written_saves_nothing(self, tmp_path, suite_args, monkeypatch, capsys, written):
        """Ctrl-C again while pytest-benchmark writes: one line, no file, no temporary folder."""
        self.fake_pytest(monkeypatch, written, KeyboardInterrupt())
        assert cli.run_suite(suite_args) == 2
        assert capsys.readouterr().err == "tipsbench: interrupted before any benchmark finished; nothing saved\n"
        assert not (tmp_path / "out").exists() or leftovers(tmp_path / "out") == []
        assert leftovers(tmp_path / "tmpdir") == []

    def test_sigterm_is_handled_like_ctrl_c(self):
        """SIGTERM during the run raises KeyboardInterrupt (pytest then ends the session and
        writes what finished) and is named; the old handler is back afterwards."""
        before = signal.getsignal(signal.SIGTERM)
        stopped_by: list[str] = []
        with pytest.raises(KeyboardInterrupt), cli._signals_interrupt(stopped_by, signal.SIGTERM):
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):  # the handler runs between bytecodes
                pass
        assert stopped_by == ["SIGTERM"]
        assert signal.getsignal(signal.SIGTERM) == before


class TestProgress:
    def test_only_an_interrupted_session_is_marked(self):
        """ExitCode.INTERRUPTED marks the run with how far it got; other endings add nothing."""
        config = type("C", (), {"stash": pytest.Stash()})()
        session = type("S", (), {"config": config, "items": [1, 2, 3]})()
        suite.selected(session)
        suite.finished(config)
        suite.ended(config, pytest.ExitCode.TESTS_FAILED)
        assert suite.interruption(config) == {}
        suite.ended(config, pytest.ExitCode.INTERRUPTED)
        assert suite.interruption(config) == {"interrupted": True, "tests_selected": 3, "tests_finished": 1}


@pytest.mark.slow
class TestTemporaryFiles:
    """The suites that write files leave nothing in TMPDIR, whether the run ends or is interrupted."""

    SELECTION = ["benchmarks/test_numpy_tensor.py", "benchmarks/test_save_load.py", "benchmarks/test_tensorboard.py",
                 "-k", "(from_numpy and float32 and 1KiB and not clone) or (mlp and 1MiB and save_full) or add_scalar"]

    def run_suites(self, tmp_path: Path, *extra: str, **env_extra: str) -> tuple[subprocess.CompletedProcess, Path]:
        tmp_path.mkdir(exist_ok=True)
        (tmp_path / "helper_plugin.py").write_text(textwrap.dedent(HELPER_PLUGIN))
        env, tmpdir = fresh_env(tmp_path, PYTHONPATH=str(tmp_path), **env_extra)
        cmd = [sys.executable, "-m", "pytest", *self.SELECTION, "-p", "helper_plugin", "-p", "no:cacheprovider",
               "--benchmark-disable", "-q", "-rs", *extra]
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                              preexec_fn=default_sigint)
        return done, tmpdir

    def test_plain_and_interrupted_runs_leave_nothing(self, tmp_path):
        """A whole smoke run, then one interrupted in its second test: TMPDIR is empty after each."""
        done, tmpdir = self.run_suites(tmp_path / "plain")
        assert done.returncode == 0 and "5 passed" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]
        assert leftovers(tmpdir) == []

        done, tmpdir = self.run_suites(tmp_path / "stopped", INTERRUPT_AT="2")
        assert done.returncode == pytest.ExitCode.INTERRUPTED, done.stdout[-3000:] + done.stderr[-2000:]
        assert "KeyboardInterrupt" in done.stdout and "1 passed" in done.stdout
        assert leftovers(tmpdir) == []

    def test_low_ram_and_disk_skip_with_the_numbers(self, tmp_path):
        """With RAM and disk made to look nearly full, each benchmark that needs them skips
        with a reason naming the sizes, and still leaves nothing behind."""
        done, tmpdir = self.run_suites(tmp_path, LOW_ROOM="1")
        out = done.stdout
        assert done.returncode == 0 and "5 skipped" in out, out[-3000:] + done.stderr[-2000:]
        assert out.count("of RAM is available with 50% headroom") == 4  # numpy and save_load
        assert "mlp-1MiB-save_full-fsync: needs 4 MiB (4 × 1 MiB) but only 0 MiB of RAM" in out
        assert "tensorboard: needs 64 MiB of disk plus 1024 MiB headroom" in out
        assert leftovers(tmpdir) == []
