"""The import dialog previews a report (writing nothing), imports it in a worker, and reports errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.gui.conftest import R2023, show
from workbench.store.models import Finding, Inspection

pytestmark = pytest.mark.gui


def _count(ws, model) -> int:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def _dialog(qtbot, window):
    from workbench.gui.import_dialog import ImportReportDialog

    dialog = ImportReportDialog(window.ctx, window)
    dialog.show()
    return dialog


def _preview(qtbot, dialog, path: Path) -> None:
    from workbench.gui.qt import Qt

    dialog.path.setText(str(path))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is not None and not dialog.task.running, timeout=20000)


def test_preview_then_import_the_2023_report(qtbot, open_window, sqlite_workspace, boxes) -> None:
    from workbench.gui.qt import Qt

    window = open_window(sqlite_workspace)
    dialog = _dialog(qtbot, window)
    assert not dialog.import_button.isEnabled()
    _preview(qtbot, dialog, R2023)
    assert boxes == []
    assert dialog.preview is not None and len(dialog.preview.added) == 12
    assert dialog.tree.topLevelItemCount() == 12
    assert dialog.state.text() == "Preview only"
    assert "Would add 12 findings" in dialog.summary.text() and "Norfolk Constabulary" in dialog.summary.text()
    afi5 = dialog.tree.topLevelItem(4)
    assert afi5.text(0) == "AFI 5" and afi5.text(1) == "Responding to the public"
    assert any("49 of 82" in afi5.child(i).text(2) for i in range(afi5.childCount()))
    afi12 = dialog.tree.topLevelItem(11)
    assert any(afi12.child(i).text(2).startswith("Not stated in the report") for i in range(afi12.childCount()))
    assert _count(sqlite_workspace, Finding) == 0 and _count(sqlite_workspace, Inspection) == 0  # dry run

    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.imported is not None, timeout=20000)
    assert boxes == []
    assert len(dialog.imported.added) == 12 and dialog.state.text() == "Imported"
    assert _count(sqlite_workspace, Finding) == 12
    assert not dialog.import_button.isEnabled()
    # the change signal refreshed the views (each page reads again, in a worker, once it is shown)
    show(window, "Findings")
    assert window.findings.model.rowCount() == 12
    show(window, "Overview")
    assert window.overview.stats["findings"].value.text() == "12"
    show(window, "Measures")
    assert window.measures.model.rowCount() == dialog.imported.proposed_measures > 0


def test_reimporting_says_nothing_new(qtbot, window, seeded_workspace, boxes) -> None:
    dialog = _dialog(qtbot, window)
    _preview(qtbot, dialog, R2023)
    assert boxes == []
    assert dialog.state.text() == "Nothing new"
    assert "Nothing new" in dialog.summary.text() and "12 findings" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    assert _count(seeded_workspace, Finding) == 15


def test_an_empty_file_shows_an_error_naming_it(qtbot, open_window, sqlite_workspace, boxes, tmp_path) -> None:
    window = open_window(sqlite_workspace)
    empty = tmp_path / "empty-report.txt"
    empty.write_text("")
    dialog = _dialog(qtbot, window)
    _preview(qtbot, dialog, empty)
    assert len(boxes) == 1
    assert "empty-report.txt" in boxes[0].text and boxes[0].title.startswith("Cannot do this")
    assert dialog.state.text() == "Failed" and not dialog.import_button.isEnabled()
    assert dialog.preview_button.isEnabled()  # ready to try another file
    assert _count(sqlite_workspace, Finding) == 0


def test_no_file_chosen_is_said_in_the_dialog(qtbot, window, boxes) -> None:
    dialog = _dialog(qtbot, window)
    dialog.run_preview()
    assert dialog.task is None and dialog.state.text() == "No file"
    assert "Choose a report file" in dialog.summary.text()


def test_changing_the_inputs_needs_a_new_preview(qtbot, open_window, sqlite_workspace, boxes) -> None:
    dialog = _dialog(qtbot, open_window(sqlite_workspace))
    _preview(qtbot, dialog, R2023)
    assert dialog.import_button.isEnabled()
    dialog.force.setText("Suffolk Constabulary")
    assert not dialog.import_button.isEnabled() and dialog.preview is None


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "reports"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared reports corpus is not beside the repository")


@needs_corpus
def test_encoding_choice_reaches_the_import(qtbot, open_window, sqlite_workspace, boxes) -> None:
    dialog = _dialog(qtbot, open_window(sqlite_workspace))
    _preview(qtbot, dialog, CORPUS / "gloucestershire-2024-letter-cp1252.txt")
    assert "read as Windows-1252" in dialog.warnings.text()
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("cp1252"))
    assert dialog.preview is None and dialog.chosen_encoding() == "cp1252"
    _preview(qtbot, dialog, CORPUS / "gloucestershire-2024-letter-cp1252.txt")
    assert "read as" not in dialog.warnings.text()
    coc = dialog.tree.topLevelItem(0)
    rows = {coc.child(i).text(1): coc.child(i).text(2) for i in range(coc.childCount())}
    assert rows["Inspectorate status"].startswith("Closed")
    assert any(k.startswith("Source, line") for k in rows)  # each finding beside its source text
    dialog.encoding.setEditText("no-such-codec")
    _preview(qtbot, dialog, CORPUS / "gloucestershire-2024-letter-cp1252.txt")
    assert dialog.state.text() == "Failed" and len(boxes) == 1 and "unknown text encoding" in boxes[0].text


@needs_corpus
def test_corrections_dialog_changes_what_is_imported(qtbot, open_window, sqlite_workspace, boxes, tmp_path) -> None:
    from workbench.gui.import_corrections import ImportCorrectionsDialog

    dialog = _dialog(qtbot, open_window(sqlite_workspace))
    _preview(qtbot, dialog, CORPUS / "greatermanchester-2020-coc-table.txt")
    assert dialog.correct_button.isEnabled()
    fix = ImportCorrectionsDialog(dialog.base_preview, [], dialog)
    fix.show()
    assert fix.list.count() == 4 and "Cause of concern:" in fix.source.toPlainText()
    fix.title.setText("The force does not record all reported crimes")
    fix.title_button.click()
    fix.list.setCurrentRow(2)  # CoC 2 becomes an area for improvement
    fix.kind.setCurrentIndex(fix.kind.findData("afi"))
    fix.kind_button.click()
    fix.list.setCurrentRow(3)  # its recommendation goes to CoC 1
    fix.parent_box.setCurrentIndex(1)
    fix.attach_button.click()
    fix.list.setCurrentRow(0)  # split the first cause of concern before its second sentence
    body = fix.body.toPlainText()
    cursor = fix.body.textCursor()
    cursor.setPosition(body.index("So these crimes"))
    fix.body.setTextCursor(cursor)
    fix.split_button.click()
    fix.list.setCurrentRow(2)
    fix.figures.setCurrentRow(0)
    fix.drop_figure_button.click()
    assert fix.made.count() == 5 and "Not applied" not in fix.message.text()
    refs = [fix.list.item(i).text().split("\n")[0] for i in range(fix.list.count())]
    assert refs == ["CoC 1 (Cause of concern)", "CoC 2 (Cause of concern)", "CoC 1 R1 (Recommendation) → CoC 1",
                    "AFI 1 (AFI)", "CoC 1 R2 (Recommendation) → CoC 1"]
    assert fix.grab().save(str(tmp_path / "corrections.png"))
    dialog.apply_corrections(fix.corrections)
    assert dialog.tree.topLevelItemCount() == 5 and "5 corrections" in dialog.summary.text()
    from workbench.gui.qt import Qt

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.imported is not None, timeout=20000)
    assert boxes == []
    with sqlite_workspace.unit_of_work(ADMIN, write=False) as uow:
        rows = {f.ref: f for f in uow.session.scalars(select(Finding))}
        assert rows["CoC 1"].title == "The force does not record all reported crimes"
        assert rows["CoC 2"].title.startswith("So these crimes are often not investigated")
        assert rows["AFI 1"].kind == "afi" and rows["CoC 1 R2"].parent_id == rows["CoC 1"].id
        assert rows["CoC 1 R1"].figures == []
        from workbench.store.models import ChangeLogEntry

        logged = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.action == "import corrections")).one()
        assert len(logged.after["corrections"]) == 5


def test_the_corrections_dialog_closes_with_its_own_buttons(qtbot, open_window, sqlite_workspace, boxes) -> None:
    # The list of corrections made was once kept in an attribute named `done`, hiding QDialog.done():
    # pressing "Use these corrections" or Cancel then crashed the whole application.
    from workbench.gui.import_corrections import ImportCorrectionsDialog
    from workbench.gui.qt import QDialog, QPushButton, Qt

    dialog = _dialog(qtbot, open_window(sqlite_workspace))
    _preview(qtbot, dialog, R2023)
    fix = ImportCorrectionsDialog(dialog.base_preview, [], dialog)
    fix.show()
    fix.list.setCurrentRow(0)
    fix.title.setText("A corrected title")
    fix.title_button.click()
    use = fix.findChild(QPushButton, "useCorrections")
    qtbot.mouseClick(use, Qt.MouseButton.LeftButton)
    assert fix.result() == QDialog.DialogCode.Accepted and not fix.isVisible()
    assert len(fix.corrections) == 1 and fix.made.count() == 1

    again = ImportCorrectionsDialog(dialog.base_preview, [], dialog)
    again.show()
    again.reject()
    assert again.result() == QDialog.DialogCode.Rejected and not again.isVisible()
