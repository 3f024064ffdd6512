"""Collectives across several GPUs: all-reduce bandwidth under torchrun (NCCL on GPUs)."""

TIP = "collectives"
# Its results come from torchrun, not `tipsbench run` (docs/gpu.md#torchrun).
REPRODUCE = ("torchrun --standalone --nproc-per-node=gpu -m tipsbench.families.collectives.run "
             "--profile {profile} --results-dir results")
