"""Self-assessments per finding, and their review: four-eyes sign-off with a passphrase.

States: draft -> submitted -> approved, or submitted -> returned -> (edited) -> submitted again.
An approved assessment is not edited: `reopen_assessment` starts a new draft, keeping the
review history (and the change log keeps every earlier narrative).

The finding's status follows the steps: submitted -> "ready for review"; approved -> the status the
self-assessment proposed (an approved proposal of "in progress" leaves the finding in progress, it
does not sign it off); returned -> "in progress". Status and readiness never contradict each other
silently: `status_warnings` says when a status that claims the work is done ("signed off",
"closed…") or the readiness the preparer stated disagrees with the readiness the workbench rates,
and an approval records those warnings in its change-log entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from workbench.errors import InputError, NotFoundError, PermissionDeniedError, WorkbenchError
from workbench.reports.pack_data import READINESS_LEVELS
from workbench.services import finding_status, register_status
from workbench.services.access import Decision, allowed, require
from workbench.services.authorship import authors_of
from workbench.services.change_words import person_name
from workbench.services.settings import finding_statuses
from workbench.services.signing_identity import confirm_passphrase
from workbench.store.models import Finding, SelfAssessment, SignOff, User, utcnow
from workbench.store.uow import UnitOfWork, check_version, writes

EDITABLE_STATES = ("draft", "returned")
# the force's status line (services/finding_status.py): submitted and signed-off self-assessments
# both leave the finding "pending sign-off" until the force proposes its closure with evidence
STATUS_SUBMITTED = finding_status.PENDING_SIGN_OFF
STATUS_APPROVED = finding_status.PENDING_SIGN_OFF
STATUS_REWORK = finding_status.IN_PROGRESS
_SUBMIT_FROM = ("awaiting allocation", "in progress")
#: words of a status that says the work on the finding is done
DONE_WORDS = ("proposed for closure", "closed", "complete", "discharged")


def status_on_approval(proposed: str) -> str:
    """The force status a signed-off self-assessment gives its finding: what it proposed, except that
    closure takes its own two steps (propose with evidence, then authorise), so a self-assessment that
    proposed closure leaves the finding pending sign-off, and one still awaiting allocation is in progress."""
    if proposed in (finding_status.PROPOSED, finding_status.CLOSED):
        return finding_status.PENDING_SIGN_OFF
    if proposed == finding_status.FORCE_START:
        return finding_status.IN_PROGRESS
    return proposed


class AssessmentStateError(WorkbenchError):
    """The self-assessment is not in a state that allows this step."""


@dataclass(frozen=True)
class ReviewInfo:
    reviewer: str
    decision: str  # approved | returned
    comment: str
    at: datetime
    reviewer_name: str = ""  # the person's name ("Rita Reviewer"), else their user name


@dataclass(frozen=True)
class AssessmentInfo:
    id: int
    version: int
    finding_id: int
    finding_ref: str
    finding_title: str
    narrative: str
    proposed_status: str
    readiness: str
    preparer: str
    state: str  # draft | submitted | returned | approved
    submitted_at: datetime | None
    history: tuple[ReviewInfo, ...] = ()
    #: everyone who wrote any version of it (none of them may review it)
    authors: tuple[str, ...] = ()
    #: the preparer's name as people read it ("Olly Officer"), else their user name
    preparer_name: str = ""

    @property
    def last_review(self) -> ReviewInfo | None:
        return self.history[-1] if self.history else None


def _finding(uow: UnitOfWork, finding_id: int) -> Finding:
    f = uow.session.get(Finding, finding_id)
    if f is None:
        raise NotFoundError(f"no finding with id {finding_id}", "see workbench findings for the references")
    return f


def _assessment(uow: UnitOfWork, finding_id: int) -> tuple[Finding, SelfAssessment]:
    f = _finding(uow, finding_id)
    sa = uow.session.scalar(select(SelfAssessment).where(SelfAssessment.finding_id == f.id))
    if sa is None:
        raise NotFoundError(f"{f.ref} has no self-assessment yet",
                            f"draft one with: workbench assessment save \"{f.ref}\" --narrative TEXT")
    return f, sa


def _names(uow: UnitOfWork, usernames: set[str]) -> dict[str, str]:
    """The person's name of each user ("Olly Officer"; change_words.person_name), else the user name."""
    rows = uow.session.execute(select(User.username, User.display_name).where(User.username.in_(sorted(usernames))))
    found = {username: person_name(display, username) for username, display in rows}
    return {u: found.get(u, u) for u in usernames}


