"""Exact (Clopper–Pearson) bounds and the distributions behind them, in pure Python.

* ``beta_cdf`` / ``beta_ppf``: the regularised incomplete beta function I_x(a, b) (continued
  fraction, Lentz's method, as in Numerical Recipes 3rd ed. section 6.4) and its inverse
  (bisection to 1e-13, so it is monotone and never fails to converge).
* ``t_ppf``: Student's t quantile from I_x(df/2, 1/2).
* ``clopper_pearson``: exact bounds for a rate, one- or two-sided; ``x`` and ``n`` may be
  fractional (an effective sample, Korn & Graubard 1998).
* ``hypergeometric_lower``: the exact one-sided lower bound on the share of compliant cases
  in a finite population of N, the bound that matches attribute sizing with a population.

The test suite checks each against scipy.stats.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

from workbench.stats.checks import count, exact_rate, open_unit
from workbench.stats.errors import StatsError

_TINY = 1e-300


def _beta_fraction(a: float, b: float, x: float) -> float:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        step = d * c
        h *= step
        if abs(step - 1.0) < 1e-15:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """I_x(a, b) for a, b > 0 and 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def _beta_log_pdf(x: float, a: float, b: float) -> float:
    return (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
            + (a - 1) * math.log(x) + (b - 1) * math.log1p(-x))


def _invert(a: float, b: float, q: float) -> float:
    """Safeguarded Newton on I_x(a, b) = q: a Newton step when it stays inside the bracket
    that bisection keeps, a bisection step otherwise; stops at a bracket of 1e-13."""
    lo, hi = 0.0, 1.0
    x = 0.5
    for _ in range(300):
        f = beta_cdf(x, a, b) - q
        if f < 0:
            lo = x
        else:
            hi = x
        if hi - lo < 1e-13 or f == 0:
            break
        step = None
        try:
            step = x - f / math.exp(_beta_log_pdf(x, a, b))
        except (OverflowError, ValueError, ZeroDivisionError):
            step = None
        if step is None or not lo < step < hi or abs(f) < 1e-15:
            step = (lo + hi) / 2
        if abs(step - x) < 1e-14:
            break
        x = step
    return x


def beta_ppf(q: float, a: float, b: float) -> float:
    """The x with I_x(a, b) = q."""
    if q <= 0.0:
        return 0.0
    if q >= 1.0:
        return 1.0
    return _invert(a, b, q)


def t_ppf(q: float, df: float) -> float:
    """Student's t quantile for 0 < q < 1 and df > 0."""
    if q == 0.5:
        return 0.0
    tail = min(q, 1 - q)
    # P(|T| > t) = I_{df/(df+t^2)}(df/2, 1/2) = 2 * tail
    x = beta_ppf(2 * tail, df / 2, 0.5)
    t = math.sqrt(df * (1 / x - 1)) if x > 0 else math.inf
    return t if q > 0.5 else -t


def clopper_pearson(x: float, n: float, confidence: float = 0.95,
                    sides: int = 2) -> tuple[float, float]:
    """Exact bounds (low, high) for a rate of x successes in n.

    Two-sided: each tail (1 - confidence) / 2. One-sided (``sides=1``): each bound on its own
    holds at ``confidence`` (the lower bound is the one a target is rated against).
    low = Beta^-1(tail; x, n - x + 1) (0 when x = 0), high = Beta^-1(1 - tail; x + 1, n - x)
    (1 when x = n).
    """
    conf = float(open_unit(confidence, "confidence", "e.g. 0.95"))
    if sides not in (1, 2):
        raise StatsError(f"sides must be 1 or 2, got {sides!r}", field="sides")
    if not n > 0:
        raise StatsError("n must be above 0: there are no cases to bound", field="n")
    if not 0 <= x <= n:
        raise StatsError(f"x ({x}) must be between 0 and n ({n})", field="x")
    tail = (1 - conf) / sides
    low = 0.0 if x <= 0 else beta_ppf(tail, x, n - x + 1)
    high = 1.0 if x >= n else beta_ppf(1 - tail, x + 1, n - x)
    return low, high


