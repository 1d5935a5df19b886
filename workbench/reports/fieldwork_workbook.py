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

Pure: plain data in, an .xlsx out (written to a private temporary file beside the target, then
moved into place). Written with XlsxWriter in its constant-memory mode: each row goes to disk as
the next one starts, so memory stays flat however many cases the audit has, and the few cell
formats are made once. Every string from user text goes through ``safe_text.excel_text`` and is
written as a string (never through XlsxWriter's guessing ``write``, and with its conversions of
strings to formulas, numbers and links switched off); text that could start a formula carries the
quote-prefix format, so no application evaluates it.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from workbench.files import atomic_output, scratch_folder
from workbench.reports.excel_sheet import HEADER_BORDER, HEADER_FILL, HEADER_FONT, TITLE_FONT
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
    cell_token,
    layout,
    token_digest,
)
from workbench.reports.safe_text import excel_text, header_footer_text, shorten

LOCKED_FILL = "#D9D9D9"
ANSWER_FILL = "#FFFFFF"
A4 = 9  # the paper size code of the page setup
_WIDTHS = {"ref": 18, "stratum": 14, "field": 16, "answer": 16, "computed": 14, "working": 40, "comment": 40}
# no guessing: a string is a string (a leading "=" is not a formula, "12" not a number, a URL no link)
_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False}


def _colour(openpyxl_colour: Any) -> str:
    """'#RRGGBB' of an openpyxl colour (ARGB): the pack's house colours, kept in one place."""
    return "#" + str(openpyxl_colour.rgb)[-6:]


@dataclass(frozen=True)
class Style:
    """The formats a cell of one look is written with: as is, quote-prefixed text, a date."""

    plain: Format | None
    quoted: Format
    dated: Format


