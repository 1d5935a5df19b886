"""What needs attention this week, as a small panel: each row one click from its record.

The items come from services/attention.py; the panel only shows them. Clicking a row emits
`open_record(entity, id)` ("finding", "source", "action", "audit" ...) for the page that holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from workbench.gui.qt import QHBoxLayout, QSizePolicy, Qt, QVBoxLayout, QWidget, Signal
from workbench.gui.style import card, label
from workbench.gui.tables import TextTable
from workbench.services import attention

KIND_WORDS = {"action": "Action", "pcc_response": "PCC response", "source_deadline": "Deadline",
              "improvement_plan": "Improvement plan", "revisit": "Revisit", "closure": "Closure",
              "finding_target": "Target date", "audit": "Audit", "request": "Evidence request",
              "evidence_expiry": "Evidence"}


MAX_TABLE_HEIGHT = 210  # about six items; the rest scroll, the overview stays readable


class AttentionTable(TextTable):
    """The items, as tall as their rows up to MAX_TABLE_HEIGHT, then scrolling inside."""

    def fit_height(self) -> None:
        self.resizeRowsToContents()
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(min(height, MAX_TABLE_HEIGHT))


class AttentionPanel(QWidget):
    """`read` runs a function in a read-only unit of work (GuiContext.read)."""

    open_record = Signal(str, int)

    def __init__(self, read: Callable[[Callable[[Any], Any]], Any], today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attentionPanel")
        self._read, self._today = read, today
        self.items: list[attention.AttentionItem] = []
        box = card()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(10, 6, 10, 6)
        inner.setSpacing(4)
        self.heading = label("Needs attention this week", role="section")
        self.summary = label("")  # one line beside the heading, so a small screen keeps the rest in view
        self.table = AttentionTable("attentionTable", ["", "Due", "What", "Detail"], stretch=3)
        self.table.setAccessibleName("Needs attention this week")
        self.table.setToolTip("Click a row to open its record")
        self.table.setWordWrap(False)  # one line per item; the full text is in each cell's tooltip
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.cellClicked.connect(self._clicked)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.summary, 1)
        inner.addLayout(top)
        inner.addWidget(self.table)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        # no taller than its rows need: spare height goes to the overview's other lists, not above the heading
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def refresh(self) -> None:
        """Read and show the items on this thread (a page that reads in a worker calls `read_items`
        there and `show_items` here)."""
        day = self._today()
        self.show_items(self._read(lambda uow: self.read_items(uow, day)), day)

    def today(self) -> date:
        return self._today()

    @staticmethod
    def read_items(uow: Any, day: date) -> list[attention.AttentionItem]:
        return list(attention.needs_attention(uow, day))

    def show_items(self, items: list[attention.AttentionItem], day: date) -> None:
        self.items = list(items)
        overdue = sum(i.urgency == attention.OVERDUE for i in self.items)
        due = len(self.items) - overdue
        self.summary.setText("Nothing is overdue or due this week." if not self.items else
                             f"{overdue} overdue, {due} due by {(day + timedelta(days=7)).strftime('%d %b %Y')}. "
                             "Click a row to open it.")
        rows, tones = [], {}
        for r, i in enumerate(self.items):
            urgency = "Overdue" if i.urgency == attention.OVERDUE else "Due"
            if i.kind == "evidence_expiry":
                urgency = "Expired" if i.urgency == attention.OVERDUE else "Expiring"
            rows.append([urgency + " · " + KIND_WORDS.get(i.kind, i.kind),
                         i.due.strftime("%d %b %Y"), i.title, i.detail])
            tones[(r, 0)] = "red" if i.urgency == attention.OVERDUE else "amber"
        self.table.set_rows(rows, tones)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = self.table.item(r, c)
                if item is not None:
                    item.setToolTip(text)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(self.items))

    def _clicked(self, row: int, _col: int) -> None:
        if 0 <= row < len(self.items):
            ref = self.items[row].record
            self.open_record.emit(ref.entity, ref.id)
