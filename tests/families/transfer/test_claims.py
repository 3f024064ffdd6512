"""The GPU claims that can be checked on a CPU machine."""

from __future__ import annotations

import torch

from tipsbench import claims
from tipsbench.families.transfer import claims as gpu_claims


def test_every_gpu_claim_shows_what_it_saw():
    """Each gpu.* claim that could be checked here shows torch's output (the outcome
    itself is checked against the timeline in tests/core/test_claims.py)."""
    found = {k: c for k, c in claims.all_claims().items() if k.startswith("gpu.")}
    assert len(found) >= 6
    for claim_id, claim in found.items():
        seen = claims.observe(claim.id)
        if seen.status == "not-checkable":  # a CUDA claim on a build without CUDA
            assert claim.needs and torch.version.cuda is None, claim_id
            continue
        assert seen.shown and claim.text["en"] and claim.text["zh"], claim_id


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
