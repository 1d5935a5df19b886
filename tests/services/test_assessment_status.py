"""Approval applies the status the self-assessment proposed, and status and readiness never
contradict each other silently (the contradiction is said, and recorded with the approval)."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    OFFICER,
    REVIEWER,
    RITA_PASS,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.services import assessments, findings, readiness
from workbench.store.models import ChangeLogEntry

NARRATIVE = "Supervision is now recorded at 7 and 28 days; a dip sample is planned."


def _approve(ws, finding_id: int, proposed: str, stated: str = "") -> assessments.AssessmentInfo:
    with ws.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, finding_id, NARRATIVE, proposed, stated)
        assessments.submit_assessment(uow, finding_id)
    with ws.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        return assessments.approve_assessment(uow, finding_id, RITA_PASS, "Agreed")


def _status(ws, finding_id: int) -> str:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return findings.get_finding(uow, finding_id).status


def _approval_entry(ws, finding_id: int) -> dict:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return uow.session.scalars(select(ChangeLogEntry.after).where(
            ChangeLogEntry.entity == "assessment", ChangeLogEntry.entity_id == str(finding_id),
            ChangeLogEntry.action == "approve")).one()


def test_approving_a_proposal_of_in_progress_leaves_the_finding_in_progress(workspace) -> None:
    f = setup_register(workspace)[0]
    done = _approve(workspace, f.stored_id, "in progress")
    assert done.state == "approved"
    assert _status(workspace, f.stored_id) == "in progress"  # not "signed off"
    entry = _approval_entry(workspace, f.stored_id)
    assert entry["status"] == "in progress" and "warnings" not in entry
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert assessments.status_warnings(uow, f.stored_id) == ()


def test_signing_off_a_finding_rated_not_ready_is_said_and_recorded(workspace) -> None:
    f = setup_register(workspace)[1]
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        rating = readiness.assess_readiness(uow, f.stored_id).rating
        before = assessments.status_warnings(uow, f.stored_id, "closed")
    assert rating == "not ready"  # nothing measured yet
    assert len(before) == 1 and "'closed'" in before[0] and "not ready" in before[0]
    assert "no audit result or measure value" in before[0]  # the reason is spelled out
    _approve(workspace, f.stored_id, "closed", "ready")
    # closure takes its own two steps (proposal with evidence, then authorisation): pending sign-off
    assert _status(workspace, f.stored_id) == "pending sign-off"
    entry = _approval_entry(workspace, f.stored_id)
    assert len(entry["warnings"]) == 2  # the status claims done; the preparer said "ready"
    assert "The self-assessment says" in entry["warnings"][1] and "ready" in entry["warnings"][1]
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert len(assessments.status_warnings(uow, f.stored_id)) == 1  # the preparer's "ready" is still said after approval
    with workspace.unit_of_work(OFFICER) as uow:
        assessments.reopen_assessment(uow, f.stored_id)
    assert _status(workspace, f.stored_id) == "in progress"
