"""A finding's two status lines with their dated history, the two-step closure, carrying forward.

The rules (which moves exist) are services/finding_status.py's; this module applies them, keeps
the history (`StatusChange`), checks permissions and writes the change log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.services import finding_status as fs
from workbench.services.access import require
from workbench.store.models import (
    Action,
    ClosureProposal,
    Evidence,
    EvidenceLink,
    Finding,
    FindingLink,
    Inspection,
    StatusChange,
    utcnow,
)
from workbench.store.uow import UnitOfWork, check_version, writes


@dataclass(frozen=True)
class StatusEntry:
    line: str
    from_status: str
    to_status: str
    on: date
    comment: str
    recorded_by: str


@dataclass(frozen=True)
class ClosureInfo:
    id: int
    version: int
    finding_id: int
    finding_ref: str
    state: str  # proposed | authorised | withdrawn
    rationale: str
    evidence: tuple[str, ...]  # "#3 Dip sample May 2024"
    demonstration_from: date
    demonstration_to: date
    proposed_by: str
    proposed_on: date
    authorised_by: str | None
    authorised_on: date | None
    basis: str


@dataclass(frozen=True)
class FindingStatus:
    finding_id: int
    version: int
    source: str
    ref: str
    kind: str
    addressed_to: str
    force_status: str
    inspectorate_status: str  # one of the inspectorate's states, or "" when it has said nothing
    inspectorate_word: str  # what it printed or wrote ("Completed"), as recorded
    force_moves: tuple[str, ...]  # what a person may pick next (closure has its own steps)
    inspectorate_moves: tuple[str, ...]
    history: tuple[StatusEntry, ...]
    closure: ClosureInfo | None  # the latest proposal
    carried_forward_to: tuple[str, ...]  # "PEEL 2023-25 / AFI 4"
    carried_forward_from: tuple[str, ...]


def _finding(uow: UnitOfWork, finding_id: int) -> Finding:
    f = uow.session.get(Finding, finding_id)
    if f is None:
        raise NotFoundError(f"no finding with id {finding_id}", "see workbench register list --findings")
    return f


def _label(f: Finding) -> str:
    i = f.inspection
    return f"{i.programme or i.title} / {f.ref}"


def current_inspectorate(f: Finding) -> str:
    return fs.inspectorate_state(f.inspectorate_status or "") or ""


def _refused(exc: fs.MoveRefused, f: Finding) -> InputError:
    return InputError(f"{_label(f)}: {exc.message}", exc.hint)


def record(uow: UnitOfWork, f: Finding, line: str, to: str, on: date | None, comment: str,
           log: bool = True) -> None:
    """Set the line's status and append the history entry and log entry (rules already checked)."""
    before = f.status if line == fs.FORCE else (f.inspectorate_status or "")
    day = on or date.today()
    if line == fs.FORCE:
        f.status = to
    else:
        f.inspectorate_status, f.inspectorate_status_date = to, day
        if comment:
            f.inspectorate_status_note = comment
    uow.session.add(StatusChange(finding_id=f.id, line=line, from_status=before, to_status=to, on=day,
                                 comment=comment, recorded_by=uow.username))
    uow.session.flush()
    if log:
        uow.log("finding", f.id, f"{line}_status", {"status": before},
                {"status": to, "on": day, "comment": comment})


def note(uow: UnitOfWork, f: Finding, line: str, comment: str, on: date | None = None) -> None:
    """A history entry without a move, logged by the caller's own entry (e.g. a sign-off)."""
    now = f.status if line == fs.FORCE else (f.inspectorate_status or "")
    uow.session.add(StatusChange(finding_id=f.id, line=line, from_status=now, to_status=now, on=on or date.today(),
                                 comment=comment, recorded_by=uow.username))
    uow.session.flush()


@writes
def move(uow: UnitOfWork, finding_id: int, line: str, to: str, *, on: date | None = None, comment: str = "",
         expected_version: int | None = None) -> FindingStatus:
    """Move a finding on one status line, as the state machine allows, with the date and a comment."""
    require(uow.actor, "findings.edit")
    f = _finding(uow, finding_id)
    check_version(f, expected_version, f"finding {f.ref}")
    current = f.status if line == fs.FORCE else current_inspectorate(f)
    try:
        fs.check_move(line, current, to)
    except fs.MoveRefused as exc:
        raise _refused(exc, f) from None
    if line == fs.FORCE and current == fs.PROPOSED:
        _withdraw_open_proposal(uow, f, comment or "withdrawn")
    record(uow, f, line, to, on, (comment or "").strip())
    return status(uow, f.id)


