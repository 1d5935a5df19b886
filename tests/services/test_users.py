"""Users and roles: permissions are enforced by the services, passphrases hashed with argon2."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.errors import InputError, PermissionDeniedError, UnknownUserError
from workbench.services import users
from workbench.store.models import User


def test_first_user_is_admin_and_can_add_others(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        assert [(u.username, u.role) for u in users.list_users(uow)] == [(ADMIN, "admin")]
        users.add_user(uow, "rev.iewer", "reviewer", "Rita Reviewer", passphrase="correct horse battery")
        users.add_user(uow, "off.icer", "officer")
    with workspace.unit_of_work("off.icer", write=False) as uow:
        roles = {u.username: u.role for u in users.list_users(uow)}
    assert roles == {ADMIN: "admin", "rev.iewer": "reviewer", "off.icer": "officer"}


def test_passphrase_is_stored_as_argon2_and_checked(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "rev.iewer", "reviewer", passphrase="correct horse battery")
    with workspace.unit_of_work("rev.iewer", passphrase="correct horse battery") as uow:
        stored = uow.session.scalar(select(User.passphrase_hash).where(User.username == "rev.iewer"))
        assert stored.startswith("$argon2id$") and "correct" not in stored
        assert users.check_passphrase(uow, "rev.iewer", "correct horse battery")
        assert not users.check_passphrase(uow, "rev.iewer", "wrong horse battery")
        users.set_passphrase(uow, "rev.iewer", "a brand new passphrase")
        assert users.check_passphrase(uow, "rev.iewer", "a brand new passphrase")


@pytest.mark.parametrize("role", ["officer", "reviewer", "viewer"])
def test_only_admins_manage_users(workspace, role) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "someone", role)
    with pytest.raises(PermissionDeniedError, match="users.manage"), workspace.unit_of_work("someone") as uow:
        users.add_user(uow, "another", "officer")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert "another" not in {u.username for u in users.list_users(uow)}


def test_unknown_user_is_refused(workspace) -> None:
    with pytest.raises(UnknownUserError, match="not registered"), workspace.unit_of_work("stranger"):
        pass


@pytest.mark.parametrize("name, role, message", [
    ("bad name!", "officer", "not a valid user name"),
    ("ok.name", "superuser", "unknown role"),
    (ADMIN, "officer", "already exists"),
])
def test_bad_user_input(workspace, name, role, message) -> None:
    with pytest.raises(InputError, match=message), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, name, role)


def test_short_passphrase_and_last_admin_are_refused(workspace) -> None:
    with pytest.raises(InputError, match="at least"), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "rev", "reviewer", passphrase="short")
    with pytest.raises(InputError, match="only admin"), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_role(uow, ADMIN, "officer")


def test_stale_version_is_a_conflict_not_a_silent_overwrite(workspace) -> None:
    from workbench.errors import ConflictError

    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        seen = users.add_user(uow, "someone", "officer")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_role(uow, "someone", "viewer", expected_version=seen.version)
    with pytest.raises(ConflictError, match="changed by someone else"), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_role(uow, "someone", "reviewer", expected_version=seen.version)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert uow.session.scalar(select(User.role).where(User.username == "someone")) == "viewer"


def test_two_sessions_editing_one_record_conflict_on_postgresql(pg_url) -> None:
    from workbench.errors import ConflictError
    from workbench.services.workspace import init_workspace
    from workbench.store.location import resolve_location

    ws = init_workspace(resolve_location(db=pg_url), ADMIN, passphrase=ADMIN_PASS)
    try:
        with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
            users.add_user(uow, "someone", "officer")
        with pytest.raises(ConflictError), ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as first:
            mine = first.session.scalar(select(User).where(User.username == "someone"))
            with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as second:
                users.set_role(second, "someone", "viewer")
            assert mine is not None
            mine.role = "reviewer"
            first.session.flush()
        with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
            assert uow.session.scalar(select(User.role).where(User.username == "someone")) == "viewer"
    finally:
        ws.close()
