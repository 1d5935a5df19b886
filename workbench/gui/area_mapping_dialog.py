"""Moving the workspace's findings to the PEEL 2025–27 areas from the window (`services/area_mapping.py`).

The dialog reads what would change in a worker and shows it finding by finding, with why each area
follows its 2023-25 one; the move (or the undo of the last move) is asked for first and runs in a
worker, logged finding by finding, as `workbench areas map` does.
"""

from __future__ import annotations

from typing import Any

from workbench.errors import InputError
from workbench.gui import confirm
from workbench.gui.context import GuiContext
from workbench.gui.layouts import scrolling
from workbench.gui.qt import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget, named
from workbench.gui.style import label
from workbench.gui.tables import TextTable
from workbench.progress import Progress
from workbench.services import area_mapping
from workbench.services.area_mapping import MappingResult

TO_FRAMEWORK = "2025-27"


class AreaMappingDialog(QDialog):
    """Preview, then move every finding of the 2023-25 areas to its 2025–27 area (or undo the last move)."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("areaMappingDialog")
        self.setWindowTitle("Move findings to the PEEL 2025–27 areas")
        self.resize(900, 520)
        self.plan: MappingResult | None = None
        self.summary = label("Reading what would change…", wrap=True)
        self.summary.setObjectName("areaMappingSummary")
        self.table = TextTable("areaMappingTable", ("Finding", "Area now", "2025–27 area", "Why"), stretch=3,
                               spoken="Findings whose area would change")
        self.move_button = named(QPushButton("Move findings…"), "moveAreas")
        self.undo_button = named(QPushButton("Undo the last move…"), "undoAreas")
        close = named(QPushButton("Close"), "closeAreas")
        self.move_button.clicked.connect(self.apply)
        self.undo_button.clicked.connect(self.undo_last)
        close.clicked.connect(self.reject)
        decision = ctx.allowed("findings.edit")
        for button in (self.move_button, self.undo_button):
            button.setEnabled(False)
            button.setToolTip("" if decision else decision.reason)
        self._may_edit = bool(decision)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.move_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Each finding filed under a 2023-25 area takes the area of the 2025–27 framework that "
                               "succeeds it. Nothing changes until you press Move; each finding's move is logged "
                               "and the last move can be undone.", "muted", wrap=True))
        layout.addWidget(self.summary)
        holder = QWidget()
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.table)
        inner.addStretch(1)
        layout.addWidget(scrolling(holder, frame=False), 1)
        layout.addLayout(buttons)
        self.read()

    def read(self) -> None:
        def work(uow: Any, _progress: Progress) -> tuple[MappingResult, bool]:
            plan = area_mapping.preview_mapping(uow, TO_FRAMEWORK)
            try:
                undoable = bool(area_mapping.preview_undo(uow).changes)
            except InputError:  # no earlier move to undo
                undoable = False
            return plan, undoable

        self.ctx.background(self, "Reading the findings' areas…", work, on_success=self._show, write=False)

    def _show(self, result: tuple[MappingResult, bool]) -> None:
        plan, undoable = result
        self.plan = plan
        self.table.set_rows([(f"{c.inspection} / {c.ref}", c.old_area, c.new_area, c.basis) for c in plan.changes])
        moving = len(plan.changes)
        self.table.setVisible(moving > 0)
        self.summary.setText(
            f"{moving} finding{'s' if moving != 1 else ''} would move to a {plan.to_framework} area; "
            f"{plan.unchanged} keep{'s' if plan.unchanged == 1 else ''} the area {'it has' if plan.unchanged == 1 else 'they have'}."
            if moving else f"Every finding already has its {plan.to_framework} area: nothing to move.")
        self.move_button.setEnabled(self._may_edit and moving > 0)
        self.move_button.setText(f"Move {moving} finding{'s' if moving != 1 else ''}…" if moving else "Move findings…")
        self.undo_button.setEnabled(self._may_edit and undoable)

    def apply(self) -> None:
        if self.plan is None or not self.plan.changes:
            return
        n = len(self.plan.changes)
        if not confirm.ask(self, "Move findings", f"Move {n} finding{'s' if n != 1 else ''} to the "
                           f"{TO_FRAMEWORK} areas?", "Each finding's area and the reason for it change, one log "
                           "entry each; Undo the last move puts them back.", f"Move {n}", destructive=False):
            return
        self.ctx.background(self, "Moving the findings…", lambda uow, _p: area_mapping.map_areas(uow, TO_FRAMEWORK),
                            on_success=lambda _r: self.read())

    def undo_last(self) -> None:
        if not confirm.ask(self, "Undo the last move", "Put the findings of the last move back in their earlier "
                           "areas?", "Findings whose area was changed by hand since are named and left alone.",
                           "Undo the move"):
            return
        self.ctx.background(self, "Putting the areas back…", lambda uow, _p: area_mapping.undo_mapping(uow),
                            on_success=lambda _r: self.read())
