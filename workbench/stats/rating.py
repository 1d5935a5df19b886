"""Rating a rate against a target with the same one-sided exact logic that sizes the sample.

Attribute sizing picks the smallest n with P(X <= k | n, tolerable) <= 1 - confidence. Its
dual is the one-sided exact (Clopper–Pearson) lower bound on the compliance rate at that
confidence: a sample with no more than the k allowed deviations has a lower bound of at least
1 - tolerable. So rating on that bound means a sample that meets its plan meets its target.

* Simple or systematic samples whose every complete case is in scope, from a population of
  known size N: the hypergeometric exact bound (``hypergeometric_lower``), which matches
  sizing with a population; n = N is a census and the bound is the observed rate.
* Samples with cases out of scope (the in-scope population's size is not known): the
  binomial exact bound, as for a large population.
* Stratified samples: the one-sided Korn–Graubard bound (``stratified_estimate(sides=1)``).

Rules (``rag_rule``): ``lower_bound``: green when the lower bound reaches the target, amber
when only the point estimate does, red otherwise. ``point_estimate``: green when the point
reaches it, amber when the one-sided upper bound still does, red otherwise. The
``upper_bound`` rule rates green on no evidence (0 of 1 case) and is never applied: it is
rated "insufficient evidence".

The small-sample rule (the one place it is decided; ``small_sample``): before any colour, a
sample that could not confirm the target even if every case complied (its best possible
lower bound is below the target, and it is not a census) cannot separate the bands. Its
result is ``INDICATIVE``, never green, amber or red, whatever it found, and its reason starts
"indicative — small sample (n=10), 95 % interval 44.4–97.5 %" with the two-sided exact
interval (Clopper–Pearson; Korn–Graubard for a stratified sample). Ten files, the size of the
inspectorate's quality of service review samples, never confirm a target above 74 %, so
they are always indicative against such a target. Every display shows it in a neutral style.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.stats.estimates import StratumCount, stratified_estimate
from workbench.stats.exact import clopper_pearson, hypergeometric_lower

_EPS = 1e-12
INSUFFICIENT = "insufficient evidence"
#: the verdict of a sample too small to separate the bands (shown neutral, never as a colour)
INDICATIVE = "indicative"
#: the verdicts that are colours
COLOURS = ("green", "amber", "red")


@dataclass(frozen=True, slots=True)
class Bounds:
    """One-sided bounds at ``confidence`` and how they were computed."""

    point: float
    lower: float
    upper: float
    best_lower: float  # the lower bound if every case had complied
    confidence: float
    method: str  # words: "exact hypergeometric bound (population 8,341)", "census", ...
    census: bool
    #: the two-sided exact interval at ``confidence`` (what a small sample is reported with);
    #: None where only one-sided bounds are known (then ``lower``/``upper`` stand in)
    exact_low: float | None = None
    exact_high: float | None = None
    n: float | None = None  # the cases in scope rated (for the words "n=10")


def _pct(rate: float) -> str:
    return f"{rate * 100:.1f} %"


def target_words(target: float) -> str:
    return f"{target * 100:.1f}".rstrip("0").rstrip(".") + " %"


def sample_bounds(successes: int, n: int, confidence: float, population: int | None = None) -> Bounds:
    """Bounds for a simple (or systematic) sample. ``population``: the size of the population
    the n cases were drawn from when every case is in scope, else None."""
    point = successes / n
    two_low, two_high = clopper_pearson(successes, n, confidence, sides=2)
    if population is not None and population >= n:
        if n == population:
            return Bounds(point, point, point, 1.0, confidence,
                          f"a census: all {n:,} cases were checked, so there is no sampling error", True,
                          point, point, n)
        lower = hypergeometric_lower(successes, n, population, confidence)
        upper = 1 - hypergeometric_lower(n - successes, n, population, confidence)
        best = hypergeometric_lower(n, n, population, confidence)
        return Bounds(point, lower, upper, best, confidence,
                      f"one-sided {target_words(confidence)} exact hypergeometric bound, population {population:,}", False,
                      two_low, two_high, n)
    lower, _ = clopper_pearson(successes, n, confidence, sides=1)
    _, upper = clopper_pearson(successes, n, confidence, sides=1)
    best, _ = clopper_pearson(n, n, confidence, sides=1)
    return Bounds(point, lower, upper, best, confidence,
                  f"one-sided {target_words(confidence)} exact Clopper–Pearson bound", False, two_low, two_high, n)


def stratified_bounds(strata: Sequence[StratumCount], confidence: float) -> Bounds:
    one = stratified_estimate(strata, confidence, sides=1)
    two = stratified_estimate(strata, confidence, sides=2)
    best = stratified_estimate([StratumCount(s.name, s.population, s.n, s.n) for s in strata], confidence, sides=1)
    census = all(s.n == s.population for s in strata if s.population)
    method = ("a census of every stratum: no sampling error" if census else
              f"one-sided {target_words(confidence)} Korn–Graubard bound, weighted by stratum population shares")
    cases = sum(s.n for s in strata if s.population)
    return Bounds(one.point, one.low, one.high, best.low, confidence, method, census, two.low, two.high, cases)


def cases_needed(target: float, confidence: float) -> int | None:
    """Fewest cases, all compliant, whose exact one-sided lower bound reaches ``target``
    (large population); None for a target of 100 %, which only a census confirms."""
    if target >= 1:
        return None
    if target <= 0:
        return 1
    return max(1, math.ceil(math.log(1 - confidence) / math.log(target) - 1e-12))


def small_sample(bounds: Bounds, target: float | None) -> bool:
    """The one small-sample rule: True when the sample cannot separate the bands for
    ``target``: not a census, and even with every case compliant its lower bound would stay
    below the target. With no target nothing is rated, so nothing is held back. A target of
    100 % is no question of sample size (only a census confirms it, and one deviation disproves
    it): it is never "small", see ``rate_against_target``."""
    return (target is not None and target < 1 and not bounds.census
            and bounds.best_lower < target - _EPS)


def _range(low: float, high: float) -> str:
    return f"{low * 100:.1f}\u2013{high * 100:.1f} %"


def indicative_words(bounds: Bounds, cases: int | float | None = None) -> str:
    """'indicative — small sample (n=10), 95 % exact interval 44.4–97.5 %': the two-sided exact
    interval at the bounds' confidence."""
    n = bounds.n if bounds.n is not None else cases
    low = bounds.exact_low if bounds.exact_low is not None else bounds.lower
    high = bounds.exact_high if bounds.exact_high is not None else bounds.upper
    size = f" (n={n:g})" if n is not None else ""
    return f"{INDICATIVE} \u2014 small sample{size}, {target_words(bounds.confidence)} exact interval {_range(low, high)}"


