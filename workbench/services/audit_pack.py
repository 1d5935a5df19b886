"""Audit scores and sampling methods as the plain pack data the PDF and Excel writers render.

Each finding's pack section shows the latest scored round of every audit series mapped to it
(earlier rounds appear on its trend, after the inspection baseline). A round without a target,
or with too little evidence to rate, cannot be green: it is shown amber with the reason saying
why ("no target is set", "insufficient evidence: …").

What each figure counts is said beside it: the case compliance (weighted by stratum population
shares when the sample is stratified), the measure compared with the inspection's baseline when
it is a single criterion, the cases out of scope and what the plan allows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select

from workbench.reports.pack_data import (
    AgreementTable,
    AuditMethod,
    AuditResult,
    CaseRow,
    CriterionRow,
    RateWithInterval,
    RedactionTerms,
    StratumRow,
    TrendPoint,
)
from workbench.reports.pseudonymise import personal_variants
from workbench.services.access import require
from workbench.services.agreement import Agreement, agreement
from workbench.services.audit_facts import audit_facts, notable_notes, plain_words
from workbench.services.population_exclusions import methodology_text as exclusions_text
from workbench.services.scoring import AuditScore, CaseScore, pct, score_audit
from workbench.services.templates import get_template
from workbench.stats.intervals import Interval
from workbench.store.models import Audit, SampledCase, audit_findings
from workbench.store.uow import UnitOfWork
from workbench.templates.schema import Template


def _audits_for(uow: UnitOfWork, finding_ids: Iterable[int]) -> list[Audit]:
    ids = list(finding_ids)
    if not ids:
        return []
    linked = select(audit_findings.c.audit_id).where(audit_findings.c.finding_id.in_(ids))
    q = select(Audit).where(Audit.id.in_(linked)).order_by(Audit.id)
    return list(uow.session.scalars(q))


def method_text(audit: Audit, field_label: str | None) -> str:
    plan = audit.plan or {}
    method = plan.get("method", "simple")
    if method == "stratified":
        return f"Stratified random sample by {field_label} ({plan.get('allocation', 'proportional')} allocation)"
    text = "Systematic sample" if method == "systematic" else "Simple random sample"
    return text + (f", reported by {field_label}" if field_label else "")


def _field_label(uow: UnitOfWork, audit: Audit) -> str | None:
    key = (audit.plan or {}).get("stratify_by")
    if not key:
        return None
    return get_template(uow, audit.template_id).field(key).label.lower()


def _population_text(audit: Audit) -> str:
    return f"{audit.population_name} ({audit.population_size or 0:,} cases)"


def _case_row(case: CaseScore, template: Template) -> CaseRow:
    labels = {f.key: f.label for f in template.fields}
    questions = {c.key: c.question.strip().rstrip("?.") for c in template.criteria}
    notes = [f"{questions.get(k, k)}: {plain_words(v, labels)}" for k, v in case.comments.items()]
    if case.status == "incomplete":
        notes.insert(0, "Not fully answered: " + "; ".join(questions.get(k, k) for k in case.missing))
    return CaseRow(case.ref, case.stratum or "", case.status == "compliant", dict(case.answers), "; ".join(notes))


def _notable(case: CaseScore, template: Template) -> CaseRow:
    return CaseRow(case.ref, case.stratum or "", False, dict(case.answers), notable_notes(case, template))


RISK_NOTE = ("Under-grading (the original grade lower than the auditor's) is the risk: a victim at higher "
             "risk may not get the safeguarding their risk needs. Over-grading uses resources but does not "
             "leave a victim unprotected.")


def _agreement_table(review: Agreement) -> AgreementTable | None:
    grades = review.grades
    if not grades:
        return None
    g = grades[0]

    def ends(i):
        return (None, None) if i is None else (i.low, i.high)

    return AgreementTable(g.categories, g.matrix, g.kappa, g.rate,
                          kappa_low=ends(g.kappa_interval)[0], kappa_high=ends(g.kappa_interval)[1],
                          weighted_kappa=g.weighted_kappa, weighted_kappa_low=ends(g.weighted_kappa_interval)[0],
                          weighted_kappa_high=ends(g.weighted_kappa_interval)[1],
                          under_low=ends(g.under_rate)[0], under_high=ends(g.under_rate)[1],
                          over_low=ends(g.over_rate)[0], over_high=ends(g.over_rate)[1], risk_note=RISK_NOTE)


def _bounds(iv: Interval | None) -> tuple[float | None, float | None, float | None]:
    """An interval's point, low and high (all None without one)."""
    return (iv.point, iv.low, iv.high) if iv is not None else (None, None, None)


