"""Units of work that know whether they may write; proof of identity; files only their owner reads."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.errors import PermissionDeniedError
from workbench.services import users
from workbench.services.access import ProofRequiredError
from workbench.services.workspace import backup_workspace, init_workspace
from workbench.store.location import sqlite_location
from workbench.store.models import ChangeLogEntry, User
from workbench.store.uow import Actor, ReadOnlyUnitOfWorkError, writes


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_read_only_unit_of_work_refuses_every_write(workspace) -> None:
    with pytest.raises(ReadOnlyUnitOfWorkError, match="started as a read"), \
            workspace.unit_of_work(ADMIN, write=False) as uow:
        uow.log("finding", 1, "export")
    with pytest.raises(ReadOnlyUnitOfWorkError), workspace.unit_of_work(ADMIN, write=False) as uow:
        uow.session.scalar(select(User).where(User.username == ADMIN)).display_name = "changed"
        uow.session.flush()
    with pytest.raises(DBAPIError), workspace.unit_of_work(ADMIN, write=False) as uow:  # the database refuses too
        uow.session.execute(text("UPDATE users SET display_name = 'changed'"))
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalar(select(User.display_name).where(User.username == ADMIN)) == "Admin User"
    with workspace.unit_of_work(ADMIN) as uow:  # a pooled connection is writable again afterwards
        users.set_role(uow, ADMIN, "admin")


def test_a_writing_service_refuses_a_read_only_unit_of_work_before_doing_anything(workspace) -> None:
    calls: list[int] = []

    @writes
    def export_something(uow: object, n: int) -> int:
        calls.append(n)
        return n

    with pytest.raises(ReadOnlyUnitOfWorkError, match="export something"), \
            workspace.unit_of_work(ADMIN, write=False) as uow:
        export_something(uow, 1)
    assert calls == []
    with workspace.unit_of_work(ADMIN) as uow:
        assert export_something(uow, 2) == 2


def test_admin_actions_need_proof_once_there_is_a_second_user(workspace) -> None:
    with workspace.unit_of_work(ADMIN) as uow:  # the only user: nobody else to be
        assert uow.actor.verified
        users.add_user(uow, "off.icer", "officer")
    with pytest.raises(ProofRequiredError, match="prove"), workspace.unit_of_work(ADMIN) as uow:
        users.add_user(uow, "alias", "reviewer")
    with pytest.raises(PermissionDeniedError, match="wrong passphrase"):
        workspace.sign_in(ADMIN, "not the admin's passphrase")
    admin = workspace.sign_in(ADMIN, ADMIN_PASS)
    with workspace.unit_of_work(admin) as uow:
        users.add_user(uow, "rev.iewer", "reviewer", passphrase="a reviewer's long passphrase")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        refused = uow.session.scalars(select(ChangeLogEntry.entity_id).where(
            ChangeLogEntry.action == "sign-in-refused")).all()
        added = uow.session.execute(select(ChangeLogEntry.actor, ChangeLogEntry.after).where(
            ChangeLogEntry.entity_id == "rev.iewer", ChangeLogEntry.action == "add")).one()
    assert refused == [ADMIN]
    assert added[0] == ADMIN and added[1]["role"] == "reviewer" and added[1]["passphrase_set"] is True


def test_a_made_up_or_borrowed_proof_is_not_accepted(workspace, tmp_path: Path) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "off.icer", "officer")
    forged = Actor(ADMIN, "admin", verified=True, proof="0" * 32)
    with pytest.raises(ProofRequiredError), workspace.unit_of_work(forged) as uow:
        users.add_user(uow, "alias", "reviewer")
    other = init_workspace(sqlite_location(tmp_path / "other.sqlite"), ADMIN, "Admin", ADMIN_PASS)
    try:
        with other.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
            users.add_user(uow, "someone", "officer")
        proven_elsewhere = other.sign_in(ADMIN, ADMIN_PASS)
        with pytest.raises(ProofRequiredError), workspace.unit_of_work(proven_elsewhere) as uow:
            users.add_user(uow, "alias", "reviewer")
    finally:
        other.close()


def test_reviewer_actions_need_proof_and_a_reset_is_logged(workspace) -> None:
    from workbench.services import access

    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "rev.iewer", "reviewer", passphrase="a reviewer's long passphrase")
    with workspace.unit_of_work("rev.iewer") as uow:
        with pytest.raises(ProofRequiredError):
            access.require(uow.actor, "assessment.review")
    with workspace.unit_of_work("rev.iewer") as uow, pytest.raises(PermissionDeniedError, match="current one"):
        users.set_passphrase(uow, "rev.iewer", "another long passphrase here")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_passphrase(uow, "rev.iewer", "the admin's reset passphrase")
    with workspace.unit_of_work("rev.iewer", passphrase="the admin's reset passphrase") as uow:
        access.require(uow.actor, "assessment.review")
        entry = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.action == "reset-passphrase")).one()
    assert entry.actor == ADMIN and entry.entity_id == "rev.iewer" and entry.after["by"] == ADMIN


@pytest.mark.parametrize("weak, why", [("short one", "needs at least 12"), ("password1234", "common password"),
                                       ("rev.iewer 2024", "strength")])
def test_weak_passphrases_are_refused_saying_why(workspace, weak: str, why: str) -> None:
    with pytest.raises(users.InputError, match=why), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "rev.iewer", "reviewer", passphrase=weak)


def test_workspace_its_wal_and_backups_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    ws = init_workspace(sqlite_location(path), ADMIN, "Admin", ADMIN_PASS)
    try:
        with ws.unit_of_work(ADMIN) as uow:
            out = backup_workspace(ws, uow, tmp_path / "copy.sqlite")
        for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), out):
            assert f.exists() and _mode(f) == 0o600, f
    finally:
        ws.close()


def test_a_migration_backup_is_private(tmp_path: Path) -> None:
    from workbench.store.backup import backup_sqlite

    path = tmp_path / "w.sqlite"
    init_workspace(sqlite_location(path), ADMIN).close()
    copy = backup_sqlite(path, tmp_path / "w.before-0001.sqlite")  # what opening an old workspace does first
    assert _mode(copy) == 0o600 and not list(tmp_path.glob(".*.partial"))


def test_a_viewer_may_not_back_up(workspace, tmp_path: Path) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "view.er", "viewer")
    with pytest.raises(PermissionDeniedError, match="workspace.backup"), workspace.unit_of_work("view.er") as uow:
        backup_workspace(workspace, uow, tmp_path / "copy.sqlite")
    assert not (tmp_path / "copy.sqlite").exists()
