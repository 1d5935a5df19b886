"""What the services say a person may do now, and why not: the answers the window's controls follow."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    OFFICER,
    REVIEWER,
    REVIEWER2,
    RITA_PASS,
    ROB_PASS,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.errors import InputError, PermissionDeniedError, UnknownUserError
from workbench.force_settings import ForceSettings, SettingsError
from workbench.services import assessments, settings, users
from workbench.services.access import allowed
from workbench.store.models import ChangeLogEntry
from workbench.store.uow import Actor

NARRATIVE = "Supervision is now recorded at 7 and 28 days; a dip sample of 60 files found 52 compliant."


def test_allowed_says_why_a_role_or_a_missing_proof_is_refused() -> None:
    officer = Actor("o", "officer", verified=True)
    admin_unproven = Actor("a", "admin", verified=False)
    admin = Actor("a", "admin", verified=True)
    assert allowed(admin, "users.manage") and allowed(admin, "users.manage").reason == ""
    no = allowed(officer, "users.manage")
    assert not no and "officer role cannot manage users" in no.reason and "admin role" in no.reason
    unproven = allowed(admin_unproven, "settings.edit")
    assert not unproven and "sign in with your passphrase" in unproven.reason
    assert "Switch user" in unproven.reason
    assert not allowed(None, "read")
    assert allowed(Actor("v", "viewer"), "read")
    with pytest.raises(KeyError):
        allowed(admin, "no.such.permission")


def _log(ws, action: str) -> list[tuple[str, str]]:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return [(e.actor, e.entity_id) for e in uow.session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == "user", ChangeLogEntry.action == action))]


def test_deactivate_and_reactivate_a_user(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "off.icer", "officer", "Olly")
        info = users.set_active(uow, "off.icer", False)
    assert not info.active
    assert _log(workspace, "deactivate") == [(ADMIN, "off.icer")]
    with pytest.raises(UnknownUserError, match="deactivated"), workspace.unit_of_work("off.icer"):
        pass
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        decided = users.user_decisions(uow, "off.icer")
        assert not decided["deactivate"] and not decided["role"] and "reactivate them first" in decided["role"].reason
        assert decided["reactivate"]
        users.set_active(uow, "off.icer", True)
    with workspace.unit_of_work("off.icer", write=False) as uow:
        assert uow.actor.username == "off.icer"
    assert _log(workspace, "reactivate") == [(ADMIN, "off.icer")]


def test_an_admin_cannot_deactivate_themselves_nor_the_last_admin(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        mine = users.user_decisions(uow, ADMIN)
        assert not mine["deactivate"] and "cannot deactivate yourself" in mine["deactivate"].reason.lower()
        assert not mine["role"] and "only admin" in mine["role"].reason
        users.add_user(uow, "sec.ond", "admin", passphrase="second admin's passphrase")
    with pytest.raises(InputError, match="yourself"), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_active(uow, ADMIN, False)
    with workspace.unit_of_work("sec.ond", passphrase="second admin's passphrase") as uow:
        assert users.user_decisions(uow, ADMIN)["deactivate"]
        users.set_active(uow, ADMIN, False)
    # sec.ond is now the only active admin: nobody can demote them
    with workspace.unit_of_work("sec.ond", passphrase="second admin's passphrase") as uow:
        assert not users.user_decisions(uow, "sec.ond")["role"]
    with pytest.raises(InputError, match="only admin"), \
            workspace.unit_of_work("sec.ond", passphrase="second admin's passphrase") as uow:
        users.set_role(uow, "sec.ond", "officer")


def test_only_a_proven_admin_may_deactivate_or_rename(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "off.icer", "officer")
        users.add_user(uow, "oth.er", "officer")
    with workspace.unit_of_work("off.icer", write=False) as uow:
        decided = users.user_decisions(uow, "oth.er")
    assert not any(decided.values()) and "officer role cannot manage users" in decided["deactivate"].reason
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work("off.icer") as uow:
        users.set_active(uow, "oth.er", False)
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work(ADMIN) as uow:  # not proven
        users.set_display_name(uow, "oth.er", "Someone")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        assert users.set_display_name(uow, "oth.er", "  Oth   Er ").display_name == "Oth Er"
    assert _log(workspace, "rename") == [(ADMIN, "oth.er")]


@pytest.mark.parametrize("secret, where", [("a long passphrase here ", "ends"), (" a long passphrase here", "begins")])
def test_a_passphrase_with_spaces_at_its_ends_is_refused_clearly(workspace, secret: str, where: str) -> None:
    with pytest.raises(InputError, match=f"it {where} with a space") as refused, \
            workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "rev", "reviewer", passphrase=secret)
    assert "spaces between words are fine" in refused.value.hint


def test_settings_are_checked_without_storing_and_described(workspace) -> None:
    current = ForceSettings()
    assert settings.check_force_settings(current, marac_tick_threshold=10).marac_tick_threshold == 10
    with pytest.raises(SettingsError) as bad:
        settings.check_force_settings(current, marac_tick_threshold=40)
    assert bad.value.setting == "marac_tick_threshold" and "between 1 and 27" in bad.value.problem
    described = set(settings.DESCRIPTIONS) - {"finding_statuses"}
    assert described == set(current.to_dict())  # every setting has its words
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert settings.get_force_settings(uow).marac_tick_threshold == 14


def _submit(ws, preparer: str = OFFICER) -> int:
    f = setup_register(ws)[0]
    with ws.unit_of_work(preparer, passphrase={REVIEWER: RITA_PASS}.get(preparer)) as uow:
        assessments.save_assessment(uow, f.stored_id, NARRATIVE, "pending sign-off")
        assessments.submit_assessment(uow, f.stored_id)
    return f.stored_id


def test_the_review_decision_names_who_can_review(workspace) -> None:
    fid = _submit(workspace)
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        seen = assessments.review_decision(uow, fid)
    assert not seen.decision and seen.reviewers == (REVIEWER, REVIEWER2)
    assert seen.note == f"With a reviewer: {REVIEWER}, {REVIEWER2} can approve or return it."
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS, write=False) as uow:
        mine = assessments.review_decision(uow, fid)
    assert mine.decision and "Approve it" in mine.note
    with workspace.unit_of_work(REVIEWER, write=False) as uow:  # not signed in
        unproven = assessments.review_decision(uow, fid)
    assert not unproven.decision and "sign in with your passphrase" in unproven.decision.reason


def test_four_eyes_decides_for_a_reviewer_who_wrote_it(workspace) -> None:
    fid = _submit(workspace, preparer=REVIEWER)
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS, write=False) as uow:
        own = assessments.review_decision(uow, fid)
    assert not own.decision and "Four-eyes rule" in own.decision.reason and "another reviewer" in own.note
    with workspace.unit_of_work(REVIEWER2, passphrase=ROB_PASS, write=False) as uow:
        assert assessments.review_decision(uow, fid).decision


def test_a_workspace_without_a_reviewer_says_so(workspace) -> None:
    fid = _submit(workspace)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.set_active(uow, REVIEWER, False)
        users.set_role(uow, REVIEWER2, "officer")
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        seen = assessments.review_decision(uow, fid)
    assert seen.reviewers == () and "With a reviewer" not in seen.note
    assert "this workspace has no active reviewer" in seen.note and "An admin adds a reviewer" in seen.note
