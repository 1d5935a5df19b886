"""The workspace at a glance: what is registered, what waits for a decision, is the log intact
and does the data match it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape

from workbench.gui import confirm
from workbench.gui.attention_panel import AttentionPanel
from workbench.gui.changes import show_changes_in_words
from workbench.gui.child_process import run_in_child
from workbench.gui.context import GuiContext
from workbench.gui.display_text import kind_short, uk_date
from workbench.gui.page import ReadingPage
from workbench.gui.qt import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
    named,
)
from workbench.gui.style import card, label, set_tone, tag
from workbench.gui.workers import Cancelled, busy_note, run_in_worker
from workbench.services import change_words, finding_status, log_watch
from workbench.services import findings as finding_service
from workbench.services import measures as measure_service
from workbench.services.attention import AttentionItem
from workbench.services.change_words import ChangeInWords, person_name
from workbench.services.findings import FindingInfo, InspectionInfo
from workbench.services.log_check import IncrementalLogReport, LogReport
from workbench.services.log_checkpoints import LastCheck
from workbench.services.log_watch import ViewCheck
from workbench.services.settings import finding_statuses
from workbench.services.users import list_users
from workbench.store.uow import UnitOfWork

RECENT = 50


@dataclass(frozen=True)
class OverviewData:
    users: int
    inspections: tuple[InspectionInfo, ...]
    findings: tuple[FindingInfo, ...]
    statuses: tuple[str, ...]
    recent: tuple[ChangeInWords, ...]
    measures_to_review: int
    links_to_decide: int
    attention: tuple[AttentionItem, ...] = ()
    day: date | None = None  # the day the attention list was worked out for


def read_overview(uow: UnitOfWork, day: date | None = None) -> OverviewData:
    found = tuple(finding_service.list_findings(uow))
    suggested = {li.id for f in found for li in f.links if li.state == "suggested"}
    return OverviewData(
        users=len(list_users(uow)),
        inspections=tuple(finding_service.list_inspections(uow)),
        findings=found,
        statuses=finding_statuses(uow),
        recent=tuple(change_words.recent_in_words(uow, RECENT)),
        measures_to_review=sum(m.status == "proposed" for m in measure_service.list_measures(uow)),
        links_to_decide=len(suggested),
        attention=tuple(AttentionPanel.read_items(uow, day)) if day is not None else (),
        day=day,
    )


class _Stat(QFrame):
    def __init__(self, caption: str, name: str) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.setObjectName(name)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 10)
        lay.setSpacing(2)
        self.value = label("", "statValue")
        self.caption = label(caption, "statCaption", wrap=True)
        self.note = label("", "muted", wrap=True)
        lay.addWidget(self.value)
        lay.addWidget(self.caption)
        lay.addWidget(self.note)

    def set_value(self, value: str | int, note: str = "") -> None:
        self.value.setText(str(value))
        self.note.setText(note)


def _table(name: str) -> QTableWidget:
    table = named(QTableWidget(), name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    return table


def _when(iso: str) -> str:
    """A stored UTC time as the reader's local date and time."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    return f"{uk_date(local.date())} at {local:%H:%M}"


def _fit_height(table: QTableWidget) -> None:
    """As high as its rows, with room for the horizontal scroll bar a narrow window shows (which
    would otherwise cover the last row)."""
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    bar = table.horizontalScrollBar().sizeHint().height() \
        if table.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff else 0
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows + bar + 2 * table.frameWidth() + 2)


