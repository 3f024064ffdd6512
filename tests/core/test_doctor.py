"""`tipsbench doctor`: what it reports and when it exits non-zero, with fake torch modules."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tipsbench import doctor, pcie, testing


class FakeTensor:
    def __init__(self, pinned: bool = False, fail: bool = False):
        self.pinned, self.fail = pinned, fail

    def pin_memory(self):
        if self.fail:
            raise RuntimeError("CUDA error: out of memory")
        return FakeTensor(True)

    def to(self, device, non_blocking=False):
        return self

    def is_pinned(self):
        return self.pinned


def fake_torch(*, cuda_built="12.8", available=True, count=1, raises=None, pin_fails=False):
    def is_available():
        if raises:
            raise raises
        return available

    props = SimpleNamespace(name="Fake H100", total_memory=80 << 30, major=9, minor=0,
                            pci_domain_id=0, pci_bus_id=0x3B, pci_device_id=0)
    cuda = SimpleNamespace(is_available=is_available, device_count=lambda: count,
                           get_device_properties=lambda i: props)
    return SimpleNamespace(
        __version__="2.13.0", version=SimpleNamespace(cuda=cuda_built, hip=None), cuda=cuda,
        backends=SimpleNamespace(mps=SimpleNamespace(is_built=lambda: False, is_available=lambda: False),
                                 cudnn=SimpleNamespace(is_available=lambda: True, version=lambda: 90100)),
        accelerator=SimpleNamespace(is_available=lambda: available and count > 0, current_accelerator=lambda: "cuda"),
        arange=lambda n, dtype=None: FakeTensor(fail=pin_fails), float32="float32", equal=lambda a, b: True,
    )


SMI = [{"index": 2, "pci_bus_id": "00000000:3B:00.0", "name": "Fake H100", "uuid": "GPU-x",
        "link": pcie.Link(5, 16, "nvidia-smi")}]


class TestVisibleDevices:
    @pytest.mark.parametrize("value, entries", [
        (None, None), ("", []), ("2,0", ["2", "0"]), ("0,x,1", ["0"]), ("x,0", []), ("GPU-abc,1", ["GPU-abc", "1"]),
    ])
    def test_cuda_stops_at_the_first_invalid_entry(self, value, entries):
        """Entries are honoured up to the first invalid one; '' hides every GPU."""
        assert doctor.parse_visible_devices(value)[0] == entries

    def test_renumbering_is_spelled_out(self):
        """'2,0' is explained as cuda:0 = GPU 2, cuda:1 = GPU 0."""
        assert "cuda:0 = GPU 2, cuda:1 = GPU 0" in doctor.parse_visible_devices("2,0")[1]

    def test_order_advice(self):
        """Unset order warns that numbering may differ from nvidia-smi; PCI_BUS_ID matches it."""
        assert "PCI_BUS_ID" in doctor.order_note(None) and "nvidia-smi" in doctor.order_note(None)
        assert "like nvidia-smi" in doctor.order_note("PCI_BUS_ID")
        assert "not a value" in doctor.order_note("BY_NAME")

    def test_physical_index_by_bus_id_then_by_list(self):
        """The nvidia-smi row with the same bus id wins; otherwise the visible list maps it."""
        assert doctor.physical_index(0, ["2"], "00000000:3B:00.0", SMI) == "nvidia-smi GPU 2"
        assert doctor.physical_index(1, ["3", "1"], None, []).startswith("GPU 1 in CUDA's order")


class TestDiagnose:
    def test_this_cpu_machine_exits_zero_and_says_so(self, capsys):
        """On this CPU-only machine doctor exits 0 and reports a CPU-only machine."""
        if testing.accelerator_available():
            pytest.skip("an accelerator is present")
        assert doctor.main([]) == 0
        out = capsys.readouterr().out
        assert "CPU-only machine" in out and "pinned memory" in out and "CUDA_VISIBLE_DEVICES" in out

    def test_json_output(self, capsys):
        """--json prints the same facts and the summary as JSON."""
        import json

        doctor.main(["--json"])
        data = json.loads(capsys.readouterr().out)
        assert "torch" in data["facts"] and data["summary"].startswith(("OK", "BROKEN"))

    def test_working_gpu_is_described_with_link_and_physical_index(self):
        """A working GPU is listed with name, memory, bus id, link and nvidia-smi index."""
        report = doctor.diagnose(fake_torch(), {"CUDA_VISIBLE_DEVICES": "2"}, SMI, link_of=lambda d: SMI[0]["link"])
        line = report.facts["cuda:0"]
        assert "Fake H100" in line and "80.0 GiB" in line and "00000000:3B:00.0" in line
        assert "PCIe Gen5 x16 ≈ 63.0 GB/s" in line and "nvidia-smi GPU 2" in line
        assert report.exit_code == 0 and "works" in report.facts["pinned memory"]

    def test_cuda_failing_to_initialize_is_broken(self):
        """is_available() raising (a broken driver) exits 1 with the reason."""
        report = doctor.diagnose(fake_torch(raises=RuntimeError("driver mismatch")), {}, SMI)
        assert report.exit_code == 1 and "driver mismatch" in report.problems[0]

    def test_gpus_seen_but_unusable_is_broken(self):
        """nvidia-smi sees a GPU but a CUDA build can't use it: exit 1."""
        report = doctor.diagnose(fake_torch(available=False, count=0), {}, SMI)
        assert report.exit_code == 1 and "nvidia-smi sees 1 GPU(s)" in report.problems[0]

    def test_hidden_gpus_are_not_broken(self):
        """CUDA_VISIBLE_DEVICES='' hiding the GPUs is a note, not a failure."""
        report = doctor.diagnose(fake_torch(available=False, count=0), {"CUDA_VISIBLE_DEVICES": ""}, SMI)
        assert report.exit_code == 0 and "hides every GPU" in report.notes[0]

    def test_cpu_build_next_to_a_gpu_is_a_note(self):
        """A CPU build of torch on a GPU machine exits 0 but says to install a CUDA build."""
        report = doctor.diagnose(fake_torch(cuda_built=None, available=False, count=0), {}, SMI)
        assert report.exit_code == 0 and "CUDA build" in report.notes[0]

    def test_pinned_memory_failure_is_broken(self):
        """A failing pinned round trip exits 1 and quotes the error."""
        report = doctor.diagnose(fake_torch(pin_fails=True), {}, SMI, link_of=lambda d: None)
        assert report.exit_code == 1 and "out of memory" in report.problems[-1]
        assert doctor.summary(report).startswith("BROKEN")
