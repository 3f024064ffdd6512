"""All-reduce bandwidth across the processes torchrun starts; rank 0 saves one results file.

    torchrun --standalone --nproc-per-node=8 -m tipsbench.families.collectives.run --results-dir results

Every rank takes the GPU of its local rank (NCCL), or the CPU (gloo) where there is no
CUDA: a test of the logic, not a GPU result, so a CPU run must name its folder. For
each size, every rank:

1. fills its buffer with rank + 1, all-reduces it once and checks the sum (the ranks
   agree on the outcome before anyone goes on, so a wrong sum stops all of them);
2. zeroes it (zeros stay zeros, so rounds never overflow), warms up with a few calls;
3. times rounds of barrier → device sync → clock → all-reduce → device sync → clock. A
   round lasts as long as its slowest rank: the round times are all-reduced with MAX,
   and the statistics (median, IQR…) are those of the slowest rank's rounds. The number
   of rounds comes from the slowest rank's first calls, so every rank runs the same.

nccl-tests reports the mean over iterations, averaged over ranks, with no barrier in
between; we keep the median of slowest-rank rounds, as the rest of tipsbench keeps
medians. Bandwidths: records.py.

The file is a pytest-benchmark JSON file as the suite writes it (statistics computed by
pytest_benchmark.stats.Stats, machine_info from tipsbench.machine.collect plus the
world: backend, world size, ranks per node), saved compact and never over another run
(tipsbench.storage), then read back through results.load_run.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tipsbench import devtiming, fmt
from tipsbench.cases import format_bytes
from tipsbench.families.collectives import catalog
from tipsbench.families.collectives.records import ALL_REDUCE, bus_factor
from tipsbench.machine import Device
from tipsbench.profiles import FULL, PROFILES, TIMING_BUDGET_S, ProfileError, profile_from_env
from tipsbench.timing import MIN_ROUNDS, rounds_for

PROG = "tipsbench collectives"
MODULE = "tipsbench.families.collectives.run"  # __name__ is "__main__" under torchrun -m
COMMAND = "torchrun --standalone --nproc-per-node=N -m tipsbench.families.collectives.run --results-dir DIR"
WARMUP_CALLS = 5
TORCHRUN_ENV = ("RANK", "WORLD_SIZE", "LOCAL_RANK")


class UsageError(Exception):
    """A run that can't start; the message is one line."""


@dataclass(frozen=True)
class World:
    rank: int
    size: int
    local_rank: int
    local_size: int


def world_from_env(env: os._Environ | dict) -> World:
    """The ranks torchrun describes in the environment, or UsageError."""
    missing = [name for name in TORCHRUN_ENV if name not in env]
    if missing:
        raise UsageError(f"{', '.join(missing)} not set: start it with torchrun, e.g. {COMMAND}")
    try:
        rank, size, local_rank = (int(env[name]) for name in TORCHRUN_ENV)
        local_size = int(env.get("LOCAL_WORLD_SIZE", size))
    except ValueError:
        raise UsageError(f"{', '.join(TORCHRUN_ENV)} should be whole numbers") from None
    if size < 2:
        raise UsageError(f"an all-reduce needs two or more processes, WORLD_SIZE is {size}: {COMMAND} with N ≥ 2")
    return World(rank, size, local_rank, local_size)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=PROG, description="All-reduce bandwidth, under torchrun. " + COMMAND)
    parser.add_argument("--results-dir", default=None,
                        help="where rank 0 saves the run (default: $TIPSBENCH_RESULTS or ./results; "
                             "required without CUDA)")
    parser.add_argument("--profile", choices=PROFILES, default=None,
                        help="quick: 4 KiB, 1 MiB, 64 MiB; full: 4 KiB × 4^k up to 1 GiB (default: $TIPSBENCH_PROFILE or full)")
    parser.add_argument("--sizes", default=None, help="bytes per rank instead of the profile's, e.g. 4KiB,64MiB")
    return parser.parse_args(argv)


def chosen_sizes(args: argparse.Namespace, profile: str) -> tuple[int, ...]:
    if not args.sizes:
        return catalog.sizes(profile == FULL)
    try:
        return tuple(sorted({catalog.parse_size(part) for part in args.sizes.split(",")}))
    except ValueError as exc:
        raise UsageError(f"--sizes: {exc}") from None


