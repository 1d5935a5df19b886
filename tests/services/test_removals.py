"""Taking things away: an action removed, evidence unlinked from a finding (on SQLite and PostgreSQL).

Both are logged with what was removed, need the editing permission, and are refused while the
finding's self-assessment is with a reviewer or signed off.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    OFFICER,
    REVIEWER,
    RITA_PASS,
    VIEWER,
    count,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.errors import ConflictError, NotFoundError, PermissionDeniedError
from workbench.services import actions, assessments, evidence
from workbench.services.review_lock import ReviewLockedError
from workbench.store.models import Action, ChangeLogEntry, Evidence, EvidenceBlob, EvidenceLink


def _log(ws, entity: str, action: str) -> list[ChangeLogEntry]:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        rows = list(uow.session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity == entity, ChangeLogEntry.action == action).order_by(ChangeLogEntry.seq)))
        uow.session.expunge_all()
        return rows


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_removing_an_action_logs_it_and_unlinks_its_evidence(workspace, tmp_path) -> None:
    f1, f2, _ = setup_register(workspace)
    with workspace.unit_of_work(OFFICER) as uow:
        keep = actions.add_action(uow, f1.stored_id, "Weekly MASH triage", "DS Green", date(2025, 6, 1))
        gone = actions.add_action(uow, f1.stored_id, "Dip sample supervision", "DI Shaw", date(2025, 4, 1))
        ev = evidence.add_evidence(uow, _file(tmp_path, "m.txt", b"minutes"), "Minutes",
                                   finding_ids=[f1.stored_id], action_ids=[gone.id])
        assert actions.evidence_linked_to(uow, gone.id) == 1
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work(VIEWER) as uow:
        actions.remove_action(uow, gone.id, gone.version)
    with pytest.raises(ConflictError), workspace.unit_of_work(OFFICER) as uow:
        actions.remove_action(uow, gone.id, gone.version - 1)
    with workspace.unit_of_work(OFFICER) as uow:
        removed = actions.remove_action(uow, gone.id, gone.version)
    assert removed.title == "Dip sample supervision"
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        assert [a.id for a in actions.list_actions(uow)] == [keep.id]
        still = evidence.get_evidence(uow, ev.id)
    assert still.action_ids == () and still.finding_ids == (f1.id,)  # the evidence itself stays
    assert count(workspace, Action) == 1 and count(workspace, EvidenceLink) == 1
    [entry] = _log(workspace, "action", "remove")
    assert entry.actor == OFFICER and entry.entity_id == str(gone.id) and entry.after is None
    assert entry.before["title"] == "Dip sample supervision" and entry.before["owner"] == "DI Shaw"
    assert entry.before["evidence_unlinked"] == [ev.id]
    with pytest.raises(NotFoundError), workspace.unit_of_work(OFFICER) as uow:
        actions.remove_action(uow, gone.id)


def test_unlinking_evidence_keeps_the_record_and_its_bytes(workspace, tmp_path) -> None:
    f1, f2, _ = setup_register(workspace)
    with workspace.unit_of_work(OFFICER) as uow:
        ev = evidence.add_evidence(uow, _file(tmp_path, "a.txt", b"backlog"), "Backlog", finding_ids=[f1.stored_id, f2.stored_id])
        twin = evidence.add_evidence(uow, _file(tmp_path, "b.txt", b"backlog"), "Same bytes", finding_ids=[f2.stored_id])
        before = evidence.unlink_consequence(uow, ev.id, f1.stored_id)
    assert (before.other_links, before.same_file_records) == (1, 1)
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work(VIEWER) as uow:
        evidence.unlink_from_finding(uow, ev.id, f1.stored_id)
    with workspace.unit_of_work(OFFICER) as uow:
        out = evidence.unlink_from_finding(uow, ev.id, f1.stored_id)
        last = evidence.unlink_from_finding(uow, ev.id, f2.stored_id)
    assert out.evidence.finding_ids == (f2.id,) and last.evidence.finding_ids == () and last.other_links == 0
    assert count(workspace, Evidence) == 2 and count(workspace, EvidenceBlob) == 1  # nothing deleted
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        assert evidence.evidence_bytes(uow, ev.id) == b"backlog"
        assert [e.id for e in evidence.list_evidence(uow, finding_id=f2.id)] == [twin.id]
    entries = _log(workspace, "evidence", "unlink")
    assert [(e.actor, e.entity_id, e.before) for e in entries] == [
        (OFFICER, str(ev.id), {"finding": [f1.id]}), (OFFICER, str(ev.id), {"finding": [f2.id]})]
    with pytest.raises(NotFoundError, match="not linked"), workspace.unit_of_work(OFFICER) as uow:
        evidence.unlink_from_finding(uow, ev.id, f1.stored_id)


def test_nothing_is_taken_from_a_self_assessment_with_a_reviewer_or_signed_off(workspace, tmp_path) -> None:
    f1, f2, _ = setup_register(workspace)
    with workspace.unit_of_work(OFFICER) as uow:
        act = actions.add_action(uow, f1.stored_id, "Weekly MASH triage")
        ev = evidence.add_evidence(uow, _file(tmp_path, "a.txt", b"x"), "Minutes", finding_ids=[f1.stored_id, f2.stored_id])
        assessments.save_assessment(uow, f1.stored_id, "The triage meeting runs weekly.", "pending sign-off", "ready")
        assessments.submit_assessment(uow, f1.stored_id)
    for state in ("submitted", "approved"):
        with pytest.raises(ReviewLockedError, match=f"is {state}"), workspace.unit_of_work(OFFICER) as uow:
            actions.remove_action(uow, act.id)
        with pytest.raises(ReviewLockedError, match=f"is {state}"), workspace.unit_of_work(OFFICER) as uow:
            evidence.unlink_from_finding(uow, ev.id, f1.stored_id)
        with pytest.raises(ReviewLockedError), workspace.unit_of_work(OFFICER) as uow:
            evidence.unlink_evidence(uow, ev.id, finding_ids=[f1.stored_id])  # the CLI's path too
        if state == "submitted":
            with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
                assessments.approve_assessment(uow, f1.stored_id, RITA_PASS, "Seen the minutes")
    with workspace.unit_of_work(OFFICER) as uow:  # another finding's link is free to go; adding stays allowed
        evidence.unlink_from_finding(uow, ev.id, f2.stored_id)
        actions.add_action(uow, f1.stored_id, "Audit the triage in six months")
    assert count(workspace, Action) == 2 and _log(workspace, "action", "remove") == []
