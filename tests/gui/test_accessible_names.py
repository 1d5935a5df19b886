"""Every control a person can reach on every page and main dialog has a name a screen reader speaks.

The name is what Qt's accessibility layer reports (its own text, a label that is its buddy, or an
accessible name set on it), read through `QAccessible`, so the test sees what assistive
technology sees."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gui.conftest import wait_for_workers
from workbench.services.demo_workspace import ADMIN, ADMIN_PASSPHRASE

pytestmark = pytest.mark.gui


def _unnamed(root: Any) -> list[str]:
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QHeaderView,
        QLineEdit,
        QPlainTextEdit,
        QSlider,
        QTabBar,
        QTextEdit,
        QWidget,
    )

    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QAbstractSpinBox, QTextEdit,
             QPlainTextEdit, QSlider)
    missing = []
    for w in [root, *root.findChildren(QWidget)]:
        if not isinstance(w, kinds) or isinstance(w, QHeaderView) or not w.isVisible():
            continue
        if isinstance(w.parent(), (QComboBox, QAbstractSpinBox, QTabBar)) or w.objectName().startswith("qt_"):
            continue  # parts Qt builds inside a composite control, named through it
        face = QAccessible.queryAccessibleInterface(w)
        name = face.text(QAccessible.Text.Name).strip() if face is not None else ""
        if not name or (isinstance(w, QComboBox) and name == w.currentText().strip() and not w.accessibleName()):
            # a combo box named only by its value says "not started", not what it chooses
            missing.append(f"{type(w).__name__} {w.objectName()!r} in {type(w.window()).__name__}")
    return missing


def _visit_pages(window: Any, qtbot) -> list[str]:
    missing: list[str] = []
    for page in ("Overview", "Findings", "Audits", "Measures", "Packs", "Register"):
        window.show_page(page)
        wait_for_workers(qtbot, window)
        missing += _unnamed(window)
    window.show_page("Findings")
    window.findings.select_ref("PEEL 2023-25", "AFI 5")
    for tab in range(window.findings.detail_tabs.count()):
        window.findings.detail_tabs.setCurrentIndex(tab)
        wait_for_workers(qtbot, window)
        missing += _unnamed(window)
    window.show_page("Audits")
    window.audits.select_round("Response attendance", 2)
    for tab in range(window.audits.tabs.count()):
        window.audits.tabs.setCurrentIndex(tab)
        wait_for_workers(qtbot, window)
        missing += _unnamed(window)
    window.show_page("Packs")
    window.packs.select_version(1)
    wait_for_workers(qtbot, window)
    missing += _unnamed(window)
    return missing


def test_every_control_on_every_page_has_an_accessible_name(open_window, demo_ws, qtbot) -> None:
    window = open_window(demo_ws, ADMIN, ADMIN_PASSPHRASE)
    missing = _visit_pages(window, qtbot)
    assert not missing, "\n".join(sorted(set(missing)))


def test_every_control_in_the_main_dialogs_has_an_accessible_name(open_window, demo_ws, qtbot) -> None:
    from workbench.gui.qt import QAction
    from workbench.gui.screenshots import dialogs_captured

    window = open_window(demo_ws, ADMIN, ADMIN_PASSPHRASE)
    missing: list[str] = []
    seen: list[str] = []

    class EveryDialog(dict):
        def get(self, name: str, default: object = None) -> object:
            def check(dialog: Any) -> None:
                seen.append(name)
                missing.extend(_unnamed(dialog))
            return check

    with dialogs_captured(EveryDialog()):
        for action in window.findChildren(QAction):
            if action.text().replace("&", "").rstrip("…") in ("Users", "Force settings"):
                action.trigger()
        window.show_page("Audits")
        wait_for_workers(qtbot, window)  # the rounds, then the round's cases, are read in workers
        window.audits.select_round("Response attendance", 2)
        wait_for_workers(qtbot, window)
        window.audits.tabs.setCurrentIndex(1)
        cases = window.audits.cases
        cases.select_case(next(iter(cases.model.rows())).case.id)
        cases.record.click()
        window.show_page("Measures")
        wait_for_workers(qtbot, window)  # the measures are read in a worker
        window.measures.select_measure(window.measures.model.measure(0).id)
        window.measures.edit.click()
    wizard = window.audits.plan_audit()
    wait_for_workers(qtbot, window)
    missing += _unnamed(wizard)
    wizard.reject()
    assert {"UsersDialog", "SettingsDialog", "CaseEditorDialog", "MeasureDialog"} <= set(seen)
    assert not missing, "\n".join(sorted(set(missing)))


def test_every_control_in_the_other_dialogs_has_an_accessible_name(open_window, demo_ws, qtbot, tmp_path) -> None:
    from pathlib import Path

    from workbench.gui.action_dialog import ActionDialog
    from workbench.gui.area_mapping_dialog import AreaMappingDialog
    from workbench.gui.bundle_dialog import BundleDialog
    from workbench.gui.committee_dialog import CommitteeReportDialog
    from workbench.gui.database_dialog import DatabaseDialog
    from workbench.gui.evidence_dialog import EvidenceDialog
    from workbench.gui.import_dialog import ImportReportDialog
    from workbench.gui.register_dialogs import ProposeClosureDialog
    from workbench.gui.requests_dialog import RequestsDialog
    from workbench.gui.tracker_dialog import TrackerImportDialog

    window = open_window(demo_ws, ADMIN, ADMIN_PASSPHRASE)
    ctx = window.ctx
    evidence = tmp_path / "minutes.txt"
    evidence.write_text("minutes", encoding="utf-8")
    from datetime import date

    dialogs = [DatabaseDialog(window), ImportReportDialog(ctx, window), TrackerImportDialog(ctx, window),
               ActionDialog("AFI 1", None, window), EvidenceDialog(evidence, "AFI 1", window),
               RequestsDialog(ctx, parent=window), AreaMappingDialog(ctx, window),
               CommitteeReportDialog(ctx, window), BundleDialog(1, Path(tmp_path / "b.zip"), window, True),
               ProposeClosureDialog("AFI 1", 2, date.today(), window)]
    missing: list[str] = []
    for dialog in dialogs:
        dialog.show()
        wait_for_workers(qtbot, window)
        missing += _unnamed(dialog)
        dialog.close()
    assert not missing, "\n".join(sorted(set(missing)))
