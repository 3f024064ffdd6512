"""GPU ↔ GPU peer copies without a GPU: the cases, inputs and timer (with fakes), the path
nvidia-smi reports between two GPUs, the typed record, and the page's table (synthetic
runs: test data only, never shipped)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from tipsbench import devtiming, testing
from tipsbench.cases import KiB, MiB
from tipsbench.families.transfer import catalog as transfer
from tipsbench.families.transfer import peers
from tipsbench.families.transfer import views as gpu_views
from tipsbench.render.registry import PageContext, render_markers
from tipsbench.results import ResultsError

# nvidia-smi numbers GPUs in PCI bus order; CUDA here lists them otherwise (FASTEST_FIRST).
GPUS = [transfer.Device("cuda", 0, "Fake A", "00000000:3B:00.0"), transfer.Device("cuda", 1, "Fake A", "00000000:1A:00.0"),
        transfer.Device("cuda", 2, "Fake A", "00000000:88:00.0")]
SMI = [{"index": 0, "pci_bus_id": "00000000:1A:00.0"}, {"index": 1, "pci_bus_id": "00000000:3B:00.0"},
       {"index": 2, "pci_bus_id": "00000000:88:00.0"}]
# As nvidia-smi prints it: an underlined header, tabs, a NIC column, the legend below.
TOPO = (
    "\t\x1b[4mGPU0\tGPU1\tGPU2\tNIC0\tCPU Affinity\tNUMA Affinity\tGPU NUMA ID\x1b[0m\n"
    "GPU0\t X \tNV18\tSYS\tPIX\t0-47\t0\t\tN/A\n"
    "GPU1\tNV18\t X \tSYS\tSYS\t0-47\t0\t\tN/A\n"
    "GPU2\tSYS\tSYS\t X \tSYS\t48-95\t1\t\tN/A\n"
    "NIC0\tPIX\tSYS\tSYS\t X \n\n"
    "Legend:\n\n  X    = Self\n  SYS  = Connection traversing PCIe as well as the SMP interconnect\n"
    "  NV#  = Connection traversing a bonded set of # NVLinks\n\nNIC Legend:\n\n  NIC0: mlx5_0\n"
)


class TestCases:
    def test_fewer_than_two_gpus_give_one_skippable_case_per_variant(self):
        """No GPU, one GPU, or MPS alone: one placeholder per peer variant, and the reason counts the GPUs."""
        for devices in ([], GPUS[:1], [transfer.Device("mps", 0, "Apple MPS")]):
            cases = transfer.peer_cases(devices, full=True)
            assert [c.variant for c in cases] == [v.name for v in transfer.PEER_VARIANTS]
            assert {c.device for c in cases} == {transfer.NO_PEER}
        assert transfer.no_peer_reason(GPUS[:1]) == "peer copies need two CUDA GPUs; found 1"

    def test_full_copies_from_the_first_gpu_to_every_other_quick_to_the_next(self):
        full, quick = transfer.peer_cases(GPUS, full=True), transfer.peer_cases(GPUS, full=False)
        assert {c.device for c in full} == {"cuda:0->cuda:1", "cuda:0->cuda:2"}
        assert {c.device for c in quick} == {"cuda:0->cuda:1"}
        assert len(full) == 2 * len(transfer.PEER_VARIANTS) * len(transfer.sizes(True))
        assert len({c.id for c in full}) == len(full)
        assert transfer.peer_of(full[0]) == ("cuda:0", "cuda:1")
        with pytest.raises(ValueError, match="not a peer case"):
            transfer.peer_of(transfer.cases(GPUS, full=False)[0])

    def test_peer_variants_stay_apart_from_the_host_device_ones(self):
        """The host ↔ device grid and its ceilings never see a peer variant."""
        assert not set(transfer.PEER_VARIANTS_BY_NAME) & set(transfer.VARIANTS_BY_NAME)
        assert {v.direction for v in transfer.PEER_VARIANTS} == {transfer.P2P}
        assert not any(v.ceiling for v in transfer.PEER_VARIANTS)

    @pytest.mark.parametrize("variant", transfer.PEER_VARIANTS, ids=lambda v: v.name)
    def test_the_shown_code_runs_and_moves_the_bytes(self, variant):
        """Compiled as shown, each peer variant copies the payload (CPU to CPU here)."""
        args = transfer.make_inputs(variant, "cpu", 4 * KiB, torch, target="cpu")
        result = variant.compile()(*args)
        assert isinstance(result, torch.Tensor) and result.nbytes == 4 * KiB and bool((result == 1).all())

    def test_a_peer_variant_needs_its_target(self):
        with pytest.raises(ValueError, match="'p2p_copy' needs a target device for 'd_peer'"):
            transfer.make_inputs(transfer.PEER_VARIANTS_BY_NAME["p2p_copy"], "cpu", 4 * KiB, torch)

    def test_the_timer_waits_for_both_gpus(self):
        """A round ends when the source and the target have both finished."""
        synced: list[object] = []
        cuda = SimpleNamespace(synchronize=synced.append, Event=None, current_stream=lambda d: f"stream {d}")
        fake = SimpleNamespace(cuda=cuda)
        source = transfer.peer_timer(devtiming.choose("cuda:0", fake), "cuda:1", fake)
        source.sync()
        assert synced == ["cuda:0", "cuda:1"]
        assert source.stream() == "stream cuda:0"  # events on the copy's stream: the source's


class TestTopology:
    def test_the_matrix_is_read_per_pair_of_gpus(self):
        paths = peers.parse_topology(TOPO)
        assert paths[(0, 1)] == paths[(1, 0)] == "NV18"
        assert paths[(0, 2)] == "SYS" and (0, 0) not in paths and len(paths) == 6

    def test_cuda_devices_are_matched_by_bus_id(self):
        """cuda:0 is nvidia-smi's GPU1 here: the path is looked up by bus id, not by number."""
        paths = peers.parse_topology(TOPO)
        assert peers.link_between(GPUS[0], GPUS[1], SMI, paths) == "NV18"
        assert peers.link_between(GPUS[0], GPUS[2], SMI, paths) == "SYS"
        unknown = transfer.Device("cuda", 3, "Fake A", None)
        assert peers.link_between(GPUS[0], unknown, SMI, paths) is None

    def test_without_nvidia_smi_nothing_is_known(self):
        assert peers.topology(lambda cmd: None) == {} and peers.parse_topology("") == {}
        assert peers.topology(lambda cmd: TOPO)[(2, 0)] == "SYS"

    @pytest.mark.parametrize("path, kind", [("NV18", "nvlink"), ("NV4", "nvlink"), ("PIX", "pcie"),
                                            ("SYS", "pcie"), ("NODE", "pcie"), ("SOC", None), (None, None)])
    def test_link_kind(self, path, kind):
        assert peers.link_kind(path) == kind


