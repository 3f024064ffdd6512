"""Unit tests of tipsbench.transfer (named apart from benchmarks/test_transfer.py: pytest's default
import mode can't hold two test modules with one basename): catalog, devices, inputs, ceilings, link."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from tipsbench import pcie, testing
from tipsbench.cases import GiB, KiB, MiB
from tipsbench.families.transfer import catalog as transfer

ROOT = Path(__file__).resolve().parents[3]
FAKE_CUDA = [transfer.Device("cuda", 0, "Fake A"), transfer.Device("cuda", 1, "Fake B")]
FAKE_MPS = [transfer.Device("mps", 0, "Apple MPS")]
# Variants whose inputs can exist on a CPU-only machine (no pinned memory, no .cuda()).
CPU_RUNNABLE = [v for v in transfer.VARIANTS if not v.pinned and v.name not in ("h2d_cuda", "pin_memory")]


class TestVariants:
    def test_catalog_covers_the_issue(self):
        """Every comparison the GPU page needs has a variant."""
        codes = {v.code for v in transfer.VARIANTS}
        for needed in ("t.to(device)", "t_pinned.to(device, non_blocking=True)", "t.cuda(device)",
                       "torch.as_tensor(a, device=device)", "torch.from_numpy(a).to(device)", "t.pin_memory()",
                       "t.pin_memory().to(device, non_blocking=True)", "t_pinned_dst.copy_(d)", "d_dst.copy_(d)"):
            assert needed in codes
        assert {v.direction for v in transfer.VARIANTS} == {transfer.H2D, transfer.D2H, transfer.D2D, transfer.PIN}

    def test_names_are_unique(self):
        """Variant names are the keys of results, so no two may share one."""
        assert len(transfer.VARIANTS_BY_NAME) == len(transfer.VARIANTS)

    def test_ceiling_candidates_are_pinned_copies(self):
        """Only plain pinned copies (no pin_memory() inside) can set a direction's ceiling."""
        chosen = {v.name for v in transfer.VARIANTS if v.ceiling}
        assert chosen == {"h2d_pinned", "h2d_pinned_nb", "d2h_pinned", "d2h_pinned_nb"}

    @pytest.mark.parametrize("variant", CPU_RUNNABLE, ids=lambda v: v.name)
    def test_the_shown_code_runs_and_moves_the_bytes(self, variant):
        """Each variant's code, compiled as it is shown, copies the payload (on CPU here)."""
        args = transfer.make_inputs(variant, "cpu", 4 * KiB, torch)
        result = variant.compile()(*args)
        assert isinstance(result, torch.Tensor) and result.nbytes == 4 * KiB
        assert result.device.type == "cpu" and bool((result == 1).all())

    def test_pinned_inputs_need_an_accelerator_here(self):
        """On this CPU-only machine, making pinned inputs raises (the benchmark turns it into a skip)."""
        if testing.accelerator_available():
            pytest.skip("an accelerator is present: pinned memory works here")
        with pytest.raises(RuntimeError):  # the message depends on the release and build
            transfer.make_inputs(transfer.VARIANTS_BY_NAME["h2d_pinned"], "cpu", 4 * KiB, torch)

    def test_unknown_input_is_refused(self):
        """A variant naming an input we don't build fails with its name."""
        bad = transfer.Variant("bad", transfer.H2D, "x", ("x",), False, False)
        with pytest.raises(ValueError, match="'bad' needs unknown input 'x'"):
            transfer.make_inputs(bad, "cpu", 4 * KiB, torch)


