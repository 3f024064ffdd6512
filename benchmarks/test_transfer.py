"""CPU ↔ GPU transfers: pageable vs pinned, blocking vs not, and the APIs that copy;
with two or more CUDA GPUs, peer copies between them.

Without CUDA or MPS every variant is one skipped item saying so; the results file
still records which accelerators were looked for (machine_info accelerators_checked).
With fewer than two CUDA GPUs each peer variant is one skipped item.
"""

from __future__ import annotations

import gc

import pytest
import torch

from tipsbench import ceilings, devtiming, memory, pcie, suite
from tipsbench.families.transfer import catalog as transfer
from tipsbench.families.transfer import peers

DEVICES = transfer.find_devices(torch)
DEVICES_BY_NAME = {d.torch_name: d for d in DEVICES}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "transfer_case" in metafunc.fixturenames:
        cases = transfer.cases(DEVICES, full=suite.is_full(metafunc.config))
        metafunc.parametrize("transfer_case", cases, ids=[c.id for c in cases])
    if "peer_case" in metafunc.fixturenames:
        cases = transfer.peer_cases(DEVICES, full=suite.is_full(metafunc.config))
        metafunc.parametrize("peer_case", cases, ids=[c.id for c in cases])


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


@pytest.fixture(scope="module")
def peer_links():
    """nvidia-smi's matrix of paths between GPUs and its GPU list, read once ({} and [] without it)."""
    if len(transfer.peer_pairs(DEVICES, full=True)) == 0:
        return {}, []
    return peers.topology(), pcie.nvidia_smi_gpus()


def test_peer_copy(benchmark, peer_case, peer_links, request):
    if peer_case.device == transfer.NO_PEER:
        pytest.skip(f"{peer_case.variant}: {transfer.no_peer_reason(DEVICES)}")
    source_name, target_name = transfer.peer_of(peer_case)
    source, target = DEVICES_BY_NAME[source_name], DEVICES_BY_NAME[target_name]
    variant = transfer.PEER_VARIANTS_BY_NAME[peer_case.variant]
    nbytes = peer_case.nbytes
    for device in (source, target):  # one buffer on each: the source, and the copy
        fits, why = transfer.fits_on_device(nbytes, 1, torch.cuda.mem_get_info(device.index)[0])
        if not fits:
            pytest.skip(f"{peer_case.id}: {device.torch_name} {why}")
    args = transfer.make_inputs(variant, source.torch_name, nbytes, torch, target=target.torch_name)

    timer = transfer.peer_timer(devtiming.choose(torch.device(source.torch_name), torch), target.torch_name, torch)
    fn = variant.compile()
    paths, smi = peer_links
    benchmark.group = f"transfer p2p {source.label} -> {target.label}"
    benchmark.extra_info.update(
        tip=transfer.TIP, variant=variant.name, code=variant.code, dtype=transfer.DTYPE,
        bytes=nbytes, direction=variant.direction, pinned=False, non_blocking=False,
        device=source.label, device_index=source.index, device_name=source.name, target=target.label,
        peer_access=bool(torch.cuda.can_device_access_peer(source.index, target.index)),
        timing=timer.method, shares_memory=False,
    )
    link = peers.link_between(source, target, smi, paths)
    if link:
        benchmark.extra_info["peer_link"] = link
    devtiming.run(benchmark, timer, fn, args, suite.timing_budget_s(request.config))
    if not benchmark.disabled:
        events = timer.event_seconds(fn, args)
        if events is not None:
            benchmark.extra_info["event_median_s"] = events
    del args, fn
    gc.collect()
