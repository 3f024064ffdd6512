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

from tipsbench import buildcache

HOLDS, FAILS, NOT_CHECKABLE, UNAVAILABLE, ERROR = "holds", "fails", "not-checkable", "unavailable", "error"
# What a check can come to (a page's data-status, a claims file's "outcome"):
#   not-checkable: this build or machine can't make the check fail (REQUIREMENTS);
#   unavailable:   the API the claim is about doesn't exist in this release (Unavailable);
#   error:         the check itself broke, a bug of ours, never a verdict on torch.
OUTCOMES = (HOLDS, FAILS, NOT_CHECKABLE, UNAVAILABLE, ERROR)
# How pages, strips and the terminal mark each outcome.
MARKS = {HOLDS: "✓", FAILS: "✗", NOT_CHECKABLE: "–", UNAVAILABLE: "·", ERROR: "!"}


class Unavailable(Exception):
    """Raised by a check whose subject doesn't exist in the installed torch (an older
    release): the claim is "unavailable" there, which is not the same as failing."""


@dataclass(frozen=True)
class Observation:
    holds: bool
    shown: str = ""  # what the check saw, shown on the page as code (already plain text)
    # Set when the claim can't be checked on this torch or machine (a REQUIREMENTS key):
    # then `holds` means nothing, and the page says so instead of showing a green box.
    not_checkable: str = ""
    unavailable: bool = False  # the claim's subject doesn't exist in this release
    error: bool = False  # the check raised: shown as our bug, not as torch's behaviour

    @property
    def status(self) -> str:
        """One of OUTCOMES: what a page and a script read (data-status)."""
        if self.error:
            return ERROR
        if self.not_checkable:
            return NOT_CHECKABLE
        if self.unavailable:
            return UNAVAILABLE
        return HOLDS if self.holds else FAILS

    def to_json(self) -> dict:
        """Plain JSON types (a check may compute `holds` as a numpy or torch bool): what the
        build cache keeps and a claim worker sends back."""
        return {"holds": bool(self.holds), "shown": str(self.shown), "not_checkable": str(self.not_checkable),
                "unavailable": bool(self.unavailable), "error": bool(self.error)}

    @classmethod
    def from_json(cls, data: object) -> Observation | None:
        """to_json's value read back; None for anything else (a damaged or older entry)."""
        if not isinstance(data, dict) or set(data) != {"holds", "shown", "not_checkable", "unavailable", "error"}:
            return None
        return cls(**data)


def api(path: str):
    """The object at a dotted path ("torch.accelerator.synchronize"), or Unavailable
    naming the first part that this release lacks: checks feature-detect through this
    instead of assuming today's torch."""
    import importlib

    import torch

    head, *rest = path.split(".")
    obj = importlib.import_module(head)
    walked = head
    for part in rest:
        walked += "." + part
        if not hasattr(obj, part):
            raise Unavailable(f"{walked} does not exist in torch {torch.__version__}")
        obj = getattr(obj, part)
    return obj


def missing(path: str) -> str:
    """Why the installed torch lacks `path` ("torch.serialization.safe_globals does not
    exist in torch 2.4.1"), or "" when it has it: for code that skips rather than checks."""
    try:
        api(path)
    except Unavailable as exc:
        return str(exc)
    return ""


def _cuda_build() -> bool:
    import torch

    return bool(torch.version.cuda or getattr(torch.version, "hip", None))


@dataclass(frozen=True)
class Requirement:
    """What some claims need in order to be able to fail, and why not, in words."""

    present: Callable[[], bool]
    why: dict[str, str]  # locale -> why the claim can't be checked without it


def _cuda_device() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def _mps() -> bool:
    import torch

    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def _no_accelerator_is_meaningful() -> bool:
    """Whether "without an accelerator, X raises" can fail here: on a CPU build (X must
    raise its CPU-build error) or with a CUDA device that the check hides. A CUDA build
    without a driver or a GPU fails every CUDA call whatever X does, and with MPS present
    the check still has an accelerator."""
    return not _mps() and (not _cuda_build() or _cuda_device())


