"""What the users' rules say: a user name keeps its case in every reason, a deactivated account is called
that and names who can reactivate it, and a passphrase is optional for every role (set later by the user)."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.errors import InputError, PermissionDeniedError, UnknownUserError
from workbench.services import users
from workbench.services.access import Decision, ProofRequiredError, require
from workbench.store.uow import Actor

NEW_PASS = "violet harbour lantern pebble"


def test_a_refusal_keeps_the_case_of_a_user_name() -> None:
    for name in ("demo.admin", "pc_101", "j-smith@force", "admin.user"):
        reason = Decision.refused(InputError(f"{name} is the workspace's only admin", "make another user admin first"))
        assert reason.reason == f"{name} is the workspace's only admin. Make another user admin first."
    prose = Decision.refused(InputError("four-eyes rule: you wrote it", "another reviewer must review it"))
    assert prose.reason == "Four-eyes rule: you wrote it. Another reviewer must review it."


def test_the_last_admin_reason_names_them_as_they_are_spelt(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        reason = users.user_decisions(uow, ADMIN)["role"].reason
    assert reason.startswith(f"User {ADMIN} is the workspace's only admin.") and ADMIN.capitalize() not in reason


def test_refusals_of_a_role_begin_with_a_word_not_a_name() -> None:
    with pytest.raises(PermissionDeniedError) as refused:
        require(Actor("off.icer", "officer", verified=True), "users.manage")
    assert refused.value.message.startswith("user off.icer (role officer)")
    with pytest.raises(ProofRequiredError) as unproven:
        require(Actor("admin.two", "admin", verified=False), "users.manage")
    assert Decision.refused(unproven.value).reason.startswith("User admin.two must prove")


def test_a_deactivated_account_is_said_to_be_deactivated_and_who_can_reactivate_it(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "off.icer", "officer", passphrase=NEW_PASS)
        users.set_active(uow, "off.icer", False)
    refusals = []
    with pytest.raises(UnknownUserError) as refused:
        workspace.sign_in("off.icer", NEW_PASS)
    refusals.append(refused.value)
    with pytest.raises(UnknownUserError) as refused, workspace.unit_of_work("off.icer", write=False):
        pass
    refusals.append(refused.value)
    for error in refusals:
        message = error.message
        assert "account of user 'off.icer' is deactivated" in message and "not registered" not in message
        assert f"an admin of the workspace ({ADMIN}) can reactivate it in Workspace > Users" in message
        assert "Reactivate" in error.hint


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_a_reviewer_or_admin_may_be_added_without_a_passphrase_and_sets_one_themselves(workspace, role) -> None:
    """What the Add user dialog says (users_dialog.PASSPHRASE_NOTE) is what the services do."""
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        added = users.add_user(uow, "new.person", role, "New Person")
    assert not added.has_passphrase
    with workspace.unit_of_work("new.person", write=False) as uow:  # as their own OS login: not proven
        assert uow.actor is not None and not uow.actor.verified
    with workspace.unit_of_work("new.person") as uow:
        users.set_passphrase(uow, "new.person", NEW_PASS)  # their first, as themselves
    assert workspace.sign_in("new.person", NEW_PASS).verified