def _rate(m) -> RateWithInterval:
    e = m.estimate
    return RateWithInterval(m.successes, m.n, e.point, e.low, e.high)


def _result(uow: UnitOfWork, audit: Audit, score: AuditScore) -> AuditResult:
    assert score.estimate is not None and score.headline is not None
    head, measure = score.headline, score.measure
    baseline = None
    trend: list[TrendPoint] = []
    if score.baseline is not None:
        b = score.baseline
        baseline = RateWithInterval(b.successes, b.n, b.interval.point, b.interval.low, b.interval.high)
        trend.append(TrendPoint(f"Inspection baseline ({b.label})", b.interval.point, b.interval.low,
                                b.interval.high))
    trend += [TrendPoint(f"Round {r.round}", r.point, r.low, r.high) for r in score.trend]
    rag, reason = score.rag, score.rag_reason
    if rag is None:
        rag, reason = "amber", (f"{reason}; without a target it cannot be rated green" if score.target is None
                                else f"{reason}; it is not rated green")
    weighted = head.weighted
    label = "Cases compliant (every critical criterion met)" + (
        ", weighted by stratum population shares" if weighted else "")
    template = get_template(uow, audit.template_id)
    review = agreement(uow, audit.id)
    facts = audit_facts(uow, audit, template, score, review)
    own = measure if measure is not None and measure.key != "case" else None  # a measure apart from cases
    separate = own is not None
    measure_rate = _rate(own) if own is not None and own.estimate is not None else None
    measured = own.label if own is not None else "case compliance"
    return AuditResult(
        title=score.title, template=score.template_name, template_version=str(score.template_version),
        round=score.round, method=method_text(audit, _field_label(uow, audit)),
        sample_size=score.cases_in_use, seed=str(audit.seed), population=_population_text(audit),
        population_fingerprint=audit.population_fingerprint,
        compliance=RateWithInterval(score.compliant, score.complete, score.estimate.point, score.estimate.low,
                                    score.estimate.high),
        baseline=baseline,
        difference_text=(score.comparison if score.baseline is not None
                         else f"no inspection baseline; {pct(score.estimate.point)}"
                         f"{' (weighted)' if weighted else ''} in this round"),
        target=score.target, rag=rag, rag_reason=reason,
        criteria=tuple(CriterionRow(c.key, c.question, c.critical, c.met, c.applicable, *_bounds(c.interval),
                                    applies_if=_applies_words(score, c.applies_if)) for c in score.criteria),
        strata=tuple(StratumRow(s.name, s.population, s.sample, s.compliant, s.weight, *_bounds(s.interval))
                     for s in score.strata),
        cases=tuple(_case_row(c, template) for c in score.cases),
        notable_cases=tuple(_notable(c, template) for c in score.cases if c.status == "not compliant"),
        trend=tuple(trend),
        agreement=_agreement_table(review),
        compliance_label=label, weighted=weighted,
        measure_label=own.label if own is not None else "", measure=measure_rate,
        baseline_measures=score.baseline.measures if score.baseline is not None else "",
        scope_text=score.scope_text, plan_text=score.plan_text,
        trend_label=(f"Rate of '{measured}' with 95 % interval" if separate
                     else "Case compliance with 95 % interval" + (" (weighted)" if weighted else "")),
        extract_period=facts.extract_period, inclusion=facts.inclusion, population_size=audit.population_size or 0,
        fieldwork=facts.fieldwork, auditors=facts.auditors, second_review=facts.second_review,
        limitations=facts.limitations,
    )


def _applies_words(score: AuditScore, applies_if: str) -> str:
    if not applies_if:
        return ""
    key, _, answer = applies_if.partition(" = ")
    question = next((c.question for c in score.criteria if c.key == key), key)
    return f"counted only where the answer to '{question}' is {answer}"


def audit_results(uow: UnitOfWork, finding_id: int) -> tuple[AuditResult, ...]:
    require(uow.actor, "read")
    latest: dict[str, tuple[Audit, AuditScore]] = {}
    for audit in _audits_for(uow, [finding_id]):
        if audit.seed is None:
            continue
        score = score_audit(uow, audit.id)
        if score.estimate is None:
            continue
        kept = latest.get(audit.series)
        if kept is None or audit.round > kept[0].round:
            latest[audit.series] = (audit, score)
    chosen = sorted(latest.values(), key=lambda pair: pair[0].id)
    return tuple(_result(uow, audit, score) for audit, score in chosen)