REQUIREMENTS: dict[str, Requirement] = {
    "cuda_build": Requirement(_cuda_build, {
        "en": "this torch is built without CUDA, so `torch.cuda.is_available()` is False and "
              "`device_count()` is 0 whatever the environment says: the check could not fail here",
        "zh": "当前 torch 是不带 CUDA 的构建，无论环境变量怎么设，`torch.cuda.is_available()` 都是 False、"
              "`device_count()` 都是 0：在这里这项检查不可能失败",
    }),
    "cuda_device": Requirement(_cuda_device, {
        "en": "no CUDA device is usable here (no driver or no GPU), so hiding the GPUs changes nothing: "
              "the check could not fail here",
        "zh": "这里没有可用的 CUDA 设备（没有驱动或没有 GPU），隐藏 GPU 不会改变任何结果：在这里这项检查不可能失败",
    }),
    "no_accelerator_meaningful": Requirement(_no_accelerator_is_meaningful, {
        "en": "on a CUDA build without a usable GPU every CUDA call fails anyway, and with MPS present there "
              "is still an accelerator: the check could not tell here",
        "zh": "在没有可用 GPU 的 CUDA 构建上，所有 CUDA 调用本来就会失败；有 MPS 时又仍然有加速器：在这里这项检查无从判断",
    }),
}


@dataclass(frozen=True)
class Scope:
    """What a claim describes: torch minor releases from `since` to `until` (inclusive,
    "" = open) on the given builds (tipsbench.claims.build: "cpu", "cuda-no-gpu"…; empty
    = every build). Outside it the check still runs, and its outcome is news for the
    timeline, not a broken claim; inside it a shipped claims file must record "holds"."""

    since: str = ""
    until: str = ""
    builds: tuple[str, ...] = ()

    def covers(self, release: str, build: str) -> bool:
        from tipsbench.claims.build import release_key

        key = release_key(release)
        if self.since and key < release_key(self.since):
            return False
        if self.until and key > release_key(self.until):
            return False
        return not self.builds or build in self.builds


@dataclass(frozen=True)
class Claim:
    id: str
    text: dict[str, str]  # locale -> one sentence
    check: Callable[[], Observation] = field(compare=False)
    needs: tuple[str, ...] = ()  # REQUIREMENTS keys without which the check can't fail
    scope: Scope = Scope()

    def to_json(self) -> dict:
        """What the claim says and describes, without its check: what a cold build's claim
        worker tells the build (claims/prefetch.py)."""
        return {"text": dict(self.text), "needs": list(self.needs),
                "scope": {"since": self.scope.since, "until": self.scope.until, "builds": list(self.scope.builds)}}

    @classmethod
    def listed(cls, claim_id: str, data: dict) -> Claim:
        """to_json's claim read back, its check left where it ran: calling it is a bug."""
        def elsewhere() -> Observation:
            raise RuntimeError(f"claim {claim_id!r} was listed by a worker; its check runs there")

        scope = data["scope"]
        return cls(claim_id, {str(k): str(v) for k, v in data["text"].items()}, elsewhere,
                   tuple(map(str, data["needs"])), Scope(str(scope["since"]), str(scope["until"]),
                                                         tuple(map(str, scope["builds"]))))


def claim(claim_id: str, *, en: str, zh: str, needs: tuple[str, ...] = (),
          since: str = "", until: str = "", builds: tuple[str, ...] = ()):
    """Register the decorated zero-argument function as the check of a claim.

    `needs` names what the check needs to be able to fail (REQUIREMENTS); where that is
    missing the claim is "not checkable here", never a green "checked". `since`, `until`
    and `builds` say which releases and builds the claim describes (Scope); its text
    must say so too.
    """
    from tipsbench.claims.build import BUILDS

    unknown = set(needs) - set(REQUIREMENTS)
    if unknown:
        raise ValueError(f"claim {claim_id!r} needs unknown {sorted(unknown)}; known: {sorted(REQUIREMENTS)}")
    if set(builds) - set(BUILDS):
        raise ValueError(f"claim {claim_id!r}: unknown builds {sorted(set(builds) - set(BUILDS))}; known: {BUILDS}")
    scope = Scope(since, until, tuple(builds))

    def register(check: Callable[[], Observation]) -> Callable[[], Observation]:
        if claim_id in _REGISTRY:
            raise ValueError(f"claim {claim_id!r} is registered twice")
        _REGISTRY[claim_id] = Claim(claim_id, {"en": en, "zh": zh}, check, tuple(needs), scope)
        return check

    return register


