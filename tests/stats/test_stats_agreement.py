"""Agreement and Cohen's kappa against published examples."""

from __future__ import annotations

import pytest

from workbench.stats import StatsError, agreement_rate, cohen_kappa, grade_agreement


def from_table(table: list[list[int]], labels: list[str]) -> tuple[list[str], list[str]]:
    a, b = [], []
    for i, row in enumerate(table):
        for j, cell in enumerate(row):
            a += [labels[i]] * cell
            b += [labels[j]] * cell
    return a, b


def test_cohen_1960_example():
    # Cohen (1960): 200 cases, p_o = .70, p_c = .41, kappa = .492
    a, b = from_table([[88, 14, 18], [10, 40, 10], [2, 6, 12]], ["x", "y", "z"])
    assert agreement_rate(a, b) == pytest.approx(0.70)
    assert cohen_kappa(a, b) == pytest.approx(0.29 / 0.59)
    assert round(cohen_kappa(a, b) or 0.0, 3) == 0.492


def test_fleiss_diagnosis_example():
    # Fleiss, Statistical Methods for Rates and Proportions: two raters, 100 subjects,
    # p_o = .89, p_e = .66, kappa = .68
    a, b = from_table([[75, 1, 4], [5, 4, 1], [0, 0, 10]], ["psychotic", "neurotic", "organic"])
    assert agreement_rate(a, b) == pytest.approx(0.89)
    assert cohen_kappa(a, b) == pytest.approx(0.23 / 0.34)
    assert round(cohen_kappa(a, b) or 0.0, 2) == 0.68


def test_two_by_two_example():
    # 50 cases: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> p_o .7, p_e .5, kappa .4
    a, b = from_table([[20, 5], [10, 15]], ["yes", "no"])
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_kappa_undefined_and_perfect():
    assert cohen_kappa(["high"] * 5, ["high"] * 5) is None
    assert cohen_kappa(["a", "b", "a"], ["a", "b", "a"]) == 1.0


def test_kappa_checks_categories_and_lengths():
    with pytest.raises(StatsError, match="case 2"):
        cohen_kappa(["a", "c"], ["a", "a"], categories=["a", "b"])
    with pytest.raises(StatsError, match="different lengths"):
        cohen_kappa(["a"], ["a", "b"])
    with pytest.raises(StatsError, match="no ratings"):
        agreement_rate([], [])


def test_grade_agreement_table():
    original = ["standard", "standard", "medium", "high", "Medium", "standard", "high"]
    auditor = ["standard", "medium", "medium", "medium", "high", "high", "high"]
    result = grade_agreement(original, auditor)
    assert result.n == 7
    assert result.agreed == 3
    assert result.under_graded == 3  # standard->medium, medium->high, standard->high
    assert result.over_graded == 1  # high->medium
    assert result.rate == pytest.approx(3 / 7)
    assert result.table[("standard", "medium")] == 1
    assert result.table[("standard", "high")] == 1
    assert result.table[("high", "medium")] == 1
    assert result.table[("medium", "standard")] == 0
    assert len(result.table) == 9
    assert sum(result.table.values()) == 7
    assert result.kappa == pytest.approx(cohen_kappa(
        [g.lower() for g in original], auditor))


def test_grade_agreement_rejects_unknown_grade():
    with pytest.raises(StatsError, match="case 2: auditor grade 'urgent'") as caught:
        grade_agreement(["high", "high"], ["high", "urgent"])
    assert caught.value.row == 2
    with pytest.raises(StatsError, match="case 1: original grade None"):
        grade_agreement([None], ["high"])  # type: ignore[list-item]  # a hostile caller: refused at run time


# --- ordered grades: weighted kappa and intervals against statsmodels (independent) ---------

import numpy as np  # noqa: E402
from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa  # noqa: E402
from statsmodels.stats.proportion import proportion_confint  # noqa: E402

GRADES = ("standard", "medium", "high")


def _random_grades(seed, n=70, agree=0.7):
    import random

    rng = random.Random(seed)
    original = [rng.choice(GRADES) for _ in range(n)]
    auditor = [g if rng.random() < agree else rng.choice(GRADES) for g in original]
    return original, auditor


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_weighted_and_unweighted_kappa_intervals_match_statsmodels(seed):
    original, auditor = _random_grades(seed)
    g = grade_agreement(original, auditor)
    table = np.array([[g.table[(a, b)] for b in GRADES] for a in GRADES])
    plain, linear = sm_kappa(table), sm_kappa(table, wt="linear")
    assert g.kappa == pytest.approx(plain.kappa, abs=1e-12)
    assert g.kappa_interval is not None and g.weighted_kappa_interval is not None
    assert (g.kappa_interval.low, g.kappa_interval.high) == pytest.approx((plain.kappa_low, plain.kappa_upp), abs=1e-12)
    assert g.weighted_kappa == pytest.approx(linear.kappa, abs=1e-12)
    assert (g.weighted_kappa_interval.low, g.weighted_kappa_interval.high) == pytest.approx(
        (linear.kappa_low, linear.kappa_upp), abs=1e-12)


def test_weighted_kappa_credits_near_misses():
    # every disagreement is one grade apart: weighted kappa is above unweighted kappa
    original = ["standard"] * 10 + ["medium"] * 10 + ["high"] * 10
    auditor = ["standard"] * 8 + ["medium"] * 2 + ["medium"] * 8 + ["high"] * 2 + ["high"] * 8 + ["medium"] * 2
    g = grade_agreement(original, auditor)
    assert g.weighted_kappa is not None and g.kappa is not None and g.weighted_kappa > g.kappa


def test_under_and_over_grading_rates_have_wilson_intervals():
    original, auditor = _random_grades(9)
    g = grade_agreement(original, auditor)
    for count, rate in ((g.under_graded, g.under_rate), (g.over_graded, g.over_rate)):
        low, high = proportion_confint(count, g.n, alpha=0.05, method="wilson")
        assert rate is not None and rate.point == pytest.approx(count / g.n)
        assert (rate.low, rate.high) == pytest.approx((low, high), abs=1e-12)


def test_kappa_is_undefined_with_one_grade_throughout():
    g = grade_agreement(["high"] * 4, ["high"] * 4)
    assert g.kappa is None and g.weighted_kappa is None and g.kappa_interval is None
