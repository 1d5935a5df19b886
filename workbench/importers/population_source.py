"""Reading population files in bounded memory: layout sniffing and batches of raw text columns.

CSV is streamed with pyarrow's incremental reader (``pyarrow.csv.open_csv``: C++ parsing,
only the mapped columns converted, quoted newlines allowed, ragged rows reported and
skipped).  XLSX is streamed with openpyxl's read-only mode; cell values are turned into the
same text the CSV path sees (real dates as ISO text, Excel serial numbers in date fields
converted).  Both yield ``Batch`` objects of string arrays keyed by column name.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from workbench.importers.population_model import PopulationError
from workbench.progress import Progress

SNIFF_BYTES = 256 * 1024
SNIFF_LINES = 30
# pyarrow's streaming reader reads about 35 blocks ahead, so small blocks bound the memory it
# holds (~35 MB at 1 MB); blocks are then merged into batches big enough for vectorised work.
CSV_BLOCK_BYTES = 1024 * 1024
BATCH_ROWS = 65_536
XLSX_BATCH_ROWS = 20_000
DELIMITERS = (",", ";", "\t", "|")
#: the widest header read; a sheet's used range may not reach further (xlsx_guard.XlsxLimits)
MAX_COLUMNS = 1024
# a line ends after LF, or after a CR that no LF follows (pyarrow reads all three endings)
_RAW_LINE = re.compile(rb"(?<=\n)|(?<=\r)(?!\n)")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Layout:
    """Where the header and data are in a population file."""

    kind: str  # "csv" | "xlsx"
    headers: tuple[str, ...]
    header_row: int  # 1-based line / sheet row of the header
    delimiter: str = ","
    encoding: str = "utf8"
    data_offset: int = 0  # CSV: byte offset of the first data line
    sheet: str | None = None


@dataclass(frozen=True)
class Batch:
    rows: pa.Array  # int64 spreadsheet row numbers
    columns: dict[str, pa.Array]  # column name -> string array (raw text, "" when empty)


# ----------------------------------------------------------------------------- layout


#: XLSX only: the layout and the first data rows of the last workbooks seen, by content SHA-256, so that
#: sniffing the layout, suggesting a mapping and the scan open and read the workbook's rows once
_XLSX_HEADS: dict[str, tuple[Layout, tuple[tuple, ...]]] = {}
_XLSX_HEADS_KEPT = 4
#: data rows kept with an XLSX layout (the mapping suggestion samples that many)
HEAD_ROWS = 500


def _content_key(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_layout(path: str | Path) -> Layout:
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise PopulationError(f"cannot read the file ({exc.strerror or exc})", path=path) from None
    if size == 0 or not head.strip(b" \t\r\n" + _BOM):
        raise PopulationError("the file is empty", path=path)
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_head(path)[0]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise PopulationError("this is an old binary Excel (.xls) file; save it as .xlsx or CSV", path=path)
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise PopulationError("this is not a CSV or XLSX file (binary content)", path=path)
    return _csv_layout(path, head, truncated=size > len(head))


def _csv_layout(path: Path, head: bytes, truncated: bool) -> Layout:
    raw_lines = _RAW_LINE.split(head)
    if raw_lines and not raw_lines[-1]:
        raw_lines.pop()
    if truncated and len(raw_lines) > 1:
        raw_lines = raw_lines[:-1]  # the last line may be cut short
    raw_lines = raw_lines[: SNIFF_LINES * 4 + 1]  # quoted line breaks: a record may span lines
    encoding = _encoding(b"".join(raw_lines))
    python_codec = {"utf8": "utf-8"}.get(encoding, encoding)
    lines = [ln.decode(python_codec, errors="replace") for ln in raw_lines]
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    delimiter, width = _sniff_delimiter(lines)
    records = _records(lines, delimiter)
    header_index = None
    for i, (cells, _consumed) in enumerate(records):
        filled = sum(1 for c in cells if c.strip())
        if len(cells) >= width and filled * 2 >= max(width, 1) and filled > 0:
            header_index = i
            break
    if header_index is None:
        raise PopulationError("no header row found (expected column names in the first lines)", path=path,
                              hint="the first lines must hold the column names, one per column")
    cells = records[header_index][0]
    if len(cells) > MAX_COLUMNS:
        raise PopulationError(f"the header has {len(cells)} columns, more than the limit of {MAX_COLUMNS}",
                              path=path, row=1, hint="keep only the columns the audit needs")
    used = sum(consumed for _cells, consumed in records[: header_index + 1])
    offset = sum(len(ln) for ln in raw_lines[:used])
    return Layout(
        kind="csv",
        headers=clean_headers(cells),
        header_row=header_index + 1,  # a record is one spreadsheet row
        delimiter=delimiter,
        encoding=encoding,
        data_offset=offset,
    )


def _encoding(head: bytes) -> str:
    """pyarrow's spelling of the text encoding (any name but utf8 goes through a Python transcoder)."""
    for name, spelling in (("utf-8", "utf8"), ("cp1252", "cp1252")):
        try:
            head.decode(name)
            return spelling
        except UnicodeDecodeError:
            continue
    return "latin-1"  # every byte is a character: the file can always be read


