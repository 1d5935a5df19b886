"""The committee's report from the window: the quarterly progress report and the force action plan,
as an editable Word document and a PDF, built in a worker (`services/committee_report.py`), then
previewed, opened or shown in their folder.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from workbench.gui.context import GuiContext
from workbench.gui.pdf_preview import PdfPreviewDialog, ask_printer, print_pages
from workbench.gui.qt import (
    QDate,
    QDateEdit,
    QDesktopServices,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPrinter,
    QPushButton,
    QUrl,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import label
from workbench.gui.workers import WorkerTask
from workbench.services import committee_report
from workbench.services.committee_report import WrittenReport
from workbench.services.pack_preview import PackPdf
from workbench.wording import plural


def quarter_end_before(today: date) -> date:
    """The last day of the latest quarter that has ended by `today` (today itself when it is one)."""
    for month, day in ((12, 31), (9, 30), (6, 30), (3, 31)):
        end = date(today.year, month, day)
        if end <= today:
            return end
    return date(today.year - 1, 12, 31)


def _date_edit(name: str, value: date, accessible: str) -> QDateEdit:
    edit = named(QDateEdit(), name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setDate(QDate(value.year, value.month, value.day))
    edit.setAccessibleName(accessible)
    return edit


def _day(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class CommitteeReportDialog(QDialog):
    """Choose the quarter and the folder, build both files in a worker, then preview or open them."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None, today: date | None = None,
                 folder: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("committeeDialog")
        self.setWindowTitle("Committee report")
        self.written: WrittenReport | None = None
        self.task: WorkerTask | None = None
        end = quarter_end_before(today or date.today())
        self.period_end = _date_edit("committeePeriodEnd", end, "Quarter ending")
        self.since = _date_edit("committeeSince", quarter_end_before(end - timedelta(days=1)), "Previous report date")
        self.since.setToolTip("The moves on either status line after this date are listed (the previous report's "
                              "quarter end)")
        self._since_edited = False
        self.since.userDateChanged.connect(lambda _d: setattr(self, "_since_edited", True))
        self.period_end.dateChanged.connect(lambda _d: self._follow_period())
        self.folder = named(QLineEdit(folder), "committeeFolder")
        self.folder.setAccessibleName("Folder for the report files")
        self.folder.setPlaceholderText("the folder the Word and PDF files are saved in")
        self.browse = named(QPushButton("Browse…"), "committeeBrowse")
        self.browse.setAccessibleName("Choose the folder")
        self.build = named(QPushButton("Build the report"), "committeeBuild")
        self.build.setDefault(True)
        self.state = label("", "muted", wrap=True, plain=True)
        self.state.setObjectName("committeeState")
        self.preview = named(QPushButton("Preview PDF"), "committeePreview")
        self.open_pdf = named(QPushButton("Open PDF"), "committeeOpenPdf")
        self.open_docx = named(QPushButton("Open in Word"), "committeeOpenDocx")
        self.open_folder = named(QPushButton("Show folder"), "committeeOpenFolder")
        self.close_button = named(QPushButton("Close"), "committeeClose")
        for b in (self.preview, self.open_pdf, self.open_docx, self.open_folder):
            b.setEnabled(False)
        allowed = ctx.allowed("exports.create")
        if not allowed:
            self.build.setEnabled(False)
            self.build.setToolTip(allowed.reason)

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow("Quarter ending", self.period_end)
        form.addRow("Previous report", self.since)
        form.addRow("Save in", folder_row)
        results = QHBoxLayout()
        for b in (self.preview, self.open_pdf, self.open_docx, self.open_folder):
            results.addWidget(b)
        results.addStretch(1)
        results.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(label("The quarterly progress report to the audit or scrutiny committee and the force "
                               "action plan: counts by source, status and RAG, the moves on both status lines, "
                               "overdue actions and audits, closures awaiting authorisation, PCC responses due, and "
                               "every action with its owner, deadline and % complete. Saved as an editable Word "
                               "document and as a PDF, the force's marking on every page; the export is logged.",
                               "muted", wrap=True))
        layout.addLayout(form)
        build_row = QHBoxLayout()
        build_row.addStretch(1)
        build_row.addWidget(self.build)
        layout.addLayout(build_row)
        layout.addWidget(self.state)
        layout.addLayout(results)
        self.browse.clicked.connect(self._browse)
        self.build.clicked.connect(self.build_report)
        self.preview.clicked.connect(self.preview_pdf)
        self.open_pdf.clicked.connect(lambda: self._open(self.written.pdf if self.written else None))
        self.open_docx.clicked.connect(lambda: self._open(self.written.docx if self.written else None))
        self.open_folder.clicked.connect(lambda: self._open(self.written.pdf.parent if self.written else None))
        self.close_button.clicked.connect(self.accept)
        self.folder.textChanged.connect(lambda _t: self._update())
        self.setMinimumWidth(620)
        self._update()

    def _follow_period(self) -> None:
        """The previous report is the quarter before, until the user says otherwise."""
        if not self._since_edited:
            previous = quarter_end_before(_day(self.period_end) - timedelta(days=1))
            self.since.blockSignals(True)
            self.since.setDate(QDate(previous.year, previous.month, previous.day))
            self.since.blockSignals(False)

    def _update(self) -> None:
        busy = self.task is not None and self.task.running
        self.build.setEnabled(bool(self.ctx.allowed("exports.create")) and bool(self.folder.text().strip())
                              and not busy)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the committee report", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def build_report(self) -> None:
        folder = Path(self.folder.text().strip())
        end = _day(self.period_end)
        since = _day(self.since)
        self.state.setText(f"Building the report for the quarter ending {end:%d %B %Y}…")

        def done(written: WrittenReport) -> None:
            self.written = written
            d = written.data
            self.state.setText(
                f"Saved {written.docx.name} and {written.pdf.name} in {written.pdf.parent}: "
                f"{plural(sum(n for _, n, _ in d.by_source), 'finding')}, {plural(len(d.action_plan), 'action')}, "
                f"{plural(len(d.changes), 'status move')} since {d.period_start:%d %b %Y}, "
                f"{plural(len(d.overdue_actions), 'overdue action')}.")
            for b in (self.preview, self.open_pdf, self.open_docx, self.open_folder):
                b.setEnabled(True)
            self.preview.setDefault(True)
            self._update()

        def failed(_exc: BaseException) -> None:
            self.state.setText("Nothing was saved.")
            self._update()

        self.task = self.ctx.background(
            self, "Building the committee report…",
            lambda uow, _progress: committee_report.write_committee_report(uow, folder, end, since),
            write=True, on_success=done, on_failure=failed)
        self._update()

    def preview_pdf(self) -> ReportPreviewDialog | None:
        if self.written is None:
            return None
        dialog = ReportPreviewDialog(self.ctx, self.written.pdf, self)
        dialog.exec()
        return dialog

    def _open(self, path: Path | None) -> None:
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class ReportPreviewDialog(PdfPreviewDialog):
    """The pack preview's pages, zoom and printing, for a report saved on disk."""

    def __init__(self, ctx: GuiContext, path: Path, parent: QWidget | None = None) -> None:
        self.path = path
        super().__init__(ctx, PackPdf(0, "report", False, False, path.name, path.read_bytes()), parent)
        self.setObjectName("reportPreview")
        self.setWindowTitle(f"{path.name} — preview")
        self.open_button.setToolTip(f"Open {path} with the desktop's PDF viewer")

    def draw_page(self) -> None:
        super().draw_page()
        if not self._closed:
            self.view.setAccessibleDescription(f"Page {self.page.value()} of {len(self.pages)} of {self.path.name}")

    def open_externally(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))

    def print_pack(self, printer: QPrinter | None = None) -> int:
        """Print every page (the file itself was saved, and its export logged, when it was built)."""
        if printer is None:
            printer = ask_printer(self, len(self.pages))
            if printer is None:
                return 0
        return print_pages(self.pages, printer)
