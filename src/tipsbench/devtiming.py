"""Timing code that runs on an asynchronous device (CUDA, MPS).

A CUDA or MPS call returns as soon as the work is queued, so a clock read right after
it measures the queueing, not the work. Every timed round here is bracketed by a
device synchronize: the one before empties the queue (nothing from an earlier round
is billed to this one), the one after waits for this round's work to finish. That is
what ``torch.utils.benchmark.Timer`` does too. On CUDA we also time the same call with
CUDA events, as a cross-check that the host clock did not add its own overhead.

The timer is chosen from a device object (anything with ``.type``) and a torch-like
module, so the choice and the sync calls are unit-tested with fakes on a CPU machine.
Each result records ``extra_info["timing"]``: which method produced its numbers.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from tipsbench.timing import rounds_for

# Names stored in extra_info["timing"]: the method behind a result's statistics.
CUDA_SYNC = "cuda.synchronize + perf_counter"
MPS_SYNC = "mps.synchronize + perf_counter"
HOST = "perf_counter"
# Warm-up calls before anything is timed: the first copies pay for context creation,
# allocator growth and (for pinned memory) registering pages with the driver.
WARMUP_CALLS = 3
EVENT_REPEATS = 5


@dataclass(frozen=True)
class DeviceTimer:
    """How to wait for a device: its sync function and, on CUDA, an event factory."""

    method: str
    sync: Callable[[], None]
    new_event: Callable[[], object] | None = None
    # The stream the timed copy runs on: the current stream *of the copy's device*. Events
    # recorded without one go to the current device's stream, which for a copy to cuda:1
    # (while cuda:0 is current) is an idle stream: the events would time nothing.
    stream: Callable[[], object] | None = None

    def synced(self, fn: Callable[..., object], args: tuple) -> Callable[[], object]:
        """A zero-argument call that returns only when the device has finished it."""
        sync = self.sync

        def call() -> object:
            result = fn(*args)
            sync()
            return result

        return call

    def warm_up(self, fn: Callable[..., object], args: tuple, calls: int = WARMUP_CALLS) -> None:
        for _ in range(calls):
            fn(*args)
        self.sync()

    def wall_seconds(self, fn: Callable[..., object], args: tuple) -> float:
        """One call, synchronized on both sides, by the host clock."""
        self.sync()
        start = time.perf_counter()
        fn(*args)
        self.sync()
        return time.perf_counter() - start

    def event_seconds(self, fn: Callable[..., object], args: tuple,
                      repeats: int = EVENT_REPEATS) -> float | None:
        """Median seconds per call measured with device events; None without events."""
        if self.new_event is None:
            return None
        times = []
        for _ in range(repeats):
            start, end = self.new_event(), self.new_event()
            self.sync()  # the start event must not wait behind earlier work
            stream = self.stream() if self.stream else None
            start.record(stream)
            fn(*args)
            end.record(stream)
            end.synchronize()
            times.append(start.elapsed_time(end) / 1e3)  # elapsed_time is in ms
        return statistics.median(times)


def device_type(device: object) -> str:
    """'cuda', 'mps' or 'cpu' from a torch.device, a fake with ``.type``, or a string."""
    kind = getattr(device, "type", None)
    if kind is None:
        kind = str(device).split(":", 1)[0]
    return str(kind)


def choose(device: object, torch_module) -> DeviceTimer:
    """The right timer for `device`; raises ValueError for a device we can't sync."""
    kind = device_type(device)
    if kind == "cuda":
        cuda = torch_module.cuda
        return DeviceTimer(
            method=CUDA_SYNC,
            sync=lambda: cuda.synchronize(device),
            new_event=lambda: cuda.Event(enable_timing=True),
            stream=lambda: cuda.current_stream(device),
        )
    if kind == "mps":
        mps = torch_module.mps
        return DeviceTimer(method=MPS_SYNC, sync=mps.synchronize)
    if kind == "cpu":
        return DeviceTimer(method=HOST, sync=_nothing)
    raise ValueError(f"no timer for device type {kind!r}; expected 'cuda', 'mps' or 'cpu'")


def _nothing() -> None:
    """CPU work is finished when the call returns: nothing to wait for."""


def run(benchmark, timer: DeviceTimer, fn: Callable[..., object], args: tuple,
        budget_s: float) -> object:
    """Time ``fn(*args)`` on a device with pytest-benchmark, synchronized per round.

    One call per round: the sync that ends a round must follow every call, and a
    copy of even 4 KiB takes microseconds, so the timer's ~0.1 µs is negligible.
    Under ``--benchmark-disable`` the call runs once (and is waited for), untimed.
    """
    call = timer.synced(fn, args)
    if benchmark.disabled:
        return benchmark.pedantic(call)  # once, untimed, and the fixture counts as used
    timer.warm_up(fn, args)
    one = min(timer.wall_seconds(fn, args) for _ in range(3))
    return benchmark.pedantic(call, setup=timer.sync, rounds=rounds_for(one, budget_s),
                              warmup_rounds=1, iterations=1)
