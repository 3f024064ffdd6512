"""Hooks shared by every suite: profile selection, what goes into machine_info, and
the progress that marks an interrupted run's results file as partial."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tipsbench import ceilings, machine, suite
from tipsbench.results import FORMAT


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    suite.configure(config)


def pytest_report_header(config: pytest.Config) -> str:
    timed = "untimed smoke run" if config.option.benchmark_disable else "timed"
    return f"tipsbench: profile {suite.profile(config)}, {timed}, torch {torch.__version__}"


def pytest_collection_finish(session: pytest.Session) -> None:
    suite.selected(session)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    result = yield  # raises on Ctrl-C: an interrupted test is not counted as finished
    suite.finished(item.config)
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int):
    # Outside pytest-benchmark's own wrapper, which writes the JSON: record first.
    suite.ended(session.config, exitstatus)
    return (yield)


def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict) -> None:
    info = machine.collect(torch, np)
    info["format"] = FORMAT
    info["profile"] = suite.profile(config)
    info["ceilings"] = ceilings.recorded(config)
    info.update(suite.interruption(config))
    machine_info["tipsbench"] = info


@pytest.fixture(scope="session")
def memcpy_ceiling(request: pytest.FixtureRequest):
    """This machine's warm DRAM copy bandwidth (bytes/s), measured in the timed run.

    Measured when the first suite that needs it starts and again when the session
    ends; the faster phase is recorded (see ceilings.best_phase).
    """
    config = request.config
    if config.option.benchmark_disable:
        yield None
        return
    nbytes = ceilings.memcpy_buffer_bytes(machine.last_level_cache(suite.caches()))
    phases = [ceilings.measure_memcpy(nbytes)]
    ceilings.record(config, ceilings.MEMCPY, phases[0]["median"])
    yield phases[0]["median"]
    phases.append(ceilings.measure_memcpy(nbytes))
    best = ceilings.best_phase(phases)
    ceilings.record(config, ceilings.MEMCPY, best.pop("median"), **best)
