"""Adding or editing one action of a finding's action plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from workbench.gui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import date_edit, label
from workbench.services.actions import ACTION_STATUSES, ActionInfo


class ActionDialog(QDialog):
    """`values()` after Accept: title, owner, due_date, status, progress_note; `changes()` against `action`."""

    def __init__(self, finding_ref: str, action: ActionInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionDialog")
        self.action = action
        self.setWindowTitle(f"{'Edit' if action else 'Add'} action — {finding_ref}")
        self.title = named(QLineEdit(action.title if action else "",
                               placeholderText="What will be done, e.g. weekly MASH triage meeting"), "actionTitle")
        self.owner = named(QLineEdit(action.owner if action else "",
                               placeholderText="a name or a role, e.g. DI Shaw"), "actionOwner")
        self.has_due = named(QCheckBox("Set"), "actionHasDue")
        self.due = date_edit("actionDue")
        self.due.setAccessibleName("Due date")
        d = action.due_date if action and action.due_date else None
        self.due.setDate(QDate(d.year, d.month, d.day) if d else QDate.currentDate().addMonths(3))
        self.has_due.setChecked(d is not None or action is None)
        self.due.setEnabled(self.has_due.isChecked())
        self.has_due.toggled.connect(self.due.setEnabled)
        self.status = named(QComboBox(), "actionStatus")
        self.status.setAccessibleName("Status")
        self.status.addItems(list(ACTION_STATUSES))
        self.status.setCurrentText(action.status if action else ACTION_STATUSES[0])
        self.note = named(QPlainTextEdit(action.progress_note if action else "",
                                   placeholderText="Progress so far, decisions, what evidence will show it"), "actionNote")
        self.note.setFixedHeight(70)
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due, 1)
        form = QFormLayout()
        form.addRow("Action", self.title)
        form.addRow("Owner", self.owner)
        form.addRow("Due", due_row)
        form.addRow("Status", self.status)
        form.addRow("Progress", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Save action" if action else "Add action")
        self.ok.setEnabled(bool(self.title.text().strip()))
        self.title.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Marking an action done records today as the day it was completed.", "muted",
                               wrap=True))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def values(self) -> dict[str, Any]:
        qd = self.due.date()
        return {"title": self.title.text().strip(), "owner": self.owner.text().strip(),
                "due_date": date(qd.year(), qd.month(), qd.day()) if self.has_due.isChecked() else None,
                "status": self.status.currentText(), "progress_note": self.note.toPlainText().strip()}

    def changes(self) -> dict[str, Any]:
        if self.action is None:
            return self.values()
        return {k: v for k, v in self.values().items() if getattr(self.action, k) != v}
