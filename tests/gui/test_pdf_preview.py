"""A built pack's PDF previewed inside the application, opened in the desktop's viewer, printed."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import noted
from tests.gui.conftest import wait_for_workers
from workbench.services.demo_workspace import OFFICER
from workbench.store.models import ChangeLogEntry

pytestmark = pytest.mark.gui


def _log(ws, action: str) -> list[ChangeLogEntry]:
    with ws.unit_of_work(OFFICER, write=False) as uow:
        rows = list(uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.entity == "pack",
                                                                     ChangeLogEntry.action == action)))
        uow.session.expunge_all()
        return rows


@pytest.fixture
def preview(qtbot, open_window, demo_ws, monkeypatch):
    from workbench.gui.pdf_preview import PdfPreviewDialog

    window = open_window(demo_ws, OFFICER)
    window.show_page("Packs")
    wait_for_workers(qtbot, window)  # the page reads its pack versions in a worker
    page = window.packs
    assert page.select_version(1)
    wait_for_workers(qtbot, window)
    assert page.preview.isEnabled()
    shown: list[PdfPreviewDialog] = []
    monkeypatch.setattr(PdfPreviewDialog, "exec", lambda d: noted(shown, d, 0))
    page.preview.click()
    wait_for_workers(qtbot, window)  # the PDF is read in a worker, then shown
    assert len(shown) == 1
    dialog = shown[0]
    dialog.show()
    return dialog


def test_the_signed_pack_is_shown_page_by_page(preview, demo_ws) -> None:
    dialog = preview
    pdf = dialog.pdf
    pages = len(PdfReader(io.BytesIO(pdf.data)).pages)
    assert pdf.signed and pdf.filename == "self-assessment-pack-v1-signed.pdf" and pdf.data.startswith(b"%PDF")
    assert dialog.page.maximum() == pages and dialog.of.text() == f"of {pages}"
    first = dialog.view.pixmap().toImage()
    assert first.width() > 300 and first.height() > first.width()  # an A4 page, portrait
    assert not dialog.previous.isEnabled() and dialog.next.isEnabled()
    dialog.next.click()
    second = dialog.view.pixmap().toImage()
    assert dialog.page.value() == 2 and second != first  # another page drawn
    dialog.zoom.setCurrentIndex(dialog.zoom.findText("50 %"))
    assert abs(dialog.view.pixmap().width() - 397) <= 1  # 595 pt at 50 % of 96 dpi
    dark = sum(1 for x in range(0, second.width(), 7) for y in range(0, second.height(), 7)
               if second.pixelColor(x, y).lightness() < 128)
    assert dark > 20  # text was drawn, not a blank page
    assert [e for e in _log(demo_ws, "export-files") if e.actor == OFFICER] == []  # viewing is not exporting


def test_print_draws_every_page_and_is_logged(preview, demo_ws, tmp_path) -> None:
    from workbench.gui.qt import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printed = preview.print_pack(printer)
    pages = len(PdfReader(io.BytesIO(preview.pdf.data)).pages)
    assert printed == pages and len(PdfReader(out).pages) == pages
    [entry] = _log(demo_ws, "print")
    assert entry.actor == OFFICER and entry.after["pages"] == pages and entry.after["printer"] == str(out)


def test_print_honours_the_page_range_chosen(preview, demo_ws, tmp_path) -> None:
    from workbench.gui.qt import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "two-pages.pdf"
    printer.setOutputFileName(str(out))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)  # what the print dialog sets for "Pages 2 to 3"
    assert preview.print_pack(printer) == 2 and len(PdfReader(out).pages) == 2
    [entry] = _log(demo_ws, "print")
    assert entry.after["pages"] == 2


def test_the_print_button_asks_for_a_printer_and_prints(preview, demo_ws, tmp_path, monkeypatch) -> None:
    """Through the button, as a person prints: its clicked(bool) must not stand in for the printer."""
    from workbench.gui import pdf_preview
    from workbench.gui.qt import QPrinter

    out = tmp_path / "clicked.pdf"
    asked: list[int] = []

    def ask(_parent, count: int) -> QPrinter:
        asked.append(count)
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    monkeypatch.setattr(pdf_preview, "ask_printer", ask)
    preview.print_button.click()
    pages = len(PdfReader(io.BytesIO(preview.pdf.data)).pages)
    assert asked == [pages] and len(PdfReader(out).pages) == pages


def test_open_exports_a_copy_and_hands_it_to_the_desktop(preview, demo_ws, monkeypatch) -> None:
    from pathlib import Path

    from workbench.gui.qt import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: noted(opened, url.toLocalFile(), True))
    preview.open_button.click()
    assert len(opened) == 1 and opened[0].endswith("self-assessment-pack-v1-signed.pdf")
    assert Path(opened[0]).read_bytes() == preview.pdf.data
    assert [e.actor for e in _log(demo_ws, "export-files") if e.after["pdf"] == opened[0]] == [OFFICER]