def _records(lines: Sequence[str], delimiter: str) -> list[tuple[list[str], int]]:
    """The first records as CSV reads them (quoted line breaks kept), each with the lines it used."""
    consumed = 0

    def feed() -> Iterator[str]:
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line

    reader = csv.reader(feed(), delimiter=delimiter)
    out: list[tuple[list[str], int]] = []
    before = 0
    while len(out) < SNIFF_LINES:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            break  # an unclosed quote at the end of the sample, or a field over the csv module's limit
        out.append((cells, consumed - before))
        before = consumed
    return out


def _sniff_delimiter(lines: Sequence[str]) -> tuple[str, int]:
    best = (",", 1, -1, -1)
    for delim in DELIMITERS:
        counts = [len(cells) for cells, _n in _records(lines, delim) if any(c.strip() for c in cells)]
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        if width > 1 and (freq, width) > (best[2], best[3]):
            best = (delim, width, freq, width)
    return best[0], best[1]


def clean_headers(cells: Sequence[object]) -> tuple[str, ...]:
    """Trimmed header names; blanks become 'Column N', repeats get ' (2)', ' (3)' ..."""
    out: list[str] = []
    seen: Counter[str] = Counter()
    for i, cell in enumerate(cells, 1):
        name = " ".join(str(cell if cell is not None else "").replace("\ufeff", "").split())
        name = name or f"Column {i}"
        seen[name.casefold()] += 1
        if seen[name.casefold()] > 1:
            name = f"{name} ({seen[name.casefold()]})"
        out.append(name)
    return tuple(out)


def _xlsx_head(path: Path) -> tuple[Layout, tuple[tuple, ...]]:
    """The layout and the first data rows of a workbook (cached by content: opened once for both)."""
    try:
        key = _content_key(path)
    except OSError as exc:
        raise PopulationError(f"cannot read the file ({exc.strerror or exc})", path=path) from None
    if key in _XLSX_HEADS:
        return _XLSX_HEADS[key]
    found = _xlsx_layout(path)
    while len(_XLSX_HEADS) >= _XLSX_HEADS_KEPT:
        _XLSX_HEADS.pop(next(iter(_XLSX_HEADS)))
    _XLSX_HEADS[key] = found
    return found


def head_rows(path: str | Path, layout: Layout) -> tuple[tuple, ...] | None:
    """The first ``HEAD_ROWS`` data rows of an XLSX read with its layout (None for a CSV)."""
    if layout.kind != "xlsx":
        return None
    found, rows = _xlsx_head(Path(path))
    return rows if found == layout else None


