"""Memory-size claims: nbytes, storage sizes, getsizeof, and measured conversion footprints."""

from __future__ import annotations

import sys

import pytest

from tipsbench.families.memory import claims as mem


def test_element_sizes():
    """int64 is 8 bytes and float32 4 in both libraries."""
    assert mem.element_sizes().holds


def test_tensor_nbytes_is_the_view():
    """Slices undercount and expand overcounts their storage."""
    obs = mem.tensor_nbytes_is_the_view()
    assert obs.holds, obs.shown


def test_getsizeof_tensor_ignores_data():
    """sys.getsizeof of a tensor doesn't grow with its size."""
    assert mem.getsizeof_tensor().holds


def test_numpy_getsizeof_owner_only():
    """Only the array that owns its data has the data in sys.getsizeof."""
    obs = mem.numpy_getsizeof_owner_only()
    assert obs.holds, obs.shown


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_copy_doubles_footprint():
    """Copies add the array's size to RSS, sharing conversions add next to nothing (subprocess)."""
    obs = mem.copy_doubles_footprint()
    assert obs.holds, obs.shown


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_footprints_scale_with_size():
    """Doubling the array doubles what torch.tensor(a) adds: the measurement tracks the data."""
    small, big = (mem.measure_footprints(n)["torch.tensor(a)"] for n in (16 * 2**20, 32 * 2**20))
    assert 1.6 < big / small < 2.4


def test_float64_conversion_must_really_double(monkeypatch):
    """The "twice as much for float32 → float64" part can fail: one size added is not enough."""
    one_size = {k: mem.FOOTPRINT_BYTES for k in
                ("torch.tensor(a)", "torch.as_tensor(a, dtype=torch.float64)", "t.clone().numpy()")}
    one_size.update({k: 0 for k in ("torch.from_numpy(a)", "torch.as_tensor(a)", "t.numpy()", "t.detach().cpu().numpy()")})
    monkeypatch.setattr(mem, "measure_footprints", lambda: one_size)
    assert not mem.copy_doubles_footprint().holds
