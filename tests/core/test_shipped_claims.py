"""The claims files shipped in results/claims/: they read, they are current, and they
agree with what each claim says it describes (its scope)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipsbench import claims
from tipsbench.claims import files, timeline

CLAIMS_DIR = Path(__file__).resolve().parents[2] / "results" / "claims"
SHIPPED, ERRORS = files.load_dir(CLAIMS_DIR)
NAMES = [f.file_name for f in SHIPPED]


def test_every_shipped_file_reads():
    assert ERRORS == [] and SHIPPED, [str(e) for e in ERRORS]


def test_the_timeline_covers_every_minor_release_from_2_4():
    """The series the strips show has no hole: 2.4, 2.5, … up to the newest shipped."""
    releases = [f.release for f in timeline.Timeline(SHIPPED).series()]
    newest = int(releases[-1].split(".")[1])
    assert releases == [f"2.{minor}" for minor in range(4, newest + 1)]


@pytest.mark.parametrize("file", SHIPPED, ids=NAMES)
def test_file_has_every_claim_and_no_broken_check(file):
    """Each file was made with today's claims (rerun `tipsbench timeline` after adding one),
    and no check broke: an "error" is a bug of ours, not an outcome to ship."""
    assert set(file.claims) == set(claims.all_claims()), sorted(set(claims.all_claims()) ^ set(file.claims))
    broken = [cid for cid, o in file.claims.items() if o.outcome == claims.ERROR]
    assert broken == [], broken


@pytest.mark.parametrize("file", SHIPPED, ids=NAMES)
def test_claims_hold_where_they_say_they_do(file):
    """Inside its declared scope (releases, builds) a claim holds, or can't be checked on
    that build; a claim that changed has its scope (and text) say so."""
    wrong = [f"{cid}: {o.outcome}: {' / '.join(o.shown[:2])}" for cid, o in file.claims.items()
             if claims.get(cid).scope.covers(file.release, file.build)
             and o.outcome not in (claims.HOLDS, claims.NOT_CHECKABLE)]
    assert wrong == [], f"{file.file_name} ({file.build}):\n" + "\n".join(wrong)