class _Formats:
    """The workbook's few looks, each made once (a format is a record in the workbook)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self._formats: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._styles: dict[tuple[tuple[str, Any], ...], Style] = {}
        font = {"font_name": HEADER_FONT.name, "font_size": HEADER_FONT.sz, "bold": True,
                "font_color": _colour(HEADER_FONT.color)}
        header = {**font, "bg_color": _colour(HEADER_FILL.fgColor), "text_wrap": True, "valign": "top",
                  "locked": True}
        self.header = self.style(header)
        rule = HEADER_BORDER.bottom
        assert rule is not None  # the house header has its rule below
        self.header_rule = self.style({**header, "bottom": 2, "bottom_color": _colour(rule.color)})
        self.label = self.style({**font, "valign": "top"})
        self.title = self.style({"font_name": TITLE_FONT.name, "font_size": TITLE_FONT.sz, "bold": True,
                                 "font_color": _colour(TITLE_FONT.color)})
        self.wrap = self.style({"text_wrap": True, "valign": "top", "align": "left"})
        self.plain = self.style({})
        self.top = self.style({"valign": "top"})

    def format(self, spec: dict[str, Any]) -> Format:
        key = tuple(sorted(spec.items()))
        made = self._formats.get(key)
        if made is None:
            made = self._formats[key] = self.wb.add_format(dict(key))
        return made

    def style(self, spec: dict[str, Any]) -> Style:
        key = tuple(sorted(spec.items()))
        made = self._styles.get(key)
        if made is None:
            made = self._styles[key] = Style(self.format(spec) if spec else None,
                                             self.format({**spec, "quote_prefix": True}),
                                             self.format({"num_format": DATE_FORMAT, **spec}))
        return made


#: the first day Excel's and every reader's serial numbers agree on (Excel has no dates before 1900
#: and counts a 29 February 1900 that never was; openpyxl reads serials below 1 as times of day)
FIRST_SERIAL_DAY = datetime(1900, 3, 1)


def _kept_as_number(value: float) -> bool:
    """Whether a spreadsheet keeps `value` exactly: finite, and within the 15 significant digits
    Excel holds (XlsxWriter writes 16; a longer one would come back another number)."""
    if isinstance(value, int):  # an int of any size (math.isfinite would overflow on 10**400)
        return abs(value) < 10**15
    return math.isfinite(value) and float(f"{value:.15g}") == value


def put(ws: Worksheet, row: int, col: int, value: object, style: Style) -> object:
    """Write a value at 1-based (row, col); returns what the cell holds. Text is always a string,
    quote-prefixed when it could start a formula; numbers, dates and booleans keep their type
    (a date before 1 March 1900, or a number that is not finite, is written as its text: no
    spreadsheet holds it as a value). An empty value writes a cell only when the look has a
    format (a grey locked cell, say)."""
    r, c = row - 1, col - 1
    if isinstance(value, str):  # the most common case first
        text, guard = excel_text(value)
        if text:
            ws.write_string(r, c, text, style.quoted if guard else style.plain)
            return text
        value = None
    if value is None:
        if style.plain is not None:
            ws.write_blank(r, c, None, style.plain)
        return None
    if isinstance(value, bool):
        ws.write_boolean(r, c, value, style.plain)
    elif isinstance(value, (int, float)):
        if not _kept_as_number(value):
            return put(ws, row, col, str(value), style)
        ws.write_number(r, c, value, style.plain)
    elif isinstance(value, (datetime, date)):
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        # whole seconds: a read-back serial that rounds up would name another second than the digest
        if moment.tzinfo is not None or moment.microsecond:
            moment = moment.replace(tzinfo=None, microsecond=0)
        if moment < FIRST_SERIAL_DAY:
            return put(ws, row, col, cell_token(moment), style)
        ws.write_datetime(r, c, moment, style.dated)
        return moment
    else:
        return put(ws, row, col, str(value), style)
    return value


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


CellValue = Callable[[SheetCase], tuple[object, "str | None"]]


def _value(col: SheetColumn, data: FieldworkSheetData) -> CellValue:
    """How to get one column's (cell value, number format) from a case, worked out once per column."""
    key = col.key
    if col.kind == "ref":
        return lambda case: (case.ref, None)
    if col.kind == "stratum":
        return lambda case: (case.stratum or "", None)
    if col.kind == "comment":
        return lambda case: (case.comment or None, None)
    if col.kind == "working":
        return lambda case: (case.working.get(key) or None, None)
    if col.kind == "field":
        kind = next(f.type for f in data.fields if f.key == key)
        if kind not in ("datetime", "date"):
            return lambda case: (case.fields.get(key), None)
        shown = DATE_FORMAT if kind == "datetime" else "dd/mm/yyyy"

        def field(case: SheetCase) -> tuple[object, str | None]:
            value = case.fields.get(key)
            moment = as_datetime(value)
            return (value, None) if moment is None else (moment, shown)

        return field
    answer = next(c for c in data.criteria if c.key == key).answer

    def answered(case: SheetCase) -> tuple[object, str | None]:
        value = case.answers.get(key)
        if answer == "number" and (number := as_number(value)) is not None:
            return number, None
        if answer == "datetime" and (moment := as_datetime(value)) is not None:
            return moment, DATE_FORMAT if "T" in str(value) else "dd/mm/yyyy"
        return value, None

    return answered


def _no_picture(header: str) -> str:
    """A header with no picture codes: XlsxWriter takes every "&G" (and "&[Picture]") for one and
    drops the whole header when it has no image for it, also where the text's own "&" (written
    "&&") comes before a G. The header's codes here are never pictures, so a zero-width space
    parts such a pair (nothing is printed for it)."""
    return _PICTURE_CODE.sub("&\u200b", header)


_PICTURE_CODE = re.compile(r"&(?=G|\[Picture\])")


def _print_setup(ws: Worksheet, data: FieldworkSheetData) -> None:
    # three sections of at most 50 units, each "&&" parted by one more: within Excel's 255 in all
    mark = header_footer_text(data.marking.upper(), 50)
    force = header_footer_text(data.force, 50)
    audit = header_footer_text(f"Audit {data.audit_id} fieldwork", 50)
    left = f"&L{force}" if force else ""  # an empty section is left out (a reader takes "&L&C" amiss)
    centre = f'&C&"-,Bold"{mark}' if mark else ""
    for setter, text in ((ws.set_header, f"{left}{centre}&R{audit}"),
                         (ws.set_footer, f"&L&A{centre}&RPage &P of &N")):
        setter(_no_picture(text))
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)