@writes
def add_comment(uow: UnitOfWork, finding_id: int, line: str, comment: str, on: date | None = None) -> FindingStatus:
    """A dated comment on a status line, without a move."""
    require(uow.actor, "findings.edit")
    f = _finding(uow, finding_id)
    if line not in fs.LINES:
        raise InputError(f"unknown status line '{line}'", "the lines are: inspectorate, force")
    comment = (comment or "").strip()
    if not comment:
        raise InputError("the comment is empty", "write what happened")
    now = f.status if line == fs.FORCE else (f.inspectorate_status or "")
    day = on or date.today()
    uow.session.add(StatusChange(finding_id=f.id, line=line, from_status=now, to_status=now, on=day,
                                 comment=comment, recorded_by=uow.username))
    uow.session.flush()
    uow.log("finding", f.id, f"{line}_comment", None, {"on": day, "comment": comment})
    return status(uow, f.id)


# -- closure in two steps ----------------------------------------------------------------------
def _evidence_of(uow: UnitOfWork, f: Finding) -> dict[int, Evidence]:
    """Evidence linked to the finding or to one of its actions."""
    s = uow.session
    action_ids = list(s.scalars(select(Action.id).where(Action.finding_id == f.id)))
    q = select(Evidence).join(EvidenceLink, EvidenceLink.evidence_id == Evidence.id).where(
        (EvidenceLink.finding_id == f.id) | (EvidenceLink.action_id.in_(action_ids) if action_ids else False))
    return {e.id: e for e in s.scalars(q)}


def evidence_count(uow: UnitOfWork, finding_id: int) -> int:
    """How many evidence items a closure proposal for the finding would carry."""
    require(uow.actor, "read")
    return len(_evidence_of(uow, _finding(uow, finding_id)))


@writes
def propose_closure(uow: UnitOfWork, finding_id: int, rationale: str, demonstration_from: date,
                    demonstration_to: date, evidence_ids: tuple[int, ...] = (), on: date | None = None,
                    expected_version: int | None = None) -> ClosureInfo:
    """Step one: the force proposes closure with its evidence and the period that demonstrates it.

    Refused, with the reason, without evidence linked to the finding (or its actions), without a
    rationale, or with a demonstration period that has not ended by the proposal date."""
    require(uow.actor, "findings.edit")
    f = _finding(uow, finding_id)
    check_version(f, expected_version, f"finding {f.ref}")
    day = on or date.today()
    try:
        fs.check_can_propose(f.status)
    except fs.MoveRefused as exc:
        raise _refused(exc, f) from None
    linked = _evidence_of(uow, f)
    if not linked:
        raise InputError(f"{_label(f)}: closure cannot be proposed without evidence; no evidence is linked to "
                         "the finding or its actions",
                         f"attach the evidence first: workbench evidence add FILE --finding \"{f.ref}\"")
    chosen = tuple(evidence_ids) or tuple(sorted(linked))
    stray = [str(e) for e in chosen if e not in linked]
    if stray:
        raise InputError(f"{_label(f)}: evidence {', '.join('#' + e for e in stray)} is not linked to this finding",
                         f"linked evidence: {', '.join(f'#{i}' for i in sorted(linked))}")
    rationale = (rationale or "").strip()
    if not rationale:
        raise InputError(f"{_label(f)}: a closure proposal needs its rationale",
                         "say what changed and how the evidence shows it")
    if demonstration_to <= demonstration_from:
        raise InputError(f"the demonstration period {demonstration_from} to {demonstration_to} is empty",
                         "the period must end after it starts")
    if demonstration_to > day:
        raise InputError(f"the demonstration period ends on {demonstration_to}, after the proposal date {day}",
                         "propose closure once the period that demonstrates the change has passed")
    p = ClosureProposal(finding_id=f.id, state="proposed", rationale=rationale, evidence_ids=list(chosen),
                        demonstration_from=demonstration_from, demonstration_to=demonstration_to,
                        proposed_by=uow.username, proposed_on=day, basis="", recorded_by=uow.username)
    uow.session.add(p)
    uow.session.flush()
    uow.log("closure_proposal", p.id, "propose", None,
            {"finding": f.ref, "rationale": rationale, "evidence_ids": list(chosen),
             "demonstration_from": demonstration_from, "demonstration_to": demonstration_to, "on": day})
    record(uow, f, fs.FORCE, fs.PROPOSED, day, f"closure proposed: {rationale}")
    return _closure_info(uow, p, f)