def _xlsx_layout(path: Path) -> tuple[Layout, tuple[tuple, ...]]:
    wb = _open_workbook(path)
    try:
        if not wb.book.worksheets:
            raise PopulationError("the workbook has no worksheet", path=path)
        ws = wb.book.worksheets[0]
        rows = list(_rows(ws, path, 1, max_row=SNIFF_LINES, max_col=MAX_COLUMNS))
        counts = [sum(1 for v in r if v is not None and str(v).strip()) for r in rows]
        widest = max(counts, default=0)
        for i, (row, filled) in enumerate(zip(rows, counts, strict=True)):
            texts = all(isinstance(v, str) for v in row if v is not None and str(v).strip())
            if filled and filled * 2 >= widest and texts:
                cells = list(row)
                while cells and (cells[-1] is None or not str(cells[-1]).strip()):
                    cells.pop()  # Excel pads rows with empty cells
                layout = Layout(kind="xlsx", headers=clean_headers(cells), header_row=i + 1, sheet=ws.title)
                width = max(len(layout.headers), 1)
                head = tuple(_rows(ws, path, i + 2, max_row=i + 1 + HEAD_ROWS, max_col=width))
                return layout, head
    finally:
        wb.close()
    raise PopulationError("no header row found on the first sheet", path=path,
                          hint="put the column names in one of the first rows of the first sheet")


def _open_workbook(path: Path):
    from workbench.importers.xlsx_guard import open_xlsx

    def fail(message: str, hint: str) -> PopulationError:
        return PopulationError(message, path=path, hint=hint)

    return open_xlsx(path, fail)


def _rows(ws, path: Path, min_row: int, **bounds) -> Iterator[tuple]:
    """``ws.iter_rows`` values; a damaged sheet becomes a PopulationError naming the row."""
    from workbench.importers.xlsx_guard import guarded_rows

    def fail_at(row: int, exc: Exception) -> PopulationError:
        return PopulationError(f"the sheet is damaged here and cannot be read ({type(exc).__name__})",
                               path=path, row=row, hint="open it in Excel, save it again as .xlsx, and retry")

    try:
        rows = ws.iter_rows(min_row=min_row, values_only=True, **bounds)
    except Exception as exc:
        raise fail_at(min_row, exc) from None
    return guarded_rows(rows, fail_at, min_row)


# ----------------------------------------------------------------------------- batches


def iter_batches(
    path: str | Path,
    layout: Layout,
    columns: Sequence[str],
    date_columns: Sequence[str] = (),
    on_bad_row: Callable[[int, str], None] | None = None,
    progress: Progress | None = None,
    block_size: int = CSV_BLOCK_BYTES,
) -> Iterator[Batch]:
    """Stream the given columns as text.  ``on_bad_row(row, message)`` hears of skipped rows."""
    if layout.kind == "xlsx":
        yield from _xlsx_batches(Path(path), layout, columns, set(date_columns), progress)
    else:
        yield from _csv_batches(Path(path), layout, columns, on_bad_row, progress, block_size)


