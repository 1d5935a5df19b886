"""Exact bounds and distributions checked against scipy.stats (independent implementation)."""

from __future__ import annotations

import random

import pytest
from scipy import stats as sp

from workbench.stats import StatsError, attribute_sample_size, clopper_pearson, hypergeometric_lower
from workbench.stats.exact import beta_cdf, beta_ppf, hypergeometric_cdf, t_ppf


def test_beta_functions_match_scipy_on_random_arguments():
    rng = random.Random(7)
    for _ in range(600):
        a = rng.choice([rng.uniform(0.05, 3), rng.uniform(1, 400), float(rng.randint(1, 3000))])
        b = rng.choice([rng.uniform(0.05, 3), rng.uniform(1, 400), float(rng.randint(1, 3000))])
        x, q = rng.random(), rng.choice([0.025, 0.05, 0.95, 0.975, rng.random()])
        assert beta_cdf(x, a, b) == pytest.approx(sp.beta.cdf(x, a, b), abs=1e-11)
        assert beta_ppf(q, a, b) == pytest.approx(sp.beta.ppf(q, a, b), abs=1e-10)


@pytest.mark.parametrize("df", [1, 1.5, 2, 5, 19, 80, 1000])
@pytest.mark.parametrize("q", [0.9, 0.95, 0.975, 0.025])
def test_t_quantile_matches_scipy(df, q):
    assert t_ppf(q, df) == pytest.approx(sp.t.ppf(q, df), rel=1e-9)


@pytest.mark.parametrize(("x", "n"), [(0, 10), (1, 1), (49, 82), (59, 59), (15, 22), (3.5, 12.25)])
@pytest.mark.parametrize("sides", [1, 2])
def test_clopper_pearson_matches_scipy(x, n, sides):
    tail = 0.05 / sides
    low, high = clopper_pearson(x, n, 0.95, sides)
    assert low == pytest.approx(0.0 if x == 0 else sp.beta.ppf(tail, x, n - x + 1), abs=1e-10)
    assert high == pytest.approx(1.0 if x == n else sp.beta.ppf(1 - tail, x + 1, n - x), abs=1e-10)
    if float(x).is_integer():
        ref = sp.binomtest(int(x), int(n)).proportion_ci(0.95 if sides == 2 else 0.90, method="exact")
        assert (low, high) == pytest.approx((ref.low, ref.high), abs=1e-9)


def test_hypergeometric_cdf_matches_scipy():
    for k, n, big_n, d in [(0, 45, 100, 5), (1, 46, 8341, 835), (3, 80, 500, 60), (10, 10, 20, 15)]:
        assert hypergeometric_cdf(k, n, big_n, d) == pytest.approx(sp.hypergeom.cdf(k, big_n, d, n), rel=1e-9)


@pytest.mark.parametrize(("confidence", "tolerable", "expected", "population"), [
    (0.95, 0.05, 0.0, None), (0.95, 0.05, 0.01, None), (0.90, 0.10, 0.0, None), (0.95, 0.10, 0.02, None),
    (0.95, 0.05, 0.0, 100), (0.95, 0.10, 0.02, 8341), (0.90, 0.05, 0.01, 2000),
])
def test_exactly_the_planned_result_meets_the_target(confidence, tolerable, expected, population):
    """Sizing and rating agree: the sample with exactly the allowed deviations has a one-sided
    exact lower bound at or above 1 - tolerable, one deviation more does not."""
    n = attribute_sample_size(confidence, tolerable, expected, population)
    allowed = -(-round(expected * 10**9) * n // 10**9)  # ceil(expected * n), exactly
    target = 1 - tolerable
    if population is None:
        low, _ = clopper_pearson(n - allowed, n, confidence, sides=1)
        worse, _ = clopper_pearson(n - allowed - 1, n, confidence, sides=1)
    else:
        low = hypergeometric_lower(n - allowed, n, population, confidence)
        worse = hypergeometric_lower(n - allowed - 1, n, population, confidence)
    assert low >= target - 1e-12
    assert worse < target
    # and a sample one smaller does not reach it with the same deviations
    if population is None:
        assert clopper_pearson(n - 1 - allowed, n - 1, confidence, sides=1)[0] < target + 1e-12 or allowed > 0


def test_59_of_59_rates_at_the_95_percent_target():
    low, _ = clopper_pearson(59, 59, 0.95, sides=1)
    assert low == pytest.approx(0.05 ** (1 / 59))
    assert low > 0.95


def test_census_lower_bound_is_the_observed_share():
    assert hypergeometric_lower(9, 10, 10) == pytest.approx(0.9)


def test_hypergeometric_lower_matches_a_brute_force_search():
    for compliant, n, big_n in [(44, 45, 100), (20, 22, 60), (5, 5, 9)]:
        k = n - compliant
        d = max(d for d in range(k, big_n - compliant + 1) if sp.hypergeom.cdf(k, big_n, d, n) > 0.05)
        assert hypergeometric_lower(compliant, n, big_n) == pytest.approx(1 - d / big_n)


def test_bad_arguments_are_refused():
    with pytest.raises(StatsError, match="no cases"):
        clopper_pearson(0, 0)
    with pytest.raises(StatsError, match="between 0 and n"):
        clopper_pearson(5, 4)
    with pytest.raises(StatsError, match="cannot come from"):
        hypergeometric_lower(5, 6, 4)


def test_a_remembered_bound_still_checks_its_counts() -> None:
    """The bound is memoised on checked counts: a call the checks refuse is refused however often
    its valid twin was asked."""
    good = hypergeometric_lower(5, 10, 100)
    assert hypergeometric_lower(5, 10, 100) == good
    for bad in ((5.5, 10, 100), (True, 10, 100), (11, 10, 100), (5, 10, 0)):
        with pytest.raises(StatsError):
            hypergeometric_lower(*bad)