@writes
def authorise_closure(uow: UnitOfWork, finding_id: int, by: str, on: date, basis: str,
                      expected_version: int | None = None) -> ClosureInfo:
    """Step two: record that the inspectorate or the committee authorised the proposed closure.

    The person recording it must not be the one who proposed it (four eyes). An authorisation by
    the inspectorate also moves its line to complete (discharged, for a cause of concern)."""
    require(uow.actor, "register.authorise")
    f = _finding(uow, finding_id)
    check_version(f, expected_version, f"finding {f.ref}")
    if by not in fs.CLOSURE_BODIES:
        raise InputError(f"unknown authorising body '{by}'", f"choose one of: {', '.join(fs.CLOSURE_BODIES)}")
    try:
        fs.check_can_authorise(f.status)
    except fs.MoveRefused as exc:
        raise _refused(exc, f) from None
    p = _open_proposal(uow, f)
    if p is None:
        raise InputError(f"{_label(f)}: no open closure proposal", "the force proposes closure first")
    if p.proposed_by == uow.username:
        raise PermissionDeniedError(f"{uow.username} proposed this closure and so cannot record its authorisation",
                                    "another reviewer or admin records what the inspectorate or committee decided")
    basis = (basis or "").strip()
    if not basis:
        raise InputError("an authorisation needs its basis", "e.g. 'committee minutes 12 March 2025, item 6'")
    if on < p.proposed_on:
        raise InputError(f"the authorisation date {on} is before the proposal ({p.proposed_on})", "check the date")
    before = {"state": p.state}
    p.state, p.authorised_by, p.authorised_on, p.basis, p.recorded_by = "authorised", by, on, basis, uow.username
    uow.session.flush()
    uow.log("closure_proposal", p.id, "authorise", before,
            {"state": p.state, "authorised_by": by, "authorised_on": on, "basis": basis})
    record(uow, f, fs.FORCE, fs.CLOSED, on, f"closure authorised by the {by}: {basis}")
    if by == "inspectorate":
        final = "discharged" if f.kind == "cause_of_concern" else "complete"
        if current_inspectorate(f) not in fs.INSPECTORATE_FINAL:
            record(uow, f, fs.INSPECTORATE, final, on, f"closure authorised: {basis}")
    return _closure_info(uow, p, f)


def _open_proposal(uow: UnitOfWork, f: Finding) -> ClosureProposal | None:
    return uow.session.scalar(select(ClosureProposal).where(
        ClosureProposal.finding_id == f.id, ClosureProposal.state == "proposed").order_by(ClosureProposal.id.desc()))


def _withdraw_open_proposal(uow: UnitOfWork, f: Finding, why: str) -> None:
    p = _open_proposal(uow, f)
    if p is None:
        return
    p.state, p.basis, p.recorded_by = "withdrawn", why, uow.username
    uow.session.flush()
    uow.log("closure_proposal", p.id, "withdraw", {"state": "proposed"}, {"state": "withdrawn", "basis": why})


def _closure_info(uow: UnitOfWork, p: ClosureProposal, f: Finding) -> ClosureInfo:
    ev = []
    for eid in p.evidence_ids or ():
        e = uow.session.get(Evidence, eid)
        ev.append(f"#{eid} {e.title}" if e is not None else f"#{eid}")
    return ClosureInfo(p.id, p.version, f.id, f.ref, p.state, p.rationale, tuple(ev), p.demonstration_from,
                       p.demonstration_to, p.proposed_by, p.proposed_on, p.authorised_by, p.authorised_on, p.basis)


def closure_proposals(uow: UnitOfWork, state: str | None = "proposed") -> list[ClosureInfo]:
    require(uow.actor, "read")
    q = select(ClosureProposal).order_by(ClosureProposal.proposed_on, ClosureProposal.id)
    if state is not None:
        q = q.where(ClosureProposal.state == state)
    return [_closure_info(uow, p, _finding(uow, p.finding_id)) for p in uow.session.scalars(q)]


