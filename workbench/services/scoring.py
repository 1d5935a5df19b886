"""Scoring an audit: per criterion, per case, per stratum, force-level estimate, baseline, RAG, trend.

Rules (docs/sampling.md gives the statistics):

* Only yes / no / n/a criteria are rated. Per criterion: met = "yes", applicable = "yes" + "no";
  N/A is excluded; Wilson 95 % interval.
* A case is compliant when every critical criterion is met ("yes"; N/A does not count against
  it). If the template marks no criterion critical, every yes / no / n/a criterion counts. A case
  with a critical criterion unanswered is *incomplete*: it is left out of the rates and counted.
  Cases set aside as unusable are replaced from the reserve and never scored.
* Overall: compliant / complete cases with a Wilson interval. For a stratified sample the
  force-level estimate weights each stratum's rate by its share of the population
  (``stats.stratified_estimate``) and is the headline figure.
* Against the baseline (a key figure such as 49 of 82): Newcombe's hybrid score interval for
  the difference (for a stratified estimate the same construction with the stratified limits).
  The difference is confirmed when its interval excludes 0.
* RAG against the target, by the audit's rule:
  ``lower_bound`` (default): green when the lower 95 % bound >= target, amber when the point
  estimate >= target, red otherwise. ``point_estimate`` ("point"): green when the point
  estimate >= target, amber when the upper bound still reaches it, red otherwise.
  ``upper_bound``: green when the upper bound >= target, red otherwise. No target: no rating.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select

from workbench.services.access import require
from workbench.services.audits import ACTIVE_STATES, baseline_label, get_audit_row, series_rounds
from workbench.services.templates import get_template
from workbench.stats import Interval, StatsError, StratumCount, newcombe_difference, stratified_estimate
from workbench.stats import wilson_interval
from workbench.store.models import Audit, KeyFigure, Response, SampledCase
from workbench.store.uow import UnitOfWork

_EPS = 1e-12
RULE_WORDS = {"lower_bound": "lower bound", "point_estimate": "point estimate", "upper_bound": "upper bound"}


@dataclass(frozen=True)
class CriterionScore:
    key: str
    question: str
    critical: bool
    computed: bool
    met: int
    applicable: int
    not_applicable: int
    unanswered: int
    interval: Interval | None


@dataclass(frozen=True)
class CaseScore:
    case_id: int
    ref: str
    stratum: str | None
    state: str
    status: str  # compliant | not compliant | incomplete
    failed: tuple[str, ...]  # critical criteria answered "no"
    missing: tuple[str, ...]  # critical criteria not answered
    answers: dict[str, str]
    comments: dict[str, str]
    workings: dict[str, str]


@dataclass(frozen=True)
class StratumScore:
    name: str
    population: int
    weight: float
    sample: int  # complete cases
    compliant: int
    incomplete: int
    interval: Interval | None


@dataclass(frozen=True)
class Baseline:
    figure_id: int
    label: str
    successes: int
    n: int
    interval: Interval


@dataclass(frozen=True)
class RoundPoint:
    audit_id: int
    round: int
    title: str
    n: int
    compliant: int
    point: float
    low: float
    high: float


@dataclass(frozen=True)
class AuditScore:
    audit_id: int
    title: str
    template_key: str
    template_name: str
    template_version: int
    series: str
    round: int
    method: str
    stratify_by: str | None
    cases_in_use: int
    complete: int
    compliant: int
    incomplete: int
    unusable: int
    sample_rate: Interval | None
    stratified: Interval | None
    stratified_note: str
    estimate: Interval | None  # the headline: stratified when available, else the sample rate
    estimate_basis: str
    criteria: tuple[CriterionScore, ...]
    cases: tuple[CaseScore, ...]
    strata: tuple[StratumScore, ...]
    baseline: Baseline | None
    difference: Interval | None
    comparison: str
    target: float | None
    rag_rule: str
    rag: str | None
    rag_reason: str
    trend: tuple[RoundPoint, ...]


def pct(rate: float) -> str:
    return f"{rate * 100:.1f} %"


def target_text(target: float) -> str:
    return f"{target * 100:.1f}".rstrip("0").rstrip(".") + " %"


def interval_text(i: Interval) -> str:
    return f"{pct(i.point)} [{pct(i.low)}, {pct(i.high)}]"


def comparison_text(current: Interval, baseline: Interval, diff: Interval) -> str:
    """Plain words for a change against the baseline, e.g. 'improved from 59.8 % to 78.0 %; the
    sample confirms an improvement (difference +18.3 points, 95 % interval +4.1 to +31.5)'."""
    before, now = pct(baseline.point), pct(current.point)
    detail = (f" (difference {diff.point * 100:+.1f} points, 95 % interval {diff.low * 100:+.1f} "
              f"to {diff.high * 100:+.1f})")
    if before == now:
        return f"no clear change: {now} now against {before} at the baseline" + detail
    if diff.point > 0:
        verdict = "confirms" if diff.low > 0 else "cannot confirm"
        return f"improved from {before} to {now}; the sample {verdict} an improvement" + detail
    verdict = "confirms" if diff.high < 0 else "cannot confirm"
    return f"fell from {before} to {now}; the sample {verdict} a decline" + detail