def _protect(ws: Worksheet) -> None:
    """Protect without a password; resizing columns and rows stays allowed."""
    ws.protect("", {"format_columns": True, "format_rows": True})


MAX_ROW_HEIGHT = 409  # points: the tallest row Excel allows (longer text scrolls in the cell)
LINE_HEIGHT = 13.5  # points per line of 10-point text
CHARS_PER_WIDTH = 1.2  # characters of 10-point prose per unit of column width (the width of a "0" at 11 points)


def _lines(text: object, width: float) -> int:
    per_line = max(1, int(width * CHARS_PER_WIDTH) - 2)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _fit_row(ws: Worksheet, row: int, *cells: tuple[object, float], least: int = 1) -> None:
    """Give a row of wrapped text (text, column width) the height of its most lines, at least
    `least` (spreadsheets do not grow a row whose text the file wraps, so printed lines would
    overlap the next row's)."""
    lines = max([least, *(_lines(text, width) for text, width in cells)])
    if lines > 1:
        ws.set_row(row - 1, min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 2))


def _instructions(ws: Worksheet, f: _Formats, data: FieldworkSheetData, columns: list[SheetColumn]) -> None:
    widths = (26, 40, 90)
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    put(ws, 1, 1, f"{data.marking.upper()}: fieldwork workbook", f.title)
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
        put(ws, row, 1, label, f.label)
        guard = isinstance(value, str) and excel_text(value)[1]
        ws.merge_range(row - 1, 1, row - 1, 2, "", f.wrap.quoted if guard else f.wrap.plain)
        put(ws, row, 2, value, f.wrap)  # over the merged cell's first, in the same format
        _fit_row(ws, row, (value, widths[1] + widths[2]))
        row += 1
    row += 1
    for i, text in enumerate(("Column", "Criterion", "Question and answers")):
        put(ws, row, i + 1, text, f.header_rule)
    for c in data.criteria:
        row += 1
        letter = next(col.letter for col in columns if col.key == c.key and col.kind in ("answer", "computed"))
        codes = ", ".join(c.choices) if c.answer == "choice" else TYPE_HINTS.get(c.answer, c.answer)
        extra = " Computed by the workbench (locked)." if c.computed else ""
        crit = " Critical." if c.critical else ""
        put(ws, row, 1, letter, f.top)
        put(ws, row, 2, c.key, f.top)
        text = f"{c.question}\nAnswers: {codes}.{crit}{extra}" + (f"\nGuidance: {c.guidance}" if c.guidance else "")
        put(ws, row, 3, text, f.wrap)
        _fit_row(ws, row, (text, widths[2]))
    _print_setup(ws, data)
    _protect(ws)


def _lists(data: FieldworkSheetData) -> list[tuple[str, tuple[str, ...]]]:
    """The drop-down lists: criterion key (or 'yes_no_na') and its items, one column each."""
    lists: list[tuple[str, tuple[str, ...]]] = [("yes_no_na", YES_NO_NA)]
    return lists + [(c.key, c.choices) for c in data.criteria if c.answer == "choice" and not c.computed]


