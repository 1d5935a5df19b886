"""Register: every source (PEEL, thematic, national, CDI, joint, letters, Engage) and its findings
with both status lines, their dated history, and the moves and two-step closure; the assurance plan
as a calendar (a planned audit started as a new round in one step); the committee's report.

The page reads in a worker (never on the GUI thread) when it is shown and something it shows has
changed; the latest read wins, an older one finishing late is dropped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from workbench.gui.changes import concerns
from workbench.gui.context import GuiContext, check_present
from workbench.gui.display_text import kind_short
from workbench.gui.messages import show_info
from workbench.gui.page import ReadingPage
from workbench.gui.plan_calendar import PlanCalendar, PlanCalendarData, read_calendar
from workbench.gui.qt import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.register_dialogs import AuthoriseClosureDialog, MoveDialog, ProposeClosureDialog
from workbench.gui.style import label
from workbench.gui.tables import TextTable
from workbench.gui.workers import run_in_worker
from workbench.progress import Progress
from workbench.services import assurance_plan, register, register_status
from workbench.services import findings as finding_service
from workbench.services.register_status import FindingStatus
from workbench.store.uow import UnitOfWork
from workbench.wording import counted

REGISTER_VIEW = frozenset({"inspection", "finding", "closure_proposal", "finding_link", "evidence", "action",
                           "planned_audit", "audit", "case", "response", "assessment", "status_change"})
FINDING_COLUMNS = ("Source", "Ref", "Kind", "Addressed to", "Force status", "Inspectorate status", "Carried forward")


@dataclass(frozen=True)
class RegisterData:
    sources: list[register.SourceInfo]
    statuses: list[FindingStatus]
    calendar: PlanCalendarData


def read_register(uow: UnitOfWork, year: int, today: date) -> RegisterData:
    """Everything the page shows, as plain data (run in a worker)."""
    return RegisterData(register.list_sources(uow),
                        [register_status.status(uow, f.stored_id) for f in finding_service.list_findings(uow)],
                        read_calendar(uow, year, today))


class RegisterPage(ReadingPage):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.ctx, self._today = ctx, today
        self.rows: list[FindingStatus] = []
        self._generation = 0
        self._pending = 0  # reads started and not yet back
        self._stale = True
        self.committee = named(QPushButton("Committee report…"), "committeeReport")
        self.committee.setToolTip("The quarterly progress report and the force action plan, as Word and PDF")
        self.committee.clicked.connect(self.committee_report)
        self.calendar = PlanCalendar(ctx.allowed("audits.edit"), today)
        self.calendar.year_changed.connect(lambda _y: self.refresh())
        self.calendar.start_requested.connect(self.start_planned)
        self.calendar.add_requested.connect(self.plan_audit)
        self.sources = TextTable("registerSources", ["Type", "Title", "Date", "Deadline", "PCC response",
                                                     "Open / all"], stretch=1)
        self.table = named(QTableWidget(0, len(FINDING_COLUMNS)), "registerFindings")
        self.table.setHorizontalHeaderLabels(list(FINDING_COLUMNS))
        self.table.setAccessibleName("Findings in the register")
        self.sources.setAccessibleName("Sources: reports, letters and inspections")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.heading = label("", "section")
        self.summary = label("", wrap=True, plain=True)
        self.history = TextTable("registerHistory", ["Date", "Line", "From", "To", "Comment", "By"], stretch=4)
        self.history.setAccessibleName("Status history of the selected finding")
        self.move_force = named(QPushButton("Move force status…"), "moveForce")
        self.move_insp = named(QPushButton("Move inspectorate status…"), "moveInspectorate")
        self.propose = named(QPushButton("Propose closure…"), "proposeClosure")
        self.authorise = named(QPushButton("Record authorisation…"), "authoriseClosure")
        self.move_force.clicked.connect(lambda: self._move("force"))
        self.move_insp.clicked.connect(lambda: self._move("inspectorate"))
        self.propose.clicked.connect(self._propose)
        self.authorise.clicked.connect(self._authorise)
        buttons = QHBoxLayout()
        for b in (self.move_force, self.move_insp, self.propose, self.authorise):
            buttons.addWidget(b)
        buttons.addStretch(1)

        body = QWidget()
        layout = QVBoxLayout(body)
        title = QHBoxLayout()
        title.addWidget(label("Register", "pageTitle"))
        title.addStretch(1)
        title.addWidget(self.committee)
        layout.addLayout(title)
        layout.addWidget(label("Every source of findings, each finding's two status lines and their history, and "
                               "the assurance plan.", "muted"))
        layout.addWidget(label("Sources", "section"))
        layout.addWidget(self.sources)
        layout.addWidget(label("Assurance plan", "section"))
        layout.addWidget(self.calendar)
        layout.addWidget(label("Findings", "section"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.history)
        scroll = named(QScrollArea(), "registerScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        ctx.changes.changed.connect(self._changed)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------------
    def _changed(self, kinds: Any) -> None:
        if concerns(kinds, REGISTER_VIEW):
            self.read_now_or_when_shown()

    def refresh(self) -> None:
        """Read the page in a worker; the latest read wins (an older one finishing late is dropped)."""
        self._stale = False
        self._generation += 1
        generation, ws, actor = self._generation, self.ctx.ws, self.ctx.actor
        year, today = self.calendar.year.value(), self._today()

        def work(_progress: Progress) -> RegisterData:
            check_present(ws)
            with ws.unit_of_work(actor, write=False) as uow:
                return read_register(uow, year, today)

        def done(data: RegisterData) -> None:
            self._pending -= 1
            if generation == self._generation:
                self._show_data(data)

        def failed(_exc: BaseException) -> None:  # said in a message box; the window lives
            self._pending -= 1
            if generation == self._generation:
                self._stale = True  # read again when next shown

        self._pending += 1
        run_in_worker(self, self.ctx.pool, "Reading the register…", work, done, failed, show_progress=False)

    @property
    def reading(self) -> bool:
        """Whether a read of the page is still on its way (for tests and the screenshots)."""
        return self._pending > 0

    def _show_data(self, data: RegisterData) -> None:
        keep = self.selected()
        listed, self.rows = data.sources, data.statuses
        self.sources.set_rows([[s.type_label, s.title, _d(s.published), _d(s.deadline), _pcc(s),
                                f"{s.open_findings} / {s.findings}"] for s in listed])
        self.table.setRowCount(len(self.rows))
        for r, st in enumerate(self.rows):
            carried = ("into " + ", ".join(st.carried_forward_to)) if st.carried_forward_to else \
                ("from " + ", ".join(st.carried_forward_from)) if st.carried_forward_from else ""
            for c, text in enumerate((st.source, st.ref, kind_short(st.kind), st.addressed_to,
                                      st.force_status, st.inspectorate_status or "—", carried)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        again = next((r for r, st in enumerate(self.rows) if keep and st.finding_id == keep.finding_id), None)
        if again is not None:
            self.table.selectRow(again)
        self._show_selected()
        if data.calendar.year == self.calendar.year.value():
            self.calendar.show_calendar(data.calendar)

    def selected(self) -> FindingStatus | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or not (0 <= rows[0].row() < len(self.rows)):
            return None
        return self.rows[rows[0].row()]

    def select(self, ref: str) -> bool:
        for r, st in enumerate(self.rows):
            if st.ref == ref or f"{st.source} / {st.ref}" == ref:
                self.table.selectRow(r)
                return True
        return False

    def _show_selected(self) -> None:
        st = self.selected()
        editor = self.ctx.can("findings.edit")
        for b in (self.move_force, self.move_insp, self.propose):
            b.setEnabled(st is not None and editor)
        self.authorise.setEnabled(st is not None and st.force_status == "proposed for closure"
                                  and self.ctx.can("register.authorise"))
        if st is None:
            self.heading.setText("Select a finding to see its history")
            self.summary.setText("")
            self.history.set_rows([])
            return
        self.heading.setText(f"{st.source} / {st.ref}")
        lines = [f"Force: {st.force_status}. Inspectorate: {st.inspectorate_status or 'not stated'}."]
        if st.closure is not None:
            c = st.closure
            lines.append(f"Closure {c.state}: proposed by {c.proposed_by} on {c.proposed_on:%d %b %Y}, demonstrated "
                         f"{c.demonstration_from:%d %b %Y} to {c.demonstration_to:%d %b %Y}; "
                         f"evidence: {', '.join(c.evidence)}."
                         + (f" Authorised by the {c.authorised_by} on {c.authorised_on:%d %b %Y}: {c.basis}."
                            if c.authorised_on else ""))
        for words, refs in (("Carried forward into", st.carried_forward_to),
                            ("Carried forward from", st.carried_forward_from)):
            if refs:
                lines.append(f"{words} {', '.join(refs)}.")
        self.summary.setText(" ".join(lines))
        self.history.set_rows([[h.on.strftime("%d %b %Y"), h.line, h.from_status or "—", h.to_status, h.comment,
                                h.recorded_by] for h in reversed(st.history)])

    # -- the plan and the committee -----------------------------------------------------------------
    def start_planned(self, plan_id: int, key: str, version: int) -> None:
        """Make one occurrence of the plan an audit now (the plan's next round, its plan carried forward)."""
        made = self.ctx.write(self, lambda uow: assurance_plan.start_planned_audit(
            uow, plan_id, key, expected_version=version))
        if made is not None:
            self.calendar.select(plan_id, key)
            show_info(self, "Audit started", f"{made.title} is round {made.round} of its audit, with "
                      f"{counted(len(made.findings), 'finding')}.", "Select it on the Audits page and use Load population and "
                      "draw… to load its extract and draw its sample on its own plan.")

    def plan_audit(self) -> None:
        """Add an audit to the assurance plan (the dialog writes it and stays open when refused); what
        it offers (templates, findings, earlier audits) is read in a worker first."""
        from workbench.gui.plan_dialog import PlanAuditDialog, PlanChoices, read_plan_choices

        def opened(choices: PlanChoices) -> None:
            dialog = PlanAuditDialog(self.ctx, self.calendar.year.value(), choices, self)
            if dialog.exec() == QDialog.DialogCode.Accepted and dialog.added is not None:
                self.calendar.year.setValue(dialog.added.year)
                self.refresh()

        self.ctx.background(self, "Reading the templates and findings…", lambda uow, _p: read_plan_choices(uow),
                            write=False, on_success=opened)

    def committee_report(self) -> None:
        from workbench.gui.committee_dialog import CommitteeReportDialog

        path = self.ctx.ws.location.path
        folder = str(path.parent / "committee") if path is not None else ""
        CommitteeReportDialog(self.ctx, self, self._today(), folder).exec()

    # -- moves -----------------------------------------------------------------------------------
    def _move(self, line: str) -> None:
        st = self.selected()
        if st is None:
            return
        current = st.force_status if line == "force" else st.inspectorate_status
        moves = st.force_moves if line == "force" else st.inspectorate_moves
        dialog = MoveDialog(line, current, moves, self._today(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()
        self.ctx.write(self, lambda uow: register_status.move(uow, st.finding_id, line, str(v["to"]), on=cast("date | None", v["on"]),
                                                             comment=str(v["comment"]),
                                                             expected_version=st.version))

    def _propose(self) -> None:
        st = self.selected()
        if st is None:
            return
        count = self.ctx.read(lambda uow: register_status.evidence_count(uow, st.finding_id))
        dialog = ProposeClosureDialog(st.ref, count, self._today(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()
        self.ctx.write(self, lambda uow: register_status.propose_closure(
            uow, st.finding_id, str(v["rationale"]), v["demonstration_from"], v["demonstration_to"],  # type: ignore[arg-type]
            on=self._today(), expected_version=st.version))

    def _authorise(self) -> None:
        st = self.selected()
        if st is None:
            return
        dialog = AuthoriseClosureDialog(st.ref, self._today(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()
        self.ctx.write(self, lambda uow: register_status.authorise_closure(
            uow, st.finding_id, str(v["by"]), v["on"], str(v["basis"]), expected_version=st.version))  # type: ignore[arg-type]


def _d(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def _pcc(s: register.SourceInfo) -> str:
    if s.pcc_response_due is None:
        return "—"
    if s.pcc_response_date is not None:
        return f"responded {s.pcc_response_date:%d %b %Y}"
    return f"due {s.pcc_response_due:%d %b %Y}"
