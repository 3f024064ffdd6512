"""Collectives across several GPUs: all-reduce bandwidth under torchrun (NCCL on GPUs)."""

TIP = "collectives"
