"""The table-model plumbing every register table shares: rows of plain data, fixed columns."""

from __future__ import annotations

from typing import Any

from workbench.gui.qt import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class RowsTableModel(QAbstractTableModel):
    """A flat table of frozen dataclass rows. Subclasses set `columns` and answer `cell`."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: object = None) -> None:
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
