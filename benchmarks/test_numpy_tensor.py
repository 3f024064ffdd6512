"""NumPy ↔ tensor: which conversions share memory, which copy, and what each costs."""

from __future__ import annotations

import gc

import pytest

from tipsbench import ceilings, memory, suite, timing
from tipsbench.families.numpy_tensor import catalog as numpy_tensor

# Source, result, a preallocated target, and a float64 result of a float32 source.
BUFFERS_PER_CASE = 4


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        cases = numpy_tensor.cases(suite.caches(), full=suite.is_full(metafunc.config))
        metafunc.parametrize("case", cases, ids=[c.id for c in cases])


def test_numpy_tensor(benchmark, case, memcpy_ceiling, request):
    fits, why = memory.fits_in_ram(case.nbytes, BUFFERS_PER_CASE)
    if not fits:
        pytest.skip(f"{case.id}: {why}")
    variant = numpy_tensor.VARIANTS_BY_NAME[case.variant]
    source = numpy_tensor.make_source(case.dtype, case.nbytes)
    fn, args = variant.call(source)

    result = fn(*args)
    benchmark.group = f"numpy {case.dtype}"
    benchmark.extra_info.update(
        tip=case.tip,
        variant=case.variant,
        direction=variant.direction,
        code=variant.code,
        dtype=case.dtype,
        bytes=case.nbytes,
        shares_memory=memory.shares_memory(result, variant.source_of(source)),
        ceiling=ceilings.MEMCPY,
    )
    del result
    timing.run(benchmark, fn, args, suite.timing_budget_s(request.config))
    if not benchmark.disabled:
        # Measured, not assumed: whether a fresh copy pays page faults on every call depends
        # on the allocator (glibc's mmap threshold adapts), so the run records it per case.
        benchmark.extra_info["minor_faults_per_call"] = memory.minor_faults_per_call(fn, args)
    if case.variant == numpy_tensor.FIDELITY_VARIANT and not benchmark.disabled:
        # The fidelity check: our calibrated median against torch's own Timer.
        benchmark.extra_info["timer_median_s"] = timing.timer_median_s(variant.code, source.namespace)
    del source, fn, args
    gc.collect()