def hypergeometric_cdf(k: int, n: int, big_n: int, d: int) -> float:
    """P(X <= k) for X hypergeometric: n drawn from big_n holding d deviations."""
    bottom = max(0, n - (big_n - d))
    top = min(n, d)
    if k < bottom:
        return 0.0
    if k >= top:
        return 1.0
    good = big_n - d
    # Summed outwards from the largest term in [bottom, k] (the pmf rises to its mode, then falls),
    # each next term from its neighbour: pmf(x + 1) / pmf(x) = (d - x)(n - x) / ((x + 1)(good - n + x + 1)).
    # Only terms smaller than the largest can underflow, so the sum stays right where it matters.
    peak = min(k, max(bottom, (n + 1) * (d + 1) // (big_n + 2)))
    first = math.exp(math.lgamma(d + 1) - math.lgamma(peak + 1) - math.lgamma(d - peak + 1)
                     + math.lgamma(good + 1) - math.lgamma(n - peak + 1) - math.lgamma(good - n + peak + 1)
                     - math.lgamma(big_n + 1) + math.lgamma(n + 1) + math.lgamma(big_n - n + 1))
    total = pmf = first
    for x in range(peak, k):
        pmf *= (d - x) * (n - x) / ((x + 1) * (good - n + x + 1))
        total += pmf
    pmf = first
    for x in range(peak, bottom, -1):  # pmf(x - 1) = pmf(x) * x (good - n + x) / ((d - x + 1)(n - x + 1))
        pmf *= x * (good - n + x) / ((d - x + 1) * (n - x + 1))
        total += pmf
    return min(1.0, total)


def hypergeometric_lower(compliant: int, n: int, big_n: int, confidence: float = 0.95) -> float:
    """Exact one-sided lower bound on the compliant share of a population of ``big_n``.

    With k = n - compliant deviations seen, the upper bound on the population's deviations is
    the largest D with P(X <= k | big_n, D, n) > 1 - confidence; the bound is 1 - D / big_n.
    Attribute sizing with a population picks the smallest n with
    P(X <= k | big_n, ceil(tolerable * big_n), n) <= 1 - confidence, so a sample that meets
    its plan has D < ceil(tolerable * big_n) and a lower bound above 1 - tolerable. A census
    (n = big_n) gives the observed share itself.
    """
    conf = float(open_unit(confidence, "confidence", "e.g. 0.95"))
    big_n = count(big_n, "population", minimum=1)
    n = count(n, "n", minimum=1)
    compliant = count(compliant, "compliant")
    if n > big_n or compliant > n:
        raise StatsError(f"{compliant} of {n} cannot come from a population of {big_n}", field="n")
    return _hypergeometric_lower(int(compliant), int(n), int(big_n), conf, confidence)


@functools.lru_cache(maxsize=4096)  # checked counts only: every score of a round asks again
def _hypergeometric_lower(compliant: int, n: int, big_n: int, conf: float, confidence: float) -> float:
    k = n - compliant
    alpha = 1 - conf
    exact_alpha = 1 - exact_rate(confidence, "confidence")

    def above(d: int) -> bool:
        value = hypergeometric_cdf(k, n, big_n, d)
        if abs(value - alpha) > 1e-9 * alpha:
            return value > alpha
        hits = sum(math.comb(d, x) * math.comb(big_n - d, n - x) for x in range(k + 1))
        return Fraction(hits, math.comb(big_n, n)) > exact_alpha  # near a tie: decide exactly

    lo, hi = k, big_n - compliant  # D is at least the deviations seen, at most all not seen compliant
    if above(hi):
        return 1 - hi / big_n
    while hi - lo > 1:  # largest D with cdf > alpha; cdf falls as D rises
        mid = (lo + hi) // 2
        if above(mid):
            lo = mid
        else:
            hi = mid
    return 1 - lo / big_n
