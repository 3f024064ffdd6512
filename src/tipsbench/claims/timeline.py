"""Claims over torch releases: what each shipped claims file says, what to expect from
the torch that runs now, where an outcome changed, and over which releases a tip's
evidence holds.

Pure logic over ``claims.files.ClaimsFile`` values: the site and the tests feed it the
files in ``results/claims/``; nothing here installs or imports torch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tipsbench import claims
from tipsbench.claims.build import release_key
from tipsbench.claims.files import ClaimsFile, Outcome

# Outcomes that count as "the claim is fine here" when judging a tip's evidence.
SUPPORTS = (claims.HOLDS, claims.NOT_CHECKABLE)


@dataclass(frozen=True)
class Expectation:
    outcome: str | None  # None: any outcome is news to nobody (out of scope, no file)
    source: str  # where it comes from, for messages: "results/claims/torch-2.15.0.json" or "its scope"


@dataclass(frozen=True)
class Change:
    claim_id: str
    before: tuple[ClaimsFile, Outcome]
    after: tuple[ClaimsFile, Outcome]


@dataclass(frozen=True)
class Span:
    """Where something holds along the series, in words a page localizes:
    kind "all" | "since" | "until" | "none" | "list", with the releases it names."""

    kind: str
    releases: tuple[str, ...]  # since/until: one release; list: "2.4–2.6", "2.9" parts


class Timeline:
    def __init__(self, files: Iterable[ClaimsFile]):
        self.files = tuple(sorted(files, key=lambda f: (release_key(f.torch), f.build, f.torch)))

    def builds(self) -> list[str]:
        return sorted({f.build for f in self.files})

    @property
    def main_build(self) -> str | None:
        """The build with the most releases: the series a strip shows (the CUDA wheels
        that ``pip install torch`` gives on Linux, run without a GPU)."""
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.build] = counts.get(f.build, 0) + 1
        return max(sorted(counts), key=lambda b: counts[b]) if counts else None

    def series(self, build: str | None = None) -> list[ClaimsFile]:
        """One file per release of `build` (default: the main build), oldest first; of two
        patches of one release, the newer."""
        build = build or self.main_build
        best: dict[str, ClaimsFile] = {}
        for f in self.files:
            if f.build == build:
                best[f.release] = f  # files are sorted, so the newer patch wins
        return sorted(best.values(), key=lambda f: release_key(f.release))

    def expectation(self, claim: claims.Claim, release: str, build: str) -> Expectation:
        """What the torch that runs now should show for `claim`: the shipped file of the
        same release and build; else (for a claim not tied to builds) another build of
        that release; else the nearest older release of that build (a release newer than
        any shipped one is expected to behave like the newest); else the claim's own
        scope (in scope: holds)."""
        having = [f for f in self.files if claim.id in f.claims]
        exact = [f for f in having if f.release == release and f.build == build]
        # A claim that doesn't single out builds behaves alike on all of them: another
        # build of the same release knows more than the same build of another release.
        same_release = [] if claim.scope.builds else [f for f in having if f.release == release]
        same_build = [f for f in having if f.build == build]
        older = [f for f in same_build if release_key(f.release) <= release_key(release)]
        candidates = exact or same_release or older[-1:] or same_build[:1]
        if candidates:
            source = candidates[-1]
            return Expectation(source.claims[claim.id].outcome, source.file_name)
        if claim.scope.covers(release, build):
            return Expectation(claims.HOLDS, "its scope")
        return Expectation(None, "its scope")

    def changes(self, build: str | None = None) -> list[tuple[ClaimsFile, list[Change]]]:
        """Per release of the series, the claims whose outcome differs from the release
        before (releases without a change are left out)."""
        found = []
        series = self.series(build)
        for before, after in zip(series, series[1:], strict=False):
            changed = [Change(cid, (before, before.claims[cid]), (after, after.claims[cid]))
                       for cid in sorted(after.claims)
                       if cid in before.claims and before.claims[cid].outcome != after.claims[cid].outcome]
            if changed:
                found.append((after, changed))
        return found


def evidence_outcome(claim_ids: Sequence[str], file: ClaimsFile) -> str | None:
    """A tip's claims on one release, as one outcome: fails if any fails (or broke),
    unavailable if any is missing there, not-checkable if any couldn't be checked there
    (the others holding is not all of the evidence), holds if all hold; None if the file
    has none."""
    outcomes = [file.claims[c].outcome for c in claim_ids if c in file.claims]
    if not outcomes:
        return None
    if any(o in (claims.FAILS, claims.ERROR) for o in outcomes):
        return claims.FAILS
    if any(o == claims.UNAVAILABLE for o in outcomes):
        return claims.UNAVAILABLE
    if any(o == claims.NOT_CHECKABLE for o in outcomes):
        return claims.NOT_CHECKABLE
    return claims.HOLDS


def span(points: Sequence[tuple[str, bool]]) -> Span:
    """Summarize where a condition holds along releases, oldest first:
    all, "since 2.6", "until 2.13", none, or a list of runs ("2.4–2.6", "2.9")."""
    if not points:
        return Span("none", ())
    held = [release for release, ok in points if ok]
    if not held:
        return Span("none", ())
    if len(held) == len(points):
        return Span("all", (points[0][0], points[-1][0]))
    flags = [ok for _, ok in points]
    first, last = flags.index(True), len(flags) - 1 - flags[::-1].index(True)
    contiguous = all(flags[first:last + 1])
    if contiguous and last == len(flags) - 1:
        return Span("since", (points[first][0],))
    if contiguous and first == 0:
        return Span("until", (points[last][0],))
    runs, start = [], None
    for index, (release, ok) in enumerate(points):
        if ok and start is None:
            start = release
        if start is not None and (not ok or index == len(points) - 1):
            end = release if ok else points[index - 1][0]
            runs.append(start if start == end else f"{start}–{end}")
            start = None
    return Span("list", tuple(runs))


@dataclass(frozen=True)
class Judgement:
    """The live outcome of a claim on the torch that runs now, against the timeline."""

    outcome: str
    expected: Expectation
    release: str
    build: str

    @property
    def surprising(self) -> bool:
        """A broken check, or an outcome the timeline doesn't expect on this release:
        news the build must not pass over ("changed on torch 2.16")."""
        if self.outcome == claims.ERROR:
            return True
        return self.expected.outcome is not None and self.outcome != self.expected.outcome

    @property
    def problem(self) -> str:
        """One line for a warning, or "" when nothing is surprising."""
        if self.outcome == claims.ERROR:
            return "the check itself broke (a bug in tipsbench)"
        if not self.surprising:
            return ""
        return (f"changed on torch {self.release} ({self.build}): {self.outcome}, where {self.expected.source} "
                f"expects {self.expected.outcome}")


def judge(claim: claims.Claim, timeline: Timeline, release: str | None = None, build: str | None = None) -> Judgement:
    """The claim's live outcome on the installed torch (or the given release and build,
    for tests), with what the shipped timeline expects there."""
    from tipsbench.claims.build import installed_build, installed_release

    release = release or installed_release()
    build = build or installed_build()
    return Judgement(claims.observe(claim.id).status, timeline.expectation(claim, release, build), release, build)
