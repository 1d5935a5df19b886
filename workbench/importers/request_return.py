"""Reading a returned evidence-request workbook and the files that came back with it.

The workbook is checked (``xlsx_guard``) before openpyxl expands anything, and read with
formulas left as their text: an owner's reply such as ``=HYPERLINK(...)`` is kept as the words
typed, never evaluated. The files come as a folder or a zip (each zip entry checked by
``reports/safe_zip``); they are found by file name, whatever subfolder holds them. Structural
problems raise :class:`RequestImportError`; what each row means is the service's to judge.
"""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.importers.fieldwork_xlsx import ImportProblem
from workbench.importers.xlsx_guard import XlsxLimits, guarded_rows, open_xlsx
from workbench.reports import safe_zip
from workbench.reports.bundle_format import BundleError
from workbench.reports.request_workbook import (
    CHECK_COL,
    COLUMNS,
    DUE_COL,
    FILES_COL,
    FIRST_ROW,
    FORMAT,
    HEADER_ROW,
    ID_COL,
    META,
    NEEDED_COL,
    REF_COL,
    REPLY_COL,
    REQUESTS,
)

MAX_PROBLEMS = 50
MAX_ROWS = 5_000
_LIMITS = XlsxLimits(max_parts=500, max_total_size=100 * 1024**2, max_part_size=100 * 1024**2,
                     max_shared_strings=100 * 1024**2, max_columns=64, max_rows=MAX_ROWS + FIRST_ROW)
#: files an operating system leaves in a folder or zip, never evidence
SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini"}


class RequestImportError(WorkbenchError, ValueError):
    """The returned workbook cannot be taken in; `problems` say where (sheet, row, column) and why."""

    def __init__(self, path: str, problems: list[ImportProblem], hint: str = "") -> None:
        self.path = path
        self.problems = tuple(problems[:MAX_PROBLEMS])
        self.total = len(problems)
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {self.total - 5} more)" if self.total > 5 else ""
        count = f"{self.total} problems" if self.total > 1 else "a problem"
        super().__init__(f"{Path(path).name}: {count}, nothing was imported: {shown}{more}",
                         hint or "correct what is named and import again, or export a fresh workbook")


@dataclass(frozen=True)
class ReturnedRow:
    row: int
    request_id: str  # as typed in the cell (checked by the service)
    finding_ref: str
    what_needed: str
    due: str  # ISO date when the cell holds a date
    check: str
    reply: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class ReturnedWorkbook:
    path: Path
    workbook_id: str
    exported_by: str
    rows: tuple[ReturnedRow, ...]


def _fail(path: Path, message: str, hint: str = "") -> RequestImportError:
    return RequestImportError(str(path), [ImportProblem(message)], hint)


