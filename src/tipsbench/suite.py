"""Glue between pytest and the suites: which profile this session runs, and the
machine facts the grids are built from (collected once per session)."""

from __future__ import annotations

import functools

import pytest

from tipsbench import machine
from tipsbench.profiles import FULL, QUICK, ProfileError, profile_from_env

PROFILE_KEY = pytest.StashKey[str]()


def configure(config: pytest.Config) -> None:
    """Decide timed vs smoke run, and the profile, before pytest-benchmark starts.

    Plain ``pytest`` (no paths: pytest uses the configured testpaths) is the test
    command: it runs each quick-profile benchmark once, untimed. Anything naming
    paths, e.g. ``pytest benchmarks --benchmark-json out.json``, times for real.
    Decided here rather than with --benchmark-disable in addopts, which would also
    disable the timed command.
    """
    smoke = config.args_source == pytest.Config.ArgsSource.TESTPATHS
    if smoke:
        config.option.benchmark_disable = True
    try:
        config.stash[PROFILE_KEY] = QUICK if smoke else profile_from_env()
    except ProfileError as exc:
        raise pytest.UsageError(str(exc)) from None


def profile(config: pytest.Config) -> str:
    return config.stash.get(PROFILE_KEY, QUICK)


def is_full(config: pytest.Config) -> bool:
    return profile(config) == FULL


@functools.cache
def caches() -> dict[str, int]:
    return machine.cache_sizes()


def timing_budget_s(config: pytest.Config) -> float:
    """Seconds of timed rounds per benchmark: what keeps each profile in its time box."""
    return 0.35 if is_full(config) else 0.08
