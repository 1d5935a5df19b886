"""Stratified estimate against a hand-computed example."""

from __future__ import annotations

import math

import pytest

from workbench.stats import StatsError, StratumCount, stratified_estimate, wilson_interval

Z95 = 1.959963984540054


def wilson_on(p: float, n: float) -> tuple[float, float]:
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return centre - half, centre + half


def test_three_districts_by_hand():
    strata = [
        StratumCount("north", population=600, n=30, successes=24),
        StratumCount("south", population=300, n=20, successes=12),
        StratumCount("east", population=100, n=10, successes=5),
    ]
    # W = 0.6, 0.3, 0.1; p = 0.6*0.8 + 0.3*0.6 + 0.1*0.5 = 0.71
    # v = 0.36*0.95*0.16/30 + 0.09*(14/15)*0.24/20 + 0.01*0.9*0.25/10
    #   = 0.001824 + 0.001008 + 0.000225 = 0.003057
    # n_eff = 0.71 * 0.29 / 0.003057 = 67.3536...
    result = stratified_estimate(strata)
    assert result.point == pytest.approx(0.71, abs=1e-12)
    n_eff = 0.71 * 0.29 / 0.003057
    low, high = wilson_on(0.71, n_eff)
    assert result.low == pytest.approx(low, abs=1e-9)
    assert result.high == pytest.approx(high, abs=1e-9)
    assert (round(result.low, 4), round(result.high, 4)) == (round(low, 4), round(high, 4))
    assert 0.58 < result.low < 0.6 and 0.8 < result.high < 0.82


def test_single_large_stratum_is_the_wilson_interval():
    result = stratified_estimate([StratumCount("all", 10**12, 82, 49)])
    plain = wilson_interval(49, 82)
    assert result.point == pytest.approx(plain.point)
    assert result.low == pytest.approx(plain.low, abs=1e-9)
    assert result.high == pytest.approx(plain.high, abs=1e-9)


def test_finite_population_narrows_the_interval():
    small = stratified_estimate([StratumCount("a", 100, 80, 60)])
    large = stratified_estimate([StratumCount("a", 10**9, 80, 60)])
    assert small.high - small.low < large.high - large.low


def test_census_has_no_sampling_error():
    result = stratified_estimate([StratumCount("a", 10, 10, 7), StratumCount("b", 5, 5, 5)])
    assert result.point == pytest.approx(0.8)
    assert result.low == result.point == result.high


def test_all_or_nothing_strata_fall_back_to_total_sample():
    result = stratified_estimate([StratumCount("a", 500, 20, 0), StratumCount("b", 500, 20, 0)])
    assert result.point == 0.0 and result.low == 0.0
    assert result.high == pytest.approx(wilson_interval(0, 40).high)
    mixed = stratified_estimate([StratumCount("a", 500, 20, 20), StratumCount("b", 500, 20, 0)])
    assert mixed.point == pytest.approx(0.5)
    assert mixed.low < 0.5 < mixed.high


def test_empty_strata_are_ignored():
    with_empty = stratified_estimate([StratumCount("a", 100, 10, 5), StratumCount("b", 0, 0, 0)])
    assert with_empty == stratified_estimate([StratumCount("a", 100, 10, 5)])


@pytest.mark.parametrize(
    ("strata", "words"),
    [
        ([], "no strata"),
        ([StratumCount("a", 100, 0, 0)], "none were sampled"),
        ([StratumCount("a", 10, 11, 0)], "exceeds its population"),
        ([StratumCount("a", 10, 5, 6)], "exceed its sample"),
        ([StratumCount("a", 10, 5, 1), StratumCount("a", 10, 5, 1)], "listed twice"),
        ([StratumCount("a", 0, 0, 0)], "population 0"),
        ([StratumCount("a", -1, 0, 0)], "at least 0"),
    ],
)
def test_bad_strata_are_refused(strata, words):
    with pytest.raises(StatsError, match=words):
        stratified_estimate(strata)
