"""Audits: every round with its compliance and RAG; the selected round's score, cases and agreement,
and the fieldwork workbook out and back in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workbench.gui.agreement_view import AgreementView, has_agreement
from workbench.gui.audit_cases_panel import CasesPanel
from workbench.gui.audit_score_view import AuditScoreView
from workbench.gui.audit_wizard import AuditWizard
from workbench.gui.audits_model import ID_ROLE, SORT_ROLE, TEMPLATE, TITLE, AuditRow, AuditsTableModel
from workbench.gui.cases_model import CaseRow, case_rows
from workbench.gui.changes import AUDITS_VIEW, concerns
from workbench.gui.context import GuiContext
from workbench.gui.fieldwork_import_dialog import FieldworkImportDialog
from workbench.gui.messages import show_info
from workbench.gui.page import ReadingPage
from workbench.gui.qt import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QModelIndex,
    QPushButton,
    QScrollArea,
    QSortFilterProxyModel,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.rows_model import select_row_where
from workbench.gui.style import label
from workbench.gui.tables import columns_fit_contents, list_view
from workbench.gui.workers import busy_note
from workbench.services import audits as audit_service
from workbench.services import fieldwork, fieldwork_flow, scoring
from workbench.services.access import Decision
from workbench.services.agreement import Agreement, agreement
from workbench.services.audit_planning import PlannedDraw, PlanSpec, next_round, plan_of
from workbench.services.fieldwork_io import FieldworkImportResult, export_fieldwork, import_fieldwork
from workbench.services.templates import get_template
from workbench.store.uow import UnitOfWork
from workbench.templates import Template

XLSX_FILTER = "Excel workbooks (*.xlsx)"
SCORE_TAB, CASES_TAB, AGREEMENT_TAB = range(3)


@dataclass(frozen=True)
class AuditDetail:
    template: Template
    cases: tuple[CaseRow, ...]
    agreement: Agreement | None
    stale: int = 0  # computed answers whose inputs have changed since they were worked out
    #: whether this user may give each case's second answers (four eyes), by case id
    second_review: Mapping[int, Decision] = field(default_factory=dict)


def read_audits(uow: UnitOfWork) -> list[AuditRow]:
    return [AuditRow(a, scoring.score_audit(uow, a.id) if a.cases_sampled else None)
            for a in audit_service.list_audits(uow)]


def read_detail(uow: UnitOfWork, row: AuditRow) -> AuditDetail:
    template = get_template(uow, row.info.template_id)
    if not row.info.cases_sampled:
        return AuditDetail(template, (), None)
    scores = {c.case_id: c for c in (row.score.cases if row.score else ())}
    cases = case_rows(fieldwork.list_cases(uow, row.info.id, include_reserves=False), scores, len(template.criteria))
    return AuditDetail(template, cases, agreement(uow, row.info.id), fieldwork_flow.stale_computed(uow, row.info.id),
                       fieldwork.second_review_decisions(uow, row.info.id))


def _scrolling(widget: QWidget, name: str) -> QScrollArea:
    area = named(QScrollArea(), name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    holder = QWidget()
    holder.setObjectName(f"{name}Body")
    lay = QVBoxLayout(holder)
    lay.setContentsMargins(4, 8, 12, 8)
    lay.addWidget(widget)
    area.setWidget(holder)
    return area


class AuditsPage(ReadingPage):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        self.current: AuditRow | None = None
        self.model = AuditsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = list_view("auditsTable")
        self.table.setAccessibleName("Audits and their rounds")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
        columns_fit_contents(self.table, stretch=TEMPLATE)  # the template: the least needed words
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 3 + 30)
        self.count = label("", "muted")
        self.loader = ctx.loader(self, self._fill, name="auditsLoader")  # the rounds and their scores
        self.detail_loader = ctx.loader(self, self._fill_detail, name="auditDetailLoader")  # the selected one's
        self.busy_note = busy_note(self.loader)
        self._pending: int | None = None  # an audit to select once the rounds are read

        self.heading = label("", "findingTitle", wrap=True)
        self.heading.setObjectName("auditHeading")
        self.subheading = label("", "muted", wrap=True)
        self.plan = named(QPushButton("Plan an audit…"), "planAudit")
        self.plan.setToolTip("Choose a template, load the population extract, size and draw the sample")
        self.new_round = named(QPushButton("New round…"), "newRound")
        self.new_round.setToolTip("Plan the next round of the selected audit, starting from its plan")
        self.draw_planned = named(QPushButton("Load population and draw…"), "drawPlanned")
        self.draw_planned.setToolTip("Load the population extract of the selected audit, planned but not drawn yet, "
                                     "and draw its sample from its own plan")
        self.draw_planned.setVisible(False)
        self.export = named(QPushButton("Export fieldwork workbook…"), "exportFieldwork")
        self.import_ = named(QPushButton("Import fieldwork workbook…"), "importFieldwork")
        self.export.setToolTip("An Excel workbook of the cases in use, to fill in offline")
        self.import_.setToolTip("Check a filled-in workbook first (nothing is written), then import it")
        self.score = AuditScoreView()
        self.cases = CasesPanel(ctx)
        self.cases_note = busy_note(self.detail_loader, "Loading the cases…")
        self.cases.column.insertWidget(0, self.cases_note)
        self.agreement = AgreementView()
        self.tabs = named(QTabWidget(), "auditTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(_scrolling(self.score, "scoreScroll"), "Score")
        self.tabs.addTab(self.cases, "Cases")
        self.tabs.addTab(_scrolling(self.agreement, "agreementScroll"), "Agreement")

        detail = named(QWidget(), "auditDetail")
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.heading)
        titles.addWidget(self.subheading)
        head.addLayout(titles, 1)
        head.addWidget(self.draw_planned, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.export, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.import_, 0, Qt.AlignmentFlag.AlignTop)
        lay = QVBoxLayout(detail)
        lay.setContentsMargins(0, 8, 0, 0)
        lay.addLayout(head)
        lay.addWidget(self.tabs, 1)
        self.splitter = named(QSplitter(Qt.Orientation.Vertical), "auditsSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([250, 520])  # about eight rounds in view before the score

        bar = QHBoxLayout()
        bar.addWidget(label("Audits", "pageTitle"))
        bar.addStretch(1)
        bar.addWidget(self.busy_note)
        bar.addWidget(self.count)
        bar.addWidget(self.new_round)
        bar.addWidget(self.plan)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self._editable = ctx.can("fieldwork.record")
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.export.clicked.connect(self.export_workbook)
        self.plan.clicked.connect(lambda: self.plan_audit())
        self.new_round.clicked.connect(lambda: self.plan_next_round())
        self.draw_planned.clicked.connect(lambda: self.draw_selected())
        self.cases.draw_button.clicked.connect(lambda: self.draw_selected())
        self._planner = ctx.can("audits.edit")
        self.plan.setEnabled(self._planner)
        if not self._planner:
            self.plan.setToolTip(f"The {ctx.user.role} role cannot plan audits")
        self.import_.clicked.connect(self.import_workbook)
        ctx.changes.changed.connect(self._on_changed)
        self._stale = True  # read when first shown

    # -- data -------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a read for this page is under way (its view is filled when it ends)."""
        return self.loader.busy or self.detail_loader.busy

    def refresh(self) -> None:
        """Read every round and its score in a worker; the table is filled when it ends."""
        self._stale = False
        self.ctx.load(self.loader, read_audits)

    def _fill(self, rows: list[AuditRow]) -> None:
        keep = self._pending if self._pending is not None else (
            self.current.info.id if self.current is not None else None)
        self._pending = None
        self.model.set_rows(rows)
        red = sum(1 for r in rows if r.score is not None and r.score.rag == "red")
        self.count.setText(f"{len(rows)} audit rounds" + (f" · {red} rated red" if red else ""))
        if keep is None or not self.select_audit(keep):
            self._show(None)

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if concerns(kinds, AUDITS_VIEW):
            self.read_now_or_when_shown()

    def select_audit(self, audit_id: int) -> bool:
        """Select a round; while the rounds are being read, it is selected once they are in."""
        if self.loader.busy:
            self._pending = audit_id
        before = self.table.selectionModel().currentIndex().row()
        row = select_row_where(self.table, self.proxy, TITLE, ID_ROLE, audit_id)
        if row is not None and row == before:  # no currentRowChanged: show the fresh data ourselves
            self._show(self.model.audit(self.proxy.mapToSource(self.proxy.index(row, TITLE)).row()))
        return row is not None or self._pending == audit_id

    def select_round(self, title_starts: str, round_no: int) -> bool:
        for r in range(self.model.rowCount()):
            info = self.model.audit(r).info
            if info.title.startswith(title_starts) and info.round == round_no:
                return self.select_audit(info.id)
        return False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        valid = current.isValid()
        self._show(self.model.audit(self.proxy.mapToSource(current).row()) if valid else None)

    def _show(self, row: AuditRow | None) -> None:
        """The heading and score at once (already read with the rounds); cases and agreement in a worker."""
        self.current = row
        info = row.info if row is not None else None
        if info is None and self.model.rowCount() == 0:
            self.heading.setText("No audits yet")
            self.subheading.setText("Plan an audit… to choose a template, load the population extract, size the "
                                    "sample and draw it; the cases are then ready to record here.")
        elif info is None:
            self.heading.setText("Select an audit round")
            self.subheading.setText("Its score, cases and agreement show here. Plan an audit… starts a new one; "
                                    "New round… continues the selected one from its plan.")
        else:
            self.heading.setText(f"{info.title} — round {info.round}")
            refs = ", ".join(ref for _, ref in info.findings) or "no finding"
            method = info.plan.get("method", "simple")
            if info.population_size:
                sample = (f"sample {info.cases_sampled} drawn from {info.population_size:,} ({method}) · seed "
                          f"{info.seed if info.seed is not None else '—'}")
            else:
                size = info.plan.get("size")
                sample = (f"sample of {size} planned" if size else "sample sized at the draw") + \
                    f" ({method}), not drawn yet"
            self.subheading.setText(f"{info.template_name} v{info.template_version} · {refs} · {sample}")
        self.score.show_score(row.score if row is not None else None)
        if row is None:
            self.detail_loader.cancel()
            self._fill_detail((None, None))
        else:
            if self.cases.audit is None or self.cases.audit.id != row.info.id:
                self.cases.show_cases(None, None, ())  # not the previous round's cases while these are read
            self.ctx.load(self.detail_loader, lambda uow: (row, read_detail(uow, row)))
        drawn_cases = info is not None and info.cases_sampled > 0
        undrawn = info is not None and not drawn_cases and info.seed is None
        self.new_round.setEnabled(self._planner and info is not None and not undrawn)
        self.new_round.setToolTip(
            f"{info.title} round {info.round} is not drawn yet: Load population and draw… draws it first"
            if undrawn and info is not None else
            "Plan the next round of the selected audit, starting from its plan" if self._planner else
            f"The {self.ctx.user.role} role cannot plan audits")
        self.draw_planned.setVisible(undrawn)
        for b in (self.export, self.import_):
            b.setVisible(not undrawn)  # nothing to export or import before the draw
        self.draw_planned.setEnabled(self._planner)
        self.draw_planned.setToolTip(
            "Load the population extract and draw this audit's sample from its own plan" if self._planner
            else f"The {self.ctx.user.role} role cannot draw samples")
        self.export.setEnabled(self._editable and drawn_cases)
        self.import_.setEnabled(self._editable and drawn_cases)
        if not self._editable:
            for b in (self.export, self.import_):
                b.setToolTip(f"The {self.ctx.user.role} role cannot record fieldwork")

    def _fill_detail(self, loaded: tuple[AuditRow | None, AuditDetail | None]) -> None:
        row, detail = loaded
        if row is not self.current:
            return  # read for a round no longer shown
        info = row.info if row is not None else None
        self.cases.show_cases(info, detail.template if detail else None, detail.cases if detail else (),
                              stale=detail.stale if detail else 0,
                              second_review=detail.second_review if detail else None)
        agreed = detail.agreement if detail else None
        self.agreement.show_agreement(agreed)
        self.tabs.setTabText(AGREEMENT_TAB, "Agreement" if has_agreement(agreed) else "Agreement (none)")

    # -- fieldwork workbook -------------------------------------------------------------------
    def _folder(self) -> str:
        path = self.ctx.ws.location.path
        return str(path.parent) if path is not None else ""

    def export_workbook(self) -> None:
        row = self.current
        if row is None:
            return
        name = f"fieldwork-audit-{row.info.id}-round-{row.info.round}.xlsx"
        chosen, _ = QFileDialog.getSaveFileName(self, "Export fieldwork workbook", str(Path(self._folder()) / name),
                                                XLSX_FILTER)
        if not chosen:
            return
        out = Path(chosen) if chosen.lower().endswith(".xlsx") else Path(chosen + ".xlsx")
        audit_id = row.info.id

        def done(path: Path) -> None:
            show_info(self, "Fieldwork workbook exported", f"Saved {path.name} with the {row.info.cases_active} "
                      "cases in use.", f"Fill it in offline, then import it here. Folder: {path.parent}")

        self.ctx.background(self, "Writing the fieldwork workbook…",
                            lambda uow, _progress: export_fieldwork(uow, audit_id, out), write=True, on_success=done)

    def import_workbook(self) -> None:
        row = self.current
        if row is None:
            return
        chosen, _ = QFileDialog.getOpenFileName(self, "Import fieldwork workbook", self._folder(), XLSX_FILTER)
        if chosen:
            self.check_workbook(Path(chosen))

    def check_workbook(self, path: Path) -> None:
        """Dry run in a worker, then the dialog; Import there records the answers (another worker)."""
        if self.current is None:
            return
        audit_id = self.current.info.id
        self.ctx.background(self, f"Checking {path.name}…",
                            lambda uow, _p: import_fieldwork(uow, audit_id, path, dry_run=True), write=False,
                            on_success=lambda result: self._confirm_import(audit_id, path, result))

    def _confirm_import(self, audit_id: int, path: Path, result: FieldworkImportResult) -> None:
        self.import_dialog = FieldworkImportDialog(result, path, self)
        if self.import_dialog.exec() != QDialog.DialogCode.Accepted.value:
            return

        def done(final: FieldworkImportResult) -> None:
            if final.written:
                show_info(self, "Fieldwork imported",
                          f"Recorded {final.changed:,} answer{'s' if final.changed != 1 else ''} from {path.name}.",
                          f"{final.unchanged:,} {'was' if final.unchanged == 1 else 'were'} unchanged.")
            else:
                FieldworkImportDialog(final, path, self).exec()  # changed since the check: say why

        self.ctx.background(self, f"Importing {path.name}…",
                            lambda uow, _p: import_fieldwork(uow, audit_id, path), write=True, on_success=done)


    # -- planning -------------------------------------------------------------------------------
    def plan_audit(self, start: PlanSpec | None = None, *, from_audit: int | None = None,
                   draw: int | None = None) -> AuditWizard:
        """Open the audit wizard (from `start`, a plan: of a new round of `from_audit`, or of the audit
        `draw`, planned but not drawn yet); on success show the cases."""
        self.wizard = AuditWizard(self.ctx, self, start, self._folder(), from_audit=from_audit, draw=draw)
        self.wizard.accepted.connect(lambda: self._planned(self.wizard.drawn))
        self.wizard.open()
        return self.wizard

    def plan_next_round(self) -> None:
        """Read the selected round's plan in a worker, then open the wizard from it."""
        self._open_wizard_on(next_round, lambda plan, audit_id: self.plan_audit(plan, from_audit=audit_id))

    def draw_selected(self) -> None:
        """Open the wizard on the selected audit's own plan (planned, not drawn yet) to load its
        population and draw it: that audit is drawn, no new one is made."""
        self._open_wizard_on(plan_of, lambda plan, audit_id: self.plan_audit(plan, draw=audit_id))

    def _open_wizard_on(self, read_plan: Callable[[UnitOfWork, int], PlanSpec],
                        open_with: Callable[[PlanSpec, int], object]) -> None:
        """Read a plan for the selected audit in a worker, then open the wizard with it."""
        if self.current is None:
            return
        audit_id = self.current.info.id

        def opened(plan: PlanSpec) -> None:
            open_with(plan, audit_id)

        self.ctx.background(self, "Reading the plan…", lambda uow, _p: read_plan(uow, audit_id), write=False,
                            on_success=opened)

    def _planned(self, drawn: PlannedDraw | None) -> None:
        if drawn is None:
            return
        self.refresh()
        self.select_audit(drawn.audit.id)  # once the rounds are read again
        self.tabs.setCurrentIndex(CASES_TAB)
        d, e = drawn.draw, drawn.evaluation
        show_info(self, "Cases ready", f"Drew {d.size} cases and {d.reserve} reserves for {drawn.audit.title} "
                  f"(round {drawn.audit.round}) from {d.population_name} with seed {d.seed}.",
                  f"{e.evaluated} computed answers were worked out ({e.yes} met, {e.no} not met, "
                  f"{e.not_applicable} not applicable). Open a case to record the rest.")

