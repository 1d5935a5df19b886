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
    assert round(cohen_kappa(a, b), 3) == 0.492


def test_fleiss_diagnosis_example():
    # Fleiss, Statistical Methods for Rates and Proportions: two raters, 100 subjects,
    # p_o = .89, p_e = .66, kappa = .68
    a, b = from_table([[75, 1, 4], [5, 4, 1], [0, 0, 10]], ["psychotic", "neurotic", "organic"])
    assert agreement_rate(a, b) == pytest.approx(0.89)
    assert cohen_kappa(a, b) == pytest.approx(0.23 / 0.34)
    assert round(cohen_kappa(a, b), 2) == 0.68


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
        grade_agreement([None], ["high"])
