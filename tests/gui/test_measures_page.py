"""The measures page: proposed measures listed, confirmed or discarded, values recorded."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.services import measures

pytestmark = pytest.mark.gui


def _select(page, name: str) -> None:
    from workbench.gui.measures_model import NAME

    row = next(r for r in range(page.proxy.rowCount()) if page.proxy.index(r, NAME).data().startswith(name))
    page.table.selectRow(row)


def _stored(ws, measure_id: int):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return next(m for m in measures.list_measures(uow, include_discarded=True) if m.id == measure_id)


def test_measures_model_and_columns(qtmodeltester, window) -> None:
    from workbench.gui.measures_model import COLUMNS
    from workbench.gui.qt import Qt

    page = window.measures
    qtmodeltester.check(page.model)
    assert [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))] == [
        "Finding", "Status", "Name", "Baseline", "Target", "Direction", "Latest value"]
    row = next(r for r in range(page.model.rowCount()) if page.model.measure(r).baseline == 21.9)
    values = [page.model.index(row, c).data() for c in range(len(COLUMNS))]
    assert values == ["PEEL 2023-25 / AFI 6", "To review", values[2], "21.9%", "5%", "Lower is better", "—"]
    assert "abandoned" in values[2]


def test_confirm_and_discard(qtbot, window, seeded_workspace) -> None:
    from workbench.gui.qt import Qt

    page = window.measures
    total = page.model.rowCount()
    _select(page, "Calls to its non-emergency")
    chosen = page.selected()
    assert page.confirm.isEnabled() and page.discard.isEnabled() and page.add_value.isEnabled()
    qtbot.mouseClick(page.confirm, Qt.MouseButton.LeftButton)
    assert _stored(seeded_workspace, chosen.id).status == "confirmed"
    assert page.selected().id == chosen.id and not page.confirm.isEnabled()
    _select(page, "Fewer")
    fewer = page.selected()
    qtbot.mouseClick(page.discard, Qt.MouseButton.LeftButton)
    assert _stored(seeded_workspace, fewer.id).status == "discarded"
    assert page.model.rowCount() == total - 1  # discarded ones are hidden unless asked for
    page.show_discarded.setChecked(True)
    assert page.model.rowCount() == total
    assert window.overview.stats["measures"].value.text() == str(total - 2)


def test_add_value_records_a_point(qtbot, window, seeded_workspace, monkeypatch) -> None:
    from workbench.gui.measure_value_dialog import MeasureValueDialog
    from workbench.gui.measures_model import LATEST
    from workbench.gui.qt import QDate, QDialog, Qt

    def fill_and_accept(dialog: MeasureValueDialog) -> int:
        dialog.period.setDate(QDate(2025, 3, 1))
        dialog.value.setValue(12.5)
        dialog.note.setText("March performance pack")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(MeasureValueDialog, "exec", fill_and_accept)
    page = window.measures
    _select(page, "Calls to its non-emergency")
    chosen = page.selected()
    qtbot.mouseClick(page.add_value, Qt.MouseButton.LeftButton)
    stored = _stored(seeded_workspace, chosen.id)
    assert [(p.period, p.value, p.note) for p in stored.points] == [(date(2025, 3, 1), 12.5, "March performance pack")]
    row = page.proxy.mapToSource(page.table.selectionModel().currentIndex()).row()
    assert page.model.index(row, LATEST).data() == "12.5% (Mar 2025)"
