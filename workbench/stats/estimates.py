"""Stratified estimate of a rate, weighted by stratum population shares (Korn–Graubard interval)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbench.stats.checks import count, open_unit
from workbench.stats.errors import StatsError
from workbench.stats.exact import clopper_pearson, t_ppf
from workbench.stats.intervals import Interval


@dataclass(frozen=True, slots=True)
class StratumCount:
    """One stratum: its population size, cases sampled and cases meeting the criterion."""

    name: str
    population: int
    n: int
    successes: int


@dataclass(frozen=True, slots=True)
class StratifiedDesign:
    """The pieces of a stratified estimate: point, variance, effective sample size (capped)."""

    point: float
    variance: float
    n: int  # cases sampled in the strata used
    strata: int  # strata used (population above 0)
    n_eff: float  # effective sample size after the df adjustment and the cap
    census: bool  # every stratum counted in full


def _checked(strata: Iterable[StratumCount]) -> list[StratumCount]:
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
            raise StatsError(f"{where}: sample n ({s.n}) exceeds its population ({s.population})",
                             field="n", row=row_no)
        if s.successes > s.n:
            raise StatsError(f"{where}: successes ({s.successes}) exceed its sample n ({s.n})",
                             field="successes", row=row_no)
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
    return used


def stratified_design(strata: Iterable[StratumCount], confidence: float = 0.95,
                      sides: int = 2) -> StratifiedDesign:
    """Point, variance and the Korn–Graubard effective sample size (docs/sampling.md section 2).

    p = sum W_h p_h, W_h = N_h / N. v = sum W_h^2 (1 - n_h/N_h) s_h^2 / n_h with the unbiased
    within-stratum variance s_h^2 = n_h p_h (1 - p_h) / (n_h - 1); a stratum of one sampled
    case (and more in its population) has no variance estimate and is given the largest
    possible one, s_h^2 = 1/4. n_eff = p (1 - p) / v, times (t_{n-1} / t_{n-H})^2 (the
    degrees-of-freedom adjustment), and never more than the cases sampled, n (n / (1 - n/N)
    when the sample is a large share of the population: the simple random sample's own
    effective size). When v = 0 or p is 0 or 1, n_eff is n itself.
    """
    conf = float(open_unit(confidence, "confidence", "e.g. 0.95"))
    used = _checked(strata)
    total = sum(s.population for s in used)
    n = sum(s.n for s in used)
    point = 0.0
    variance = 0.0
    for s in used:
        w = s.population / total
        p_h = s.successes / s.n
        point += w * p_h
        if s.n == s.population:
            continue
        s2 = 0.25 if s.n == 1 else s.n * p_h * (1 - p_h) / (s.n - 1)
        variance += w * w * (1 - s.n / s.population) * s2 / s.n
    point = min(1.0, max(0.0, point))
    census = all(s.n == s.population for s in used)
    cap = n / (1 - n / total) if n < total else float("inf")
    if census or variance <= 0 or point in (0.0, 1.0):
        n_eff = float(n) if not census else float(total)
        n_eff = min(n_eff, cap)
    else:
        n_eff = point * (1 - point) / variance
        df = n - len(used)
        if len(used) > 1 and df >= 1 and n > 1:
            q = 1 - (1 - conf) / sides
            n_eff *= (t_ppf(q, n - 1) / t_ppf(q, df)) ** 2
        n_eff = min(n_eff, cap)
    return StratifiedDesign(point, variance, n, len(used), n_eff, census)


def stratified_estimate(strata: Iterable[StratumCount], confidence: float = 0.95,
                        sides: int = 2) -> Interval:
    """Population rate estimated from a stratified sample, with the Korn & Graubard (1998)
    interval: the Clopper–Pearson interval for x = p n_eff successes in n_eff (fractional) on
    the capped effective sample size of ``stratified_design``. ``sides=1`` gives bounds that
    each hold at ``confidence`` on their own (what a target is rated against). Every stratum
    counted in full: no sampling error, the interval is the point itself.

    Strata with population 0 are ignored; a stratum with cases but none sampled raises
    StatsError because it cannot be estimated.
    """
    design = stratified_design(strata, confidence, sides)
    p = design.point
    if design.census:
        return Interval(p, p, p)
    low, high = clopper_pearson(p * design.n_eff, design.n_eff, confidence, sides)
    return Interval(p, min(low, p), max(high, p))

