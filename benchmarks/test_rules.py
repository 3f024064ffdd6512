"""The paired comparisons every rule on numbers is decided by: one benchmark each.

Each benchmark runs one comparison of tipsbench.pairing (A and B paired, interleaved in
random order, one torch thread, until the interval decides the rule or the profile's
budget is spent) and puts its summary in ``extra_info`` (tip "paired"): pairs, the
median ratio A/B, its 95% interval, each side's median, threads and the machine's load.
pytest-benchmark's own statistics for it are one round: how long the comparison took,
not a tip's number. The site and ``tipsbench check`` decide the rule from the summary.
"""

from __future__ import annotations

import pytest

from tipsbench import pairing, suite, verdicts
from tipsbench.profiles import PAIRED_BUDGET_S

# A smoke run (plain pytest) makes two pairs of each: enough to run every line, too few
# for an interval (such a summary decides nothing, and no smoke run is saved).
SMOKE_PAIRS = 2


COMPARISONS = [(rule, case) for rule in verdicts.rules().values() for case in rule.case_ids]


@pytest.mark.parametrize(("rule", "case"), COMPARISONS, ids=[case for _, case in COMPARISONS])
def test_rule(benchmark, request, rule: verdicts.Rule, case: str) -> None:
    comparison = pairing.all_cases()[case]
    reason = comparison.requires()
    if reason:
        pytest.skip(reason)
    smoke = benchmark.disabled
    budget = 0.0 if smoke else PAIRED_BUDGET_S[suite.profile(request.config)]
    least = {"min_pairs": SMOKE_PAIRS} if smoke else {}

    summary = benchmark.pedantic(lambda: pairing.measure(comparison, rule.need, budget, **least),
                                 rounds=1, iterations=1)
    least_pairs = 1 if comparison.kind == "exact" or not smoke else SMOKE_PAIRS  # an exact one is one pair
    assert summary.pairs >= least_pairs
    benchmark.extra_info.update(summary.to_extra())
