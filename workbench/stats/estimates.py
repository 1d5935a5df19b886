"""Stratified estimate of a rate, weighted by stratum population shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbench.stats.checks import count
from workbench.stats.errors import StatsError
from workbench.stats.intervals import Interval, wilson_bounds, z_value


@dataclass(frozen=True, slots=True)
class StratumCount:
    """One stratum: its population size, cases sampled and cases meeting the criterion."""

    name: str
    population: int
    n: int
    successes: int


def stratified_estimate(strata: Iterable[StratumCount], confidence: float = 0.95) -> Interval:
    """Population rate estimated from a stratified sample.

    Point: p = sum W_h p_h with W_h = N_h / N and p_h = x_h / n_h.

    Variance (stratified simple random sampling without replacement, Cochran 1977
    section 5.4 with the n_h form of the within-stratum variance):
        v = sum W_h^2 (1 - n_h / N_h) p_h (1 - p_h) / n_h.
    Interval: Wilson's score interval for p on Kish's effective sample size
    n_eff = p (1 - p) / v (Kish 1965; the Korn & Graubard 1998 approach with a Wilson
    rather than Clopper-Pearson interval). With a single stratum and a negligible
    sampling fraction this is the ordinary Wilson interval. When v = 0 because every
    sampled stratum is all-or-nothing, n_eff is taken as the total sample size (design
    effect 1); when every stratum was counted in full there is no sampling error and
    the interval is the point itself.

    Strata with population 0 are ignored; a stratum with cases but none sampled
    raises StatsError because it cannot be estimated.
    """
    rows = list(strata)
    if not rows:
        raise StatsError("no strata given: at least one stratum is needed", field="strata")
    seen: set[str] = set()
    used: list[StratumCount] = []
    for row_no, s in enumerate(rows, start=1):
        where = f"stratum {s.name!r}"
        if s.name in seen:
            raise StatsError(f"{where} is listed twice; merge its counts", field="name", row=row_no)
        seen.add(s.name)
        count(s.population, f"{where}: population")
        count(s.n, f"{where}: n")
        count(s.successes, f"{where}: successes")
        if s.n > s.population:
            raise StatsError(
                f"{where}: sample n ({s.n}) exceeds its population ({s.population})",
                field="n", row=row_no,
            )
        if s.successes > s.n:
            raise StatsError(
                f"{where}: successes ({s.successes}) exceed its sample n ({s.n})",
                field="successes", row=row_no,
            )
        if s.population == 0:
            continue
        if s.n == 0:
            raise StatsError(
                f"{where} has {s.population} cases but none were sampled, so it cannot "
                "be estimated; sample at least one case or leave it out of the estimate",
                field="n", row=row_no,
            )
        used.append(s)
    if not used:
        raise StatsError("every stratum has population 0: nothing to estimate", field="population")
    z = z_value(confidence)
    total = sum(s.population for s in used)
    point = 0.0
    variance = 0.0
    for s in used:
        w = s.population / total
        p_h = s.successes / s.n
        point += w * p_h
        variance += w * w * (1 - s.n / s.population) * p_h * (1 - p_h) / s.n
    point = min(1.0, max(0.0, point))
    if all(s.n == s.population for s in used):
        return Interval(point, point, point)
    if variance > 0:
        n_eff = point * (1 - point) / variance
    else:
        n_eff = float(sum(s.n for s in used))
    low, high = wilson_bounds(point, n_eff, z)
    return Interval(point, min(low, point), max(high, point))
