"""Stratified estimate (Korn–Graubard interval) against a hand computation with scipy, and
its coverage in simulation."""

from __future__ import annotations

import random

import pytest
from scipy import stats as sp

from workbench.stats import StatsError, StratumCount, stratified_design, stratified_estimate


def kg_reference(strata, confidence=0.95, sides=2):
    """Independent Korn–Graubard: n_h - 1 variances, df-adjusted, capped at n (scipy)."""
    total = sum(s.population for s in strata)
    n = sum(s.n for s in strata)
    p = sum(s.population / total * s.successes / s.n for s in strata)
    v = 0.0
    for s in strata:
        w, ph = s.population / total, s.successes / s.n
        s2 = 0.25 if s.n == 1 else s.n * ph * (1 - ph) / (s.n - 1)
        v += w * w * (1 - s.n / s.population) * s2 / s.n
    q = 1 - (1 - confidence) / sides
    cap = n / (1 - n / total)
    n_eff = n if v == 0 else min(cap, p * (1 - p) / v * (sp.t.ppf(q, n - 1) / sp.t.ppf(q, n - len(strata))) ** 2)
    x = p * n_eff
    low = sp.beta.ppf(1 - q, x, n_eff - x + 1) if x > 0 else 0.0
    high = sp.beta.ppf(q, x + 1, n_eff - x) if x < n_eff else 1.0
    return p, low, high


THREE = [StratumCount("north", 600, 30, 24), StratumCount("south", 300, 20, 12), StratumCount("east", 100, 10, 5)]


def test_three_districts_match_the_scipy_reference():
    # W = 0.6, 0.3, 0.1; p = 0.71; v uses s_h^2 = n_h p_h (1 - p_h) / (n_h - 1)
    result = stratified_estimate(THREE)
    p, low, high = kg_reference(THREE)
    assert result.point == pytest.approx(0.71, abs=1e-12)
    assert (result.low, result.high) == pytest.approx((low, high), abs=1e-9)
    design = stratified_design(THREE)
    v = 0.36 * 0.95 * (30 / 29 * 0.16) / 30 + 0.09 * (14 / 15) * (20 / 19 * 0.24) / 20 + 0.01 * 0.9 * (10 / 9 * 0.25) / 10
    assert design.variance == pytest.approx(v, rel=1e-12)
    assert design.n_eff <= 60 / (1 - 60 / 1000)  # capped at the simple random sample's effective size


def test_one_sided_bounds_match_the_reference():
    result = stratified_estimate(THREE, confidence=0.95, sides=1)
    _, low, high = kg_reference(THREE, 0.95, sides=1)
    assert (result.low, result.high) == pytest.approx((low, high), abs=1e-9)
    assert result.low > stratified_estimate(THREE).low


def test_dominant_all_compliant_stratum_no_longer_gives_a_narrow_interval():
    # the case in the issue: a 90 %-weight stratum at 10/10 and a stratum at 5/10
    result = stratified_estimate([StratumCount("a", 900_000, 10, 10), StratumCount("b", 100_000, 10, 5)])
    assert result.point == pytest.approx(0.95)
    assert result.low < 0.80  # was 90.9 %: 20 cases cannot show more than that
    assert stratified_design([StratumCount("a", 900_000, 10, 10), StratumCount("b", 100_000, 10, 5)]).n_eff < 20.01


def test_single_large_stratum_is_clopper_pearson_on_n_minus_one():
    # one stratum: v = p (1 - p) / (n - 1), so n_eff = 81 for 82 cases
    result = stratified_estimate([StratumCount("all", 10**12, 82, 49)])
    x = 49 / 82 * 81
    assert result.low == pytest.approx(sp.beta.ppf(0.025, x, 81 - x + 1), abs=1e-8)
    assert result.high == pytest.approx(sp.beta.ppf(0.975, x + 1, 81 - x), abs=1e-8)


def test_finite_population_narrows_the_interval():
    small = stratified_estimate([StratumCount("a", 100, 80, 60)])
    large = stratified_estimate([StratumCount("a", 10**9, 80, 60)])
    assert small.high - small.low < large.high - large.low


def test_census_has_no_sampling_error():
    result = stratified_estimate([StratumCount("a", 10, 10, 7), StratumCount("b", 5, 5, 5)])
    assert result.point == pytest.approx(0.8)
    assert result.low == result.point == result.high


def test_all_or_nothing_strata_use_the_whole_sample():
    result = stratified_estimate([StratumCount("a", 500, 20, 0), StratumCount("b", 500, 20, 0)])
    assert result.point == 0.0 and result.low == 0.0
    assert result.high == pytest.approx(sp.beta.ppf(0.975, 1, 40), abs=1e-9)
    mixed = stratified_estimate([StratumCount("a", 500, 20, 20), StratumCount("b", 500, 20, 0)])
    assert mixed.point == pytest.approx(0.5)
    assert mixed.low < 0.5 < mixed.high


def test_a_stratum_of_one_case_gets_the_largest_variance():
    one = stratified_design([StratumCount("a", 100, 1, 1), StratumCount("b", 100, 10, 5)])
    assert one.variance == pytest.approx(0.25 * 0.25 * 0.99 / 1 + 0.25 * 0.9 * (10 / 9 * 0.25) / 10)


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


# Coverage of the nominal 95 % interval. Seeded, bounded: 600 samples a scenario. Each
# scenario's large population (10^6 cases) is sampled with per-case probabilities p_h.
SCENARIOS = {
    "dominant stratum, 10 + 10 cases": ((0.9, 0.1), (10, 10), (0.97, 0.5)),
    "dominant stratum near 90 %": ((0.9, 0.1), (10, 10), (0.9, 0.6)),
    "three small strata": ((0.5, 0.3, 0.2), (4, 3, 3), (0.8, 0.6, 0.9)),
    "zero-deviation strata": ((1 / 3, 1 / 3, 1 / 3), (10, 10, 10), (0.98, 0.99, 1.0)),
    "mostly compliant, uneven": ((0.6, 0.3, 0.1), (30, 20, 10), (0.95, 0.85, 0.7)),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_coverage_of_the_nominal_95_percent_interval(name):
    weights, sizes, rates = SCENARIOS[name]
    rng = random.Random(20240901)
    big_n = 1_000_000
    truth = sum(w * p for w, p in zip(weights, rates, strict=True))
    reps, hits = 600, 0
    for _ in range(reps):
        strata = [StratumCount(str(h), int(w * big_n), n, sum(rng.random() < p for _ in range(n)))
                  for h, (w, n, p) in enumerate(zip(weights, sizes, rates, strict=True))]
        interval = stratified_estimate(strata)
        hits += interval.low <= truth <= interval.high
    assert hits / reps >= 0.93, f"{name}: coverage {hits / reps:.3f}"
