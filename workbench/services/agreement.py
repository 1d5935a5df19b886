"""Agreement between reviewers, and between original and auditor risk grades.

* Per criterion: on the second-review dip, how often the second reviewer's answer equals the
  primary answer, with Cohen's kappa over those pairs (computed criteria are left out: a rule
  gives the same answer twice).
* Overall: all those pairs together (rate only; kappa across different questions means little).
* For a criterion with ``agreement_with`` (the DA template's auditor grade against the grade
  the officer gave, a case field): the original-versus-auditor table over every case in use
  with both grades, under- and over-grading as shares with Wilson 95 % intervals, and the
  linear-weighted kappa (the grades are ordered) with its 95 % interval beside the unweighted
  Cohen's kappa and its interval (``stats.grade_agreement``). Under-grading is the risk.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from workbench.services.access import require
from workbench.services.audits import ACTIVE_STATES, get_audit_row
from workbench.services.templates import get_template
from workbench.stats import Interval, cohen_kappa, grade_agreement
from workbench.store.models import Response, SampledCase
from workbench.store.uow import UnitOfWork
from workbench.templates.values import match_choice


@dataclass(frozen=True)
class CriterionAgreement:
    key: str
    question: str
    pairs: int
    agreed: int
    rate: float | None
    kappa: float | None


@dataclass(frozen=True)
class GradeTable:
    criterion_key: str
    field_key: str
    categories: tuple[str, ...]
    matrix: tuple[tuple[int, ...], ...]  # matrix[i][j]: original categories[i], auditor categories[j]
    n: int
    agreed: int
    under_graded: int  # original grade lower than the auditor's
    over_graded: int
    rate: float
    kappa: float | None
    missing: int  # cases in use without both grades
    kappa_interval: Interval | None = None
    weighted_kappa: float | None = None  # linear weights
    weighted_kappa_interval: Interval | None = None
    under_rate: Interval | None = None  # under-graded share, Wilson 95 %
    over_rate: Interval | None = None


@dataclass(frozen=True)
class Agreement:
    audit_id: int
    cases_reviewed: int
    criteria: tuple[CriterionAgreement, ...]
    pairs: int
    agreed: int
    rate: float | None
    grades: tuple[GradeTable, ...]


def agreement(uow: UnitOfWork, audit_id: int) -> Agreement:
    require(uow.actor, "read")
    audit = get_audit_row(uow, audit_id)
    template = get_template(uow, audit.template_id)
    cases = list(uow.session.scalars(select(SampledCase).where(
        SampledCase.audit_id == audit.id, SampledCase.state.in_(ACTIVE_STATES)).order_by(SampledCase.order)))
    ids = [c.id for c in cases]
    answers: dict[tuple[int, str, str], str] = {}
    columns = (Response.case_id, Response.criterion_key, Response.role, Response.value)
    graded = [c.key for c in template.criteria if c.agreement_with]
    if ids:  # the second answers (most audits have none), then the primary ones they pair with and
        # those of the criteria graded against a case field
        in_use = select(SampledCase.id).where(SampledCase.audit_id == audit.id,
                                              SampledCase.state.in_(ACTIVE_STATES)).scalar_subquery()
        second = uow.session.execute(select(*columns).where(
            Response.case_id.in_(in_use), Response.role == "second", Response.value.is_not(None))).all()
        twice = sorted({r.case_id for r in second})
        wanted = [w for w in (Response.case_id.in_(twice) if twice else None,  # few: those reviewed twice
                              Response.criterion_key.in_(graded) if graded else None) if w is not None]
        primary = uow.session.execute(select(*columns).where(
            Response.case_id.in_(in_use), Response.role == "primary", Response.value.is_not(None),
            or_(*wanted))).all() if wanted else []
        for r in (*second, *primary):
            answers[(r.case_id, r.criterion_key, r.role)] = r.value
    reviewed = sorted({case_id for case_id, _, role in answers if role == "second"})
    rows = []
    total_pairs = total_agreed = 0
    for c in template.criteria:
        if c.rule is not None:
            continue
        pairs = [(answers[(cid, c.key, "primary")], answers[(cid, c.key, "second")]) for cid in reviewed
                 if (cid, c.key, "primary") in answers and (cid, c.key, "second") in answers]
        if not pairs:
            continue
        agreed = sum(1 for a, b in pairs if a == b)
        kappa = cohen_kappa([a for a, _ in pairs], [b for _, b in pairs])
        rows.append(CriterionAgreement(c.key, c.question, len(pairs), agreed, agreed / len(pairs), kappa))
        total_pairs += len(pairs)
        total_agreed += agreed
    grades = []
    for c in template.criteria:
        if not c.agreement_with:
            continue
        original, auditor = [], []
        missing = 0
        for case in cases:
            given = match_choice((case.fields or {}).get(c.agreement_with) or "", c.choices)
            own = answers.get((case.id, c.key, "primary"))
            if given is None or own is None:
                missing += 1
                continue
            original.append(given)
            auditor.append(own)
        if not original:
            continue
        g = grade_agreement(original, auditor, order=c.choices)
        matrix = tuple(tuple(g.table[(o, a)] for a in c.choices) for o in c.choices)
        grades.append(GradeTable(c.key, c.agreement_with, tuple(c.choices), matrix, g.n, g.agreed,
                                 g.under_graded, g.over_graded, g.rate, g.kappa, missing, g.kappa_interval,
                                 g.weighted_kappa, g.weighted_kappa_interval, g.under_rate, g.over_rate))
    return Agreement(audit.id, len(reviewed), tuple(rows), total_pairs, total_agreed,
                     total_agreed / total_pairs if total_pairs else None, tuple(grades))