class TestCases:
    def test_no_device_gives_one_skippable_case_per_variant(self):
        """Without CUDA/MPS the grid is one placeholder per variant, not per size."""
        cases = transfer.cases([], full=True)
        assert len(cases) == len(transfer.VARIANTS)
        assert {c.device for c in cases} == {transfer.NO_DEVICE}
        assert "no CUDA/MPS device was found" in transfer.NO_DEVICE_REASON

    def test_sizes_sweep_4kib_to_1gib(self):
        """Full sweeps 4 KiB × 4^k up to 1 GiB; quick keeps a few sizes."""
        assert transfer.sizes(True)[0] == 4 * KiB and transfer.sizes(True)[-1] == 1 * GiB
        assert len(transfer.sizes(True)) == 10
        assert transfer.sizes(False) == (4 * KiB, 1 * MiB, 64 * MiB)

    def test_every_gpu_gets_every_variant_and_cuda_only_stays_on_cuda(self):
        """Each visible GPU is its own set of cases; .cuda() is not run on MPS."""
        cases = transfer.cases(FAKE_CUDA + FAKE_MPS, full=False)
        per_device = {d: {c.variant for c in cases if c.device == d} for d in ("cuda:0", "cuda:1", "mps:0")}
        assert per_device["cuda:0"] == per_device["cuda:1"] == set(transfer.VARIANTS_BY_NAME)
        assert per_device["mps:0"] == set(transfer.VARIANTS_BY_NAME) - {"h2d_cuda"}
        ids = [c.id for c in cases]
        assert len(ids) == len(set(ids))

    def test_find_devices_labels_each_gpu_by_index_and_name(self):
        """A fake torch with two CUDA GPUs and MPS yields three labelled devices."""
        names = ["GPU Zero", "GPU One"]
        props = [SimpleNamespace(name=n, total_memory=1 << 30, major=9, minor=0) for n in names]
        fake = SimpleNamespace(
            cuda=SimpleNamespace(is_available=lambda: True, device_count=lambda: 2,
                                 get_device_properties=lambda i: props[i]),
            backends=SimpleNamespace(mps=SimpleNamespace(is_available=lambda: True)),
        )
        labels = [d.label for d in transfer.find_devices(fake)]
        assert labels == ["cuda:0 GPU Zero", "cuda:1 GPU One", "mps:0 Apple MPS"]


class TestMemoryFit:
    def test_device_fit_uses_free_memory_with_spare(self):
        """A case that needs more than 90% of free device memory is refused, with numbers."""
        assert transfer.fits_on_device(1 * GiB, 2, 4 * GiB) == (True, "")
        fits, why = transfer.fits_on_device(1 * GiB, 2, 2 * GiB)
        assert not fits and "2048 MiB" in why
        assert transfer.fits_on_device(1 * GiB, 2, None)[0]

    def test_buffer_counts(self):
        """Host/device buffer counts follow what each variant holds while timed."""
        assert transfer.host_buffers(transfer.VARIANTS_BY_NAME["d2h_to_cpu"]) == 1  # a fresh result
        assert transfer.host_buffers(transfer.VARIANTS_BY_NAME["d2h_pinned"]) == 1  # into its target
        assert transfer.device_buffers(transfer.VARIANTS_BY_NAME["d2d"]) == 2
        assert transfer.device_buffers(transfer.VARIANTS_BY_NAME["h2d_pinned"]) == 1


class TestCeilings:
    def test_keys_per_direction_and_device(self):
        """The first GPU uses the plain key; others carry their type and index."""
        assert transfer.ceiling_key("h2d", FAKE_CUDA[0]) == "h2d_pinned_bytes_per_s"
        assert transfer.ceiling_key("d2h", FAKE_CUDA[1]) == "d2h_pinned_bytes_per_s_cuda1"
        assert transfer.ceiling_key("h2d", FAKE_MPS[0]) == "h2d_pinned_bytes_per_s_mps0"
        assert transfer.ceiling_key("d2d") == "d2d_bytes_per_s"

    def test_best_rates_take_the_best_pinned_copy_per_direction(self):
        """Pageable and pin+copy results never become the ceiling; the fastest pinned copy does."""
        mb = 1 << 20
        measured = [("cuda:0", "h2d_pageable", mb, mb / 50e9), ("cuda:0", "h2d_pinned", mb, mb / 20e9),
                    ("cuda:0", "h2d_pinned_nb", 4 * mb, 4 * mb / 24e9), ("cuda:0", "h2d_pin_then_copy", mb, mb / 90e9),
                    ("cuda:0", "d2h_pinned", mb, mb / 22e9), ("cuda:1", "d2h_pinned", mb, mb / 11e9)]
        best = transfer.best_rates(measured)
        assert best[("cuda:0", "h2d")] == (pytest.approx(24e9), "h2d_pinned_nb", 4 * mb)
        assert best[("cuda:0", "d2h")][0] == pytest.approx(22e9)
        assert best[("cuda:1", "d2h")][0] == pytest.approx(11e9)


