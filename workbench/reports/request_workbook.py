"""The evidence-request workbook: open requests sent to action owners, filled in offline, sent back.

Sheets:
- ``Requests``: a title and the marking, then a header row and one row per request: the request
  id, the finding (reference and text), the action, whom it is addressed to, what is needed, the
  due date (all locked, grey), then two white cells for the owner: *Your reply* and *Files
  returned* (the names of the files they send back with the workbook, one per line or separated
  by ";"), and a hidden *Check* column: a keyed check of the row's locked cells that the
  workbench recomputes on import, so an edited request row is named, not taken in;
- ``_meta`` (hidden): the format, the workbook id, when and by whom it was exported.

The sheet is protected without a password: a guard against slips, not security (the check column
is what the import trusts). Pure: plain data in, an .xlsx out (written atomically). Every string
from user text goes through ``safe_text.excel_text`` (``put``): text that could start a formula is
stored as a string with the quote prefix, so no spreadsheet evaluates it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill, Protection
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
    put,
)
from workbench.reports.safe_text import header_footer_text

FORMAT = "workbench-evidence-requests"
FORMAT_VERSION = 1
REQUESTS = "Requests"
META = "_meta"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
#: (header, width); the order is the sheet's column order
COLUMNS = (
    ("Request id", 10), ("Finding", 16), ("Finding text", 48), ("Action", 28), ("Addressed to", 22),
    ("What is needed", 48), ("Due by", 13), ("Your reply", 48), ("Files returned", 30), ("Check", 12),
)
ID_COL, REF_COL, TEXT_COL, ACTION_COL, OWNER_COL, NEEDED_COL, DUE_COL, REPLY_COL, FILES_COL, CHECK_COL = range(1, 11)
LOCKED_FILL = PatternFill("solid", fgColor="E4E4E4")
OPEN_FILL = PatternFill("solid", fgColor="FFFFFF")


@dataclass(frozen=True)
class RequestRow:
    request_id: int
    finding_ref: str
    finding_text: str
    action: str
    owner: str
    what_needed: str
    due_on: date


@dataclass(frozen=True)
class RequestSheetData:
    workbook_id: str
    marking: str
    force: str
    addressed_to: str  # the owner the export is for, or "" for every owner
    exported_at: str
    exported_by: str
    rows: tuple[RequestRow, ...]


def row_check(key: bytes, workbook_id: str, request_id: object, finding_ref: object, what_needed: object,
              due_on: object) -> str:
    """The keyed check of a request row's locked cells (HMAC-SHA256, first 32 hex digits)."""
    due = due_on.isoformat() if isinstance(due_on, date) else str(due_on)
    text = json.dumps([FORMAT, workbook_id, str(request_id), str(finding_ref), str(what_needed), due],
                      ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _print_setup(ws: Worksheet, marking: str) -> None:
    mark = header_footer_text(marking.upper(), 60)
    for item in (*header_footer(ws), *header_footer(ws, even=True)):
        part = item.center
        part.text = mark
        part.font = "-,Bold"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    fit_to_page(ws)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def write_request_workbook(data: RequestSheetData, key: bytes, out_path: str | os.PathLike[str]) -> Path:
    """Write the workbook (whole or not at all); `key` makes each row's check."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = REQUESTS
    who = data.addressed_to or "every owner"
    put(ws, 1, 1, f"Evidence requests for {who}").font = TITLE_FONT
    put(ws, 2, 1, f"{data.marking.upper()} — {data.force}. Write your reply and the names of the files you "
                  "send back in the white cells, save, and return this workbook with the files.").alignment = WRAP
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS) - 1)
    ws.row_dimensions[2].height = 30
    for c, (header, width) in enumerate(COLUMNS, start=1):
        cell = put(ws, HEADER_ROW, c, header)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_BORDER, WRAP
        ws.column_dimensions[cell.column_letter].width = width
    for r, row in enumerate(data.rows, start=FIRST_ROW):
        values = (row.request_id, row.finding_ref, row.finding_text, row.action, row.owner, row.what_needed,
                  row.due_on, None, None,
                  row_check(key, data.workbook_id, row.request_id, row.finding_ref, row.what_needed, row.due_on))
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if c in (REPLY_COL, FILES_COL):
                cell.protection = Protection(locked=False)
                cell.fill = OPEN_FILL
            else:
                cell.fill = LOCKED_FILL
        ws.cell(row=r, column=DUE_COL).number_format = "dd mmm yyyy"
    ws.column_dimensions["J"].hidden = True
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=3).coordinate
    ws.protection.sheet = True  # no password: a guard against slips; the check column is what counts
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    _print_setup(ws, data.marking)
    meta = wb.create_sheet(META)
    pairs = (("format", FORMAT), ("format_version", FORMAT_VERSION), ("workbook_id", data.workbook_id),
             ("exported_at", data.exported_at), ("exported_by", data.exported_by),
             ("addressed_to", data.addressed_to), ("first_row", FIRST_ROW), ("requests", len(data.rows)))
    for r, (k, v) in enumerate(pairs, start=1):
        put(meta, r, 1, k)
        put(meta, r, 2, v)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    out = Path(out_path)
    with atomic_output(out) as tmp:
        wb.save(tmp)
    return out
