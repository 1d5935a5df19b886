"""What a step on a self-assessment will do, said before it is taken by the service that takes it:
the status approval gives the finding, who a submission goes to, the names people read."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (  # noqa: F401 - fixture
    OFFICER,
    REVIEWER,
    REVIEWER2,
    RITA_PASS,
    fast_passphrase_hashing,
    setup_register,
)
from workbench.services import assessments, findings, users
from workbench.store.models import ChangeLogEntry

NARRATIVE = "Supervision is now recorded at 7 and 28 days; a dip sample is planned."


def _status(ws, finding_id: int) -> str:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return findings.get_finding(uow, finding_id).status


@pytest.mark.parametrize(("proposed", "applied"), [
    ("proposed for closure", "pending sign-off"),
    ("closed", "pending sign-off"),
    ("awaiting allocation", "in progress"),
    ("in progress", "in progress"),
])
def test_the_approval_outcome_names_the_status_the_approval_applies(workspace, proposed: str, applied: str) -> None:
    fid = setup_register(workspace)[0].stored_id
    with workspace.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, fid, NARRATIVE, proposed, "ready")
        assessments.submit_assessment(uow, fid)
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS, write=False) as uow:
        outcome = assessments.approval_outcome(uow, fid)
    assert (outcome.proposed, outcome.status) == (proposed, applied)
    assert f"'{applied}'" in outcome.consequence
    if applied != proposed:  # said as what was proposed, not what the finding becomes
        assert f"becomes '{proposed}'" not in outcome.consequence and f"not '{proposed}'" in outcome.consequence
        assert not any(f"The status '{proposed}'" in w for w in outcome.warnings)
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        assessments.approve_assessment(uow, fid, RITA_PASS, "Agreed")
    assert _status(workspace, fid) == outcome.status  # what the reviewer was told is what happened
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        entry = uow.session.scalars(select(ChangeLogEntry.after).where(
            ChangeLogEntry.entity == "assessment", ChangeLogEntry.action == "approve")).one()
    assert tuple(entry.get("warnings", ())) == outcome.warnings  # and what it recorded


def test_a_submission_in_a_workspace_with_no_active_reviewer_says_nobody_can_review_it(workspace) -> None:
    fid = setup_register(workspace)[0].stored_id
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        told = assessments.submit_outcome(uow, fid, saving=True)
    assert told.reviewers == (REVIEWER, REVIEWER2) and "Rita Reviewer, Rob Reviewer can approve" in told.consequence
    assert told.status == "pending sign-off" and "becomes 'pending sign-off'" in told.consequence
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        for reviewer in (REVIEWER, REVIEWER2):
            users.set_active(uow, reviewer, False)
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        told = assessments.submit_outcome(uow, fid, saving=True)
    assert told.reviewers == () and "It goes to a reviewer" not in told.consequence
    assert "nobody can review it yet: this workspace has no active reviewer" in told.consequence
    with workspace.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, fid, NARRATIVE, "in progress")
        assessments.submit_assessment(uow, fid)
    assert _status(workspace, fid) == told.status


def test_a_reviewer_who_saves_first_is_not_told_they_can_review_their_own(workspace) -> None:
    fid = setup_register(workspace)[0].stored_id
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS, write=False) as uow:
        told = assessments.submit_outcome(uow, fid, saving=True)
    assert told.reviewers == (REVIEWER2,)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_active(uow, REVIEWER2, False)
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS, write=False) as uow:
        told = assessments.submit_outcome(uow, fid, saving=True)
    assert "every active reviewer wrote part of it" in told.consequence


def test_the_preparer_and_reviewers_are_named_as_people_read_them(workspace) -> None:
    fid = setup_register(workspace)[0].stored_id
    with workspace.unit_of_work(OFFICER) as uow:
        info = assessments.save_assessment(uow, fid, NARRATIVE, "in progress")
        assessments.submit_assessment(uow, fid)
    assert (info.preparer, info.preparer_name) == (OFFICER, "Olly Officer")
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        done = assessments.return_assessment(uow, fid, "Add the dip sample")
    assert [(r.reviewer, r.reviewer_name) for r in done.history] == [(REVIEWER, "Rita Reviewer")]
