"""Verdicts as data: every tip of the seed, what the site concludes about it, and the
evidence the conclusion rests on.

A tip is registered by its family (``families/<family>/tips.py``): its id, the seed's
words (the Chinese original and an English rendering), the verdict, the reason (en +
zh), the claims it rests on and, where the verdict rests on numbers, rules evaluated on
each machine's results. Pages show verdicts only through markers (render/verdicts.py),
so one tip has one verdict everywhere; the build evaluates the evidence and a verdict
that its evidence contradicts is shown as such and fails ``mkdocs build --strict``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tipsbench import claims
from tipsbench.claims.timeline import Judgement, Span, Timeline, evidence_outcome, judge, span
from tipsbench.paired import FAILS, PAIRED, POSTPONED, Need, Summary
from tipsbench.paired import HOLDS as PAIR_HOLDS
from tipsbench.results import Run, newest_per_machine

HOLDS, PARTLY, ONLY_IF, OUTDATED, DOES_NOT_HOLD = "holds", "partly-holds", "holds-only-if", "outdated", "does-not-hold"
VERDICTS = (HOLDS, PARTLY, ONLY_IF, OUTDATED, DOES_NOT_HOLD)


@dataclass(frozen=True)
class RuleResult:
    """What a rule found in one run: each of its comparisons with its decision, and the
    rule's: True (every comparison holds), False (one fails), None (otherwise: undecided,
    postponed on a busy machine, or not measured when `found` is empty)."""

    holds: bool | None
    found: tuple[tuple[Summary, str], ...] = ()  # (comparison, its decision: Summary.decide)

    @property
    def measured(self) -> bool:
        return bool(self.found)

    @property
    def postponed(self) -> bool:
        """Undecided because a comparison that would have failed ran on a busy machine."""
        return self.holds is None and any(d == POSTPONED for _, d in self.found)

    @property
    def detail(self) -> str:
        """The numbers, in English: "mlp: 1.59× (95% CI 1.48–1.71, 40 pairs); cnn: …"."""
        return self.details("en")

    def details(self, locale: str) -> str:
        colon, sep = ("：", "；") if locale == "zh" else (": ", "; ")
        return sep.join(f"{s.name}{colon}{s.interval_text(locale)}" for s, _ in self.found)

    @property
    def busy(self) -> bool:
        return any(s.load.busy for s, _ in self.found)


@dataclass(frozen=True)
class Rule:
    """A statement about measured numbers that a verdict asserts: each of its comparisons
    (``<id>/<case>``, measured by tipsbench.pairing) must have its ratio A/B in `need`.
    Evaluated on each machine's newest run that measured it."""

    id: str
    text: dict[str, str]  # locale -> the statement, one sentence
    need: Need
    cases: tuple[str, ...]  # the comparisons' names after "<id>/"

    @property
    def case_ids(self) -> tuple[str, ...]:
        return tuple(f"{self.id}/{name}" for name in self.cases)

    def evaluate(self, run: Run) -> RuleResult:
        found = tuple((s, s.decide(self.need)) for s in (run.paired(case) for case in self.case_ids) if s is not None)
        if not found:
            return RuleResult(None)
        decisions = [d for _, d in found]
        if FAILS in decisions:
            return RuleResult(False, found)
        if len(found) == len(self.cases) and all(d == PAIR_HOLDS for d in decisions):
            return RuleResult(True, found)
        return RuleResult(None, found)


@dataclass(frozen=True)
class Tip:
    id: str
    page: str  # the page stem ("numpy") and, after '#', the section that shows the evidence
    seed: dict[str, str]  # the seed's words: "zh" the original, "en" a faithful rendering
    verdict: str
    reason: dict[str, str]  # locale -> why, one sentence (may be empty for a plain "holds")
    claims: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    index: int | None = None  # position among the seed's tips on the tips index, if listed there
    label: dict[str, str] | None = None  # locale -> how the page's table names it (default: seed)

    def name(self, locale: str) -> str:
        """How a table names the tip: its label, or the seed's words in that language."""
        return (self.label or self.seed)[locale]

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"tip {self.id!r}: verdict {self.verdict!r} is not one of {', '.join(VERDICTS)}")


