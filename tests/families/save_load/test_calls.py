"""Every method of the save & load catalog has the call the suite times (calls.py)."""

from __future__ import annotations

import pytest

from tipsbench.families.save_load import calls
from tipsbench.families.save_load.catalog import LOAD, METHODS, SAVE


@pytest.mark.parametrize("method", [m for m in METHODS if m.op == LOAD], ids=lambda m: m.name)
def test_every_load_method_has_its_call(method, tmp_path):
    """load_call knows every catalogued load (an unknown one raises ValueError)."""
    ws = calls.Workspace(tmp_path).get("mlp", 64 * 1024)
    try:
        assert callable(calls.load_call(method, ws, str(tmp_path / "f")))
    finally:
        ws.clear()


@pytest.mark.parametrize("method", [m for m in METHODS if m.op == SAVE], ids=lambda m: m.name)
def test_every_save_method_writes_its_format(method, tmp_path):
    """save_call builds a write for every catalogued save, on each of its targets."""
    ws = calls.Workspace(tmp_path).get("mlp", 64 * 1024)
    try:
        for target in method.targets:
            write, cleanup = calls.save_call(method, ws, target, tmp_path / "out")
            write()
            cleanup()
    finally:
        ws.clear()


def test_an_uncatalogued_load_is_refused(tmp_path):
    """A method name with no call behind it is an error, not a silent no-op benchmark."""
    from dataclasses import replace

    ws = calls.Workspace(tmp_path).get("mlp", 64 * 1024)
    bogus = replace(next(m for m in METHODS if m.op == LOAD), name="load_nothing")
    with pytest.raises(ValueError, match="no load call"):
        calls.load_call(bogus, ws, "f")
