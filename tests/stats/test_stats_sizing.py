"""Sample sizes checked against the AICPA attribute-sampling tables and textbook values."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbench.stats import StatsError, attribute_sample_size, precision_sample_size

# AICPA Audit Guide "Audit Sampling", Appendix A.
# (tolerable rate, expected rate, sample size, expected deviations shown in brackets)
TABLE_A1_95 = [
    (0.02, 0, 149, 0), (0.03, 0, 99, 0), (0.04, 0, 74, 0), (0.05, 0, 59, 0),
    (0.06, 0, 49, 0), (0.07, 0, 42, 0), (0.08, 0, 36, 0), (0.09, 0, 32, 0),
    (0.10, 0, 29, 0), (0.15, 0, 19, 0), (0.20, 0, 14, 0),
    (0.02, 0.0025, 236, 1), (0.03, 0.0025, 157, 1), (0.04, 0.0025, 117, 1),
    (0.05, 0.0025, 93, 1), (0.06, 0.0025, 78, 1), (0.07, 0.0025, 66, 1),
    (0.08, 0.0025, 58, 1), (0.09, 0.0025, 51, 1), (0.10, 0.0025, 46, 1),
    (0.15, 0.0025, 30, 1), (0.20, 0.0025, 22, 1),
    (0.03, 0.005, 157, 1), (0.03, 0.0075, 208, 2), (0.04, 0.01, 156, 2),
    (0.04, 0.015, 192, 3), (0.04, 0.0175, 227, 4), (0.05, 0.005, 93, 1),
    (0.05, 0.01, 93, 1), (0.05, 0.0125, 124, 2), (0.05, 0.0175, 153, 3),
    (0.05, 0.02, 181, 4), (0.05, 0.0225, 208, 5), (0.06, 0.015, 103, 2),
    (0.06, 0.02, 127, 3), (0.06, 0.025, 150, 4), (0.06, 0.0275, 173, 5),
    (0.06, 0.03, 195, 6), (0.07, 0.0175, 88, 2), (0.07, 0.025, 109, 3),
    (0.07, 0.03, 129, 4), (0.07, 0.0325, 148, 5), (0.07, 0.035, 167, 6),
    (0.07, 0.0375, 185, 7), (0.08, 0.0175, 77, 2), (0.08, 0.0275, 95, 3),
    (0.08, 0.0325, 112, 4), (0.08, 0.0375, 129, 5), (0.08, 0.04, 146, 6),
    (0.09, 0.02, 68, 2), (0.09, 0.03, 84, 3), (0.09, 0.04, 100, 4),
    (0.09, 0.05, 158, 8), (0.10, 0.0225, 61, 2), (0.10, 0.035, 76, 3),
    (0.10, 0.04, 89, 4), (0.10, 0.05, 116, 6), (0.10, 0.06, 179, 11),
    (0.15, 0.035, 40, 2), (0.15, 0.05, 40, 2), (0.15, 0.06, 50, 3),
    (0.15, 0.07, 68, 5), (0.20, 0.05, 30, 2), (0.20, 0.07, 37, 3),
]
TABLE_A2_90 = [
    (0.02, 0, 114, 0), (0.03, 0, 76, 0), (0.04, 0, 57, 0), (0.05, 0, 45, 0),
    (0.06, 0, 38, 0), (0.07, 0, 32, 0), (0.08, 0, 28, 0), (0.09, 0, 25, 0),
    (0.10, 0, 22, 0), (0.15, 0, 15, 0), (0.20, 0, 11, 0),
    (0.02, 0.0025, 194, 1), (0.03, 0.0025, 129, 1), (0.04, 0.0025, 96, 1),
    (0.05, 0.0025, 77, 1), (0.06, 0.0025, 64, 1), (0.07, 0.0025, 55, 1),
    (0.08, 0.0025, 48, 1), (0.09, 0.0025, 42, 1), (0.10, 0.0025, 38, 1),
    (0.15, 0.0025, 25, 1), (0.20, 0.0025, 18, 1),
    (0.02, 0.0075, 265, 2), (0.03, 0.01, 176, 2), (0.03, 0.0125, 221, 3),
    (0.04, 0.0125, 132, 2), (0.04, 0.0175, 166, 3), (0.04, 0.02, 198, 4),
    (0.05, 0.015, 105, 2), (0.05, 0.02, 132, 3), (0.05, 0.025, 158, 4),
    (0.05, 0.0275, 209, 6), (0.06, 0.0175, 88, 2), (0.06, 0.025, 110, 3),
    (0.06, 0.0275, 132, 4), (0.06, 0.0325, 153, 5), (0.06, 0.035, 194, 7),
    (0.07, 0.02, 75, 2), (0.07, 0.0275, 94, 3), (0.07, 0.0325, 113, 4),
    (0.07, 0.0375, 131, 5), (0.07, 0.04, 149, 6), (0.08, 0.0225, 65, 2),
    (0.08, 0.0325, 82, 3), (0.08, 0.0375, 98, 4), (0.08, 0.05, 160, 8),
    (0.09, 0.025, 58, 2), (0.09, 0.035, 73, 3), (0.09, 0.05, 115, 6),
    (0.09, 0.06, 182, 11), (0.10, 0.0275, 52, 2), (0.10, 0.04, 65, 3),
    (0.10, 0.05, 78, 4), (0.10, 0.06, 116, 7), (0.10, 0.07, 199, 14),
    (0.15, 0.05, 34, 2), (0.15, 0.06, 43, 3), (0.15, 0.07, 52, 4),
    (0.20, 0.06, 25, 2), (0.20, 0.07, 25, 2),
]


def binomial_cdf(k: int, n: int, p: Fraction) -> Fraction:
    return sum((math.comb(n, x) * p**x * (1 - p) ** (n - x) for x in range(k + 1)), Fraction(0))


@pytest.mark.parametrize(("tolerable", "expected", "size", "deviations"), TABLE_A1_95)
def test_aicpa_table_a1_95_percent(tolerable, expected, size, deviations):
    assert attribute_sample_size(0.95, tolerable, expected) == size
    assert math.ceil(Fraction(str(expected)) * size) == deviations


@pytest.mark.parametrize(("tolerable", "expected", "size", "deviations"), TABLE_A2_90)
def test_aicpa_table_a2_90_percent(tolerable, expected, size, deviations):
    assert attribute_sample_size(0.90, tolerable, expected) == size
    assert math.ceil(Fraction(str(expected)) * size) == deviations


@pytest.mark.parametrize(
    ("confidence", "tolerable", "expected"),
    [(0.95, 0.05, 0.01), (0.95, 0.04, 0.0175), (0.90, 0.10, 0.07), (0.99, 0.03, 0.01)],
)
def test_size_is_the_smallest_that_meets_the_risk(confidence, tolerable, expected):
    n = attribute_sample_size(confidence, tolerable, expected)
    alpha = 1 - Fraction(str(confidence))
    t, e = Fraction(str(tolerable)), Fraction(str(expected))
    assert binomial_cdf(math.ceil(e * n), n, t) <= alpha
    assert all(binomial_cdf(math.ceil(e * m), m, t) > alpha for m in range(1, n))


def test_expected_deviations_use_exact_arithmetic():
    # 0.035 * 400 is 14.000000000000002 in floating point; rounded up that would
    # allow 15 deviations and push the answer to 423. Exactly it is 14 -> 400.
    assert 0.035 * 400 > 14
    assert attribute_sample_size(0.90, 0.05, 0.035) == 400
    assert binomial_cdf(14, 400, Fraction(1, 20)) <= Fraction(1, 10)
    assert binomial_cdf(14, 399, Fraction(1, 20)) > Fraction(1, 10)
    # 0.01 * 100 is exactly one expected deviation.
    assert attribute_sample_size(0.95, 0.05, 0.01) == 93


def test_accepts_exact_fractions():
    assert attribute_sample_size(Fraction(95, 100), Fraction(1, 20), Fraction(1, 100)) == 93


def test_hypergeometric_small_population():
    # N = 100 holds D = 5 deviations at 5 %; P(X = 0) = C(95, n) / C(100, n).
    n = attribute_sample_size(0.95, 0.05, 0, population=100)
    assert n == 45
    p45 = Fraction(math.comb(95, 45), math.comb(100, 45))
    p44 = Fraction(math.comb(95, 44), math.comb(100, 44))
    assert p45 <= Fraction(1, 20) < p44


def test_hypergeometric_rounds_population_deviations_up():
    # N = 30 at 5 % -> D = ceil(1.5) = 2; P(X = 0) = (30 - n)(29 - n) / (30 * 29).
    assert attribute_sample_size(0.95, 0.05, 0, population=30) == 23
    assert Fraction(7 * 6, 30 * 29) <= Fraction(1, 20) < Fraction(8 * 7, 30 * 29)


def test_hypergeometric_large_population_matches_binomial():
    assert attribute_sample_size(0.95, 0.05, 0, population=1_000_000) == 59
    assert attribute_sample_size(0.95, 0.05, 0.01, population=1_000_000) == 93
    assert attribute_sample_size(0.95, 0.05, 0.01, population=2_000) < 93


@pytest.mark.parametrize(
    ("tolerable", "expected", "population"), [(0.05, 0, 10), (0.05, 0, 5), (0.10, 0.05, 20)]
)
def test_population_smaller_than_needed_gives_population(tolerable, expected, population):
    assert attribute_sample_size(0.95, tolerable, expected, population=population) == population


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"confidence": 0}, "confidence", "between 0 and 1"),
        ({"confidence": 1}, "confidence", "between 0 and 1"),
        ({"confidence": 95}, "confidence", "between 0 and 1"),
        ({"confidence": "0.95"}, "confidence", "must be a number"),
        ({"confidence": float("nan")}, "confidence", "finite"),
        ({"tolerable": 0}, "tolerable", "between 0 and 1"),
        ({"tolerable": 1.2}, "tolerable", "between 0 and 1"),
        ({"expected": 0.05}, "expected", "below the tolerable rate"),
        ({"expected": -0.01}, "expected", "at least 0"),
        ({"population": 0}, "population", "at least 1"),
        ({"population": -5}, "population", "at least 1"),
        ({"population": 2.5}, "population", "whole number"),
        ({"population": True}, "population", "whole number"),
    ],
)
def test_attribute_arguments_are_validated(kwargs, field, words):
    args = {"confidence": 0.95, "tolerable": 0.05, "expected": 0.0} | kwargs
    with pytest.raises(ValueError, match=words) as caught:
        attribute_sample_size(**args)
    assert isinstance(caught.value, StatsError)
    assert caught.value.field == field


def test_expected_too_close_to_tolerable_is_refused():
    with pytest.raises(StatsError, match="too close"):
        attribute_sample_size(0.95, 0.01, 0.0099)


def test_precision_size_textbook_values():
    # n0 = 1.959964^2 * 0.25 / 0.05^2 = 384.15 -> 385
    assert precision_sample_size(0.95, 0.05) == 385
    # Krejcie & Morgan (1970) table, p = 0.5, +/- 5 %, 95 %
    for population, size in [(100, 80), (200, 132), (300, 169), (1000, 278)]:
        assert precision_sample_size(0.95, 0.05, population=population) == size
    # 90 %: 1.644854^2 * 0.25 / 0.0025 = 270.55 -> 271
    assert precision_sample_size(0.90, 0.05) == 271
    # p = 0.3: 3.841459 * 0.21 / 0.0025 = 322.68 -> 323
    assert precision_sample_size(0.95, 0.05, expected_rate=0.3) == 323
    # FPC by hand: n0 = 384.146; 384.146 / (1 + 383.146 / 500) = 217.5 -> 218
    assert precision_sample_size(0.95, 0.05, population=500) == 218
    assert precision_sample_size(0.95, 0.05, population=10) == 10


@pytest.mark.parametrize(
    "kwargs",
    [{"margin": 0}, {"margin": 1}, {"expected_rate": 0}, {"expected_rate": 1},
     {"confidence": 1}, {"population": 0}],
)
def test_precision_arguments_are_validated(kwargs):
    args = {"confidence": 0.95, "margin": 0.05} | kwargs
    with pytest.raises(StatsError):
        precision_sample_size(**args)


def brute_force(confidence: Fraction, tol: Fraction, exp: Fraction, population: int | None) -> int:
    alpha = 1 - confidence
    limit = population if population is not None else 10_000
    for n in range(1, limit + 1):
        k = math.ceil(exp * n)
        if population is None:
            risk = binomial_cdf(k, n, tol)
        else:
            d = math.ceil(tol * population)
            hits = sum(math.comb(d, x) * math.comb(population - d, n - x) for x in range(0, k + 1))
            risk = Fraction(hits, math.comb(population, n))
        if risk <= alpha:
            return n
    assert population is not None
    return population




@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([Fraction(80, 100), Fraction(90, 100), Fraction(95, 100), Fraction(99, 100)]),
    st.integers(min_value=10, max_value=40).map(lambda v: Fraction(v, 100)),
    st.integers(min_value=0, max_value=100).map(lambda v: Fraction(v, 1000)),
    st.one_of(st.none(), st.integers(min_value=1, max_value=150)),
)
def test_matches_brute_force(confidence, tol, exp, population):
    assume(exp < tol - Fraction(5, 100))
    assert attribute_sample_size(confidence, tol, exp, population) == brute_force(
        confidence, tol, exp, population
    )
