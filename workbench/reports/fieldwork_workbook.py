"""The fieldwork workbook: an audit's cases as an Excel sheet to fill offline and import back.

Sheets:
- ``Instructions``: what to do, the answer codes per criterion, the audit and template version;
- ``Cases``: two header rows, then one row per case in use: reference, stratum, the non-personal
  case fields, one answer column per criterion (computed criteria: their value and working,
  locked), and a comment column. Answer cells are unlocked and carry drop-downs or number /
  date validation; everything else is locked and grey. The sheet is protected without a
  password: a guard against slips, not security (the importer checks every locked cell again);
- ``_lists`` (hidden): the drop-down lists;
- ``_meta`` (hidden): the audit, template key / version / SHA-256, export time and exporter,
  the column layout, and per case its id, row, reference, the opaque ``state`` the exporter
  gives (response versions and hashes, for conflict detection) and a digest of every locked
  cell, so an edited locked cell can be named.

Pure: plain data in, an .xlsx out (written to a temporary file beside the target, then moved
into place). Every string from user text goes through ``safe_text.excel_text``: text that could
start a formula is stored as a plain string with the quote-prefix style.
"""

from __future__ import annotations

import json
import os
from copy import copy
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workbench.files import atomic_output
from workbench.reports.excel_sheet import (
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    WRAP,
    fit_to_page,
    header_footer,
)
from workbench.reports.fieldwork_format import (  # noqa: F401  (the data classes are part of this API)
    CASES,
    DATE_FORMAT,
    FIRST_ROW,
    FORMAT,
    FORMAT_VERSION,
    HEADER_ROWS,
    INSTRUCTIONS,
    LISTS,
    META,
    NUMBER_LIMIT,
    TYPE_HINTS,
    YES_NO_NA,
    FieldworkSheetData,
    SheetCase,
    SheetColumn,
    SheetCriterion,
    SheetField,
    as_datetime,
    as_number,
    layout,
    token_digest,
)
from workbench.reports.safe_text import excel_text, header_footer_text, shorten

LOCKED_FILL = PatternFill("solid", fgColor="D9D9D9")
ANSWER_FILL = PatternFill("solid", fgColor="FFFFFF")
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)
TOP = Alignment(vertical="top")


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


def _headers(col: SheetColumn, data: FieldworkSheetData) -> tuple[str, str]:
    if col.kind == "ref":
        return "Case reference", "locked"
    if col.kind == "stratum":
        return "Stratum", "locked"
    if col.kind == "field":
        f = next(f for f in data.fields if f.key == col.key)
        return f.label, "case field (locked)"
    if col.kind == "comment":
        return "Comment", "free text, kept with the case's answers"
    c = next(c for c in data.criteria if c.key == col.key)
    crit = " (critical)" if c.critical else ""
    if col.kind == "computed":
        return f"{c.key}{crit}", "computed (locked): " + shorten(c.question, 160)
    if col.kind == "working":
        return f"{c.key}: working", "how the computed answer was reached (locked)"
    return f"{c.key}{crit}", f"{TYPE_HINTS.get(c.answer, c.answer)}: " + shorten(c.question, 160)


def _value(col: SheetColumn, case: SheetCase, data: FieldworkSheetData) -> tuple[object, str | None]:
    """(cell value, number format) for one case cell."""
    if col.kind == "ref":
        return case.ref, None
    if col.kind == "stratum":
        return case.stratum or "", None
    if col.kind == "comment":
        return case.comment or None, None
    if col.kind == "working":
        return case.working.get(col.key) or None, None
    if col.kind == "field":
        value = case.fields.get(col.key)
        kind = next(f.type for f in data.fields if f.key == col.key)
        if kind in ("datetime", "date") and (moment := as_datetime(value)) is not None:
            return moment, DATE_FORMAT if kind == "datetime" else "dd/mm/yyyy"
        return value, None
    value = case.answers.get(col.key)
    criterion = next(c for c in data.criteria if c.key == col.key)
    if criterion.answer == "number" and (number := as_number(value)) is not None:
        return number, None
    if criterion.answer == "datetime" and (moment := as_datetime(value)) is not None:
        return moment, DATE_FORMAT if "T" in str(value) else "dd/mm/yyyy"
    return value, None


def _print_setup(ws: Worksheet, data: FieldworkSheetData) -> None:
    mark = header_footer_text(data.marking.upper(), 60)
    head, foot = header_footer(ws)
    even_head, even_foot = header_footer(ws, even=True)
    for part in (head.center, foot.center, even_head.center, even_foot.center):
        part.text = mark
        part.font = "-,Bold"
    head.left.text = header_footer_text(data.force, 60)
    head.right.text = header_footer_text(f"Audit {data.audit_id} fieldwork", 60)
    foot.left.text = "&A"
    foot.right.text = "Page &P of &N"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    fit_to_page(ws)