def _csv_batches(path, layout, columns, on_bad_row, progress, block_size) -> Iterator[Batch]:
    batch_rows = max(1024, BATCH_ROWS * min(block_size, CSV_BLOCK_BYTES) // CSV_BLOCK_BYTES)
    skipped: list[int] = []
    expected = len(layout.headers)

    def handler(row: pcsv.InvalidRow) -> str:
        number = row.number if row.number is not None else -1
        skipped.append(number)
        if on_bad_row is not None:
            sheet_row = layout.header_row + number if number > 0 else None
            on_bad_row(sheet_row, f"has {row.actual_columns} cells where the header has {expected}; row skipped")
        return "skip"

    total = os.path.getsize(path)
    source = pa.OSFile(str(path), "rb")
    try:
        source.seek(layout.data_offset)
        if source.tell() >= total:
            return
        try:
            reader = pcsv.open_csv(
                source,
                read_options=pcsv.ReadOptions(
                    column_names=list(layout.headers),
                    use_threads=False,
                    block_size=block_size,
                    encoding=layout.encoding,
                ),
                parse_options=pcsv.ParseOptions(
                    delimiter=layout.delimiter,
                    newlines_in_values=True,
                    invalid_row_handler=handler,
                ),
                convert_options=pcsv.ConvertOptions(
                    include_columns=list(dict.fromkeys(columns)),
                    column_types={c: pa.string() for c in columns},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowException, UnicodeError, ValueError) as exc:
            if "Empty CSV file" in str(exc):
                return
            raise PopulationError(f"cannot read the CSV ({_short(exc)})", path=path, row=layout.header_row + 1,
                                  hint=_CSV_HINT) from None
        next_record = 1
        pending: list[Batch] = []
        pending_rows = 0
        while True:
            try:
                record = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowException, UnicodeError, ValueError) as exc:
                raise PopulationError(
                    f"cannot read the CSV near data record {next_record} ({_short(exc)})",
                    path=path,
                    row=layout.header_row + next_record,
                    hint=_CSV_HINT,
                ) from None
            n = record.num_rows
            numbers, next_record = _record_numbers(next_record, n, skipped)
            if isinstance(numbers, range):
                ones = pa.repeat(pa.scalar(1, pa.int64()), n)
                rows = pc.add(pc.cumulative_sum(ones), layout.header_row + numbers.start - 1)
            else:
                rows = pa.array([layout.header_row + r for r in numbers], pa.int64())
            pending.append(Batch(rows, {name: record.column(name) for name in dict.fromkeys(columns)}))
            pending_rows += n
            if pending_rows >= batch_rows:
                yield _merge(pending)
                pending, pending_rows = [], 0
                if progress is not None:
                    progress(min(source.tell(), total), total)
        if pending:
            yield _merge(pending)
        if progress is not None:
            progress(total, total)
    finally:
        source.close()


_CSV_HINT = "save the extract again as 'CSV UTF-8' from Excel or the source system, and try again"


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:200] + "..."


def _merge(batches: list[Batch]) -> Batch:
    """One batch from several small ones (the reader's blocks are small to bound read-ahead)."""
    if len(batches) == 1:
        return batches[0]
    names = list(batches[0].columns)
    return Batch(
        pa.concat_arrays([b.rows for b in batches]),
        {n: pa.concat_arrays([b.columns[n] for b in batches]) for n in names},
    )


def _record_numbers(start: int, count: int, skipped: list[int]) -> tuple[Sequence[int], int]:
    """Record numbers of the next ``count`` good rows, stepping over skipped ones."""
    if not skipped or skipped[-1] < start:
        return range(start, start + count), start + count
    gaps = set(skipped)
    numbers: list[int] = []
    current = start
    while len(numbers) < count:
        if current not in gaps:
            numbers.append(current)
        current += 1
    while current in gaps:
        current += 1
    return numbers, current


