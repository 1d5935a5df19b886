"""Self-assessments and their four-eyes review, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    OFFICER,
    REVIEWER,
    REVIEWER2,
    RITA_PASS,
    ROB_PASS,
    VIEWER,
    count,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.errors import ConflictError, InputError, PermissionDeniedError
from workbench.services import assessments, findings
from workbench.services.assessments import AssessmentStateError
from workbench.store import changelog
from workbench.store.models import ChangeLogEntry, SignOff

NARRATIVE = "Supervision is now recorded at 7 and 28 days; a dip sample of 60 files found 52 compliant."


def _status(ws, finding_id: int) -> str:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return findings.get_finding(uow, finding_id).status


def _submitted(ws, preparer: str = OFFICER):
    f = setup_register(ws)[0]
    with ws.unit_of_work(preparer) as uow:
        assessments.save_assessment(uow, f.stored_id, NARRATIVE, "proposed for closure", "partly ready")
        assessments.submit_assessment(uow, f.stored_id)
    return f


def _log(ws, entity: str) -> list[tuple[str, str, Any]]:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return [(e.actor, e.action, e.after) for e in uow.session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == entity).order_by(ChangeLogEntry.seq))]


def test_approve_sets_statuses_and_records_the_sign_off(workspace) -> None:
    f = setup_register(workspace)[0]
    with workspace.unit_of_work(OFFICER) as uow:
        draft = assessments.save_assessment(uow, f.stored_id, "first go", "in progress")
        draft = assessments.save_assessment(uow, f.stored_id, NARRATIVE, "proposed for closure", "partly ready",
                                            expected_version=draft.version)
        sent = assessments.submit_assessment(uow, f.stored_id)
    assert (draft.state, draft.preparer, draft.readiness) == ("draft", OFFICER, "partly ready")
    assert sent.state == "submitted" and sent.submitted_at is not None
    assert _status(workspace, f.stored_id) == "pending sign-off"
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        done = assessments.approve_assessment(uow, f.stored_id, RITA_PASS, "Good evidence")
    assert done.state == "approved"
    assert [(h.reviewer, h.decision, h.comment) for h in done.history] == [(REVIEWER, "approved", "Good evidence")]
    assert _status(workspace, f.stored_id) == "pending sign-off"
    assert count(workspace, SignOff) == 1
    assert [(a, act) for a, act, _ in _log(workspace, "assessment")] == [
        (OFFICER, "create"), (OFFICER, "edit"), (OFFICER, "submit"), (REVIEWER, "approve")]
    assert _log(workspace, "assessment")[-1][2]["preparer"] == OFFICER
    with workspace.unit_of_work(VIEWER, write=False) as uow:
        listed = assessments.list_assessments(uow)
        assert [(a.finding_ref, a.state) for a in listed] == [(f.ref, "approved")]
        review = assessments.get_assessment(uow, f.stored_id).last_review
        assert review is not None and review.decision == "approved"


def test_four_eyes_the_preparer_never_reviews(workspace) -> None:
    f = _submitted(workspace, preparer=REVIEWER)
    for attempt in (lambda uow: assessments.approve_assessment(uow, f.id, RITA_PASS),
                    lambda uow: assessments.return_assessment(uow, f.id, "my own work")):
        with pytest.raises(PermissionDeniedError, match="four-eyes") as info, \
                workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
            attempt(uow)
        assert "did not write any of it" in str(info.value)
    with pytest.raises(PermissionDeniedError, match="assessment.review"), workspace.unit_of_work(OFFICER) as uow:
        assessments.approve_assessment(uow, f.id, RITA_PASS)
    assert count(workspace, SignOff) == 0 and _status(workspace, f.id) == "pending sign-off"
    with workspace.unit_of_work(REVIEWER2, passphrase=ROB_PASS) as uow:
        assert assessments.approve_assessment(uow, f.id, ROB_PASS).state == "approved"


def test_wrong_passphrase_is_refused_and_the_refusal_is_kept_in_the_log(workspace) -> None:
    f = _submitted(workspace)
    with pytest.raises(PermissionDeniedError, match="wrong sign-off passphrase"), \
            workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        assessments.approve_assessment(uow, f.id, ROB_PASS)
    assert count(workspace, SignOff) == 0 and _status(workspace, f.id) == "pending sign-off"
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert assessments.get_assessment(uow, f.id).state == "submitted"
        assert changelog.verify_chain(uow.session).ok
    assert _log(workspace, "assessment")[-1] == (REVIEWER, "approve-refused", {"reason": "wrong sign-off passphrase"})


def test_return_needs_a_comment_then_the_preparer_reworks(workspace) -> None:
    f = _submitted(workspace)
    with pytest.raises(InputError, match="needs a comment"), workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        assessments.return_assessment(uow, f.id, "   ")
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        back = assessments.return_assessment(uow, f.id, "Add the dip-sample workbook as evidence")
    assert back.state == "returned" and _status(workspace, f.id) == "in progress"
    with workspace.unit_of_work(OFFICER) as uow:
        edited = assessments.save_assessment(uow, f.id, NARRATIVE + " Workbook attached.", "proposed for closure",
                                             expected_version=back.version)
        assessments.submit_assessment(uow, f.id)
    assert edited.state == "returned"
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        final = assessments.approve_assessment(uow, f.id, RITA_PASS)
    assert [h.decision for h in final.history] == ["returned", "approved"]
    assert final.history[0].comment == "Add the dip-sample workbook as evidence"


def test_approved_is_not_edited_but_reopened_keeping_history(workspace) -> None:
    f = _submitted(workspace)
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        approved = assessments.approve_assessment(uow, f.id, RITA_PASS)
    with pytest.raises(AssessmentStateError, match="it is approved") as info, \
            workspace.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, f.id, "changed", "proposed for closure")
    assert "workbench assessment reopen" in str(info.value)
    with workspace.unit_of_work(OFFICER) as uow:
        reopened = assessments.reopen_assessment(uow, f.id)
        assert reopened.state == "draft" and reopened.narrative == NARRATIVE
        assert [h.decision for h in reopened.history] == ["approved"]
        assessments.save_assessment(uow, f.id, "Second version", "proposed for closure")
    assert _status(workspace, f.id) == "in progress"
    reopen = [e for e in _log(workspace, "assessment") if e[1] == "reopen"]
    assert reopen and reopen[0][0] == OFFICER
    with pytest.raises(ConflictError), workspace.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, f.id, "stale", "proposed for closure", expected_version=approved.version)


def test_state_and_input_checks(workspace) -> None:
    f = setup_register(workspace)[0]
    with pytest.raises(InputError, match="unknown proposed status"), workspace.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, f.stored_id, NARRATIVE, "sorted")
    with pytest.raises(InputError, match="unknown readiness"), workspace.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, f.stored_id, NARRATIVE, "proposed for closure", "almost")
    with workspace.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, f.stored_id, "", "in progress")
    with pytest.raises(InputError, match="no narrative"), workspace.unit_of_work(OFFICER) as uow:
        assessments.submit_assessment(uow, f.stored_id)
    with pytest.raises(AssessmentStateError, match="it is draft"), workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        assessments.approve_assessment(uow, f.stored_id, RITA_PASS)
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work(VIEWER) as uow:
        assessments.save_assessment(uow, f.stored_id, NARRATIVE, "in progress")
