"""Scoring an audit: per criterion, per case, per stratum, force-level estimate, baseline, RAG, trend.

Rules (docs/sampling.md gives the statistics):

* Scope: a template's screening criteria (``screening = true``) decide whether a case is in
  scope: it is when every screening criterion is answered "yes". A case out of scope is
  counted as such, never as compliant, and no criterion is scored for it; a screening
  criterion is never scored itself. A case whose screening question is unanswered is
  incomplete.
* Only yes / no / n/a criteria are rated. Per criterion, over the cases in scope: met = "yes",
  applicable = "yes" + "no"; N/A is excluded; Wilson 95 % interval. A criterion with
  ``applies_if`` counts only where its parent criterion has the given answer; elsewhere it is
  not applicable whatever was recorded.
* A case in scope is compliant when every critical criterion is met ("yes"; N/A does not count
  against it). If the template marks no criterion critical, every scored criterion counts. A
  case with a critical criterion unanswered is *incomplete*: left out of the rates and counted.
  Cases set aside as unusable are replaced from the reserve and never scored.
* Headline: compliant / complete cases in scope, with a Wilson interval; for a stratified
  sample the weighted estimate (``stats.stratified_estimate``: Korn–Graubard, each stratum
  weighted by its estimated population in scope).
* The measure compared with the baseline and rated: the audit's ``baseline_measure``, a
  criterion that counts the same thing as the inspection's figure (e.g. attendance within
  the target alone for "49 of 82 within the required attendance time"), or, when none is
  chosen, the case-level compliance. Against the baseline: Newcombe's hybrid score interval
  for the difference (for a stratified estimate the same construction with its limits);
  the difference is confirmed when its interval excludes 0.
* RAG against the target on the one-sided exact bound at the plan's confidence
  (``stats.rating``), so a sample that meets its plan meets its target. Too few cases to
  confirm the target even if all complied is "indicative — small sample" with its exact
  interval, never a colour (``stats.rating.small_sample``). No target: no rating.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select

from workbench.services import score_memo
from workbench.services.access import require
from workbench.services.audits import ACTIVE_STATES, baseline_label, get_audit_row, series_rounds
from workbench.services.templates import get_template
from workbench.stats import (
    Interval,
    StatsError,
    StratumCount,
    newcombe_difference,
    stratified_estimate,
    wilson_interval,
)
from workbench.stats.rating import COLOURS, Bounds, rate_against_target, sample_bounds, stratified_bounds
from workbench.store.models import Audit, KeyFigure, Response, SampledCase
from workbench.store.uow import UnitOfWork

RULE_WORDS = {"lower_bound": "lower bound", "point_estimate": "point estimate", "upper_bound": "upper bound"}
CASE_MEASURE = "case"


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
    applies_if: str = ""  # e.g. "form_exists = yes": counted only there


@dataclass(frozen=True)
class ScopeScore:
    """A screening criterion: how many cases it put in and out of scope."""

    key: str
    question: str
    in_scope: int
    out_of_scope: int
    unanswered: int


@dataclass(frozen=True)
class CaseScore:
    case_id: int
    ref: str
    stratum: str | None
    state: str
    status: str  # compliant | not compliant | incomplete | out of scope
    failed: tuple[str, ...]  # critical criteria answered "no"
    missing: tuple[str, ...]  # critical (or screening) criteria not answered
    answers: dict[str, str]
    comments: dict[str, str]
    workings: dict[str, str]
    set_aside: tuple[str, ...] = ()  # answers not counted: their criterion does not apply here
    screened: bool = True  # False while a screening question is unanswered: whether it is in scope is not known


@dataclass(frozen=True)
class StratumScore:
    name: str
    population: int
    weight: float
    sample: int  # complete cases in scope
    compliant: int
    incomplete: int
    interval: Interval | None
    out_of_scope: int = 0


@dataclass(frozen=True)
class MeasureScore:
    """A rate the audit reports: the case-level compliance or one criterion."""

    key: str  # "case" or a criterion key
    label: str
    successes: int
    n: int
    sample_rate: Interval | None
    estimate: Interval | None  # weighted for a stratified sample, else the sample rate
    weighted: bool
    bounds: Bounds | None
    note: str = ""


@dataclass(frozen=True)
class Baseline:
    figure_id: int
    label: str
    successes: int
    n: int
    interval: Interval
    measures: str = ""  # what the inspection's figure counted, in its words


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
    out_of_scope: int = 0
    scope: tuple[ScopeScore, ...] = ()
    scope_text: str = ""
    headline: MeasureScore | None = None
    measure: MeasureScore | None = None  # what is compared with the baseline and rated
    confidence: float = 0.95
    plan_text: str = ""

    @property
    def provisional(self) -> bool:
        """A colour given while cases in scope are still incomplete: it may change when they are done."""
        return self.rag in COLOURS and self.incomplete > 0


def pct(rate: float) -> str:
    return f"{rate * 100:.1f} %"


def target_text(target: float) -> str:
    return f"{target * 100:.1f}".rstrip("0").rstrip(".") + " %"


def interval_text(i: Interval) -> str:
    return f"{pct(i.point)} [{pct(i.low)}, {pct(i.high)}]"


def comparison_text(current: Interval, baseline: Interval, diff: Interval, what: str = "") -> str:
    """Plain words for a change against the baseline, e.g. 'attendance within the target:
    improved from 59.8 % to 78.0 %; the sample confirms an improvement (difference +18.3 points,
    95 % interval +4.1 to +31.5)'. "Cannot confirm" says why: the interval includes no change."""
    before, now = pct(baseline.point), pct(current.point)
    lead = f"{what}: " if what else ""
    detail = (f" (difference {diff.point * 100:+.1f} points, 95 % interval {diff.low * 100:+.1f} "
              f"to {diff.high * 100:+.1f})")
    if before == now:
        return lead + f"no clear change: {now} now against {before} at the baseline" + detail
    if diff.point > 0:
        if diff.low > 0:
            return lead + f"improved from {before} to {now}; the sample confirms an improvement" + detail
        return (lead + f"up from {before} to {now}, but the sample cannot confirm an improvement: the 95 % "
                "interval of the difference still includes no change" + detail)
    if diff.high < 0:
        return lead + f"fell from {before} to {now}; the sample confirms a decline" + detail
    return (lead + f"down from {before} to {now}, but the sample cannot confirm a decline: the 95 % interval "
            "of the difference still includes no change" + detail)


