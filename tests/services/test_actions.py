"""The action plan, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.services.assurance_setup import (
    OFFICER,
    VIEWER,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from workbench.services import actions
from workbench.store.models import ChangeLogEntry

TODAY = date(2025, 3, 10)


def test_overdue_means_due_before_today_and_not_done(workspace) -> None:
    f1, f2, _ = setup_register(workspace)
    with workspace.unit_of_work(OFFICER) as uow:
        late = actions.add_action(uow, f1.stored_id, "Supervision dip sample", "DI Shaw", date(2025, 3, 9))
        due_today = actions.add_action(uow, f1.stored_id, "Refresh supervision guidance", due_date=TODAY)
        undated = actions.add_action(uow, f2.stored_id, "Allocation policy review", "Ch Insp Patel")
        done_late = actions.add_action(uow, f2.stored_id, "Train sergeants", due_date=date(2025, 1, 31),
                                       status="in progress")
        done_late = actions.update_action(uow, done_late.id, done_late.version, status="done",
                                          progress_note="all 40 trained")
    assert done_late.completed_on == date.today() and done_late.progress_note == "all 40 trained"
    with workspace.unit_of_work(VIEWER, write=False) as uow:
        rows = actions.list_actions(uow, today=TODAY)
        mine = actions.list_actions(uow, finding_id=f1.id, today=TODAY)
    by_id = {a.id: a for a in rows}
    assert by_id[late.id].overdue is True
    assert by_id[due_today.id].overdue is False and by_id[undated.id].overdue is False
    assert by_id[done_late.id].overdue is False
    assert [a.id for a in rows] == [done_late.id, late.id, due_today.id, undated.id]  # by due date, undated last
    assert [a.id for a in mine] == [late.id, due_today.id] and mine[0].finding_ref == f1.ref
    with workspace.unit_of_work(OFFICER) as uow:  # reopened: no longer completed, overdue again
        back = actions.update_action(uow, done_late.id, status="blocked")
    assert back.completed_on is None
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        assert next(a for a in actions.list_actions(uow, today=TODAY) if a.id == back.id).overdue is True


def test_updates_are_checked_versioned_and_logged(workspace) -> None:
    f1, _, _ = setup_register(workspace)
    with workspace.unit_of_work(OFFICER) as uow:
        a = actions.add_action(uow, f1.stored_id, "Weekly MASH triage", due_date=date(2025, 6, 1))
        updated = actions.update_action(uow, a.id, a.version, owner="DS Green", status="in progress")
    assert (updated.owner, updated.status, updated.version) == ("DS Green", "in progress", a.version + 1)
    with pytest.raises(ConflictError), workspace.unit_of_work(OFFICER) as uow:
        actions.update_action(uow, a.id, a.version, owner="someone else")
    with pytest.raises(InputError, match="unknown action status"), workspace.unit_of_work(OFFICER) as uow:
        actions.update_action(uow, a.id, status="finished")
    with pytest.raises(InputError, match="cannot change finding_id"), workspace.unit_of_work(OFFICER) as uow:
        actions.update_action(uow, a.id, finding_id=2)
    with pytest.raises(InputError, match="needs a title"), workspace.unit_of_work(OFFICER) as uow:
        actions.add_action(uow, f1.stored_id, "   ")
    with pytest.raises(NotFoundError), workspace.unit_of_work(OFFICER) as uow:
        actions.add_action(uow, 999, "Nowhere")
    with pytest.raises(InputError, match="longer than 120"), workspace.unit_of_work(OFFICER) as uow:
        actions.update_action(uow, a.id, owner="x" * 121)  # a database error on PostgreSQL otherwise
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work(VIEWER) as uow:
        actions.update_action(uow, a.id, owner="me")
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        entries = [(e.action, e.before, e.after) for e in uow.session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == "action").order_by(ChangeLogEntry.seq))]
    assert entries[0][0] == "add" and entries[0][2]["due_date"] == "2025-06-01"
    assert entries[1] == ("update", {"owner": "", "status": "not started"},
                          {"owner": "DS Green", "status": "in progress"})
    assert len(entries) == 2
