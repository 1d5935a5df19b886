"""Confidence intervals for rates: Wilson score and Newcombe's hybrid score."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from workbench.stats.checks import count, open_unit
from workbench.stats.errors import StatsError


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate with the lower and upper confidence limits."""

    point: float
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def z_value(confidence: float) -> float:
    """Two-sided standard-normal quantile, e.g. 1.959964 for 0.95."""
    conf = open_unit(confidence, "confidence", "e.g. 0.95")
    return NormalDist().inv_cdf(1 - float(1 - conf) / 2)


def wilson_bounds(p: float, n: float, z: float) -> tuple[float, float]:
    """Wilson (1927) score limits for an observed rate p on n (n may be fractional)."""
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    low = 0.0 if p <= 0 else max(0.0, centre - half)
    high = 1.0 if p >= 1 else min(1.0, centre + half)
    return low, high


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for successes/n (no continuity correction).

    49 of 82 gives 0.5976 [0.4894, 0.6970] at 95 %. n = 0 raises StatsError: a rate
    of nothing has no interval.
    """
    n = count(n, "n")
    if n == 0:
        raise StatsError(
            "n must be at least 1: there are no cases to compute a rate from", field="n"
        )
    successes = count(successes, "successes")
    if successes > n:
        raise StatsError(
            f"successes ({successes}) cannot exceed the number of cases n ({n})",
            field="successes",
        )
    p = successes / n
    low, high = wilson_bounds(p, n, z_value(confidence))
    return Interval(p, low, high)


def newcombe_difference(
    x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95
) -> Interval:
    """Newcombe's hybrid score interval for p1 - p2 (method 10, Newcombe 1998).

    With Wilson limits (l1, u1) and (l2, u2):
    low = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
    56/70 vs 48/80 gives 0.2000 [0.0524, 0.3339].
    """
    a = wilson_interval(x1, n1, confidence)
    b = wilson_interval(x2, n2, confidence)
    d = a.point - b.point
    low = d - math.sqrt((a.point - a.low) ** 2 + (b.high - b.point) ** 2)
    high = d + math.sqrt((a.high - a.point) ** 2 + (b.point - b.low) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high))