def rag_rating(estimate: Interval | None, target: float | None, rule: str) -> tuple[str | None, str]:
    """RAG for a bare interval (a large-population sample of unknown size): kept for callers
    that hold only an interval; scoring rates on ``stats.rating`` with the sample's counts."""
    if estimate is None:
        return rate_against_target(None, target, rule, 0)
    return rate_against_target(Bounds(estimate.point, estimate.low, estimate.high, estimate.high, 0.95,
                                      "interval", False), target, rule, 0)


def _mover(current: Interval, base: Interval) -> Interval:
    """Newcombe's construction for current - base from any two intervals (MOVER)."""
    d = current.point - base.point
    low = d - math.sqrt((current.point - current.low) ** 2 + (base.high - base.point) ** 2)
    high = d + math.sqrt((current.high - current.point) ** 2 + (base.point - base.low) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high))


def scored_criteria(template):
    """(rated criteria, the criteria that decide a case's compliance), screening ones excluded."""
    rated = [c for c in template.criteria if c.answer == "yes_no_na" and not c.screening]
    critical = [c for c in rated if c.critical] or rated
    return rated, critical


def _effective(template, answers: dict[str, str]) -> tuple[dict[str, str | None], tuple[str, ...]]:
    """Each rated criterion's answer as it counts: a criterion whose ``applies_if`` parent does
    not have the given answer counts as n/a (its recorded answer is set aside); with the
    parent unanswered it counts as unanswered."""
    out: dict[str, str | None] = {}
    aside = []
    for c in template.criteria:
        if c.answer != "yes_no_na" or c.screening:
            continue
        value = answers.get(c.key)
        if c.applies_if is not None:
            parent, wanted = c.applies_if
            got = out.get(parent, answers.get(parent))
            if got is None:
                value = None
            elif got != wanted:
                if value not in (None, "n/a"):
                    aside.append(c.key)
                value = "n/a"
        out[c.key] = value
    return out, tuple(aside)


