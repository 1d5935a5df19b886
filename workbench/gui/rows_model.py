"""The table-model plumbing every register table shares: rows of plain data, fixed columns."""

from __future__ import annotations

from typing import Any

from workbench.gui.qt import QAbstractTableModel, QItemSelectionModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class RowsTableModel(QAbstractTableModel):
    """A flat table of frozen dataclass rows. Subclasses set `columns` and answer `cell`."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def cell(self, row: Any, col: int, role: int, position: int) -> object:
        """What the view shows for one cell and role (None for nothing); `position` is the row number."""
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self.columns)):
            return None
        return self.cell(self._rows[index.row()], index.column(), role, index.row())


def selected_source_row(table: Any, proxy: Any) -> int | None:
    """The model row of a table's current selection through its sort/filter proxy, if any."""
    sel = table.selectionModel()
    index = sel.currentIndex()
    if not index.isValid() or not sel.hasSelection():
        return None
    return int(proxy.mapToSource(index).row())


def select_row_where(table: Any, proxy: Any, column: int, role: int, value: object) -> int | None:
    """Select (and scroll to) the first shown row whose `role` data in `column` equals `value`;
    returns the proxy row, or None when the filters hide it."""
    for row in range(proxy.rowCount()):
        index = proxy.index(row, column)
        if index.data(role) == value:
            table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            table.scrollTo(index)
            return row
    return None
