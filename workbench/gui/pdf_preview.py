"""A built pack's PDF inside the application: page by page, zoomable; opened in the desktop's PDF
viewer or printed.

The installed PySide6 (PySide6-Essentials) has no QtPdf module, so pages are rendered with PDFium
(pypdfium2) into images; printing draws the same pages at the printer's resolution.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from workbench.errors import WorkbenchError
from workbench.gui.context import GuiContext
from workbench.gui.messages import show_error
from workbench.gui.qt import (
    QComboBox,
    QDesktopServices,
    QDialog,
    QHBoxLayout,
    QImage,
    QLabel,
    QPainter,
    QPixmap,
    QPrintDialog,
    QPrinter,
    QPushButton,
    QRectF,
    QScrollArea,
    QSpinBox,
    Qt,
    QTimer,
    QUrl,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import label
from workbench.services import pack_preview
from workbench.services import packs as pack_service
from workbench.services.pack_preview import PackPdf

ZOOMS = (("Fit width", 0.0), ("50 %", 0.5), ("75 %", 0.75), ("100 %", 1.0), ("150 %", 1.5), ("200 %", 2.0))
SCREEN_DPI = 96.0


class PdfPages:
    """A PDF's pages rendered on demand (PDFium); the document stays open while the dialog does."""

    def __init__(self, data: bytes) -> None:
        try:
            self._doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise WorkbenchError(f"the stored PDF cannot be read: {exc}", "rebuild the pack version") from None

    def __len__(self) -> int:
        return len(self._doc)

    def size_points(self, index: int) -> tuple[float, float]:
        return tuple(self._doc[index].get_size())

    def image(self, index: int, scale: float) -> QImage:
        """Page `index` (0-based) at `scale` pixels per point, as an RGB image."""
        bitmap = self._doc[index].render(scale=scale, rev_byteorder=True)
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        data = bytes(bitmap.buffer)
        fmt = QImage.Format.Format_RGB888 if bitmap.n_channels == 3 else QImage.Format.Format_RGBA8888
        return QImage(data, width, height, stride, fmt).copy()  # copy: the image owns its pixels

    def close(self) -> None:
        self._doc.close()


