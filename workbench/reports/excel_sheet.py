"""A streaming table sheet for the Excel pack (openpyxl write-only mode).

Each data sheet is one Excel table: the header at row 1 (column names in words), one row per
record, nothing above or beside it. Numbers and dates are stored as values with a number format;
a release copy's suppressed count ("<5") is the only text in a count column. The header row is
frozen with the first column, RAG / readiness words get conditional fills, rows with wrapped text
get a height that shows it, and the print set-up is A4 landscape with the header row repeated on
every page, fit to the page width when that stays readable (at least 75 %), otherwise printed at
75 % across pages with the first column repeated. The protective marking is in the header and
footer. Every cell uses one of the workbook's named styles ("Pack text", "Pack integer" ...,
all in Arial); text that could start a formula is stored as a string with the quote-prefix style
(``safe_text.excel_text``), so no spreadsheet evaluates it.

Rows are streamed (constant memory). To stay close to openpyxl's own speed, each column keeps one
cell per style and the sheet hands openpyxl those cells with the new value (openpyxl writes each
row as it is appended), and a cell's style index is worked out once per style, not per cell.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from workbench.reports.excel_names import sheet_name, table_name, unique_headers
from workbench.reports.safe_text import excel_text, header_footer_text, shorten

__all__ = ["Column", "Marking", "Shown", "TableSheet", "put", "setup_workbook", "sheet_name",
           "HEADER_BORDER", "HEADER_FILL", "HEADER_FONT", "TITLE_FONT", "WRAP"]

FONT_NAME = "Arial"
FONT_SIZE = 10
PCT = "0.0%"
INT = "#,##0"
WHOLE = "0"  # seeds, versions: no thousands separator
DATE = "dd mmm yyyy"
DATETIME = "dd mmm yyyy hh:mm"
NUMBER = "#,##0.0##"

BODY_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
HEADER_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, color="1F3A5F")
HEADER_FILL = PatternFill("solid", fgColor="E8EDF3")
HEADER_BORDER = Border(bottom=Side(style="medium", color="1F3A5F"))
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14, color="1F3A5F")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

RAG_FILLS = {"green": "DCEFD9", "amber": "FBE7C2", "red": "F6D2D0"}
RAG_WORDS = {"green": ("Green", "Ready", "Compliant"),
             "amber": ("Amber", "Partly ready"),
             "red": ("Red", "Not ready", "Overdue", "Not compliant")}

# Named styles: kind -> (style name, number format, alignment)
STYLES = {
    "text": ("Pack text", "General", TOP),
    "wrap": ("Pack wrapped text", "General", WRAP),
    "int": ("Pack integer", INT, TOP),
    "whole": ("Pack whole number", WHOLE, TOP),
    "pct": ("Pack percentage", PCT, TOP),
    "number": ("Pack number", NUMBER, TOP),
    "date": ("Pack date", DATE, TOP),
    "datetime": ("Pack date and time", DATETIME, TOP),
    "header": ("Pack header", "General", WRAP),
}
_NUMERIC = {"int", "whole", "pct", "number"}
_KINDS = set(STYLES) - {"header"} | {"rag"}
LINE_HEIGHT = 12.75  # points per line of 10 pt Arial
MAX_ROW_HEIGHT = 409.0
PAGE_WIDTH_MM = 297 - 2 * 12.7  # A4 landscape, 0.5 inch margins
MIN_SCALE = 75


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 14
    kind: str = "text"  # text | wrap | int | whole | pct | number | date | datetime | rag

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Shown:
    """A number with its own format in a column of mixed figures (e.g. cited baselines)."""

    value: float | int
    kind: str  # int | whole | pct | number


@dataclass
class Marking:
    """What the print header and footer show."""

    marking: str
    force: str
    version_text: str


def setup_workbook(wb: Workbook) -> None:
    """Named styles for every kind of cell, and Arial as the workbook's default font."""
    # openpyxl keeps the workbook's fonts in a private list its stubs do not declare
    if len(wb._fonts) == 1:  # type: ignore[attr-defined]  # a new workbook: the default font becomes Arial too
        wb._fonts = IndexedList([BODY_FONT])  # type: ignore[attr-defined]
    for kind, (name, fmt, align) in STYLES.items():
        if name in wb.named_styles:
            continue
        style = NamedStyle(name=name, font=HEADER_FONT if kind == "header" else BODY_FONT,
                           number_format=fmt, alignment=align)
        if kind == "header":
            style.fill, style.border = HEADER_FILL, HEADER_BORDER
        wb.add_named_style(style)


