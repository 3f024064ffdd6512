"""Benchmark profiles: the quick grid (smoke runs, CI, a first look) and the full grid."""

from __future__ import annotations

import os

PROFILE_ENV = "TIPSBENCH_PROFILE"
QUICK = "quick"
FULL = "full"
PROFILES = (QUICK, FULL)
# Seconds of timed rounds per benchmark: what keeps each profile in its time box (the
# pytest suites and the all-reduce runner alike).
TIMING_BUDGET_S = {QUICK: 0.08, FULL: 0.35}
# Seconds each paired comparison of a rule may take before it stops undecided
# (tipsbench.pairing: most decide at their first look, long before). `tipsbench check`
# uses the quick one unless told otherwise (--budget).
PAIRED_BUDGET_S = {QUICK: 3.0, FULL: 10.0}


class ProfileError(ValueError):
    """An unknown profile name."""


def profile_from_env() -> str:
    """The profile TIPSBENCH_PROFILE selects; the full grid when it is unset."""
    name = os.environ.get(PROFILE_ENV, FULL).strip().lower() or FULL
    if name not in PROFILES:
        raise ProfileError(f"{PROFILE_ENV}={name!r} is not a profile; expected one of {', '.join(PROFILES)}")
    return name
