"""What `tipsbench run` prints while the suite runs: progress lines, then one summary."""

from __future__ import annotations

import io
from types import SimpleNamespace

from tipsbench import progress


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _report(nodeid, when="call", outcome="passed", longrepr=None, duration=1.0):
    return SimpleNamespace(nodeid=nodeid, when=when, duration=duration, longrepr=longrepr,
                           passed=outcome == "passed", skipped=outcome == "skipped", failed=outcome == "failed")


def _run(cases, clock, stream):
    p = progress.Progress(stream, fancy=False, clock=clock)
    p.pytest_collection_finish(SimpleNamespace(items=cases))
    for nodeid, outcome, longrepr in cases:
        p.pytest_runtest_logstart(nodeid, None)
        clock.now += 3
        p.pytest_runtest_logreport(_report(nodeid, "call" if outcome != "skipped" else "setup", outcome, longrepr))
        p.pytest_runtest_logfinish(nodeid, None)
    p.pytest_sessionfinish(None, 0)
    return stream.getvalue()


def test_plain_lines_at_most_every_few_seconds_with_an_estimate():
    clock, stream = FakeClock(), io.StringIO()
    cases = [(f"benchmarks/test_numpy_tensor.py::test_x[{i}]", "passed", None) for i in range(10)]
    out = _run(cases, clock, stream)
    lines = [line for line in out.splitlines() if line.startswith("tipsbench: [")]
    # 3 s per case, a line every 10 s or more, and the last one: 1, 5, 9, 10
    assert len(lines) == 4
    assert lines[0] == "tipsbench: [ 1/10  10%] numpy_tensor · 3 s elapsed, ~27 s left"
    assert lines[-1].startswith("tipsbench: [10/10 100%]")


def test_summary_groups_by_family_with_skip_reasons_and_failures():
    clock, stream = FakeClock(), io.StringIO()
    cases = [
        ("benchmarks/test_save_load.py::test_save_load[a]", "passed", None),
        ("benchmarks/test_transfer.py::test_h2d[b]", "skipped", ("f", 1, "Skipped: no CUDA/MPS device was found")),
        ("benchmarks/test_transfer.py::test_h2d[c]", "skipped", ("f", 1, "Skipped: d2h_pinned: no CUDA/MPS device was found")),
        ("benchmarks/test_save_load.py::test_save_load[d]", "failed", "Traceback…\nE   RuntimeError: disk full"),
    ]
    out = _run(cases, clock, stream)
    assert "tipsbench: 4 of 4 benchmarks ran in 12 s" in out
    assert "save_load  1 passed, 1 FAILED" in out and "transfer   0 passed, 2 skipped" in out
    assert "skipped ×2: no CUDA/MPS device was found" in out
    assert "benchmarks/test_save_load.py::test_save_load[d] (call): E   RuntimeError: disk full" in out


def test_family_and_duration_words():
    assert progress.family_of("benchmarks/test_save_load.py::test_save_load[mlp-1MiB]") == "save_load"
    assert progress.duration(59) == "59 s" and progress.duration(61) == "1 min 01 s"
    assert progress.duration(3 * 3600 + 120) == "3 h 02 min"
