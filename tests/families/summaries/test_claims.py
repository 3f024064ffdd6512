"""torchsummary's errors and torchinfo's counts, checked on tiny models."""

from __future__ import annotations

import pytest
import torch

pytest.importorskip("torchsummary")
pytest.importorskip("torchinfo")

from tipsbench.families.summaries import claims as s  # noqa: E402


class TestTorchsummary:
    def test_shared_layer_counted_twice(self):
        """A Linear(4, 4) used twice is reported as 40 parameters instead of 20."""
        obs = s.shared_layer_counted_twice()
        assert obs.holds, obs.shown
        assert "Total params: 40" in obs.shown

    def test_top_level_parameter_missed(self):
        """The model's own 100-element parameter is left out: 110 instead of 210."""
        obs = s.top_level_parameter_missed()
        assert obs.holds, obs.shown
        assert "Total params: 110" in obs.shown

    def test_lstm_crash(self):
        """An LSTM's tuple output crashes torchsummary."""
        obs = s.lstm_crash()
        assert obs.holds, obs.shown
        assert obs.shown.startswith("AttributeError")

    def test_hooks_left_after_error(self):
        """After the crash the model's own forward pass fails."""
        obs = s.hooks_left_after_error()
        assert obs.holds, obs.shown

    def test_fresh_model_is_unaffected(self):
        """A rebuilt model runs forward normally: the damage is to the one instance."""
        s.hooks_left_after_error()
        assert s.LSTMNet()(torch.rand(2, 5, 8)).shape == (2, 2)

    def test_four_bytes_per_parameter(self):
        """A float64 model's params size is reported at half its real size."""
        obs = s.assumes_4_bytes()
        assert obs.holds, obs.shown
        assert "3.82" in obs.shown

    def test_seed_device_argument(self):
        """Passing torch.device('cuda:0'), as the seed does, raises before any work."""
        obs = s.seed_device_argument_fails()
        assert obs.holds, obs.shown

    def test_cuda_default(self):
        """The default device='cuda' behaves as the claim says for this machine."""
        obs = s.cuda_default()
        assert obs.holds, obs.shown
        assert str(torch.cuda.is_available()) in obs.shown


class TestTorchinfo:
    def test_counts_right(self):
        """torchinfo's totals equal sum(p.numel()) on every model above, and float64 sizes."""
        obs = s.torchinfo_counts_right()
        assert obs.holds, obs.shown


class TestHelpers:
    def test_missing_footer_line_is_named(self):
        """Parsing a table without the expected footer line names the label it looked for."""
        with pytest.raises(ValueError, match="Total params"):
            s.torchsummary_total("no table here")


def test_hooks_claim_fails_when_torchinfo_still_works(monkeypatch):
    """The torchinfo half of the sentence is exercised: a torchinfo that survives fails the claim."""
    import torchinfo

    monkeypatch.setattr(torchinfo, "summary", lambda *a, **k: "fine")
    assert not s.hooks_left_after_error().holds
