"""Cold site builds: run the claims in worker processes while the build goes on.

A site build needs every claim's outcome on the installed torch; run one after another
in the build's own process they took ~16 s of a ~38 s cold build here, most of it in a
handful of checks that start child processes. With an empty build cache, the plugin
hands the claims it doesn't have to a pool of worker processes (one per CPU, at most
four) as soon as the build starts; `claims.observe` then waits for a claim's future
instead of running the check itself.

Workers are spawned, not forked (forking a process that has imported torch is unsafe),
and run each check exactly as `tipsbench claims` does: in a plain process of their own.
If the pool breaks, `observe` runs the check in the build's process as before.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor

_PENDING: dict[str, Future] = {}
_POOL: ProcessPoolExecutor | None = None
MAX_WORKERS = 4


def _observe_here(claim_id: str):
    from tipsbench import claims

    return claims.observe(claim_id)


def start(claim_ids: Iterable[str], workers: int | None = None) -> int:
    """Submit each claim to the pool; returns how many were submitted."""
    global _POOL
    wanted = [cid for cid in claim_ids if cid not in _PENDING]
    if not wanted:
        return 0
    if _POOL is None:
        count = workers or max(1, min(MAX_WORKERS, os.cpu_count() or 1))
        _POOL = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))
    for cid in wanted:
        _PENDING[cid] = _POOL.submit(_observe_here, cid)
    return len(wanted)


def take(claim_id: str):
    """The worker's Observation of a submitted claim (waiting for it), or None when the
    claim wasn't submitted or its worker failed: then the caller runs it itself."""
    future = _PENDING.pop(claim_id, None)
    if future is None:
        return None
    try:
        return future.result()
    except Exception:  # a broken pool, a worker killed: the check runs in-process instead
        return None


def stop() -> None:
    """Drop what is still pending and let the workers go."""
    global _POOL
    for future in _PENDING.values():
        future.cancel()
    _PENDING.clear()
    if _POOL is not None:
        _POOL.shutdown(wait=False, cancel_futures=True)
        _POOL = None
