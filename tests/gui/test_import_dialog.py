"""The import dialog previews a report (writing nothing), imports it in a worker, and reports errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.gui.conftest import R2023
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
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    assert boxes == []
    assert len(dialog.result.added) == 12 and dialog.state.text() == "Imported"
    assert _count(sqlite_workspace, Finding) == 12
    assert not dialog.import_button.isEnabled()
    # the change signal refreshed the views
    assert window.findings.model.rowCount() == 12
    assert window.overview.stats["findings"].value.text() == "12"
    assert window.measures.model.rowCount() == dialog.result.proposed_measures > 0


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
