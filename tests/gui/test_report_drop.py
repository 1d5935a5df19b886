"""A report file dropped on the Findings page (or on the import dialog) opens the import and previews it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.conftest import R2023

pytestmark = pytest.mark.gui


def _drop_event(*paths: Path):
    from workbench.gui.qt import QDropEvent, QMimeData, QPointF, Qt, QUrl

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    return event, mime


def test_a_report_dropped_on_the_findings_page_is_previewed(qtbot, open_window, sqlite_workspace,
                                                            monkeypatch) -> None:
    from workbench.gui.import_dialog import ImportReportDialog, dropped_report

    window = open_window(sqlite_workspace)
    window.show_page("Findings")
    page = window.findings
    assert page.acceptDrops()
    opened: list[ImportReportDialog] = []

    def exec_(dialog: ImportReportDialog) -> int:  # shown, not blocking: the preview runs, then we look
        opened.append(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30000)
        return 0

    monkeypatch.setattr(ImportReportDialog, "exec", exec_)
    event, _ = _drop_event(R2023)
    # Qt delivers a drop only during a real drag, so the page's drop handler is called as Qt would
    assert page.report_drops.eventFilter(page, event) is True and event.isAccepted()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    dialog = opened[0]
    assert dialog.path.text() == str(R2023)
    assert dialog.preview is not None and len(dialog.preview.added) == 12
    assert dropped_report(_drop_event(R2023, R2023)[1]) is None  # one report at a time
    other = Path(R2023).with_suffix(".csv")
    assert dropped_report(_drop_event(other)[1]) is None


def test_a_report_dropped_on_the_dialog_replaces_its_file(qtbot, open_window, sqlite_workspace, tmp_path) -> None:
    from workbench.gui.import_dialog import ImportReportDialog

    window = open_window(sqlite_workspace)
    dialog = ImportReportDialog(window.ctx, window)
    dialog.show()
    event, _ = _drop_event(R2023)
    dialog.dropEvent(event)
    assert dialog.path.text() == str(R2023)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30000)
    assert dialog.preview is not None and len(dialog.preview.added) == 12 and dialog.import_button.isEnabled()
    not_a_report = tmp_path / "extract.csv"
    not_a_report.write_text("a,b\n")
    ignored, _ = _drop_event(not_a_report)
    dialog.dropEvent(ignored)
    assert dialog.path.text() == str(R2023)
    assert dialog.path.accessibleName() == "Report file"