def _cases(uow: UnitOfWork, audit: Audit, template) -> tuple[list[CaseScore], int, dict[int, dict]]:
    """Every case of the round with its status; cases and answers are read as rows, not ORM objects."""
    s = uow.session
    cases = s.execute(select(SampledCase.id, SampledCase.ref, SampledCase.stratum, SampledCase.state)
                      .where(SampledCase.audit_id == audit.id).order_by(SampledCase.order)).all()
    active = [c for c in cases if c.state in ACTIVE_STATES]
    unusable = sum(1 for c in cases if c.state == "unusable")
    responses: dict[int, dict[str, tuple[str, str, str]]] = {c.id: {} for c in active}
    if active:
        s.flush()  # the answers are read on the connection (no ORM row processing), so nothing may be pending
        for case_id, key, value, comment, working in s.connection().execute(
                select(Response.case_id, Response.criterion_key, Response.value, Response.comment, Response.working)
                .join(SampledCase, SampledCase.id == Response.case_id)
                .where(SampledCase.audit_id == audit.id, SampledCase.state.in_(ACTIVE_STATES),
                       Response.role == "primary", Response.value.is_not(None))):
            responses[case_id][key] = (value or "", comment, working)  # the query keeps only non-null values
    _, critical = scored_criteria(template)
    screening = template.screening
    out, effective = [], {}
    for c in active:
        got = responses[c.id]
        answers = {k: r[0] for k, r in got.items()}
        eff, aside = _effective(template, answers)
        effective[c.id] = eff
        unscreened = tuple(k.key for k in screening if k.key not in answers)
        if any(answers.get(k.key) in ("no", "n/a") for k in screening):
            status, failed, missing, aside = "out of scope", (), (), ()
        elif unscreened:
            status, failed, missing = "incomplete", (), unscreened
        else:
            missing = tuple(k.key for k in critical if eff.get(k.key) is None)
            failed = tuple(k.key for k in critical if eff.get(k.key) == "no")
            status = "incomplete" if missing else ("not compliant" if failed else "compliant")
        out.append(CaseScore(
            c.id, c.ref, c.stratum, c.state, status, failed, missing, answers,
            {k: r[1] for k, r in got.items() if r[1]},
            {k: r[2] for k, r in got.items() if r[2]}, aside, not unscreened))
    return out, unusable, effective


def _criterion_scores(template, cases: list[CaseScore], effective: dict[int, dict]) -> tuple[CriterionScore, ...]:
    rated, _ = scored_criteria(template)
    in_scope = [c for c in cases if c.status != "out of scope"]
    rows = []
    for c in rated:
        values = [effective[case.case_id].get(c.key) for case in in_scope]
        met, no, na = values.count("yes"), values.count("no"), values.count("n/a")
        applicable = met + no
        parent = f"{c.applies_if[0]} = {c.applies_if[1]}" if c.applies_if else ""
        rows.append(CriterionScore(c.key, c.question, c.critical, c.rule is not None, met, applicable, na,
                                   values.count(None), wilson_interval(met, applicable) if applicable else None,
                                   parent))
    return tuple(rows)


