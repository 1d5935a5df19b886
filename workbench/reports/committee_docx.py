"""The committee report as an editable Word document (python-docx), the marking in every page's
header and footer."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from workbench.reports.committee_data import CommitteeReport
from workbench.reports.committee_sections import (
    ACTION_PLAN_HEADERS,
    WIDTHS,
    action_plan_rows,
    period_words,
    sections,
    summary_lines,
)
from workbench.reports.safe_text import plain

MARKING_COLOUR = RGBColor(0x8B, 0x00, 0x00)
HEADER_FILL = "E8EEF8"  # the PDF's table head
#: a table this short is kept on one page (its rows kept with the next); a longer one may break between rows
KEEP_TOGETHER_ROWS = 12


def _row_property(row, name: str) -> None:  # noqa: ANN001 - a python-docx row
    """Set an on/off property of a table row (w:tblHeader: repeat on each page; w:cantSplit)."""
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement(f"w:{name}")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _shade(cell, fill: str) -> None:  # noqa: ANN001 - a python-docx cell
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    cell._tc.get_or_add_tcPr().append(shading)


def _marking(paragraph, text: str) -> None:  # noqa: ANN001
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text.upper())
    run.bold = True
    run.font.size = Pt(9)
    run.font.color.rgb = MARKING_COLOUR


def _table(doc, headers: list[str], rows: list[list[str]], widths_mm: tuple[int, ...] = ()) -> None:  # noqa: ANN001
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = plain(text)
    if widths_mm:
        table.autofit = False
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)  # the grid, which LibreOffice reads
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
    _row_property(table.rows[0], "tblHeader")  # the head repeats on every page the table reaches
    for cell in table.rows[0].cells:
        _shade(cell, HEADER_FILL)
    together = len(table.rows) <= KEEP_TOGETHER_ROWS
    for n, row in enumerate(table.rows):
        _row_property(row, "cantSplit")
        last = n == len(table.rows) - 1
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.space_before = Pt(1.5)
                p.paragraph_format.space_after = Pt(1.5)
                p.paragraph_format.keep_with_next = (together or n == 0) and not last
                for run in p.runs:
                    run.font.size = Pt(8.5)


def write_docx(r: CommitteeReport, path: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(16))
    section.top_margin = section.bottom_margin = Mm(18)
    _marking(section.header.paragraphs[0], r.marking)
    _marking(section.footer.paragraphs[0], r.marking)
    doc.styles["Normal"].font.size = Pt(10)
    title = doc.add_heading(plain(r.title), level=0)
    for run in title.runs:
        run.font.size = Pt(20)
    doc.add_paragraph(plain(f"{r.force} · prepared by {r.prepared_by} · period {period_words(r)}"))
    doc.add_heading("Summary", level=1)
    for line in summary_lines(r):
        doc.add_paragraph(plain(line), style="List Bullet")
    for heading, intro, headers, rows in sections(r):
        doc.add_heading(heading, level=1)
        if intro:
            doc.add_paragraph(intro).paragraph_format.keep_with_next = True
        if rows:
            fractions = WIDTHS.get(heading)
            _table(doc, headers, rows, tuple(round(f * 265) for f in fractions) if fractions else ())
        else:
            doc.add_paragraph("None.")
    doc.add_page_break()
    doc.add_heading("Force action plan", level=1)
    doc.add_paragraph("% complete follows each action's status (not started 0 %, blocked 25 %, in progress 50 %, "
                      "done 100 %); an action past its deadline or blocked is off track.")
    rows = action_plan_rows(r)
    if rows:
        _table(doc, ACTION_PLAN_HEADERS, rows, (48, 88, 40, 24, 22, 20, 23))
    else:
        doc.add_paragraph("No actions yet.")
    doc.save(str(path))  # a private staged path: the service publishes it once the export is logged
