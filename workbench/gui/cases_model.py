"""The cases of one audit round as a Qt table model: state, result and what is missing or failed.

A round can hold thousands of cases, so each row's words and sort keys are worked out once, where
the cases are read (in a worker: `case_rows`), and `data()` only looks them up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.gui.display_text import natural_key
from workbench.gui.qt import QObject, Qt
from workbench.gui.rows_model import RowsTableModel
from workbench.gui.style import CASE_TONES
from workbench.gui.tables import RIGHT, tone_colour
from workbench.services.fieldwork import CaseInfo
from workbench.services.scoring import CaseScore

COLUMNS = ("Case", "Stratum", "State", "Result", "Answered", "Notes")
REF, STRATUM, STATE, RESULT, ANSWERED, NOTES = range(len(COLUMNS))
ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_WORDS = {"active": "In sample", "replacement": "Replacement", "unusable": "Unusable", "reserve": "Reserve"}
RESULT_WORDS = {"compliant": "Compliant", "not compliant": "Not compliant", "incomplete": "Incomplete"}



@dataclass(frozen=True)
class CaseRow:
    case: CaseInfo
    score: CaseScore | None  # None for a case set aside as unusable
    #: the shown text of each column, and each column's sort key (see `case_rows`)
    texts: tuple[str, ...] = ()
    sort_keys: tuple[str, ...] = ()

    @property
    def result(self) -> str:
        return self.score.status if self.score is not None else "unusable"


def case_rows(cases: Sequence[CaseInfo], scores: Mapping[int, CaseScore], criteria: int) -> tuple[CaseRow, ...]:
    """The rows of the cases table, with their words worked out (off the GUI thread)."""
    out = []
    for c in cases:
        row = CaseRow(c, scores.get(c.id))
        texts = tuple(_display(row, col, criteria) for col in range(len(COLUMNS)))
        keys = tuple(natural_key(t) if col == REF else f"{c.answered:04d}" if col == ANSWERED else t.casefold()
                     for col, t in enumerate(texts))
        out.append(CaseRow(c, row.score, texts, keys))
    return tuple(out)


def _display(row: CaseRow, col: int, criteria: int) -> str:
    c = row.case
    if col == REF:
        return c.ref
    if col == STRATUM:
        return c.stratum or "—"
    if col == STATE:
        return STATE_WORDS.get(c.state, c.state.capitalize())
    if col == RESULT:
        return RESULT_WORDS.get(row.result, "Set aside")
    if col == ANSWERED:
        if c.state == "unusable":
            return "—"
        # what the case still needs for a result, not "7 of 8": optional questions, and those that do not
        # apply to the case, may stay blank in a complete case
        s = row.score
        to_go = len(s.missing) if s is not None and s.status == "incomplete" else 0
        return f"{c.answered} answered" + (f" · {to_go} to go" if to_go else "")
    return notes_text(row)


def notes_text(row: CaseRow) -> str:
    c, s = row.case, row.score
    if c.state == "unusable":
        return f"Set aside: {c.unusable_reason}"
    parts = []
    if c.replaces_ref:
        parts.append(f"Replaces {c.replaces_ref}")
    if s is not None and s.failed:
        parts.append("Not met: " + ", ".join(k.replace("_", " ") for k in s.failed))
    if s is not None and s.missing:
        parts.append("To answer: " + ", ".join(k.replace("_", " ") for k in s.missing))
    return "; ".join(parts)


class CasesTableModel(RowsTableModel):
    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseRow] = []
        self._criteria = 0

    def set_rows(self, rows: Sequence[CaseRow], criteria: int) -> None:
        """`criteria`: how many criteria the template asks (for "answered n of m")."""
        self.beginResetModel()
        self._rows = list(rows)
        self._criteria = criteria
        self.endResetModel()

    def case(self, row: int) -> CaseRow:
        return self._rows[row]

    def rows(self) -> tuple[CaseRow, ...]:
        return tuple(self._rows)

    def cell(self, row: CaseRow, col: int, role: int, position: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return row.texts[col] if row.texts else _display(row, col, self._criteria)
        if role == ID_ROLE:
            return row.case.id
        if role == SORT_ROLE:
            if row.sort_keys:
                return row.sort_keys[col]
            text = _display(row, col, self._criteria)
            return f"{row.case.answered:04d}" if col == ANSWERED else natural_key(text) if col == REF else text.casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and col == ANSWERED:
            return RIGHT
        if col == RESULT and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return tone_colour(CASE_TONES.get(row.result, "neutral"), role)
        if role == Qt.ItemDataRole.ToolTipRole and col == NOTES:
            return (row.texts[NOTES] if row.texts else notes_text(row)) or None
        return None
