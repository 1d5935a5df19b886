"""Reading a force's own tracker of HMICFRS findings: a CSV file or an Excel workbook.

The content decides the kind, not the name (an .xlsx named .csv is read as a workbook). CSV text
is decoded as UTF-8 (with or without BOM), UTF-16, or what charset-normalizer finds
(importers/report_decode.py); a CR or line break inside a quoted field is part of the value. A
workbook passes `importers/xlsx_guard.py`'s limits before openpyxl expands anything and is read in
read-only mode; its merged ranges are read from the sheet's XML. The header row is found below any
title rows. A merged cell's value applies across its whole range, and every cell that took its
value from a merged range says so (``TrackerCell.merged``). Every failure is a typed
:class:`TrackerError` naming the file and, where it has one, the row and column.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.importers.tracker_values import clean_text
from workbench.limits import read_input
from workbench.wording import counted

MAX_BYTES = 50 * 1024 * 1024  # a tracker is a few hundred rows; a CSV over 50 MB is something else
MAX_ROWS = 10_000  # data rows
MAX_COLUMNS = 200
MAX_MERGES = 20_000
HEADER_SEARCH = 30  # the header is within the first rows
DELIMITERS = (",", ";", "\t", "|")


class TrackerError(WorkbenchError, ValueError):
    """The tracker cannot be read. Carries where: path, row, column."""

    def __init__(self, message: str, path: str | Path | None = None, row: int | None = None,
                 column: str | None = None, hint: str = "") -> None:
        self.path = str(path) if path is not None else None
        self.row, self.column = row, column
        where = [w for w in (self.path, f"row {row}" if row is not None else None,
                             f"column '{column}'" if column is not None else None) if w]
        super().__init__(f"{', '.join(where)}: {message}" if where else message,
                         hint or "save the tracker again from Excel (as .xlsx or CSV UTF-8) and try again")


@dataclass(frozen=True)
class TrackerCell:
    value: object  # text from a CSV; text, number, date or bool from a workbook; None when empty
    fill: str = ""  # the ARGB colour of a solid fill (a RAG colour with no word)
    merged: str = ""  # "A5:A7" when the value comes from a merged range


@dataclass(frozen=True)
class TrackerRow:
    number: int  # the sheet row (CSV: the record number, counting the header and title rows)
    cells: tuple[TrackerCell, ...]  # one per header

    def text(self, index: int) -> str:
        return clean_text(self.cells[index].value) if index < len(self.cells) else ""


@dataclass(frozen=True)
class TrackerTable:
    path: str
    kind: str  # csv | xlsx
    sheet: str | None
    sheets: tuple[str, ...]
    header_row: int
    headers: tuple[str, ...]
    rows: tuple[TrackerRow, ...]
    notes: tuple[str, ...]  # what the reader did that the user should know (merged cells, encoding ...)
    sha256: str  # of the file's bytes: the import checks it is still the file that was previewed


def read_tracker(path: str | Path, sheet: str | None = None, encoding: str | None = None) -> TrackerTable:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise TrackerError(f"the file is {size:,} bytes; a tracker is read up to {MAX_BYTES:,}", path,
                               hint="keep only the tracker's sheet, or save it as CSV")
        data = read_input(path, MAX_BYTES)
    except OSError as exc:
        raise TrackerError(f"cannot read the file ({exc.strerror or exc})", path,
                           hint="check the file name and that you may read it") from None
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise TrackerError("the file is empty", path, hint="choose the tracker file itself")
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04"):
        grid, merges, sheets, chosen, notes = _read_xlsx(path, sheet)
        if path.suffix.lower() != ".xlsx":
            notes.insert(0, f"the file is an Excel workbook (named {path.suffix or 'without an extension'}): "
                            "read as a workbook")
        kind = "xlsx"
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TrackerError("this is an old binary Excel (.xls) file", path,
                           hint="open it in Excel and save it as 'Excel Workbook (.xlsx)' or CSV")
    elif data.startswith(b"%PDF") or (b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff")):
        raise TrackerError("this is not a tracker (not CSV text or an Excel workbook)", path,
                           hint="choose the tracker exported from Excel as .xlsx or CSV")
    else:
        if sheet:
            raise TrackerError(f"a CSV file has no sheets (asked for '{sheet}')", path,
                               hint="leave the sheet out for a CSV file")
        grid, notes = _read_csv(path, data, encoding)
        merges, sheets, chosen, kind = {}, (), None, "csv"
    return _table(path, kind, chosen, sheets, grid, merges, notes, digest)


# -- CSV --------------------------------------------------------------------------------------
def _read_csv(path: Path, data: bytes, encoding: str | None) -> tuple[list[tuple[int, list[TrackerCell]]], list[str]]:
    from workbench.importers.report_decode import DecodeProblem, decode

    try:
        decoded = decode(data, encoding, path)
    except DecodeProblem as exc:
        raise TrackerError(exc.problem, path, hint=exc.hint) from None
    notes = [decoded.warning] if decoded.warning else []
    text = decoded.text.lstrip("\ufeff")
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[tuple[int, list[TrackerCell]]] = []
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise TrackerError(f"the CSV cannot be read here ({exc})", path, row=number + 1,
                               hint="a quote is not closed, or a cell is far too long: check that row in Excel"
                               ) from None
        number += 1
        if len(record) > MAX_COLUMNS:
            raise TrackerError(f"the row has {len(record)} cells, more than {MAX_COLUMNS}", path, row=number,
                               hint="delete the stray cells to the right of the tracker")
        if number > MAX_ROWS + HEADER_SEARCH:
            raise TrackerError(f"the file has more than {MAX_ROWS:,} rows; this does not look like a tracker",
                               path, row=number, hint="split it, or keep only the findings' rows")
        grid.append((number, [TrackerCell(v if v.strip() else None) for v in record]))
    return grid, notes


def _sniff(text: str) -> str:
    """The delimiter that splits the first records into the most rows of one width (quotes respected)."""
    sample = text[:64 * 1024]
    best, score = ",", (0, 0)
    for delim in DELIMITERS:
        widths: Counter[int] = Counter()
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delim)
        try:
            for i, record in enumerate(reader):
                if i >= HEADER_SEARCH * 2:
                    break
                if any(v.strip() for v in record):
                    widths[len(record)] += 1
        except csv.Error:
            pass  # a record cut at the sample's end, or a quote this delimiter leaves open
        if not widths:
            continue
        width, freq = widths.most_common(1)[0]
        if width > 1 and (freq, width) > score:
            best, score = delim, (freq, width)
    return best


# -- XLSX -------------------------------------------------------------------------------------
def _read_xlsx(path: Path, sheet: str | None):
    from openpyxl.utils.cell import get_column_letter

    from workbench.importers.xlsx_guard import guarded_rows, open_xlsx

    def fail(message: str, hint: str) -> TrackerError:
        return TrackerError(message, path, hint=hint)

    wb = open_xlsx(path, fail)
    try:
        book = wb.book
        sheets = tuple(book.sheetnames)
        if not sheets:
            raise TrackerError("the workbook has no sheet", path)
        if sheet is not None and sheet not in sheets:
            raise TrackerError(f"the workbook has no sheet '{sheet}'", path,
                               hint=f"its sheets are: {', '.join(sheets)}")
        ws = book[sheet] if sheet is not None else _first_with_data(book)
        if ws.max_row is not None and ws.max_row > MAX_ROWS + HEADER_SEARCH:
            raise TrackerError(f"the sheet '{ws.title}' uses {ws.max_row:,} rows; a tracker is read up to "
                               f"{MAX_ROWS:,}", path, row=ws.max_row,
                               hint="delete the empty or stray rows below the tracker, save and try again")
        if ws.max_column is not None and ws.max_column > MAX_COLUMNS:
            raise TrackerError(f"the sheet '{ws.title}' uses {ws.max_column:,} columns, more than {MAX_COLUMNS}",
                               path, column=get_column_letter(min(ws.max_column, 16384)),
                               hint="delete the stray cells to the right of the tracker, save and try again")
        merges = _merges(wb, ws, path)

        def fail_at(row: int, exc: Exception) -> TrackerError:
            return TrackerError(f"the sheet is damaged here and cannot be read ({type(exc).__name__})", path,
                                row=row, hint="open it in Excel, save it again as .xlsx, and retry")

        grid: list[tuple[int, list[TrackerCell]]] = []
        rows = guarded_rows(ws.iter_rows(max_row=MAX_ROWS + HEADER_SEARCH, max_col=MAX_COLUMNS), fail_at, 1)
        for number, row in enumerate(rows, 1):
            grid.append((number, [TrackerCell(_value(c), _fill(c)) for c in row]))
        return grid, merges, sheets, ws.title, []
    finally:
        wb.close()


def _first_with_data(book):
    for ws in book.worksheets:
        if ws.max_row and ws.max_row > 1:
            return ws
    return book.worksheets[0]


def _value(cell) -> object:
    value = getattr(cell, "value", None)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _fill(cell) -> str:
    try:
        fill = cell.fill
        if fill is None or fill.fill_type != "solid":
            return ""
        rgb = fill.fgColor.rgb
        return rgb if isinstance(rgb, str) else ""
    except Exception:  # a theme or indexed colour, or an EmptyCell: no colour to read
        return ""


def _merges(wb, ws, path: Path) -> dict[tuple[int, int], tuple[int, int, str]]:
    """{(row, col): (origin row, origin col, "A5:A7")} for every cell of every merged range.

    Read-only worksheets do not expose merged cells, so the sheet part's <mergeCell> elements are
    streamed with defusedxml (entity tricks refused)."""
    from defusedxml.ElementTree import iterparse  # the stdlib iterparse, hardened
    from openpyxl.utils.cell import range_boundaries

    source = wb.sheet_part(ws.title)
    if source is None:
        return {}
    covered: dict[tuple[int, int], tuple[int, int, str]] = {}
    count = 0
    try:
        with source as fh:
            for _event, el in iterparse(fh, events=("end",)):
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "mergeCell":
                    ref = el.get("ref", "")
                    count += 1
                    if count > MAX_MERGES:
                        raise TrackerError(f"the sheet has more than {MAX_MERGES:,} merged ranges", path,
                                           hint="unmerge the cells (Home > Merge & Center) and try again")
                    try:
                        c1, r1, c2, r2 = range_boundaries(ref)
                    except (ValueError, TypeError):
                        continue
                    if c1 is None or r1 is None or c2 is None or r2 is None:
                        continue  # a whole-column or whole-row ref ("A:A", "1:1"): not a merged cell range
                    if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
                        raise TrackerError(f"the merged range {ref} is far larger than a tracker", path,
                                           hint="unmerge it and try again")
                    for r in range(r1, min(r2, MAX_ROWS + HEADER_SEARCH) + 1):
                        for c in range(c1, min(c2, MAX_COLUMNS) + 1):
                            covered[(r, c)] = (r1, c1, ref)
                elif tag in ("c", "row"):
                    el.clear()
    except TrackerError:
        raise
    except Exception as exc:  # a damaged part, or XML defusedxml refuses
        raise TrackerError(f"the sheet's merged cells cannot be read ({type(exc).__name__})", path,
                           hint="open it in Excel, save it again as .xlsx, and retry") from None
    return covered


def merged_across(ref: str) -> bool:
    """Whether a merged range spans more than one column ("A10:J10": a heading across the row)."""
    from openpyxl.utils.cell import range_boundaries

    if not ref or ":" not in ref:
        return False
    try:
        c1, _r1, c2, _r2 = range_boundaries(ref)
    except (ValueError, TypeError):
        return False
    return c1 is not None and c2 is not None and c2 > c1  # a whole-row ref ("1:1") has no columns


# -- the table --------------------------------------------------------------------------------
def _table(path: Path, kind: str, sheet: str | None, sheets: tuple[str, ...],
           grid: list[tuple[int, list[TrackerCell]]], merges: dict[tuple[int, int], tuple[int, int, str]],
           notes: list[str], digest: str) -> TrackerTable:
    by_number = {n: cells for n, cells in grid}
    merged_width: dict[int, int] = {}
    for (r, c) in merges:
        merged_width[r] = max(merged_width.get(r, 0), c)
    filled: list[tuple[int, list[TrackerCell]]] = []
    for number, cells in grid:
        out = []
        width = max(len(cells), merged_width.get(number, 0))
        for col in range(1, width + 1):
            cell = cells[col - 1] if col <= len(cells) else TrackerCell(None)
            origin = merges.get((number, col))
            if origin is not None:
                r0, c0, ref = origin
                src_cells = by_number.get(r0, [])
                src = src_cells[c0 - 1] if c0 - 1 < len(src_cells) else TrackerCell(None)
                cell = TrackerCell(src.value, src.fill or cell.fill, ref)
            out.append(cell)
        while out and out[-1].value is None and not out[-1].merged:
            out.pop()
        filled.append((number, out))
    header_at = _header_index(filled, merges)
    if header_at is None:
        raise TrackerError("no header row found: the first rows should hold the column names (Reference, "
                           "Recommendation, Owner ...)", path,
                           hint="put the column names in one row above the findings")
    number, header_cells = filled[header_at]
    headers, header_notes = _headers(header_cells)
    notes.extend(header_notes)
    if header_at:
        notes.append(f"the header is row {number}; the {'row' if header_at == 1 else f'{header_at} rows'} above it "
                     "(a title) are not findings")
    rows: list[TrackerRow] = []
    merged_rows = 0
    for n, cells in filled[header_at + 1:]:
        if not any(c.value is not None for c in cells):
            continue
        if len(cells) > len(headers):
            extra = cells[len(headers):]
            if any(c.value is not None for c in extra):
                for i in range(len(headers), len(cells)):
                    headers = headers + (f"Column {i + 1}",)
                notes.append(f"row {n} has cells beyond the header: kept as 'Column N'")
        cells = (cells + [TrackerCell(None)] * len(headers))[: len(headers)]
        if any(c.merged for c in cells):
            merged_rows += 1
        rows.append(TrackerRow(n, tuple(cells)))
        if len(rows) > MAX_ROWS:
            raise TrackerError(f"more than {MAX_ROWS:,} rows below the header; this does not look like a tracker",
                               path, row=n, hint="split it, or keep only the findings' rows")
    rows = [TrackerRow(r.number, tuple((r.cells + (TrackerCell(None),) * len(headers))[: len(headers)]))
            for r in rows]
    if merged_rows:
        notes.append(f"{counted(merged_rows, 'row')} take values from merged cells: each merged value applies to every row "
                     "of its range (the preview names the range)")
    if not rows:
        raise TrackerError("the tracker has a header but no rows below it", path, row=number,
                           hint="choose the sheet or file that lists the findings")
    return TrackerTable(str(path), kind, sheet, sheets, number, headers, tuple(rows), tuple(dict.fromkeys(notes)),
                        digest)


def _header_index(filled: list[tuple[int, list[TrackerCell]]],
                  merges: dict[tuple[int, int], tuple[int, int, str]]) -> int | None:
    """The first row of enough column names: at least two distinct text cells (a merged title
    counts once), at least half as many as the widest of the first rows, none a number or date."""
    head = filled[:HEADER_SEARCH]

    def distinct(cells: list[TrackerCell]) -> list[TrackerCell]:
        seen, out = set(), []
        for c in cells:
            if c.value is None:
                continue
            key = c.merged or id(c)
            if key in seen:
                continue
            seen.add(key)
            out.append(c)
        return out

    counts = [len(distinct(cells)) for _n, cells in head]
    widest = max(counts, default=0)
    for i, ((_n, cells), count) in enumerate(zip(head, counts, strict=True)):
        values = [c.value for c in distinct(cells)]
        if count >= 2 and count * 2 >= widest and all(isinstance(v, str) for v in values):
            return i
    return None


def _headers(cells: list[TrackerCell]) -> tuple[tuple[str, ...], list[str]]:
    """Trimmed names; blanks become 'Column N', repeats (a merged header) get ' (2)' ..."""
    out: list[str] = []
    notes: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells, 1):
        name = " ".join(clean_text(cell.value).split()) or f"Column {i}"
        if cell.merged and ":" in cell.merged and cell.value is not None:
            notes.append(f"the header '{name}' is one merged cell ({cell.merged}) over several columns: "
                         "each gets its own name")
        seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
        if seen[name.casefold()] > 1:
            name = f"{name} ({seen[name.casefold()]})"
        out.append(name[:120])
    return tuple(out), notes