def _info(uow: UnitOfWork, f: Finding, sa: SelfAssessment) -> AssessmentInfo:
    rows = list(uow.session.scalars(select(SignOff).where(SignOff.self_assessment_id == sa.id)
                                    .order_by(SignOff.at, SignOff.id)))
    names = _names(uow, {sa.preparer, *(r.reviewer for r in rows)})
    history = tuple(ReviewInfo(r.reviewer, r.decision, r.comment, r.at, names[r.reviewer]) for r in rows)
    return AssessmentInfo(sa.id, sa.version, f.id, f.ref, f.title, sa.narrative, sa.proposed_status,
                          sa.readiness, sa.preparer, sa.state, sa.submitted_at, history,
                          tuple(sorted(assessment_authors(uow, f, sa))), names[sa.preparer])


def _set_finding_status(uow: UnitOfWork, f: Finding, status: str, only_from: tuple[str, ...] | None = None,
                        comment: str = "") -> None:
    if f.status == status or (only_from is not None and f.status not in only_from):
        if comment and f.status == status:
            register_status.note(uow, f, finding_status.FORCE, comment)
        return
    before = f.status
    register_status.record(uow, f, finding_status.FORCE, status, None, comment, log=False)
    uow.log("finding", f.id, "update", {"status": before}, {"status": status})


def _require_state(f: Finding, sa: SelfAssessment, allowed: tuple[str, ...], doing: str) -> None:
    if sa.state in allowed:
        return
    hints = {
        "approved": f"it was signed off; start a new version with: workbench assessment reopen \"{f.ref}\"",
        "submitted": "it is with a reviewer; they can return it for changes",
        "draft": f"submit it first with: workbench assessment submit \"{f.ref}\"",
        "returned": f"it was returned; edit and submit it again (workbench assessment submit \"{f.ref}\")",
    }
    raise AssessmentStateError(f"cannot {doing} the self-assessment for {f.ref}: it is {sa.state}",
                               hints.get(sa.state, ""))


def assessment_authors(uow: UnitOfWork, f: Finding, sa: SelfAssessment) -> set[str]:
    """Everyone who wrote any version of the self-assessment (the change log), and its last saver."""
    return authors_of(uow, "assessment", f.id) | {sa.preparer}


def _require_not_preparer(uow: UnitOfWork, f: Finding, sa: SelfAssessment, doing: str) -> None:
    """Four eyes: nobody who authored the self-assessment (at any time, not only the last saver) reviews it."""
    if uow.username in assessment_authors(uow, f, sa):
        own = "prepared" if sa.preparer == uow.username else "wrote part of"
        raise PermissionDeniedError(
            f"four-eyes rule: {uow.username} {own} the self-assessment for {f.ref} and so cannot "
            f"{doing} it", "a reviewer who did not write any of it must review it")


# -- preparing --------------------------------------------------------------------------------
@writes
def save_assessment(uow: UnitOfWork, finding_id: int, narrative: str, proposed_status: str, readiness: str = "",
                    expected_version: int | None = None) -> AssessmentInfo:
    """Create or edit the draft (or returned) self-assessment; the actor becomes its preparer."""
    require(uow.actor, "assessment.prepare")
    f = _finding(uow, finding_id)
    statuses = finding_statuses(uow)
    if proposed_status not in statuses:
        raise InputError(f"unknown proposed status '{proposed_status}'", f"choose one of: {', '.join(statuses)}")
    if readiness and readiness not in READINESS_LEVELS:
        raise InputError(f"unknown readiness '{readiness}'", f"choose one of: {', '.join(READINESS_LEVELS)}")
    narrative = (narrative or "").strip()
    sa = uow.session.scalar(select(SelfAssessment).where(SelfAssessment.finding_id == f.id))
    if sa is None:
        sa = SelfAssessment(finding_id=f.id, narrative=narrative, proposed_status=proposed_status,
                            readiness=readiness, preparer=uow.username, state="draft")
        uow.session.add(sa)
        uow.session.flush()
        uow.log("assessment", f.id, "create", None, {"finding": f.ref, "narrative": narrative,
                                                      "proposed_status": proposed_status, "readiness": readiness})
        return _info(uow, f, sa)
    check_version(sa, expected_version, f"the self-assessment for {f.ref}")
    _require_state(f, sa, EDITABLE_STATES, "edit")
    fields = {"narrative": narrative, "proposed_status": proposed_status, "readiness": readiness,
              "preparer": uow.username}
    before = {k: getattr(sa, k) for k in fields}
    for k, v in fields.items():
        setattr(sa, k, v)
    uow.session.flush()
    uow.log("assessment", f.id, "edit", before, fields)
    return _info(uow, f, sa)


