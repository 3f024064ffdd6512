"""The typed fields of an all-reduce result, and what its bandwidths mean.

Bandwidths as nccl-tests reports them (NVIDIA/nccl-tests, doc/PERFORMANCE.md, "Bus
bandwidth", AllReduce; src/all_reduce.cu, AllReduceGetBw): the algorithm bandwidth is
algbw = S / t, S the bytes of the buffer each rank reduces and t the time of one
all-reduce; the bus bandwidth is busbw = algbw × 2(n − 1)/n for n ranks, since an
all-reduce needs 2(n − 1) transfers of every element over n links at best, whatever the
algorithm (ring or tree). busbw compares with the hardware's per-GPU link bandwidth
independently of n; algbw is what a training step feels. Both in decimal bytes/s.
"""

from __future__ import annotations

from dataclasses import dataclass

from tipsbench.families.collectives import TIP
from tipsbench.results import Record, family_fields
from tipsbench.schema import Reader

ALL_REDUCE = "all_reduce"
OPS = ("sum",)
MAX_RANKS = 1 << 20


def bus_factor(world_size: int) -> float:
    """2(n − 1)/n: busbw over algbw for an all-reduce of n ranks (nccl-tests)."""
    return 2 * (world_size - 1) / world_size


@family_fields(TIP)
@dataclass(frozen=True)
class CollectiveFields:
    op: str  # the reduction: sum
    backend: str  # torch.distributed's: nccl on GPUs, gloo on CPUs
    world_size: int  # ranks taking part (n)
    local_world_size: int  # ranks per node
    device: str  # rank 0's device, as transfer labels it ("cuda:0 NVIDIA H200"), or "cpu"
    timing: str  # how a round was timed

    @classmethod
    def parse(cls, extra: Reader) -> CollectiveFields:
        world = extra.whole("world_size", minimum=2, maximum=MAX_RANKS)
        local = extra.whole("local_world_size", world, minimum=1, maximum=MAX_RANKS)
        if local > world:
            extra.fail(f"{extra.path('local_world_size')} is {local}, more than the world size {world}")
        return cls(op=extra.text("op", choices=OPS), backend=extra.text("backend"), world_size=world,
                   local_world_size=local, device=extra.text("device"), timing=extra.text("timing", "?"))

    @property
    def nodes(self) -> int:
        return -(-self.world_size // self.local_world_size)

    @property
    def on_gpus(self) -> bool:
        return self.device.startswith("cuda:")


def fields(record: Record) -> CollectiveFields:
    return record.fields  # every collectives record carries them (results.family_fields)


def algbw(record: Record) -> float | None:
    """S / t, bytes/s (the record's throughput)."""
    return record.bytes_per_s


def busbw(record: Record) -> float | None:
    rate = record.bytes_per_s
    return None if rate is None else rate * bus_factor(fields(record).world_size)
