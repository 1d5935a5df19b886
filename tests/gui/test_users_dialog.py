"""The Users dialog: an admin adds, re-roles, resets and deactivates people; others see why they cannot;
anyone changes their own passphrase. Every change is read back from the workspace and its log."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS, noted
from workbench.gui import confirm
from workbench.gui.users_dialog import AddUserDialog, ChangePassphraseDialog, ResetPassphraseDialog, UsersDialog
from workbench.services import users
from workbench.store.models import ChangeLogEntry, User

pytestmark = pytest.mark.gui

NEW_PASS = "violet harbour lantern pebble"


def _user(ws, name: str):
    """The user's row as plain values (display_name, role, active), or None."""
    with ws.unit_of_work(None, write=False) as uow:
        row = uow.session.execute(select(User.display_name, User.role, User.active)
                                  .where(User.username == name)).one_or_none()
    return None if row is None else tuple(row)


def _actions(ws, name: str) -> list[tuple[str, str]]:
    with ws.unit_of_work(None, write=False) as uow:
        return [(e.actor, e.action) for e in uow.session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == "user", ChangeLogEntry.entity_id == name)
            .order_by(ChangeLogEntry.seq))]


def _cell(table: Any, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def test_an_admin_adds_a_user_changes_their_role_resets_and_deactivates(qtbot, window, seeded_workspace,
                                                                        monkeypatch, boxes) -> None:
    ws = seeded_workspace
    dialog = UsersDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.add.isEnabled()

    add = AddUserDialog(window.ctx, dialog)
    qtbot.addWidget(add)
    add.username.setText("jo.smith")
    add.display_name.setText("Jo Smith")
    add.role.setCurrentIndex(add.role.findData("reviewer"))
    add.passphrase.first.setText(NEW_PASS)
    add.passphrase.again.setText(NEW_PASS + " ")
    add.add()
    assert add.result() == 0 and "differ" in add.problem.text() and _user(ws, "jo.smith") is None
    add.passphrase.again.setText(NEW_PASS)
    add.add()
    assert add.added is not None and add.added.role == "reviewer"
    assert _user(ws, "jo.smith") == ("Jo Smith", "reviewer", True)
    assert ws.sign_in("jo.smith", NEW_PASS).verified

    dialog.reload("jo.smith")
    chosen = dialog.selected()
    assert chosen is not None and chosen.username == "jo.smith"
    assert dialog.set_role.isEnabled() and dialog.reset.isEnabled() and dialog.deactivate.isEnabled()
    dialog.role.setCurrentText("officer")
    dialog.change_role()
    assert _user(ws, "jo.smith")[1] == "officer"
    assert _cell(dialog.table, dialog.table.currentRow(), 2) == "officer"

    reset = ResetPassphraseDialog(window.ctx, chosen, dialog)
    qtbot.addWidget(reset)
    reset.passphrase.first.setText("short")
    reset.passphrase.again.setText("short")
    reset.reset()
    assert "at least 12" in reset.problem.text()
    reset.passphrase.first.setText("copper meadow riddle anchor")
    reset.passphrase.again.setText("copper meadow riddle anchor")
    reset.reset()
    assert ws.sign_in("jo.smith", "copper meadow riddle anchor").verified
    dialog.reload("jo.smith")  # as the Reset button does after its dialog

    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda parent, title, question, *a, **k: noted(asked, question, True))
    dialog.set_active(False)
    assert asked == ["Deactivate Jo Smith (jo.smith)?"]
    assert _user(ws, "jo.smith")[2] is False
    assert not dialog.reactivate.isHidden() and dialog.deactivate.isHidden()
    assert not dialog.set_role.isEnabled() and "reactivate them first" in dialog.set_role.toolTip()
    assert boxes == []
    assert [a for _, a in _actions(ws, "jo.smith")] == ["add", "set-role", "reset-passphrase", "deactivate"]
    assert {who for who, _ in _actions(ws, "jo.smith")} == {ADMIN}


def test_the_admin_cannot_deactivate_or_demote_themselves_as_the_last_admin(qtbot, window, boxes) -> None:
    dialog = UsersDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.select_user(ADMIN)
    assert not dialog.deactivate.isEnabled() and "yourself" in dialog.deactivate.toolTip()
    assert not dialog.set_role.isEnabled() and "only admin" in dialog.set_role.toolTip()


