"""The GPU claims that can be checked on a CPU machine."""

from __future__ import annotations

import pytest
import torch

from tipsbench import claims
from tipsbench.families.transfer import claims as gpu_claims

# What the child probe reports on a machine where every claim holds, and one change each
# that must make that claim fail: the checks read the probe, so they are tested on it.
HOLDING = {"initialized_after_import": False, "is_available": False, "device_count": 0, "mps_available": False,
           "pin_error": f"RuntimeError: {gpu_claims.PIN_ERROR}.", "cuda_error": "AssertionError: Torch not compiled with CUDA enabled",
           "loader_warnings": ["'pin_memory' argument is set as true but no accelerator is found"], "loader_pinned": False,
           "loader_error": None, "device_warnings": ["pin_memory_device is deprecated, the current accelerator will be used"],
           "device_error": None}
BREAKS = {
    "gpu.hidden_means_no_cuda": {"is_available": True, "device_count": 1},
    "gpu.import_does_not_init_cuda": {"initialized_after_import": True},
    "gpu.pin_memory_needs_accelerator": {"pin_error": None},
    "gpu.cuda_without_device_raises": {"cuda_error": None},
    "gpu.dataloader_pin_without_accelerator": {"loader_pinned": True},
    "gpu.pin_memory_device_deprecated": {"device_warnings": []},
}


@pytest.mark.parametrize("claim_id", sorted(BREAKS))
def test_each_probe_claim_holds_on_its_evidence_and_fails_without_it(claim_id, monkeypatch):
    check = claims.get(claim_id).check
    monkeypatch.setattr(gpu_claims, "probe", lambda: dict(HOLDING))
    assert check().holds, claim_id
    monkeypatch.setattr(gpu_claims, "probe", lambda: {**HOLDING, **BREAKS[claim_id]})
    assert not check().holds, claim_id


def test_pin_error_is_quoted_verbatim():
    """The pin_memory() claim shows torch's own message: on a CPU build, the one its text quotes."""
    seen = gpu_claims.pin_memory_needs_accelerator()
    assert seen.shown.startswith("RuntimeError: ")
    if torch.version.cuda is None:
        assert gpu_claims.PIN_ERROR in seen.shown


def test_pin_claim_fails_when_nothing_is_raised(monkeypatch):
    """The check can fail: a pin_memory() that returned would not count as raising."""
    monkeypatch.setattr(gpu_claims, "probe", lambda: {"pin_error": None, "mps_available": False})
    assert not gpu_claims.pin_memory_needs_accelerator().holds


def test_probe_hides_cuda_from_the_child_only():
    """The probe sets CUDA_VISIBLE_DEVICES in the child, not in this process."""
    import os

    before = os.environ.get("CUDA_VISIBLE_DEVICES")
    assert gpu_claims.probe()["device_count"] == 0
    assert os.environ.get("CUDA_VISIBLE_DEVICES") == before


def test_to_same_device_claim_would_fail_on_a_copy(monkeypatch):
    """If .to() copied, the claim's check would report it as not holding."""
    monkeypatch.setattr(torch.Tensor, "to", lambda self, *a, **k: self.clone())
    assert not gpu_claims.to_same_device_returns_self().holds