@writes
def submit_assessment(uow: UnitOfWork, finding_id: int) -> AssessmentInfo:
    """Send it for review; the finding becomes "pending sign-off"."""
    require(uow.actor, "assessment.prepare")
    f, sa = _assessment(uow, finding_id)
    _require_state(f, sa, EDITABLE_STATES, "submit")
    if not sa.narrative.strip():
        raise InputError(f"the self-assessment for {f.ref} has no narrative",
                         "write what has changed, and the evidence for it, before submitting")
    before = sa.state
    sa.state, sa.submitted_at = "submitted", utcnow()
    uow.session.flush()
    uow.log("assessment", f.id, "submit", {"state": before}, {"state": "submitted", "preparer": sa.preparer})
    _set_finding_status(uow, f, STATUS_SUBMITTED, only_from=_SUBMIT_FROM, comment="self-assessment submitted")
    return _info(uow, f, sa)


# -- reviewing --------------------------------------------------------------------------------
@writes
def approve_assessment(uow: UnitOfWork, finding_id: int, passphrase: str, comment: str = "") -> AssessmentInfo:
    """Sign off a submitted assessment: a reviewer other than the preparer, with their passphrase.

    A wrong passphrase is refused and the refusal is kept in the change log.
    """
    require(uow.actor, "assessment.review")
    f, sa = _assessment(uow, finding_id)
    _require_state(f, sa, ("submitted",), "approve")
    _require_not_preparer(uow, f, sa, "approve")
    confirm_passphrase(uow, passphrase, "assessment", f.id, "approve")
    outcome = _approval_outcome(uow, f, sa)  # what the reviewer was shown before signing
    return _decide(uow, f, sa, "approved", comment.strip(), warnings=outcome.warnings, status=outcome.status)


@writes
def return_assessment(uow: UnitOfWork, finding_id: int, comment: str) -> AssessmentInfo:
    """Send a submitted assessment back to its preparer, saying what to change."""
    require(uow.actor, "assessment.review")
    f, sa = _assessment(uow, finding_id)
    _require_state(f, sa, ("submitted",), "return")
    _require_not_preparer(uow, f, sa, "return")
    comment = (comment or "").strip()
    if not comment:
        raise InputError(f"returning the self-assessment for {f.ref} needs a comment",
                         "say what the preparer should change")
    return _decide(uow, f, sa, "returned", comment)


def _decide(uow: UnitOfWork, f: Finding, sa: SelfAssessment, decision: str, comment: str,
            warnings: tuple[str, ...] = (), status: str = "") -> AssessmentInfo:
    uow.session.add(SignOff(self_assessment_id=sa.id, reviewer=uow.username, decision=decision, comment=comment,
                            at=utcnow()))
    sa.state = decision
    uow.session.flush()
    uow.log("assessment", f.id, "approve" if decision == "approved" else "return", {"state": "submitted"},
            {"state": decision, "reviewer": uow.username, "preparer": sa.preparer, "comment": comment,
             **({"status": sa.proposed_status} if decision == "approved" else {}),
             **({"warnings": list(warnings)} if warnings else {})})
    if decision == "approved":
        _set_finding_status(uow, f, status,  # status_on_approval: what was proposed, closure in its own steps
                            comment=f"self-assessment signed off by {uow.username}")
    else:
        _set_finding_status(uow, f, STATUS_REWORK, only_from=(STATUS_SUBMITTED,),
                            comment="self-assessment returned")
    return _info(uow, f, sa)


