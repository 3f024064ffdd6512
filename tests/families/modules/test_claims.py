"""The nn.Module container claims, checked on the installed torch."""

from __future__ import annotations

import torch

from tipsbench.families.modules import claims as m


class TestPythonList:
    def test_parameters_and_state_dict_empty(self):
        """A model whose layers sit in a Python list reports no parameters and an empty state_dict."""
        obs = m.list_hides_parameters()
        assert obs.holds, obs.shown
        assert list(m.ListNet().parameters()) == []

    def test_to_and_eval_skip_the_list(self):
        """.to(float64) and .eval() leave the listed layers as they were."""
        obs = m.list_skipped_by_to_and_eval()
        assert obs.holds, obs.shown
        assert "torch.float32" in obs.shown

    def test_optimizer_refuses_empty_parameters(self):
        """SGD over the list model's parameters raises the empty-parameter-list error."""
        obs = m.list_optimizer_gets_nothing()
        assert obs.holds
        assert "empty parameter list" in obs.shown

    def test_training_silently_does_nothing(self):
        """Training with a registered head leaves the listed layer's weights unchanged."""
        assert m.list_training_silently_does_nothing().holds


class TestContainers:
    def test_containers_register_everything(self):
        """ModuleList, ModuleDict and ParameterList put all five tensors in state_dict and train."""
        obs = m.containers_register()
        assert obs.holds, obs.shown
        assert "scales.0" in obs.shown and "blocks.proj.weight" in obs.shown

    def test_module_list_forward_matches_list(self):
        """The fix changes registration only, not what forward computes."""
        torch.manual_seed(0)
        fixed = m.ModuleListNet().eval()
        broken = m.ListNet()
        broken.layers = list(fixed.layers)
        x = torch.randn(3, 4)
        assert torch.equal(fixed(x), broken(x))
