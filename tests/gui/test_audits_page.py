"""The audits page on the demo workspace: rounds and scores, the case editor, the fieldwork workbook, agreement."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from tests.gui.conftest import wait_for_workers
from workbench.services import fieldwork
from workbench.services.demo_workspace import ADMIN as DEMO_ADMIN
from workbench.services.demo_workspace import OFFICER
from workbench.store.models import Response

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, open_window, demo_ws):
    w = open_window(demo_ws, OFFICER)
    w.show_page("Audits")
    wait_for_workers(qtbot, w)  # the rounds are read in a worker
    return w


def _select(qtbot, window, title: str, round_no: int) -> bool:
    """Select a round and wait for its cases (read in a worker)."""
    ok = window.audits.select_round(title, round_no)
    wait_for_workers(qtbot, window)
    return ok


def _response(ws, case_id: int, key: str) -> Response:
    with ws.unit_of_work(OFFICER, write=False) as uow:
        row = uow.session.scalar(select(Response).where(Response.case_id == case_id, Response.criterion_key == key,
                                                        Response.role == "primary"))
        assert row is not None, f"case {case_id} has a primary answer to {key}"
        uow.session.expunge(row)
        return row


def test_the_audits_model_passes_the_model_tester(qtmodeltester, window) -> None:
    from workbench.gui.audits_model import COLUMNS
    from workbench.gui.qt import Qt

    page = window.audits
    assert page.model.rowCount() == 4
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.cases.model)
    assert [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))] == [
        "Title", "Template", "Round", "Status", "Cases", "Compliance (95 % interval)", "Target", "RAG"]


def test_attendance_round_1_shows_49_of_82_and_59_8_percent(qtbot, window) -> None:
    from workbench.gui.audits_model import COMPLIANCE, RAG
    from workbench.gui.qt import QLabel

    page = window.audits
    assert _select(qtbot, window, "Response attendance", 1)
    row = page.model.row_of(page.current.info.id)
    assert page.model.index(row, COMPLIANCE).data() == "59.8 % (48.9 – 69.7 %)"
    assert page.model.index(row, RAG).data() == "Red"  # the colour never speaks alone
    text = page.score.text()
    assert "59.8 %" in text and "49 of 82 complete cases compliant" in text
    assert "Inspection baseline: 49 of 82" in text
    assert page.score.findChild(QLabel, "ragTag").text() == "Red"
    assert page.score.findChild(QLabel, "ragTag").property("tone") == "red"
    assert "below the target of 75 %" in page.score.findChild(QLabel, "ragReason").text()
    assert [r[0] for r in page.score.rounds.texts()] == ["1", "2"]  # the trend across rounds


def test_round_2_compares_with_the_baseline_in_words(qtbot, window) -> None:
    from workbench.gui.qt import QLabel

    page = window.audits
    assert _select(qtbot, window, "Response attendance", 2)
    comparison = page.score.findChild(QLabel, "comparison").text()
    assert comparison.startswith("'Was the incident attended within the force's target")  # like with like
    assert "improved from 59.8 % to 91.5 %; the sample confirms an improvement" in comparison
    assert page.score.findChild(QLabel, "ragTag").text() == "Green"  # 54 of 59 attended in time: bound 83 %
    assert page.cases.model.rowCount() == 82
    assert page.cases.count.text() == "82 cases in use · 82 complete"


def test_recording_answers_in_the_case_editor_writes_the_responses(qtbot, window, demo_ws, monkeypatch) -> None:
    from workbench.gui.case_editor import CaseEditorDialog
    from workbench.gui.qt import QComboBox, QDialog, QLabel

    page = window.audits
    assert _select(qtbot, window, "Response attendance", 2)
    page.tabs.setCurrentIndex(1)
    compliant = next(r for r in page.cases.model.rows() if r.result == "compliant")
    from workbench.gui.cases_model import ANSWERED

    # a complete case needs nothing more: not "7 of 8", which reads as unfinished
    assert compliant.texts[ANSWERED] == f"{compliant.case.answered} answered"
    assert page.cases.select_case(compliant.case.id)
    assert "nothing more is needed for a result" in page.cases.hint.text()
    seen: list[CaseEditorDialog] = []

    def answer(dialog: CaseEditorDialog) -> int:
        seen.append(dialog)
        dialog.editors["thrive_recorded"].set_value("no")
        dialog.editors["minutes_to_arrival"].set_value("14.5")
        dialog.comment.setPlainText("THRIVE+ not in the log; checked with the control room")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(CaseEditorDialog, "exec", answer)
    page.cases.record.click()
    wait_for_workers(qtbot, window)  # rescored in a worker
    editor = seen[0]
    combo = editor.editors["thrive_recorded"].widget
    assert isinstance(combo, QComboBox) and combo.count() == 4  # not answered, yes, no, n/a
    computed = editor.findChild(QLabel, "computedValue-attended_within_target")
    assert computed is not None and "attended_within_target" not in editor.editors  # shown, not editable
    thrive = _response(demo_ws, compliant.case.id, "thrive_recorded")
    assert (thrive.value, thrive.answered_by) == ("no", OFFICER)
    assert thrive.comment == "THRIVE+ not in the log; checked with the control room"
    minutes = _response(demo_ws, compliant.case.id, "minutes_to_arrival")
    assert minutes.value == "14.5"
    assert "65 of 82 complete cases compliant" in page.score.text()  # rescored
    assert page.cases.selected().case.id == compliant.case.id
    assert page.cases.selected().result == "not compliant"


def test_a_conflicting_workbook_is_shown_and_nothing_is_written(qtbot, window, demo_ws, tmp_path, monkeypatch,
                                                                boxes) -> None:
    from workbench.gui.fieldwork_import_dialog import FieldworkImportDialog
    from workbench.gui.qt import QDialog, QFileDialog

    page = window.audits
    assert _select(qtbot, window, "Response attendance", 2)
    out = tmp_path / "fieldwork.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.export.click()
    wait_for_workers(qtbot, window)
    assert out.exists() and boxes[-1].title.startswith("Fieldwork workbook exported")
    wb = openpyxl.load_workbook(out)
    sheet = wb["Cases"]
    cols = {str(c.value).removesuffix(" (critical)"): get_column_letter(c.column) for c in sheet[1] if c.column}
    ref = sheet["A3"].value
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        case = fieldwork.find_case(uow, page.current.info.id, ref)
    with demo_ws.unit_of_work(DEMO_ADMIN) as uow:  # meanwhile, in the workspace
        fieldwork.record_response(uow, case.id, "vulnerability_checks", "n/a", "no checks needed: duplicate call")
    sheet[f"{cols['vulnerability_checks']}3"] = "no"  # and, offline, a different answer
    wb.save(out)

    shown: list[FieldworkImportDialog] = []

    def look(dialog: FieldworkImportDialog) -> int:
        shown.append(dialog)
        return int(QDialog.DialogCode.Rejected.value)

    monkeypatch.setattr(FieldworkImportDialog, "exec", look)
    page.check_workbook(out)
    wait_for_workers(qtbot, window)
    dialog = shown[0]
    assert dialog.counts["Conflicts"] == "1" and not dialog.apply.isEnabled()
    assert dialog.conflicts.texts()[0][:2] == [ref, "vulnerability checks"]
    assert dialog.conflicts.texts()[0][3] == "n/a" and dialog.conflicts.texts()[0][5] == "no"
    verdict = dialog.findChild(type(dialog.advice), "importVerdict")
    assert verdict is not None and "nothing will be written" in verdict.text()
    assert _response(demo_ws, case.id, "vulnerability_checks").value == "n/a"  # the workspace kept its answer


def test_a_clean_workbook_is_imported_after_the_dry_run(qtbot, window, demo_ws, tmp_path, monkeypatch, boxes) -> None:
    from workbench.gui.fieldwork_import_dialog import FieldworkImportDialog
    from workbench.gui.qt import QDialog, QFileDialog

    page = window.audits
    assert _select(qtbot, window, "Response attendance", 1)
    out = tmp_path / "round1.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.export.click()
    wait_for_workers(qtbot, window)
    wb = openpyxl.load_workbook(out)
    sheet = wb["Cases"]
    cols = {str(c.value).removesuffix(" (critical)"): get_column_letter(c.column) for c in sheet[1] if c.column}
    ref = sheet["A4"].value
    sheet[f"{cols['minutes_to_arrival']}4"] = 42
    wb.save(out)
    counts: list[dict[str, str]] = []

    def accept(dialog: FieldworkImportDialog) -> int:
        counts.append(dialog.counts)
        assert dialog.apply.isEnabled()
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(FieldworkImportDialog, "exec", accept)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    page.import_.click()
    wait_for_workers(qtbot, window)
    assert counts[0]["Would change"] == "1" and counts[0]["Conflicts"] == "0"
    assert boxes[-1].text == "Recorded 1 answer from round1.xlsx."  # one answer, not "1 answers"
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        case = fieldwork.find_case(uow, page.current.info.id, ref)
    assert _response(demo_ws, case.id, "minutes_to_arrival").value == "42"


def test_mark_unusable_needs_a_reason_and_brings_in_a_reserve(qtbot, window, demo_ws, monkeypatch, boxes) -> None:
    from workbench.gui.comment_dialog import CommentDialog
    from workbench.gui.qt import QDialog

    page = window.audits
    assert _select(qtbot, window, "Response attendance", 2)
    first = page.cases.model.case(0).case
    page.cases.select_case(first.id)
    empty_ok: list[bool] = []

    def give_reason(dialog: CommentDialog) -> int:
        empty_ok.append(dialog.ok.isEnabled())
        dialog.edit.setPlainText("Wrong incident type: a duplicate of another call")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(CommentDialog, "exec", give_reason)
    page.cases.unusable.click()
    wait_for_workers(qtbot, window)
    assert empty_ok == [False]  # no reason, no button
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        stored = next(c for c in fieldwork.list_cases(uow, page.current.info.id) if c.id == first.id)
    assert (stored.state, stored.unusable_reason) == ("unusable", "Wrong incident type: a duplicate of another call")
    assert boxes[-1].text == f"Case {first.ref} was set aside as unusable."
    assert page.cases.selected().case.replaces_ref == first.ref
    assert page.cases.count.text().endswith("1 set aside")


def test_the_da_audit_shows_the_grade_agreement_and_kappa(qtbot, window) -> None:
    page = window.audits
    assert _select(qtbot, window, "DA primary", 1)
    assert page.tabs.tabText(2) == "Agreement"
    text = page.agreement.text()
    assert "69 of 80 cases graded the same (86.2 %)" in text
    assert "Cohen's kappa 0.73 (substantial agreement beyond chance)" in text
    assert "Standard | 48 | 6 | 1 | 55" in text
    assert page.score.strata.isVisibleTo(page.score)  # stratified by risk grade
    assert [r[0] for r in page.score.strata.texts()] == ["High", "Medium", "Standard"]
    assert _select(qtbot, window, "Use-of-force", 1) and page.tabs.tabText(2) == "Agreement (none)"


def test_a_viewer_can_read_but_not_record(qtbot, open_window, demo_ws) -> None:
    from workbench.services import users
    from workbench.services.demo_workspace import ADMIN_PASSPHRASE

    with demo_ws.unit_of_work(DEMO_ADMIN, passphrase=ADMIN_PASSPHRASE) as uow:
        users.add_user(uow, "view.only", "viewer")
    window = open_window(demo_ws, "view.only")
    window.show_page("Audits")
    wait_for_workers(qtbot, window)
    page = window.audits
    assert _select(qtbot, window, "Response attendance", 2)
    page.cases.select_case(page.cases.model.case(0).case.id)
    assert not page.export.isEnabled() and not page.import_.isEnabled() and not page.cases.unusable.isEnabled()
    assert page.cases.hint.text().startswith("Read only")
    dialog = page.cases.editor_for(page.cases.selected())
    assert not dialog.save.isEnabled()


def test_second_review_is_refused_to_the_first_auditor_and_a_refused_save_keeps_the_answers(
        qtbot, window, open_window, demo_ws, monkeypatch, boxes) -> None:
    from workbench.gui.case_editor import CaseEditorDialog
    from workbench.gui.qt import QDialog
    from workbench.services.demo_workspace import ADMIN_PASSPHRASE

    # the officer gave the first answers of round 2: the service says they may not give the second ones
    page = window.audits
    assert _select(qtbot, window, "Response attendance", 2)
    page.tabs.setCurrentIndex(1)
    row = page.cases.model.case(1)
    assert page.cases.select_case(row.case.id)
    assert not page.cases.second.isEnabled()
    assert page.cases.second.toolTip().startswith("You gave ") and "four eyes" in page.cases.second.toolTip()
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        assert page.cases.second.toolTip() == fieldwork.second_review_decision(uow, row.case.id).reason

    # another person may; if their save is refused all the same, what they typed is kept and shown again
    admin = open_window(demo_ws, DEMO_ADMIN, ADMIN_PASSPHRASE)
    admin.show_page("Audits")
    wait_for_workers(qtbot, admin)
    other = admin.audits
    assert _select(qtbot, admin, "Response attendance", 2)
    assert other.cases.select_case(row.case.id)
    assert other.cases.second.isEnabled()
    seen: list[tuple[str | None, str]] = []

    def answer(dialog: CaseEditorDialog) -> int:
        if not seen:
            dialog.editors["thrive_recorded"].set_value("no")
            dialog.editors["vulnerability_checks"].set_value("yes")
            with demo_ws.unit_of_work(DEMO_ADMIN) as uow:  # meanwhile the admin answers it first-hand too
                fieldwork.record_response(uow, row.case.id, "thrive_recorded", "yes", "re-checked the log",
                                          expected_version=_response(demo_ws, row.case.id, "thrive_recorded").version)
            seen.append((dialog.editors["thrive_recorded"].value(), dialog.problem.text()))
            return int(QDialog.DialogCode.Accepted.value)
        seen.append((dialog.editors["thrive_recorded"].value(), dialog.problem.text()))
        assert dialog.editors["vulnerability_checks"].value() == "yes"
        return int(QDialog.DialogCode.Rejected.value)

    monkeypatch.setattr(CaseEditorDialog, "exec", answer)
    other.cases.second.click()
    wait_for_workers(qtbot, admin)
    assert "you gave the primary answer" in boxes[-1].text
    assert len(seen) == 2 and seen[1][0] == "no"  # the same editor again, the answers as typed
    assert "Not saved" in seen[1][1] and "kept" in seen[1][1]
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        assert uow.session.scalar(select(Response).where(Response.case_id == row.case.id,
                                                         Response.role == "second")) is None  # all or nothing
