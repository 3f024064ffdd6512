"""Building blocks the claim checks share: what a call raised, and a fresh Python
process for checks that must not run in ours (they crash it, warn once per process,
or need a module to be absent)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping

# A child imports torch (a few seconds on a busy machine) and does a little work.
CHILD_TIMEOUT_S = 120


def raised(fn: Callable[[], object]) -> tuple[str, str]:
    """(exception type name, message) of what fn raises, or ("", "") when it doesn't."""
    try:
        fn()
    except Exception as exc:  # the type is part of what a claim checks
        return type(exc).__name__, str(exc).strip()
    return "", ""


def run_child(code: str, *args: str, env: Mapping[str, str] | None = None, isolated: bool = False,
              cwd: str | os.PathLike | None = None) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter; `isolated` (-I) ignores PYTHONPATH and the cwd."""
    command = [sys.executable, *(["-I"] if isolated else []), "-c", code, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S,
                          env=None if env is None else dict(env), cwd=cwd, check=False)


def child_json(code: str, *args: str, **options) -> dict:
    """Run `code` in a child whose last line of output is JSON, and return it.

    Raises RuntimeError with the child's exit status and last error line when it fails.
    """
    done = run_child(code, *args, **options)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"child process exited with {done.returncode}: {tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])