def rag_rating(estimate: Interval | None, target: float | None, rule: str) -> tuple[str | None, str]:
    """(green | amber | red | None, the reason in words)."""
    if estimate is None:
        return None, "no case is complete yet, so there is nothing to rate"
    if target is None:
        return None, f"no target is set for this audit; {interval_text(estimate)} is not rated"
    t, p, lo, hi = target_text(target), pct(estimate.point), pct(estimate.low), pct(estimate.high)
    if rule == "point_estimate":
        if estimate.point >= target - _EPS:
            return "green", f"the estimate {p} is at or above the target of {t}"
        if estimate.high >= target - _EPS:
            return "amber", f"the estimate {p} is below the target of {t}, but the upper 95 % bound {hi} reaches it"
        return "red", f"even the upper 95 % bound {hi} is below the target of {t}"
    if rule == "upper_bound":
        if estimate.high >= target - _EPS:
            return "green", (f"the upper 95 % bound {hi} reaches the target of {t}, so the sample cannot rule "
                             "out that it is met")
        return "red", f"the upper 95 % bound {hi} is below the target of {t}"
    if estimate.low >= target - _EPS:
        return "green", f"the lower 95 % bound {lo} is at or above the target of {t}, so the sample confirms it is met"
    if estimate.point >= target - _EPS:
        return "amber", (f"the estimate {p} meets the target of {t}, but the lower 95 % bound {lo} is below it, "
                         "so the sample cannot confirm it is met")
    return "red", f"the estimate {p} is below the target of {t}"


def _mover(current: Interval, base: Interval) -> Interval:
    """Newcombe's construction for current - base from any two intervals (MOVER)."""
    d = current.point - base.point
    low = d - math.sqrt((current.point - current.low) ** 2 + (base.high - base.point) ** 2)
    high = d + math.sqrt((current.high - current.point) ** 2 + (base.point - base.low) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high))


def _scored_criteria(template):
    rated = [c for c in template.criteria if c.answer == "yes_no_na"]
    critical = [c for c in rated if c.critical] or rated
    return rated, critical


def _cases(uow: UnitOfWork, audit: Audit, template) -> tuple[list[CaseScore], int]:
    s = uow.session
    cases = list(s.scalars(select(SampledCase).where(SampledCase.audit_id == audit.id)
                           .order_by(SampledCase.order)))
    active = [c for c in cases if c.state in ACTIVE_STATES]
    unusable = sum(1 for c in cases if c.state == "unusable")
    responses: dict[int, dict[str, Response]] = {c.id: {} for c in active}
    if active:
        for r in s.scalars(select(Response).where(Response.case_id.in_(list(responses)),
                                                  Response.role == "primary")):
            if r.value is not None:
                responses[r.case_id][r.criterion_key] = r
    _, critical = _scored_criteria(template)
    out = []
    for c in active:
        got = responses[c.id]
        missing = tuple(k.key for k in critical if k.key not in got)
        failed = tuple(k.key for k in critical if k.key in got and got[k.key].value == "no")
        status = "incomplete" if missing else ("not compliant" if failed else "compliant")
        out.append(CaseScore(
            c.id, c.ref, c.stratum, c.state, status, failed, missing,
            {k: r.value for k, r in got.items()}, {k: r.comment for k, r in got.items() if r.comment},
            {k: r.working for k, r in got.items() if r.working}))
    return out, unusable


def _criterion_scores(template, cases: list[CaseScore]) -> tuple[CriterionScore, ...]:
    rated, _ = _scored_criteria(template)
    rows = []
    for c in rated:
        values = [case.answers.get(c.key) for case in cases]
        met, no, na = values.count("yes"), values.count("no"), values.count("n/a")
        applicable = met + no
        rows.append(CriterionScore(c.key, c.question, c.critical, c.rule is not None, met, applicable, na,
                                   values.count(None), wilson_interval(met, applicable) if applicable else None))
    return tuple(rows)


