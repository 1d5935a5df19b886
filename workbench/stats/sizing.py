"""Sample sizes: attribute (tests of controls) and precision-based.

Attribute sampling follows the AICPA Audit Guide *Audit Sampling*, Appendix A
(Tables A-1 and A-2): the sample size is the smallest ``n`` for which finding no
more than the expected number of deviations still shows, at the stated confidence,
that the population deviation rate is below the tolerable rate.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from statistics import NormalDist

from workbench.stats.checks import count, exact_rate, open_unit
from workbench.stats.errors import StatsError

#: Largest sample the binomial search will consider.
MAX_SAMPLE = 1_000_000

# Below this distance (in log-probability) from the risk threshold the decision is
# re-made with exact integer arithmetic instead of floating point.
_NEAR_TIE = 1e-9


def attribute_sample_size(
    confidence: float | Fraction,
    tolerable: float | Fraction,
    expected: float | Fraction,
    population: int | None = None,
) -> int:
    """Smallest n with P(X <= k | n, tolerable) <= 1 - confidence.

    ``k`` is the number of expected deviations, ``expected * n`` rounded **up**,
    computed exactly (0.01 * 100 is exactly 1). This is the rule behind the AICPA
    attribute-sampling tables (95 %, tolerable 5 %, expected 0 % -> 59; expected
    1 % -> 93, with 1 expected deviation).

    * ``population`` is None: X is binomial(n, tolerable).
    * ``population`` = N: X is hypergeometric: a population of N cases holding
      D = ceil(tolerable * N) deviations, n drawn without replacement. D is rounded
      up because the smallest deviation count at or above the tolerable rate is the
      least favourable population the test must reject (P(X <= k) falls as D rises);
      jfa's ``planning(likelihood = "hypergeometric")`` uses the same
      ``ceiling(materiality * N)``. If no n <= N suffices, N is returned: test every case.

    Probabilities are computed in floating point; a decision within 1e-9 (relative)
    of the threshold is re-made in exact integer arithmetic.

    Raises StatsError (a ValueError) for rates outside 0 < confidence < 1,
    0 < tolerable < 1, 0 <= expected < tolerable, a population that is not a
    positive whole number, or a binomial sample that would exceed MAX_SAMPLE.
    """
    conf = open_unit(confidence, "confidence", "e.g. 0.95")
    tol = open_unit(tolerable, "tolerable", "the tolerable deviation rate")
    exp = exact_rate(expected, "expected")
    if not 0 <= exp < tol:
        raise StatsError(
            f"expected must be at least 0 and below the tolerable rate {float(tol):g}, "
            f"got {expected!r}; lower the expected rate or raise the tolerable rate",
            field="expected",
        )
    alpha = 1 - conf
    if population is None:
        _check_feasible(conf, tol, exp)
        n = _smallest_n(exp, MAX_SAMPLE, lambda k, m: _binomial_at_most(k, m, tol, alpha))
        if n is None:
            raise StatsError(
                f"the sample would exceed {MAX_SAMPLE:,} cases; the expected rate is too "
                "close to the tolerable rate",
                field="expected",
            )
        return n
    big_n = count(population, "population", minimum=1)
    deviations = math.ceil(tol * big_n)
    limit = min(big_n, MAX_SAMPLE)
    n = _smallest_n(
        exp, limit, lambda k, m: _hypergeometric_at_most(k, m, big_n, deviations, alpha)
    )
    if n is None:
        if big_n > MAX_SAMPLE:
            raise StatsError(
                f"the sample would exceed {MAX_SAMPLE:,} cases; the expected rate is too "
                "close to the tolerable rate",
                field="expected",
            )
        return big_n
    return n


def precision_sample_size(
    confidence: float,
    margin: float,
    expected_rate: float = 0.5,
    population: int | None = None,
) -> int:
    """Sample size to estimate a rate within +/- ``margin`` (normal approximation).

    n0 = z^2 p (1 - p) / margin^2, z the two-sided normal quantile; with a
    population N the finite population correction n = n0 / (1 + (n0 - 1) / N)
    (Cochran, *Sampling Techniques*, 3rd ed., 1977, eq. 4.2; equivalent to Krejcie &
    Morgan 1970). The result is rounded up and never exceeds N.
    """
    conf = open_unit(confidence, "confidence", "e.g. 0.95")
    m = open_unit(margin, "margin", "the half-width of the interval, e.g. 0.05")
    p = open_unit(expected_rate, "expected_rate", "the anticipated rate; 0.5 if unknown")
    z = NormalDist().inv_cdf(1 - float(1 - conf) / 2)
    n0 = z * z * float(p * (1 - p)) / float(m * m)
    if population is not None:
        big_n = count(population, "population", minimum=1)
        n = n0 / (1 + (n0 - 1) / big_n)
        return max(1, min(big_n, math.ceil(n - 1e-9)))
    return max(1, math.ceil(n0 - 1e-9))


def _check_feasible(conf: Fraction, tol: Fraction, exp: Fraction) -> None:
    """Refuse early when even the normal approximation needs a huge sample."""
    z = NormalDist().inv_cdf(float(conf))
    approx = z * z * float(tol * (1 - tol)) / float((tol - exp) ** 2)
    if approx > 2 * MAX_SAMPLE:
        raise StatsError(
            f"the sample would need about {approx:,.0f} cases (more than {MAX_SAMPLE:,}); "
            "the expected rate is too close to the tolerable rate",
            field="expected",
        )


def _smallest_n(
    exp: Fraction, limit: int, enough: Callable[[int, int], bool]
) -> int | None:
    """Smallest n <= limit with enough(ceil(exp * n), n), or None.

    For a fixed k, P(X <= k) falls as n grows, so within each run of n sharing the
    same k = ceil(exp * n) the first sufficient n is found by bisection, and the
    runs are visited in increasing n.
    """
    if exp == 0:
        return _first_true(1, limit, lambda n: enough(0, n))
    k = 1
    while True:
        lo = math.floor((k - 1) / exp) + 1
        hi = min(math.floor(k / exp), limit)
        if lo > limit:
            return None
        if lo <= hi and enough(k, hi):
            return _first_true(lo, hi, partial(enough, k))
        k += 1


def _first_true(lo: int, hi: int, pred: Callable[[int], bool]) -> int | None:
    """First n in [lo, hi] with pred(n) for a predicate false...false true...true."""
    if lo > hi or not pred(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if pred(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _log_comb(n: int, k: int) -> float:
    if min(k, n - k) <= 5000:
        return math.log(math.comb(n, k))
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _log_tail(log_top: float, k: int, bottom: int, ratio: Callable[[int], float]) -> float:
    """log of sum_{x=bottom}^{k} pmf(x), given log pmf(k) and pmf(x-1)/pmf(x).

    Sums downwards from k; stops when the geometric bound on the remaining terms
    (the ratio falls as x falls) is below 1e-17 of the running sum.
    """
    term = total = 1.0
    offset = 0.0
    x = k
    while x > bottom:
        r = ratio(x)
        term *= r
        x -= 1
        total += term
        if term == 0.0 or (r < 1.0 and term * r / (1.0 - r) < total * 1e-17):
            break
        if total > 1e280:
            offset += math.log(total)
            term /= total
            total = 1.0
    return log_top + offset + math.log(total)


def _decide(log_p: float, alpha: Fraction, exact: Callable[[], Fraction]) -> bool:
    log_alpha = math.log(alpha.numerator) - math.log(alpha.denominator)
    if log_p < log_alpha - _NEAR_TIE:
        return True
    if log_p > log_alpha + _NEAR_TIE:
        return False
    return exact() <= alpha


def _binomial_at_most(k: int, n: int, tol: Fraction, alpha: Fraction) -> bool:
    """P(X <= k) <= alpha for X ~ binomial(n, tol)."""
    if k >= n:
        return 1 <= alpha
    p = float(tol)
    log_top = _log_comb(n, k) + k * math.log(p) + (n - k) * math.log1p(-p)
    odds = (1 - p) / p
    log_p = _log_tail(log_top, k, 0, lambda x: x * odds / (n - x + 1))

    def exact() -> Fraction:
        a, b = tol.numerator, tol.denominator
        hits = sum(math.comb(n, x) * a**x * (b - a) ** (n - x) for x in range(k + 1))
        return Fraction(hits, b**n)

    return _decide(log_p, alpha, exact)


def _hypergeometric_at_most(k: int, n: int, big_n: int, d: int, alpha: Fraction) -> bool:
    """P(X <= k) <= alpha for X ~ hypergeometric(population big_n, d deviations, n drawn)."""
    bottom = max(0, n - (big_n - d))
    if k < bottom:
        return True
    if k >= min(n, d):
        return 1 <= alpha
    good = big_n - d
    log_top = _log_comb(d, k) + _log_comb(good, n - k) - _log_comb(big_n, n)
    log_p = _log_tail(
        log_top, k, bottom, lambda x: x * (good - n + x) / ((d - x + 1) * (n - x + 1))
    )

    def exact() -> Fraction:
        hits = sum(math.comb(d, x) * math.comb(good, n - x) for x in range(bottom, k + 1))
        return Fraction(hits, math.comb(big_n, n))

    return _decide(log_p, alpha, exact)
