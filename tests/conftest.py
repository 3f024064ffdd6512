"""Shared fixtures: the golden results files in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def golden_run():
    from tipsbench.results import load_run

    return load_run(DATA / "numpy_run.json")