def _selection_text(audit: Audit) -> str:
    plan = audit.plan or {}
    n, r = plan.get("drawn_size", 0), plan.get("drawn_reserve", 0)
    priority = (f"each case reference gets the priority HMAC-SHA256(key = the seed {audit.seed} in decimal, "
                "message = the reference in UTF-8)")
    if plan.get("method") == "systematic":
        return (f"Systematic: the references sorted by their UTF-8 bytes, every (N/{n})-th from a start "
                f"derived from the seed; {priority}, and the {r} unselected cases with the smallest "
                "priorities form the reserve list (see the redraw steps above)")
    within = " within each stratum (largest-remainder allocation)" if plan.get("method") == "stratified" else ""
    return (f"{priority}; the {n} cases with the smallest priorities{within} form the sample and the next "
            f"{r} the reserve list, whatever the row order of the extract (see the redraw steps above)")


def audit_methods(uow: UnitOfWork, finding_ids: Iterable[int]) -> tuple[AuditMethod, ...]:
    require(uow.actor, "read")
    out = []
    audits = [a for a in _audits_for(uow, finding_ids) if a.seed is not None]
    titles = Counter(a.title for a in audits)
    for audit in audits:
        plan = audit.plan or {}
        sizing = plan.get("sizing") or {}
        template = get_template(uow, audit.template_id)
        # the replacements and the cases they replaced (not every case: an audit can hold thousands)
        replaced = uow.session.execute(select(SampledCase.ref, SampledCase.replaces_id).where(
            SampledCase.audit_id == audit.id, SampledCase.state == "replacement").order_by(SampledCase.order)).all()
        gone = {row.id: row for row in uow.session.execute(
            select(SampledCase.id, SampledCase.ref, SampledCase.unusable_reason).where(
                SampledCase.audit_id == audit.id, SampledCase.id.in_([r.replaces_id for r in replaced])))
        } if replaced else {}
        notes = [f"{gone[r.replaces_id].ref} unusable ({gone[r.replaces_id].unusable_reason}), replaced by {r.ref}"
                 for r in replaced if r.replaces_id in gone]
        strata = tuple(f"{name}: {v.get('population', 0):,} cases, {v.get('sample', 0)} sampled, "
                       f"{v.get('reserve', 0)} in reserve" for name, v in sorted((audit.population_strata or {}).items()))
        out.append(AuditMethod(
            audit_title=audit.title + (f", round {audit.round}" if titles[audit.title] > 1 else ""),
            template=template.name, template_version=str(template.version),
            sampling_plan=f"{method_text(audit, _field_label(uow, audit))}; {plan.get('sizing_text', '')}",
            selection=_selection_text(audit), confidence=sizing.get("confidence"),
            tolerable_rate=sizing.get("tolerable"), expected_rate=sizing.get("expected"),
            population=" ".join(x for x in (_population_text(audit), exclusions_text(plan)) if x),
            population_size=audit.population_size or 0,
            population_fingerprint=audit.population_fingerprint, seed=str(audit.seed),
            sample_size=int(plan.get("drawn_size", 0)), strata=strata, reserve_used=len(replaced),
            notes="; ".join(notes)))
    return tuple(out)


def redaction_terms(uow: UnitOfWork, finding_ids: Iterable[int]) -> RedactionTerms:
    """What a release copy of a pack about these findings must never show: the reference of every
    case of their audits (every round; sampled, reserve, unusable or replacement), the values of
    other reference fields (a text field keyed ``*_ref`` or labelled "... reference", e.g. a linked
    crime reference) and the values of the case fields their templates mark personal. Kept with
    the pack's snapshot, never rendered."""
    require(uow.actor, "read")
    refs: set[str] = set()
    personal: Counter[str] = Counter()
    for audit in _audits_for(uow, finding_ids):
        template = get_template(uow, audit.template_id)
        keys = [f.key for f in template.personal_fields]
        ref_keys = [f.key for f in template.fields if not f.personal and f.type == "text"
                    and (f.reference or f.key.endswith("_ref") or "reference" in f.label.lower())]
        if not keys and not ref_keys:  # only the cases' own references
            refs.update(uow.session.scalars(select(SampledCase.ref).where(SampledCase.audit_id == audit.id)))
            continue
        for case in uow.session.execute(select(SampledCase.ref, SampledCase.fields)
                                        .where(SampledCase.audit_id == audit.id)):
            refs.add(case.ref)
            values = case.fields if isinstance(case.fields, dict) else {}
            personal.update({str(values[k]).strip() for k in keys if str(values.get(k) or "").strip()})
            refs.update(str(values[k]).strip() for k in ref_keys if str(values.get(k) or "").strip())
    variants, words = personal_variants(personal.items())
    return RedactionTerms(tuple(sorted(refs)), variants, words)
