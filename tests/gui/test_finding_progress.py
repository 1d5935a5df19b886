"""Beside a finding: readiness with its reasons, the action plan, evidence and the self-assessment review."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import noted
from tests.gui.conftest import show, wait_settled
from workbench.services import actions, assessments, evidence, findings
from workbench.services.demo_workspace import OFFICER, REVIEWER, REVIEWER_PASSPHRASE
from workbench.store.models import ChangeLogEntry

pytestmark = pytest.mark.gui


def _finding_id(ws, ref: str) -> int:
    with ws.unit_of_work(OFFICER, write=False) as uow:
        return findings.find_by_ref(uow, f"PEEL 2023-25 / {ref}").stored_id


def _progress(open_window, ws, user: str, ref: str):
    window = open_window(ws, user)
    show(window, "Findings")
    page = window.findings
    assert page.select_ref("PEEL 2023-25", ref)
    page.detail_tabs.setCurrentIndex(1)
    wait_settled(window)  # the readiness panel reads in a worker
    return window, page.progress


def _accept_with(monkeypatch, cls, fill) -> None:
    from workbench.gui.qt import QDialog

    def run(dialog) -> int:
        fill(dialog)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(cls, "exec", run)


def test_readiness_shows_the_rating_and_every_reason(open_window, demo_ws) -> None:
    from workbench.gui.qt import QLabel

    _, progress = _progress(open_window, demo_ws, OFFICER, "AFI 5")
    rating = progress.findChild(QLabel, "readinessRating")
    assert (rating.text(), rating.property("tone")) == ("Partly ready", "amber")
    text = progress.text()
    for reason in ("Response attendance and grading round 2 (Was the incident attended within the force's target "
                   "for its grade and area?): 54 of 59, 91.5 % [81.6 %, 96.3 %] vs target 75 %: green",
                   "2 of 3 actions done", "2 evidence items attached", "Self-assessment approved"):
        assert reason in text
    assert "Revised grading and deployment policy v2" in text
    assert progress.assessment.state.text() == "Approved (signed off)"
    assert "Agreed: the re-audit evidences a real improvement." in text


def test_adding_an_action_and_changing_its_status(qtbot, open_window, demo_ws, monkeypatch) -> None:
    from workbench.gui.action_dialog import ActionDialog
    from workbench.gui.qt import QComboBox, QDate

    _, progress = _progress(open_window, demo_ws, OFFICER, "AFI 7")
    fid = _finding_id(demo_ws, "AFI 7")

    def fill(d: ActionDialog) -> None:
        d.title.setText("Allocation policy review with the crime bureau")
        d.owner.setText("DI Shaw")
        d.due.setDate(QDate(2030, 3, 31))
        d.note.setPlainText("Terms of reference agreed")

    _accept_with(monkeypatch, ActionDialog, fill)
    progress.action_plan.add.click()
    wait_settled(progress.window())
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        added = [a for a in actions.list_actions(uow, fid) if a.title.startswith("Allocation policy")]
    assert [(a.owner, a.due_date, a.status, a.progress_note) for a in added] == [
        ("DI Shaw", date(2030, 3, 31), "not started", "Terms of reference agreed")]
    combo = progress.findChild(QComboBox, f"actionStatus-{added[0].id}")
    combo.setCurrentText("done")  # saved at once (once the signal has returned)

    def stored():
        with demo_ws.unit_of_work(OFFICER, write=False) as uow:
            return next(a for a in actions.list_actions(uow, fid) if a.id == added[0].id)

    qtbot.waitUntil(lambda: stored().status == "done", timeout=5000)
    wait_settled(progress.window())
    assert stored().completed_on == date.today()
    assert f"1 of {len(progress.action_plan.shown)} done" in progress.action_plan.summary.text()


def test_adding_and_exporting_evidence(qtbot, open_window, demo_ws, tmp_path, monkeypatch, boxes) -> None:
    from tests.gui.conftest import wait_for_workers
    from workbench.gui.evidence_dialog import EvidenceDialog
    from workbench.gui.qt import QDate, QFileDialog, QPushButton

    window, progress = _progress(open_window, demo_ws, OFFICER, "AFI 7")
    fid = _finding_id(demo_ws, "AFI 7")
    source = tmp_path / "allocation-minutes.txt"
    source.write_text("Crime allocation meeting, 3 March: all 14 cases allocated on the day.\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))

    def fill(d: EvidenceDialog) -> None:
        assert d.title.text() == "Allocation minutes"  # proposed from the file name
        d.title.setText("Crime allocation meeting minutes, March")
        d.when.setDate(QDate(2026, 3, 3))
        d.source.setText("Crime bureau")

    _accept_with(monkeypatch, EvidenceDialog, fill)
    progress.evidence.add.click()
    wait_for_workers(qtbot, window)
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        items = evidence.list_evidence(uow, fid)
    assert [(e.title, e.evidence_date, e.source, e.filename) for e in items] == [
        ("Crime allocation meeting minutes, March", date(2026, 3, 3), "Crime bureau", "allocation-minutes.txt")]
    assert "Crime allocation meeting minutes, March" in progress.text()
    out = tmp_path / "copy.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    progress.findChild(QPushButton, f"exportEvidence-{items[0].id}").click()
    wait_for_workers(qtbot, window)
    assert out.read_bytes() == source.read_bytes()
    assert boxes[-1].title.startswith("Evidence exported")


def test_a_self_assessment_is_drafted_submitted_and_signed_off(open_window, demo_ws, monkeypatch) -> None:
    from workbench.gui.passphrase_dialog import PassphraseDialog

    fid = _finding_id(demo_ws, "AFI 7")
    _, mine = _progress(open_window, demo_ws, OFFICER, "AFI 7")
    panel = mine.assessment
    assert panel.state.text() == "Not started" and not panel.save.isEnabled()
    assert not panel.approve.isVisibleTo(panel)  # an officer does not review
    panel.narrative.setPlainText("Investigations are now allocated by the crime bureau within one day.")
    panel.status.setCurrentText("pending sign-off")
    assert panel.save.isEnabled()
    panel.save.click()
    wait_settled(panel.window())
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        sa = assessments.get_assessment(uow, fid)
    assert (sa.state, sa.preparer, sa.proposed_status) == ("draft", OFFICER, "pending sign-off")
    from workbench.gui import confirm

    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda _p, _t, question, consequence, *_a, **_k: noted(asked, consequence, True))
    panel.submit.click()
    wait_settled(panel.window())
    assert "cannot be edited until they return it" in asked[0]
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        assert assessments.get_assessment(uow, fid).state == "submitted"

    _, theirs = _progress(open_window, demo_ws, REVIEWER, "AFI 7")
    review = theirs.assessment
    assert review.approve.isEnabled() and review.return_.isEnabled() and review.narrative.isReadOnly()

    def sign(d: PassphraseDialog) -> None:
        d.secret.setText(REVIEWER_PASSPHRASE)
        d.note.setPlainText("Evidence is convincing")

    _accept_with(monkeypatch, PassphraseDialog, sign)
    review.approve.click()
    wait_settled(review.window())
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        sa = assessments.get_assessment(uow, fid)
        status = findings.get_finding(uow, fid).status
    assert sa.state == "approved" and [(h.reviewer, h.decision, h.comment) for h in sa.history] == [
        (REVIEWER, "approved", "Evidence is convincing")]
    assert status == "pending sign-off"
    assert review.state.text() == "Approved (signed off)" and "Evidence is convincing" in theirs.text()


def test_a_wrong_passphrase_is_refused_and_logged(open_window, demo_ws, monkeypatch, boxes) -> None:
    from workbench.gui.passphrase_dialog import PassphraseDialog

    fid = _finding_id(demo_ws, "AFI 7")
    with demo_ws.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, fid, "Allocation now within a day.", "in progress")
        assessments.submit_assessment(uow, fid)
    _, progress = _progress(open_window, demo_ws, REVIEWER, "AFI 7")
    _accept_with(monkeypatch, PassphraseDialog, lambda d: d.secret.setText("guess"))
    progress.assessment.approve.click()
    wait_settled(progress.window())
    assert boxes[-1].title.startswith("Not allowed") and "wrong sign-off passphrase" in boxes[-1].text
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        assert assessments.get_assessment(uow, fid).state == "submitted"
        refused = uow.session.scalars(select(ChangeLogEntry.actor).where(
            ChangeLogEntry.action == "approve-refused")).all()
    assert refused == [REVIEWER]


def test_returning_needs_a_comment_and_the_preparer_cannot_review(open_window, demo_ws, monkeypatch) -> None:
    from workbench.gui.comment_dialog import CommentDialog

    _, returned = _progress(open_window, demo_ws, REVIEWER, "AFI 6")  # the demo returned this one
    assert returned.assessment.state.text() == "Returned for changes"
    assert "Add the monthly call-back volumes and the web-chat take-up." in returned.text()

    fid = _finding_id(demo_ws, "AFI 7")
    with demo_ws.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, fid, "Allocation now within a day.", "in progress")
        assessments.submit_assessment(uow, fid)
    _, progress = _progress(open_window, demo_ws, REVIEWER, "AFI 7")
    asked: list[bool] = []

    def comment(d: CommentDialog) -> None:
        asked.append(d.ok.isEnabled())
        d.edit.setPlainText("Show the allocation times for the last three months")

    _accept_with(monkeypatch, CommentDialog, comment)
    progress.assessment.return_.click()
    wait_settled(progress.window())
    assert asked == [False]  # no comment, no Return button
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        sa = assessments.get_assessment(uow, fid)
    assert sa.last_review is not None
    assert (sa.state, sa.last_review.comment) == ("returned", "Show the allocation times for the last three months")
    assert progress.assessment.state.text() == "Returned for changes"

    other = _finding_id(demo_ws, "AFI 8")
    with demo_ws.unit_of_work(REVIEWER) as uow:  # a reviewer who prepares one cannot also sign it
        assessments.save_assessment(uow, other, "Crime recording audit planned.", "in progress")
        assessments.submit_assessment(uow, other)
    _, own = _progress(open_window, demo_ws, REVIEWER, "AFI 8")
    assert not own.assessment.approve.isEnabled() and "four eyes" in own.assessment.note.text()


def test_a_card_reused_for_another_action_keeps_nothing_of_the_one_before(open_window, demo_ws):
    """The cards are filled again for the next finding: the Overdue tag, the progress note and the
    names go with the item, and a status box left open or focused lets go."""
    from workbench.gui.finding_actions import ActionsPanel
    from workbench.gui.qt import QComboBox
    from workbench.services.actions import ActionInfo

    window, _ = _progress(open_window, demo_ws, OFFICER, "AFI 6")
    panel = ActionsPanel(window.ctx, window)
    panel.show()
    late = ActionInfo(901, 1, 1, "AFI 1", "Late action", "Supt A", date(2020, 1, 1), "in progress",
                      "Supplier delay", None, True)
    calm = ActionInfo(902, 1, 2, "AFI 2", "Calm action", "Supt B", None, "not started", "", None, False)
    panel.show_actions(1, "AFI 1", [late])
    card: Any = panel._cards.shown[0]
    assert card.overdue.isVisibleTo(panel) and card.note.text() == "Supplier delay"
    card.status.setFocus()
    panel.show_actions(2, "AFI 2", [calm])
    assert panel._cards.shown == [card]  # the same card, filled again
    assert not card.overdue.isVisibleTo(panel) and not card.note.isVisibleTo(panel)
    assert card.objectName() == "action-902" and panel.findChild(QComboBox, "actionStatus-901") is None
    assert card.status.currentText() == "not started" and not card.status.hasFocus()
    assert card.status.accessibleName() == "Status of action Calm action"


def test_a_disabled_self_assessment_control_says_why(open_window, demo_ws) -> None:
    """A fresh draft cannot be saved until something is written nor submitted without a narrative, and
    the disabled buttons say so."""
    _, progress = _progress(open_window, demo_ws, OFFICER, "AFI 2")  # no self-assessment yet
    panel = progress.assessment
    panel.narrative.setPlainText("")
    assert not panel.submit.isEnabled() and panel.submit.toolTip() == "Write the narrative first."
    assert not panel.save.isEnabled() and panel.save.toolTip().startswith("Nothing to save")
    panel.narrative.setPlainText("Weekly triage now runs.")
    assert panel.submit.isEnabled() and panel.save.isEnabled() and not panel.submit.toolTip()