@writes
def reopen_assessment(uow: UnitOfWork, finding_id: int) -> AssessmentInfo:
    """Start a new version of an approved assessment (back to draft); the review history stays."""
    require(uow.actor, "assessment.prepare")
    f, sa = _assessment(uow, finding_id)
    _require_state(f, sa, ("approved",), "reopen")
    sa.state, sa.submitted_at = "draft", None
    uow.session.flush()
    uow.log("assessment", f.id, "reopen", {"state": "approved", "narrative": sa.narrative},
            {"state": "draft"})
    if f.status == STATUS_APPROVED or claims_done(f.status):  # the new version is work in progress again
        _set_finding_status(uow, f, STATUS_REWORK, comment="self-assessment reopened")
    return _info(uow, f, sa)


# -- status and readiness ----------------------------------------------------------------------
def claims_done(status: str) -> bool:
    """Whether a finding status says the work on it is done (e.g. "signed off", "closed by inspectorate")."""
    low = (status or "").casefold()
    return any(word in low for word in DONE_WORDS)


def _warnings(uow: UnitOfWork, f: Finding, sa: SelfAssessment | None, status: str,
              proposal: bool = False) -> tuple[str, ...]:
    """`proposal`: `status` is what the self-assessment proposes, not the status the finding takes."""
    from workbench.services.readiness import assess_readiness

    readiness = assess_readiness(uow, f.id)
    why = "; ".join(readiness.reasons[:4])
    out = []
    if claims_done(status) and readiness.rating != "ready":
        said = f"The self-assessment proposes '{status}', which says" if proposal else f"The status '{status}' says"
        out.append(f"{said} the work on {f.ref} is done, but the workbench rates it {readiness.rating}: {why}.")
    if sa is not None and sa.readiness and sa.readiness != readiness.rating:
        out.append(f"The self-assessment says {f.ref} is {sa.readiness}; the workbench rates it "
                   f"{readiness.rating}: {why}.")
    return tuple(out)


def status_warnings(uow: UnitOfWork, finding_id: int, status: str | None = None) -> tuple[str, ...]:
    """Where the finding's status (or `status`, e.g. the one a self-assessment proposes) and its
    readiness disagree, in words; empty when they agree."""
    require(uow.actor, "read")
    f = _finding(uow, finding_id)
    sa = uow.session.scalar(select(SelfAssessment).where(SelfAssessment.finding_id == f.id))
    return _warnings(uow, f, sa, f.status if status is None else status)


# -- what a step will do, said before it is taken (the window's confirmations ask here) -----------
@dataclass(frozen=True)
class ApprovalOutcome:
    """What approving the submitted self-assessment will do: `status` is the force status its
    finding takes (`status_on_approval` of what it proposes, the status the approval applies),
    `consequence` says so in words, `warnings` are what the approval records (status_warnings)."""

    proposed: str
    status: str
    consequence: str
    warnings: tuple[str, ...]


def _approval_outcome(uow: UnitOfWork, f: Finding, sa: SelfAssessment) -> ApprovalOutcome:
    proposed = sa.proposed_status
    status = status_on_approval(proposed)
    becomes = (f"The finding's status stays '{status}'" if f.status == status
               else f"The finding's status becomes '{status}'")
    if status == proposed:
        why = ", as the self-assessment proposes."
    elif proposed in (finding_status.PROPOSED, finding_status.CLOSED):
        why = (f", not '{proposed}' as the self-assessment proposes: closure takes its own two steps "
               "(proposing it with evidence, then authorising it).")
    else:
        why = (f", not '{proposed}' as the self-assessment proposes: a finding whose self-assessment is "
               "signed off is being worked on.")
    # where the proposal and the readiness disagree; of the proposal, when the finding takes another status
    warnings = _warnings(uow, f, sa, proposed, proposal=status != proposed)
    return ApprovalOutcome(proposed, status, becomes + why, warnings)


def approval_outcome(uow: UnitOfWork, finding_id: int) -> ApprovalOutcome:
    """What approving the finding's self-assessment will do, for the reviewer to read before signing."""
    require(uow.actor, "read")
    f, sa = _assessment(uow, finding_id)
    return _approval_outcome(uow, f, sa)


def _able_reviewers(uow: UnitOfWork, authors: set[str]) -> tuple[str, ...]:
    """The active reviewers who wrote none of it (four eyes)."""
    return tuple(uow.session.scalars(
        select(User.username).where(User.role == "reviewer", User.active, User.username.not_in(sorted(authors)))
        .order_by(User.username)))


