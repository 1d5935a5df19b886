"""Bring in your tracker from the app: the mapping with one combo per column, what happens to each row in
words and colour, nothing written until Import is confirmed, then the import runs in a worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.register.tracker_files import messy_tracker
from workbench.store.models import ChangeLogEntry, Finding, Inspection, TrackerRow

pytestmark = pytest.mark.gui


def _count(ws, model) -> int:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _open(qtbot, window, path: Path):
    from workbench.gui.tracker_dialog import TrackerImportDialog

    dialog = TrackerImportDialog(window.ctx, window)
    dialog.show()
    dialog.open_file(path)
    _settle(qtbot, dialog)
    return dialog


def _settle(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: dialog.task is not None and not dialog.task.running, timeout=30000)


def _rows(dialog) -> dict[str, tuple[str, str]]:
    t = dialog.rows
    return {t.item(r, 0).text(): (t.item(r, 1).text(), t.item(r, 4).text()) for r in range(t.rowCount())}


def test_preview_change_a_mapping_then_import_after_confirming(qtbot, window, seeded_workspace, tmp_path, boxes,
                                                              monkeypatch) -> None:
    from workbench.gui import confirm
    from workbench.gui.qt import Qt

    ws = seeded_workspace
    findings, log = _count(ws, Finding), _count(ws, ChangeLogEntry)
    dialog = _open(qtbot, window, messy_tracker(tmp_path / "tracker.xlsx"))
    assert [dialog.sheet.itemText(i) for i in range(dialog.sheet.count())] == ["Tracker", "Notes"]
    assert dialog.mapping.rowCount() == 10
    combo = dialog.mapping.cellWidget(2, 1)
    assert dialog.mapping.item(2, 0).text() == "Recommendation / AFI" and combo.currentData() == "text"
    assert "Kept" not in combo.currentText() and dialog.mapping.cellWidget(8, 1).currentText() == "Keep as a note"
    rows = _rows(dialog)
    assert rows["4"][0] == "Update" and "owner" in rows["4"][1]
    assert rows["6"][0] == "Create" and "Flagged: status 'Parked'" in rows["6"][1]
    assert rows["7"][0] == rows["8"][0] == "Conflict" and "duplicate within the file" in rows["8"][1]
    assert rows["10"][0] == "Skip"
    conflict_bg = dialog.rows.item(4, 1).background().color().name()
    assert conflict_bg != dialog.rows.item(0, 1).background().color().name()  # colour and words
    # AFI 1 is in both reports: a conflict
    assert dialog.count_labels["create"].text() == "1" and dialog.count_labels["update"].text() == "2"
    assert _count(ws, Finding) == findings and _count(ws, ChangeLogEntry) == log  # nothing written yet
    # the user keeps "Latest update" as a note instead: the preview runs again with their mapping
    latest = dialog.mapping.cellWidget(7, 1)
    latest.setCurrentIndex(latest.findData(""))
    _settle(qtbot, dialog)
    assert next(c for c in dialog.preview.columns if c.name == "Latest update").field == ""
    # and says what the tracker's "Parked" means on the force's line
    words = {dialog.statuses.item(r, 0).text(): r for r in range(dialog.statuses.rowCount())}
    assert set(words) == {"Ongoing", "Complete", "Parked", "Open", "In progress"}
    parked = dialog.statuses.cellWidget(words["Parked"], 1)
    assert parked.currentData() == ""  # not on the line: flagged
    parked.setCurrentIndex(parked.findData("in progress"))
    _settle(qtbot, dialog)
    details = _rows(dialog)["6"][1]
    assert "Parked" not in details and "status awaiting allocation → in progress" in details
    assert next(c for c in dialog.preview.columns if c.name == "Latest update").field == ""  # still the user's
    dialog.grab().save(str(Path(__file__).resolve().parents[2] / ".tmp" / "tracker-dialog.png"))
    # refused at the confirmation: nothing written
    monkeypatch.setattr(confirm, "ask", lambda *a, **k: False)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert _count(ws, Finding) == findings and _count(ws, TrackerRow) == 0
    asked: list[str] = []  # the consequence each confirmation states

    def agree(parent: object, title: str, question: str, consequence: str, *a: object, **k: object) -> bool:
        asked.append(consequence)
        return True

    monkeypatch.setattr(confirm, "ask", agree)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.imported is not None, timeout=30000)
    assert "1 finding will be created and 2 updated" in asked[0]
    assert dialog.state.text() == "Imported" and not dialog.import_button.isEnabled()
    assert _count(ws, Finding) == findings + 1 and _count(ws, TrackerRow) == 3
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        afi2 = uow.session.scalars(select(Finding).join(Inspection).where(
            Inspection.programme == "PEEL 2018", Finding.ref == "AFI 2")).one()
        assert afi2.owner == "DCI Mark Osei"
        assert "Latest update: Allocation policy rewritten; training booked." in afi2.notes
    assert not boxes


def test_a_bad_file_says_why_in_the_dialog(qtbot, window, tmp_path, boxes) -> None:
    bad = tmp_path / "tracker.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    dialog = _open(qtbot, window, bad)
    assert dialog.state.text() == "Cannot read the tracker"
    assert "not a readable Excel workbook" in dialog.summary.text() and not dialog.import_button.isEnabled()
    assert boxes and "not a readable Excel workbook" in boxes[0].text


def test_the_file_menu_opens_it(qtbot, window, monkeypatch) -> None:
    from workbench.gui import tracker_dialog

    opened: list[tracker_dialog.TrackerImportDialog] = []

    def fake_exec(self: tracker_dialog.TrackerImportDialog) -> int:
        opened.append(self)
        return 0

    monkeypatch.setattr(tracker_dialog.TrackerImportDialog, "exec", fake_exec)
    window.tracker_action.trigger()
    assert len(opened) == 1 and opened[0].windowTitle() == "Bring in your tracker"
