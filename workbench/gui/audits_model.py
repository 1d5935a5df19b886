"""Audits as a Qt table model: each round with its cases, compliance (95 % interval), target and RAG.

The model holds plain rows (`AuditInfo` and the round's `AuditScore`), read in one unit of work;
an audit is a handful of rounds, so the whole list is small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.gui.display_text import natural_key
from workbench.gui.qt import QObject, Qt
from workbench.gui.rows_model import RowsTableModel
from workbench.gui.style import RAG_TONES, rag_words
from workbench.gui.tables import RIGHT, tone_colour
from workbench.services.audits import AuditInfo
from workbench.services.scoring import AuditScore, pct, target_text

COLUMNS = ("Title", "Template", "Round", "Status", "Cases", "Compliance (95 % interval)", "Target", "RAG")
TITLE, TEMPLATE, ROUND, STATUS, CASES, COMPLIANCE, TARGET, RAG = range(len(COLUMNS))
ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_WORDS = {"planned": "Planned", "drawn": "Sample drawn", "fieldwork": "Fieldwork", "closed": "Closed"}



@dataclass(frozen=True)
class AuditRow:
    info: AuditInfo
    score: AuditScore | None  # None until a sample is drawn


def compliance_text(score: AuditScore | None) -> str:
    """e.g. "59.8 % (48.9 – 69.7 %)"; "—" before any case is complete."""
    if score is None or score.estimate is None:
        return "—"
    e = score.estimate
    return f"{pct(e.point)} ({e.low * 100:.1f} – {e.high * 100:.1f} %)"


def cases_text(row: AuditRow) -> str:
    info = row.info
    if not info.cases_sampled:
        return "Not drawn"
    if row.score is None:
        return f"{info.cases_active}"
    return f"{row.score.complete} of {info.cases_active} complete"


class AuditsTableModel(RowsTableModel):
    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditRow] = []

    def set_rows(self, rows: Sequence[AuditRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def audit(self, row: int) -> AuditRow:
        return self._rows[row]

    def row_of(self, audit_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.info.id == audit_id), None)

    def cell(self, row: AuditRow, col: int, role: int, position: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == ID_ROLE:
            return row.info.id
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (ROUND, CASES, COMPLIANCE, TARGET):
            return RIGHT
        if col == RAG and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            rag = row.score.rag if row.score is not None else None
            return tone_colour(RAG_TONES.get(rag or "", "neutral"), role)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == RAG and row.score is not None:
                return row.score.rag_reason[:1].upper() + row.score.rag_reason[1:]
            if col == TITLE:
                refs = ", ".join(ref for _, ref in row.info.findings)
                return row.info.title + (f"\nFindings: {refs}" if refs else "")
        return None

    @staticmethod
    def _display(row: AuditRow, col: int) -> str:
        info, score = row.info, row.score
        if col == TITLE:
            return info.title
        if col == TEMPLATE:
            return f"{info.template_name} (v{info.template_version})"
        if col == ROUND:
            return str(info.round)
        if col == STATUS:
            return STATUS_WORDS.get(info.status, info.status.capitalize())
        if col == CASES:
            return cases_text(row)
        if col == COMPLIANCE:
            return compliance_text(score)
        if col == TARGET:
            return target_text(info.target) if info.target is not None else "None set"
        return rag_words(score.rag if score is not None else None) + (
            " (provisional)" if score is not None and score.provisional else "")

    def _sort_key(self, row: AuditRow, col: int) -> str:
        if col in (ROUND, CASES):
            return f"{row.info.round if col == ROUND else row.info.cases_active:06d}"
        if col == COMPLIANCE:
            e = row.score.estimate if row.score is not None else None
            return "" if e is None else f"{e.point:.6f}"
        if col == TARGET:
            return "" if row.info.target is None else f"{row.info.target:.6f}"
        if col == TITLE:
            return natural_key(f"{row.info.title} {row.info.round:04d}")
        return self._display(row, col).casefold()