_TIPS: dict[str, Tip] = {}


def register(*tips: Tip) -> None:
    for tip in tips:
        if tip.id in _TIPS:
            raise ValueError(f"tip {tip.id!r} is registered twice")
        _TIPS[tip.id] = tip


def all_tips() -> dict[str, Tip]:
    """Every tip, each family's ``tips`` module registering its own on import."""
    from tipsbench import families

    families.discover("tips")
    return dict(_TIPS)


def get(tip_id: str) -> Tip:
    tips = all_tips()
    if tip_id not in tips:
        raise KeyError(f"no tip {tip_id!r}; known: {', '.join(sorted(tips))}")
    return tips[tip_id]


# --- evidence ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """A tip's evidence as this build sees it: each claim's live outcome judged against
    the shipped timeline, each rule per machine, and where the claims held per release."""

    tip: Tip
    claims: tuple[tuple[str, Judgement], ...]
    rules: tuple[tuple[Rule, Run, RuleResult], ...]  # (rule, the machine's run, result), measured ones only
    releases: Span | None = None  # where all its claims held, over the shipped releases

    @property
    def statuses(self) -> list[str]:
        return [j.outcome for _, j in self.claims]

    @property
    def contradictions(self) -> list[str]:
        return self.contradictions_in("en")

    def contradictions_in(self, locale: str) -> list[str]:
        """One line per piece of evidence that goes against the registered verdict: a
        claim that fails where the timeline expects it to hold (or whose check broke),
        a rule that doesn't hold on some machine's run. A claim the timeline records as
        failing on this release (an older torch) is not news: `outside` lists it."""
        found = [f"claim {cid} {j.outcome}" + (f" ({j.problem})" if j.problem else "")
                 for cid, j in self.claims if j.outcome in (claims.FAILS, claims.ERROR) and j.surprising]
        line = "规则 {rule} 在 {file} 中不成立：{detail}" if locale == "zh" else "rule {rule} does not hold in {file}: {detail}"
        found += [line.format(rule=rule.id, file=run.file_name, detail=result.details(locale))
                  for rule, run, result in self.rules if result.holds is False]
        return found

    @property
    def outside(self) -> list[str]:
        """Claims that don't hold on this torch, as the timeline expects: the verdict
        describes other releases (its span says which)."""
        return [cid for cid, j in self.claims
                if j.outcome in (claims.FAILS, claims.UNAVAILABLE) and not j.surprising]


def release_span(tip: Tip, timeline: Timeline) -> Span | None:
    """Over the shipped releases, where every claim of the tip held (None: no claims)."""
    if not tip.claims:
        return None
    points = []
    for file in timeline.series():
        outcome = evidence_outcome(tip.claims, file)
        if outcome not in (None, claims.NOT_CHECKABLE):  # a release that couldn't check them says nothing
            points.append((file.release, outcome == claims.HOLDS))
    return span(points) if points else None


def evaluate(tip: Tip, runs: Iterable[Run], timeline: Timeline | None = None) -> Evidence:
    timeline = timeline or Timeline(())
    statuses = tuple((cid, judge(claims.get(cid), timeline)) for cid in tip.claims)
    results = []
    runs = tuple(runs)
    for rule in tip.rules:
        prefix = rule.id + "/"
        for run in newest_per_machine(runs, PAIRED, where=lambda r, p=prefix: r.variant.startswith(p)):
            result = rule.evaluate(run)
            if result.measured:
                results.append((rule, run, result))
    return Evidence(tip, statuses, tuple(results), release_span(tip, timeline))


def rules() -> dict[str, Rule]:
    """Every rule on numbers, once each (tips share some), by id."""
    return {rule.id: rule for tip in all_tips().values() for rule in tip.rules}


def tips_for_page(page: str) -> list[Tip]:
    return [t for t in all_tips().values() if t.page.split("#", 1)[0] == page]


def indexed() -> Sequence[Tip]:
    """The seed's tips in the seed's order, as the tips index lists them."""
    return sorted((t for t in all_tips().values() if t.index is not None), key=lambda t: t.index)