def _list_ranges(lists: Sequence[tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    return {key: f"='{LISTS}'!${xl_col_to_name(col)}$1:${xl_col_to_name(col)}${max(1, len(items))}"
            for col, (key, items) in enumerate(lists)}


def _write_lists(ws: Worksheet, f: _Formats, lists: Sequence[tuple[str, tuple[str, ...]]]) -> None:
    height = max((len(items) for _, items in lists), default=1)
    for row in range(1, height + 1):  # row by row: the sheet is written in constant memory
        for col, (_key, items) in enumerate(lists, start=1):
            if row <= len(items):
                put(ws, row, col, items[row - 1], f.plain)
    ws.hide()
    _protect(ws)


def _validation(criterion: SheetCriterion, ranges: dict[str, str]) -> dict[str, Any] | None:
    kind = criterion.answer
    if kind in ("yes_no_na", "choice"):
        rule: dict[str, Any] = {"validate": "list", "source": ranges["yes_no_na" if kind == "yes_no_na" else
                                                                     criterion.key],
                                "error_message": "Choose an answer from the list"}
    elif kind == "number":
        rule = {"validate": "decimal", "criteria": "between", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT,
                "error_message": "Give a number, e.g. 12 or 7.5"}
    elif kind == "datetime":  # serial days 1 to 2958465: 1 January 1900 to 31 December 9999
        rule = {"validate": "date", "criteria": "between", "minimum": datetime(1900, 1, 1),
                "maximum": datetime(9999, 12, 31), "error_message": "Give a date, e.g. 14/03/2024 14:02"}
    else:
        return None
    return {**rule, "ignore_blank": True, "error_title": "Not a valid answer", "error_type": "stop",
            "show_error": True, "input_title": shorten(criterion.key, 32),
            "input_message": shorten(TYPE_HINTS.get(kind, kind), 250), "show_input": True}


def _column_spec(kind: str, dated: bool) -> dict[str, Any]:
    """A Cases column's look: answers and the comment unlocked and white, the rest locked and grey."""
    spec: dict[str, Any] = {"valign": "top", "pattern": 1}
    if kind in ("working", "comment"):
        spec["text_wrap"] = True
    if kind in ("answer", "comment"):
        spec.update(locked=False, bg_color=ANSWER_FILL)
    else:
        spec.update(locked=True, bg_color=LOCKED_FILL)
    if dated:  # a date answer typed in shows as a date
        spec["num_format"] = DATE_FORMAT
    return spec


def _cases(ws: Worksheet, f: _Formats, data: FieldworkSheetData, columns: list[SheetColumn],
           ranges: dict[str, str]) -> tuple[dict[int, dict[str, str]], dict[str, str]]:
    """Write the Cases sheet; returns per row the digests of its locked cells, and the headings'.

    Each column carries its look as the column's format, so an empty cell needs no cell of its own
    (Excel shows and protects it by its column); a value is written with the same look."""
    criteria = {c.key: c for c in data.criteria}
    specs = [_column_spec(col.kind, col.kind == "answer" and criteria[col.key].answer == "datetime")
             for col in columns]
    for i, (col, spec) in enumerate(zip(columns, specs, strict=True)):
        ws.set_column(i, i, _WIDTHS[col.kind], f.format(spec))
    headers: dict[str, str] = {}
    for row in range(1, HEADER_ROWS + 1):
        _fit_row(ws, row, *((_headers(col, data)[row - 1], _WIDTHS[col.kind]) for col in columns),
                 least=4 if row == HEADER_ROWS else 1)  # the hints' row as tall as before, at least
        for i, col in enumerate(columns, start=1):
            written = put(ws, row, i, _headers(col, data)[row - 1], f.header_rule if row == HEADER_ROWS else f.header)
            headers[f"{col.letter}{row}"] = token_digest(written)
    # a value's look: its column's, with the number format the value asks for (a date-only field
    # shows without a time)
    looks: dict[tuple[int, str | None], Style] = {}

    def look(i: int, number_format: str | None) -> Style:
        made = looks.get((i, number_format))
        if made is None:
            made = looks[(i, number_format)] = f.style({**specs[i], "num_format": number_format} if number_format
                                                       else specs[i])
        return made

    locked: dict[int, dict[str, str]] = {}
    plan = [(i, col.letter, _value(col, data), col.kind not in ("answer", "comment"), look(i, None))
            for i, col in enumerate(columns)]
    digests_of: dict[tuple[type, object], str] = {}  # a locked cell's digest, once per distinct value
    # the wrapped columns (working, comment): a row is made as tall as their text, before it is written
    wraps = [_WIDTHS[col.kind] if col.kind in ("working", "comment") else 0 for col in columns]
    for row, case in enumerate(data.cases, start=FIRST_ROW):
        digests: dict[str, str] = {}
        values = [cell_value(case) for _, _, cell_value, _, _ in plan]
        tall = [(v, width) for (v, _), width in zip(values, wraps, strict=True)
                if width and isinstance(v, str) and (len(v) > width or "\n" in v)]
        if tall:
            _fit_row(ws, row, *tall)
        for (i, letter, _, is_locked, plain), (value, number_format) in zip(plan, values, strict=True):
            written = None if value is None or value == "" else put(
                ws, row, i + 1, value, plain if number_format is None else look(i, number_format))
            if is_locked:
                key = (type(written), written)
                digest = digests_of.get(key)
                if digest is None:
                    digest = digests_of[key] = token_digest(written)
                digests[letter] = digest
        locked[row] = digests
    last = max(FIRST_ROW, FIRST_ROW + len(data.cases) - 1)
    for i, col in enumerate(columns):
        if col.kind == "answer" and (rule := _validation(criteria[col.key], ranges)) is not None:
            ws.data_validation(FIRST_ROW - 1, i, last - 1, i, rule)
    ws.freeze_panes(FIRST_ROW - 1, 1)
    _print_setup(ws, data)
    ws.repeat_rows(0, HEADER_ROWS - 1)
    _protect(ws)
    return locked, headers


#: one encoder for every case's state and digests (json.dumps with options makes one per call)
_as_json = json.JSONEncoder(sort_keys=True, default=str).encode


def _meta(ws: Worksheet, f: _Formats, data: FieldworkSheetData, columns: list[SheetColumn],
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
        put(ws, row, 1, key, f.plain)
        put(ws, row, 2, value, f.plain)
    start = len(pairs) + 2
    for i, text in enumerate(("case", "case_id", "row", "ref", "state", "locked"), start=1):
        put(ws, start, i, text, f.plain)
    plain = f.plain.plain
    for offset, case in enumerate(data.cases, start=1):
        row, at = FIRST_ROW + offset - 1, start + offset
        # the label and the two numbers as they are; the reference and the JSON through `put`
        ws.write_string(at - 1, 0, "case", plain)
        ws.write_number(at - 1, 1, case.case_id, plain)
        ws.write_number(at - 1, 2, row, plain)
        for i, value in ((4, case.ref), (5, _as_json(case.state)), (6, _as_json(locked[row]))):
            put(ws, at, i, value, f.plain)
    ws.hide()
    _protect(ws)


def write_fieldwork_workbook(data: FieldworkSheetData, out_path: str | os.PathLike[str]) -> Path:
    """Write the workbook to ``out_path`` (atomically); returns the path."""
    out = Path(out_path)
    columns = layout(data)
    lists = _lists(data)
    # XlsxWriter's row files go to a folder of this process's own inside the private one the
    # workbook is written in, removed with whatever is in it however the writing ends
    with atomic_output(out) as tmp, scratch_folder(tmp.parent) as rows:
        wb = xlsxwriter.Workbook(str(tmp), {**_OPTIONS, "tmpdir": rows})
        formats = _Formats(wb)
        info = wb.add_worksheet(INSTRUCTIONS)
        cases = wb.add_worksheet(CASES)
        locked, headers = _cases(cases, formats, data, columns, _list_ranges(lists))
        _write_lists(wb.add_worksheet(LISTS), formats, lists)
        _meta(wb.add_worksheet(META), formats, data, columns, locked, headers)
        _instructions(info, formats, data, columns)
        cases.activate()  # only the Cases tab selected (two selected tabs would be edited together)
        try:
            wb.close()
        except FileCreateError as exc:  # XlsxWriter's wrapping of the OSError (a full disk, say)
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
            raise cause from None  # atomic_output reports it and removes what was written
    return out