class PdfPreviewDialog(QDialog):
    def __init__(self, ctx: GuiContext, pdf: PackPdf, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.pdf = ctx, pdf
        self.setObjectName("pdfPreview")
        kind = "release copy" if pdf.release else ("signed" if pdf.signed else pdf.state)
        self.setWindowTitle(f"Pack v{pdf.number} ({kind}) — preview")
        self.pages = PdfPages(pdf.data)
        self._closed = False
        self.page = named(QSpinBox(minimum=1, maximum=max(1, len(self.pages))), "pdfPage")
        self.page.setAccessibleName("Page number")
        self.of = label(f"of {len(self.pages)}", "muted")
        self.previous = named(QPushButton("◀ Previous"), "pdfPrevious")
        self.next = named(QPushButton("Next ▶"), "pdfNext")
        self.zoom = named(QComboBox(), "pdfZoom")
        for words, factor in ZOOMS:
            self.zoom.addItem(words, factor)
        self.zoom.setAccessibleName("Zoom")
        self.open_button = named(QPushButton("Open in PDF viewer"), "pdfOpen")
        self.open_button.setToolTip("Save a copy to a private temporary folder and open it with the desktop's "
                                    "PDF viewer (logged as an export)")
        self.open_button.setEnabled(ctx.can("exports.create"))
        self.print_button = named(QPushButton("Print…"), "pdfPrint")
        self.print_button.setEnabled(ctx.can("exports.create"))
        self.close_button = named(QPushButton("Close"), "pdfClose")
        for button, name in ((self.previous, "Previous page"), (self.next, "Next page"),
                             (self.open_button, "Open in PDF viewer"), (self.print_button, "Print"),
                             (self.close_button, "Close preview")):
            button.setAccessibleName(name)
        self.view = named(QLabel(), "pdfPageImage")
        self.view.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.view.setAccessibleName("Page image")
        self.scroll_area = named(QScrollArea(), "pdfScroll")
        self.scroll_area.setWidget(self.view)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.setStyleSheet("QScrollArea { background: #5b6773; } QLabel#pdfPageImage { background: #5b6773; }")

        bar = QHBoxLayout()
        for w in (self.previous, label("Page"), self.page, self.of, self.next):
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(self.zoom)
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(label(f"{pdf.filename} · {len(self.pages)} pages · {len(pdf.data) / 1024:,.0f} KB"
                               + (" · signed: check the signature in a PDF reader that validates PAdES"
                                  if pdf.signed else ""), "muted", wrap=True))
        layout.addWidget(self.scroll_area, 1)

        self.previous.clicked.connect(lambda: self.page.setValue(self.page.value() - 1))
        self.next.clicked.connect(lambda: self.page.setValue(self.page.value() + 1))
        self.page.valueChanged.connect(lambda _v: self.draw_page())
        self.zoom.currentIndexChanged.connect(lambda _i: self.draw_page())
        self.open_button.clicked.connect(self.open_externally)
        self.print_button.clicked.connect(lambda _checked=False: self.print_pack())  # not clicked's bool as the printer
        self.close_button.clicked.connect(self.accept)
        self.resize(900, 900)
        self.draw_page()

    def scale(self) -> float:
        """Pixels per PDF point for the chosen zoom (fit width follows the window)."""
        factor = float(self.zoom.currentData() or 0.0)
        if factor:
            return factor * SCREEN_DPI / 72.0
        width_pt, _ = self.pages.size_points(self.page.value() - 1)
        room = max(200, self.scroll_area.viewport().width() - 24)
        return room / width_pt

    def draw_page(self) -> None:
        if self._closed:
            return
        index = self.page.value() - 1
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.pages) - 1)
        image = self.pages.image(index, self.scale())
        self.view.setPixmap(QPixmap.fromImage(image))
        self.view.setAccessibleDescription(f"Page {index + 1} of {len(self.pages)} of pack v{self.pdf.number}")

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        super().resizeEvent(event)  # type: ignore[arg-type]
        if not self.zoom.currentData():
            QTimer.singleShot(0, self.draw_page)  # once the layout has given the viewport its width

    def open_externally(self) -> None:
        """Export the files to a private temporary folder (logged) and open the PDF in the desktop's viewer."""
        folder = Path(tempfile.mkdtemp(prefix=f"workbench-pack-v{self.pdf.number}-"))
        number, release = self.pdf.number, self.pdf.release
        exported = self.ctx.write(self, lambda uow: pack_service.export_pack_files(uow, number, folder, release))
        if exported is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(exported[0])))

    def print_pack(self, printer: QPrinter | None = None) -> int:
        """Ask for a printer (unless one is given) and print every page; returns the pages printed."""
        if printer is None:
            printer = ask_printer(self, len(self.pages))
            if printer is None:
                return 0
        try:
            printed = print_pages(self.pages, printer)
        except WorkbenchError as exc:
            show_error(self, exc)
            return 0
        name = printer.outputFileName() or printer.printerName() or "printer"
        number, release = self.pdf.number, self.pdf.release
        self.ctx.write(self, lambda uow: pack_preview.record_print(uow, number, printed, name, release))
        return printed

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        self._closed = True
        self.pages.close()
        super().done(result)


def chosen_pages(printer: QPrinter, count: int) -> range:
    """The pages (0-based) the print dialog asked for: a range "from … to …", or every page."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = min(max(printer.fromPage(), 1), count)
        last = min(max(printer.toPage() or count, first), count)
        return range(first - 1, last)
    return range(count)


def ask_printer(parent: QWidget, count: int) -> QPrinter | None:
    """The print dialog, offering pages 1 to `count`; None when cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setMinMax(1, max(count, 1))
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
    return printer if dialog.exec() == QDialog.DialogCode.Accepted.value else None


def print_pages(pages: PdfPages, printer: QPrinter) -> int:
    """Draw the chosen pages onto `printer`, each rendered at the printer's resolution and fitted to its
    page; returns how many were printed."""
    painter = QPainter()
    if not painter.begin(printer):
        raise WorkbenchError("the printer could not be started", "check the printer, or print to a PDF file")
    wanted = chosen_pages(printer, len(pages))
    try:
        dpi = printer.resolution()
        for n, index in enumerate(wanted):
            if n:
                printer.newPage()
            image = pages.image(index, min(dpi, 300) / 72.0)
            area = painter.viewport()
            fitted = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, fitted.width(), fitted.height()), image)
    finally:
        painter.end()
    return len(wanted)
