"""Pack versions as a Qt table model: state, who built and approved them, and whether the data moved on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from workbench.gui.qt import QObject, Qt
from workbench.gui.rows_model import RowsTableModel
from workbench.gui.style import PACK_TONES
from workbench.gui.tables import RIGHT, tone_colour
from workbench.services.packs import PackVersionInfo

COLUMNS = ("Version", "State", "Findings", "Built by", "Built", "Approved by", "Approved", "Data since build")
VERSION, STATE, FINDINGS, BUILT_BY, BUILT_AT, APPROVED_BY, APPROVED_AT, SINCE = range(len(COLUMNS))
NUMBER_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_WORDS = {"draft": "Draft", "submitted": "Submitted for review", "returned": "Returned",
               "approved": "Approved and signed", "superseded": "Superseded"}



def when(moment: datetime | None) -> str:
    """Local time, e.g. "22 Nov 2026 14:05"."""
    if moment is None:
        return "—"
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y %H:%M}"


def state_words(p: PackVersionInfo) -> str:
    words = STATE_WORDS.get(p.state, p.state.capitalize())
    return f"{words} by v{p.superseded_by}" if p.state == "superseded" and p.superseded_by else words


class PacksTableModel(RowsTableModel):
    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PackVersionInfo] = []
        self._names: dict[str, str] = {}

    def set_rows(self, rows: Sequence[PackVersionInfo], names: Mapping[str, str]) -> None:
        """`names`: username -> display name."""
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda p: -p.number)  # newest first
        self._names = dict(names)
        self.endResetModel()

    def pack(self, row: int) -> PackVersionInfo:
        return self._rows[row]

    def name(self, username: str | None) -> str:
        return "—" if not username else self._names.get(username) or username

    def cell(self, p: PackVersionInfo, col: int, role: int, position: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(p, col)
        if role == NUMBER_ROLE:
            return p.number
        if role == SORT_ROLE:
            return f"{p.number:06d}" if col in (VERSION, FINDINGS) else self._display(p, col).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and col == FINDINGS:
            return RIGHT
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            if col == STATE:
                return tone_colour(PACK_TONES.get(p.state, "neutral"), role)
            if col == SINCE and not p.current:
                return tone_colour("amber", role)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (BUILT_BY, APPROVED_BY):
                return (p.built_by if col == BUILT_BY else p.approved_by) or None
            if col == SINCE:
                return ("The workspace's data has changed since this version was built: a new version would "
                        "say something different." if not p.current else
                        "The workspace still says what this version says.")
        return None

    def _display(self, p: PackVersionInfo, col: int) -> str:
        if col == VERSION:
            return f"v{p.number}"
        if col == STATE:
            return state_words(p)
        if col == FINDINGS:
            return str(p.findings)
        if col == BUILT_BY:
            return self.name(p.built_by)
        if col == BUILT_AT:
            return when(p.built_at)
        if col == APPROVED_BY:
            return self.name(p.approved_by)
        if col == APPROVED_AT:
            return when(p.approved_at)
        return "Changed since" if not p.current else "Unchanged"
