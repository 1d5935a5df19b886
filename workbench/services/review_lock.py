"""What a self-assessment with a reviewer, or signed off, rests on cannot be taken away.

A finding's evidence and actions are what its self-assessment points to. While the
self-assessment is submitted (a reviewer is looking at it) or approved (a reviewer signed it off),
unlinking its evidence or removing one of its actions would change what the reviewer judged
without them knowing, so it is refused; adding more is always allowed. Return or reopen the
self-assessment first (`workbench assessment return|reopen`).
"""

from __future__ import annotations

from sqlalchemy import select

from workbench.errors import WorkbenchError
from workbench.store.models import Finding, SelfAssessment
from workbench.store.uow import UnitOfWork

LOCKING_STATES = {
    "submitted": ("it is with a reviewer", "ask the reviewer to return it first"),
    "approved": ("a reviewer signed it off", 'reopen it first with: workbench assessment reopen "{ref}"'),
}


class ReviewLockedError(WorkbenchError):
    """The finding's self-assessment is with a reviewer or signed off; what it rests on stays."""


def removal_refusal(uow: UnitOfWork, finding_id: int) -> tuple[str, str] | None:
    """(reason, hint) when nothing may be taken away from the finding, else None."""
    state = uow.session.scalar(select(SelfAssessment.state).where(SelfAssessment.finding_id == finding_id))
    if state not in LOCKING_STATES:
        return None
    f = uow.session.get(Finding, finding_id)
    reason, hint = LOCKING_STATES[state]
    ref = f.ref if f is not None else str(finding_id)
    return f"the self-assessment for {ref} is {state}: {reason}", hint.format(ref=ref)


def require_removable(uow: UnitOfWork, finding_id: int, what: str) -> None:
    """Raise ReviewLockedError naming `what` (e.g. "unlink evidence 4 'Minutes'") when locked."""
    refusal = removal_refusal(uow, finding_id)
    if refusal is not None:
        reason, hint = refusal
        raise ReviewLockedError(f"cannot {what}: {reason}; nothing was changed", hint)