def target_dir(args: argparse.Namespace, on_gpus: bool) -> Path:
    """--results-dir, else $TIPSBENCH_RESULTS, else ./results; a CPU run must name it."""
    if args.results_dir:
        return Path(args.results_dir)
    if not on_gpus:
        raise UsageError("no CUDA here: gloo on CPUs tests the logic, it is no GPU result; "
                         "name a folder outside results/ with --results-dir to run it anyway")
    from tipsbench.results import results_dir

    return results_dir("results")


def too_many(world: World, visible: int) -> None:
    """Every rank refuses alike (before any of them waits for the others) when a node has
    more processes than GPUs: NCCL needs a GPU of its own for each."""
    if max(world.local_size, world.local_rank + 1) > visible:
        raise UsageError(f"{world.local_size} processes per node but {visible} GPU(s) visible: start one per GPU "
                         f"(--nproc-per-node=gpu)")


class Ranks:
    """The process group and this rank's device: barrier, sync, and agreement between ranks."""

    def __init__(self, torch_module, world: World):
        import torch.distributed as dist

        self.torch, self.dist, self.world = torch_module, dist, world
        cuda = torch_module.cuda.is_available()
        if cuda:
            too_many(world, torch_module.cuda.device_count())
        self.device = torch_module.device("cuda", world.local_rank) if cuda else torch_module.device("cpu")
        self.timer = devtiming.choose(self.device, torch_module)
        self.backend = catalog.backend_for(self.device.type)
        if cuda:
            torch_module.cuda.set_device(self.device)
            dist.init_process_group(self.backend, device_id=self.device)
        else:
            dist.init_process_group(self.backend)

    @property
    def label(self) -> str:
        if self.device.type != "cuda":
            return "cpu"
        return Device("cuda", self.device.index, self.torch.cuda.get_device_name(self.device)).label

    @property
    def timing(self) -> str:
        return f"barrier + {self.timer.method}, slowest rank per round"

    def barrier(self) -> None:
        if self.backend == catalog.NCCL:
            self.dist.barrier(device_ids=[self.device.index])
        else:
            self.dist.barrier()

    def slowest(self, values: list[float]) -> list[float]:
        """Each value's maximum over the ranks (every rank gets them)."""
        found = self.torch.tensor(values, dtype=self.torch.float64, device=self.device)
        self.dist.all_reduce(found, op=self.dist.ReduceOp.MAX)
        return found.tolist()

    def all_agree(self, ok: bool) -> bool:
        flag = self.torch.tensor([1 if ok else 0], dtype=self.torch.int32, device=self.device)
        self.dist.all_reduce(flag, op=self.dist.ReduceOp.MIN)
        return bool(flag.item())

    def close(self) -> None:
        self.dist.destroy_process_group()


