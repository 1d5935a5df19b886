"""A finding's action plan: each action with its owner, due date and status; add, edit, change status,
remove (after saying what will happen)."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.gui import confirm
from workbench.gui.action_dialog import ActionDialog
from workbench.gui.card_list import Card, CardList
from workbench.gui.context import GuiContext
from workbench.gui.display_text import uk_date
from workbench.gui.layouts import summary_and_rows
from workbench.gui.messages import show_error, show_info
from workbench.gui.qt import QComboBox, QDialog, QHBoxLayout, QPushButton, Qt, QTimer, QWidget, named
from workbench.gui.style import label, tag
from workbench.services import actions as action_service
from workbench.services.actions import ACTION_STATUSES, ActionInfo
from workbench.services.review_lock import removal_refusal

#: action cards built ahead, while the window is idle (an action plan's usual length)
RESERVED = 6


class ActionsPanel(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.finding_id: int | None = None
        self.finding_ref = ""
        self.shown: tuple[ActionInfo, ...] = ()
        self._editable = ctx.can("actions.edit")
        self.add = named(QPushButton("Add action…"), "addAction")
        self.add.setEnabled(self._editable)
        self.add.clicked.connect(self.add_action)
        self.add.setAccessibleName("Add action")
        if not self._editable:
            self.add.setToolTip(f"The {ctx.user.role} role cannot change the action plan")
        self.setAccessibleName("Action plan")
        self.summary = label("", "muted", wrap=True)
        self.summary.setObjectName("actionsSummary")
        self._rows = summary_and_rows(self, self.summary, self.add)
        self._cards: CardList[ActionInfo] = CardList(self._rows, lambda: ActionCard(self), self,
                                                       key=lambda a: a.id)
        self._cards.reserve(RESERVED)

    def show_actions(self, finding_id: int | None, finding_ref: str, actions: Sequence[ActionInfo]) -> None:
        self.finding_id, self.finding_ref, self.shown = finding_id, finding_ref, tuple(actions)
        done = sum(1 for a in actions if a.status == "done")
        overdue = sum(1 for a in actions if a.overdue)
        self.summary.setText(f"{done} of {len(actions)} done" + (f" · {overdue} overdue" if overdue else "")
                             if actions else "No action plan recorded yet. Add action… says what the force will "
                             "do about this finding, who owns it and by when.")
        self._cards.fill(self.shown)

    def set_status(self, action: ActionInfo, status: str) -> None:
        if status != action.status:
            self.ctx.write(self, lambda uow: action_service.update_action(uow, action.id, action.version,
                                                                         status=status),
                           on_error=lambda _exc: self.show_actions(self.finding_id, self.finding_ref, self.shown))

    def add_action(self) -> None:
        finding_id = self.finding_id
        if finding_id is None:
            return
        dialog = ActionDialog(self.finding_ref, None, self)
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        v = dialog.values()
        self.ctx.write(self, lambda uow: _add(uow, finding_id, v))

    def edit_action(self, action: ActionInfo) -> None:
        dialog = ActionDialog(self.finding_ref, action, self)
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        changes = dialog.changes()
        if changes:
            self.ctx.write(self, lambda uow: action_service.update_action(uow, action.id, action.version,
                                                                          **changes))


    def remove_action(self, action: ActionInfo) -> None:
        ref = self.finding_ref
        try:
            refusal, linked = self.ctx.read(lambda uow: (removal_refusal(uow, action.finding_id),
                                                         action_service.evidence_linked_to(uow, action.id)))
        except Exception as exc:  # noqa: BLE001 - shown, never silent
            show_error(self, exc)
            return
        if refusal is not None:
            reason, hint = refusal
            show_info(self, "Action stays", f"“{action.title}” cannot be removed from {ref}: {reason}.", hint)
            return
        evidence = (f" {linked} evidence item{'s' if linked != 1 else ''} linked to it stay{'s' if linked == 1 else ''}"
                    " in the workspace, no longer linked to it." if linked else "")
        if not confirm.ask(self, "Remove action", f"Remove the action “{action.title}” from {ref}?",
                           f"It leaves the action plan and the next pack.{evidence} The change log keeps what it was.",
                           "Remove action"):
            return
        self.ctx.write(self, lambda uow: action_service.remove_action(uow, action.id, action.version))


class ActionCard(Card[ActionInfo]):
    """One action: its title, status (changed here, saved at once), Edit… and Remove…, owner and due
    date (Overdue when it is), and its progress note."""

    def __init__(self, panel: ActionsPanel) -> None:
        super().__init__()
        self._panel = panel
        grid = self.grid
        grid.setHorizontalSpacing(8)
        self.title = label("", wrap=True, selectable=True, plain=True)
        grid.addWidget(self.title, 0, 0, 1, 2)
        self.status = QComboBox()
        self.status.addItems(list(ACTION_STATUSES))
        self.status.setEnabled(panel._editable)
        self.status.setToolTip("Change the status (saved at once)")
        self.status.currentTextChanged.connect(self._status_chosen)
        self.edit = QPushButton("Edit…")
        self.edit.setEnabled(panel._editable)
        self.edit.clicked.connect(self.on_item(panel.edit_action))
        self.remove = QPushButton("Remove…")
        self.remove.setEnabled(panel._editable)
        self.remove.setToolTip("Take this action off the plan (the change log keeps it)")
        self.remove.clicked.connect(self.on_item(panel.remove_action))
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for widget in (self.status, self.edit, self.remove):
            buttons.addWidget(widget)
        grid.addLayout(buttons, 1, 1)
        self.when = label("", "muted", wrap=True, plain=True)
        self.overdue = tag("Overdue", "red")
        meta = QHBoxLayout()
        meta.setSpacing(6)
        meta.addWidget(self.when, 1)
        meta.addWidget(self.overdue, 0, Qt.AlignmentFlag.AlignVCenter)  # as tall as its words, not the row
        grid.addLayout(meta, 1, 0)
        self.note = label("", "muted", wrap=True, selectable=True, plain=True)
        grid.addWidget(self.note, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)

    def show_item(self, a: ActionInfo) -> None:
        self.setObjectName(f"action-{a.id}")
        self.title.setText(a.title)
        self.status.setObjectName(f"actionStatus-{a.id}")
        self.status.blockSignals(True)  # showing a status is not choosing one
        self.status.setCurrentText(a.status)
        self.status.blockSignals(False)
        self.status.setAccessibleName(f"Status of action {a.title}")
        self.edit.setObjectName(f"editAction-{a.id}")
        self.edit.setAccessibleName(f"Edit action {a.title}")
        self.remove.setObjectName(f"removeAction-{a.id}")
        self.remove.setAccessibleName(f"Remove action {a.title}")
        when = f"due {uk_date(a.due_date)}" if a.due_date else "no due date"
        if a.status == "done" and a.completed_on:
            when = f"done {uk_date(a.completed_on)}"
        self.when.setText(f"{a.owner or 'No owner'} · {when}")
        self.overdue.setVisible(a.overdue)
        self.note.setText(a.progress_note or "")
        self.note.setVisible(bool(a.progress_note))

    def let_go(self) -> None:
        self.status.hidePopup()  # a status chosen in it would go to the next action
        super().let_go()

    def _status_chosen(self, text: str) -> None:
        action = self.item
        if action is not None:  # saved after the signal returns: the refresh that follows fills this card again
            QTimer.singleShot(0, lambda: self._panel.set_status(action, text))


def _add(uow: object, finding_id: int, v: dict[str, object]) -> ActionInfo:
    added = action_service.add_action(uow, finding_id, str(v["title"]), str(v["owner"]),  # type: ignore[arg-type]
                                      v["due_date"], str(v["status"]))  # type: ignore[arg-type]
    if v["progress_note"]:
        added = action_service.update_action(uow, added.id, added.version,  # type: ignore[arg-type]
                                             progress_note=v["progress_note"])
    return added
