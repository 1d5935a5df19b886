"""The findings register as a Qt table model, and the proxy that filters and sorts it.

The register is small (tens to a few hundred findings), so the model holds the plain
`FindingInfo` rows a read returns; it never holds ORM objects.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.gui.display_text import kind_short, natural_key, uk_date
from workbench.gui.qt import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from workbench.gui.rows_model import RowsTableModel
from workbench.services.findings import FindingInfo

COLUMNS = ("Inspection", "Ref", "Kind", "Area", "Status", "Owner", "Target date", "Title")
INSPECTION, REF, KIND, AREA, STATUS, OWNER, TARGET, TITLE = range(len(COLUMNS))
ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class FindingsTableModel(RowsTableModel):
    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FindingInfo] = []
        self._inspection_order: dict[str, int] = {}

    # -- data in ----------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[FindingInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._inspection_order = {}
        for f in self._rows:  # the register comes in inspection order (year, then import)
            self._inspection_order.setdefault(f.inspection, len(self._inspection_order))
        self.endResetModel()

    def finding(self, row: int) -> FindingInfo:
        return self._rows[row]

    def row_of(self, finding_id: int) -> int | None:
        return next((i for i, f in enumerate(self._rows) if f.id == finding_id), None)

    # -- Qt model -----------------------------------------------------------------------------
    def cell(self, f: FindingInfo, col: int, role: int, position: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(f, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f.title if col == TITLE else (f.area_reason if col == AREA and f.area_reason else None)
        if role == ID_ROLE:
            return f.id
        if role == SORT_ROLE:  # ties keep the register's order
            return f"{self._sort_key(f, col)}\x00{position:06d}"
        if role == SEARCH_ROLE:
            return " ".join((f.inspection, f.ref, kind_short(f.kind), f.area, f.status, f.owner,
                             f.title, f.text, f.notes)).casefold()
        return None

    @staticmethod
    def _display(f: FindingInfo, col: int) -> str:
        return (f.inspection, f.ref, kind_short(f.kind), f.area or "—", f.status, f.owner,
                uk_date(f.target_date), f.title)[col]

    def _sort_key(self, f: FindingInfo, col: int) -> str:
        if col == INSPECTION:
            return f"{self._inspection_order.get(f.inspection, 0):06d}"
        if col == REF:
            return natural_key(f.ref)
        if col == TARGET:
            return f.target_date.isoformat() if f.target_date else "9999"  # undated last
        return self._display(f, col).casefold()


class FindingsFilter(QSortFilterProxyModel):
    """Text filter (any words, in any column or the finding's text) and an inspection filter."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._inspection: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = tuple(text.casefold().split())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_inspection(self, inspection: str | None) -> None:
        self.beginFilterChange()
        self._inspection = inspection or None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if self._inspection is not None:
            if model.index(source_row, INSPECTION, source_parent).data() != self._inspection:
                return False
        if self._words:
            haystack = model.index(source_row, 0, source_parent).data(SEARCH_ROLE) or ""
            return all(w in haystack for w in self._words)
        return True
