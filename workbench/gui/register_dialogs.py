"""The Register page's dialogs: a move on a status line, a closure proposal, an authorisation.

The choices come from the state machine (services/finding_status.py) through the finding's status
(`FindingStatus.force_moves` / `inspectorate_moves`): the dialog offers only allowed moves.
"""

from __future__ import annotations

from datetime import date

from workbench.gui.qt import (
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import label
from workbench.services.finding_status import CLOSURE_BODIES
from workbench.wording import plural


def _date_edit(name: str, value: date) -> QDateEdit:
    edit = named(QDateEdit(), name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setDate(QDate(value.year, value.month, value.day))
    return edit


def _day(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class _Form(QDialog):
    def __init__(self, title: str, intro: str, action: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(action)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(intro, wrap=True, plain=True))
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)


class MoveDialog(_Form):
    def __init__(self, line: str, current: str, moves: tuple[str, ...], today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Move the {line}'s status", f"Now: {current or 'not stated'}. The moves allowed from "
                         "here are listed; closure has its own two steps.", "Move", parent)
        self.setObjectName("moveDialog")
        self.to = named(QComboBox(), "moveTo")
        self.to.setAccessibleName("Move to")
        self.to.addItems(list(moves))
        self.on = _date_edit("moveOn", today)
        self.comment = named(QPlainTextEdit(), "moveComment")
        self.comment.setFixedHeight(72)
        self.form.addRow("New status", self.to)
        self.form.addRow("Took effect on", self.on)
        self.form.addRow("Comment", self.comment)
        self.ok.setEnabled(bool(moves))

    def values(self) -> dict[str, object]:
        return {"to": self.to.currentText(), "on": _day(self.on), "comment": self.comment.toPlainText().strip()}


class ProposeClosureDialog(_Form):
    def __init__(self, ref: str, evidence_count: int, today: date, parent: QWidget | None = None) -> None:
        super().__init__(f"Propose closing {ref}", f"The proposal carries {plural(evidence_count, 'evidence item')} "
                         "linked to the finding and its actions, and the period that demonstrates the change. "
                         "The inspectorate or the committee then authorises it.", "Propose closure", parent)
        self.setObjectName("proposeClosureDialog")
        self.rationale = named(QPlainTextEdit(), "closureRationale")
        self.rationale.setFixedHeight(72)
        self.period_from = _date_edit("periodFrom", date(today.year - 1, today.month, 1))
        self.period_to = _date_edit("periodTo", today)
        self.form.addRow("Rationale", self.rationale)
        self.form.addRow("Demonstrated from", self.period_from)
        self.period_to.setAccessibleName("Demonstrated to")
        self.form.addRow("to", self.period_to)

    def values(self) -> dict[str, object]:
        return {"rationale": self.rationale.toPlainText().strip(), "demonstration_from": _day(self.period_from),
                "demonstration_to": _day(self.period_to)}


class AuthoriseClosureDialog(_Form):
    def __init__(self, ref: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(f"Record the authorisation of {ref}'s closure", "Who authorised it, when, and on what "
                         "basis (a letter, the committee's minutes).", "Record authorisation", parent)
        self.setObjectName("authoriseClosureDialog")
        self.by = named(QComboBox(), "authorisedBy")
        self.by.addItems(list(CLOSURE_BODIES))
        self.on = _date_edit("authorisedOn", today)
        self.basis = named(QLineEdit(), "authorisationBasis")
        self.form.addRow("Authorised by the", self.by)
        self.form.addRow("On", self.on)
        self.form.addRow("Basis", self.basis)

    def values(self) -> dict[str, object]:
        return {"by": self.by.currentText(), "on": _day(self.on), "basis": self.basis.text().strip()}
