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
    # Set when the claim can't be checked on this torch or machine (a REQUIREMENTS key):
    # then `holds` means nothing, and the page says so instead of showing a green box.
    not_checkable: str = ""

    @property
    def status(self) -> str:
        """holds | fails | not-checkable: what a page and a script read (data-status)."""
        if self.not_checkable:
            return "not-checkable"
        return "holds" if self.holds else "fails"


def _cuda_build() -> bool:
    import torch

    return bool(torch.version.cuda or getattr(torch.version, "hip", None))


@dataclass(frozen=True)
class Requirement:
    """What some claims need in order to be able to fail, and why not, in words."""

    present: Callable[[], bool]
    why: dict[str, str]  # locale -> why the claim can't be checked without it


REQUIREMENTS: dict[str, Requirement] = {
    "cuda_build": Requirement(_cuda_build, {
        "en": "this torch is built without CUDA, so `torch.cuda.is_available()` is False and "
              "`device_count()` is 0 whatever the environment says: the check could not fail here",
        "zh": "当前 torch 是不带 CUDA 的构建，无论环境变量怎么设，`torch.cuda.is_available()` 都是 False、"
              "`device_count()` 都是 0：在这里这项检查不可能失败",
    }),
}


@dataclass(frozen=True)
class Claim:
    id: str
    text: dict[str, str]  # locale -> one sentence
    check: Callable[[], Observation] = field(compare=False)
    needs: tuple[str, ...] = ()  # REQUIREMENTS keys without which the check can't fail


_REGISTRY: dict[str, Claim] = {}


def claim(claim_id: str, *, en: str, zh: str, needs: tuple[str, ...] = ()):
    """Register the decorated zero-argument function as the check of a claim.

    `needs` names what the check needs to be able to fail (REQUIREMENTS); where that is
    missing the claim is "not checkable here", never a green "checked".
    """
    unknown = set(needs) - set(REQUIREMENTS)
    if unknown:
        raise ValueError(f"claim {claim_id!r} needs unknown {sorted(unknown)}; known: {sorted(REQUIREMENTS)}")

    def register(check: Callable[[], Observation]) -> Callable[[], Observation]:
        if claim_id in _REGISTRY:
            raise ValueError(f"claim {claim_id!r} is registered twice")
        _REGISTRY[claim_id] = Claim(claim_id, {"en": en, "zh": zh}, check, tuple(needs))
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
        claim_ = get(claim_id)
        missing = next((need for need in claim_.needs if not REQUIREMENTS[need].present()), "")
        if missing:
            _OBSERVED[claim_id] = Observation(False, "", not_checkable=missing)
            return _OBSERVED[claim_id]
        try:
            _OBSERVED[claim_id] = claim_.check()
        except Exception as exc:
            _OBSERVED[claim_id] = Observation(False, f"{type(exc).__name__}: {exc}")
    return _OBSERVED[claim_id]
