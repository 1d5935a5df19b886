"""The committee report as PDF (reportlab, the pack's house style), the marking on every page."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from workbench.reports.committee_data import CommitteeReport
from workbench.reports.committee_sections import (
    ACTION_PLAN_HEADERS,
    WIDTHS,
    action_plan_rows,
    period_words,
    sections,
    summary_lines,
)
from workbench.reports.pdf_styles import MARKING, MUTED, SANS, SANS_BOLD, grid_style, pack_styles, register_fonts
from workbench.reports.safe_text import pdf_markup, plain

PAGE_W, PAGE_H = landscape(A4)
WIDTH = PAGE_W - 32 * mm


def _chrome(r: CommitteeReport):  # noqa: ANN202 - a reportlab onPage callback
    marking = plain(r.marking).upper()[:80]

    def draw(canvas, doc) -> None:  # noqa: ANN001
        canvas.saveState()
        canvas.setFillColor(MARKING)
        canvas.setFont(SANS_BOLD, 9)
        canvas.drawCentredString(PAGE_W / 2, PAGE_H - 10 * mm, marking)
        canvas.drawCentredString(PAGE_W / 2, 8 * mm, marking)
        canvas.setFillColor(MUTED)
        canvas.setFont(SANS, 7.5)
        canvas.drawString(16 * mm, 8 * mm, plain(r.title)[:110])
        canvas.drawRightString(PAGE_W - 16 * mm, 8 * mm, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def _table(headers: list[str], rows: list[list[str]], widths: list[float] | None = None) -> Table:
    s = pack_styles()
    data = [[Paragraph(pdf_markup(h), s.cell_head) for h in headers]]
    data += [[Paragraph(pdf_markup(c, covered=register_fonts(), max_run=40), s.cell) for c in row] for row in rows]
    col = widths or [WIDTH / len(headers)] * len(headers)
    table = Table(data, colWidths=col, repeatRows=1)
    table.setStyle(grid_style(rows=len(data)))
    return table




def write_pdf(r: CommitteeReport, path: Path) -> None:
    s = pack_styles()
    story: list = [Paragraph(pdf_markup(r.title), s.h1)]
    story.append(Paragraph(pdf_markup(f"{r.force} · prepared by {r.prepared_by} · period {period_words(r)}"),
                           s.muted))
    story.append(Paragraph("Summary", s.h2))
    for line in summary_lines(r):
        story.append(Paragraph(pdf_markup(line), s.bullet, bulletText="•"))
    for heading, intro, headers, rows in sections(r):
        story.append(CondPageBreak(34 * mm))  # a heading never ends a page without its table
        story.append(Paragraph(pdf_markup(heading), s.h2))
        if intro:
            story.append(Paragraph(pdf_markup(intro), s.muted))
        if rows:
            fractions = WIDTHS.get(heading)
            story.append(_table(headers, rows, [f * WIDTH for f in fractions] if fractions else None))
        else:
            story.append(Paragraph("None.", s.body))
        story.append(Spacer(1, 4))
    story.append(PageBreak())
    story.append(Paragraph("Force action plan", s.h1))
    story.append(Paragraph("% complete follows each action's status (not started 0 %, blocked 25 %, in progress "
                           "50 %, done 100 %); an action past its deadline or blocked is off track.", s.muted))
    rows = action_plan_rows(r)
    story.append(_table(ACTION_PLAN_HEADERS, rows, [f * WIDTH for f in (0.2, 0.3, 0.13, 0.09, 0.1, 0.08, 0.1)])
                 if rows else Paragraph("No actions yet.", s.body))
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=16 * mm, rightMargin=16 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=plain(r.title), author=plain(r.force),
                            subject=plain(r.marking))
    chrome = _chrome(r)
    doc.build(story, onFirstPage=chrome, onLaterPages=chrome)  # to a private staged path (see the service)