_REGISTRY: dict[str, Claim] = {}
_FAMILIES: list[bool] = []  # [True] once every family's claims module is imported


def all_claims() -> dict[str, Claim]:
    """Every claim: each family's ``claims`` module registers its own on import. While a
    cold site build's workers check the claims, the ones they listed: the build's own
    process then needn't import the families (and torch) to show what the claims say."""
    if not _FAMILIES:
        from tipsbench.claims import prefetch

        listed = prefetch.listed()
        if listed is not None:
            return listed
    return _imported()


def _imported() -> dict[str, Claim]:
    """Every claim as its family's module registers it, with its check."""
    from tipsbench import families

    if not _FAMILIES:
        families.discover("claims")
        _FAMILIES.append(True)
    return dict(_REGISTRY)


def get(claim_id: str) -> Claim:
    claims = all_claims()
    if claim_id not in claims:
        raise KeyError(f"no claim {claim_id!r}; known: {', '.join(sorted(claims))}")
    return claims[claim_id]


_OBSERVED: dict[str, Observation] = {}
def kept(claim_id: str) -> bool:
    """Whether this process observed the claim already, or the active build cache holds
    its outcome for this environment: observe() then needn't run the check."""
    if claim_id not in _OBSERVED and (found := _cached(claim_id)) is not None:
        _OBSERVED[claim_id] = found  # observe() needn't read the entry again
    return claim_id in _OBSERVED


def _cache_key(claim_id: str) -> str:
    return buildcache.key(claim_id, buildcache.environment_digest())


def _cached(claim_id: str) -> Observation | None:
    """The outcome a site build kept (buildcache: keyed on the claim, tipsbench's source
    and the whole environment); tests and `tipsbench check` have no cache active."""
    store = buildcache.active()
    return Observation.from_json(store.get_json("claims", _cache_key(claim_id))) if store else None


def _keep(claim_id: str, observation: Observation) -> None:
    store = buildcache.active()
    # An error is our bug or a hiccup (a child timed out): run it again next time.
    if store is not None and not observation.error:
        store.put_json("claims", _cache_key(claim_id), observation.to_json())


def _check(claim_id: str) -> Observation:
    """Run the claim's check here and now."""
    found = _imported()
    if claim_id not in found:
        raise KeyError(f"no claim {claim_id!r}; known: {', '.join(sorted(found))}")
    claim_ = found[claim_id]
    missing = next((need for need in claim_.needs if not REQUIREMENTS[need].present()), "")
    if missing:
        return Observation(False, "", not_checkable=missing)
    try:
        return claim_.check()
    except Unavailable as exc:
        return Observation(False, str(exc), unavailable=True)
    except Exception as exc:
        return Observation(False, f"{type(exc).__name__}: {exc}", error=True)


def observe(claim_id: str) -> Observation:
    """The claim's check, run once per process: both page languages and every test that
    reads an outcome share one run. A site build first asks its cache, then the worker a
    cold build handed the claim to (claims/prefetch.py). A check that raises Unavailable is
    "unavailable"; one that raises anything else is an "error" (our bug), shown with the
    exception."""
    if claim_id not in _OBSERVED:
        found = _cached(claim_id)
        if found is None:
            from tipsbench.claims import prefetch

            found = prefetch.take(claim_id) or _check(claim_id)
            _keep(claim_id, found)
        _OBSERVED[claim_id] = found
    return _OBSERVED[claim_id]