def cell_text(value: object, date_column: bool, epoch: datetime | None = None) -> str:
    """The text a CSV export would carry for an XLSX cell value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat(timespec="seconds")
    if isinstance(value, date):  # a date cell as openpyxl gives it (a datetime at midnight), whichever reader read it
        return datetime(value.year, value.month, value.day).isoformat(timespec="seconds")
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        if date_column and 0 < value < 2958466:
            from openpyxl.utils.datetime import from_excel

            converted = from_excel(value, epoch) if epoch is not None else from_excel(value)
            if isinstance(converted, datetime):
                return converted.replace(microsecond=0).isoformat(timespec="seconds")
            return str(converted)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    return str(value)


def _xlsx_batches(path: Path, layout: Layout, columns, date_columns: set[str], progress) -> Iterator[Batch]:
    wb = _open_workbook(path)
    try:
        book = wb.book
        if layout.sheet and layout.sheet not in book.sheetnames:
            raise PopulationError(f"the workbook has no sheet {layout.sheet!r} any more", path=path)
        ws = book[layout.sheet] if layout.sheet else book.worksheets[0]
        index = {name: i for i, name in enumerate(layout.headers)}
        wanted = list(dict.fromkeys(columns))
        positions = [index[c] for c in wanted]
        is_date = [c in date_columns for c in wanted]
        epoch = getattr(book, "epoch", None)
        total = ws.max_row
        buffers: list[list[str]] = [[] for _ in wanted]
        rows: list[int] = []
        row_no = layout.header_row
        width_cap = max(len(layout.headers), 1)  # read sparsely: a stray far-right cell costs nothing
        sheet = _dense_rows(path, wb, ws.title, layout.header_row + 1, width_cap)
        if sheet is None:  # too big or odd for one grid in memory: streamed, row by row
            sheet = _rows(ws, path, layout.header_row + 1, max_col=width_cap)
        for values in sheet:
            row_no += 1
            width = len(values)
            for buf, pos, dated in zip(buffers, positions, is_date, strict=True):
                value = values[pos] if pos < width else ""
                # most cells are text: kept as they are without a call (a million cells a second)
                buf.append(value if value.__class__ is str else cell_text(value, dated, epoch))
            rows.append(row_no)
            if len(rows) >= XLSX_BATCH_ROWS:
                yield _xlsx_batch(rows, wanted, buffers)
                rows, buffers = [], [[] for _ in wanted]
                if progress is not None:
                    progress(row_no, total)
        if rows:
            yield _xlsx_batch(rows, wanted, buffers)
        if progress is not None:
            progress(row_no, total)
    finally:
        wb.close()


def _dense_rows(path: Path, wb, title: str, first_row: int, width: int) -> Iterator[Sequence[object]] | None:
    """The sheet's rows from ``first_row`` on, read by python-calamine (Rust: a tenth of openpyxl's
    time) when every cell lies within ``width`` columns and a grid of the used range fits in memory
    (``xlsx_dense.fits_dense``, checked on the sheet's XML first: calamine would allocate the whole
    grid at once, and abort the process when it cannot). None: stream it with openpyxl instead."""
    from workbench.importers.xlsx_dense import fits_dense

    part = wb.sheet_part(title)
    if part is None:
        return None
    try:
        with part:
            if not fits_dense(part, width):
                return None
    except Exception:  # a damaged part: the streaming reader names the row
        return None
    try:
        from python_calamine import CalamineWorkbook

        with open(path, "rb") as fh:
            sheet = CalamineWorkbook.from_filelike(fh).get_sheet_by_name(title)
        start_row, start_col = sheet.start or (0, 0)
        grid = sheet.iter_rows()  # converted to Python row by row
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # anything calamine cannot read (its panics are BaseExceptions): streamed instead
        return None
    return _placed(grid, start_row, start_col, first_row, width)


def _placed(grid: Iterator[Sequence[object]], start_row: int, start_col: int, first_row: int,
            width: int) -> Iterator[Sequence[object]]:
    """calamine's rows (its used range, from ``(start_row, start_col)``, 0-based) as the rows from
    sheet row ``first_row`` (1-based) on, each from column A: what openpyxl's ``iter_rows`` gives."""
    for _ in range(first_row, start_row + 1):  # empty rows between ``first_row`` and the used range
        yield ()
    pad: list[object] = [None] * start_col
    for index, values in enumerate(grid):
        if start_row + 1 + index >= first_row:
            yield [*pad, *values][:width] if start_col else values[:width]


def xlsx_rows_batch(values: tuple[tuple, ...], layout: Layout, columns: Sequence[str], date_columns: set[str],
                    first_row: int, epoch: datetime | None = None) -> Batch:
    """One batch of the given columns from rows of cell values (the first at sheet row ``first_row + 1``)."""
    index = {name: i for i, name in enumerate(layout.headers)}
    wanted = list(dict.fromkeys(columns))
    buffers: list[list[str]] = [[] for _ in wanted]
    for row in values:
        width = len(row)
        for buf, name in zip(buffers, wanted, strict=True):
            pos = index[name]
            buf.append(cell_text(row[pos], name in date_columns, epoch) if pos < width else "")
    return _xlsx_batch(list(range(first_row + 1, first_row + 1 + len(values))), wanted, buffers)


def _xlsx_batch(rows: list[int], names: list[str], buffers: list[list[str]]) -> Batch:
    return Batch(pa.array(rows, pa.int64()), {n: pa.array(b, pa.string()) for n, b in zip(names, buffers, strict=True)})

