"""The statistics rules are decided by: the interval, the needs, the looks, and measuring
pairs adaptively, on synthetic numbers whose answer is known."""

from __future__ import annotations

import contextlib
import itertools
import math
import random

import pytest

from tipsbench import pairing
from tipsbench.paired import (
    FAILS,
    HOLDS,
    INCONCLUSIVE,
    LOOK_AT,
    PER_LOOK_ALPHA,
    POSTPONED,
    Load,
    Need,
    median_interval,
    order_rank,
    summarize,
)

IDLE = Load(busy=False)
BUSY = Load(busy=True, reasons=("cpu_share",))


def summary(ratios, load=IDLE, kind="time"):
    return summarize("r/x", "a", "b", kind, "s", [r * 1e-3 for r in ratios], [1e-3] * len(ratios),
                     threads=1, interop_threads=1, load=load)


def binomial_tail(n: int, k: int) -> float:
    """P(Binomial(n, 1/2) <= k)."""
    return sum(math.comb(n, j) for j in range(k + 1)) / 2 ** n


@pytest.mark.parametrize("n", [8, 12, 24, 48, 96, 384])
def test_order_rank_is_the_largest_rank_with_the_coverage(n):
    """[x(k), x(n-k+1)] misses the median with probability 2·P(B ≤ k-1) ≤ α; k+1 would exceed it."""
    k = order_rank(n, PER_LOOK_ALPHA)
    assert 2 * binomial_tail(n, k - 1) <= PER_LOOK_ALPHA < 2 * binomial_tail(n, k)


def test_too_few_pairs_give_no_interval():
    assert order_rank(7, PER_LOOK_ALPHA) is None and median_interval([1.0] * 7) is None
    s = summary([1.0] * 5)
    assert not s.has_interval and s.decide(Need.within(0.5)) == INCONCLUSIVE
    assert "too few" in s.interval_text()


def test_the_interval_covers_the_true_median_as_promised():
    """Over many synthetic comparisons (log-normal noise around a known ratio), the 95%
    interval of the first look misses the true ratio in well under 5% of them."""
    rng = random.Random(1)
    misses = 0
    for _ in range(2000):
        ratios = [1.3 * math.exp(rng.gauss(0, 0.2)) for _ in range(LOOK_AT[0])]
        low, high = median_interval(ratios)
        misses += not low <= 1.3 <= high
    assert misses / 2000 < 0.05 / 6 * 2  # per look ≤ α/6 (±sampling)


def test_a_clear_difference_holds_and_its_opposite_fails():
    faster = summary([2.0 + 0.01 * i for i in range(12)])
    assert faster.decide(Need.at_least(1.10)) == HOLDS
    assert faster.decide(Need.at_most(1.05)) == FAILS
    assert faster.interval_text().startswith("2.05× (95% CI 2.01–2.10, 12 pairs)")


def test_an_equivalence_needs_the_whole_interval_inside_the_margin():
    same = summary([1.0 + 0.002 * (i - 12) for i in range(24)])
    assert same.decide(Need.within(0.05)) == HOLDS
    near_edge = summary([1.02 + 0.004 * i for i in range(24)])  # 1.02 … 1.11: straddles 1.05
    assert near_edge.decide(Need.within(0.05)) == INCONCLUSIVE
    far = summary([1.3 + 0.001 * i for i in range(24)])
    assert far.decide(Need.within(0.05)) == FAILS


def test_a_wide_interval_decides_nothing_whatever_its_centre():
    """"Within the noise" is not "holds": a median of exactly 1 with wild pairs is inconclusive."""
    wide = summary([0.4, 2.5] * 6 + [1.0] * 12)
    assert wide.ratio == 1.0
    assert wide.decide(Need.within(0.10)) == INCONCLUSIVE
    assert wide.decide(Need.at_most(1.05)) == INCONCLUSIVE


def test_stalls_in_some_of_a_rounds_move_only_their_pairs():
    """Three of 24 A measurements hit a 50× stall: the median ratio and the interval's ends
    move by at most three ranks (each stalled pair by one), and the rule stays decided."""
    ratios = [1.5 + 0.005 * i for i in range(24)]
    stalled = list(ratios)
    for i in (3, 11, 19):
        stalled[i] *= 50
    clean, hit = summary(ratios), summary(stalled)
    assert hit.decide(Need.at_least(1.10)) == HOLDS
    assert abs(hit.ratio / clean.ratio - 1) < 0.02 and abs(hit.low / clean.low - 1) < 0.02


def test_load_postpones_a_failure_but_never_makes_one():
    slower = [0.8 + 0.005 * i for i in range(12)]
    assert summary(slower).decide(Need.at_least(1.10)) == FAILS
    assert summary(slower, BUSY).decide(Need.at_least(1.10)) == POSTPONED
    faster = [2.0] * 12
    assert summary(faster, BUSY).decide(Need.at_least(1.10)) == HOLDS


def test_an_exact_comparison_is_one_pair_with_no_spread():
    s = summary([1.0022], kind="exact")
    assert (s.low, s.high, s.pairs) == (s.ratio, s.ratio, 1)
    assert s.interval_text() == "1.0022× (exact)" and s.interval_text("zh") == "1.0022×（精确值）"
    assert s.decide(Need.within(0.01)) == HOLDS and summary([1.05], kind="exact").decide(Need.within(0.01)) == FAILS


def test_chinese_interval_words():
    s = summary([2.0 + 0.01 * i for i in range(12)])
    assert s.interval_text("zh") == "2.05×（95% 置信区间 2.01–2.10，12 对）"


def _case(values_a, values_b):
    """A comparison whose sides return the next value of a sequence (kind "value")."""
    @contextlib.contextmanager
    def prepare():
        a, b = iter(values_a), iter(values_b)
        yield (lambda: next(a)), (lambda: next(b))

    return pairing.PairCase("r/x", "a", "b", prepare, kind="value", unit="B")


def test_measuring_stops_at_the_first_look_that_decides():
    clear = _case(itertools.repeat(2.0), itertools.repeat(1.0))
    s = pairing.measure(clear, Need.at_least(1.10), budget_s=60)
    assert s.pairs == LOOK_AT[0] and s.decide(Need.at_least(1.10)) == HOLDS and s.threads == pairing.PAIRED_THREADS


def test_measuring_goes_on_while_undecided_until_the_budget_or_the_last_look():
    rng = random.Random(0)
    noisy = _case((1.1 * math.exp(rng.gauss(0, 0.3)) for _ in itertools.count()), itertools.repeat(1.0))
    s = pairing.measure(noisy, Need.at_least(1.10), budget_s=60)  # a true ratio of 1.10: never decided
    assert s.pairs == LOOK_AT[-1] and s.decide(Need.at_least(1.10)) == INCONCLUSIVE
    short = pairing.measure(_case(itertools.repeat(1.1), itertools.repeat(1.0)), Need.at_least(1.10), budget_s=0)
    assert short.pairs == LOOK_AT[0]  # the budget never cuts below the first look


def test_a_comparison_this_machine_cant_make_is_not_checkable():
    case = pairing.PairCase("r/x", "a", "b", _case([], []).prepare, requires=lambda: "no GPU here")
    with pytest.raises(pairing.NotCheckable, match="no GPU here"):
        pairing.measure(case, Need.at_least(1.0), budget_s=1)


def test_every_rule_has_its_comparisons_and_every_comparison_a_rule():
    from tipsbench import verdicts

    wanted = {case for rule in verdicts.rules().values() for case in rule.case_ids}
    assert wanted == set(pairing.all_cases())
