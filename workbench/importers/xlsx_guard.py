"""Opening an untrusted .xlsx safely: limits checked before anything is expanded.

An .xlsx is a zip of XML parts. Before openpyxl parses a byte, :func:`check_xlsx` reads the
zip's central directory and refuses what no real workbook needs: too many parts, a part or a
total uncompressed size over the limit, a compression ratio of a zip bomb (a 1.7 MB file that
would expand to 1.77 GB), encrypted or "patched" members, unsupported compression methods or
zip versions; then it reads the ``<dimension>`` of each worksheet (the first few KB of its XML)
and refuses a used range beyond the limits. :func:`open_xlsx` opens the workbook from a file
object, so a workbook is recognised by its content whatever its name (an .xlsx named .csv).
openpyxl parses XML with defusedxml (installed as a dependency), so entity tricks are refused
too; every exception a hostile file provokes becomes the caller's typed error.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple

__all__ = ["XlsxLimits", "DEFAULT_LIMITS", "check_xlsx", "open_xlsx", "guarded_rows"]

Fail = Callable[[str, str], Exception]  # (message, hint) -> the caller's WorkbenchError kind


@dataclass(frozen=True)
class XlsxLimits:
    max_parts: int = 5_000
    max_part_size: int = 1024**3  # 1 GiB uncompressed for one part
    max_total_size: int = 2 * 1024**3  # 2 GiB uncompressed in all
    max_shared_strings: int = 512 * 1024**2  # openpyxl holds the shared strings in memory
    max_ratio: float = 100.0  # uncompressed / compressed ...
    ratio_floor: int = 4 * 1024**2  # ... for parts above 4 MiB
    max_columns: int = 1024  # used range of a sheet, from its <dimension>
    max_rows: int = 1_048_576  # Excel's own limit


DEFAULT_LIMITS = XlsxLimits()
_SUPPORTED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Za-z]{0,3})(\d*)(?::([A-Za-z]{1,3})(\d+))?"')
_FORMULA = re.compile(rb"<(?:[^\s<>/:=\"']+:)?f[\s>/]")  # <f>, <x:f ...>, any namespace prefix
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_REFUSE = "save it again from Excel as 'Excel Workbook (.xlsx)' and try again"


def check_xlsx(path: Path, fail: Fail, limits: XlsxLimits = DEFAULT_LIMITS) -> None:
    """Raise ``fail(message, hint)`` unless the zip behind ``path`` is within every limit."""
    try:
        zf = zipfile.ZipFile(path)
    except Exception as exc:  # BadZipFile, NotImplementedError (zip version), EOFError, OSError...
        raise fail(f"this is not a readable Excel workbook (XLSX: {_why(exc)})", _REFUSE) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_parts:
            raise fail(f"the workbook has {len(infos)} parts, more than the limit of {limits.max_parts}", _REFUSE)
        total = 0
        for info in infos:
            _check_part(info, fail, limits)
            total += info.file_size
        if total > limits.max_total_size:
            raise fail(f"the workbook would expand to {total:,} bytes, over the {limits.max_total_size:,}-byte "
                       "limit", "split the extract into smaller files, or export it as CSV")
        for info in infos:
            if _SHEET_PART.match(info.filename):
                _check_dimension(zf, info, fail, limits)


def _check_part(info: zipfile.ZipInfo, fail: Fail, limits: XlsxLimits) -> None:
    name = info.filename
    if info.flag_bits & 0x1:
        raise fail(f"part {name!r} is encrypted (a password-protected workbook)",
                   "remove the password in Excel (File > Info > Protect Workbook) and save again")
    if info.flag_bits & 0x20 or info.compress_type not in _SUPPORTED_METHODS:
        raise fail(f"part {name!r} uses a compression this reader does not support", _REFUSE)
    if info.extract_version > zipfile.MAX_EXTRACT_VERSION:
        raise fail(f"part {name!r} needs zip version {info.extract_version / 10:.1f}", _REFUSE)
    if info.file_size > limits.max_part_size:
        raise fail(f"part {name!r} would expand to {info.file_size:,} bytes, over the "
                   f"{limits.max_part_size:,}-byte limit", "split the extract into smaller files, or export it as CSV")
    if name.endswith("sharedStrings.xml") and info.file_size > limits.max_shared_strings:
        raise fail(f"the workbook's text table would expand to {info.file_size:,} bytes, over the "
                   f"{limits.max_shared_strings:,}-byte limit", "export the extract as CSV instead")
    if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        raise fail(f"part {name!r} would expand {ratio:.0f} times (limit {limits.max_ratio:.0f}): "
                   "it looks like a zip bomb, not a workbook", _REFUSE)


def _check_dimension(zf: zipfile.ZipFile, info: zipfile.ZipInfo, fail: Fail, limits: XlsxLimits) -> None:
    try:
        with zf.open(info) as fh:
            head = fh.read(16 * 1024)
    except Exception as exc:  # zlib.error, BadZipFile (CRC), EOFError...
        raise fail(f"part {info.filename!r} is damaged ({_why(exc)})", _REFUSE) from None
    match = _DIMENSION.search(head)
    if not match:
        return  # no dimension: the readers cap the columns they read themselves
    first_col, first_row, last_col, last_row = (g.decode("ascii") if g else "" for g in match.groups())
    col = last_col or first_col
    row = last_row or first_row
    try:
        columns = column_index_from_string(col.upper()) if col else 1
    except ValueError:
        columns = limits.max_columns + 1
    rows = int(row) if row else 1
    if columns > limits.max_columns:
        raise fail(f"a sheet's used range reaches column {col.upper()} ({columns:,} columns, limit "
                   f"{limits.max_columns:,})", "delete the stray cells far to the right of the data, save and try again")
    if rows > limits.max_rows:
        raise fail(f"a sheet's used range reaches row {rows:,}, beyond Excel's {limits.max_rows:,}", _REFUSE)


_DIMENSION_REF = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref\s*=\s*["']([A-Za-z0-9:$]{1,32})["']""")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s/>]")
_HEAD_AT_MOST = 4 * 1024 * 1024  # what a sheet holds before its data (column widths and styles)


