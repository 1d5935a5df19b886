"""Read a filled-in fieldwork workbook back, trusting nothing in it.

Checks, in order: the file is an .xlsx (not empty, a zip of sane size), it is a workbench
fieldwork workbook (has ``_meta`` and ``Cases``), it belongs to the expected audit and the same
template version, no locked cell (headings, case references, case fields, computed answers)
was edited, every row is a case of the export, and every answer is valid for its criterion
(in the drop-down list, a number, a real date). All problems are collected (the first
``MAX_PROBLEMS`` kept, with the total) and raised together in ``FieldworkImportError``, each
naming its cell (``Cases!F7``). Pure: no database; answers come back in the canonical text
the fieldwork service stores.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from workbench.errors import WorkbenchError
from workbench.importers.xlsx_guard import XlsxLimits, check_xlsx, decoded_text, open_xlsx
from workbench.reports.fieldwork_format import (
    CASES,
    FORMAT,
    META,
    YES_NO_NA,
    cell_token,
    token_digest,
)
from workbench.templates import Criterion, Template
from workbench.templates.values import match_choice, number_text, parse_datetime, parse_number
from workbench.wording import counted

MAX_PROBLEMS = 50
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ENTRIES = 2_000
_LIMITS = XlsxLimits(max_parts=MAX_ENTRIES, max_total_size=MAX_UNCOMPRESSED, max_part_size=MAX_UNCOMPRESSED,
                     max_shared_strings=MAX_UNCOMPRESSED)
_NA_WORDS = {"n/a", "na", "not applicable"}


@dataclass(frozen=True)
class ImportProblem:
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # column letter

    @property
    def cell(self) -> str:
        if self.sheet is None:
            return ""
        if self.row is None:
            return self.sheet
        return f"{self.sheet}!{self.column or ''}{self.row}"

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}" if self.cell else self.message


class FieldworkImportError(WorkbenchError, ValueError):
    """The workbook cannot be imported; ``problems`` (capped) and ``total`` say where and why."""

    def __init__(self, path: str, problems: list[ImportProblem], total: int | None = None,
                 hint: str = "") -> None:
        self.path = path
        self.problems = tuple(problems[:MAX_PROBLEMS])
        self.total = max(total or 0, len(problems))
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {self.total - 5} more)" if self.total > 5 else ""
        name = Path(path).name
        count = f"{counted(self.total, 'problem')}" if self.total > 1 else "a problem"
        super().__init__(f"{name}: {count}, nothing was imported: {shown}{more}",
                         hint or "correct the cells named and import again, or export a fresh workbook")


@dataclass(frozen=True)
class CaseMeta:
    case_id: int
    ref: str
    row: int
    state: dict[str, Any]
    locked: dict[str, str]  # column letter -> digest of the locked cell at export


@dataclass(frozen=True)
class FieldworkMeta:
    audit_id: int
    audit_title: str
    template_key: str
    template_version: int
    template_sha256: str
    exported_at: str
    exported_by: str
    first_row: int
    columns: tuple[tuple[str, str, str], ...]  # (letter, kind, key)
    headers: dict[str, str]
    cases: tuple[CaseMeta, ...]


@dataclass(frozen=True)
class UploadRow:
    case_id: int
    ref: str
    row: int
    answers: dict[str, str | None]  # hand-answered criteria only (computed ones are locked)
    comment: str
    cells: dict[str, str]  # criterion key (and "comment") -> cell reference, e.g. "Cases!F7"


@dataclass(frozen=True)
class FieldworkUpload:
    rows: tuple[UploadRow, ...]
    meta: FieldworkMeta


def _fail(path: Path, message: str, hint: str = "") -> FieldworkImportError:
    return FieldworkImportError(str(path), [ImportProblem(message)], hint=hint)


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise _fail(path, "the file does not exist", "give the path of the saved workbook")
    if path.stat().st_size == 0:
        raise _fail(path, "the file is empty", "save the workbook from Excel as .xlsx and try again")
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            raise _fail(path, "this is not an Excel workbook (.xlsx)",
                        "save it from Excel as 'Excel Workbook (.xlsx)'; .xls, .csv and .ods are not read")
    check_xlsx(path, lambda message, hint: _fail(path, message, hint), _LIMITS)


def _open(path: Path, data_only: bool):
    return open_xlsx(path, lambda message, hint: _fail(path, message, hint), data_only=data_only, limits=_LIMITS)


def _meta_value(pairs: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    value = pairs.get(key)
    try:
        if kind is int:
            if isinstance(value, bool):
                raise ValueError
            return int(str(value).strip())
        if kind is str:
            return "" if value is None else str(value)
        return json.loads(str(value))
    except (ValueError, TypeError):
        raise _fail(path, f"the hidden _meta sheet is damaged ({key})", "export a fresh workbook") from None


def _read_meta(rows: list[tuple[Any, ...]], path: Path) -> FieldworkMeta:
    pairs: dict[str, Any] = {}
    cases: list[CaseMeta] = []
    for row in rows:
        if not row or row[0] is None:
            continue
        key = str(row[0])
        if key == "case" and len(row) >= 6 and row[1] != "case_id":
            try:
                state, locked = json.loads(str(row[4])), json.loads(str(row[5]))
                if not isinstance(state, dict) or not isinstance(locked, dict):
                    raise ValueError
                cases.append(CaseMeta(int(row[1]), "" if row[3] is None else str(row[3]), int(row[2]),
                                      state, {str(k): str(v) for k, v in locked.items()}))
            except (ValueError, TypeError):
                raise _fail(path, "the hidden _meta sheet is damaged (case list)",
                            "export a fresh workbook") from None
        elif len(row) >= 2:
            pairs[key] = row[1]
    if pairs.get("format") != FORMAT:
        raise _fail(path, "this is not a fieldwork workbook exported by the workbench",
                    "export one with 'workbench audit fieldwork-export'")
    columns = _meta_value(pairs, "columns", list, path)
    headers = _meta_value(pairs, "headers", dict, path)
    if not isinstance(columns, list) or not all(isinstance(c, list) and len(c) == 3 for c in columns) \
            or not isinstance(headers, dict):
        raise _fail(path, "the hidden _meta sheet is damaged (columns)", "export a fresh workbook")
    return FieldworkMeta(
        _meta_value(pairs, "audit_id", int, path), _meta_value(pairs, "audit_title", str, path),
        _meta_value(pairs, "template_key", str, path), _meta_value(pairs, "template_version", int, path),
        _meta_value(pairs, "template_sha256", str, path), _meta_value(pairs, "exported_at", str, path),
        _meta_value(pairs, "exported_by", str, path), _meta_value(pairs, "first_row", int, path),
        tuple((str(a), str(b), str(c)) for a, b, c in columns), {str(k): str(v) for k, v in headers.items()},
        tuple(cases))


def _check_identity(meta: FieldworkMeta, expected_audit_id: int, template: Template, path: Path) -> None:
    if meta.audit_id != expected_audit_id:
        raise _fail(path, f"this workbook is from audit {meta.audit_id} ('{meta.audit_title}'), "
                          f"not audit {expected_audit_id}",
                    f"import it into audit {meta.audit_id}, or export the workbook of audit {expected_audit_id}")
    if (meta.template_key, meta.template_version) == (template.key, template.version) \
            and meta.template_sha256 != template.sha256:
        raise _fail(path, f"the workbook's template '{template.key}' version {template.version} has different "
                          "content from the audit's (SHA-256 differs)", "export a fresh workbook from the workbench")
    if (meta.template_key, meta.template_version) != (template.key, template.version):
        raise _fail(path, f"the workbook was made for template '{meta.template_key}' version "
                          f"{meta.template_version}, but the audit uses '{template.key}' version {template.version}",
                    "export a fresh workbook from the workbench")
    keys = {key for _, kind, key in meta.columns if kind in ("answer", "computed")}
    if keys != {c.key for c in template.criteria}:
        raise _fail(path, "the workbook's criteria columns do not match the audit's template",
                    "export a fresh workbook from the workbench")


def _number(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError
    number = parse_number(value)
    if number is None or (isinstance(number, float) and not math.isfinite(number)):
        raise ValueError
    return number_text(number)


def _datetime(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value <= 2958465:
            raise ValueError(f"{value!r} is not a date")
        value = from_excel(value)
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError("no date given")
    moment, has_time = parsed
    if not has_time or (isinstance(value, datetime) and moment.time() == datetime.min.time()):
        return moment.date().isoformat()
    return moment.replace(microsecond=0).isoformat(timespec="seconds")


def canonical_cell(criterion: Criterion, value: Any) -> str | None:
    """A cell's answer in canonical form (None when blank); ValueError saying what is wrong."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = criterion.answer
    text = cell_token(value).strip()
    if kind == "yes_no_na":
        low = text.casefold()
        if low in YES_NO_NA or low in _NA_WORDS:
            return "n/a" if low in _NA_WORDS else low
        raise ValueError(f"{text!r} is not in the drop-down list (yes, no, n/a)")
    if kind == "choice":
        found = match_choice(text, criterion.choices)
        if found is None:
            raise ValueError(f"{text!r} is not in the drop-down list ({', '.join(criterion.choices)})")
        return found
    if kind == "number":
        try:
            return _number(value)
        except (ValueError, InvalidOperation, TypeError):
            raise ValueError(f"{text!r} is not a number (give e.g. 12 or 7.5)") from None
    if kind == "datetime":
        try:
            return _datetime(value)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"{text!r} is not a valid date ({exc}); give dd/mm/yyyy hh:mm") from None
    return str(value).strip()