def _scope(template, cases: list[CaseScore]) -> tuple[tuple[ScopeScore, ...], str]:
    rows = []
    for c in template.screening:
        values = [case.answers.get(c.key) for case in cases]
        rows.append(ScopeScore(c.key, c.question, values.count("yes"), values.count("no") + values.count("n/a"),
                               values.count(None)))
    out = sum(1 for c in cases if c.status == "out of scope")
    if not rows:
        return (), ""
    questions = "; ".join(f"'{r.question}'" for r in rows)
    text = (f"{out} of {len(cases)} cases out of scope (the screening question {questions} was not answered "
            f"yes): they are not scored and not counted as compliant")
    unanswered = sum(r.unanswered for r in rows)
    if unanswered:
        text += f"; {unanswered} case{'s' if unanswered != 1 else ''} still to be screened"
    return tuple(rows), text


def _outcomes(cases: list[CaseScore], effective: dict[int, dict], key: str) -> list[tuple[str | None, bool | None]]:
    """(stratum, True/False, or None when the case does not count) per case in scope."""
    rows = []
    for c in cases:
        if c.status == "out of scope":
            continue
        if key == CASE_MEASURE:
            outcome = None if c.status == "incomplete" else c.status == "compliant"
        elif not c.screened:  # it may be out of scope: its answers do not count for any measure yet
            outcome = None
        else:
            value = effective[c.case_id].get(key)
            outcome = {"yes": True, "no": False}.get(value or "")
        rows.append((c.stratum, outcome))
    return rows


def _stratum_counts(audit: Audit, cases: list[CaseScore], outcomes) -> list[StratumCount]:
    """Per stratum: its estimated population in the measure's domain (N_h times the share of its
    sampled cases that count), the cases that count and those that succeed."""
    populations = {k: int(v.get("population", 0)) for k, v in (audit.population_strata or {}).items()}
    counts = []
    for name in sorted(populations):
        sampled = sum(1 for c in cases if c.stratum == name and c.status != "incomplete")
        mine = [o for st, o in outcomes if st == name and o is not None]
        domain = round(populations[name] * len(mine) / sampled) if sampled else populations[name]
        counts.append(StratumCount(name, max(domain, len(mine)), len(mine), sum(mine)))
    return counts


def _measure(audit: Audit, cases: list[CaseScore], effective: dict[int, dict], key: str, label: str,
             confidence: float) -> MeasureScore:
    outcomes = _outcomes(cases, effective, key)
    counted = [o for _, o in outcomes if o is not None]
    x, n = sum(counted), len(counted)
    sample_rate = wilson_interval(x, n) if n else None
    stratified = (audit.plan or {}).get("method") == "stratified" and bool(audit.population_strata)
    if not n:
        return MeasureScore(key, label, 0, 0, None, None, stratified, None,
                            "insufficient evidence: no case in scope has been answered for it")
    if stratified:
        counts = _stratum_counts(audit, cases, outcomes)
        try:
            estimate = stratified_estimate(counts)
            bounds = stratified_bounds(counts, confidence)
        except StatsError as exc:
            return MeasureScore(key, label, x, n, sample_rate, None, True, None, f"no weighted estimate yet: {exc}")
        return MeasureScore(key, label, x, n, sample_rate, estimate, True, bounds)
    everyone = all(c.status != "out of scope" for c in cases) and all(o is not None for _, o in outcomes)
    population = audit.population_size if everyone and audit.population_size else None
    return MeasureScore(key, label, x, n, sample_rate, sample_rate, False, sample_bounds(x, n, confidence, population))


def _strata(audit: Audit, cases: list[CaseScore], headline: MeasureScore) -> tuple[tuple[StratumScore, ...], Interval | None, str]:
    populations = {k: int(v.get("population", 0)) for k, v in (audit.population_strata or {}).items()}
    if not populations:
        return (), None, ""
    total = sum(populations.values()) or 1
    rows = []
    for name in sorted(populations):
        mine = [c for c in cases if c.stratum == name]
        scoped = [c for c in mine if c.status != "out of scope"]
        complete = [c for c in scoped if c.status != "incomplete"]
        ok = sum(1 for c in complete if c.status == "compliant")
        rows.append(StratumScore(name, populations[name], populations[name] / total, len(complete), ok,
                                 len(scoped) - len(complete), wilson_interval(ok, len(complete)) if complete else None,
                                 len(mine) - len(scoped)))
    if not headline.weighted:
        return tuple(rows), None, ""
    return tuple(rows), headline.estimate, headline.note


