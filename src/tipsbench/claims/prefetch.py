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
process that has run torch — a check's threads — is unsafe.) If a worker dies or says something unreadable,
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
# A worker's first argument when it lists the claims itself: `--all INDEX COUNT`.
ALL = "--all"


class _Worker:
    """One worker process: the claims it was given, or its share of every claim (`shard`:
    (index, count), the ids sorted and dealt out in turn), which it lists itself."""

    def __init__(self, claim_ids: list[str] | None, shard: tuple[int, int] = (0, 1)):
        self._ids = None if claim_ids is None else set(claim_ids)
        self.shard = shard
        self.done: dict[str, dict] = {}
        self.listed: dict | None = None
        self.lists = claim_ids is None and shard[0] == 0  # it lists every claim first
        args = claim_ids if claim_ids is not None else [ALL, *map(str, shard)]
        # Its stderr goes nowhere: a check's warnings aren't the build's; a worker that
        # fails only means the build runs those checks itself.
        self.process = subprocess.Popen([sys.executable, "-m", __name__, *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, encoding="utf-8")

    @property
    def ids(self) -> set[str]:
        """The claims handed to it and not yet taken."""
        if self._ids is None:
            self._ids = set(share(self.shard))
        return self._ids

    def result(self, claim_id: str) -> object:
        """Read the worker's lines until this claim's (or the end)."""
        while claim_id not in self.done:
            if not self._read():
                return None
        return self.done.pop(claim_id)

    def listing(self) -> dict | None:
        """The claims it listed (a worker of every claim says so first), or None."""
        while self.listed is None and self._read():
            pass
        return self.listed

    def _read(self) -> bool:
        """One line of the worker's: a claim's outcome, or its list of every claim. False at
        the end of its output or on a line it can't have written."""
        line = self.process.stdout.readline() if self.process.stdout else ""
        try:
            found = json.loads(line)
            if "listed" in found:
                self.listed = dict(found["listed"])
            else:
                self.done[str(found["id"])] = found["observation"]
        except (ValueError, KeyError, TypeError, AttributeError):
            return False
        return True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


_WORKERS: list[_Worker] = []


def share(shard: tuple[int, int]) -> list[str]:
    """A worker's share of every claim: the ids sorted (the order the pages, named like
    the families, ask for them), every count-th from index."""
    from tipsbench import claims

    index, count = shard
    return sorted(claims.all_claims())[index::count]


def _count(wanted: int, workers: int | None) -> int:
    # One CPU stays the build's own: on two, one worker runs every claim while the build
    # renders the pages.
    return min(wanted, workers or max(1, min(MAX_WORKERS, (os.cpu_count() or 1) - 1)))


_LISTED: list[dict] = []  # the claims as the first worker of every claim listed them, once read


def listed() -> dict | None:
    """{claim id: Claim} as a worker of every claim (start_all) listed them, without their
    checks (those run in the workers), or None when no such worker runs or it failed."""
    from tipsbench.claims import Claim

    if not _LISTED:
        worker = next((w for w in _WORKERS if w.lists), None)
        found = worker.listing() if worker is not None else None
        if found is None:
            return None
        try:
            _LISTED.append({cid: Claim.listed(cid, data) for cid, data in found.items()})
        except (KeyError, TypeError, AttributeError):
            return None
    return dict(_LISTED[0])


def start(claim_ids: Iterable[str], workers: int | None = None) -> int:
    """Share the claims out among new workers; returns how many were handed out."""
    pending = {cid for worker in _WORKERS for cid in worker.ids}
    wanted = [cid for cid in claim_ids if cid not in pending]
    if not wanted:
        return 0
    count = _count(len(wanted), workers)
    started = 0
    for index in range(count):
        try:
            _WORKERS.append(_Worker(wanted[index::count]))
        except OSError:  # no interpreter to start: the build runs the checks itself
            continue
        started += len(wanted[index::count])
    return started


def start_all(workers: int | None = None) -> None:
    """Hand every claim out, before this process has listed them: a cold build starts its
    workers at once, and the first one lists the claims for the build (listed())."""
    if _WORKERS:
        return
    count = workers or _count(MAX_WORKERS, None)
    for index in range(count):
        try:
            _WORKERS.append(_Worker(None, (index, count)))
        except OSError:
            continue


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
    """Stop every worker (what they hadn't done, nobody needed); their list of the claims
    served this build only."""
    while _WORKERS:
        _WORKERS.pop().stop()
    _LISTED.clear()


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

    if claim_ids[:1] == [ALL]:
        shard = (int(claim_ids[1]), int(claim_ids[2]))
        if shard[0] == 0:  # the build's own process reads what the claims say from here, not from an import
            out.write(json.dumps({"listed": {cid: c.to_json() for cid, c in sorted(claims.all_claims().items())}}) + "\n")
            out.flush()
        claim_ids = share(shard)
    for claim_id in claim_ids:
        out.write(json.dumps({"id": claim_id, "observation": claims.observe(claim_id).to_json()}) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
