"""Hooks shared by every suite: profile selection and what goes into machine_info."""

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


def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict) -> None:
    info = machine.collect(torch, np)
    info["format"] = FORMAT
    info["profile"] = suite.profile(config)
    info["ceilings"] = ceilings.recorded(config)
    machine_info["tipsbench"] = info


@pytest.fixture(scope="session")
def memcpy_ceiling(request: pytest.FixtureRequest) -> float | None:
    """This machine's warm DRAM copy bandwidth (bytes/s), measured once per timed run."""
    config = request.config
    if config.option.benchmark_disable:
        return None
    nbytes = ceilings.memcpy_buffer_bytes(machine.last_level_cache(suite.caches()))
    measured = ceilings.measure_memcpy(nbytes)
    ceilings.record(config, ceilings.MEMCPY, measured.pop("median"), **measured)
    return ceilings.recorded(config)[ceilings.MEMCPY]
