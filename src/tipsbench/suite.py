"""Glue between pytest and the suites: which profile this session runs, the machine
facts the grids are built from (collected once per session), and whether the session
was interrupted (so a results file written at its end says it is partial)."""

from __future__ import annotations

import functools

import pytest

from tipsbench import machine
from tipsbench.profiles import FULL, QUICK, TIMING_BUDGET_S, ProfileError, profile_from_env

PROFILE_KEY = pytest.StashKey[str]()
PROGRESS_KEY = pytest.StashKey[dict]()


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
    """Seconds of timed rounds per benchmark (profiles.TIMING_BUDGET_S)."""
    return TIMING_BUDGET_S[FULL if is_full(config) else QUICK]


# -- progress: how much of the selection ran, and whether the session was interrupted ---


def selected(session: pytest.Session) -> None:
    """Called once collection is final (after -k/-m): the number of tests this run will try."""
    session.config.stash[PROGRESS_KEY] = {"selected": len(session.items), "finished": 0, "interrupted": False}


def finished(config: pytest.Config) -> None:
    """Called after each test's whole protocol (setup, call, teardown) has run."""
    progress = config.stash.get(PROGRESS_KEY, None)
    if progress is not None:
        progress["finished"] += 1


def ended(config: pytest.Config, exitstatus: int) -> None:
    """Called as the session ends, before pytest-benchmark writes its JSON.

    Ctrl-C (or SIGTERM under ``tipsbench run``, or ``pytest.exit``) ends the session with
    ``ExitCode.INTERRUPTED``; pytest still runs the session-finish hooks, so
    pytest-benchmark still writes what finished, and interruption() marks it partial.
    """
    progress = config.stash.get(PROGRESS_KEY, None)
    if progress is not None:
        progress["interrupted"] = exitstatus == pytest.ExitCode.INTERRUPTED


def interruption(config: pytest.Config) -> dict:
    """The machine_info.tipsbench keys of an interrupted run ({} for a run that ended)."""
    progress = config.stash.get(PROGRESS_KEY, None)
    if not progress or not progress["interrupted"]:
        return {}
    return {"interrupted": True, "tests_selected": progress["selected"], "tests_finished": progress["finished"]}
