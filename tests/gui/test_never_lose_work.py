"""Typed work is never lost: edits of a finding and of a self-assessment are kept when another finding
is clicked, closing the window asks about them, and the wheel never changes an unfocused input."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent

from tests.conftest import ADMIN, ADMIN_PASS
from tests.gui.conftest import show, wait_settled
from workbench.services import assessments, findings

pytestmark = pytest.mark.gui


def _wheel(widget, steps: int = -3) -> None:
    from workbench.gui.qt import QApplication

    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _refs(window) -> list[int]:
    model = window.findings.model
    return [model.finding(r).id for r in range(model.rowCount())]


def test_the_wheel_never_changes_an_unfocused_combo_box(window) -> None:
    page = window.findings
    show(window, "Findings")
    first = _refs(window)[0]
    assert page.select_finding(first)
    wait_settled(window)  # the readiness panel reads in a worker
    status = page.detail.form.status
    before = status.currentIndex()
    window.activateWindow()
    page.table.setFocus()
    _wheel(status)
    _wheel(status, 3)
    assert status.currentIndex() == before
    status.setFocus()
    if status.hasFocus():  # a focused combo box still takes the wheel, as people expect
        _wheel(status)
        assert status.currentIndex() != before
    page.detail.form.discard_unsaved()  # nothing left to ask about when the window closes


def test_finding_edits_are_kept_across_findings_and_saved_on_close(window, seeded_workspace, monkeypatch) -> None:
    from workbench.gui.qt import QMessageBox

    page = window.findings
    show(window, "Findings")
    a, b = _refs(window)[:2]
    assert page.select_finding(a)
    wait_settled(window)  # the readiness panel reads in a worker
    page.detail.form.owner.setText("Supt K. Rowe, Contact Management")
    page.detail_tabs.setCurrentWidget(page.progress)
    wait_settled(window)  # shown now: the readiness panel reads the finding in a worker
    page.progress.assessment.narrative.setPlainText("Attendance improved after the new deployment model.")
    assert page.select_finding(b)
    wait_settled(window)  # the readiness panel reads in a worker
    assert page.detail.form.owner.text() != "Supt K. Rowe, Contact Management"
    assert page.progress.assessment.narrative.toPlainText() != "Attendance improved after the new deployment model."
    assert page.select_finding(a)
    wait_settled(window)  # the readiness panel reads in a worker
    assert page.detail.form.owner.text() == "Supt K. Rowe, Contact Management"
    assert page.detail.form.kept_note.isVisibleTo(page.detail.form)
    assert page.progress.assessment.narrative.toPlainText() == "Attendance improved after the new deployment model."
    assert "kept" in page.progress.assessment.note.text()
    assert page.select_finding(b)
    wait_settled(window)  # the readiness panel reads in a worker

    asked: list[str] = []

    def answer(box: QMessageBox) -> int:
        asked.append(box.text() + "\n" + box.informativeText())
        return int(QMessageBox.StandardButton.Cancel.value) if len(asked) == 1 else \
            int(QMessageBox.StandardButton.Save.value)

    monkeypatch.setattr(QMessageBox, "exec", answer)
    window.close()
    assert window.isVisible()  # Cancel: stays open, nothing lost
    assert "owner" in asked[0] and "self-assessment of" in asked[0]
    window.close()
    assert not window.isVisible()
    with seeded_workspace.unit_of_work(ADMIN, write=False) as uow:
        assert findings.get_finding(uow, a).owner == "Supt K. Rowe, Contact Management"
        saved = assessments.get_assessment(uow, a)
    assert saved.narrative == "Attendance improved after the new deployment model."


def test_discard_drops_the_kept_edits(window, seeded_workspace, monkeypatch) -> None:
    from workbench.gui.qt import QMessageBox

    page = window.findings
    show(window, "Findings")
    a, b = _refs(window)[:2]
    assert page.select_finding(a)
    wait_settled(window)  # the readiness panel reads in a worker
    page.detail.form.notes.setPlainText("to be dropped")
    assert page.select_finding(b)
    wait_settled(window)  # the readiness panel reads in a worker
    monkeypatch.setattr(QMessageBox, "exec", lambda box: int(QMessageBox.StandardButton.Discard.value))
    window.close()
    assert not window.isVisible()
    with seeded_workspace.unit_of_work(ADMIN, write=False) as uow:
        assert findings.get_finding(uow, a).notes != "to be dropped"


def test_the_wheel_guard_is_installed_for_the_whole_application(window) -> None:
    """Any unfocused spin box, in any window, lets the page scroll instead of changing."""
    from workbench.gui.qt import QApplication, QLabel, QScrollArea, QSpinBox, QVBoxLayout, QWidget
    from workbench.gui.wheel_guard import WheelGuard

    app = QApplication.instance()
    assert app is not None and app.findChild(WheelGuard, "wheelGuard") is not None
    area = QScrollArea()
    inner = QWidget()
    lay = QVBoxLayout(inner)
    spin = QSpinBox()
    spin.setValue(5)
    lay.addWidget(spin)
    for i in range(40):
        lay.addWidget(QLabel(f"line {i}"))
    area.setWidget(inner)
    area.resize(240, 120)
    area.show()
    window.activateWindow()
    _wheel(spin)
    assert spin.value() == 5 and area.verticalScrollBar().value() > 0  # the page scrolled instead
    area.close()
    area.deleteLater()


# -- a refused save, switching user or workspace, a rebuild, Ctrl+Q: typed work is never dropped -----
def _answer(asked: list[str], choice: str):
    """A QMessageBox.exec stand-in: the unsaved-work question gets `choice`, every other box Ok."""
    from workbench.gui.qt import QMessageBox

    def exec_(box: QMessageBox) -> int:
        asked.append(box.objectName() or box.text())
        if box.objectName() == "unsavedQuestion":
            return int(getattr(QMessageBox.StandardButton, choice).value)
        return int(QMessageBox.StandardButton.Ok.value)
    return exec_


def _someone_else_sets_owner(ws, finding_id: int, owner: str) -> None:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        f = findings.get_finding(uow, finding_id)
        findings.update_finding(uow, finding_id, f.version, owner=owner)


def _owner(ws, finding_id: int) -> str:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return findings.get_finding(uow, finding_id).owner


def test_closing_after_a_refused_save_stays_open_with_the_edits(window, seeded_workspace, monkeypatch) -> None:
    from workbench.gui.qt import QMessageBox

    page = window.findings
    show(window, "Findings")
    a = _refs(window)[0]
    assert page.select_finding(a)
    wait_settled(window)
    form = page.detail.form
    form.owner.setText("Supt K. Rowe")
    form.notes.setPlainText("Typed before someone else saved.")
    _someone_else_sets_owner(seeded_workspace, a, "Ch Insp Other")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", _answer(asked, "Save"))
    window.close()
    assert asked[0] == "unsavedQuestion" and len(asked) == 2  # the question, then the conflict explained
    assert window.isVisible()  # the save was refused: closing does not go on as if it had worked
    assert (form.owner.text(), form.notes.toPlainText()) == ("Supt K. Rowe", "Typed before someone else saved.")
    assert "“Ch Insp Other”" in form.kept_note.text() and _owner(seeded_workspace, a) == "Ch Insp Other"
    window.close()  # asked again; Save now puts the typed changes on their version
    assert not window.isVisible() and _owner(seeded_workspace, a) == "Supt K. Rowe"


def test_a_kept_draft_refused_on_close_is_kept_until_compared(window, seeded_workspace, monkeypatch) -> None:
    from workbench.gui.qt import QMessageBox

    page = window.findings
    show(window, "Findings")
    a, b = _refs(window)[:2]
    assert page.select_finding(a)
    wait_settled(window)
    page.detail.form.owner.setText("Supt K. Rowe")
    assert page.select_finding(b)  # a's edit is kept as a draft
    wait_settled(window)
    _someone_else_sets_owner(seeded_workspace, a, "Ch Insp Other")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", _answer(asked, "Save"))
    window.close()
    assert window.isVisible() and a in page.detail.form.drafts and _owner(seeded_workspace, a) == "Ch Insp Other"
    assert page.select_finding(a)  # opened: their version under the typed owner, and what they saved said
    wait_settled(window)
    form = page.detail.form
    assert form.owner.text() == "Supt K. Rowe" and "Someone else saved" in form.kept_note.text()
    assert "“Ch Insp Other”" in form.kept_note.text()
    form.save.click()
    assert _owner(seeded_workspace, a) == "Supt K. Rowe" and not form.unsaved_work()


def test_a_cancelled_sign_in_keeps_the_edits_and_asks_nothing(window, monkeypatch) -> None:
    from workbench.gui.qt import QMessageBox
    from workbench.gui.sign_in_dialog import SignInDialog

    page = window.findings
    show(window, "Findings")
    assert page.select_finding(_refs(window)[0])
    wait_settled(window)
    page.detail.form.owner.setText("Supt K. Rowe")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", _answer(asked, "Discard"))
    monkeypatch.setattr(SignInDialog, "exec", lambda _d: 0)  # Cancel
    findings_page = window.findings
    window.switch_user()
    assert asked == [] and window.findings is findings_page  # nothing asked, nothing switched
    assert page.detail.form.owner.text() == "Supt K. Rowe" and page.detail.form.is_dirty()


def test_switch_user_asks_once_signed_in_and_cancel_keeps_everything(window, seeded_workspace, monkeypatch) -> None:
    from workbench.gui.qt import QDialog, QMessageBox
    from workbench.gui.sign_in_dialog import SignInDialog

    page = window.findings
    show(window, "Findings")
    a = _refs(window)[0]
    assert page.select_finding(a)
    wait_settled(window)
    page.detail.form.owner.setText("Supt K. Rowe")

    def signed_in(dialog: SignInDialog) -> int:
        dialog.identity = seeded_workspace.sign_in(ADMIN, ADMIN_PASS)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(SignInDialog, "exec", signed_in)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", _answer(asked, "Cancel"))
    window.switch_user()
    assert asked == ["unsavedQuestion"] and window.findings is page and page.detail.form.owner.text() == "Supt K. Rowe"
    monkeypatch.setattr(QMessageBox, "exec", _answer(asked, "Save"))
    window.switch_user()
    assert window.findings is not page and _owner(seeded_workspace, a) == "Supt K. Rowe"


def test_opening_another_workspace_that_fails_keeps_discarded_edits(window, monkeypatch) -> None:
    """Discard is carried out only once the other workspace is open: a refused one leaves every edit."""
    from workbench.errors import WorkspaceError
    from workbench.gui.qt import QMessageBox

    page = window.findings
    show(window, "Findings")
    assert page.select_finding(_refs(window)[0])
    wait_settled(window)
    page.detail.form.notes.setPlainText("Not to be lost.")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", _answer(asked, "Discard"))

    def refused():
        raise WorkspaceError("there is no workspace here", "open another file")

    assert not window.switch_to(refused)
    assert asked[0] == "unsavedQuestion" and window.findings is page
    assert page.detail.form.notes.toPlainText() == "Not to be lost."


def test_an_admin_changing_their_own_role_is_asked_before_the_window_is_rebuilt(window, seeded_workspace,
                                                                                  monkeypatch) -> None:
    from workbench.gui import workspace_actions
    from workbench.gui.qt import QMessageBox
    from workbench.services import users

    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "sec.ond", "admin", passphrase="second admin's own passphrase")
    page = window.findings
    show(window, "Findings")
    a = _refs(window)[0]
    assert page.select_finding(a)
    wait_settled(window)
    page.detail.form.owner.setText("Supt K. Rowe")
    window.ctx.write_or_raise(lambda uow: users.set_role(uow, ADMIN, "reviewer"))  # in Workspace > Users
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", _answer(asked, "Cancel"))
    workspace_actions.after_team_change(window)
    assert asked == ["unsavedQuestion"] and window.findings is page  # not rebuilt: the edit stays
    assert page.detail.form.owner.text() == "Supt K. Rowe"
    assert "Your role is now reviewer" in window.statusBar().currentMessage()
    monkeypatch.setattr(QMessageBox, "exec", _answer(asked, "Save"))
    workspace_actions.after_team_change(window)
    assert window.findings is not page and window.ctx.user.role == "reviewer"
    assert _owner(seeded_workspace, a) == "Supt K. Rowe"


def test_quit_is_ctrl_q_on_every_platform_and_asks_about_unsaved_edits(qtbot, window, monkeypatch) -> None:
    from workbench.gui.qt import QAction, QKeySequence, QMessageBox

    quit_action = window.findChild(QAction, "quitAction")
    assert quit_action is not None
    keys = [k.toString() for k in quit_action.shortcuts()]
    assert keys == ["Ctrl+Q"] or (keys and QKeySequence.keyBindings(QKeySequence.StandardKey.Quit))
    page = window.findings
    show(window, "Findings")
    assert page.select_finding(_refs(window)[0])
    wait_settled(window)
    page.detail.form.owner.setText("Supt K. Rowe")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", _answer(asked, "Cancel"))
    quit_action.trigger()
    assert asked == ["unsavedQuestion"] and window.isVisible()
    assert page.detail.form.owner.text() == "Supt K. Rowe"
