"""Wilson and Newcombe intervals against published values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.stats import Interval, StatsError, newcombe_difference, wilson_interval


def r4(interval: Interval) -> tuple[float, float, float]:
    return round(interval.point, 4), round(interval.low, 4), round(interval.high, 4)


def test_attendance_baseline_49_of_82():
    result = wilson_interval(49, 82)
    assert r4(result) == (0.5976, 0.4894, 0.6970)
    assert (round(result.point * 100, 1), round(result.low * 100, 1), round(result.high * 100, 1)) == (
        59.8, 48.9, 69.7,
    )


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    # Newcombe R.G., Stat Med 1998;17:857-872, Table I, method 3 (Wilson score)
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
     (1, 29, 0.0061, 0.1718)],
)
def test_wilson_published_examples(x, n, low, high):
    result = wilson_interval(x, n)
    assert (round(result.low, 4), round(result.high, 4)) == (low, high)


def test_wilson_by_hand():
    z = 1.959963984540054
    p, n = 49 / 82, 82
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    result = wilson_interval(49, 82)
    assert result.low == pytest.approx(centre - half, abs=1e-12)
    assert result.high == pytest.approx(centre + half, abs=1e-12)


def test_wilson_extremes_are_exact():
    assert wilson_interval(0, 10).low == 0.0
    assert wilson_interval(10, 10).high == 1.0
    assert wilson_interval(10, 10).point == 1.0


def test_confidence_level_changes_width():
    narrow, wide = wilson_interval(49, 82, 0.90), wilson_interval(49, 82, 0.99)
    assert wide.low < narrow.low and wide.high > narrow.high


@pytest.mark.parametrize(
    ("counts", "expected"),
    # Newcombe R.G., Stat Med 1998;17:873-890, Table II, method 10
    [
        ((56, 70, 48, 80), (0.2000, 0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.6000, 0.1705, 0.8090)),
        ((5, 56, 0, 29), (0.0893, -0.0381, 0.1926)),
        ((0, 10, 0, 20), (0.0, -0.1611, 0.2775)),
        ((0, 10, 0, 10), (0.0, -0.2775, 0.2775)),
        ((10, 10, 0, 20), (1.0, 0.6791, 1.0)),
        ((10, 10, 0, 10), (1.0, 0.6075, 1.0)),
    ],
)
def test_newcombe_published_examples(counts, expected):
    assert r4(newcombe_difference(*counts)) == expected


@pytest.mark.parametrize(
    ("args", "words"),
    [((0, 0), "at least 1"), ((5, 4), "cannot exceed"), ((-1, 4), "at least 0"),
     ((1.5, 4), "whole number"), ((True, 4), "whole number")],
)
def test_wilson_rejects_bad_counts(args, words):
    with pytest.raises(StatsError, match=words):
        wilson_interval(*args)


def test_newcombe_rejects_empty_group():
    with pytest.raises(StatsError, match="at least 1"):
        newcombe_difference(3, 10, 0, 0)


def test_bad_confidence():
    with pytest.raises(StatsError, match="between 0 and 1"):
        wilson_interval(1, 2, confidence=1.0)


counts = st.integers(min_value=1, max_value=5000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)
levels = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@given(counts, levels)
def test_wilson_is_a_valid_interval(xn, confidence):
    x, n = xn
    result = wilson_interval(x, n, confidence)
    assert 0.0 <= result.low <= result.point <= result.high <= 1.0
    assert result.contains(x / n)


@given(counts, st.integers(min_value=2, max_value=20))
def test_wilson_narrows_as_the_sample_grows(xn, factor):
    x, n = xn
    small, large = wilson_interval(x, n), wilson_interval(x * factor, n * factor)
    assert large.high - large.low < small.high - small.low


@given(counts, counts, levels)
def test_newcombe_is_a_valid_interval(a, b, confidence):
    result = newcombe_difference(a[0], a[1], b[0], b[1], confidence)
    assert -1.0 <= result.low <= result.point <= result.high <= 1.0


def test_wilson_and_newcombe_match_statsmodels():
    import random

    from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

    from workbench.stats import newcombe_difference, wilson_interval

    rng = random.Random(11)
    for _ in range(200):
        n1, n2 = rng.randint(1, 400), rng.randint(1, 400)
        x1, x2 = rng.randint(0, n1), rng.randint(0, n2)
        w = wilson_interval(x1, n1)
        assert (w.low, w.high) == pytest.approx(proportion_confint(x1, n1, 0.05, "wilson"), abs=1e-12)
        d = newcombe_difference(x1, n1, x2, n2)
        ref = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
        assert (d.low, d.high) == pytest.approx(ref, abs=1e-10)