def _sheet_size(sheet: Any) -> None:
    """A read-only sheet's used range from its ``<dimension>``, read from the XML before the data.

    Stands in for openpyxl's own ``ReadOnlyWorksheet._get_size``, which parses the whole sheet when
    the element is missing (files written by openpyxl, pandas and many exporters lack it) and does
    so for every sheet each time a workbook is opened. Same answer: the range, or none (unsized)."""
    from openpyxl.utils.cell import range_boundaries

    head = b""
    with sheet._get_source() as src:
        while len(head) < _HEAD_AT_MOST and not _SHEET_DATA.search(head, max(0, len(head) - (1 << 16) - 64)):
            block = src.read(1 << 16)
            if not block:
                break
            head += block
    match = _DIMENSION_REF.search(head)
    if match is None:
        return
    try:
        bounds = range_boundaries(match.group(1).decode("ascii").replace("$", ""))
    except ValueError:
        return
    if all(bounds):
        sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = bounds


class _Workbook:
    """A read-only openpyxl workbook and the file it reads, closed together."""

    def __init__(self, path: Path, data_only: bool) -> None:
        import openpyxl.reader.excel as excel_reader
        from openpyxl import load_workbook
        from openpyxl.worksheet._read_only import ReadOnlyWorksheet

        setattr(ReadOnlyWorksheet, "_get_size", _sheet_size)  # see _sheet_size  # noqa: B010
        setattr(excel_reader, "read_string_table", read_shared_strings)  # see read_shared_strings  # noqa: B010
        self._fh = open(path, "rb")
        try:
            self.book = load_workbook(self._fh, read_only=True, data_only=data_only)
        except BaseException:
            self._fh.close()
            raise

    def close(self) -> None:
        try:
            self.book.close()
        finally:
            self._fh.close()

    def sheet_part(self, title: str) -> IO[bytes] | None:
        """The raw XML of a sheet, for what read-only sheets do not expose (merged cells, whether
        a cell holds a formula); None if openpyxl keeps it somewhere else. The caller closes it."""
        archive = getattr(self.book, "_archive", None)
        part = getattr(self.book[title], "_worksheet_path", None)
        return None if archive is None or part is None else archive.open(part)

    def escaped_inline_cells(self, title: str) -> set[tuple[int, int]] | None:
        """The cells (row, column; 1-based) of a sheet holding an inline string with an `_xHHHH_`
        escape in it, which openpyxl hands back as stored (XlsxWriter writes every string inline);
        None when the XML cannot be read apart or a cell names no reference (any may be one)."""
        part = self.sheet_part(title)
        if part is None:
            return None
        with part:
            data = part.read()
        if b"_x" not in data:
            return set()
        out: set[tuple[int, int]] = set()
        for cell in _CELL.finditer(data):
            attrs, body = cell.group(1), cell.group(3) or b""
            if b"inlineStr" not in attrs or b"_x" not in body:
                continue
            ref = _REF.search(attrs)
            if ref is None:
                return None
            out.add(coordinate_to_tuple(ref.group(1).decode("ascii")))
        return out

    def has_formulas(self, title: str) -> bool:
        """Whether any cell of a sheet holds a formula (its <f> element), read from the sheet's XML
        in blocks without parsing it; True when the XML cannot be read apart (so callers look)."""
        part = self.sheet_part(title)
        if part is None:
            return True
        with part:
            tail = b""
            while block := part.read(1 << 20):
                if _FORMULA.search(tail + block):
                    return True
                cut = block.rfind(b"<")  # a tag cut by the block's end is read again with the next block
                tail = block[cut:] if cut >= 0 and len(block) - cut <= 4096 else b""
        return False


