"""A streaming table sheet for the Excel pack (openpyxl write-only mode).

Each sheet is: optional title lines, a bold header row, data rows. The header row is frozen and
filtered, columns get widths and number formats, RAG / readiness words get conditional fills,
and the print set-up is landscape, fit to width, with the protective marking in the header and
footer. Every string goes through ``safe_text.excel_text``: text that could start a formula is
stored as a plain string with the quote-prefix style, so no spreadsheet evaluates it.

The whole workbook is written in write-only mode (rows streamed to disk, constant memory), so
large audits cost no more than small ones. Write-only mode has two rules this module follows:
widths and frozen panes are set before the first row, and styles are set per cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from workbench.reports.safe_text import excel_text, header_footer_text

PCT = "0.0%"
INT = "#,##0"
DATE = "dd mmm yyyy"
DATETIME = "dd mmm yyyy hh:mm"
NUMBER = "#,##0.0"

HEADER_FONT = Font(bold=True, color="1F3A5F")
HEADER_FILL = PatternFill("solid", fgColor="E8EDF3")
HEADER_BORDER = Border(bottom=Side(style="medium", color="1F3A5F"))
TITLE_FONT = Font(bold=True, size=14, color="1F3A5F")
LABEL_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

RAG_FILLS = {"green": "DCEFD9", "amber": "FBE7C2", "red": "F6D2D0"}
RAG_WORDS = {"green": ("Green", "Ready", "Compliant"),
             "amber": ("Amber", "Partly ready"),
             "red": ("Red", "Not ready", "Overdue", "Not compliant")}

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_name(raw: str, used: set[str], limit: int = 31) -> str:
    """A valid, unique (case-insensitive) sheet name of at most 31 characters."""
    name = _BAD_SHEET_CHARS.sub(" ", raw)
    name = re.sub(r"\s+", " ", name).strip().strip("'").strip() or "Sheet"
    if name.lower() == "history":
        name = "History (pack)"
    candidate = name[:limit].rstrip()
    number = 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = name[: limit - len(suffix)].rstrip() + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 14
    kind: str = "text"  # text | wrap | int | pct | number | date | datetime | rag
    number_format: str | None = None


@dataclass
class Marking:
    """What the print header and footer show."""

    marking: str
    force: str
    version_text: str


class TableSheet:
    """Writes one sheet: ``add_title`` lines, then ``write_rows``, then ``close``."""

    def __init__(self, wb: Workbook, name: str, columns: Sequence[Column], marking: Marking,
                 title_lines: Sequence[tuple[str, object]] = ()) -> None:
        self.ws: WriteOnlyWorksheet = wb.create_sheet(name)
        self.columns = list(columns)
        self.header_row = len(title_lines) + (2 if title_lines else 1)
        self.rows_written = 0
        for i, col in enumerate(self.columns, start=1):
            width = max(col.width, 24) if i == 1 and title_lines else col.width
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.freeze_panes = f"A{self.header_row + 1}"
        self._print_setup(marking)
        for i, (label, value) in enumerate(title_lines):
            if i == 0:
                self.ws.append([self._cell(label, font=TITLE_FONT)])
            else:
                self.ws.append([self._cell(label, font=LABEL_FONT), self._value(value)])
        if title_lines:
            self.ws.append([])
        self.ws.append([self._cell(c.header, font=HEADER_FONT, fill=HEADER_FILL,
                                   border=HEADER_BORDER, alignment=WRAP) for c in self.columns])

    # -- cells ----------------------------------------------------------------------------
    def _cell(self, value: object, *, number_format: str | None = None, font: Font | None = None,
              fill: PatternFill | None = None, border: Border | None = None,
              alignment: Alignment | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        if isinstance(value, str) or (value is not None and not isinstance(
                value, (int, float, date, datetime, bool))):
            text, guard = excel_text(value)
            cell.value = text
            cell.data_type = "s"  # never "f": user text is data, not a formula
            if guard:
                cell.quotePrefix = True
        elif isinstance(value, datetime) and value.tzinfo is not None:
            cell.value = value.astimezone(timezone.utc).replace(tzinfo=None)  # Excel has no zones: UTC
        else:
            cell.value = value
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if border:
            cell.border = border
        if alignment:
            cell.alignment = alignment
        return cell

    def _value(self, value: object) -> object:
        if isinstance(value, datetime):
            return self._cell(value, number_format=DATETIME, alignment=TOP)
        if isinstance(value, date):
            return self._cell(value, number_format=DATE, alignment=TOP)
        return self._cell(value, alignment=TOP)

    def _typed(self, col: Column, value: object) -> object:
        if value is None or value == "":
            return None
        fmt = col.number_format or {"int": INT, "pct": PCT, "number": NUMBER, "date": DATE,
                                    "datetime": DATETIME}.get(col.kind)
        if col.kind in ("int", "pct", "number", "date", "datetime") and not isinstance(value, str):
            if isinstance(value, datetime) and col.kind == "date":
                fmt = DATETIME
            return self._cell(value, number_format=fmt, alignment=TOP)
        return self._cell(value, alignment=WRAP if col.kind == "wrap" else TOP)

    # -- rows -----------------------------------------------------------------------------
    def write_rows(self, rows: Iterable[Sequence[object]],
                   tick: Callable[[], None] | None = None, every: int = 5_000) -> None:
        for row in rows:
            self.ws.append([self._typed(col, value) for col, value in zip(self.columns, row)])
            self.rows_written += 1
            if tick is not None and self.rows_written % every == 0:
                tick()

    def close(self) -> None:
        """Filter and RAG fills over the rows written (write-only: these go after the data)."""
        last_col = get_column_letter(len(self.columns))
        last_row = self.header_row + max(self.rows_written, 1)
        self.ws.auto_filter.ref = f"A{self.header_row}:{last_col}{last_row}"
        first = self.header_row + 1
        for i, col in enumerate(self.columns, start=1):
            if col.kind != "rag":
                continue
            letter = get_column_letter(i)
            area = f"{letter}{first}:{letter}{last_row}"
            for rag, words in RAG_WORDS.items():
                test = ",".join(f'${letter}{first}="{w}"' for w in words)
                self.ws.conditional_formatting.add(area, FormulaRule(
                    formula=[f"OR({test})"],
                    fill=PatternFill("solid", fgColor=RAG_FILLS[rag], bgColor=RAG_FILLS[rag]),
                    stopIfTrue=True))

    def _print_setup(self, marking: Marking) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        ws.print_options.gridLines = False
        mark = header_footer_text(marking.marking.upper(), 60)
        for item in (ws.oddHeader.center, ws.oddFooter.center):
            item.text = mark
            item.font = "-,Bold"
        ws.oddHeader.left.text = header_footer_text(marking.force, 60)
        ws.oddHeader.right.text = header_footer_text(marking.version_text, 60)
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.right.text = "Page &P of &N"
