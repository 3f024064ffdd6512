"""Every claim a page shows as checked really holds on the installed torch."""

from __future__ import annotations

import pytest

from tipsbench import claims

ALL = claims.all_claims()


@pytest.mark.parametrize("claim_id", sorted(ALL))
def test_claim_holds(claim_id):
    """The check behind the page's ✓ passes on this torch (else the page would say ✗)."""
    seen = claims.observe(claim_id)
    assert seen.holds, f"{claim_id}: {seen.shown}"


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
