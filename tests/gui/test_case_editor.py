"""The case editor: computed working shown, overriding a computed answer with a reason (in the change
log), keyboard-first entry (buddies, Y/N/A keys, tab order), Save and next, the second reviewer's
answers beside the first ones with the agreement, and Cancel asking before answers are lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import noted
from tests.gui.conftest import wait_for_workers
from workbench.services import fieldwork
from workbench.services.demo_workspace import OFFICER
from workbench.store.models import ChangeLogEntry, Response

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, open_window, demo_ws):
    w = open_window(demo_ws, OFFICER)
    w.show_page("Audits")
    wait_for_workers(qtbot, w)  # the rounds, then the round's cases, are read in workers
    p = w.audits
    assert p.select_round("Response attendance", 2)
    wait_for_workers(qtbot, w)
    p.tabs.setCurrentIndex(1)
    return p


def _editor(page, row=None, role="primary"):
    row = row or page.cases.model.case(0)
    assert page.cases.select_case(row.case.id)
    dialog = page.cases.editor_for(row, role)
    assert dialog is not None
    return dialog


def test_the_computed_working_is_shown_and_an_override_needs_a_reason(qtbot, page, demo_ws, monkeypatch) -> None:
    from workbench.gui.case_editor import CaseEditorDialog
    from workbench.gui.qt import QDialog, QLabel

    row = page.cases.model.case(0)
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        stored = fieldwork.case_answers(uow, row.case.audit_id)[row.case.id]["attended_within_target"]
    dialog = _editor(page, row)
    working = dialog.findChild(QLabel, "computedWorking-attended_within_target")
    assert stored.computed and stored.working and working.text().startswith(stored.working)
    computed = dialog.computed["attended_within_target"]
    assert not computed.editor.widget.isVisibleTo(dialog)  # the override is hidden until asked for
    computed.override.setChecked(True)
    computed.editor.set_value("no" if stored.value == "yes" else "yes")
    dialog.accept()  # no reason: refused in place
    assert dialog.result() != QDialog.DialogCode.Accepted.value and "needs your answer and a reason" in \
        dialog.problem.text()
    dialog.done(0)

    def fill(d: CaseEditorDialog) -> int:
        c = d.computed["attended_within_target"]
        c.override.setChecked(True)
        c.editor.set_value("no" if stored.value == "yes" else "yes")
        c.reason.setText("BWV shows the unit on scene before the CAD arrival time")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(CaseEditorDialog, "exec", fill)
    page.cases.record.click()
    wait_for_workers(qtbot, page.window())
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        answer = fieldwork.case_answers(uow, row.case.audit_id)[row.case.id]["attended_within_target"]
        entry = uow.session.scalars(select(ChangeLogEntry.after).where(
            ChangeLogEntry.entity == "response", ChangeLogEntry.action == "record")
            .order_by(ChangeLogEntry.seq.desc())).first()
    assert not answer.computed and answer.value != stored.value
    assert answer.comment == "BWV shows the unit on scene before the CAD arrival time"
    assert entry["override"] is True and entry["comment"] == answer.comment and entry["case"] == row.case.ref
    reopened = _editor(page, page.cases.selected())
    text = reopened.findChild(QLabel, "computedWorking-attended_within_target").text()
    assert text.startswith(f"Answered by hand ({OFFICER}): BWV shows") and "the rule gives" in text
    reopened.done(0)


def test_keyboard_first_entry(qtbot, page) -> None:
    from workbench.gui.qt import QApplication, QLabel, Qt

    dialog = _editor(page)
    dialog.show()
    qtbot.waitExposed(dialog)
    thrive = dialog.editors["thrive_recorded"].widget
    question = dialog.findChild(QLabel, "question-thrive_recorded")
    assert question.buddy() is thrive and thrive.accessibleName().startswith(question.text()[:40])
    override = dialog.computed["attended_within_target"].override
    assert dialog.findChild(QLabel, "question-attended_within_target").buddy() is override
    assert override.accessibleName().startswith("Override:")
    thrive.setFocus()
    qtbot.waitUntil(thrive.hasFocus)
    qtbot.keyClick(thrive, Qt.Key.Key_N)
    assert dialog.editors["thrive_recorded"].value() == "no"
    assert QApplication.focusWidget() is not thrive  # on to the next question
    qtbot.keyClick(thrive, Qt.Key.Key_A)
    assert dialog.editors["thrive_recorded"].value() == "n/a"
    qtbot.keyClick(thrive, Qt.Key.Key_Delete)
    assert dialog.editors["thrive_recorded"].value() is None
    shown = [dialog.editors[k].widget if k in dialog.editors else dialog.computed[k].override for k in dialog._order]
    shown[0].setFocus()
    qtbot.waitUntil(shown[0].hasFocus)
    visited = []
    for _ in range(len(shown) + 1):  # Tab goes down the questions, then to the comment
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert visited == [*shown[1:], dialog.comment, dialog.save_next]
    dialog.done(0)


def test_save_and_next_goes_on_to_the_following_case(qtbot, page, demo_ws, monkeypatch) -> None:
    from workbench.gui.case_editor import CaseEditorDialog
    from workbench.gui.qt import QDialog

    opened: list[str] = []

    def answer(d: CaseEditorDialog) -> int:
        opened.append(d.case.ref)
        if len(opened) < 3:
            d.editors["thrive_recorded"].set_value("n/a")
            d.go_next = True
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(CaseEditorDialog, "exec", answer)
    first = page.cases.model.case(0)
    page.cases.select_case(first.case.id)
    page.cases.record.click()
    wait_for_workers(qtbot, page.window())
    refs = [page.cases.model.case(i).case.ref for i in range(3)]
    assert opened == refs
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        got = fieldwork.case_answers(uow, first.case.audit_id)
        values = [got[page.cases.model.case(i).case.id]["thrive_recorded"].value for i in range(2)]
    assert values == ["n/a", "n/a"]
    assert page.cases.selected().case.ref == refs[2]


def test_the_second_review_sits_beside_the_first_answers(qtbot, open_window, demo_ws, monkeypatch, boxes) -> None:
    from workbench.gui.case_editor import CaseEditorDialog
    from workbench.gui.qt import QDialog, QLabel
    from workbench.services.demo_workspace import ADMIN as DEMO_ADMIN
    from workbench.services.demo_workspace import ADMIN_PASSPHRASE

    # the officer gave the first answers, so another person (the demo admin) gives the second review
    w = open_window(demo_ws, DEMO_ADMIN, ADMIN_PASSPHRASE)
    w.show_page("Audits")
    wait_for_workers(qtbot, w)
    page = w.audits
    assert page.select_round("Response attendance", 2)
    wait_for_workers(qtbot, w)
    page.tabs.setCurrentIndex(1)
    row = page.cases.model.case(1)
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        first = fieldwork.case_answers(uow, row.case.audit_id)[row.case.id]["thrive_recorded"]
    assert page.cases.select_case(row.case.id)
    dialog = page.cases.editor_for(page.cases.selected(), "second")
    assert "attended_within_target" not in dialog.editors and not dialog.computed  # rules are not re-checked
    note = dialog.findChild(QLabel, "agreement-thrive_recorded")
    assert note.text() == "The first answer is shown once you have answered."  # blind first
    dialog.done(0)
    differ = "no" if first.value == "yes" else "yes"

    def answer(d: CaseEditorDialog) -> int:
        d.editors["thrive_recorded"].set_value(differ)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(CaseEditorDialog, "exec", answer)
    page.cases.second.click()
    wait_for_workers(qtbot, w)
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        second = uow.session.scalar(select(Response).where(Response.case_id == row.case.id, Response.role == "second",
                                                           Response.criterion_key == "thrive_recorded"))
        assert second.value == differ
    assert page.cases.selected().case.second_review  # in the dip now
    again = page.cases.editor_for(page.cases.selected(), "second")
    text = again.findChild(QLabel, "agreement-thrive_recorded").text()
    assert text.startswith(f"First answer: {'Yes' if first.value == 'yes' else 'No'}") and text.endswith("differs")
    again.done(0)


def test_cancel_asks_before_typed_answers_are_lost(page, monkeypatch) -> None:
    from workbench.gui import confirm

    dialog = _editor(page)
    dialog.editors["thrive_recorded"].set_value("no" if dialog.editors["thrive_recorded"].value() != "no" else "yes")
    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda _p, _t, question, *_a, **_k: noted(asked, question, False))
    dialog.reject()
    assert asked and "Discard your unsaved answers for case" in asked[0]
    assert dialog.result() != 0 or dialog.isVisible() or asked  # kept open: nothing lost
    monkeypatch.setattr(confirm, "ask", lambda *_a, **_k: True)
    dialog.reject()
    assert dialog.result() == 0
