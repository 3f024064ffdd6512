"""Timers for asynchronous devices, driven by fake devices and a fake torch module."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tipsbench import devtiming, timing


class FakeEvent:
    """A CUDA event that reports a fixed 2 ms between record() calls."""

    def __init__(self, log: list, enable_timing: bool = False):
        assert enable_timing, "events must be created with enable_timing=True"
        self.log = log

    def record(self, stream=None):
        # Like torch.cuda.Event.record: without a stream, the *current device's* stream.
        self.log.append(f"record:{stream.device if stream else 'current-device'}")

    def synchronize(self):
        self.log.append("event_sync")

    def elapsed_time(self, other):
        return 2.0


def fake_torch(log: list) -> SimpleNamespace:
    cuda = SimpleNamespace(synchronize=lambda device=None: log.append(f"cuda_sync:{device}"),
                           Event=lambda enable_timing=False: FakeEvent(log, enable_timing),
                           current_stream=lambda device=None: SimpleNamespace(device=str(device)))
    mps = SimpleNamespace(synchronize=lambda: log.append("mps_sync"))
    return SimpleNamespace(cuda=cuda, mps=mps)


class FakeBenchmark:
    def __init__(self, disabled: bool):
        self.disabled = disabled
        self.pedantic_kwargs = None

    def pedantic(self, fn, **kwargs):
        """Like pytest-benchmark's: when disabled, one untimed call and no setup."""
        self.pedantic_kwargs = kwargs
        if not self.disabled:
            kwargs["setup"]()
        return fn()


class TestChoose:
    @pytest.mark.parametrize("device, method", [
        (SimpleNamespace(type="cuda", index=1), devtiming.CUDA_SYNC),
        (SimpleNamespace(type="mps", index=0), devtiming.MPS_SYNC),
        ("cpu", devtiming.HOST),
        ("cuda:0", devtiming.CUDA_SYNC),
    ])
    def test_method_follows_device_type(self, device, method):
        """A device object or a string picks the timer of its type."""
        assert devtiming.choose(device, fake_torch([])).method == method

    def test_unknown_device_is_refused(self):
        """A device we can't synchronize raises, naming the type and the known ones."""
        with pytest.raises(ValueError, match="'xpu'.*'cuda', 'mps' or 'cpu'"):
            devtiming.choose(SimpleNamespace(type="xpu"), fake_torch([]))

    def test_cuda_sync_targets_the_benchmarked_device(self):
        """The CUDA timer synchronizes the device it was chosen for, not the current one."""
        log = []
        device = SimpleNamespace(type="cuda", index=1)
        devtiming.choose(device, fake_torch(log)).sync()
        assert log == [f"cuda_sync:{device}"]

    def test_only_cuda_has_events(self):
        """MPS and CPU timers have no event factory, so no event cross-check."""
        assert devtiming.choose("mps", fake_torch([])).event_seconds(lambda: None, ()) is None
        assert devtiming.choose("cpu", fake_torch([])).new_event is None


class TestSyncAroundWork:
    def test_synced_call_waits_after_the_work(self):
        """The timed call syncs after the work, so queued work is inside the round."""
        log = []
        timer = devtiming.choose("mps", fake_torch(log))
        timer.synced(lambda x: log.append(f"work:{x}"), (7,))()
        assert log == ["work:7", "mps_sync"]

    def test_wall_seconds_syncs_before_and_after(self):
        """A wall-clock measurement brackets the call with a sync on both sides."""
        log = []
        timer = devtiming.choose("mps", fake_torch(log))
        timer.wall_seconds(lambda: log.append("work"), ())
        assert log == ["mps_sync", "work", "mps_sync"]

    def test_events_record_around_the_call_and_wait_for_the_end(self):
        """Event timing: sync, record, work, record, wait on the end event; ms become s."""
        log = []
        timer = devtiming.choose("cuda:0", fake_torch(log))
        seconds = timer.event_seconds(lambda: log.append("work"), (), repeats=1)
        assert log == ["cuda_sync:cuda:0", "record:cuda:0", "work", "record:cuda:0", "event_sync"]
        assert seconds == pytest.approx(0.002)

    def test_events_go_on_the_copys_device_not_the_current_one(self):
        """Timing a copy to cuda:1 records on cuda:1's stream (not cuda:0's idle one)."""
        log = []
        timer = devtiming.choose("cuda:1", fake_torch(log))
        timer.event_seconds(lambda: log.append("work"), (), repeats=1)
        assert [e for e in log if e.startswith("record")] == ["record:cuda:1", "record:cuda:1"]


class TestRun:
    def test_disabled_runs_once_and_still_syncs(self):
        """Plain pytest runs the call once and waits for it, without timing."""
        log = []
        timer = devtiming.choose("mps", fake_torch(log))
        bench = FakeBenchmark(disabled=True)
        devtiming.run(bench, timer, lambda: log.append("work"), (), budget_s=0.1)
        assert log == ["work", "mps_sync"] and bench.pedantic_kwargs == {}

    def test_timed_run_warms_up_and_syncs_every_round(self):
        """A timed run warms up first, then pedantic gets one synced call per round and a sync as setup."""
        log = []
        timer = devtiming.choose("mps", fake_torch(log))
        bench = FakeBenchmark(disabled=False)
        devtiming.run(bench, timer, lambda: log.append("work"), (), budget_s=0.1)
        assert log[:devtiming.WARMUP_CALLS + 1] == ["work"] * devtiming.WARMUP_CALLS + ["mps_sync"]
        kwargs = bench.pedantic_kwargs
        assert kwargs["iterations"] == 1 and kwargs["setup"] == timer.sync
        assert log[-3:] == ["mps_sync", "work", "mps_sync"]  # setup sync, the call, its sync

    @pytest.mark.parametrize("one, budget, rounds", [
        (0.1, 0.35, timing.MIN_ROUNDS), (1e-6, 10.0, timing.MAX_ROUNDS), (0.001, 0.1, 100), (0.0, 1.0, timing.MAX_ROUNDS),
    ])
    def test_rounds_fit_the_budget_within_bounds(self, one, budget, rounds):
        """Rounds = budget / call time, clamped to [MIN_ROUNDS, MAX_ROUNDS]."""
        assert timing.rounds_for(one, budget) == rounds
