"""Every method of the save & load catalog has the call the suite times (calls.py)."""

from __future__ import annotations

import pytest
import torch

from tipsbench.families.save_load import calls, checkpoints
from tipsbench.families.save_load.catalog import LOAD, METHODS, SAVE


@pytest.mark.parametrize("method", [m for m in METHODS if m.op == LOAD], ids=lambda m: m.name)
def test_every_load_method_loads_the_model(method, tmp_path):
    """load_call knows every catalogued load, and the call really loads the model the file
    holds: check_result compares it with the saved model's tensors (a no-op fails)."""
    if method.unavailable():
        pytest.skip(method.unavailable())
    ws = calls.Workspace(tmp_path).get("mlp", 64 * 1024)
    try:
        result = calls.load_call(method, ws, ws.file(method.fmt))()
        calls.check_result(method, ws, result)
        # check_result does catch a load of something else: another workspace whose model differs
        other = calls.Workspace(tmp_path / "other").get("mlp", 64 * 1024)
        with torch.no_grad():
            for tensor in other.model.state_dict().values():
                tensor.add_(1)
        with pytest.raises(AssertionError):
            calls.check_result(method, other, result)
    finally:
        ws.clear()


@pytest.mark.parametrize("method", [m for m in METHODS if m.op == SAVE], ids=lambda m: m.name)
def test_every_save_method_writes_its_format(method, tmp_path):
    """save_call builds a write for every catalogued save, on each of its targets, and what
    it writes to a file is a file of the method's format that detect_format recognises."""
    ws = calls.Workspace(tmp_path).get("mlp", 64 * 1024)
    formats = {"full": "zip", "state_dict": "zip", "safetensors": "safetensors"}
    try:
        for target in method.targets:
            out = tmp_path / f"out-{target}"
            write, cleanup = calls.save_call(method, ws, target, out)
            write()
            if target != "bytesio":
                assert out.stat().st_size > 64 * 1024  # the weights were written
                assert checkpoints.detect_format(out) == formats[method.fmt], target
            cleanup()
            assert not out.exists()
    finally:
        ws.clear()


def test_an_uncatalogued_load_is_refused(tmp_path):
    """A method name with no call behind it is an error, not a silent no-op benchmark."""
    from dataclasses import replace

    ws = calls.Workspace(tmp_path).get("mlp", 64 * 1024)
    bogus = replace(next(m for m in METHODS if m.op == LOAD), name="load_nothing")
    with pytest.raises(ValueError, match="no load call"):
        calls.load_call(bogus, ws, "f")