def measure(ranks: Ranks, nbytes: int, budget_s: float) -> list[float]:
    """Seconds per round, each the slowest rank's, for one all-reduce of `nbytes` per rank."""
    torch, world = ranks.torch, ranks.world
    call = catalog.compile_call(ranks.dist)
    x = torch.empty(nbytes // catalog.ITEM_BYTES, dtype=torch.float32, device=ranks.device)
    x.fill_(world.rank + 1)
    call(x)
    ranks.timer.sync()
    expected = catalog.expected_sum(world.size)
    if not ranks.all_agree(bool((x == expected).all())):
        raise RuntimeError(f"all_reduce of {fmt.size(nbytes)} gave a wrong sum on some rank (expected {expected:g} "
                           f"everywhere; rank {world.rank} has {x[0].item():g})")
    x.zero_()
    ranks.timer.warm_up(call, (x,), WARMUP_CALLS)

    def timed_round() -> float:
        ranks.barrier()
        return ranks.timer.wall_seconds(call, (x,))  # synced before and after

    first = min(timed_round() for _ in range(3))
    rounds = rounds_for(ranks.slowest([first])[0], budget_s)  # the same on every rank
    return ranks.slowest([timed_round() for _ in range(rounds)])


def benchmark_entry(ranks: Ranks, nbytes: int, seconds: list[float], budget_s: float) -> dict:
    """One benchmark as pytest-benchmark writes it, our facts in extra_info."""
    from pytest_benchmark.stats import Stats

    stats = Stats()
    for value in seconds:
        stats.update(value)
    world = ranks.world
    param = f"{catalog.DTYPE}-{format_bytes(nbytes)}-{world.size}ranks-{ranks.backend}"
    algbw = nbytes / stats.median
    return {
        "group": f"collectives {ALL_REDUCE} {world.size} ranks {ranks.label}",
        "name": f"{ALL_REDUCE}[{param}]", "fullname": f"{MODULE}::{ALL_REDUCE}[{param}]",
        "params": None, "param": param,
        "extra_info": {
            "tip": catalog.TIP, "variant": ALL_REDUCE, "code": catalog.CODE, "dtype": catalog.DTYPE,
            "bytes": nbytes, "op": "sum", "backend": ranks.backend, "world_size": world.size,
            "local_world_size": world.local_size, "device": ranks.label, "timing": ranks.timing,
            "shares_memory": False,
            # What nccl-tests prints as algbw and busbw, for readers of the file; pages
            # compute both from the median (records.py).
            "algbw_bytes_per_s": algbw, "busbw_bytes_per_s": algbw * bus_factor(world.size),
        },
        "options": {"disable_gc": False, "timer": "perf_counter", "min_rounds": MIN_ROUNDS, "max_time": budget_s,
                    "min_time": 0.0, "precision": None, "confidence": None, "warmup": WARMUP_CALLS},
        "stats": {**stats.as_dict(), "iterations": 1},
    }


def results_data(ranks: Ranks, profile: str, benchmarks: list[dict]) -> dict:
    import numpy
    import pytest_benchmark
    from pytest_benchmark.plugin import pytest_benchmark_generate_machine_info
    from pytest_benchmark.utils import get_commit_info

    from tipsbench import machine
    from tipsbench.results import FORMAT

    ours = machine.collect(ranks.torch, numpy)
    ours.update(format=FORMAT, profile=profile, ceilings={}, distributed={
        "backend": ranks.backend, "world_size": ranks.world.size, "local_world_size": ranks.world.local_size,
    })
    info = pytest_benchmark_generate_machine_info()
    info["tipsbench"] = ours
    return {"machine_info": info, "commit_info": get_commit_info(), "benchmarks": benchmarks,
            "datetime": datetime.now(timezone.utc).isoformat(), "version": pytest_benchmark.__version__}


def save(target: Path, data: dict) -> Path:
    from tipsbench import results, storage

    path = storage.save_run(target, data)
    results.load_run(path)  # what we save must load
    return path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        world = world_from_env(os.environ)
        profile = args.profile or profile_from_env()
        sizes = chosen_sizes(args, profile)
        import torch

        target = target_dir(args, torch.cuda.is_available())
        ranks = Ranks(torch, world)
    except (UsageError, ProfileError) as exc:
        if os.environ.get("RANK", "0") == "0":
            print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    lead = world.rank == 0
    try:
        if lead:
            print(f"{PROG}: {ALL_REDUCE} (sum, {catalog.DTYPE}) over {world.size} ranks "
                  f"({world.local_size} per node), backend {ranks.backend} on {ranks.label}, {profile} profile")
            print(f"{'size':>10} {'median':>10} {'algbw':>12} {'busbw':>12} {'rounds':>7}")
        benchmarks = []
        for nbytes in sizes:
            seconds = measure(ranks, nbytes, TIMING_BUDGET_S[profile])
            entry = benchmark_entry(ranks, nbytes, seconds, TIMING_BUDGET_S[profile])
            benchmarks.append(entry)
            if lead:
                extra, stats = entry["extra_info"], entry["stats"]
                print(f"{fmt.size(nbytes):>10} {fmt.duration(stats['median']):>10} "
                      f"{fmt.rate(extra['algbw_bytes_per_s']):>12} {fmt.rate(extra['busbw_bytes_per_s']):>12} "
                      f"{stats['rounds']:>7}", flush=True)
        if lead:
            path = save(target, results_data(ranks, profile, benchmarks))
            print(f"tipsbench: saved {len(benchmarks)} results to {path}")
            if ranks.device.type != "cuda":
                print(f"{PROG}: gloo on CPUs: a test of the logic, not a GPU result; keep it out of results/")
    finally:
        ranks.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
