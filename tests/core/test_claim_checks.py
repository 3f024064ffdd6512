"""The helpers claim checks share: exceptions caught as data, child processes as JSON."""

from __future__ import annotations

import pytest

from tipsbench.claims.checks import child_json, raised, run_child


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