def _confidence(audit: Audit) -> float:
    sizing = (audit.plan or {}).get("sizing") or {}
    return float(sizing.get("confidence") or 0.95)


def _measure_label(template, key: str) -> str:
    if key == CASE_MEASURE:
        return "cases compliant (every critical criterion met)"
    try:
        return template.criterion(key).question
    except KeyError:
        return key


def _round_cache(uow: UnitOfWork) -> dict[int, Any] | None:
    """The rounds scored in this unit of work, by audit id: each round is scored once however many
    rounds of its series are shown (a series' trend needs every round). Any write in the session
    empties it; with changes not yet flushed it is not used at all."""
    session = uow.session
    cache = session.info.get(_CACHE)
    if cache is None:
        cache = session.info[_CACHE] = {}
        event.listen(session, "after_flush", lambda *_: cache.clear())
        event.listen(session, "after_soft_rollback", lambda *_: cache.clear())
        event.listen(session, "do_orm_execute", lambda state: None if state.is_select else cache.clear())
    if session.new or session.dirty or session.deleted:
        cache.clear()
        return None
    return cache


_CACHE = "workbench.scoring.rounds"


def _core(uow: UnitOfWork, audit: Audit):
    shared = score_memo.rounds_for(uow)  # read-only: the rounds the open workspace already scored
    if shared is not None:
        result = shared.get(audit.id)
        if result is None:
            result = _score_core(uow, audit)
            shared.keep(audit.id, result)
        return result
    cache = _round_cache(uow)
    if cache is not None and audit.id in cache:
        return cache[audit.id]
    result = _score_core(uow, audit)
    if cache is not None:
        cache[audit.id] = result
    return result


def _score_core(uow: UnitOfWork, audit: Audit):
    template = get_template(uow, audit.template_id)
    cases, unusable, effective = _cases(uow, audit, template)
    conf = _confidence(audit)
    headline = _measure(audit, cases, effective, CASE_MEASURE, _measure_label(template, CASE_MEASURE), conf)
    key = audit.baseline_measure or CASE_MEASURE
    measure = headline if key == CASE_MEASURE else _measure(audit, cases, effective, key,
                                                            _measure_label(template, key), conf)
    return template, cases, unusable, _criterion_scores(template, cases, effective), headline, measure


def _trend(uow: UnitOfWork, audit: Audit) -> tuple[RoundPoint, ...]:
    points = []
    for other in series_rounds(uow, audit.series):
        measure = _core(uow, other)[-1]
        if measure.estimate is not None:
            e = measure.estimate
            points.append(RoundPoint(other.id, other.round, other.title, measure.n, measure.successes,
                                     e.point, e.low, e.high))
    return tuple(points)


def _plan_text(audit: Audit, target: float | None) -> str:
    """What the plan allows: the deviations it tolerates and the result that confirms the target."""
    plan = audit.plan or {}
    sizing, n = plan.get("sizing") or {}, plan.get("drawn_size")
    if not n:
        return ""
    if audit.population_size and n >= audit.population_size:
        return f"a census: all {n:,} cases in the population were drawn, so the result has no sampling error"
    if not sizing:
        return f"a fixed sample of {n} cases (not sized for a target)"
    allowed = math.ceil(round(sizing["expected"] * n, 9))
    tol, conf = sizing["tolerable"], sizing["confidence"]
    text = (f"the plan allows {allowed} deviation{'s' if allowed != 1 else ''} in {n} cases: with "
            f"{n - allowed} or more compliant the sample shows, at {pct(conf)} confidence, a compliance rate "
            f"above {target_text(1 - tol)} (a deviation rate below {target_text(tol)})")
    if target is not None and abs(target - (1 - tol)) > 1e-9:
        text += f"; note the target ({target_text(target)}) is not the plan's {target_text(1 - tol)}"
    return text


