"""The small-sample rule (stats.rating.small_sample) and the intervals it reports, checked against
statsmodels and scipy (independent implementations)."""

from __future__ import annotations

import pytest
from scipy import stats as sp
from statsmodels.stats.proportion import proportion_confint

from workbench.stats import wilson_interval
from workbench.stats.exact import clopper_pearson
from workbench.stats.rating import (
    COLOURS,
    INDICATIVE,
    cases_needed,
    indicative_words,
    rate_against_target,
    sample_bounds,
    small_sample,
)


@pytest.mark.parametrize("x, n", [(0, 10), (3, 10), (7, 10), (10, 10), (12, 15), (49, 82), (1, 1)])
def test_clopper_pearson_and_wilson_match_statsmodels_and_scipy(x, n):
    low, high = clopper_pearson(x, n, 0.95)
    sm_low, sm_high = proportion_confint(x, n, alpha=0.05, method="beta")
    assert (low, high) == pytest.approx((sm_low, sm_high), abs=1e-9)
    sp_ci = sp.binomtest(x, n).proportion_ci(0.95, method="exact")
    assert (low, high) == pytest.approx((sp_ci.low, sp_ci.high), abs=1e-9)
    w = wilson_interval(x, n)
    sm_w = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert (w.low, w.high) == pytest.approx(sm_w, abs=1e-9)
    sp_w = sp.binomtest(x, n).proportion_ci(0.95, method="wilson")
    assert (w.low, w.high) == pytest.approx((sp_w.low, sp_w.high), abs=1e-9)


def test_ten_files_never_separate_the_bands_above_74_percent():
    # all ten compliant: the one-sided 95 % lower bound is 0.05 ** (1/10) = 74.1 %
    best = sample_bounds(10, 10, 0.95)
    assert best.best_lower == pytest.approx(0.05 ** 0.1, abs=1e-9)
    for target in (0.75, 0.8, 0.9, 0.95):
        for x in range(11):
            bounds = sample_bounds(x, 10, 0.95)
            assert small_sample(bounds, target)
            rag, reason = rate_against_target(bounds, target, "lower_bound", 10)
            assert rag == INDICATIVE and rag not in COLOURS
            assert reason.startswith(indicative_words(bounds))
    assert not small_sample(best, 0.7)  # a target the ten can confirm is rated
    assert rate_against_target(best, 0.7, "lower_bound", 10)[0] == "green"


def test_the_words_carry_n_and_the_two_sided_exact_interval():
    bounds = sample_bounds(7, 10, 0.95)
    low, high = proportion_confint(7, 10, alpha=0.05, method="beta")
    assert indicative_words(bounds) == (f"indicative \u2014 small sample (n=10), 95 % exact interval "
                                        f"{low * 100:.1f}\u2013{high * 100:.1f} %")
    assert indicative_words(bounds) == "indicative \u2014 small sample (n=10), 95 % exact interval 34.8\u201393.3 %"


def test_the_rule_is_the_sample_size_that_confirms_the_target():
    for target in (0.75, 0.8, 0.9, 0.95):
        need = cases_needed(target, 0.95)
        assert need is not None  # below 100 % a sample can confirm the target
        assert not small_sample(sample_bounds(need, need, 0.95), target)
        assert small_sample(sample_bounds(need - 1, need - 1, 0.95), target)


def test_no_target_census_and_a_100_percent_target_are_not_small_samples():
    assert not small_sample(sample_bounds(10, 10, 0.95), None)
    assert not small_sample(sample_bounds(10, 10, 0.95, population=10), 0.9)  # a census
    assert not small_sample(sample_bounds(59, 59, 0.95), 1.0)
    assert rate_against_target(sample_bounds(58, 59, 0.95), 1.0, "lower_bound", 59)[0] == "red"
    assert rate_against_target(sample_bounds(59, 59, 0.95), 1.0, "lower_bound", 59)[0] is None