def open_xlsx(path: Path, fail: Fail, *, data_only: bool = True,
              limits: XlsxLimits = DEFAULT_LIMITS) -> _Workbook:
    """Check the limits, then open read-only from a file object (the content decides, not the name)."""
    check_xlsx(path, fail, limits)
    try:
        return _Workbook(path, data_only)
    except Exception as exc:  # openpyxl raises many kinds on a hostile file (ParseError, KeyError, ...)
        raise fail(f"this is not a readable Excel workbook (XLSX: {_why(exc)})", _REFUSE) from None


def guarded_rows(rows: Iterator[Any], fail_at: Callable[[int, Exception], Exception], first_row: int) -> Iterator[Any]:
    """Rows of ``ws.iter_rows``; an exception while parsing becomes ``fail_at(row, exc)``."""
    number = first_row - 1
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # zlib.error, ParseError, EOFError, ValueError from a damaged sheet
            raise fail_at(number + 1, exc) from None
        number += 1
        yield values


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


#: ECMA-376's escape of a character in cell text (ST_Xstring): `_x0009_` is a tab; text that
#: itself looks like an escape is stored with its first underscore escaped, "_x005F_x0041_" for
#: "_x0041_" (read left to right: "_x0041_x0042_" is stored "_x005F_x0041_x0042_")
_ESCAPE = re.compile(r"_x005[Ff](_x[0-9A-Fa-f]{4}_)|_x([0-9A-Fa-f]{4})_")


#: a cell element of a sheet's XML: its attributes, and its content unless it is empty (<c .../>)
_CELL = re.compile(rb"<c\b([^>]*?)(/>|>(.*?)</c>)", re.DOTALL)
_REF = re.compile(rb"\br=\"([A-Z]{1,3}[0-9]{1,7})\"")


def read_shared_strings(xml_source: Any) -> list[str]:
    """The workbook's shared strings with their `_xHHHH_` escapes decoded (openpyxl's own reader,
    which this replaces in it, only drops each "x005F_", so the text "_x005F_" came back "_" and an
    escaped line break as "_x000D_")."""
    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    tag = f"{{{SHEET_MAIN_NS}}}si"
    strings = []
    for _, node in iterparse(xml_source):
        if node.tag == tag:
            text = Text.from_tree(node)
            strings.append(decoded_text(text.content) if text is not None else "")
            node.clear()
    return strings


def decoded_text(value: Any) -> Any:
    """Text with the file format's `_xHHHH_` escapes decoded, as Excel shows it (Excel, LibreOffice
    and XlsxWriter write them); other values as they are. An escape of a control character other than tab and line breaks, of half a
    surrogate pair or of a non-character stays as written: no text holds those."""
    if isinstance(value, str) and "_x" in value:
        return _ESCAPE.sub(_unescape, value)
    return value


def _unescape(match: re.Match[str]) -> str:
    if match.group(1) is not None:  # text that looks like an escape, kept as it is
        return match.group(1)
    code = int(match.group(2), 16)
    if code in (0x9, 0xA, 0xD) or (0x20 <= code < 0xD800) or (0xE000 <= code < 0xFFFE):
        return chr(code)
    return match.group(0)