def score_audit(uow: UnitOfWork, audit_id: int) -> AuditScore:
    require(uow.actor, "read")
    audit = get_audit_row(uow, audit_id)
    template, cases, unusable, criteria, headline, measure = _core(uow, audit)
    scoped = [c for c in cases if c.status != "out of scope"]
    complete = [c for c in scoped if c.status != "incomplete"]
    compliant = sum(1 for c in complete if c.status == "compliant")
    strata, stratified, note = _strata(audit, cases, headline)
    scope, scope_text = _scope(template, cases)
    baseline = difference = None
    comparison = "no inspection baseline is set for this audit"
    fig = uow.session.get(KeyFigure, audit.baseline_figure_id) if audit.baseline_figure_id else None
    what = "case compliance" if measure.key == CASE_MEASURE else f"'{measure.label}'"
    if fig is not None and fig.denominator and fig.numerator is not None:
        baseline = Baseline(fig.id, baseline_label(fig) or "", fig.numerator, fig.denominator,
                            wilson_interval(fig.numerator, fig.denominator), (fig.label or "").strip())
        if measure.estimate is None:
            comparison = (f"{pct(baseline.interval.point)} ({baseline.label}) at the baseline; no case in scope "
                          f"is complete for {what} yet")
        else:
            if measure.weighted:
                difference = _mover(measure.estimate, baseline.interval)
            else:
                difference = newcombe_difference(measure.successes, measure.n, fig.numerator, fig.denominator)
            comparison = comparison_text(measure.estimate, baseline.interval, difference,
                                         f"{what} ({measure.successes} of {measure.n}"
                                         f"{', weighted' if measure.weighted else ''}) against the inspection's "
                                         f"{baseline.label}")
    rag, reason = rate_against_target(measure.bounds, audit.target, audit.rag_rule, measure.n)
    if measure.bounds is not None and rag in COLOURS:
        reason += f" ({measure.bounds.method})"
    if measure.key != CASE_MEASURE:  # the headline is case compliance; say which figure was rated
        reason = f"rated on {what} ({measure.successes} of {measure.n}), the measure compared with the inspection: " \
                 + reason
    unfinished = len(scoped) - len(complete)
    if rag in COLOURS and unfinished:  # a colour before the fieldwork is finished may still change
        reason = (f"provisional: {unfinished} of the {len(scoped)} cases in scope are not complete yet, so the "
                  f"rating may change when they are; " + reason)
    plan = audit.plan or {}
    plan_text = _plan_text(audit, audit.target)
    if plan_text and len(cases) - len(scoped) and plan.get("sizing"):
        plan_text += (f"; only {len(scoped)} of the {len(cases)} cases drawn were in scope, so the sample is smaller "
                      "than the plan assumed")
    basis = ("estimate weighted by stratum population shares" if stratified is not None
             else "sample rate" if headline.estimate is not None else "none")
    return AuditScore(
        audit.id, audit.title, template.key, template.name, template.version, audit.series, audit.round,
        plan.get("method", "simple"), plan.get("stratify_by"), len(cases), len(complete), compliant,
        len(scoped) - len(complete), unusable, headline.sample_rate, stratified, note, headline.estimate, basis,
        criteria, tuple(cases), strata, baseline, difference, comparison,
        audit.target, audit.rag_rule, rag, reason, _trend(uow, audit),
        out_of_scope=len(cases) - len(scoped), scope=scope, scope_text=scope_text, headline=headline,
        measure=measure, confidence=_confidence(audit), plan_text=plan_text)


def audit_results_for_pack(uow: UnitOfWork, finding_id: int):
    """The latest scored round of each audit series mapped to the finding, as pack data."""
    from workbench.services.audit_pack import audit_results

    return audit_results(uow, finding_id)


def audit_methods_for_pack(uow: UnitOfWork, finding_ids):
    """How each drawn audit mapped to these findings was sampled, as pack appendix entries."""
    from workbench.services.audit_pack import audit_methods

    return audit_methods(uow, finding_ids)
