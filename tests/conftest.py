"""Shared fixtures: the golden results files in tests/data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def golden_run():
    from tipsbench.results import load_run

    return load_run(DATA / "numpy_run.json")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site built once per test session, from the shipped results (~15 s)."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return out
