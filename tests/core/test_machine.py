"""Machine collectors: cache sizes from sysfs, keys that keep machines apart."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tipsbench import machine
from tipsbench.cases import parse_bytes


def make_sysfs(root, entries):
    for index, (level, kind, size) in enumerate(entries):
        folder = root / f"index{index}"
        folder.mkdir(parents=True)
        (folder / "level").write_text(f"{level}\n")
        (folder / "type").write_text(f"{kind}\n")
        (folder / "size").write_text(f"{size}\n")


class TestCaches:
    @pytest.mark.parametrize("text, value", [("32K\n", 32768), ("1024K", 1 << 20), ("32M", 32 << 20), ("512", 512)])
    def test_parse_size(self, text, value):
        """sysfs size strings become bytes (cases.parse_bytes reads them)."""
        assert parse_bytes(text) == value

    def test_reads_sysfs_and_skips_instruction_cache(self, tmp_path):
        """Data and unified caches are read per level; the instruction cache is ignored."""
        make_sysfs(tmp_path, [(1, "Data", "48K"), (1, "Instruction", "32K"), (2, "Unified", "2048K"), (3, "Unified", "32768K")])
        assert machine.cache_sizes(tmp_path) == {"L1d": 48 << 10, "L2": 2 << 20, "L3": 32 << 20}

    def test_last_level_cache_defaults_when_unknown(self):
        """Without cache facts, a safe overestimate keeps the memcpy buffer in DRAM."""
        assert machine.last_level_cache({}) == 32 << 20


class TestKeys:
    def test_accelerator_is_part_of_the_key(self):
        """Two GPU models on the same CPU never share a machine key."""
        cpu = "AMD EPYC 9654 96-Core Processor"
        a = machine.machine_key(cpu, 16, [{"name": "NVIDIA H200"}])
        b = machine.machine_key(cpu, 16, [{"name": "NVIDIA A100-SXM4-80GB"}])
        assert a != b and "nvidia-h200" in a

    def test_collect_has_what_pages_show(self):
        """machine_info carries torch/numpy versions, build, threads, CPU, caches, RAM and accelerators."""
        info = machine.collect(torch, np)
        assert info["torch"]["version"] == torch.__version__
        assert info["torch"]["build"] in {"CPU", "MPS"} or info["torch"]["build"].startswith(("CUDA", "ROCm"))
        assert info["numpy"] == np.__version__
        assert info["accelerators_checked"] == ["cuda", "mps"]
        assert {"key", "cpu", "caches", "ram_bytes", "accelerators"} <= set(info)
