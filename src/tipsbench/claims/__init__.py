"""Checkable claims: each one a statement (in both languages) and a function that
checks it on the installed torch.

The tests run every registered check (tests/test_claims.py), and the site runs them
again at build time, so a page shows "checked on torch X" for the very torch that
built it. A check returns an Observation: whether the claim held and what was seen
(an error message, two sizes...), which the page shows verbatim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Observation:
    holds: bool
    shown: str = ""  # what the check saw, shown on the page as code (already plain text)


@dataclass(frozen=True)
class Claim:
    id: str
    text: dict[str, str]  # locale -> one sentence
    check: Callable[[], Observation] = field(compare=False)


_REGISTRY: dict[str, Claim] = {}


def claim(claim_id: str, *, en: str, zh: str):
    """Register the decorated zero-argument function as the check of a claim."""

    def register(check: Callable[[], Observation]) -> Callable[[], Observation]:
        if claim_id in _REGISTRY:
            raise ValueError(f"claim {claim_id!r} is registered twice")
        _REGISTRY[claim_id] = Claim(claim_id, {"en": en, "zh": zh}, check)
        return check

    return register


def all_claims() -> dict[str, Claim]:
    """Every claim: each family's ``claims`` module registers its own on import."""
    from tipsbench import families

    families.discover("claims")
    return dict(_REGISTRY)


def get(claim_id: str) -> Claim:
    claims = all_claims()
    if claim_id not in claims:
        raise KeyError(f"no claim {claim_id!r}; known: {', '.join(sorted(claims))}")
    return claims[claim_id]


_OBSERVED: dict[str, Observation] = {}


def observe(claim_id: str) -> Observation:
    """The claim's check, run once per process: both page languages and every test that
    reads an outcome share one run. A check that raises is a failed claim, shown as such."""
    if claim_id not in _OBSERVED:
        check = get(claim_id).check
        try:
            _OBSERVED[claim_id] = check()
        except Exception as exc:
            _OBSERVED[claim_id] = Observation(False, f"{type(exc).__name__}: {exc}")
    return _OBSERVED[claim_id]
