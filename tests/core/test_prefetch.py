"""Cold builds run claims in worker processes: same outcomes, and a broken pool falls
back to running the check in-process."""

from __future__ import annotations

from concurrent.futures import Future

from tipsbench import claims
from tipsbench.claims import prefetch

CLAIM = "memory.element_sizes"


def test_a_worker_observes_what_the_process_would():
    claims._OBSERVED.pop(CLAIM, None)
    try:
        assert prefetch.start([CLAIM], workers=1) == 1
        from_worker = claims.observe(CLAIM)
        claims._OBSERVED.pop(CLAIM, None)
        here = claims.observe(CLAIM)
        assert from_worker == here and from_worker.status == claims.HOLDS
    finally:
        prefetch.stop()
        claims._OBSERVED.pop(CLAIM, None)


def test_a_failed_worker_means_the_check_runs_here(monkeypatch):
    broken: Future = Future()
    broken.set_exception(RuntimeError("worker died"))
    monkeypatch.setitem(prefetch._PENDING, CLAIM, broken)
    claims._OBSERVED.pop(CLAIM, None)
    try:
        assert claims.observe(CLAIM).status == claims.HOLDS
        assert CLAIM not in prefetch._PENDING
    finally:
        claims._OBSERVED.pop(CLAIM, None)