def _protect(ws: Worksheet) -> None:
    """Protect without a password; resizing columns stays allowed."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _instructions(ws: Worksheet, data: FieldworkSheetData, columns: list[SheetColumn]) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 90
    put(ws, 1, 1, f"{data.marking.upper()}: fieldwork workbook").font = TITLE_FONT
    lines: list[tuple[str, object]] = [
        ("Audit", f"{data.audit_id}: {data.audit_title}"),
        ("Template", f"{data.template_name} ({data.template_key} version {data.template_version})"),
        ("Template SHA-256", data.template_sha256),
        ("Exported", f"{data.exported_at:%d/%m/%Y %H:%M} UTC by {data.exported_by}"),
        ("Cases", len(data.cases)),
        ("Marking", data.marking.upper()),
        ("", ""),
        ("What to do", "Answer each criterion for each case on the Cases sheet, in the white cells only. "
                       "Use the drop-down lists; leave a cell blank when you have not checked it yet."),
        ("", "Grey columns are locked: the case reference, the case fields and the computed criteria "
             "(worked out by the workbench from the case fields). Do not change them."),
        ("", "Put anything the reviewer should know in the Comment column."),
        ("", "Save the workbook as .xlsx and import it with 'workbench audit fieldwork-import' or the "
             "app. The import checks every cell, shows what changes and never overwrites an answer "
             "someone else changed in the workbench since this export."),
        ("", "Do not rename, add or delete sheets, rows or columns."),
        ("Answer codes", "yes / no / n/a: n/a (not applicable) is left out of the rates."),
    ]
    row = 2
    for label, value in lines:
        put(ws, row, 1, label).font = HEADER_FONT
        put(ws, row, 2, value).alignment = WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        row += 1
    row += 1
    for i, text in enumerate(("Column", "Criterion", "Question and answers")):
        cell = put(ws, row, i + 1, text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    for c in data.criteria:
        row += 1
        letter = next(col.letter for col in columns if col.key == c.key and col.kind in ("answer", "computed"))
        codes = ", ".join(c.choices) if c.answer == "choice" else TYPE_HINTS.get(c.answer, c.answer)
        extra = " Computed by the workbench (locked)." if c.computed else ""
        crit = " Critical." if c.critical else ""
        put(ws, row, 1, letter)
        put(ws, row, 2, c.key)
        put(ws, row, 3, f"{c.question}\nAnswers: {codes}.{crit}{extra}"
                        + (f"\nGuidance: {c.guidance}" if c.guidance else "")).alignment = WRAP
    _print_setup(ws, data)
    _protect(ws)


def _lists(ws: Worksheet, data: FieldworkSheetData) -> dict[str, str]:
    """Write the drop-down lists; returns criterion key (or 'yes_no_na') -> list range."""
    ranges: dict[str, str] = {}
    lists: list[tuple[str, tuple[str, ...]]] = [("yes_no_na", YES_NO_NA)]
    lists += [(c.key, c.choices) for c in data.criteria if c.answer == "choice" and not c.computed]
    for col, (key, items) in enumerate(lists, start=1):
        letter = get_column_letter(col)
        for row, item in enumerate(items or ("",), start=1):
            put(ws, row, col, item)
        ranges[key] = f"'{LISTS}'!${letter}$1:${letter}${max(1, len(items))}"
    ws.sheet_state = "hidden"
    _protect(ws)
    return ranges


def _validation(criterion: SheetCriterion, ranges: dict[str, str]) -> DataValidation | None:
    kind = criterion.answer
    if kind in ("yes_no_na", "choice"):
        dv = DataValidation(type="list", formula1=ranges["yes_no_na" if kind == "yes_no_na" else criterion.key],
                            allow_blank=True)
        dv.error = "Choose an answer from the list"
    elif kind == "number":
        dv = DataValidation(type="decimal", operator="between", formula1=str(-NUMBER_LIMIT),
                            formula2=str(NUMBER_LIMIT), allow_blank=True)
        dv.error = "Give a number, e.g. 12 or 7.5"
    elif kind == "datetime":
        dv = DataValidation(type="date", operator="between", formula1="1", formula2="2958465",
                            allow_blank=True)
        dv.error = "Give a date, e.g. 14/03/2024 14:02"
    else:
        return None
    dv.errorTitle = "Not a valid answer"
    dv.showErrorMessage = True
    dv.promptTitle = shorten(criterion.key, 32)
    dv.prompt = shorten(TYPE_HINTS.get(kind, kind), 250)
    dv.showInputMessage = True
    return dv


_WIDTHS = {"ref": 18, "stratum": 14, "field": 16, "answer": 16, "computed": 14, "working": 40, "comment": 40}


def _style_case_cell(cell: Any, kind: str, number_format: str | None, dated: bool) -> None:
    if number_format:
        cell.number_format = number_format
    cell.alignment = WRAP if kind in ("working", "comment") else TOP
    if kind in ("answer", "comment"):
        cell.protection, cell.fill = UNLOCKED, ANSWER_FILL
        if dated:
            cell.number_format = DATE_FORMAT
    else:
        cell.protection, cell.fill = LOCKED, LOCKED_FILL


def _cases(ws: Worksheet, data: FieldworkSheetData, columns: list[SheetColumn],
           ranges: dict[str, str]) -> dict[int, dict[str, str]]:
    """Write the Cases sheet; returns per row the digests of its locked cells."""
    criteria = {c.key: c for c in data.criteria}
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[col.letter].width = _WIDTHS[col.kind]
        for row, text in enumerate(_headers(col, data), start=1):
            cell = put(ws, row, i, text)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
            if row == HEADER_ROWS:
                cell.border = HEADER_BORDER
            cell.protection = LOCKED
    ws.row_dimensions[2].height = 60
    locked: dict[int, dict[str, str]] = {}
    # the few distinct cell styles, each set up once and then copied (openpyxl's style registry
    # lookups per attribute were most of the export's time)
    styles: dict[tuple[str, bool, str | None, bool], StyleArray] = {}
    for row, case in enumerate(data.cases, start=FIRST_ROW):
        digests: dict[str, str] = {}
        for i, col in enumerate(columns, start=1):
            value, number_format = _value(col, case, data)
            cell = put(ws, row, i, value)
            dated = col.kind == "answer" and criteria[col.key].answer == "datetime" and not number_format
            key = (col.kind, dated, number_format, bool(cell.quotePrefix))  # the guard against formulas is a style
            style = styles.get(key)
            if style is not None:
                cell._style = copy(style)
            else:
                _style_case_cell(cell, col.kind, number_format, dated)
                styles[key] = copy(cell._style)
            if col.kind not in ("answer", "comment"):
                digests[col.letter] = token_digest(cell.value)
        locked[row] = digests
    last = max(FIRST_ROW, FIRST_ROW + len(data.cases) - 1)
    for col in columns:
        if col.kind == "answer" and (dv := _validation(criteria[col.key], ranges)) is not None:
            ws.add_data_validation(dv)
            dv.add(f"{col.letter}{FIRST_ROW}:{col.letter}{last}")
    ws.freeze_panes = f"B{FIRST_ROW}"
    _print_setup(ws, data)
    ws.print_title_rows = f"1:{HEADER_ROWS}"
    _protect(ws)
    return locked


def _meta(ws: Worksheet, data: FieldworkSheetData, columns: list[SheetColumn],
          locked: dict[int, dict[str, str]], headers: dict[str, str]) -> None:
    pairs: list[tuple[str, object]] = [
        ("format", FORMAT), ("format_version", FORMAT_VERSION), ("audit_id", data.audit_id),
        ("audit_title", data.audit_title), ("template_key", data.template_key),
        ("template_version", data.template_version), ("template_sha256", data.template_sha256),
        ("exported_at", data.exported_at.isoformat()), ("exported_by", data.exported_by),
        ("first_row", FIRST_ROW), ("cases", len(data.cases)),
        ("columns", json.dumps([[c.letter, c.kind, c.key] for c in columns])),
        ("headers", json.dumps(headers)),
    ]
    for row, (key, value) in enumerate(pairs, start=1):
        put(ws, row, 1, key)
        put(ws, row, 2, value)
    start = len(pairs) + 2
    for i, text in enumerate(("case", "case_id", "row", "ref", "state", "locked"), start=1):
        put(ws, start, i, text)
    for offset, case in enumerate(data.cases, start=1):
        row = FIRST_ROW + offset - 1
        values = ("case", case.case_id, row, case.ref, json.dumps(case.state, sort_keys=True, default=str),
                  json.dumps(locked[row], sort_keys=True))
        for i, value in enumerate(values, start=1):
            put(ws, start + offset, i, value)
    ws.sheet_state = "hidden"
    _protect(ws)


def write_fieldwork_workbook(data: FieldworkSheetData, out_path: str | os.PathLike[str]) -> Path:
    """Write the workbook to ``out_path`` (atomically); returns the path."""
    out = Path(out_path)
    columns = layout(data)
    wb = Workbook()
    info = wb.active
    assert isinstance(info, Worksheet)  # a new workbook's one sheet
    info.title = INSTRUCTIONS
    cases = wb.create_sheet(CASES)
    ranges = _lists(wb.create_sheet(LISTS), data)
    locked = _cases(cases, data, columns, ranges)
    headers = {f"{c.letter}{r}": token_digest(cases[f"{c.letter}{r}"].value)
               for c in columns for r in range(1, HEADER_ROWS + 1)}
    _meta(wb.create_sheet(META), data, columns, locked, headers)
    _instructions(info, data, columns)
    wb.active = 1
    for ws in wb.worksheets:  # only the Cases tab selected (two selected tabs would be edited together)
        ws.sheet_view.tabSelected = ws is cases
    with atomic_output(out) as tmp:
        wb.save(tmp)
    return out