def _nobody_can_review(uow: UnitOfWork) -> str:
    """Why no reviewer can review it, and what to do (when `_able_reviewers` is empty)."""
    any_reviewer = uow.session.scalar(select(User.username).where(User.role == "reviewer", User.active))
    why = ("every active reviewer wrote part of it (four eyes)" if any_reviewer
           else "this workspace has no active reviewer")
    return (f"nobody can review it yet: {why}. An admin adds a reviewer (Workspace > Users, role reviewer) or "
            "gives someone who did not write it the reviewer role.")


@dataclass(frozen=True)
class SubmitOutcome:
    """What submitting the finding's self-assessment will do: the force status its finding takes,
    the reviewers who could then review it, and `consequence`, all of it in words."""

    status: str
    reviewers: tuple[str, ...]
    consequence: str


def submit_outcome(uow: UnitOfWork, finding_id: int, saving: bool = False) -> SubmitOutcome:
    """What `submit_assessment` will do (`saving`: the acting user saves their text first, and so
    becomes one of its authors). The finding's status moves as `submit_assessment` moves it."""
    require(uow.actor, "read")
    f = _finding(uow, finding_id)
    sa = uow.session.scalar(select(SelfAssessment).where(SelfAssessment.finding_id == f.id))
    authors = (assessment_authors(uow, f, sa) if sa is not None else set()) | ({uow.username} if saving else set())
    reviewers = _able_reviewers(uow, authors)
    status = STATUS_SUBMITTED if f.status in _SUBMIT_FROM else f.status
    names = _names(uow, set(reviewers))
    goes = (f"It goes to a reviewer ({', '.join(names[r] for r in reviewers)} can approve or return it) and cannot "
            "be edited until they return it" if reviewers
            else f"It cannot be edited until a reviewer returns it, but {_nobody_can_review(uow)}")
    moves = (f"the finding's status becomes '{status}'" if status != f.status
             else f"the finding's status stays '{status}'")
    return SubmitOutcome(status, reviewers, f"{goes.rstrip('.')}; {moves}.")


# -- reading ----------------------------------------------------------------------------------
def get_assessment(uow: UnitOfWork, finding_id: int) -> AssessmentInfo:
    require(uow.actor, "read")
    f, sa = _assessment(uow, finding_id)
    return _info(uow, f, sa)


def list_assessments(uow: UnitOfWork, state: str | None = None) -> list[AssessmentInfo]:
    require(uow.actor, "read")
    q = select(SelfAssessment, Finding).join(Finding, SelfAssessment.finding_id == Finding.id)
    if state is not None:
        q = q.where(SelfAssessment.state == state)
    rows = uow.session.execute(q.order_by(Finding.inspection_id, Finding.position, Finding.id)).all()
    return [_info(uow, f, sa) for sa, f in rows]


# -- who may review, and why not (for the window's controls) -------------------------------------
@dataclass(frozen=True)
class ReviewDecision:
    """Whether the acting user may approve or return a finding's self-assessment now, and where it stands.

    `decision` is the same checks approval makes (role and proof, state, four eyes) as a Decision;
    `reviewers` are the active reviewers who wrote none of it; `note` says in words where it stands
    for this user (who can review it, or that nobody can yet and what to do)."""

    decision: Decision
    reviewers: tuple[str, ...]
    note: str


def review_decision(uow: UnitOfWork, finding_id: int) -> ReviewDecision:
    require(uow.actor, "read")
    f, sa = _assessment(uow, finding_id)
    authors = assessment_authors(uow, f, sa)
    reviewers = _able_reviewers(uow, authors)
    decision = allowed(uow.actor, "assessment.review")
    if decision:
        try:
            _require_state(f, sa, ("submitted",), "review")
            _require_not_preparer(uow, f, sa, "review")
        except WorkbenchError as exc:
            decision = Decision.refused(exc)
    if sa.state != "submitted":
        note = ""
    elif decision:
        note = "Approve it with your sign-off passphrase, or return it with a comment."
    elif uow.username in authors and uow.actor is not None and uow.actor.role == "reviewer":
        note = "You wrote part of this self-assessment, so another reviewer must review it (four eyes)."
    elif reviewers:
        note = f"With a reviewer: {', '.join(reviewers)} can approve or return it."
    else:
        note = f"Submitted, but {_nobody_can_review(uow)}"
    return ReviewDecision(decision, reviewers, note)
