"""``tipsbench compare OLD NEW``: what changed between two runs, noise accounted for.

Benchmarks are matched by name. Two runs made at different times can't be paired the way
a rule's comparisons are (tipsbench.pairing), so each benchmark is judged by the ratio of
its medians against the runs' own noise (half the two relative IQRs added, never under
10%): a change inside the noise is "same", never a regression. A benchmark is a regression when NEW is slower beyond the noise *and* by
more than ``--threshold`` (default 0: the noise alone decides). The exit status is 1
when anything regressed, naming each; 2 when the files can't be compared. Runs of two
different machines are refused unless ``--any-machine`` says that is the point. A rule's
paired comparisons (tip "paired") are left out: their time is how long the comparison
took, not a cost of anything.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from tipsbench import fmt, results
from tipsbench.paired import PAIRED
from tipsbench.report import clean

# Two medians closer than this are "no meaningful difference" however tight the runs were:
# a shared machine moves by this much from minute to minute.
SAME_WITHIN = 0.10


@dataclass(frozen=True)
class Comparison:
    """a's median over b's, and whether the difference is bigger than the runs' noise."""

    ratio: float
    noise: float  # relative: a difference within ±noise is no meaningful difference

    @property
    def meaningful(self) -> bool:
        return abs(self.ratio - 1) > self.noise

    @property
    def a_faster(self) -> bool:
        return self.meaningful and self.ratio < 1

    @property
    def a_slower(self) -> bool:
        return self.meaningful and self.ratio > 1

    def __str__(self) -> str:
        return f"{self.ratio:.2f}× (noise ±{self.noise:.0%})"


def compare(a: results.Record, b: results.Record) -> Comparison | None:
    """a ÷ b by median time. The noise is half the two relative IQRs added (each run's
    middle half spans ±IQR/2 around its median), never under SAME_WITHIN."""
    if a.median_s <= 0 or b.median_s <= 0:
        return None
    spread = (a.iqr_s / a.median_s + b.iqr_s / b.median_s) / 2
    return Comparison(a.median_s / b.median_s, max(SAME_WITHIN, spread))


@dataclass(frozen=True)
class Change:
    name: str
    old_s: float
    new_s: float
    comparison: Comparison | None

    def verdict(self, threshold: float) -> str:
        c = self.comparison
        if c is None:
            return "not comparable"
        if c.a_slower and c.ratio - 1 > threshold:
            return "REGRESSION"
        if c.a_slower:
            return "slower (under threshold)"
        return "faster" if c.a_faster else "same"


def changes(old: results.Run, new: results.Run) -> tuple[list[Change], list[str], list[str]]:
    """The matched pairs (in NEW's order), and the names only OLD or only NEW has."""
    before = {r.name: r for r in old.records if r.tip != PAIRED}
    after = {r.name: r for r in new.records if r.tip != PAIRED}
    pairs = [Change(name, before[name].median_s, rec.median_s, compare(rec, before[name]))
             for name, rec in after.items() if name in before]
    return pairs, sorted(set(before) - set(after)), sorted(set(after) - set(before))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tipsbench compare", description=__doc__.splitlines()[0])
    parser.add_argument("old", metavar="OLD")
    parser.add_argument("new", metavar="NEW")
    parser.add_argument("--threshold", type=float, default=0.0, metavar="FRACTION",
                        help="a slowdown beyond the noise must also exceed this (0.1 = 10%%) to count as a regression")
    parser.add_argument("--any-machine", action="store_true", help="compare runs of different machines")
    parser.add_argument("--all", action="store_true", help="list every benchmark, not only those that changed")
    args = parser.parse_args(argv)
    try:
        old, new = results.load_run(args.old), results.load_run(args.new)
    except results.ResultsError as exc:
        print(f"tipsbench compare: {exc}", file=sys.stderr)
        return 2
    if old.key != new.key and not args.any_machine:
        print(f"tipsbench compare: {clean(args.old)} is from machine {clean(old.key)} and {clean(args.new)} from "
              f"{clean(new.key)}; pass --any-machine to compare them anyway", file=sys.stderr)
        return 2
    pairs, only_old, only_new = changes(old, new)
    verdicts = [(change, change.verdict(args.threshold)) for change in pairs]
    shown = [(c, v) for c, v in verdicts if args.all or v != "same"]
    print(f"{clean(args.old)} (torch {clean(old.machine.torch_version)}) → {clean(args.new)} "
          f"(torch {clean(new.machine.torch_version)})")
    if shown:
        width = max(len(clean(c.name)) for c, _ in shown)
        for change, verdict in shown:
            ratio = str(change.comparison) if change.comparison else "—"
            print(f"  {clean(change.name):<{width}}  {fmt.duration(change.old_s):>9} → {fmt.duration(change.new_s):>9}"
                  f"  {ratio:<22} {verdict}")
    counts: dict[str, int] = {}
    for _, verdict in verdicts:
        counts[verdict] = counts.get(verdict, 0) + 1
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) or "nothing in common"
    print(f"{len(pairs)} benchmarks compared: {summary}")
    if only_old or only_new:
        print(f"only in OLD: {len(only_old)}, only in NEW: {len(only_new)}")
    regressed = [c.name for c, v in verdicts if v == "REGRESSION"]
    if regressed:
        print(f"tipsbench compare: {len(regressed)} regressed beyond the noise"
              + (f" and {args.threshold:.0%}" if args.threshold else "") + ": " + ", ".join(clean(n) for n in regressed[:10])
              + (" …" if len(regressed) > 10 else ""), file=sys.stderr)
        return 1
    return 0
