"""Audit scores and sampling methods as the plain pack data the PDF and Excel writers render.

Each finding's pack section shows the latest scored round of every audit series mapped to it
(earlier rounds appear on its trend, after the inspection baseline). A round without a target
cannot be green: it is shown amber with the reason saying no target is set.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from workbench.reports.pack_data import (
    AgreementTable,
    AuditMethod,
    AuditResult,
    CaseRow,
    CriterionRow,
    RateWithInterval,
    StratumRow,
    TrendPoint,
)
from workbench.services.population_exclusions import methodology_text as exclusions_text
from workbench.services.access import require
from workbench.services.agreement import agreement
from workbench.services.scoring import AuditScore, CaseScore, pct, score_audit
from workbench.services.templates import get_template
from workbench.store.models import Audit, SampledCase, audit_findings
from workbench.store.uow import UnitOfWork


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


def _case_row(case: CaseScore) -> CaseRow:
    notes = [f"{k}: {v}" for k, v in case.comments.items()]
    if case.status == "incomplete":
        notes.insert(0, "incomplete: " + ", ".join(case.missing) + " not answered")
    return CaseRow(case.ref, case.stratum or "", case.status == "compliant", dict(case.answers), "; ".join(notes))


def _notable(case: CaseScore) -> CaseRow:
    notes = []
    for key in case.failed:
        why = case.comments.get(key) or case.workings.get(key) or ""
        notes.append(f"{key} not met" + (f": {why}" if why else ""))
    notes += [f"{k}: {v}" for k, v in case.comments.items() if k not in case.failed]
    return CaseRow(case.ref, case.stratum or "", False, dict(case.answers), "; ".join(notes))


def _agreement_table(uow: UnitOfWork, audit_id: int) -> AgreementTable | None:
    grades = agreement(uow, audit_id).grades
    if not grades:
        return None
    g = grades[0]
    return AgreementTable(g.categories, g.matrix, g.kappa, g.rate)


def _result(uow: UnitOfWork, audit: Audit, score: AuditScore) -> AuditResult:
    assert score.estimate is not None
    est = score.estimate
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
        rag, reason = "amber", f"{reason}; without a target it cannot be rated green"
    return AuditResult(
        title=score.title, template=score.template_name, template_version=str(score.template_version),
        round=score.round, method=method_text(audit, _field_label(uow, audit)),
        sample_size=score.cases_in_use, seed=str(audit.seed), population=_population_text(audit),
        population_fingerprint=audit.population_fingerprint,
        compliance=RateWithInterval(score.compliant, score.complete, est.point, est.low, est.high),
        baseline=baseline,
        difference_text=(score.comparison if score.baseline is not None
                         else f"no inspection baseline; {pct(est.point)} in this round"),
        target=score.target, rag=rag, rag_reason=reason,
        criteria=tuple(CriterionRow(c.key, c.question, c.critical, c.met, c.applicable,
                                    *((c.interval.point, c.interval.low, c.interval.high) if c.interval
                                      else (None, None, None))) for c in score.criteria),
        strata=tuple(StratumRow(s.name, s.population, s.sample, s.compliant, s.weight,
                                *((s.interval.point, s.interval.low, s.interval.high) if s.interval
                                  else (None, None, None))) for s in score.strata),
        cases=tuple(_case_row(c) for c in score.cases),
        notable_cases=tuple(_notable(c) for c in score.cases if c.status == "not compliant"),
        trend=tuple(trend),
        agreement=_agreement_table(uow, audit.id),
    )


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
                "priorities form the reserve list (docs/sampling.md)")
    within = " within each stratum (largest-remainder allocation)" if plan.get("method") == "stratified" else ""
    return (f"{priority}; the {n} cases with the smallest priorities{within} form the sample and the next "
            f"{r} the reserve list, whatever the row order of the extract (docs/sampling.md)")


def audit_methods(uow: UnitOfWork, finding_ids: Iterable[int]) -> tuple[AuditMethod, ...]:
    require(uow.actor, "read")
    out = []
    for audit in _audits_for(uow, finding_ids):
        if audit.seed is None:
            continue
        plan = audit.plan or {}
        sizing = plan.get("sizing") or {}
        template = get_template(uow, audit.template_id)
        cases = list(uow.session.scalars(select(SampledCase).where(SampledCase.audit_id == audit.id)
                                         .order_by(SampledCase.order)))
        by_id = {c.id: c for c in cases}
        replaced = [c for c in cases if c.state == "replacement"]
        notes = [f"{by_id[c.replaces_id].ref} unusable ({by_id[c.replaces_id].unusable_reason}), replaced by {c.ref}"
                 for c in replaced if c.replaces_id in by_id]
        strata = tuple(f"{name}: {v.get('population', 0):,} cases, {v.get('sample', 0)} sampled, "
                       f"{v.get('reserve', 0)} in reserve" for name, v in sorted((audit.population_strata or {}).items()))
        out.append(AuditMethod(
            audit_title=audit.title, template=template.name, template_version=str(template.version),
            sampling_plan=f"{method_text(audit, _field_label(uow, audit))}; {plan.get('sizing_text', '')}",
            selection=_selection_text(audit), confidence=sizing.get("confidence"),
            tolerable_rate=sizing.get("tolerable"), expected_rate=sizing.get("expected"),
            population=" ".join(x for x in (_population_text(audit), exclusions_text(plan)) if x),
            population_size=audit.population_size or 0,
            population_fingerprint=audit.population_fingerprint, seed=str(audit.seed),
            sample_size=int(plan.get("drawn_size", 0)), strata=strata, reserve_used=len(replaced),
            notes="; ".join(notes)))
    return tuple(out)
