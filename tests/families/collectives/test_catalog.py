"""The all-reduce catalog and the runner's pieces that need no process group: sizes, the
backend, the bus bandwidth factor, the environment torchrun gives, the refusals."""

from __future__ import annotations

import argparse
from types import SimpleNamespace

import pytest

from tipsbench.cases import GiB, KiB, MiB
from tipsbench.families.collectives import catalog, run
from tipsbench.families.collectives.records import bus_factor


class TestCatalog:
    def test_sizes_sweep_4kib_to_1gib_and_quick_keeps_three(self):
        assert catalog.sizes(True)[0] == 4 * KiB and catalog.sizes(True)[-1] == 1 * GiB
        assert len(catalog.sizes(True)) == 10 and catalog.sizes(False) == (4 * KiB, 1 * MiB, 64 * MiB)

    def test_nccl_on_gpus_gloo_elsewhere(self):
        assert catalog.backend_for("cuda") == "nccl"
        assert catalog.backend_for("cpu") == "gloo"

    def test_the_timed_call_is_the_shown_code(self):
        """CODE compiled against a fake torch.distributed calls all_reduce on the buffer."""
        calls = []
        call = catalog.compile_call(SimpleNamespace(all_reduce=calls.append))
        call("buffer")
        assert calls == ["buffer"] and catalog.CODE == "dist.all_reduce(x)"

    @pytest.mark.parametrize("ranks, factor", [(2, 1.0), (3, 4 / 3), (4, 1.5), (8, 1.75), (64, 126 / 64)])
    def test_bus_factor_is_nccl_tests_2_n_minus_1_over_n(self, ranks, factor):
        assert bus_factor(ranks) == pytest.approx(factor)

    def test_expected_sum(self):
        assert catalog.expected_sum(3) == 6 and catalog.expected_sum(8) == 36

    @pytest.mark.parametrize("text, nbytes", [("4096", 4096), ("4KiB", 4 * KiB), ("64MiB", 64 * MiB),
                                              ("1GiB", GiB), (" 8 KiB", 8 * KiB), ("16B", 16)])
    def test_sizes_are_read_with_binary_units(self, text, nbytes):
        assert catalog.parse_size(text) == nbytes

    @pytest.mark.parametrize("text", ["", "4k", "1.5MiB", "-4", "6", "0", "KiB"])
    def test_bad_sizes_are_refused(self, text):
        with pytest.raises(ValueError):
            catalog.parse_size(text)


class TestEnvironment:
    def test_torchrun_variables_make_the_world(self):
        env = {"RANK": "1", "WORLD_SIZE": "8", "LOCAL_RANK": "1", "LOCAL_WORLD_SIZE": "4"}
        assert run.world_from_env(env) == run.World(rank=1, size=8, local_rank=1, local_size=4)

    def test_without_torchrun_it_names_the_command(self):
        with pytest.raises(run.UsageError, match="RANK, WORLD_SIZE, LOCAL_RANK not set: start it with torchrun"):
            run.world_from_env({})

    def test_one_process_is_refused(self):
        with pytest.raises(run.UsageError, match="two or more processes, WORLD_SIZE is 1"):
            run.world_from_env({"RANK": "0", "WORLD_SIZE": "1", "LOCAL_RANK": "0"})

    def test_more_processes_than_gpus_is_refused_on_every_rank(self):
        """Rank 0 refuses too (it would otherwise wait for a rank that never joins)."""
        for rank in (0, 1):
            with pytest.raises(run.UsageError, match="2 processes per node but 1 GPU"):
                run.too_many(run.World(rank=rank, size=2, local_rank=rank, local_size=2), visible=1)
        run.too_many(run.World(rank=1, size=16, local_rank=1, local_size=8), visible=8)

    def test_a_cpu_run_must_name_its_folder(self, monkeypatch):
        """gloo on CPUs is a test of the logic: it never lands in results/ by default."""
        monkeypatch.setenv("TIPSBENCH_RESULTS", "/somewhere")
        args = argparse.Namespace(results_dir=None)
        with pytest.raises(run.UsageError, match="no CUDA here"):
            run.target_dir(args, on_gpus=False)
        assert str(run.target_dir(args, on_gpus=True)) == "/somewhere"
        assert str(run.target_dir(argparse.Namespace(results_dir="out"), on_gpus=False)) == "out"

    def test_sizes_come_from_the_profile_or_the_option(self):
        assert run.chosen_sizes(argparse.Namespace(sizes=None), "quick") == catalog.sizes(False)
        assert run.chosen_sizes(argparse.Namespace(sizes="64MiB,4KiB,4KiB"), "full") == (4 * KiB, 64 * MiB)
        with pytest.raises(run.UsageError, match="--sizes"):
            run.chosen_sizes(argparse.Namespace(sizes="4KiB,lots"), "full")
