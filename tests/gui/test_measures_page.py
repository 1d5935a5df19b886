"""The measures page: proposed measures listed, confirmed or discarded, values recorded."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import ADMIN, ADMIN_PASS, noted
from tests.gui.conftest import show, wait_settled
from workbench.services import measures

pytestmark = pytest.mark.gui


@pytest.fixture
def window(open_window, seeded_workspace):
    """The window on the Measures page, read (in a worker) and filled."""
    w = open_window(seeded_workspace)
    show(w, "Measures")
    return w


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
    assert values == ["PEEL 2023-25 / AFI 6", "To review", values[2], "21.9%", "5%", "Lower is better (to check)", "—"]
    assert "abandoned" in values[2]


def test_confirm_and_discard(qtbot, window, seeded_workspace) -> None:
    from workbench.gui.qt import Qt

    page = window.measures
    total = page.model.rowCount()
    _select(page, "Share of calls to its non-emergency")
    chosen = page.selected()
    assert page.confirm.isEnabled() and page.discard.isEnabled() and page.add_value.isEnabled()
    qtbot.mouseClick(page.confirm, Qt.MouseButton.LeftButton)
    wait_settled(window)
    assert _stored(seeded_workspace, chosen.id).status == "confirmed"
    assert page.selected().id == chosen.id and not page.confirm.isEnabled()
    _select(page, "Use of force incidents: fewer")
    fewer = page.selected()
    qtbot.mouseClick(page.discard, Qt.MouseButton.LeftButton)
    wait_settled(window)
    assert _stored(seeded_workspace, fewer.id).status == "discarded"
    assert page.model.rowCount() == total - 1  # discarded ones are hidden unless asked for
    page.show_discarded.setChecked(True)
    wait_settled(window)
    assert page.model.rowCount() == total
    show(window, "Overview")  # a hidden page reads again when shown
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
    _select(page, "Share of calls to its non-emergency")
    chosen = page.selected()
    qtbot.mouseClick(page.add_value, Qt.MouseButton.LeftButton)
    wait_settled(window)
    stored = _stored(seeded_workspace, chosen.id)
    assert [(p.period, p.value, p.note) for p in stored.points] == [(date(2025, 3, 1), 12.5, "March performance pack")]
    row = page.proxy.mapToSource(page.table.selectionModel().currentIndex()).row()
    assert page.model.index(row, LATEST).data() == "12.5% (Mar 2025)"


def _record(ws, measure_id: int, *values: tuple[date, float]) -> None:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        for period, value in values:
            measures.record_point(uow, measure_id, period, value)


def test_the_series_table_and_chart_follow_the_selection(qtbot, qtmodeltester, window, seeded_workspace) -> None:
    page = window.measures
    _select(page, "Share of calls to its non-emergency")
    chosen = page.selected()
    assert page.points.rowCount() == 0 and "No values yet" in page.series_hint.text()
    _record(seeded_workspace, chosen.id, (date(2025, 1, 1), 18.0), (date(2025, 2, 1), 15.5))
    window.refresh()
    wait_settled(window)
    page.select_measure(chosen.id)
    qtmodeltester.check(page.points)
    assert [(page.points.index(r, 0).data(), page.points.index(r, 1).data()) for r in range(2)] == [
        ("Jan 2025", "18%"), ("Feb 2025", "15.5%")]
    assert page.chart._values == (("Jan 2025", 18.0), ("Feb 2025", 15.5))
    assert (page.chart._baseline, page.chart._target) == (21.9, 5.0)
    assert page.chart.accessibleDescription() == "Jan 2025 18%, Feb 2025 15.5%"
    assert not page.edit_value.isEnabled()
    page.points_table.selectRow(1)
    assert page.edit_value.isEnabled() and page.remove_value.isEnabled()
    page.table.clearSelection()
    assert page.points.rowCount() == 0 and page.chart._values == ()


def test_edit_measure_saves_only_what_changed(window, seeded_workspace, monkeypatch) -> None:
    from workbench.gui.measure_value_dialog import MeasureDialog
    from workbench.gui.qt import QDialog

    def edit(dialog: MeasureDialog) -> int:
        assert dialog.name.accessibleName() == "Name" and dialog.baseline.text() == "21.9"
        dialog.name.setText("101 abandonment rate")
        dialog.target.setText("7.5")
        dialog.status.setCurrentIndex(dialog.status.findData("confirmed"))
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(MeasureDialog, "exec", edit)
    page = window.measures
    _select(page, "Share of calls to its non-emergency")
    chosen = page.selected()
    page.edit.click()
    wait_settled(window)
    stored = _stored(seeded_workspace, chosen.id)
    assert (stored.name, stored.target, stored.status, stored.baseline) == ("101 abandonment rate", 7.5, "confirmed", 21.9)
    assert page.selected().name == "101 abandonment rate"


def test_a_bad_number_is_refused_with_its_reason(window, seeded_workspace, monkeypatch, boxes) -> None:
    from workbench.gui.measure_value_dialog import MeasureDialog
    from workbench.gui.qt import QDialog

    def edit(dialog: MeasureDialog) -> int:
        dialog.target.setValidator(None)  # type: ignore[arg-type]  # Qt takes None (no validator); its stubs do not
        dialog.target.setText("about five")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(MeasureDialog, "exec", edit)
    page = window.measures
    _select(page, "Share of calls to its non-emergency")
    chosen = page.selected()
    page.edit.click()
    wait_settled(window)
    assert "must be a number" in boxes[-1].text and _stored(seeded_workspace, chosen.id).target == 5.0


def test_correct_and_remove_a_value(window, seeded_workspace, monkeypatch) -> None:
    from workbench.gui import confirm
    from workbench.gui.measure_value_dialog import MeasureValueDialog
    from workbench.gui.qt import QDate, QDialog

    page = window.measures
    _select(page, "Share of calls to its non-emergency")
    chosen = page.selected()
    _record(seeded_workspace, chosen.id, (date(2025, 1, 1), 18.0), (date(2025, 2, 1), 15.5))
    window.refresh()
    wait_settled(window)
    page.select_measure(chosen.id)

    def correct(dialog: MeasureValueDialog) -> int:
        assert dialog.windowTitle() == "Correct value" and dialog.value.value() == 15.5
        dialog.period.setDate(QDate(2025, 3, 1))
        dialog.value.setValue(14.0)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(MeasureValueDialog, "exec", correct)
    page.points_table.selectRow(1)
    page.edit_value.click()
    wait_settled(window)
    assert [(p.period, p.value) for p in _stored(seeded_workspace, chosen.id).points] == [
        (date(2025, 1, 1), 18.0), (date(2025, 3, 1), 14.0)]
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(confirm, "ask", lambda _p, _t, q, c, _a, **_k: noted(asked, (q, c), False))
    page.points_table.selectRow(0)
    page.remove_value.click()
    wait_settled(window)
    assert asked[0][0] == "Remove the value 18% for January 2025 from “" + chosen.name + "”?"
    assert len(_stored(seeded_workspace, chosen.id).points) == 2  # cancelled: nothing removed
    monkeypatch.setattr(confirm, "ask", lambda *_a, **_k: True)
    page.points_table.selectRow(0)
    page.remove_value.click()
    wait_settled(window)
    assert [p.period for p in _stored(seeded_workspace, chosen.id).points] == [date(2025, 3, 1)]


def test_an_empty_workspace_says_where_measures_come_from(open_window, sqlite_workspace) -> None:
    window = open_window(sqlite_workspace)
    show(window, "Measures")
    page = window.measures
    assert page.model.rowCount() == 0
    assert "Import a report" in page.hint.text()
    assert page.table.accessibleName() == "Measures" and page.add_value.accessibleName() == "Add value"
