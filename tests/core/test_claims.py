"""Every claim a page shows as checked really holds on the installed torch."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipsbench import claims
from tipsbench.claims import files, timeline

ALL = claims.all_claims()
CLAIMS_DIR = Path(__file__).resolve().parents[2] / "results" / "claims"
SHIPPED = timeline.Timeline(files.load_dir(CLAIMS_DIR)[0])


@pytest.mark.parametrize("claim_id", sorted(ALL))
def test_claim_outcome_is_what_the_timeline_expects(claim_id):
    """The check behind the page's box comes out as the shipped timeline expects for this
    torch (its release and build; a newer release like the newest shipped one; without
    a file, the claim's scope: holds inside it). A change is news the site must show,
    so it fails here first. A check never breaks (error)."""
    judgement = timeline.judge(ALL[claim_id], SHIPPED)
    seen = claims.observe(claim_id)
    assert judgement.outcome != claims.ERROR, f"{claim_id}: {seen.shown}"
    assert not judgement.surprising, f"{claim_id}: {judgement.problem}: {seen.shown}"
    if seen.status == "not-checkable":
        missing = seen.not_checkable
        assert missing in ALL[claim_id].needs and not claims.REQUIREMENTS[missing].present()


def test_cuda_claims_are_checked_only_where_they_can_fail():
    """On a build without CUDA, is_available() is always False; without a usable CUDA device,
    hiding the GPUs changes nothing: there those checks could not fail, and say so."""
    import torch

    cuda_build, device = torch.version.cuda is not None, torch.cuda.is_available()
    expected = {"gpu.import_does_not_init_cuda": "holds" if cuda_build else "not-checkable",
                "gpu.hidden_means_no_cuda": "holds" if cuda_build and device else "not-checkable"}
    for cid, outcome in expected.items():
        assert claims.observe(cid).status == outcome, cid


def test_every_requirement_says_why_in_both_languages():
    """A grey box explains, in the page's language, why its claim can't be checked."""
    for key, requirement in claims.REQUIREMENTS.items():
        why = requirement.why
        assert why["en"].strip() and any("\u4e00" <= ch <= "\u9fff" for ch in why["zh"]), key


@pytest.mark.parametrize("claim_id", sorted(ALL))
def test_claim_is_stated_in_both_languages(claim_id):
    """Each claim has its sentence in English and in Chinese."""
    text = ALL[claim_id].text
    assert text["en"].strip() and text["zh"].strip()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text["zh"])


def test_registry_refuses_duplicates():
    """Two claims can't share an id: a page marker must name exactly one check."""
    existing = next(iter(ALL))
    with pytest.raises(ValueError, match="registered twice"):
        claims.claim(existing, en="x", zh="x")(lambda: claims.Observation(True))
