"""Evidence requests to action owners: list them (for one finding or all), add, withdraw, accept,
export the open ones to Excel, and import a returned workbook with its files after a preview.

The rules live in services/evidence_requests.py; this dialog only shows what they answer. Every
write runs in a worker (GuiContext.background) and the list is read again when it is done.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from workbench.gui import confirm
from workbench.gui.context import GuiContext
from workbench.gui.display_text import uk_date
from workbench.gui.layouts import import_buttons, scrolling
from workbench.gui.messages import show_info
from workbench.gui.qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDate,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import date_edit, label, tag
from workbench.gui.tables import TextTable
from workbench.services import actions as actions_service
from workbench.services import evidence_requests as requests_service
from workbench.services import findings as findings_service
from workbench.services.evidence_requests import RequestInfo, ReturnPreview
from workbench.wording import counted

STATUS_WORDS = {"open": "Open", "returned": "Returned", "accepted": "Accepted", "withdrawn": "Withdrawn"}
HEADERS = ("Id", "Finding", "Asked of", "What is needed", "Due", "Status", "Reply")


class RequestsDialog(QDialog):
    """The requests of one finding (`finding_id`), or of every finding (None)."""

    def __init__(self, ctx: GuiContext, finding_id: int | None = None, finding_ref: str = "",
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requestsDialog")
        self.ctx, self.finding_id, self.finding_ref = ctx, finding_id, finding_ref
        self._today = today
        self.items: list[RequestInfo] = []
        self.setWindowTitle(f"Evidence requests — {finding_ref}" if finding_id else "Evidence requests")
        heading = label(f"Evidence requests for {finding_ref}" if finding_id else "Evidence requests", "section")
        intro = label("Ask an action owner for evidence by a date, send them the open requests as an Excel "
                      "workbook, and take in the workbook and the files they send back. Overdue requests are "
                      "on the overview.", "muted", wrap=True)
        self.show_closed = named(QCheckBox("Show returned, accepted and withdrawn requests"), "showClosed")
        self.show_closed.setChecked(True)
        self.show_closed.toggled.connect(lambda _=False: self.refresh())
        self.summary = label("", "muted", wrap=True)
        self.summary.setObjectName("requestsSummary")
        self.table = TextTable("requestsTable", HEADERS, stretch=3)
        self.table.setAccessibleName("Evidence requests")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.table)
        inner.addStretch(1)
        scroll.setWidget(holder)

        editable = ctx.allowed("requests.edit")
        exportable = ctx.allowed("exports.create")
        self.add = self._button("New request…", "addRequest", self.add_request, editable)
        self.withdraw = self._button("Withdraw…", "withdrawRequest", self.withdraw_request, editable)
        self.accept_button = self._button("Accept", "acceptRequest", self.accept_request, editable)
        self.export = self._button("Export to Excel…", "exportRequests", self.export_requests,
                                   exportable if editable else editable)
        self.import_button = self._button("Import returned workbook…", "importRequests", self.import_return, editable)
        row = QHBoxLayout()
        for b in (self.add, self.withdraw, self.accept_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.export)
        row.addWidget(self.import_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.show_closed)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(980, 520)
        self.refresh()

    def _button(self, text: str, name: str, slot: object, decision: object) -> QPushButton:
        b = named(QPushButton(text), name)
        b.setEnabled(bool(decision))
        if not decision:
            b.setToolTip(getattr(decision, "reason", ""))
        b.clicked.connect(slot)
        b.setProperty("allowed", bool(decision))
        return b

    def today(self) -> date:
        return self._today or date.today()

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        day = self.today()
        self.items = self.ctx.read(lambda uow: requests_service.list_requests(uow, self.finding_id, today=day))
        if not self.show_closed.isChecked():
            self.items = [r for r in self.items if r.status == "open"]
        overdue = sum(r.overdue for r in self.items)
        opened = sum(r.status == "open" for r in self.items)
        self.summary.setText("No evidence requests yet. New request… asks an owner for evidence by a date."
                             if not self.items else
                             f"{len(self.items)} request{'s' if len(self.items) != 1 else ''}: {opened} open"
                             + (f", {overdue} overdue" if overdue else "") + ".")
        rows, tones = [], {}
        for r, item in enumerate(self.items):
            status = "Overdue" if item.overdue else STATUS_WORDS.get(item.status, item.status)
            files = f" ({len(item.evidence_ids)} file{'s' if len(item.evidence_ids) != 1 else ''})" \
                if item.evidence_ids else ""
            rows.append([str(item.id), item.finding_ref, item.owner, item.what_needed, uk_date(item.due_on), status,
                         (item.reply + files).strip()])
            tones[(r, 5)] = {"Overdue": "red", "Open": "amber", "Returned": "blue", "Accepted": "green"}.get(
                status, "neutral")
        self.table.set_rows(rows, tones)
        self._selection_changed()

    def selected(self) -> RequestInfo | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.items[min(rows)] if rows and min(rows) < len(self.items) else None

    def select_request(self, request_id: int) -> None:
        for r, item in enumerate(self.items):
            if item.id == request_id:
                self.table.selectRow(r)

    def _selection_changed(self) -> None:
        item = self.selected()
        self.withdraw.setEnabled(bool(self.withdraw.property("allowed")) and item is not None
                                 and item.status in ("open", "returned"))
        self.accept_button.setEnabled(bool(self.accept_button.property("allowed")) and item is not None
                                      and item.status == "returned")

    def _done(self, message: str = "") -> None:
        self.refresh()
        if message:
            self.summary.setText(message + " " + self.summary.text())

    # -- writing (each in a worker) -------------------------------------------------------
    def add_request(self) -> None:
        dialog = NewRequestDialog(self.ctx, self.finding_id, self.finding_ref, self.today(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        finding_id, owner, needed, due, action_id = dialog.values()

        def added(info: RequestInfo) -> None:
            self._done(f"Request {info.id} added.")
            self.select_request(info.id)

        self.ctx.background(self, "Adding the request…", lambda uow, _p: requests_service.create_request(
            uow, finding_id, owner, needed, due, action_id), on_success=added)

    def withdraw_request(self) -> None:
        item = self.selected()
        if item is None:
            return
        if not confirm.ask(self, "Withdraw request", f"Withdraw request {item.id} to {item.owner}?",
                           f"{item.finding_ref} no longer waits for “{item.what_needed}”. The request stays in the "
                           "list as withdrawn; a returned workbook that still holds it is refused.",
                           "Withdraw request"):
            return
        self.ctx.background(self, "Withdrawing…", lambda uow, _p: requests_service.withdraw_request(
            uow, item.id, expected_version=item.version), on_success=lambda info: self._done(
            f"Request {info.id} withdrawn."))

    def accept_request(self) -> None:
        item = self.selected()
        if item is None:
            return
        self.ctx.background(self, "Accepting…", lambda uow, _p: requests_service.accept_request(
            uow, item.id, expected_version=item.version), on_success=lambda info: self._done(
            f"Request {info.id} accepted."))

    def export_requests(self) -> None:
        owners = sorted({r.owner for r in self.items if r.status == "open"}, key=str.casefold)
        owner = None
        if len(owners) > 1:
            chooser = OwnerDialog(owners, self)
            if chooser.exec() != QDialog.DialogCode.Accepted.value:
                return
            owner = chooser.owner()
        elif owners:
            owner = owners[0]
        name = f"evidence-requests-{(owner or 'all owners').replace(' ', '-').replace('@', '-at-')}.xlsx"
        chosen, _ = QFileDialog.getSaveFileName(self, "Export evidence requests", name, "Excel workbook (*.xlsx)")
        if not chosen:
            return
        out = Path(chosen)
        self.ctx.background(self, f"Writing {out.name}…", lambda uow, _p: requests_service.export_requests(
            uow, out, owner, overwrite=True), on_success=lambda done: show_info(
            self, "Requests exported", f"{counted(len(done.request_ids), 'open request')} written to {done.path.name}.",
            "Send it to the owner; they fill in the white cells and send it back with the files."))

    def import_return(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Returned evidence-request workbook", "",
                                                "Excel workbook (*.xlsx)")
        if not chosen:
            return
        workbook = Path(chosen)
        files = self.choose_files(workbook)
        if files is False:
            return
        source = files if isinstance(files, Path) else None
        self.ctx.background(self, "Checking the returned workbook…", lambda uow, _p: requests_service.preview_return(
            uow, workbook, source), write=False, on_success=lambda preview: self._confirm_import(
            preview, workbook, source))

    def choose_files(self, workbook: Path) -> Path | None | bool:
        """The folder or zip of returned files (None: no files came back; False: cancelled)."""
        box = FilesDialog(workbook, self)
        if box.exec() != QDialog.DialogCode.Accepted.value:
            return False
        return box.source

    def _confirm_import(self, preview: ReturnPreview, workbook: Path, source: Path | None) -> None:
        dialog = ReturnPreviewDialog(preview, workbook, self)
        if dialog.exec() != QDialog.DialogCode.Accepted.value:
            return
        self.ctx.background(self, f"Importing {workbook.name}…", lambda uow, _p: requests_service.import_return(
            uow, workbook, source), on_success=lambda done: self._done(
            f"{counted(done.returned, 'request')} returned; their files are stored as evidence."))


class NewRequestDialog(QDialog):
    """What is needed, from whom, by when; the finding (when the list is for all) and an action."""

    def __init__(self, ctx: GuiContext, finding_id: int | None, finding_ref: str, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newRequestDialog")
        self.setWindowTitle(f"New evidence request — {finding_ref}" if finding_id else "New evidence request")
        self.ctx = ctx
        self.finding = named(QComboBox(), "requestFinding")
        self.finding.setAccessibleName("Finding")
        found = ctx.read(lambda uow: findings_service.list_findings(uow))
        for f in found:
            self.finding.addItem(f"{f.inspection} / {f.ref}", f.id)
        if finding_id is not None:
            self.finding.setCurrentIndex(max(0, self.finding.findData(finding_id)))
            self.finding.setEnabled(False)
        self.action = named(QComboBox(), "requestAction")
        self.action.setAccessibleName("Action")
        self.finding.currentIndexChanged.connect(lambda _=0: self._fill_actions())
        self.owner = named(QLineEdit(placeholderText="A name, a role or an e-mail address"), "requestOwner")
        self.needed = named(QPlainTextEdit(), "requestNeeded")
        self.needed.setPlaceholderText("e.g. the May dip sample of DA risk assessments, with the supervisor's review")
        self.needed.setFixedHeight(80)
        due = date.fromordinal(today.toordinal() + 14)
        self.due = date_edit("requestDue", QDate(due.year, due.month, due.day))
        form = QFormLayout()
        form.addRow("Finding", self.finding)
        form.addRow("Action", self.action)
        form.addRow("Asked of", self.owner)
        form.addRow("What is needed", self.needed)
        form.addRow("Due by", self.due)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Add request")
        self.ok.setObjectName("addRequestOk")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.owner.textChanged.connect(self._check)
        self.needed.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._fill_actions()
        self._check()
        self.setMinimumWidth(520)

    def _fill_actions(self) -> None:
        fid = self.finding.currentData()
        self.action.clear()
        self.action.addItem("No particular action", None)
        if fid is not None:
            for a in self.ctx.read(lambda uow: actions_service.list_actions(uow, fid)):
                self.action.addItem(a.title, a.id)

    def _check(self) -> None:
        self.ok.setEnabled(bool(self.owner.text().strip() and self.needed.toPlainText().strip()
                                and self.finding.currentData() is not None))

    def values(self) -> tuple[int, str, str, date, int | None]:
        qd = self.due.date()
        return (int(self.finding.currentData()), self.owner.text().strip(), self.needed.toPlainText().strip(),
                date(qd.year(), qd.month(), qd.day()), self.action.currentData())


class OwnerDialog(QDialog):
    """Whose open requests go into the workbook: one owner, or every owner."""

    def __init__(self, owners: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ownerDialog")
        self.setWindowTitle("Export evidence requests")
        self.choice = named(QComboBox(), "exportOwner")
        self.choice.addItem("Every owner (one workbook)", None)
        for o in owners:
            self.choice.addItem(o, o)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Each owner gets a workbook with only their open requests.", wrap=True))
        layout.addWidget(self.choice)
        layout.addWidget(buttons)

    def owner(self) -> str | None:
        return self.choice.currentData()


class FilesDialog(QDialog):
    """Where the files that came back with the workbook are: a folder, a zip, or none."""

    def __init__(self, workbook: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("returnedFilesDialog")
        self.setWindowTitle("Returned files")
        self.workbook = workbook
        self.source: Path | None = None
        self.where = label("No files came back with the workbook.", "muted", wrap=True)
        folder = named(QPushButton("Choose a folder…"), "chooseFolder")
        folder.clicked.connect(self._folder)
        zipped = named(QPushButton("Choose a zip…"), "chooseZip")
        zipped.clicked.connect(self._zip)
        row = QHBoxLayout()
        row.addWidget(folder)
        row.addWidget(zipped)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Check the workbook")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"The files the owner sent back with {workbook.name}: the folder or zip that holds "
                               "them. Each must be named in its row's ‘Files returned’.", wrap=True))
        layout.addLayout(row)
        layout.addWidget(self.where)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def set_source(self, path: Path | None) -> None:
        self.source = path
        self.where.setText(f"Files from {path}" if path else "No files came back with the workbook.")

    def _folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder of returned files", str(self.workbook.parent))
        if chosen:
            self.set_source(Path(chosen))

    def _zip(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Zip of returned files", str(self.workbook.parent),
                                                "Zip files (*.zip)")
        if chosen:
            self.set_source(Path(chosen))


class ReturnPreviewDialog(QDialog):
    """What the import would do, row by row, and every problem with its cell; Import only when clean."""

    def __init__(self, preview: ReturnPreview, workbook: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("returnPreviewDialog")
        self.setWindowTitle(f"Import returned requests — {workbook.name}")
        importable = preview.ok and preview.returned > 0
        if not preview.ok:
            verdict = tag("Cannot import: nothing will be written", "red")
            advice = "Correct each problem named below (the cell is given), then import the workbook again."
        elif importable:
            verdict = tag("Ready to import", "green")
            advice = (f"Import records {counted(preview.returned, 'returned request')} and stores their files as evidence "
                      "of their findings, all together or not at all.")
        else:
            verdict = tag("Nothing to import", "neutral")
            advice = "No row holds a reply or a file yet."
        verdict.setObjectName("importVerdict")
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 8, 0)
        if preview.problems:
            lay.addWidget(label("Problems", "section"))
            self.problems = TextTable("returnProblems", ("Where", "Problem"), stretch=1)
            self.problems.set_rows([(p.cell or "Returned files", p.message) for p in preview.problems],
                                   {(r, 0): "red" for r in range(len(preview.problems))})
            lay.addWidget(self.problems)
        lay.addWidget(label("Rows", "section"))
        self.rows = TextTable("returnRows", ("Row", "Request", "Finding", "Asked of", "Outcome", "Reply", "Files"),
                              stretch=5)
        self.rows.set_rows([(str(r.row), str(r.request_id), r.finding_ref, r.owner,
                             "Returned" if r.outcome == "returned" else "No reply: stays open", r.reply,
                             ", ".join(r.files)) for r in preview.rows])
        lay.addWidget(self.rows)
        lay.addStretch(1)
        scroll = scrolling(body)
        buttons, self.apply = import_buttons(self, "applyReturn", f"Import {counted(preview.returned, 'returned request')}",
                                             importable)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(label("Checked without writing anything.", "muted"))
        layout.addWidget(verdict, 0, Qt.AlignmentFlag.AlignLeft)
        self.advice = label(advice, wrap=True)
        layout.addWidget(self.advice)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(860, 480)