def rate_against_target(bounds: Bounds | None, target: float | None, rule: str,
                        cases: int) -> tuple[str | None, str]:
    """(green | amber | red | ``INDICATIVE`` | None, the reason in words). None is "no target"
    or "insufficient evidence", as the reason says; ``INDICATIVE`` is a sample too small to
    separate the bands (``small_sample``), never shown as a colour."""
    if bounds is None:
        return None, f"{INSUFFICIENT}: no case in scope is complete yet, so there is nothing to rate"
    if target is None:
        return None, f"no target is set for this audit; {_pct(bounds.point)} is not rated"
    t, p = target_words(target), _pct(bounds.point)
    lo, hi, conf = _pct(bounds.lower), _pct(bounds.upper), target_words(bounds.confidence)
    if rule == "upper_bound":
        return None, (f"{INSUFFICIENT}: the upper-bound rule would rate a sample green without evidence "
                      "(0 of 1 case compliant), so it is not applied; re-plan the audit with the lower-bound "
                      "or point rule")
    if small_sample(bounds, target):
        need = cases_needed(target, bounds.confidence)
        more = ("a target of 100 % can only be confirmed by checking every case" if need is None
                else f"about {need} cases in scope, all compliant, are needed to confirm {t}")
        found = (f"the estimate {p} is below the target of {t} (even the upper {conf} bound {hi} is)"
                 if bounds.upper < target - _EPS else
                 f"the estimate {p} is {'at or above' if bounds.point >= target - _EPS else 'below'} the target of {t}")
        return INDICATIVE, (f"{indicative_words(bounds, cases)}: {found}, but with {cases} case"
                            f"{'s' if cases != 1 else ''} in scope the sample could not confirm the target even "
                            f"if every case complied (best possible lower bound {_pct(bounds.best_lower)}), so it "
                            f"is not rated green, amber or red; {more}")
    if target >= 1 - _EPS and bounds.best_lower < target - _EPS and not bounds.census:  # only a census confirms 100 %
        if bounds.upper < target - _EPS:
            return "red", f"a deviation was found, so the target of {t} is not met"
        return None, (f"{INSUFFICIENT}: a target of 100 % can only be confirmed by checking every case "
                      f"({cases} case{'s' if cases != 1 else ''} in scope were checked)")
    if rule == "point_estimate":
        if bounds.point >= target - _EPS:
            return "green", f"the estimate {p} is at or above the target of {t}"
        if bounds.upper >= target - _EPS:
            return "amber", f"the estimate {p} is below the target of {t}, but the upper {conf} bound {hi} reaches it"
        return "red", f"even the upper {conf} bound {hi} is below the target of {t}"
    if bounds.lower >= target - _EPS:
        return "green", (f"the lower {conf} bound {lo} is at or above the target of {t}, so the sample confirms "
                         "it is met")
    if bounds.point >= target - _EPS:
        return "amber", (f"the estimate {p} meets the target of {t}, but the lower {conf} bound {lo} is below it, "
                         "so the sample cannot confirm it is met")
    return "red", f"the estimate {p} is below the target of {t}"
