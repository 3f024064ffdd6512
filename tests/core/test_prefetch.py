"""Cold builds run claims in worker processes: the same outcomes, and a failed worker
means the check runs in the build's process instead."""

from __future__ import annotations

import pytest

from tipsbench import claims
from tipsbench.claims import prefetch

CLAIMS = ["memory.element_sizes", "memory.tensor_nbytes_is_the_view"]


def test_workers_observe_what_the_process_would():
    for cid in CLAIMS:
        claims._OBSERVED.pop(cid, None)
    try:
        assert prefetch.start(CLAIMS, workers=2) == 2
        from_workers = [claims.observe(cid) for cid in CLAIMS]
        for cid in CLAIMS:
            claims._OBSERVED.pop(cid, None)
        assert from_workers == [claims.observe(cid) for cid in CLAIMS]
        assert {o.status for o in from_workers} == {claims.HOLDS}
    finally:
        prefetch.stop()


def test_a_failed_worker_means_the_check_runs_here(monkeypatch):
    claims._OBSERVED.pop(CLAIMS[0], None)
    monkeypatch.setattr(prefetch.sys, "executable", "/nonexistent/python")
    try:
        assert prefetch.start(CLAIMS[:1], workers=1) == 0  # the worker can't even start
        assert claims.observe(CLAIMS[0]).status == claims.HOLDS
    finally:
        prefetch.stop()


def test_a_worker_dying_midway_is_a_fallback(monkeypatch):
    claims._OBSERVED.pop(CLAIMS[0], None)
    worker = prefetch._Worker.__new__(prefetch._Worker)
    worker._ids, worker.done = {CLAIMS[0]}, {}
    worker.result = lambda claim_id: None  # its output ended before this claim
    worker.stop = lambda: None
    monkeypatch.setattr(prefetch, "_WORKERS", [worker])
    assert prefetch.take(CLAIMS[0]) is None
    assert claims.observe(CLAIMS[0]).status == claims.HOLDS


def test_workers_that_list_the_claims_themselves_share_them_all():
    """A cold build's workers (start_all) split every claim between them, each once, and
    answer for the ones they were dealt."""
    wanted = sorted(claims.all_claims())
    try:
        prefetch.start_all(workers=2)
        assert len(prefetch._WORKERS) == 2
        shares = [worker.ids for worker in prefetch._WORKERS]
        assert shares[0] | shares[1] == set(wanted) and not shares[0] & shares[1]
        for cid in CLAIMS:
            claims._OBSERVED.pop(cid, None)
            assert prefetch.take(cid) == claims._check(cid)
    finally:
        prefetch.stop()


def test_the_workers_list_what_the_claims_say():
    """A cold build's process shows the claims as the workers listed them: the same
    words, needs and scope as the registry's, with checks that only run in a worker."""
    try:
        prefetch.start_all(workers=1)
        listed = prefetch.listed()
        assert listed is not None
        real = claims._imported()
        assert listed == real  # Claim equality leaves the check out
        with pytest.raises(RuntimeError, match="checks? runs there"):
            listed[CLAIMS[0]].check()
        assert claims.all_claims() == real
    finally:
        prefetch.stop()
    assert prefetch.listed() is None  # the list served that build only