def _cell(rows: dict[int, tuple[Any, ...]], row: int, index: int) -> Any:
    values = rows.get(row, ())
    return values[index] if index < len(values) else None


def _read_cases(rows: dict[int, tuple[Any, ...]], meta: FieldworkMeta, template: Template,
                problems: list[ImportProblem], as_stored: dict[int, tuple[Any, ...]]) -> list[UploadRow]:
    """The cases' answers; a locked cell matches its digest as Excel shows it or, for a workbook
    written before escapes were decoded, as stored."""

    def locked_matches(row: int, i: int, digest: str) -> bool:
        return token_digest(_cell(rows, row, i)) == digest or (
            row in as_stored and token_digest(_cell(as_stored, row, i)) == digest)

    index = {letter: i for i, (letter, _, _) in enumerate(meta.columns)}
    letters = {letter for letter, _, _ in meta.columns}
    for cell, digest in sorted(meta.headers.items()):
        letter, row = cell.rstrip("0123456789"), int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") or 0)
        if letter in letters and not locked_matches(row, index[letter], digest):
            problems.append(ImportProblem("a column heading was changed or columns were moved (locked)",
                                          CASES, row, letter))
    out: list[UploadRow] = []
    for case in meta.cases:
        ref_letter = meta.columns[0][0]
        if case.row not in rows:
            problems.append(ImportProblem(f"the row of case {case.ref} is missing", CASES, case.row, ref_letter))
            continue
        for letter, kind, key in meta.columns:
            if letter not in case.locked:
                continue
            value = _cell(rows, case.row, index[letter])
            if locked_matches(case.row, index[letter], case.locked[letter]):
                continue
            if kind == "ref":
                message = f"the case reference was changed (locked): it was {case.ref!r}, now {cell_token(value)!r}"
            else:
                what = {"stratum": "stratum", "field": f"case field '{key}'", "computed": f"computed answer "
                        f"'{key}'", "working": f"working of '{key}'"}.get(kind, kind)
                message = f"the {what} of case {case.ref} was changed (locked column); put back the exported value"
            problems.append(ImportProblem(message, CASES, case.row, letter))
        answers: dict[str, str | None] = {}
        cells: dict[str, str] = {}
        comment = ""
        for letter, kind, key in meta.columns:
            value = _cell(rows, case.row, index[letter])
            if kind == "comment":
                comment = "" if value is None else cell_token(value).replace("\r\n", "\n").strip()
                cells["comment"] = f"{CASES}!{letter}{case.row}"
            elif kind == "answer":
                cells[key] = f"{CASES}!{letter}{case.row}"
                try:
                    answers[key] = canonical_cell(template.criterion(key), value)
                except ValueError as exc:
                    problems.append(ImportProblem(f"{key} for case {case.ref}: {exc}", CASES, case.row, letter))
        out.append(UploadRow(case.case_id, case.ref, case.row, answers, comment, cells))
    known = {c.row for c in meta.cases}
    for row in sorted(r for r in rows if r >= meta.first_row and r not in known):
        if any(v is not None and cell_token(v).strip() for v in rows[row]):
            ref = _cell(rows, row, 0)
            problems.append(ImportProblem(
                f"this row is not a case of the export ({cell_token(ref)!r}); add or replace cases in the "
                "workbench, then export again", CASES, row, meta.columns[0][0]))
    return out


