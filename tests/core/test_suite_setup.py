"""The size grid, timing plans and memory checks the suites are built on."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tipsbench import memory, timing
from tipsbench.cases import KiB, MiB, cache_level_of, size_grid
from tipsbench.families.numpy_tensor import catalog as numpy_tensor

CACHES = {"L1d": 32 * KiB, "L2": 1 * MiB, "L3": 32 * MiB}


class TestGrid:
    def test_full_grid_straddles_every_cache(self):
        """The full grid has a size below and above each cache level, and 1 KiB..256 MiB."""
        grid = size_grid(CACHES, 1 * KiB, 256 * MiB, full=True)
        assert grid[0] == 1 * KiB and grid[-1] == 256 * MiB
        for size in CACHES.values():
            assert any(s < size for s in grid) and any(s > size for s in grid)
        assert [cache_level_of(s, CACHES) for s in grid].count("DRAM") >= 2

    def test_quick_grid_is_small_and_reaches_dram(self):
        """The quick grid has three sizes, the largest beyond the last-level cache."""
        grid = size_grid(CACHES, 1 * KiB, 256 * MiB, full=False)
        assert len(grid) == 3 and cache_level_of(grid[-1], CACHES) == "DRAM"

    def test_quick_profile_has_at_least_20_benchmarks(self):
        """The NumPy suite alone gives the quick profile its 20 timed benchmarks."""
        assert len(numpy_tensor.cases(CACHES, full=False)) >= 20

    def test_full_profile_has_three_dtypes(self):
        """float32, float64 and int64 are all measured in the full profile."""
        assert {c.dtype for c in numpy_tensor.cases(CACHES, full=True)} == {"float32", "float64", "int64"}


class TestTimingPlan:
    def test_fast_call_gets_many_calls_per_round(self):
        """A sub-microsecond call is repeated so that a round outlasts the timer's overhead."""
        a = np.ones(4, dtype=np.float32)
        plan = timing.plan(torch.from_numpy, (a,), budget_s=0.05)
        assert plan.iterations > 50
        assert timing.MIN_ROUNDS <= plan.rounds <= timing.MAX_ROUNDS

    def test_slow_call_runs_once_per_round(self):
        """A call longer than a round's minimum is timed one call per round."""
        import time

        plan = timing.plan(time.sleep, (0.002,), budget_s=0.01)
        assert plan.iterations == 1 and plan.rounds == timing.MIN_ROUNDS


class TestMemory:
    def test_shares_memory_checks_addresses(self):
        """from_numpy shares, tensor() copies, and a slice shares with its base."""
        a = np.arange(1000, dtype=np.float32)
        assert memory.shares_memory(torch.from_numpy(a), a)
        assert not memory.shares_memory(torch.tensor(a), a)
        assert memory.shares_memory(a[10:20], a)

    def test_variant_sharing_matches_expectation(self):
        """Each variant's result shares or copies exactly as the page says it does."""
        source = numpy_tensor.make_source("float32", 4 * KiB)
        copying = {"as_tensor_other_dtype", "tensor", "asarray_copy", "from_numpy_clone", "copy_into_preallocated"}
        for variant in numpy_tensor.VARIANTS:
            fn, args = variant.call(source)
            assert memory.shares_memory(fn(*args), variant.source_of(source)) == (variant.name not in copying), variant.name

    def test_too_large_is_refused_with_reason(self):
        """A size that can't fit gets a reason with the numbers, not an OOM kill."""
        fits, why = memory.fits_in_ram(1 << 50, copies=4)
        assert not fits and "MiB" in why and "available" in why

    def test_shares_memory_rejects_other_types(self):
        """Only arrays and tensors have memory we can compare."""
        with pytest.raises(TypeError, match="list"):
            memory.shares_memory([1], np.ones(1))


class TestCeilings:
    def test_memcpy_measures_a_plausible_bandwidth(self):
        """A small warm copy reports a positive rate with best ≥ median ≥ worst."""
        from tipsbench import ceilings

        m = ceilings.measure_memcpy(4 * MiB, repeats=5)
        assert m["best"] >= m["median"] >= m["worst"] > 1e7
        assert m["buffer_bytes"] == 4 * MiB

    def test_best_phase_keeps_the_faster_minute(self):
        """A slow phase of a shared machine doesn't become the ceiling; both phases are kept."""
        from tipsbench import ceilings

        best = ceilings.best_phase([{"median": 15e9, "best": 16e9}, {"median": 18e9, "best": 19e9}])
        assert best["median"] == 18e9 and best["phase_medians"] == [15e9, 18e9]
