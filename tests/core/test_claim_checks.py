"""The helpers claim checks share: exceptions caught as data, child processes as JSON."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from tipsbench.claims import checks
from tipsbench.claims.checks import child_json, raised, run_child

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the zygote forks: Linux only")


def test_child_json_reads_the_last_line():
    """A child's last output line is its JSON answer; earlier lines are ignored."""
    assert child_json("print('noise'); import json, sys; print(json.dumps({'n': int(sys.argv[1])}))", "7") == {"n": 7}


def test_child_failure_names_status_and_error():
    """A failing child raises with its exit status and its last error line, not a JSON error."""
    with pytest.raises(RuntimeError, match=r"exited with 1: ZeroDivisionError"):
        child_json("1 / 0")


def test_isolated_child_ignores_pythonpath(monkeypatch, tmp_path):
    """-I mode: a module reachable only through PYTHONPATH is not importable in the child."""
    (tmp_path / "only_here.py").write_text("X = 1\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    assert run_child("import only_here").returncode == 0
    assert run_child("import only_here", isolated=True).returncode != 0


def test_raised_reports_kind_and_message():
    """The exception's type and message come back as strings, the call's success as empties."""
    assert raised(lambda: {}["k"]) == ("KeyError", "'k'")
    assert raised(lambda: None) == ("", "")


# --- the zygote: a child forked from an interpreter that imported torch and numpy -------------

@linux
def test_a_zygote_child_is_python_dash_c(tmp_path):
    """argv, directory, __main__, output streams and exit status as `python -c` gives them."""
    done = run_child("import os, sys; print(sys.argv, __name__, os.getcwd()); print('e', file=sys.stderr); sys.exit(3)",
                     "a", "b", cwd=tmp_path)
    assert checks._Zygote.process is not None, "the zygote did not start"
    assert (done.returncode, done.stdout, done.stderr) == (3, f"['-c', 'a', 'b'] __main__ {tmp_path}\n", "e\n")
    assert run_child("raise SystemExit('bye')").returncode == 1
    assert run_child("1 / 0").stderr.strip().endswith("ZeroDivisionError: division by zero")


@linux
def test_a_zygote_child_starts_fresh():
    """Each child is a fork of an interpreter that ran nothing: no warning said, no module
    of ours, an empty __main__ (what a previous child did is gone with it)."""
    code = ("import sys, warnings\n"
            "with warnings.catch_warnings(record=True) as seen:\n"
            "    warnings.simplefilter('default')\n"
            "    warnings.warn('once per process')\n"
            "print(len(seen), 'tipsbench' in sys.modules, 'leftover' in globals())\n"
            "leftover = 1\n")
    assert run_child(code).stdout == run_child(code).stdout == "1 False False\n"
    assert run_child("import sys; print('torch' in sys.modules)").stdout == "True\n"  # the zygote's one import


@linux
def test_a_crash_kills_the_child_only():
    """An abort comes back as the signal's exit status; the next child still runs."""
    assert run_child("import os; os.abort()").returncode == -signal.SIGABRT
    assert run_child("print('next')").stdout == "next\n"


@linux
def test_a_child_has_the_callers_environment(monkeypatch):
    """A caller that changed its environment since the zygote started gets a zygote with the
    new one; one that passes another environment gets a new interpreter with it."""
    run_child("pass")  # the zygote is up
    monkeypatch.setenv("TIPSBENCH_ZYGOTE_TEST", "seen")
    code = "import os, sys; print(os.environ.get('TIPSBENCH_ZYGOTE_TEST'), 'torch' in sys.modules)"
    assert run_child(code).stdout == "seen True\n"
    env = {"PATH": "/usr/bin", "TIPSBENCH_ZYGOTE_TEST": "passed"}
    assert run_child("import os; print(os.environ['TIPSBENCH_ZYGOTE_TEST'])", env=env).stdout == "passed\n"


@linux
def test_a_timeout_is_a_timeout(monkeypatch):
    monkeypatch.setattr(checks, "CHILD_TIMEOUT_S", 1)
    with pytest.raises(subprocess.TimeoutExpired):
        run_child("import time; time.sleep(30)")
