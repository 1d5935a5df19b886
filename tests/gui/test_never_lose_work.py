"""Typed work is never lost: edits of a finding and of a self-assessment are kept when another finding
is clicked, closing the window asks about them, and the wheel never changes an unfocused input."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent

from tests.conftest import ADMIN
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