def _strata(audit: Audit, cases: list[CaseScore]) -> tuple[tuple[StratumScore, ...], Interval | None, str]:
    populations = {k: int(v.get("population", 0)) for k, v in (audit.population_strata or {}).items()}
    if not populations:
        return (), None, ""
    total = sum(populations.values()) or 1
    rows, counts = [], []
    for name in sorted(populations):
        mine = [c for c in cases if c.stratum == name]
        complete = [c for c in mine if c.status != "incomplete"]
        ok = sum(1 for c in complete if c.status == "compliant")
        rows.append(StratumScore(name, populations[name], populations[name] / total, len(complete), ok,
                                 len(mine) - len(complete), wilson_interval(ok, len(complete)) if complete else None))
        counts.append(StratumCount(name, populations[name], len(complete), ok))
    if (audit.plan or {}).get("method") != "stratified" or not any(c.n for c in counts):
        return tuple(rows), None, ""
    try:
        return tuple(rows), stratified_estimate(counts), ""
    except StatsError as exc:
        return tuple(rows), None, f"no stratified estimate yet: {exc}"


def _core(uow: UnitOfWork, audit: Audit):
    template = get_template(uow, audit.template_id)
    cases, unusable = _cases(uow, audit, template)
    complete = [c for c in cases if c.status != "incomplete"]
    compliant = sum(1 for c in complete if c.status == "compliant")
    sample_rate = wilson_interval(compliant, len(complete)) if complete else None
    strata, stratified, note = _strata(audit, cases)
    estimate = stratified if stratified is not None else sample_rate
    return template, cases, unusable, complete, compliant, sample_rate, strata, stratified, note, estimate


def _trend(uow: UnitOfWork, audit: Audit) -> tuple[RoundPoint, ...]:
    points = []
    for other in series_rounds(uow, audit.series):
        core = _core(uow, other)
        estimate = core[-1]
        if estimate is not None:
            points.append(RoundPoint(other.id, other.round, other.title, len(core[3]), core[4],
                                     estimate.point, estimate.low, estimate.high))
    return tuple(points)


def score_audit(uow: UnitOfWork, audit_id: int) -> AuditScore:
    require(uow.actor, "read")
    audit = get_audit_row(uow, audit_id)
    template, cases, unusable, complete, compliant, sample_rate, strata, stratified, note, estimate = _core(uow, audit)
    baseline = difference = None
    comparison = "no inspection baseline is set for this audit"
    fig = uow.session.get(KeyFigure, audit.baseline_figure_id) if audit.baseline_figure_id else None
    if fig is not None and fig.denominator and fig.numerator is not None:
        baseline = Baseline(fig.id, baseline_label(fig) or "", fig.numerator, fig.denominator,
                            wilson_interval(fig.numerator, fig.denominator))
        if estimate is None:
            comparison = f"{pct(baseline.interval.point)} ({baseline.label}) at the baseline; no case is complete yet"
        else:
            if stratified is None:
                difference = newcombe_difference(compliant, len(complete), fig.numerator, fig.denominator)
            else:
                difference = _mover(stratified, baseline.interval)
            comparison = comparison_text(estimate, baseline.interval, difference)
    rag, reason = rag_rating(estimate, audit.target, audit.rag_rule)
    plan = audit.plan or {}
    basis = ("stratified estimate weighted by population shares" if stratified is not None
             else "sample rate" if estimate is not None else "none")
    return AuditScore(
        audit.id, audit.title, template.key, template.name, template.version, audit.series, audit.round,
        plan.get("method", "simple"), plan.get("stratify_by"), len(cases), len(complete), compliant,
        len(cases) - len(complete), unusable, sample_rate, stratified, note, estimate, basis,
        _criterion_scores(template, cases), tuple(cases), strata, baseline, difference, comparison,
        audit.target, audit.rag_rule, rag, reason, _trend(uow, audit))


def audit_results_for_pack(uow: UnitOfWork, finding_id: int):
    """The latest scored round of each audit series mapped to the finding, as pack data."""
    from workbench.services.audit_pack import audit_results

    return audit_results(uow, finding_id)


def audit_methods_for_pack(uow: UnitOfWork, finding_ids):
    """How each drawn audit mapped to these findings was sampled, as pack appendix entries."""
    from workbench.services.audit_pack import audit_methods

    return audit_methods(uow, finding_ids)
