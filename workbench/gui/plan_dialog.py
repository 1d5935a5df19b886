"""Adding an audit to the assurance plan: what `workbench plan add` does, in a dialog.

The checks are the service's (`services/assurance_plan.add_planned_audit`): the dialog writes with
them and, when refused, shows the message in place and stays open with everything typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.errors import WorkbenchError
from workbench.gui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import label, set_tone
from workbench.services import assurance_plan, audits, templates
from workbench.services import findings as finding_service
from workbench.services.access import Decision
from workbench.services.assurance_plan import RECURRENCES, ROTATION_KINDS, PlannedAuditInfo
from workbench.store.uow import UnitOfWork

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class PlanChoices:
    """What the dialog offers: templates, findings and earlier audits, as (id or key, words)."""

    templates: tuple[tuple[str, str], ...]
    findings: tuple[tuple[int, str], ...]
    audits: tuple[tuple[int, str], ...]


def read_plan_choices(uow: UnitOfWork) -> PlanChoices:
    return PlanChoices(
        tuple((t.key, t.name) for t in templates.list_templates(uow)),
        tuple((f.stored_id, f"{f.inspection} {f.ref}: {f.title}") for f in finding_service.list_findings(uow)
              if f.stored_id is not None),
        tuple((a.id, f"{a.title} (round {a.round})") for a in audits.list_audits(uow)))


class PlanAuditDialog(QDialog):
    """Add a planned audit; `added` holds it once the write succeeded."""

    def __init__(self, ctx: Any, year: int, choices: PlanChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("planAuditDialog")
        self.setWindowTitle("Plan an audit")
        self.added: PlannedAuditInfo | None = None
        self.title = named(QLineEdit(placeholderText="e.g. DA risk grading dip sample"), "planTitle")
        self.template = named(QComboBox(), "planTemplate")
        for key, name in choices.templates:
            self.template.addItem(name, key)
        self.findings = named(QListWidget(), "planFindings")
        self.findings.setAccessibleName("Findings the audit tests")
        for fid, words in choices.findings:
            item = QListWidgetItem(words)
            item.setToolTip(words)
            item.setData(Qt.ItemDataRole.UserRole, fid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.findings.addItem(item)
        self.findings.setMinimumHeight(120)
        self.owner = named(QLineEdit(placeholderText="who carries it out, e.g. Assurance team"), "planOwner")
        self.year = named(QSpinBox(minimum=2000, maximum=2100), "planYearOf")
        self.year.setValue(year)
        self.month = named(QComboBox(), "planMonth")
        self.month.addItems(list(MONTHS))
        self.recurrence = named(QComboBox(), "planRecurrence")
        for r in RECURRENCES:
            self.recurrence.addItem(r, r)
        self.recurrence.setCurrentIndex(max(0, self.recurrence.findData("annual")))
        self.rotation_kind = named(QComboBox(), "planRotationKind")
        for kind in ROTATION_KINDS:
            self.rotation_kind.addItem(kind or "no rotation", kind)
        self.rotation = named(QLineEdit(placeholderText="one turn each, separated by commas, e.g. Breckland, "
                                                        "Norwich, King's Lynn"), "planRotation")
        self.based_on = named(QComboBox(), "planBasedOn")
        self.based_on.addItem("none: a new audit", None)
        for aid, words in choices.audits:
            self.based_on.addItem(words, aid)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Template", self.template)
        form.addRow("Findings", self.findings)
        form.addRow("Owner", self.owner)
        form.addRow("Plan year", self.year)
        form.addRow("First due in", self.month)
        form.addRow("Recurs", self.recurrence)
        form.addRow("Rotates across", self.rotation_kind)
        form.addRow("Turns", self.rotation)
        form.addRow("Carries on from", self.based_on)
        for widget, name in ((self.template, "Template"), (self.month, "First due in"), (self.recurrence, "Recurs"),
                             (self.rotation_kind, "Rotates across"), (self.based_on, "Carries on from")):
            widget.setAccessibleName(name)
        self.message = label("", wrap=True)
        self.message.setObjectName("planMessage")
        self.message.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add to the plan")
        may = ctx.allowed("audits.edit")
        ok.setEnabled(bool(may))
        ok.setToolTip("" if may else may.reason)
        buttons.accepted.connect(self._add)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label("An audit in the year's assurance plan: it falls due in its month, recurs, and "
                               "can rotate across districts or crime types. Start each turn from the calendar "
                               "when it is due.", "muted", wrap=True))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, 640)

    def chosen_findings(self) -> tuple[int, ...]:
        return tuple(int(self.findings.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.findings.count())
                     if self.findings.item(i).checkState() == Qt.CheckState.Checked)

    def _add(self) -> None:
        turns = tuple(t.strip() for t in self.rotation.text().split(",") if t.strip())

        def add(uow: UnitOfWork) -> PlannedAuditInfo:
            return assurance_plan.add_planned_audit(
                uow, self.year.value(), self.title.text(), str(self.template.currentData() or ""),
                self.month.currentIndex() + 1, str(self.recurrence.currentData()),
                finding_ids=self.chosen_findings(), owner=self.owner.text().strip(),
                rotation_kind=str(self.rotation_kind.currentData() or ""), rotation=turns,
                based_on_audit_id=self.based_on.currentData())

        try:
            self.added = self.ctx.write_or_raise(add)
        except WorkbenchError as exc:  # refused: said here, nothing saved, the dialog keeps what was typed
            self.message.setText(Decision.refused(exc).reason)
            set_tone(self.message, "red")
            self.message.setVisible(True)
            return
        self.accept()
