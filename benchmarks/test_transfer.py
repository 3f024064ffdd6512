"""CPU ↔ GPU transfers: pageable vs pinned, blocking vs not, and the APIs that copy.

Without CUDA or MPS every variant is one skipped item saying so; the results file
still records which accelerators were looked for (machine_info accelerators_checked).
"""

from __future__ import annotations

import gc

import pytest
import torch

from tipsbench import ceilings, devtiming, memory, pcie, suite
from tipsbench.families.transfer import catalog as transfer

DEVICES = transfer.find_devices(torch)
DEVICES_BY_NAME = {d.torch_name: d for d in DEVICES}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "transfer_case" in metafunc.fixturenames:
        cases = transfer.cases(DEVICES, full=suite.is_full(metafunc.config))
        metafunc.parametrize("transfer_case", cases, ids=[c.id for c in cases])


@pytest.fixture(scope="module")
def transfer_ceilings(request: pytest.FixtureRequest):
    """Collects timed medians; at module end records the best pinned copy per direction."""
    measured: list[tuple[str, str, int, float]] = []
    yield measured
    if request.config.option.benchmark_disable or not measured:
        return
    smi = pcie.nvidia_smi_gpus() if any(d.type == "cuda" for d in DEVICES) else []
    for (device_name, direction), (rate, variant, nbytes) in transfer.best_rates(measured).items():
        device = DEVICES_BY_NAME[device_name]
        # Read after the copies ran: an idle GPU may have trained its link down.
        link = pcie.link_of(device, smi) if device.type == "cuda" else None
        details = {"device": device.label, "variant": variant, "bytes": nbytes}
        if link is not None:
            details.update(link=link.label, link_bytes_per_s=link.bytes_per_s, link_source=link.source)
        ceilings.record(request.config, transfer.ceiling_key(direction, device), rate, **details)


def test_transfer(benchmark, transfer_case, transfer_ceilings, request):
    if transfer_case.device == transfer.NO_DEVICE:
        pytest.skip(f"{transfer_case.variant}: {transfer.NO_DEVICE_REASON}")
    device = DEVICES_BY_NAME[transfer_case.device]
    variant = transfer.VARIANTS_BY_NAME[transfer_case.variant]
    nbytes = transfer_case.nbytes
    fits, why = memory.fits_in_ram(nbytes, transfer.host_buffers(variant))
    if fits and device.type == "cuda":
        fits, why = transfer.fits_on_device(nbytes, transfer.device_buffers(variant),
                                            torch.cuda.mem_get_info(device.index)[0])
    if not fits:
        pytest.skip(f"{transfer_case.id}: {why}")
    try:
        args = transfer.make_inputs(variant, device.torch_name, nbytes, torch)
    except RuntimeError as exc:  # e.g. pinned memory refused on this device
        pytest.skip(f"{transfer_case.id}: inputs could not be made: {str(exc).splitlines()[0]}")

    timer = devtiming.choose(torch.device(device.torch_name), torch)
    fn = variant.compile()
    benchmark.group = f"transfer {variant.direction} {device.label}"
    benchmark.extra_info.update(
        tip=transfer.TIP, variant=variant.name, code=variant.code, dtype=transfer.DTYPE,
        bytes=nbytes, direction=variant.direction, pinned=variant.pinned,
        non_blocking=variant.non_blocking, device=device.label, device_index=device.index,
        device_name=device.name, timing=timer.method, shares_memory=False,
    )
    devtiming.run(benchmark, timer, fn, args, suite.timing_budget_s(request.config))
    if not benchmark.disabled:
        events = timer.event_seconds(fn, args)
        if events is not None:
            benchmark.extra_info["event_median_s"] = events  # the CUDA-events cross-check
        transfer_ceilings.append((device.torch_name, variant.name, nbytes, benchmark.stats.stats.median))
    del args, fn
    gc.collect()
