"""The all-reduce runner for real: three gloo processes on this CPU under torchrun, once per
module, then the file rank 0 saved read through the real loader (and `tipsbench validate`).
A test of the logic only: a gloo run on CPUs is never a shipped result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tipsbench import validate
from tipsbench.families.collectives import catalog, run
from tipsbench.families.collectives.records import bus_factor, busbw
from tipsbench.results import load_run

RANKS = 3  # with 2 ranks busbw = algbw: 3 makes the formula visible (× 4/3)
SIZES = (4 << 10, 256 << 10)


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith("TIPSBENCH_") and k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE",
                                                            "MASTER_ADDR", "MASTER_PORT")}


@pytest.fixture(scope="module")
def gloo_run(tmp_path_factory):
    """torchrun --standalone (a free port, chosen by the rendezvous) with three CPU processes."""
    out = tmp_path_factory.mktemp("collectives")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={RANKS}",
         "-m", run.MODULE, "--results-dir", str(out), "--profile", "quick",
         "--sizes", ",".join(str(s) for s in SIZES)],
        capture_output=True, text=True, timeout=120, env=clean_env(), check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    files = sorted(out.iterdir())
    return {"stdout": done.stdout, "stderr": done.stderr, "files": files, "seconds": time.monotonic() - started}


@pytest.mark.slow
class TestGlooRun:
    def test_rank_zero_saves_one_file_that_loads(self, gloo_run):
        assert len(gloo_run["files"]) == 1
        loaded = load_run(gloo_run["files"][0])
        assert {r.tip for r in loaded.records} == {catalog.TIP}
        assert sorted(r.nbytes for r in loaded.records) == list(SIZES)
        assert validate.check(gloo_run["files"][0]).startswith("results, machine ")  # what a pull request may add

    def test_the_world_is_recorded(self, gloo_run):
        loaded = load_run(gloo_run["files"][0])
        for record in loaded.records:
            f = record.fields
            assert (f.world_size, f.local_world_size, f.backend, f.device, f.op) == (RANKS, RANKS, "gloo", "cpu", "sum")
            assert record.code == catalog.CODE and record.variant == "all_reduce"
        data = json.loads(gloo_run["files"][0].read_text())
        ours = data["machine_info"]["tipsbench"]
        assert ours["distributed"] == {"backend": "gloo", "world_size": RANKS, "local_world_size": RANKS}
        assert ours["key"] == loaded.key and "node" not in data["machine_info"]  # compact: no host name

    def test_numbers_are_sane_and_busbw_follows_nccl_tests(self, gloo_run):
        """algbw = S / median, busbw = algbw × 2(n−1)/n (4/3 for 3 ranks), in the file and in the records."""
        data = json.loads(gloo_run["files"][0].read_text())
        for bench in data["benchmarks"]:
            stats, extra = bench["stats"], bench["extra_info"]
            assert 0 < stats["min"] <= stats["median"] <= stats["max"] < 10
            assert stats["rounds"] >= 5 and stats["iterations"] == 1 and "data" not in stats
            assert extra["algbw_bytes_per_s"] == pytest.approx(extra["bytes"] / stats["median"])
            assert extra["busbw_bytes_per_s"] == pytest.approx(extra["algbw_bytes_per_s"] * 4 / 3)
        for record in load_run(gloo_run["files"][0]).records:
            assert busbw(record) == pytest.approx(record.nbytes / record.median_s * bus_factor(RANKS))

    def test_rank_zero_prints_a_table_and_says_it_is_no_gpu_result(self, gloo_run):
        out = gloo_run["stdout"]
        assert f"over {RANKS} ranks ({RANKS} per node), backend gloo on cpu" in out
        assert out.count("tipsbench: saved 2 results to ") == 1  # one rank saves
        assert "a test of the logic, not a GPU result" in out
        assert "Traceback" not in gloo_run["stderr"]

    def test_it_stays_quick(self, gloo_run):
        assert gloo_run["seconds"] < 60


@pytest.mark.slow
def test_without_torchrun_it_says_how_to_start_it_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", run.MODULE, "--results-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, env=clean_env(), check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "start it with torchrun" in done.stderr
    assert not list(tmp_path.iterdir())
