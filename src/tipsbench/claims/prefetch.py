"""Cold site builds: run the claims in worker processes while the build goes on.

A site build needs every claim's outcome on the installed torch; run one after another
in the build's own process they took ~14 s here, most of it in a handful of checks that
start child processes (each child forks from the worker's zygote: claims/checks.py). With
an empty build cache, the plugin hands the claims it doesn't have to worker processes
(one per CPU but one, at most four: the build keeps a CPU for itself) as soon as the build
starts; `claims.observe` then waits for a claim's worker instead of running the check
itself.

A worker is `python -m tipsbench.claims.prefetch ID...`: a plain process of its own that
runs each check exactly as `tipsbench claims` does and writes one JSON line per claim.
(Not multiprocessing: its "spawn" re-imports the caller's main script, and a fork of a
process that imported torch is unsafe.) If a worker dies or says something unreadable,
`observe` runs the check in the build's process as before.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
from collections.abc import Iterable

MAX_WORKERS = 4


class _Worker:
    def __init__(self, claim_ids: list[str]):
        self.ids = set(claim_ids)
        self.done: dict[str, dict] = {}
        # Its stderr goes nowhere: a check's warnings aren't the build's; a worker that
        # fails only means the build runs those checks itself.
        self.process = subprocess.Popen([sys.executable, "-m", __name__, *claim_ids], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, encoding="utf-8")

    def result(self, claim_id: str) -> object:
        """Read the worker's lines until this claim's (or the end)."""
        while claim_id not in self.done:
            line = self.process.stdout.readline() if self.process.stdout else ""
            if not line:
                return None
            try:
                found = json.loads(line)
                self.done[str(found["id"])] = found["observation"]
            except (ValueError, KeyError, TypeError):
                return None
        return self.done.pop(claim_id)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


_WORKERS: list[_Worker] = []


def start(claim_ids: Iterable[str], workers: int | None = None) -> int:
    """Share the claims out among new workers; returns how many were handed out."""
    pending = {cid for worker in _WORKERS for cid in worker.ids}
    wanted = [cid for cid in claim_ids if cid not in pending]
    if not wanted:
        return 0
    # One CPU stays the build's own: on two, one worker runs every claim while the build
    # renders the pages.
    count = min(len(wanted), workers or max(1, min(MAX_WORKERS, (os.cpu_count() or 1) - 1)))
    started = 0
    for index in range(count):
        try:
            _WORKERS.append(_Worker(wanted[index::count]))
        except OSError:  # no interpreter to start: the build runs the checks itself
            continue
        started += len(wanted[index::count])
    return started


def take(claim_id: str):
    """The worker's Observation of a claim handed out (waiting for it), or None when it
    wasn't handed out or its worker failed: then the caller runs the check itself."""
    from tipsbench.claims import Observation

    for worker in _WORKERS:
        if claim_id in worker.ids:
            worker.ids.discard(claim_id)
            return Observation.from_json(worker.result(claim_id))
    return None


def stop() -> None:
    """Stop every worker (what they hadn't done, nobody needed)."""
    while _WORKERS:
        _WORKERS.pop().stop()


atexit.register(stop)  # a build that stops early leaves no worker running


def main(claim_ids: list[str]) -> int:
    """The worker: observe each claim, one JSON line each on the original stdout. Anything
    a check prints goes to stderr instead, so it can't be mistaken for a result."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    from tipsbench.claims import checks

    checks.start_zygote()  # its `import torch` overlaps ours
    from tipsbench import claims

    for claim_id in claim_ids:
        out.write(json.dumps({"id": claim_id, "observation": claims.observe(claim_id).to_json()}) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