def _formula_cells(path: Path, width: int) -> list[tuple[int, int]]:
    """(row, column index) of the formulas on the Cases sheet (their saved values are read apart)."""
    wb = _open(path, data_only=False)
    try:
        return [(cell.row, cell.column - 1) for row in wb.book[CASES].iter_rows(max_col=width)
                for cell in row if getattr(cell, "data_type", None) == "f"]
    finally:
        wb.close()


def _decoded_rows(handle: Any, title: str) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...] | None]]:
    """A sheet's rows with the escapes of its inline strings decoded (the shared strings' are, as
    they are read): each as (values, the values as stored when any was decoded, else None)."""
    escaped = handle.escaped_inline_cells(title)
    rows_escaped = set() if escaped is None else {r for r, _c in escaped}
    for number, values in enumerate(handle.book[title].iter_rows(values_only=True), start=1):
        row = tuple(values)
        if escaped is not None and number not in rows_escaped:
            yield row, None
            continue
        decoded = tuple(decoded_text(v) if escaped is None or (number, i) in escaped else v
                        for i, v in enumerate(row, start=1))
        yield decoded, (row if decoded != row else None)


def read_fieldwork_workbook(path: str | Path, expected_audit_id: int, template: Template) -> FieldworkUpload:
    """The answers of a filled-in fieldwork workbook, or FieldworkImportError listing every problem."""
    path = Path(path)
    _check_file(path)
    handle = _open(path, data_only=True)
    wb = handle.book
    try:
        if META not in wb.sheetnames or CASES not in wb.sheetnames:
            raise _fail(path, "this is not a fieldwork workbook exported by the workbench "
                              f"(it has no {META if META not in wb.sheetnames else CASES} sheet)",
                        "export one with 'workbench audit fieldwork-export'")
        meta = _read_meta([values for values, _stored in _decoded_rows(handle, META)], path)
        _check_identity(meta, expected_audit_id, template, path)
        width = len(meta.columns)
        rows: dict[int, tuple[Any, ...]] = {}
        as_stored: dict[int, tuple[Any, ...]] = {}  # the rows whose text had escapes, undecoded
        beyond: list[int] = []
        for number, (values, stored) in enumerate(_decoded_rows(handle, CASES), start=1):
            rows[number] = values[:width]
            if stored is not None:
                as_stored[number] = stored[:width]
            if any(v is not None and cell_token(v).strip() for v in values[width:]):
                beyond.append(number)
        formulas = _formula_cells(path, width) if handle.has_formulas(CASES) else []
    except FieldworkImportError:
        raise
    except Exception as exc:
        raise _fail(path, f"the workbook could not be read ({type(exc).__name__})",
                    "export a fresh workbook from the workbench") from None
    finally:
        handle.close()
    problems: list[ImportProblem] = []
    upload_rows = _read_cases(rows, meta, template, problems, as_stored)
    for number, index in formulas:
        if _cell(rows, number, index) is None and number >= meta.first_row:
            problems.append(ImportProblem("a formula with no saved value; type the answer itself (to start "
                                          "text with '=', type an apostrophe first)", CASES, number,
                                          meta.columns[index][0]))
    extra = get_column_letter(width + 1)
    problems += [ImportProblem("text was added beyond the last column; remove it", CASES, number, extra)
                 for number in beyond]
    if problems:
        raise FieldworkImportError(str(path), problems, len(problems))
    return FieldworkUpload(tuple(upload_rows), meta)