# -- carried forward ----------------------------------------------------------------------------
@writes
def carry_forward(uow: UnitOfWork, earlier_id: int, later_id: int, on: date | None = None,
                  comment: str = "") -> FindingStatus:
    """Record that a later inspection carried an earlier finding forward: linked, and the earlier
    one superseded on the inspectorate's line."""
    require(uow.actor, "findings.edit")
    earlier, later = _finding(uow, earlier_id), _finding(uow, later_id)
    if earlier.inspection_id == later.inspection_id:
        raise InputError("a finding is carried forward into a later inspection, not within the same one",
                         "pick the finding of the later source")
    e_pub, l_pub = earlier.inspection.published, later.inspection.published
    e_year = e_pub.year if e_pub else earlier.inspection.year
    l_year = l_pub.year if l_pub else later.inspection.year
    if (e_pub and l_pub and l_pub < e_pub) or (e_year and l_year and l_year < e_year):
        raise InputError(f"{_label(later)} was published before {_label(earlier)}",
                         "give the earlier finding first, then the later one")
    link = uow.session.scalar(select(FindingLink).where(
        FindingLink.finding_id == later.id, FindingLink.earlier_id == earlier.id))
    before = None if link is None else {"state": link.state, "relation": link.relation}
    if link is None:
        link = FindingLink(finding_id=later.id, earlier_id=earlier.id, score=1.0, shared_terms=[])
        uow.session.add(link)
    link.state, link.relation = "accepted", "carried_forward"
    link.decided_by, link.decided_at = uow.username, utcnow()
    uow.session.flush()
    uow.log("finding_link", link.id, "carry_forward", before,
            {"state": "accepted", "relation": "carried_forward", "earlier": earlier.ref, "later": later.ref})
    note = (comment or "").strip() or f"carried forward into {_label(later)}"
    if current_inspectorate(earlier) != "superseded" and "superseded" in fs.direct_moves(
            fs.INSPECTORATE, current_inspectorate(earlier)):
        record(uow, earlier, fs.INSPECTORATE, "superseded", on or l_pub, note)
    return status(uow, earlier.id)


# -- reading ------------------------------------------------------------------------------------
def status(uow: UnitOfWork, finding_id: int) -> FindingStatus:
    require(uow.actor, "read")
    s = uow.session
    f = _finding(uow, finding_id)
    hist = tuple(StatusEntry(h.line, h.from_status, h.to_status, h.on, h.comment, h.recorded_by)
                 for h in s.scalars(select(StatusChange).where(StatusChange.finding_id == f.id)
                                    .order_by(StatusChange.id)))
    p = s.scalar(select(ClosureProposal).where(ClosureProposal.finding_id == f.id)
                 .order_by(ClosureProposal.id.desc()))
    fwd = s.execute(select(FindingLink, Finding).join(Finding, Finding.id == FindingLink.finding_id).where(
        FindingLink.earlier_id == f.id, FindingLink.relation == "carried_forward")).all()
    back = s.execute(select(FindingLink, Finding).join(Finding, Finding.id == FindingLink.earlier_id).where(
        FindingLink.finding_id == f.id, FindingLink.relation == "carried_forward")).all()
    insp = current_inspectorate(f)
    return FindingStatus(
        f.id, f.version, f.inspection.programme or f.inspection.title, f.ref, f.kind, f.addressed_to or "force",
        f.status, insp, f.inspectorate_status or "", fs.direct_moves(fs.FORCE, f.status),
        fs.direct_moves(fs.INSPECTORATE, insp), hist, _closure_info(uow, p, f) if p is not None else None,
        tuple(_label(o) for _, o in fwd), tuple(_label(o) for _, o in back))


def find_finding(uow: UnitOfWork, ref: str) -> int:
    """A finding's id from "AFI 7", "Source / Recommendation 2" or "#12"."""
    require(uow.actor, "read")
    if ref.startswith("#") and ref[1:].isdigit():
        return _finding(uow, int(ref[1:])).id
    rows = uow.session.execute(select(Finding, Inspection).join(Inspection, Finding.inspection_id == Inspection.id)
                               ).all()
    hits = [f for f, i in rows if ref in (f.ref, f"{i.programme} / {f.ref}", f"{i.title} / {f.ref}")]
    if not hits:
        raise NotFoundError(f"no finding '{ref}'", "see workbench register list --findings")
    if len(hits) > 1:
        raise InputError(f"'{ref}' names {len(hits)} findings",
                         "prefix the source, e.g. " + " or ".join(f"'{_label(f)}'" for f in hits[:3]))
    return hits[0].id