def _item(text: object, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(str(text))
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class OverviewPage(ReadingPage):
    #: after each change-log check has been shown (for tests and benchmarks)
    log_checked = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.attention = AttentionPanel(ctx.read, parent=self)  # what needs attention this week
        self.info = label("", "muted", wrap=True)
        self.info.setObjectName("overviewInfo")
        self.stats = {
            "inspections": _Stat("Inspections", "statInspections"),
            "findings": _Stat("Findings", "statFindings"),
            "measures": _Stat("Measures to review", "statMeasures"),
            "links": _Stat("Links to decide", "statLinks"),
        }
        self.log_card = card()
        self.log_card.setObjectName("logCard")
        log_lay = QVBoxLayout(self.log_card)
        log_lay.setContentsMargins(14, 10, 14, 10)
        self.log_state = tag("", "neutral")
        self.log_state.setObjectName("logState")
        self.log_text = label("", "muted", wrap=True)
        log_lay.addWidget(label("Change log", "statCaption"))
        log_lay.addWidget(self.log_state, 0, Qt.AlignmentFlag.AlignLeft)
        log_lay.addWidget(self.log_text)
        log_lay.addStretch(1)

        self.by_status = _table("findingsByStatus")
        self.inspections = _table("inspectionsTable")
        self.by_status.setAccessibleName("Findings by status")
        self.inspections.setAccessibleName("Inspections and reports")
        self.recent = _table("recentChanges")

        cards = QGridLayout()
        cards.setSpacing(10)
        for col, stat in enumerate(self.stats.values()):
            cards.addWidget(stat, 0, col)
            cards.setColumnStretch(col, 1)
        cards.addWidget(self.log_card, 0, len(self.stats))
        cards.setColumnStretch(len(self.stats), 1)
        tables = QHBoxLayout()
        tables.setSpacing(16)
        for title, table, stretch in (("Findings by status", self.by_status, 2),
                                      ("Inspections", self.inspections, 3)):
            column = QVBoxLayout()
            column.addWidget(label(title, "section"))
            column.addWidget(table)
            column.addStretch(1)
            tables.addLayout(column, stretch)
        body = named(QWidget(), "overviewBody")
        scroll = named(QScrollArea(), "overviewScroll")  # a small screen scrolls the dashboard
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 16)
        layout.setSpacing(10)
        layout.addWidget(label("Overview", "pageTitle"))
        layout.addWidget(self.info)
        layout.addLayout(cards)
        layout.addWidget(self.attention)
        layout.addLayout(tables)
        layout.addWidget(label("Recent changes", "section"))
        layout.addWidget(self.recent, 1)
        #: the change log is checked in a worker, from where this computer last found it intact
        #: (services/log_watch): when the page is first shown, after each change and on View ▸
        #: Refresh; in full (chain, anchors, every row against the log) on "Check in full", or when
        #: this computer has no checkpoint for the workspace. A check that walks many entries runs
        #: in another process (gui/child_process), so its hashing never holds the window up.
        self._last: LastCheck | None = None
        #: the log shown broken against this computer's checkpoint: "Check in full" offers to start afresh
        self._checkpoint_broken = False
        self._log_running = False
        self._log_wanted: str | None = "since"  # None | "since" | "full": the next check to run
        self._stale = True
        self.full_check = named(QPushButton("Check in full"), "checkLogInFull")
        self.full_check.setAccessibleName("Check the whole change log and every row against it")
        self.full_check.setToolTip("Walks every entry and compares every row with its last logged state "
                                   "(what workbench log verify does); may take a while on a large workspace.")
        self.full_check.clicked.connect(self.check_log_in_full)
        log_lay.insertWidget(log_lay.count() - 1, self.full_check, 0, Qt.AlignmentFlag.AlignLeft)
        ctx.changes.changed.connect(self._on_changed)
        self.loader = ctx.loader(self, self._fill, name="overviewLoader")
        layout.insertWidget(1, busy_note(self.loader))
        self.log_state.setText("Checking…")
        self.log_text.setText("The change log is being checked in the background.")
        self.refresh()  # the first page shown (read in a worker, like every page)

    def _on_changed(self, _kinds: frozenset[str]) -> None:
        self._want_log("since")
        self.read_now_or_when_shown()

    # -- the change log, off the GUI thread ---------------------------------------------------
    def check_log_in_full(self) -> None:
        """Every link, every anchor and every row against the log (as `workbench log verify`). When
        the log no longer holds this computer's checkpoint, the user may start afresh instead."""
        kind = "full"
        if self._checkpoint_broken and confirm.ask(
                self, "Check the change log", "The change log no longer matches what this computer last found.",
                "If you restored this workspace from a backup or replaced it on purpose, start afresh: the log is "
                "checked in full as it is now, and this computer forgets its earlier checkpoint. Otherwise choose "
                "Cancel to check it against the checkpoint again, and tell your admin.", "Start afresh"):
            kind = "afresh"
        self._want_log(kind)
        self._check_log()

    def _want_log(self, kind: str) -> None:
        rank = {None: 0, "since": 1, "full": 2, "afresh": 3}
        if rank[kind] > rank[self._log_wanted]:
            self._log_wanted = kind

    def _check_log(self) -> None:
        if self._log_running or self._log_wanted is None:
            return
        kind, self._log_wanted = self._log_wanted, None
        ws, actor = self.ctx.ws, self.ctx.actor
        self._log_running = True
        if kind != "since":
            self.full_check.setEnabled(False)
            self.full_check.setText("Checking in full…")

        def work(_progress: object) -> ViewCheck:
            return log_watch.check_for_view(ws, actor, kind, run_apart=run_in_child)

        def failed(exc: BaseException) -> None:
            self._log_done()
            self.log_state.setText("Not checked")
            set_tone(self.log_state, "amber")
            self.log_text.setText(f"The change log could not be checked: {exc}. View ▸ Refresh tries again; "
                                  "workbench log verify checks it from the command line."
                                  if not isinstance(exc, Cancelled) else "The check was stopped.")

        run_in_worker(self, self.ctx.pool, "Checking the change log", work, self._log_checked, failed,
                      show_progress=False)

    def _log_done(self) -> None:
        self._log_running = False
        self.full_check.setEnabled(True)
        self.full_check.setText("Check in full")

    def _log_checked(self, check: ViewCheck) -> None:
        self._log_done()
        self._last = check.last
        if isinstance(check.report, LogReport):
            self._show_log(check.report)
        else:
            self._show_since(check.report, check.last)
        self._checkpoint_broken = check.chain_broken and check.last is not None
        if check.note:
            self.log_text.setText(self.log_text.text() + " " + check.note)
        self.log_checked.emit()
        self._check_log()  # a change arrived meanwhile

    @property
    def busy(self) -> bool:
        return self.loader.busy or self._log_running

    def refresh(self) -> None:
        """Read the counts, the attention list and the recent changes in a worker; check the log
        from its last checkpoint."""
        self._stale = False
        self._check_log()
        day = self.attention.today()
        self.ctx.load(self.loader, lambda uow: read_overview(uow, day))

    def _fill(self, data: OverviewData) -> None:
        user = self.ctx.user
        where = self.ctx.ws.location
        shown = where.path.name if where.path is not None else where.label  # the full path: tooltip, status bar
        self.info.setText(
            f"Workspace <b>{escape(shown)}</b> · signed in as <b>{escape(person_name(user.display_name, user.username))}"
            f"</b> ({user.role}) · {data.users} user{'s' if data.users != 1 else ''}")
        self.info.setToolTip(where.label)
        kinds = Counter(f.kind for f in data.findings)
        open_count = sum(f.status != finding_status.CLOSED for f in data.findings)  # not yet closed
        self.stats["inspections"].set_value(len(data.inspections))
        self.stats["findings"].set_value(len(data.findings), ", ".join(
            f"{n} {kind_short(k)}{'s' if n != 1 and k == 'afi' else ''}" for k, n in sorted(kinds.items()))
            + (f" · {open_count} open" if data.findings else ""))
        self.stats["measures"].set_value(data.measures_to_review, "confirm or discard on Measures"
                                    if data.measures_to_review else "none waiting")
        self.stats["links"].set_value(data.links_to_decide, "accept or reject on Findings"
                                 if data.links_to_decide else "none waiting")
        self._fill_status_table(data)
        self._fill_inspections(data)
        if data.day is not None:
            self.attention.show_items(list(data.attention), data.day)
        show_changes_in_words(self.recent, data.recent)
        for table in (self.by_status, self.inspections):
            _fit_height(table)

    def _show_log(self, log: LogReport) -> None:
        anchors = sum(a.status == "holds" for a in log.anchors)
        held = f"; {anchors} anchor{'s' if anchors != 1 else ''} in signed packs hold" if anchors else ""
        if log.ok:
            self.log_state.setText("Intact")
            set_tone(self.log_state, "green")
            unvouched = (f" {log.unvouched_rows} rows written before the log recorded row states cannot be "
                         "vouched for.") if log.unvouched_rows else ""
            self.log_text.setText(f"{log.entries} entries, each sealed to the one before; none altered or removed"
                                  f"{held}. {log.rows_checked} rows match their last logged state.{unvouched}")
        elif log.problem:
            self.log_state.setText("Broken")
            set_tone(self.log_state, "red")
            where = ""
            if log.broken_entry is not None:
                e = log.broken_entry
                where = f" (entry {e.seq}: {e.action} {e.entity} {e.entity_id} by {e.actor})"
            self.log_text.setText(f"BROKEN — {log.problem}{where}. Restore a backup and tell your admin.")
        else:
            self.log_state.setText("Data changed")
            set_tone(self.log_state, "red")
            first = log.data_problems[0].message if log.data_problems else ""
            more = log.data_problem_count - 1
            self.log_text.setText(
                f"{log.data_problem_count} row{'s' if log.data_problem_count != 1 else ''} changed outside the "
                f"application — {first}" + (f" (and {more} more)" if more > 0 else "")
                + ". Run workbench log verify for the list, restore a backup and tell your admin.")

    def _show_since(self, report: IncrementalLogReport, last: LastCheck | None) -> None:
        if not report.ok:
            self._show_log(LogReport(False, report.entries, report.broken_seq, report.problem, report.broken_entry))
            self.log_text.setText(self.log_text.text() + " If this workspace was restored from a backup or "
                                  "replaced on purpose, choose Check in full and start afresh.")
            return
        full = last.full if last is not None else None
        walked = f"{report.entries} entries, each sealed to the one before; none altered or removed."
        if full is None:
            self.log_state.setText("Intact")
            set_tone(self.log_state, "green")
            self.log_text.setText(f"{walked} The rows have not been compared with the log on this computer yet: "
                                  "choose Check in full.")
            return
        when = _when(full.at)
        if full.chain_problem:
            self.log_state.setText("Broken")
            set_tone(self.log_state, "red")
            self.log_text.setText(f"BROKEN at the full check on {when} — {full.chain_problem}. Restore a backup and "
                                  "tell your admin; Check in full looks again.")
            return
        if full.data_problems:
            self.log_state.setText("Data changed")
            set_tone(self.log_state, "red")
            more = full.data_problems - 1
            self.log_text.setText(
                f"At the full check on {when}, {full.data_problems} row{'s' if full.data_problems != 1 else ''} "
                f"had changed outside the application — {full.first_problem}"
                + (f" (and {more} more)" if more > 0 else "")
                + ". Run workbench log verify for the list, restore a backup and tell your admin; "
                "Check in full looks again.")
            return
        self.log_state.setText("Intact")
        set_tone(self.log_state, "green")
        added = report.entries - full.entries
        since = "" if added <= 0 else (
            f" The {added} entr{'y' if added == 1 else 'ies'} added since then {'was' if added == 1 else 'were'} "
            "checked one by one; the older entries and the rows were last checked then.")
        self.log_text.setText(
            f"{report.entries} entries. The full check on {when} ({full.entries} entries) found each sealed to the "
            f"one before, none altered or removed, and {full.rows_checked} rows matching their last logged state."
            f"{since} Check in full checks everything again.")

    def _fill_status_table(self, data: OverviewData) -> None:
        kinds = sorted({f.kind for f in data.findings}) or ["afi"]
        statuses = list(data.statuses) + sorted({f.status for f in data.findings} - set(data.statuses))
        counts = Counter((f.status, f.kind) for f in data.findings)
        table = self.by_status
        table.clear()
        table.setColumnCount(len(kinds) + 2)
        table.setHorizontalHeaderLabels(["Status", *[kind_short(k) for k in kinds], "Total"])
        table.setRowCount(len(statuses))
        for row, status in enumerate(statuses):
            table.setItem(row, 0, _item(status.capitalize()))
            for col, kind in enumerate(kinds, start=1):
                table.setItem(row, col, _item(counts[(status, kind)] or "–", align_right=True))
            total = sum(counts[(status, k)] for k in kinds)
            table.setItem(row, len(kinds) + 1, _item(total or "–", align_right=True))
        header = table.horizontalHeader()
        # the status is read in full; the counts share what is left (a narrow header is elided and
        # its tooltip names it)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in range(1, len(kinds) + 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
            heading = table.horizontalHeaderItem(col)
            if heading is not None:
                heading.setToolTip(heading.text())
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _fill_inspections(self, data: OverviewData) -> None:
        per = Counter(f.inspection for f in data.findings)
        table = self.inspections
        table.clear()
        table.setColumnCount(4)
        table.setHorizontalHeaderLabels(["Inspection", "Title", "Published", "Findings"])
        table.setRowCount(len(data.inspections))
        for row, insp in enumerate(data.inspections):
            name = insp.programme or insp.title
            table.setItem(row, 0, _item(name))
            table.setItem(row, 1, _item(insp.title))
            table.setItem(row, 2, _item(uk_date(insp.published) or (str(insp.year) if insp.year else "—")))
            table.setItem(row, 3, _item(per[name], align_right=True))
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        if not data.inspections:
            table.setRowCount(1)
            table.setItem(0, 0, _item("No inspections yet"))
            table.setItem(0, 1, _item("Use File ▸ Import report… to register a report's findings"))