class _Cell(Cell):
    """A write-only cell whose style index is fixed when it is made (one per column and style)."""

    __slots__ = ("_style_index",)
    # openpyxl's Cell slots written directly on the fast path (its stubs declare none of them)
    _style_index: int
    _style: Any
    _value: Any

    def __init__(self, worksheet: Any) -> None:
        super().__init__(worksheet)  # type: ignore[call-arg]  # row and column are optional; the stubs say not

    @property
    def style_id(self) -> int:
        return self._style_index

    @property
    def has_style(self) -> bool:
        return True


def header_footer(ws: Worksheet, even: bool = False) -> tuple[HeaderFooterItem, HeaderFooterItem]:
    """The sheet's (odd or even) page header and footer; a sheet openpyxl makes always has both."""
    head, foot = (ws.evenHeader, ws.evenFooter) if even else (ws.oddHeader, ws.oddFooter)
    assert head is not None and foot is not None
    return head, foot


def fit_to_page(ws: Worksheet) -> None:
    """Scale the printout to the page set up (fitToWidth / fitToHeight)."""
    props = ws.sheet_properties.pageSetUpPr
    if props is None:
        props = ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    props.fitToPage = True


def put(ws: Worksheet, row: int, col: int, value: object) -> Any:
    """Write a value; text never becomes a formula (quote prefix when it could start one)."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str) or (value is not None and not isinstance(value, (int, float, date, datetime))):
        text, guard = excel_text(value)
        cell.value = text
        cell.data_type = "s"
        if guard:
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


class _Guarded(str):
    """Text that must stay a string although it looks like a formula."""


class TableSheet:
    """One table sheet: ``write_rows`` (any number of times), then ``close``."""

    def __init__(self, wb: Workbook, name: str, columns: Sequence[Column], marking: Marking,
                 tables: set[str], *, title: str | None = None, freeze_first_column: bool = True) -> None:
        self.wb = wb
        self.ws: WriteOnlyWorksheet = wb.create_sheet(name)
        # The same sheet: a WriteOnlyWorksheet takes every print, dimension and formatting attribute
        # of Worksheet (Worksheet._setup), which its stubs leave out.
        self.sheet = cast(Worksheet, self.ws)
        self.columns = list(columns)
        self.headers = [shorten(h, 255) for h in unique_headers(c.header for c in self.columns)]
        self.rows_written = 0
        self.table = table_name(name, tables)
        self.title = title
        self._cells: dict[tuple[int, str], _Cell] = {}
        for i, col in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = col.width
        self.ws.freeze_panes = "B2" if freeze_first_column and len(self.columns) > 2 else "A2"
        self._print_setup(marking)
        self._line_chars = [max(1.0, c.width * 1.2) for c in self.columns]
        self._wrapped = [i for i, c in enumerate(self.columns) if c.kind == "wrap"]
        header = [self._styled(i, "header", *excel_text(h)) for i, h in enumerate(self.headers)]
        self._set_height(1, self._header_lines())
        self.ws.append(header)
        self._forget_height(1)
        self._memo: list[dict[str, tuple[_Cell, str]]] = [{} for _ in self.columns]
        self._int_cells = [self._cell(i, "int" if c.kind == "number" else c.kind if c.kind in _NUMERIC else "whole")
                           for i, c in enumerate(self.columns)]
        self._float_cells = [self._cell(i, c.kind if c.kind in _NUMERIC else "number")
                             for i, c in enumerate(self.columns)]
        self._plain = hasattr(WriteOnlyWorksheet, "_values_to_row")
        if self._plain:
            self.ws._values_to_row = self._values_to_row  # cells per column, reused row by row

    # -- styles ---------------------------------------------------------------------------
    def _cell(self, col: int, kind: str, guard: bool = False) -> _Cell:
        key = (col, kind + ("!" if guard else ""))
        cell = self._cells.get(key)
        if cell is None:
            cell = _Cell(self.ws)
            cell.style = STYLES[kind][0]
            if guard:
                cell.quotePrefix = True
            cell._style_index = self.wb._cell_styles.add(cell._style)  # type: ignore[attr-defined]  # private styles list
            cell.column = col + 1
            self._cells[key] = cell
        return cell

    def _styled(self, col: int, kind: str, text: str, guard: bool) -> _Cell:
        """A fresh text cell (the header row, written before the reused cells take over)."""
        proto = self._cell(col, kind, guard)
        cell = _Cell(self.ws)
        cell._style, cell._style_index, cell.column = proto._style, proto._style_index, col + 1
        cell._value, cell.data_type = text, "s"
        return cell

    def _kind_of(self, col: Column, value: object) -> tuple[str, Any]:
        """The style kind for ``value`` in ``col`` and the value to store."""
        kind = col.kind
        if isinstance(value, str):
            text, guard = excel_text(value)
            return (kind if kind in ("text", "wrap") else "text"), _Guarded(text) if guard else text
        if isinstance(value, bool):
            return "text", "Yes" if value else "No"
        if isinstance(value, Shown):
            return value.kind, value.value
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)  # Excel has no zones: UTC
            return "datetime", value
        if isinstance(value, date):
            return "date", value
        if isinstance(value, (int, float)):
            return (kind if kind in _NUMERIC else "number" if isinstance(value, float) else "whole"), value
        text, guard = excel_text(value)
        return "text", _Guarded(text) if guard else text

    # -- rows -----------------------------------------------------------------------------
    def _resolve_text(self, i: int, value: str) -> tuple[_Cell, str]:
        kind, stored = self._kind_of(self.columns[i], value)
        return self._cell(i, kind, type(stored) is _Guarded), str(stored)

    def _values_to_row(self, values: Sequence[Any], row_idx: int) -> Iterator[_Cell]:
        memo, ints, floats = self._memo, self._int_cells, self._float_cells
        for i, value in enumerate(values):
            if value is None:
                continue
            t = type(value)
            if t is str:
                if not value:
                    continue
                known = memo[i]
                hit = known.get(value)
                if hit is None:
                    hit = self._resolve_text(i, value)
                    if len(value) <= 200 and len(known) < 2_000:
                        known[value] = hit
                cell = hit[0]
                cell._value, cell.data_type = hit[1], "s"  # cleaned by excel_text: no bind needed
            elif t is int or t is float:
                cell = (ints if t is int else floats)[i]
                cell._value, cell.data_type = value, "n"
            else:
                kind, stored = self._kind_of(self.columns[i], value)
                guarded = type(stored) is _Guarded
                cell = self._cell(i, kind, guarded)
                if guarded:
                    cell._value, cell.data_type = str(stored), "s"
                else:
                    cell.value = stored
            cell.row = row_idx
            yield cell

    def _cells_row(self, values: Sequence[object], row_idx: int) -> list[_Cell | None]:
        """Portable path (an openpyxl without ``_values_to_row``): a fresh cell per value."""
        out: list[_Cell | None] = []
        for i, value in enumerate(values):
            if value is None or value == "":
                out.append(None)
                continue
            kind, stored = self._kind_of(self.columns[i], value)
            guarded = type(stored) is _Guarded
            proto = self._cell(i, kind, guarded)
            cell = _Cell(self.ws)
            cell._style, cell._style_index, cell.column = proto._style, proto._style_index, i + 1
            if guarded:
                cell._value, cell.data_type = str(stored), "s"
            else:
                cell.value = stored
            out.append(cell)
        return out

    def _lines(self, values: Sequence[object], columns: Iterable[int]) -> int:
        most = 1
        per = self._line_chars
        for i in columns:
            value = values[i] if i < len(values) else None
            if type(value) is not str or (len(value) <= per[i] and "\n" not in value):
                continue
            lines = sum(max(1, math.ceil(len(part) * 1.08 / per[i])) for part in value.split("\n"))
            most = max(most, lines)
        return most

    def _header_lines(self) -> int:
        """Lines of the wrapped bold header: words are not split, so a narrow column wraps sooner."""
        most = 1
        for header, col in zip(self.headers, self.columns, strict=True):
            room, lines, used = max(1.0, col.width * 0.95), 1, 0.0
            for word in header.split():
                size = len(word) * 1.1
                if used and used + 1 + size > room:
                    lines, used = lines + 1, size
                else:
                    used += (1 if used else 0) + size
            most = max(most, lines)
        return most

    def _set_height(self, row_idx: int, lines: int) -> None:
        if lines > 1:
            self.sheet.row_dimensions[row_idx].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)

    def _forget_height(self, row_idx: int) -> None:
        if row_idx in self.sheet.row_dimensions:
            del self.sheet.row_dimensions[row_idx]  # written: keep memory flat

    def write_rows(self, rows: Iterable[Sequence[object]],
                   tick: Callable[[], None] | None = None, every: int = 5_000) -> None:
        ws, wrapped = self.ws, self._wrapped
        for row in rows:
            row_idx = self.rows_written + 2
            lines = self._lines(row, wrapped) if wrapped else 1
            if lines > 1:
                self._set_height(row_idx, lines)
            ws.append(row if self._plain else self._cells_row(row, row_idx))
            if lines > 1:
                self._forget_height(row_idx)
            self.rows_written += 1
            if tick is not None and self.rows_written % every == 0:
                tick()

    def close(self) -> None:
        """The table, RAG fills and print area over the rows written (these go after the data)."""
        last_col = get_column_letter(len(self.columns))
        last_row = 1 + max(self.rows_written, 1)
        ref = f"A1:{last_col}{last_row}"
        table = Table(displayName=self.table, ref=ref,
                      tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=True))
        table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(self.headers, start=1)]
        table.autoFilter = AutoFilter(ref=ref)
        with warnings.catch_warnings():  # "add table columns manually": they are, just above
            warnings.simplefilter("ignore", UserWarning)
            self.sheet.add_table(table)
        self.ws.print_area = ref
        for i, col in enumerate(self.columns, start=1):
            if col.kind != "rag":
                continue
            letter = get_column_letter(i)
            area = f"{letter}2:{letter}{last_row}"
            for rag, words in RAG_WORDS.items():
                test = ",".join(f'${letter}2="{w}"' for w in words)
                self.sheet.conditional_formatting.add(area, FormulaRule(
                    formula=[f"OR({test})"],
                    fill=PatternFill("solid", fgColor=RAG_FILLS[rag], bgColor=RAG_FILLS[rag]),
                    stopIfTrue=True))
        self.ws.close()

    # -- print ----------------------------------------------------------------------------
    def _print_setup(self, marking: Marking) -> None:
        ws = self.sheet
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.print_title_rows = "1:1"
        ws.print_options.gridLines = False
        if fit_scale(self.columns) >= MIN_SCALE:
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            fit_to_page(ws)
        else:  # too wide to read at page width: 75 %, pages across, the first column repeated
            ws.page_setup.scale = MIN_SCALE
            ws.page_setup.pageOrder = "overThenDown"
            ws.print_title_cols = "A:A"
        mark = header_footer_text(marking.marking.upper(), 60)
        head, foot = header_footer(ws)
        for item in (head.center, foot.center):
            item.text = mark
            item.font = f"{FONT_NAME},Bold"
        for item, text in ((head.left, header_footer_text(marking.force, 60)),
                           (head.right, header_footer_text(marking.version_text, 60)),
                           (foot.left, "&A"), (foot.right, "Page &P of &N")):
            item.text = text
            item.font = f"{FONT_NAME},Regular"


def columns_width_mm(columns: Sequence[Column]) -> float:
    """The printed width of the columns at 100 % (an Excel width unit is about 7 px + 5 px padding)."""
    return sum(7 * c.width + 5 for c in columns) * 25.4 / 96


def fit_scale(columns: Sequence[Column]) -> int:
    """The print scale (percent) that fits the columns to the page width, at most 100."""
    return min(100, int(100 * PAGE_WIDTH_MM / max(1.0, columns_width_mm(columns))))