def text_of(value: Any) -> str:
    """A cell as text: whole numbers without '.0', dates as ISO, formulas as their text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def file_names(cell: str) -> tuple[str, ...]:
    """The file names an owner typed: one per line, or separated by ';'."""
    names = [n.strip().strip('"') for part in cell.splitlines() for n in part.split(";")]
    return tuple(dict.fromkeys(n for n in names if n))


def read_returned_workbook(path: str | Path) -> ReturnedWorkbook:
    """The rows of a returned workbook, or RequestImportError when it is not one the workbench wrote."""
    path = Path(path)
    if not path.is_file():
        raise _fail(path, "the file does not exist", "give the path of the workbook the owner sent back")
    fail: Callable[[str, str], Exception] = lambda message, hint: _fail(path, message, hint)  # noqa: E731
    handle = open_xlsx(path, fail, data_only=False, limits=_LIMITS)
    try:
        wb = handle.book
        if REQUESTS not in wb.sheetnames or META not in wb.sheetnames:
            raise _fail(path, "this is not an evidence-request workbook exported by the workbench "
                              f"(it has no {REQUESTS if REQUESTS not in wb.sheetnames else META} sheet)",
                        "export one with 'workbench requests export'")
        pairs = {str(r[0]): r[1] for r in wb[META].iter_rows(max_col=2, values_only=True) if r and r[0] is not None}
        if pairs.get("format") != FORMAT:
            raise _fail(path, "this is not an evidence-request workbook exported by the workbench",
                        "export one with 'workbench requests export'")
        rows: list[tuple[int, tuple[Any, ...]]] = []
        width = len(COLUMNS)
        on_error = lambda n, exc: _fail(path, f"row {n} of {REQUESTS} cannot be read ({type(exc).__name__})")  # noqa: E731
        for number, values in enumerate(guarded_rows(wb[REQUESTS].iter_rows(values_only=True), on_error, 1),
                                        start=1):
            rows.append((number, tuple(values) + (None,) * max(0, width - len(values))))
    finally:
        handle.close()
    headers = next((v for n, v in rows if n == HEADER_ROW), ())
    found = tuple(text_of(v) for v in headers[:width])
    expected = tuple(h for h, _ in COLUMNS)
    if found != expected:
        raise RequestImportError(str(path), [ImportProblem(
            f"the header row was changed (expected {', '.join(expected)})", REQUESTS, HEADER_ROW, "A")],
            "use the workbook as exported: add replies in the white cells only")
    out = []
    for number, values in rows:
        if number < FIRST_ROW or not any(text_of(v) for v in values[:width]):
            continue
        row = values
        out.append(ReturnedRow(number, text_of(row[ID_COL - 1]), text_of(row[REF_COL - 1]),
                               text_of(row[NEEDED_COL - 1]), text_of(row[DUE_COL - 1]), text_of(row[CHECK_COL - 1]),
                               text_of(row[REPLY_COL - 1]), file_names(text_of(row[FILES_COL - 1]))))
    return ReturnedWorkbook(path, text_of(pairs.get("workbook_id")), text_of(pairs.get("exported_by")), tuple(out))


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


@dataclass(frozen=True)
class ReturnedFile:
    name: str
    size: int
    where: str  # the path inside the folder or zip, for messages
    read: Callable[[], bytes]


class ReturnedFiles:
    """The files that came back, by name (case and Unicode form ignored). `ambiguous` names two or
    more files of the same name in different subfolders."""

    def __init__(self, files: list[ReturnedFile], source: str, close: Callable[[], None] | None = None) -> None:
        self.source = source
        self._close = close
        self.by_name: dict[str, ReturnedFile] = {}
        self.ambiguous: dict[str, list[str]] = {}
        for f in files:
            k = _key(f.name)
            if k in self.by_name:
                self.ambiguous.setdefault(k, [self.by_name[k].where]).append(f.where)
            else:
                self.by_name[k] = f

    def __enter__(self) -> ReturnedFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None

    def get(self, name: str) -> ReturnedFile | None:
        return self.by_name.get(_key(name))

    def is_ambiguous(self, name: str) -> bool:
        return _key(name) in self.ambiguous

    def names(self) -> list[str]:
        return [f.name for f in self.by_name.values()]


def _skip(name: str, workbook: Path | None) -> bool:
    base = name.rsplit("/", 1)[-1]
    return (base.lower() in SYSTEM_FILES or base.startswith("~$") or name.startswith("__MACOSX/")
            or (workbook is not None and _key(base) == _key(workbook.name)))


def returned_files(source: str | Path | None, workbook: Path | None = None) -> ReturnedFiles:
    """The files in a folder (any depth) or a zip; the workbook itself and system files left out."""
    if source is None:
        return ReturnedFiles([], "")
    src = Path(source)
    if src.is_dir():
        files = []
        for p in sorted(src.rglob("*")):
            rel = p.relative_to(src).as_posix()
            if p.is_symlink() or not p.is_file() or _skip(rel, workbook):
                continue
            if workbook is not None and p.resolve() == workbook.resolve():
                continue
            files.append(ReturnedFile(p.name, p.stat().st_size, rel, p.read_bytes))
        return ReturnedFiles(files, str(src))
    if not src.is_file():
        raise RequestImportError(str(src), [ImportProblem("the folder or zip of returned files does not exist")],
                                 "give the folder or zip the owner sent back with the workbook")
    try:
        zf = safe_zip.open_zip(src)
        entries = safe_zip.safe_entries(zf)
    except BundleError as exc:
        if "zf" in locals():
            zf.close()
        raise RequestImportError(str(src), [ImportProblem(exc.message.rstrip("."))],
                                 "ask the owner to zip the files again") from None
    files = []
    for info in entries:
        if _skip(info.filename, workbook):
            continue

        def read(info: zipfile.ZipInfo = info) -> bytes:
            try:
                return safe_zip.read_member(zf, info)
            except BundleError as exc:
                raise RequestImportError(str(src), [ImportProblem(exc.message.rstrip("."))],
                                         "ask the owner to zip the files again") from None

        files.append(ReturnedFile(info.filename.rsplit("/", 1)[-1], info.file_size, info.filename, read))
    return ReturnedFiles(files, str(src), zf.close)
