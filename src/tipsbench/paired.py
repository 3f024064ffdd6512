"""Paired comparisons: the statistics every rule on numbers is decided by.

A rule compares two ways of doing one thing, A and B, on one machine. They are measured
in pairs (tipsbench.pairing: each pair measures A and B back to back, in random order),
and each pair gives one ratio A/B. A stall, a frequency change or a neighbour's burst
that hits one pair moves that pair's ratio only; a slow drift moves A and B alike and
cancels in the ratio.

The typical ratio is the **median of the per-pair ratios**. Its confidence interval is
distribution-free: the order statistics of the ratios that the binomial distribution
gives for the median (the sign-test interval; Conover, *Practical Nonparametric
Statistics*, 3rd ed., 1999, §3.2). It assumes only that the pairs are independent, not
that the ratios are normal, and one wild pair moves it by at most one rank.

A rule states what it needs of the ratio as a region (``Need``): "at least 1.10" (B is
faster by 10% or more), "at most 1.05" (A is not slower by more than 5%: a
non-inferiority test), "within ±10%" (an equivalence test, like TOST: Schuirmann 1987,
whose two one-sided tests at level α are the interval at 1 − 2α lying inside the margin).
The rule **holds** when the whole interval lies inside the region, **fails** when it lies
wholly outside, and is **inconclusive** otherwise: "within the noise" never counts as
holding, and a wide interval decides nothing.

Pairs are added until the interval decides or the budget runs out, looking at the data at
most ``LOOKS`` times. Looking repeatedly and stopping when a look decides would make a
plain 95% interval wrong more often than 5%; each look therefore uses level
0.05 / LOOKS (Bonferroni), so the chance that *any* look's interval misses is at most 5%.
That is the "95% CI" pages and ``tipsbench check`` print.

This module is pure (no torch): the site reads and decides shipped measurements with it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tipsbench import fmt
from tipsbench.schema import MAX_BYTES, MAX_SECONDS, Reader

# The record type of a paired measurement in a results file (extra_info.tip).
PAIRED = "paired"
CONFIDENCE = 0.95
# At most this many looks at the data per comparison; the pair counts at which they happen.
LOOK_AT = (12, 24, 48, 96, 192, 384)
LOOKS = len(LOOK_AT)
MAX_PAIRS = LOOK_AT[-1]
PER_LOOK_ALPHA = (1 - CONFIDENCE) / LOOKS

HOLDS, FAILS, INCONCLUSIVE = "holds", "fails", "inconclusive"
# Inconclusive because it would have failed on a busy machine: run again when idle.
POSTPONED = "postponed"
KINDS = ("time", "value", "exact")
UNITS = ("s", "B")




def order_rank(n: int, alpha: float) -> int | None:
    """The rank k (1-based) such that [x(k), x(n-k+1)] of n sorted values covers their
    median with probability at least 1 - alpha; None when n is too small for any."""
    # P(Binomial(n, 1/2) <= k - 1) <= alpha / 2, for the largest such k.
    tail, k, term = 0.0, 0, 0.5 ** n
    for j in range(n // 2 + 1):
        if j:
            term *= (n - j + 1) / j
        if tail + term > alpha / 2:
            break
        tail += term
        k = j + 1
    return k or None


def median_interval(values: Sequence[float], alpha: float = PER_LOOK_ALPHA) -> tuple[float, float] | None:
    """The distribution-free confidence interval of the median of `values` (None: too few)."""
    ordered = sorted(values)
    k = order_rank(len(ordered), alpha)
    if k is None:
        return None
    return ordered[k - 1], ordered[len(ordered) - k]


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# --- what a rule needs ----------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """The region of the ratio A/B a rule asserts: [low, high] (either end open)."""

    low: float = 0.0
    high: float = math.inf

    @classmethod
    def at_least(cls, ratio: float) -> Need:
        """A costs at least `ratio` times B: "B faster by ≥ 10%" is at_least(1.10)."""
        return cls(low=ratio)

    @classmethod
    def at_most(cls, ratio: float) -> Need:
        """A costs at most `ratio` times B: "A not slower by more than 5%" is at_most(1.05)."""
        return cls(high=ratio)

    @classmethod
    def within(cls, margin: float) -> Need:
        """A and B equivalent: the ratio within [1/(1+margin), 1+margin]."""
        return cls(low=1 / (1 + margin), high=1 + margin)

    def decide(self, low: float, high: float) -> str:
        """HOLDS when [low, high] lies inside the region, FAILS when wholly outside it."""
        if self.low <= low and high <= self.high:
            return HOLDS
        if high < self.low or low > self.high:
            return FAILS
        return INCONCLUSIVE

    def describe(self, locale: str = "en") -> str:
        """The region in words a detail line can carry: "≥ 1.10×", "≤ 1.05×", "1.9–2.1×",
        and an equivalence margin as "within ±10%" ("相差不超过 ±10%")."""
        if self.high == math.inf:
            return f"≥ {fmt.ratio(self.low)}×"
        if self.low == 0:
            return f"≤ {fmt.ratio(self.high)}×"
        if self.high > 1 and math.isclose(self.low * self.high, 1.0):
            margin = f"±{(self.high - 1) * 100:.3g}%"
            return f"相差不超过 {margin}" if locale == "zh" else f"within {margin}"
        return f"{fmt.ratio(self.low)}–{fmt.ratio(self.high)}×"


# --- one comparison's summary, as a results file carries it ----------------------------


@dataclass(frozen=True)
class Load:
    """How busy the machine was while a comparison ran (tipsbench.busy measures it)."""

    busy: bool
    cores: int | None = None
    runnable: float | None = None  # other runnable tasks (median of the samples)
    steal: float | None = None  # share of CPU time the hypervisor took
    cpu_share: float | None = None  # CPU time this process got over wall time, while measuring
    spin: float | None = None  # calibration spin: slowest median of before/after over the fastest
    reasons: tuple[str, ...] = ()  # which of the above crossed its threshold

    def to_json(self) -> dict:
        return {"busy": self.busy, "cores": self.cores, "runnable": self.runnable, "steal": self.steal,
                "cpu_share": self.cpu_share, "spin": self.spin, "reasons": list(self.reasons)}

    @classmethod
    def parse(cls, r: Reader) -> Load:
        reasons = []
        for _, item, where in r.items("reasons", default=None, max_items=len(BUSY_REASONS)):
            if item not in BUSY_REASONS:
                r.fail(f"{where} should be one of {', '.join(BUSY_REASONS)}")
            reasons.append(item)
        return cls(busy=r.flag("busy"), cores=r.whole("cores", None, maximum=1 << 20),
                   runnable=r.real("runnable", None, maximum=1e6), steal=r.real("steal", None, maximum=1.0),
                   cpu_share=r.real("cpu_share", None, maximum=1e6), spin=r.real("spin", None, maximum=1e6),
                   reasons=tuple(reasons))


BUSY_REASONS = ("runnable", "steal", "cpu_share", "spin")


@dataclass(frozen=True)
class Summary:
    """One paired comparison as measured: the ratio, its interval, and the conditions."""

    case: str  # "<rule id>/<case name>"
    a: str  # the code of each side, as the page shows it
    b: str
    kind: str  # "time": seconds per call; "value": a measured quantity; "exact": one deterministic pair
    unit: str  # "s" or "B"
    pairs: int
    ratio: float  # median of the per-pair ratios A/B
    low: float  # its confidence interval (CONFIDENCE, over at most LOOKS looks)
    high: float
    median_a: float  # each side's median, in `unit`
    median_b: float
    threads: int | None  # torch intra-op threads while measuring
    interop_threads: int | None
    load: Load
    elapsed_s: float = 0.0

    @property
    def rule(self) -> str:
        return self.case.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.case.split("/", 1)[1] if "/" in self.case else ""

    def decide(self, need: Need) -> str:
        """HOLDS, FAILS, INCONCLUSIVE or POSTPONED: load may postpone a failure, never make one.

        A failure measured while the machine was busy is POSTPONED (undecided): the
        interval is sound for the conditions it was measured under, but a verdict says
        what the machine does, and a busy one is not itself."""
        if not self.has_interval:
            return INCONCLUSIVE
        decision = need.decide(self.low, self.high)
        if decision == FAILS and self.load.busy:
            return POSTPONED
        return decision

    @property
    def has_interval(self) -> bool:
        """Whether there were pairs enough for an interval (an exact pair needs none)."""
        return self.kind == "exact" or order_rank(self.pairs, PER_LOOK_ALPHA) is not None

    def interval_text(self, locale: str = "en") -> str:
        """"1.59× (95% CI 1.48–1.71, 40 pairs)", or "1.0003× (exact)" for one deterministic
        pair; in Chinese "1.59×（95% 置信区间 1.48–1.71，40 对）"."""
        words = INTERVAL_WORDS[locale]
        if self.kind == "exact":
            return words["exact"].format(ratio=fmt.exact_ratio(self.ratio))
        key = "interval" if self.has_interval else "no_interval"
        return words[key].format(ratio=fmt.ratio(self.ratio), low=fmt.ratio(self.low), high=fmt.ratio(self.high),
                                 pairs=self.pairs, confidence=f"{CONFIDENCE:.0%}")

    def to_extra(self) -> dict:
        """The extra_info of the benchmark that carries this summary."""
        return {"tip": PAIRED, "variant": self.case, "code": f"{self.a} / {self.b}", "bytes": 0,
                "a": self.a, "b": self.b, "kind": self.kind, "unit": self.unit, "pairs": self.pairs,
                "ratio": self.ratio, "low": self.low, "high": self.high,
                "median_a": self.median_a, "median_b": self.median_b,
                "threads": self.threads, "interop_threads": self.interop_threads,
                "load": self.load.to_json(), "elapsed_s": self.elapsed_s}

    @classmethod
    def parse(cls, extra: Reader) -> Summary:
        kind = extra.text("kind", choices=KINDS)
        unit = extra.text("unit", choices=UNITS)
        most = MAX_SECONDS if unit == "s" else float(MAX_BYTES)
        ratio = extra.real("ratio", positive=True, maximum=1e12)
        low = extra.real("low", positive=True, maximum=1e12)
        high = extra.real("high", positive=True, maximum=1e12)
        if not low <= ratio <= high:
            extra.fail(f"{extra.path('low')}: the interval {low:g}–{high:g} should hold the ratio {ratio:g}")
        return cls(
            case=extra.text("variant"), a=extra.text("a"), b=extra.text("b"), kind=kind, unit=unit,
            pairs=extra.whole("pairs", minimum=1, maximum=100_000), ratio=ratio, low=low, high=high,
            median_a=extra.real("median_a", maximum=most), median_b=extra.real("median_b", maximum=most),
            threads=extra.whole("threads", None, maximum=1 << 20),
            interop_threads=extra.whole("interop_threads", None, maximum=1 << 20),
            load=Load.parse(extra.child("load")), elapsed_s=extra.real("elapsed_s", 0.0, maximum=MAX_SECONDS),
        )


# How an interval reads in each language (the check's output and the pages share them).
INTERVAL_WORDS = {
    "en": {"exact": "{ratio}× (exact)", "no_interval": "{ratio}× ({pairs} pairs: too few for an interval)",
           "interval": "{ratio}× ({confidence} CI {low}–{high}, {pairs} pairs)"},
    "zh": {"exact": "{ratio}×（精确值）", "no_interval": "{ratio}×（仅 {pairs} 对，不足以给出置信区间）",
           "interval": "{ratio}×（{confidence} 置信区间 {low}–{high}，{pairs} 对）"},
}


def summarize(case: str, a: str, b: str, kind: str, unit: str, values_a: Sequence[float],
              values_b: Sequence[float], *, threads: int | None, interop_threads: int | None, load: Load,
              elapsed_s: float = 0.0, alpha: float = PER_LOOK_ALPHA) -> Summary:
    """The summary of paired measurements (values_a[i] with values_b[i])."""
    ratios = [x / y for x, y in zip(values_a, values_b, strict=True)]
    centre = median(ratios)
    if kind == "exact":
        low = high = centre
    else:
        # Too few pairs for an interval: the range, which decides nothing (has_interval).
        low, high = median_interval(ratios, alpha) or (min(ratios), max(ratios))
    return Summary(case=case, a=a, b=b, kind=kind, unit=unit, pairs=len(ratios), ratio=centre, low=low,
                   high=high, median_a=median(values_a), median_b=median(values_b), threads=threads,
                   interop_threads=interop_threads, load=load, elapsed_s=elapsed_s)
