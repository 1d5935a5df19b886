"""Signing in and switching user in the app; an export started from the app is in the change log."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.gui.conftest import wait_for_workers
from workbench.gui.sign_in_dialog import SignInDialog, identify
from workbench.services.demo_workspace import OFFICER, REVIEWER, REVIEWER_PASSPHRASE
from workbench.store.models import ChangeLogEntry

pytestmark = pytest.mark.gui


def _log(ws, entity: str, action: str) -> list[tuple[str, str]]:
    with ws.unit_of_work(None, write=False) as uow:
        rows = uow.session.execute(select(ChangeLogEntry.actor, ChangeLogEntry.entity_id).where(
            ChangeLogEntry.entity == entity, ChangeLogEntry.action == action)).all()
    return [tuple(r) for r in rows]


def test_a_pack_export_from_the_app_is_in_the_change_log(qtbot, open_window, demo_ws, tmp_path: Path,
                                                          monkeypatch, boxes) -> None:
    from workbench.gui.qt import QFileDialog

    out = tmp_path / "exported"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    window = open_window(demo_ws, OFFICER)
    window.show_page("Packs")
    wait_for_workers(qtbot, window)  # the page reads its pack versions in a worker
    assert window.packs.select_version(1)
    wait_for_workers(qtbot, window)
    assert _log(demo_ws, "pack", "export-files") == []
    window.packs.export_files()
    wait_for_workers(qtbot, window)
    assert [b.title.split(" — ")[0] for b in boxes] == ["Pack files exported"], boxes
    assert sorted(p.suffix for p in out.iterdir()) == [".pdf", ".pdf", ".xlsx", ".xlsx"]
    logged = _log(demo_ws, "pack", "export-files")
    assert logged and {actor for actor, _ in logged} == {OFFICER} and {n for _, n in logged} == {"1"}


def test_the_dialog_refuses_a_wrong_passphrase_and_signs_in_with_the_right_one(qtbot, demo_ws) -> None:
    dialog = SignInDialog(demo_ws, REVIEWER)
    qtbot.addWidget(dialog)
    dialog.secret.setText("not her passphrase at all")
    dialog.try_sign_in()
    assert dialog.identity is None and "wrong passphrase" in dialog.problem.text()
    assert ("system", REVIEWER) in _log(demo_ws, "user", "sign-in-refused")
    dialog.secret.setText(REVIEWER_PASSPHRASE)
    dialog.try_sign_in()
    assert dialog.identity is not None and dialog.identity.username == REVIEWER and dialog.identity.verified


def test_another_user_without_a_passphrase_is_not_accepted(qtbot, demo_ws) -> None:
    dialog = SignInDialog(demo_ws, REVIEWER)
    qtbot.addWidget(dialog)
    dialog.try_sign_in()  # empty passphrase, and helen.marsh is not the OS login
    assert dialog.identity is None and "not your OS login" in dialog.problem.text()


def test_signing_in_is_asked_for_anyone_but_a_plain_os_login(qtbot, demo_ws, monkeypatch) -> None:
    asked: list[str] = []

    def cancel(dialog: SignInDialog) -> int:
        asked.append(dialog.name.text())
        return 0  # Rejected

    monkeypatch.setattr(SignInDialog, "exec", cancel)
    assert identify(demo_ws, REVIEWER) is None and asked == [REVIEWER]


def test_switch_user_rebuilds_the_views_for_the_signed_in_reviewer(open_window, demo_ws) -> None:
    window = open_window(demo_ws, OFFICER)
    window.show_page("Packs")
    assert not window.packs.approve.isEnabled() or window.packs.selected() is None
    assert window.sign_in_as(demo_ws.sign_in(REVIEWER, REVIEWER_PASSPHRASE))
    assert window.username == REVIEWER and window.ctx.proven
    assert "Role: reviewer" == window.status_role.text()
    assert "not signed in" not in window.status_user.text()


def test_a_deactivated_account_is_called_that_and_who_can_reactivate_it_is_named(qtbot, demo_ws) -> None:
    from workbench.services import users
    from workbench.services.demo_workspace import ADMIN as DEMO_ADMIN
    from workbench.services.demo_workspace import ADMIN_PASSPHRASE

    with demo_ws.unit_of_work(DEMO_ADMIN, passphrase=ADMIN_PASSPHRASE) as uow:
        users.set_active(uow, REVIEWER, False)
    dialog = SignInDialog(demo_ws, REVIEWER)
    qtbot.addWidget(dialog)
    dialog.secret.setText(REVIEWER_PASSPHRASE)
    dialog.try_sign_in()
    said = dialog.problem.text()
    assert dialog.identity is None and "not registered" not in said
    assert f"account of user '{REVIEWER}' is deactivated" in said
    assert f"({DEMO_ADMIN})" in said and "reactivate it in Workspace > Users" in said