def peer_bench(variant: str, nbytes: int, rate: float, target: str = "cuda:1 Fake<A>", **extra: object) -> dict:
    v = transfer.PEER_VARIANTS_BY_NAME[variant]
    fields = {"code": v.code, "direction": "p2p", "pinned": False, "non_blocking": False, "device": "cuda:0 Fake<A>",
              "target": target, "peer_access": True, "peer_link": "NV18",
              "timing": "cuda.synchronize + perf_counter", "shares_memory": False}
    fields.update(extra)
    return testing.bench("transfer", variant, nbytes / rate, nbytes=nbytes, **fields)


GPU_MACHINE = {"key": "fake-gpu_8t_fake-a", "accelerators": [{"type": "cuda", "index": i, "name": "Fake<A>"} for i in (0, 1)]}


def peer_run(*benches: dict):
    return testing.run(list(benches), path="results/fake-gpu_8t_fake-a_20261129T000000Z.json", **GPU_MACHINE)


class TestRecords:
    def test_a_peer_record_carries_its_target_access_and_path(self):
        fields = peer_run(peer_bench("p2p_copy", MiB, 300e9)).records[0].fields
        assert (fields.target, fields.peer_access, fields.peer_link) == ("cuda:1 Fake<A>", True, "NV18")

    def test_a_peer_record_without_its_target_is_refused_in_one_line(self):
        with pytest.raises(ResultsError, match=r"benchmarks\[0\]\.extra_info\.target is missing"):
            peer_run(peer_bench("p2p_copy", MiB, 300e9, target=None))

    def test_a_host_device_record_needs_no_target(self):
        bench = testing.bench("transfer", "h2d_pinned", 1e-4, code="t_pinned.to(device)", direction="h2d",
                              pinned=True, non_blocking=False, device="cuda:0 Fake<A>", shares_memory=False)
        fields = peer_run(bench).records[0].fields
        assert fields.target is None and fields.peer_access is None


def render(marker: str, runs: tuple = (), locale: str = "en", warnings: list | None = None) -> str:
    sink = warnings if warnings is not None else []
    return render_markers(marker, PageContext(locale=locale, page="gpu.md", runs=runs, warn=sink.append))


class TestPeerTable:
    MARKER = "<!-- tipsbench:gpu-peer-table -->"

    def test_without_gpu_runs_it_says_so_and_links_to_the_how_to(self):
        for locale, words in (("en", "No GPU results yet."), ("zh", "目前还没有 GPU 实测结果。")):
            html = render(self.MARKER, locale=locale)
            assert words in html and f'href="{gpu_views.CONTRIBUTE_ANCHOR}"' in html

    def test_one_gpu_runs_say_there_is_no_peer_result(self):
        bench = testing.bench("transfer", "h2d_pinned", 1e-4, code="t_pinned.to(device)", direction="h2d",
                              pinned=True, non_blocking=False, device="cuda:0 Fake<A>", shares_memory=False)
        assert "No peer-copy results yet" in render(self.MARKER, (peer_run(bench),))
        assert "点对点复制" in render(self.MARKER, (peer_run(bench),), "zh")

    def test_a_table_per_pair_with_access_and_path(self):
        run = peer_run(peer_bench("p2p_copy", MiB, 300e9), peer_bench("p2p_to", MiB, 250e9),
                       peer_bench("p2p_copy", MiB, 50e9, target="cuda:2 Fake<A>", peer_access=False, peer_link="SYS"))
        html = render(self.MARKER, (run,))
        assert html.count("<table") == 2
        assert "cuda:0 Fake&lt;A&gt; → cuda:1 Fake&lt;A&gt;" in html and "Fake<A>" not in html
        assert "300 GB/s" in html and "d.to(peer)" in html and "d_peer.copy_(d)" in html
        assert "NV18, NVLink" in html and "SYS, PCIe" in html
        assert "Peer access (<code>torch.cuda.can_device_access_peer</code>): yes" in html
        assert "no: the driver stages each copy through host memory" in html
        zh = render(self.MARKER, (run,), "zh")
        assert "点对点访问" in zh and "NV18，NVLink" in zh

    def test_host_device_tables_refuse_the_peer_direction(self):
        """Peer copies have their own marker: gpu-table lists the other directions only."""
        warnings: list[str] = []
        render("<!-- tipsbench:gpu-table direction=p2p -->", warnings=warnings)
        assert "direction=p2p is not allowed (allowed: h2d, d2h, d2d, pin)" in warnings[0]
