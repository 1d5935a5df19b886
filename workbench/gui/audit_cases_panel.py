"""The cases of the selected audit round: their results; recording answers (case after case from the
keyboard), setting a case aside for a reserve, evaluating the computed criteria, the second reviewer's
dip and answers, and redrawing the sample from the extract to verify it — every fieldwork verb of the
command line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

from workbench.errors import WorkbenchError
from workbench.gui.case_editor import CaseEditorDialog
from workbench.gui.cases_model import ID_ROLE, NOTES, REF, RESULT, SORT_ROLE, STATE, STRATUM, CaseRow, CasesTableModel
from workbench.gui.comment_dialog import CommentDialog
from workbench.gui.context import GuiContext
from workbench.gui.messages import show_error, show_info
from workbench.gui.qt import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSortFilterProxyModel,
    Qt,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.rows_model import select_row_where, selected_source_row
from workbench.gui.style import label
from workbench.gui.tables import list_view
from workbench.services import fieldwork, fieldwork_flow, population
from workbench.services.access import Decision
from workbench.services.audits import AuditInfo
from workbench.store.uow import UnitOfWork
from workbench.templates import Template

SHOW = ("All cases", "Compliant", "Not compliant", "Incomplete", "Set aside")
SHOW_RESULT = {"Compliant": "compliant", "Not compliant": "not compliant", "Incomplete": "incomplete",
               "Set aside": "unusable"}


class _ResultFilter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.result: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_result(self, result: str | None) -> None:
        self.beginFilterChange()
        self.result = result
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, _parent: object) -> bool:  # noqa: N802
        return self.result is None or cast(CasesTableModel, self.sourceModel()).case(source_row).result == self.result


class CasesPanel(QWidget):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.audit: AuditInfo | None = None
        self.template: Template | None = None
        self.model = CasesTableModel(self)
        self.proxy = _ResultFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = list_view("casesTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # draw order until the user sorts
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NOTES, QHeaderView.ResizeMode.Stretch)
        for col, width in ((REF, 150), (STRATUM, 90), (STATE, 100), (RESULT, 110)):
            self.table.setColumnWidth(col, width)
        self.show_only = named(QComboBox(), "caseResultFilter")
        self.show_only.addItems(list(SHOW))
        self.count = label("", "muted")
        self.record = named(QPushButton("Record answers…"), "recordAnswers")
        self.unusable = named(QPushButton("Mark unusable…"), "markUnusable")
        self.record.setToolTip("Answer the criteria for the selected case (or double-click it)")
        self.unusable.setToolTip("Set the selected case aside and bring in the next reserve case")
        self.evaluate = named(QPushButton("Evaluate computed"), "evaluateComputed")
        self.evaluate.setToolTip("Work out the computed criteria of every case from its fields and the force settings "
                                 "(hand overrides are kept)")
        self.add_second = named(QPushButton("Add to second review"), "addSecondReview")
        self.add_second.setToolTip("Put the selected case in the second reviewer's dip")
        self.second = named(QPushButton("Second review…"), "secondReview")
        self.second.setToolTip("Answer the selected case as the second reviewer; the agreement is shown")
        self.verify = named(QPushButton("Verify draw…"), "verifyDraw")
        self.verify.setToolTip("Redraw from the extract with the recorded seed and compare with this sample")
        self.hint = label("", "muted", wrap=True)
        self.hint.setObjectName("casesHint")
        # the empty state of a round planned but not drawn yet: what it is, and the one thing to do
        self.draw_button = named(QPushButton("Load population and draw…"), "drawPlannedCases")
        self.draw_button.setToolTip("Load the population extract and draw this audit's sample from its own plan")
        self.undrawn_note = label("", wrap=True)
        self.undrawn_note.setObjectName("casesUndrawn")
        self.undrawn = named(QWidget(), "casesEmptyState")
        empty = QVBoxLayout(self.undrawn)
        empty.setContentsMargins(0, 24, 0, 0)
        empty.addWidget(label("Not drawn yet", "section"))
        empty.addWidget(self.undrawn_note)
        empty.addWidget(self.draw_button, 0, Qt.AlignmentFlag.AlignLeft)
        empty.addStretch(1)
        self.undrawn.setVisible(False)
        self.second_decisions: Mapping[int, Decision] = {}

        top = QHBoxLayout()
        top.addWidget(self.count)
        top.addStretch(1)
        self.show_label = label("Show", "muted")
        top.addWidget(self.show_label)
        top.addWidget(self.show_only)
        verbs = QGridLayout()  # two short rows, so the panel fits a small window
        verbs.setContentsMargins(0, 0, 0, 0)
        verbs.setColumnStretch(0, 1)
        for col, (upper, lower) in enumerate(((self.evaluate, self.verify), (self.add_second, self.second),
                                              (self.unusable, self.record)), start=1):
            verbs.addWidget(upper, 0, col)
            verbs.addWidget(lower, 1, col)
        bottom = QVBoxLayout()
        bottom.addWidget(self.hint)
        bottom.addLayout(verbs)
        self.verbs = verbs
        self._pending: int | None = None  # a case to select once its round's rows arrive
        self.column = layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.undrawn, 1)
        layout.addLayout(bottom)

        self._editable = ctx.can("fieldwork.record")
        self.show_only.currentTextChanged.connect(lambda t: self.proxy.set_result(SHOW_RESULT.get(t)))
        self.table.doubleClicked.connect(lambda _index: self.record_answers())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.record.clicked.connect(lambda: self.record_answers())
        self.unusable.clicked.connect(self.mark_unusable)
        self.evaluate.clicked.connect(lambda: self.evaluate_computed())
        self.add_second.clicked.connect(lambda: self.add_to_second_review())
        self.second.clicked.connect(lambda: self.second_review_answers())
        self.verify.clicked.connect(lambda: self.verify_draw())
        self.show_only.setAccessibleName("Show only these cases")
        self.table.setAccessibleName("Sampled cases")
        self._update_buttons()

    # -- showing --------------------------------------------------------------------------
    def show_cases(self, audit: AuditInfo | None, template: Template | None, rows: Sequence[CaseRow],
                   stale: int = 0, second_review: Mapping[int, Decision] | None = None) -> None:
        """`stale`: computed answers that differ from what their inputs give now (none, normally: the
        services answer them again on every change; an older workspace may hold some).
        `second_review`: whether this user may give each case's second answers (the service's decision)."""
        keep = self.selected()
        pending, self._pending = self._pending, None
        self.stale = stale
        self.second_decisions = dict(second_review or {})
        same = audit is not None and self.audit is not None and audit.id == self.audit.id
        self.audit, self.template = audit, template
        self.model.set_rows(rows, len(template.criteria) if template is not None else 0)
        in_use = [r for r in rows if r.case.state != "unusable"]
        done = sum(1 for r in in_use if r.result != "incomplete")
        aside = len(rows) - len(in_use)
        self.count.setText(f"{len(in_use)} cases in use · {done} complete"
                           + (f" · {aside} set aside" if aside else "") if audit is not None else "")
        if same and pending is not None and self.select_case(pending):
            pass  # a case asked for before these rows were read (a reserve just brought in)
        elif same and keep is not None:
            self.select_case(keep.case.id)
        self._update_buttons()

    def selected(self) -> CaseRow | None:
        row = selected_source_row(self.table, self.proxy)
        return None if row is None else self.model.case(row)

    def select_case(self, case_id: int) -> bool:
        """Select a case; one not among the rows yet (its round is being read again) is selected
        when they arrive."""
        found = select_row_where(self.table, self.proxy, REF, ID_ROLE, case_id) is not None
        self._pending = None if found else case_id
        return found

    def select_ref(self, ref: str) -> bool:
        row = next((r for r in self.model.rows() if r.case.ref == ref), None)
        return row is not None and self.select_case(row.case.id)

    def _update_buttons(self) -> None:
        row = self.selected()
        usable = row is not None and row.case.state != "unusable"
        self.record.setEnabled(usable)  # a viewer may open the editor to read; saving is refused
        self.unusable.setEnabled(self._editable and usable)
        drawn = self.audit is not None and self.audit.cases_sampled > 0
        self.evaluate.setEnabled(self._editable and drawn)
        stale = getattr(self, "stale", 0)
        self.evaluate.setText(f"Evaluate computed ({stale} out of date)" if stale and self._editable
                              else "Evaluate computed")
        self.verify.setEnabled(drawn)
        self.add_second.setEnabled(self._editable and usable and not (row is not None and row.case.second_review))
        decision = self.second_decisions.get(row.case.id) if row is not None and usable else None
        self.second.setEnabled(self._editable and usable and decision is not None and decision.ok)
        self.second.setToolTip(decision.reason if decision is not None and not decision.ok else
                               "Answer the selected case as the second reviewer; the agreement is shown")
        undrawn = self.audit is not None and not drawn and self.audit.seed is None
        self.undrawn.setVisible(undrawn)
        self.table.setVisible(not undrawn)
        for w in (self.count, self.show_label, self.show_only, self.evaluate, self.verify, self.add_second, self.second,
                  self.unusable, self.record):
            w.setVisible(not undrawn)
        may_draw = self.ctx.can("audits.edit")
        self.draw_button.setEnabled(may_draw)
        if undrawn:
            self.hint.setText("")
            self.undrawn_note.setText(
                "This round is planned but not drawn yet, so it has no cases. Load population and draw… loads "
                "its population extract (CSV or Excel), checks it against the template and draws the sample from "
                "the plan the round was given; the cases then show here, ready to record."
                + ("" if may_draw else
                   f" The {self.ctx.user.role} role cannot draw samples: ask an officer or the admin."))
            self.draw_button.setToolTip("Load the population extract and draw this audit's sample from its own plan"
                                        if may_draw else f"The {self.ctx.user.role} role cannot draw samples")
        elif not self._editable:
            self.hint.setText(f"Read only: the {self.ctx.user.role} role cannot record fieldwork.")
        elif row is None:
            self.hint.setText("Select a case to record its answers, or double-click it.")
        elif row.case.state == "unusable":
            self.hint.setText(f"{row.case.ref} was set aside: {row.case.unusable_reason}")
        else:
            to_go = len(row.score.missing) if row.score is not None and row.score.status == "incomplete" else 0
            self.hint.setText(f"{row.case.ref}: {row.case.answered} of the template's {self.model_criteria()} "
                              "questions answered" + (f"; {to_go} more needed for a result." if to_go else
                                                      "; nothing more is needed for a result."))

    def model_criteria(self) -> int:
        return len(self.template.criteria) if self.template is not None else 0

    # -- acting ---------------------------------------------------------------------------
    def _next_row(self, row: CaseRow) -> CaseRow | None:
        """The case after `row` in the order shown (skipping cases set aside)."""
        shown = [self.model.case(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                 for r in range(self.proxy.rowCount())]
        ids = [r.case.id for r in shown]
        if row.case.id not in ids:
            return None
        return next((r for r in shown[ids.index(row.case.id) + 1:] if r.case.state != "unusable"), None)

    def editor_for(self, row: CaseRow, role: str = "primary") -> CaseEditorDialog | None:
        """The case editor for `row`, with the answers as they are now (None if they cannot be read)."""
        audit, template = self.audit, self.template
        if audit is None or template is None:
            return None
        case_id = row.case.id
        try:
            answers, primary, now = self.ctx.read(lambda uow: (  # one case's rows: short enough for this thread
                fieldwork.answers_of_case(uow, case_id, role),
                fieldwork.answers_of_case(uow, case_id) if role == "second" else {},
                fieldwork_flow.computed_now(uow, case_id)))
        except WorkbenchError as exc:
            show_error(self, exc)
            return None
        title = f"{audit.title} · round {audit.round}"
        dialog = CaseEditorDialog(row.case, template, answers, title, self, result=row.result, role=role,
                                  primary=primary, computed_now=now,
                                  evaluate=(lambda: None) if self._editable else None,
                                  has_next=self._next_row(row) is not None)
        if not self._editable:
            for b in (dialog.save, dialog.save_next):
                b.setEnabled(False)
                b.setToolTip(f"The {self.ctx.user.role} role cannot record fieldwork")
        return dialog

    def record_answers(self, role: str = "primary") -> None:
        """Open the editor on the selected case; Save and next goes on to the next case."""
        row = self.selected()
        while row is not None and row.case.state != "unusable":
            dialog = self.editor_for(row, role)
            self.editor = dialog
            if dialog is None or dialog.exec() != QDialog.DialogCode.Accepted.value:
                return
            while not self._save_edits(row, dialog, role):
                # refused (the error was shown): the same editor again, with every answer as typed
                dialog.go_next = dialog.evaluate_requested = False
                dialog.problem.setText("Not saved — the answers you typed are kept here: correct what the "
                                       "message said, or Cancel to discard them.")
                if dialog.exec() != QDialog.DialogCode.Accepted.value:
                    return
            if dialog.evaluate_requested:
                self.ctx.write(self, lambda uow: fieldwork.evaluate_computed(uow, self.audit.id))  # type: ignore[union-attr]
                self.select_case(row.case.id)
                row = self.selected()
                continue
            if not dialog.go_next:
                return
            following = self._next_row(row)
            if following is None:
                return
            self.select_case(following.case.id)
            row = self.selected()

    def _save_edits(self, row: CaseRow, dialog: CaseEditorDialog, role: str) -> bool:
        edits = dialog.edits()
        if not edits:
            return True
        case_id, audit_id = row.case.id, row.case.audit_id
        rule_keys = {c.key for c in (self.template.criteria if self.template else ()) if c.rule is not None}

        def record(uow: UnitOfWork) -> int:
            for e in edits:
                fieldwork.record_response(uow, case_id, e.criterion, e.value, e.comment, role,
                                          expected_version=e.version, override=e.override)
            if any(e.override and e.value is None for e in edits if e.criterion in rule_keys):
                fieldwork.evaluate_computed(uow, audit_id)  # back to the rule
            return len(edits)

        return self.ctx.write(self, record) is not None

    def evaluate_computed(self) -> None:
        audit = self.audit
        if audit is None:
            return
        summary = self.ctx.write(self, lambda uow: fieldwork.evaluate_computed(uow, audit.id))
        if summary is not None:
            show_info(self, "Computed criteria evaluated",
                      f"{summary.evaluated} computed answers on {summary.cases} cases: {summary.yes} met, "
                      f"{summary.no} not met, {summary.not_applicable} not applicable ({summary.changed} changed).",
                      f"{summary.overrides_kept} answers given by hand were kept." if summary.overrides_kept else "")

    def add_to_second_review(self) -> None:
        row, audit = self.selected(), self.audit
        if row is None or audit is None:
            return
        case_id = row.case.id
        if self.ctx.write(self, lambda uow: fieldwork.second_review(uow, audit.id, [case_id])) is not None:
            self.select_case(case_id)

    def second_review_answers(self) -> None:
        self.record_answers("second")

    def verify_draw(self) -> None:
        audit = self.audit
        if audit is None:
            return
        chosen, _ = QFileDialog.getOpenFileName(self, f"Verify the draw of {audit.title}", "",
                                                "Extracts (*.csv *.xlsx *.xlsm *.txt);;All files (*)")
        if chosen:
            self.verify_with(Path(chosen))

    def verify_with(self, path: Path) -> None:
        audit_id = self.audit.id if self.audit is not None else None
        if audit_id is None:
            return

        def done(outcome: tuple[bool, str]) -> None:
            same, why = outcome
            show_info(self, "Same sample" if same else "Different sample", ("SAME: " if same else "DIFFERENT: ") + why)

        self.ctx.background(self, f"Redrawing from {path.name}…",
                            lambda uow, progress: population.verify_draw(uow, audit_id, path, progress),
                            write=False, on_success=done)

    def mark_unusable(self) -> None:
        row = self.selected()
        if row is None or row.case.state == "unusable":
            return
        dialog = CommentDialog(
            f"Mark case {row.case.ref} unusable",
            f"Why can case {row.case.ref} not be audited? It is set aside (kept in the record with this reason) "
            "and the next reserve case" + (" of the same stratum" if row.case.stratum else "") + " takes its place; "
            "its computed criteria are worked out at once.",
            "Set aside", self, placeholder="e.g. record not found; wrong incident type; duplicate of another case")
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        reason, case = dialog.text(), row.case
        swap = self.ctx.write(self, lambda uow: fieldwork_flow.replace_unusable(uow, case.id, reason,
                                                                                expected_version=case.version))
        if swap is not None:
            replacement = swap.replacement
            show_info(self, "Case set aside", f"Case {case.ref} was set aside as unusable.",
                      f"Reserve case {replacement.ref} replaces it, with its computed criteria already worked out; "
                      "answer that case instead.")
            self.select_case(replacement.id)