def test_users_are_refused_to_anyone_but_an_admin_with_the_reason(qtbot, open_window, seeded_workspace, boxes) -> None:
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "off.icer", "officer")
    window = open_window(seeded_workspace, "off.icer")
    dialog = UsersDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert not dialog.add.isEnabled() and "officer role cannot manage users" in dialog.add.toolTip()
    assert "officer role cannot manage users" in dialog.note.text()
    assert dialog.select_user(ADMIN)
    for button in (dialog.set_role, dialog.reset, dialog.deactivate):
        assert not button.isEnabled() and "cannot manage users" in button.toolTip()
    assert [_cell(dialog.table, r, 0) for r in range(dialog.table.rowCount())] == [ADMIN, "off.icer"]
    assert "cannot manage users" in window.users_action.toolTip()


def test_an_unproven_admin_is_told_to_sign_in(qtbot, open_window, seeded_workspace, boxes) -> None:
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "off.icer", "officer")
    window = open_window(seeded_workspace, ADMIN, passphrase=None)
    window.sign_in_as(ADMIN)  # by name only: not proven
    dialog = UsersDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert not dialog.add.isEnabled() and "sign in with your passphrase" in dialog.add.toolTip()


def test_a_new_passphrase_with_a_trailing_space_is_refused_clearly(qtbot, window, seeded_workspace, boxes) -> None:
    add = AddUserDialog(window.ctx, window)
    qtbot.addWidget(add)
    add.username.setText("sp.ace")
    add.passphrase.first.setText(NEW_PASS + " ")
    add.passphrase.again.setText(NEW_PASS + " ")
    add.add()
    assert "ends with a space" in add.problem.text() and _user(seeded_workspace, "sp.ace") is None


def test_changing_my_own_passphrase(qtbot, window, seeded_workspace, boxes) -> None:
    dialog = ChangePassphraseDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.has_one
    dialog.current.setText(ADMIN_PASS + " ")
    dialog.passphrase.first.setText(NEW_PASS)
    dialog.passphrase.again.setText(NEW_PASS)
    dialog.change()
    assert "Wrong passphrase" in dialog.problem.text() and "space at its end" in dialog.problem.text()
    assert seeded_workspace.sign_in(ADMIN, ADMIN_PASS).verified  # unchanged
    dialog.current.setText(ADMIN_PASS)
    dialog.change()
    assert dialog.result() == 1 and dialog.resealed == 0
    assert seeded_workspace.sign_in(ADMIN, NEW_PASS).verified
    assert _actions(seeded_workspace, ADMIN)[-1] == (ADMIN, "change-passphrase")


def test_a_reviewer_changing_their_passphrase_reseals_their_signing_key(qtbot, open_window, demo_ws, boxes) -> None:
    from workbench.services.demo_workspace import REVIEWER, REVIEWER_PASSPHRASE
    from workbench.services.signing_identity import unlock_signer

    window = open_window(demo_ws, REVIEWER)
    dialog = ChangePassphraseDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.current.setText(REVIEWER_PASSPHRASE)
    dialog.passphrase.first.setText(NEW_PASS)
    dialog.passphrase.again.setText(NEW_PASS)
    dialog.change()
    assert dialog.result() == 1 and dialog.resealed >= 1
    with demo_ws.unit_of_work(REVIEWER, write=False, passphrase=NEW_PASS) as uow:
        unlocked = unlock_signer(uow, REVIEWER, NEW_PASS)
    assert unlocked.row_id is not None  # the stored key opens with the new passphrase (not a new key)


def test_a_reason_keeps_the_user_name_as_it_is_spelt(qtbot, window, boxes) -> None:
    dialog = UsersDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.select_user(ADMIN)
    tip = dialog.set_role.toolTip()
    assert tip.startswith(f"User {ADMIN} is the workspace's only admin.") and ADMIN.capitalize() not in tip


def test_the_add_dialog_says_what_the_service_does_about_a_missing_passphrase(qtbot, window, seeded_workspace,
                                                                              boxes) -> None:
    from workbench.gui.users_dialog import PASSPHRASE_NOTE

    add = AddUserDialog(window.ctx, window)
    qtbot.addWidget(add)
    words = add.passphrase_note.text()
    assert words == PASSPHRASE_NOTE and "optional" in words and "need one" not in words
    assert "sets one themselves" in words and "Change my passphrase" in words
    add.username.setText("re.viewer")
    add.role.setCurrentIndex(add.role.findData("reviewer"))
    add.add()  # no passphrase: added, as the words say
    assert add.result() == 1 and add.added is not None and not add.added.has_passphrase
    assert _user(seeded_workspace, "re.viewer") == ("re.viewer", "reviewer", True)
