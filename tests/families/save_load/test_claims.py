"""Focused tests of the Save & load claims: what each check shows, not only that it holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tipsbench import testing
from tipsbench.claims import Observation, all_claims, observe

SAVE_LOAD_CLAIMS = sorted(cid for cid in all_claims() if cid.startswith("save_load."))
DOCS = Path(__file__).resolve().parents[3] / "docs"


def shown(claim_id: str) -> Observation:
    return observe(claim_id)


class TestRegistry:
    def test_every_issue_claim_is_registered(self):
        """The five claims the issue lists (plus the safety ones) are all registered."""
        for cid in ("full_model_default_load_fails", "full_model_opt_in", "full_model_needs_class",
                    "same_size", "mmap_needs_zipfile", "safetensors_tied", "weights_only_blocks_code"):
            assert f"save_load.{cid}" in SAVE_LOAD_CLAIMS

    @pytest.mark.parametrize("page", ["save-load.md", "save-load.zh.md"])
    def test_the_page_checks_every_claim(self, page):
        """Both Save & load pages carry a claim marker for every save_load.* claim, and no unknown one."""
        used = set(re.findall(r"tipsbench:claim id=(\S+)", (DOCS / page).read_text(encoding="utf-8")))
        assert used == set(SAVE_LOAD_CLAIMS), used ^ set(SAVE_LOAD_CLAIMS)

    def test_chinese_text_has_no_ascii_quotes(self):
        """Chinese claim sentences use full-width punctuation, never ASCII double quotes."""
        for cid in SAVE_LOAD_CLAIMS:
            assert '"' not in all_claims()[cid].text["zh"], cid


class TestFullModel:
    @testing.in_scope("save_load.full_model_default_load_fails")
    def test_default_load_shows_the_refused_class(self):
        """The observed error is torch's UnpicklingError naming tipsbench.families.save_load.models.MLP, ANSI codes removed."""
        seen = shown("save_load.full_model_default_load_fails")
        assert seen.holds
        assert seen.shown.startswith("UnpicklingError: Weights only load failed")
        assert "Unsupported global: GLOBAL tipsbench.families.save_load.models.MLP" in seen.shown
        assert "\x1b" not in seen.shown

    @testing.in_scope("save_load.full_model_opt_in")
    def test_opt_in_lists_the_globals(self):
        """The opt-in check shows what get_unsafe_globals_in_checkpoint found and that both loads work."""
        seen = shown("save_load.full_model_opt_in")
        assert seen.holds and "tipsbench.families.save_load.models.MLP" in seen.shown and "same outputs: True" in seen.shown

    @pytest.mark.slow
    def test_missing_class_in_a_subprocess(self):
        """In a child process without the module, the full model fails by module name; the state_dict loads."""
        seen = shown("save_load.full_model_needs_class")
        assert seen.holds
        assert "ModuleNotFoundError: No module named 'tipsbench_claim_netdef'" in seen.shown
        assert "['fc.bias', 'fc.weight']" in seen.shown


class TestFormats:
    def test_same_size_reports_each_model(self):
        """The size check reports all three models with both sizes and a small positive difference."""
        seen = shown("save_load.same_size")
        assert seen.holds
        for kind in ("mlp", "cnn", "transformer"):
            assert re.search(rf"{kind}: state_dict [\d,]+ B, full model [\d,]+ B \(\+[\d,]+ B", seen.shown)

    def test_mmap_legacy_message(self):
        """The mmap check quotes torch's RuntimeError about the zipfile format."""
        seen = shown("save_load.mmap_needs_zipfile")
        assert seen.holds and seen.shown.startswith("RuntimeError: mmap can only be used with files saved with")

    def test_safetensors_tied(self):
        """save_file's refusal names the shared pair; save_model stores one tensor fewer and load_model re-ties."""
        seen = shown("save_load.safetensors_tied")
        assert seen.holds
        assert "embed.weight" in seen.shown and "head.weight" in seen.shown
        assert "head.weight is embed.weight: True" in seen.shown

    def test_checkpoint_resumes(self):
        """The training checkpoint comes back with its epoch, decayed LR and optimizer step."""
        seen = shown("save_load.training_checkpoint_weights_only")
        assert seen.holds and "epoch 3" in seen.shown and "optimizer step 1" in seen.shown


class TestSafety:
    @testing.in_scope("save_load.weights_only_blocks_code")
    def test_hostile_pickle_refused_and_not_run(self):
        """The hostile pickle is refused by name (os.makedirs), its call never runs, and tipsbench's helper says why."""
        seen = shown("save_load.weights_only_blocks_code")
        assert seen.holds
        assert "GLOBAL os.makedirs" in seen.shown
        assert "function ran: False" in seen.shown
        assert "tipsbench.families.save_load.checkpoints.load_state_dict: hostile.pt: refused" in seen.shown

    @testing.in_scope("save_load.torchscript_deprecated")
    def test_torchscript_warning_quoted(self):
        """The deprecation warning is quoted as torch emits it."""
        seen = shown("save_load.torchscript_deprecated")
        assert seen.holds and "torch.export" in seen.shown

    @pytest.mark.slow
    def test_export_roundtrip(self):
        """The exported program reloads from bytes and gives the same output."""
        seen = shown("save_load.export_roundtrip")
        assert seen.holds and re.search(r"→ [\d,]+ B \.pt2", seen.shown)
