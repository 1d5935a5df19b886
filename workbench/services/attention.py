"""What needs attention this week: overdue and due actions, PCC responses, source deadlines,
Engage dates, closures awaiting authorisation, audits due, evidence requests overdue or due,
evidence expired or expiring. Each item names the record it points to.

Each kind of item comes from one provider (a function of the unit of work and the week) in
`PROVIDERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from workbench.services import finding_status as fs
from workbench.services.access import require
from workbench.services.change_words import person_name
from workbench.services.register import PCC_RESPONSE_SOURCES, SOURCE_TYPES, pcc_response_due
from workbench.store.models import (
    Action,
    ClosureProposal,
    Evidence,
    EvidenceLink,
    EvidenceRequest,
    Finding,
    Inspection,
    User,
)
from workbench.store.uow import UnitOfWork

OVERDUE = "overdue"
DUE = "due"


@dataclass(frozen=True)
class RecordRef:
    """The record an item points to: entity ("finding", "source", "action", "audit", ...) and its id."""

    entity: str
    id: int
    label: str


@dataclass(frozen=True)
class AttentionItem:
    kind: str  # action | pcc_response | source_deadline | improvement_plan | revisit | closure | audit |
    #            finding_target | request | evidence_expiry
    urgency: str  # overdue | due
    due: date
    title: str
    detail: str
    record: RecordRef


@dataclass(frozen=True)
class Week:
    today: date
    until: date  # the last day counted as "this week"

    def urgency(self, due: date) -> str | None:
        if due < self.today:
            return OVERDUE
        if due <= self.until:
            return DUE
        return None


Provider = Callable[[UnitOfWork, Week], Iterable[AttentionItem]]


def _days(d: date, today: date) -> str:
    n = (d - today).days
    if n < 0:
        return f"{-n} day{'s' if n != -1 else ''} overdue"
    if n == 0:
        return "due today"
    return f"due in {n} day{'s' if n != 1 else ''}"


def _source_label(i: Inspection) -> str:
    return i.title or i.programme


def _actions(uow: UnitOfWork, week: Week) -> Iterable[AttentionItem]:
    rows = uow.session.execute(select(Action, Finding).join(Finding, Finding.id == Action.finding_id).where(
        Action.status != "done", Action.due_date.is_not(None), Action.due_date <= week.until))
    for a, f in rows:
        assert a.due_date is not None
        urgency = week.urgency(a.due_date)
        if urgency:
            yield AttentionItem("action", urgency, a.due_date, f"Action for {f.ref}: {a.title}",
                                f"{_days(a.due_date, week.today)}; owner {a.owner or 'not named'}; {a.status}",
                                RecordRef("action", a.id, f"{f.ref} / action {a.id}"))


def _sources(uow: UnitOfWork, week: Week) -> Iterable[AttentionItem]:
    for i in uow.session.scalars(select(Inspection)):
        st = i.source_type or "peel"
        ref = RecordRef("source", i.id, _source_label(i))
        due = pcc_response_due(st, i.published)
        if due is not None and i.pcc_response_date is None and st in PCC_RESPONSE_SOURCES:
            urgency = week.urgency(due)
            if urgency:
                yield AttentionItem("pcc_response", urgency, due, f"PCC's 56-day response: {_source_label(i)}",
                                    f"{_days(due, week.today)} (published {i.published:%d %b %Y}); "
                                    "no response recorded yet", ref)
        still_open = uow.session.scalar(select(Finding.id).where(
            Finding.inspection_id == i.id, Finding.status != fs.CLOSED).limit(1)) is not None
        for kind, when, what in (("source_deadline", i.deadline, "deadline"),
                                 ("improvement_plan", i.improvement_plan_deadline, "improvement-plan deadline"),
                                 ("revisit", i.revisit_date, "revisit")):
            if when is None or not still_open:
                continue
            urgency = week.urgency(when)
            if urgency and not (kind == "revisit" and urgency == OVERDUE):  # a past revisit has happened
                yield AttentionItem(kind, urgency, when, f"{what.capitalize()}: {_source_label(i)}",
                                    f"{_days(when, week.today)}; {SOURCE_TYPES.get(st, st)}", ref)


def _findings(uow: UnitOfWork, week: Week) -> Iterable[AttentionItem]:
    rows = uow.session.execute(select(Finding, Inspection).join(Inspection, Inspection.id == Finding.inspection_id)
                               .where(Finding.status != fs.CLOSED, Finding.target_date.is_not(None),
                                      Finding.target_date <= week.until))
    for f, i in rows:
        assert f.target_date is not None
        urgency = week.urgency(f.target_date)
        if urgency:
            yield AttentionItem("finding_target", urgency, f.target_date, f"Target date: {f.ref} ({_source_label(i)})",
                                f"{_days(f.target_date, week.today)}; the force's status is {f.status}",
                                RecordRef("finding", f.id, f"{i.programme} / {f.ref}"))


def _closures(uow: UnitOfWork, week: Week) -> Iterable[AttentionItem]:
    rows = uow.session.execute(select(ClosureProposal, Finding).join(Finding, Finding.id == ClosureProposal.finding_id)
                               .where(ClosureProposal.state == "proposed", ClosureProposal.proposed_on <= week.today))
    people = {u.username: person_name(u.display_name, u.username) for u in uow.session.scalars(select(User))}
    for p, f in rows:
        yield AttentionItem("closure", DUE, p.proposed_on, f"Closure proposed: {f.ref}",
                            f"proposed by {people.get(p.proposed_by, p.proposed_by)} on {p.proposed_on:%d %b %Y}; awaiting the inspectorate's "
                            "or the committee's authorisation", RecordRef("finding", f.id, f.ref))


def _planned_audits(uow: UnitOfWork, week: Week) -> Iterable[AttentionItem]:
    from workbench.services.assurance_plan import all_occurrences

    for p, occ in all_occurrences(uow):
        if occ.audit_id is not None:
            continue
        urgency = OVERDUE if occ.due < week.today else (DUE if occ.month <= week.until else None)
        if urgency:
            focus = f" — {occ.focus}" if occ.focus else ""
            yield AttentionItem("audit", urgency, occ.due, f"Planned audit: {p.title}{focus} ({occ.month:%b %Y})",
                                f"{_days(occ.due, week.today)}; owner {p.owner or 'not named'}; not started",
                                RecordRef("planned_audit", p.id, f"{p.title} {occ.key}"))


def _requests(uow: UnitOfWork, week: Week) -> Iterable[AttentionItem]:
    """Open evidence requests past their due date, or due this week; each opens its finding."""
    rows = uow.session.execute(select(EvidenceRequest, Finding).join(Finding, Finding.id == EvidenceRequest.finding_id)
                               .where(EvidenceRequest.status == "open", EvidenceRequest.due_on <= week.until))
    for r, f in rows:
        urgency = week.urgency(r.due_on)
        if urgency:
            needed = r.what_needed if len(r.what_needed) <= 60 else r.what_needed[:59] + "…"
            yield AttentionItem("request", urgency, r.due_on, f"Evidence request for {f.ref}: {needed}",
                                f"{_days(r.due_on, week.today)}; asked of {r.owner}; request {r.id}",
                                RecordRef("finding", f.id, f"{f.ref} / request {r.id}"))


def _expiring_evidence(uow: UnitOfWork, week: Week) -> Iterable[AttentionItem]:
    """Evidence that has expired, or expires this week, while a finding it supports is not closed."""
    rows = uow.session.scalars(select(Evidence).where(Evidence.expires_on.is_not(None),
                                                      Evidence.expires_on <= week.until))
    for e in rows:
        assert e.expires_on is not None
        finding = _open_finding_of(uow, e.id)
        if finding is None:
            continue
        expired = e.expires_on <= week.today
        when = "expired on " + e.expires_on.strftime("%d %b %Y") if expired else _days(e.expires_on, week.today)
        yield AttentionItem("evidence_expiry", OVERDUE if expired else DUE, e.expires_on,
                            f"Evidence {'expired' if expired else 'expiring'}: {e.title} ({finding.ref})",
                            f"{when}; renew it or set a new expiry date; evidence {e.id}",
                            RecordRef("finding", finding.id, f"{finding.ref} / evidence {e.id}"))


def _open_finding_of(uow: UnitOfWork, evidence_id: int) -> Finding | None:
    """The first finding the evidence supports (directly or through an action) that is not closed."""
    links = uow.session.scalars(select(EvidenceLink).where(EvidenceLink.evidence_id == evidence_id)
                                .order_by(EvidenceLink.id))
    for li in links:
        fid = li.finding_id
        if fid is None and li.action_id is not None:
            action = uow.session.get(Action, li.action_id)
            fid = action.finding_id if action else None
        f = uow.session.get(Finding, fid) if fid is not None else None
        if f is not None and f.status != fs.CLOSED:
            return f
    return None


#: each provider adds one kind of item
PROVIDERS: list[Provider] = [_actions, _sources, _findings, _closures, _planned_audits, _requests,
                             _expiring_evidence]


def needs_attention(uow: UnitOfWork, today: date | None = None, days: int = 7) -> list[AttentionItem]:
    """Everything overdue, and everything due from `today` to `days` ahead, most urgent first."""
    require(uow.actor, "read")
    day = today or date.today()
    week = Week(day, day + timedelta(days=days))
    items = [item for provider in PROVIDERS for item in provider(uow, week)]
    return sorted(items, key=lambda x: (x.urgency != OVERDUE, x.due, x.kind, x.title))
