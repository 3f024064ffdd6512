"""The built-in models: sized as asked, tied where promised, and picklable by import path."""

from __future__ import annotations

import io

import pytest
import torch

from tipsbench import testing
from tipsbench.cases import MiB
from tipsbench.families.save_load import models


class TestSizing:
    @pytest.mark.parametrize("kind", sorted(models.KINDS))
    @pytest.mark.parametrize("target", [1 * MiB, 4 * MiB])
    def test_param_bytes_near_target(self, kind, target):
        """Each kind lands within 5% of the requested parameter+buffer bytes."""
        model = models.build(kind, target)
        assert abs(models.param_bytes(model) / target - 1) < 0.05

    def test_profiles_stay_in_their_ranges(self):
        """The quick profile stays at or under 32 MiB; the full one spans about 1 MB to 512 MB."""
        assert max(models.SIZES_QUICK) <= 32 * MiB
        assert min(models.SIZES_FULL) == 1 * MiB and max(models.SIZES_FULL) == 512 * MiB

    def test_unknown_kind_names_the_choices(self):
        """An unknown kind raises a ValueError that lists the known kinds."""
        with pytest.raises(ValueError, match="mlp, cnn, transformer"):
            models.build("rnn", MiB)

    def test_nonpositive_size_refused(self):
        """A zero target size is refused with the number in the message."""
        with pytest.raises(ValueError, match="0 bytes"):
            models.size_argument("mlp", 0)


class TestStructure:
    @pytest.mark.parametrize("kind", sorted(models.KINDS))
    def test_forward_runs(self, kind):
        """Every model accepts its example input and returns a batch of scores."""
        model = models.build(kind, 256 * 1024)
        out = model(models.example_input(kind, model))
        assert out.shape[0] == 2

    def test_transformer_is_tied(self):
        """The transformer's head and embedding share one storage, counted once in param_bytes."""
        model = models.build("transformer", 256 * 1024)
        assert model.head.weight is model.embed.weight
        assert models.has_tied_weights(model)
        naive = sum(t.numel() * t.element_size() for t in model.state_dict().values())
        assert models.param_bytes(model) == naive - model.embed.weight.nbytes

    @pytest.mark.parametrize("kind", ["mlp", "cnn"])
    def test_others_are_untied(self, kind):
        """MLP and CNN have no shared tensors, so safetensors' save_file accepts them."""
        assert not models.has_tied_weights(models.build(kind, 256 * 1024))

    def test_cnn_counts_batchnorm_buffers(self):
        """param_bytes includes buffers (BatchNorm running stats), which a checkpoint stores too."""
        model = models.build("cnn", 256 * 1024)
        params_only = sum(p.nbytes for p in model.parameters())
        assert models.param_bytes(model) > params_only

    def test_same_seed_same_weights(self):
        """build() is deterministic per seed and differs across seeds."""
        a, b, c = (models.build("mlp", 64 * 1024, seed=s) for s in (0, 0, 1))
        assert torch.equal(a.head.weight, b.head.weight)
        assert not torch.equal(a.head.weight, c.head.weight)


class TestSafeGlobals:
    @pytest.mark.parametrize("kind", sorted(models.KINDS))
    @testing.needs_api("torch.serialization.safe_globals")
    def test_allowlist_is_enough(self, kind):
        """safe_globals_for(model) lets weights_only=True load a full-model pickle of every kind."""
        model = models.build(kind, 256 * 1024)
        buf = io.BytesIO()
        torch.save(model, buf)
        buf.seek(0)
        with torch.serialization.safe_globals(models.safe_globals_for(model)):
            loaded = torch.load(buf)
        assert type(loaded) is type(model)

    def test_classes_pickle_by_package_path(self):
        """Model classes live at module level in tipsbench.families.save_load.models, the path a pickle records."""
        for cls, _ in models.KINDS.values():
            assert cls.__module__ == "tipsbench.families.save_load.models"