class TestLink:
    @pytest.mark.parametrize("gen, width, gb", [(4, 16, 31.5), (5, 16, 63.0), (3, 16, 15.75), (4, 8, 15.75)])
    def test_theoretical_figures_match_facts(self, gen, width, gb):
        """PCIe Gen4 x16 ≈ 31.5 GB/s and Gen5 x16 ≈ 63 GB/s per direction (FACTS.md section 3)."""
        assert pcie.pcie_theoretical_bytes_per_s(gen, width) / 1e9 == pytest.approx(gb, rel=2e-3)

    def test_sysfs_link_is_read_from_the_bus_id(self, tmp_path):
        """CUDA's bus id is turned into sysfs's address and the current link is read."""
        dev = tmp_path / "0000:3b:00.0"
        dev.mkdir()
        (dev / "current_link_speed").write_text("32.0 GT/s PCIe\n")
        (dev / "current_link_width").write_text("16\n")
        link = pcie.sysfs_link("00000000:3B:00.0", tmp_path)
        assert link == pcie.Link(5, 16, "sysfs") and link.label == "PCIe Gen5 x16"

    def test_unreadable_sysfs_gives_none(self, tmp_path):
        """A missing device or an 'Unknown' speed gives no link rather than an error."""
        assert pcie.sysfs_link("00000000:3B:00.0", tmp_path) is None
        assert pcie.sysfs_link(None, tmp_path) is None
        assert pcie.parse_sysfs_speed("Unknown") is None

    def test_nvidia_smi_rows_and_fallback(self, tmp_path):
        """nvidia-smi's CSV is parsed, and link_of falls back to it when sysfs can't be read."""
        out = "0, 00000000:3B:00.0, NVIDIA H100, GPU-abc, 5, 16\n1, 00000000:86:00.0, NVIDIA H100, GPU-def, [N/A], 16\n"
        rows = pcie.parse_nvidia_smi(out)
        assert [r["index"] for r in rows] == [0, 1]
        assert rows[0]["link"].gen == 5 and rows[1]["link"] is None
        device = transfer.Device("cuda", 0, "NVIDIA H100", "00000000:3B:00.0")
        assert pcie.link_of(device, rows, tmp_path).source == "nvidia-smi"

    def test_missing_nvidia_smi_gives_no_rows(self):
        """Without nvidia-smi (the runner returns None) there are simply no rows."""
        assert pcie.nvidia_smi_gpus(lambda cmd: None) == []


@pytest.mark.slow
def test_benchmarks_skip_with_the_reason_on_a_cpu_machine():
    """Without CUDA/MPS the transfer benchmarks are one skip per variant (peer copies too), saying why."""
    if testing.accelerator_available():
        pytest.skip("an accelerator is present: the suite runs instead of skipping")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "benchmarks/test_transfer.py"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert f"{len(transfer.VARIANTS) + len(transfer.PEER_VARIANTS)} skipped" in done.stdout
    assert done.stdout.count("no CUDA/MPS device was found") == len(transfer.VARIANTS)
    assert done.stdout.count("peer copies need two CUDA GPUs; found 0") == len(transfer.PEER_VARIANTS)
