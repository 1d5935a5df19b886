"""An untouched export imports with no problem, whatever the cases hold.

The writer (XlsxWriter) and the reader (openpyxl) meet only in the file: dates every spreadsheet
counts differently (before 1 March 1900), text that looks like the file format's own escapes
(`_x0041_`), characters beyond U+FFFF in text at Excel's cell limit, numbers longer than Excel
keeps, and numbers that are not finite each once came back other than they went out.
"""

from __future__ import annotations

import math
import os
import re
import warnings
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reports.fieldwork_data import sheet_data, test_template, write
from workbench.files import PARTIAL_DIR, sweep_partial
from workbench.importers.fieldwork_xlsx import read_fieldwork_workbook
from workbench.importers.xlsx_guard import decoded_text
from workbench.reports import fieldwork_workbook
from workbench.reports.safe_text import EXCEL_CELL_LIMIT, excel_text, utf16_units

AUDIT = 7
EMOJI = "\U0001f46e"  # a police officer: two UTF-16 units


def _with_fields(values: list[Any]) -> Any:
    """Sheet data whose cases carry `values` in their (locked) district field, one per case."""
    data = sheet_data(cases=len(values))
    return replace(data, cases=tuple(replace(c, fields={**c.fields, "district": v})
                                     for c, v in zip(data.cases, values, strict=True)))


def _read_district(path: Path) -> list[Any]:
    ws = openpyxl.load_workbook(path, read_only=True)["Cases"]
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))
    col = header.index("District")
    return [decoded_text(row[col]) for row in ws.iter_rows(min_row=3, values_only=True)]


EDGE_VALUES = [
    datetime(1900, 1, 1), datetime(1899, 12, 31, 5, 6), datetime(1, 1, 1), date(1900, 2, 28),
    datetime(1900, 3, 1), datetime(2024, 3, 14, 14, 2, 33, 999_999), datetime(9999, 12, 31, 23, 59, 59),
    "_x0041_", "_x005F_x0041_", "a_x000D_b", "_xD800_", "x" * (EXCEL_CELL_LIMIT - 1) + EMOJI,
    EMOJI * EXCEL_CELL_LIMIT, 0.1 + 0.2, 2**60, -(10**15), 1e300, 5e-324, math.nan, math.inf, -math.inf,
    True, 0, "", "  padded  ",
]


def test_edge_values_in_locked_cells_come_back_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, _with_fields(EDGE_VALUES))
    upload = read_fieldwork_workbook(path, AUDIT, test_template())  # no locked cell named as changed
    assert len(upload.rows) == len(EDGE_VALUES)
    shown = _read_district(path)
    assert shown[0] == "1900-01-01T00:00:00" and shown[1] == "1899-12-31T05:06:00"  # as text: no serial
    assert shown[4] == datetime(1900, 3, 1) and shown[5] == datetime(2024, 3, 14, 14, 2, 33)
    assert shown[7:10] == ["_x0041_", "_x005F_x0041_", "a_x000D_b"]  # as Excel shows them
    assert shown[10] == "_xD800_"  # half a surrogate pair is not a character: kept as typed
    assert utf16_units(shown[11]) <= EXCEL_CELL_LIMIT and utf16_units(shown[12]) <= EXCEL_CELL_LIMIT
    assert shown[13] == "0.30000000000000004" and shown[14] == str(2**60)  # beyond Excel's 15 digits
    assert shown[15] == str(-(10**15)) and shown[16] == 1e300 and shown[17] == 5e-324
    assert shown[18:21] == ["nan", "inf", "-inf"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.text(alphabet=st.sampled_from(["_", "x", "0", "4", "1", "F", "D", "8", "a", EMOJI, "&", "=", " ", "\n"]),
            max_size=40),
    st.text(max_size=30),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    st.dates(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
), min_size=1, max_size=6))
def test_any_untouched_export_imports_with_no_problem(tmp_path: Path, values: list[Any]) -> None:
    """The values go to a locked field and, as text, to the comment and a text answer; the export
    is read back as written and as Excel would save it."""
    data = _with_fields(values)
    texts = [v if isinstance(v, str) else str(v) for v in values]
    data = replace(data, cases=tuple(replace(c, comment=t, answers={**c.answers, "note": t})
                                     for c, t in zip(data.cases, texts, strict=True)))
    written = write(tmp_path, data, name="any.xlsx")
    for path in (written, _as_excel_saves_it(written)):
        upload = read_fieldwork_workbook(path, AUDIT, test_template())
        assert [r.case_id for r in upload.rows] == [100 + i for i in range(len(values))]
        expected = [excel_text(t)[0].replace("\r\n", "\n").strip() for t in texts]
        assert [r.comment for r in upload.rows] == expected
        assert [r.answers["note"] or "" for r in upload.rows] == expected


def test_answers_and_comments_with_escapes_read_as_excel_shows_them(tmp_path: Path) -> None:
    data = sheet_data(cases=2)
    data = replace(data, cases=(replace(data.cases[0], answers={**data.cases[0].answers, "note": "see _x0041_"},
                                        comment="_x005F_ and " + EMOJI),) + data.cases[1:])
    upload = read_fieldwork_workbook(write(tmp_path, data), AUDIT, test_template())
    assert upload.rows[0].answers["note"] == "see _x0041_"
    assert upload.rows[0].comment == "_x005F_ and " + EMOJI


_INLINE = re.compile(r'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>', re.S)


def _as_excel_saves_it(path: Path) -> Path:
    """The workbook with every inline string moved to a shared-string table, as Excel and
    LibreOffice save one (the escaped text kept as it is)."""
    out = path.with_name("saved-" + path.name)
    table: list[str] = []

    def shared(m: re.Match[str]) -> str:
        table.append(m.group(3))
        return f'<c {m.group(1)}t="s"{m.group(2)}><v>{len(table) - 1}</v></c>'

    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename).decode("utf-8")
            if item.filename.startswith("xl/worksheets/sheet"):
                data = _INLINE.sub(shared, data)
            elif item.filename == "[Content_Types].xml":
                data = data.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>", '<Relationship Id="rIdShared" Type="http://schemas.'
                                    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                    'Target="sharedStrings.xml"/></Relationships>')
            dst.writestr(item, data)
        items = "".join(f'<si><t xml:space="preserve">{t}</t></si>' for t in table)
        dst.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns='
                     f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(table)}" '
                     f'uniqueCount="{len(table)}">{items}</sst>')
    return out


ESCAPE_SHAPED = ["_x0041_", "_x005F_", "_x005F_x0041_", "_x0041_x0042_", "x005F_", "ab_x000D_cd", "_X0041_",
                 "see _x0041_ here", "__x0041__"]


def test_text_shaped_like_escapes_survives_a_save_by_excel(tmp_path: Path) -> None:
    data = _with_fields(ESCAPE_SHAPED)
    data = replace(data, cases=tuple(replace(c, ref=f"R{i}{v}", comment=v) for i, (c, v)
                                     in enumerate(zip(data.cases, ESCAPE_SHAPED, strict=True))),
                   criteria=tuple(replace(c, question=c.question + " _x005F_") for c in data.criteria))
    for path in (write(tmp_path, data), _as_excel_saves_it(write(tmp_path, data, name="again.xlsx"))):
        upload = read_fieldwork_workbook(path, AUDIT, test_template())  # nothing locked named as changed
        assert [r.comment for r in upload.rows] == [v.strip() for v in ESCAPE_SHAPED], path.name
        assert [r.ref for r in upload.rows] == [f"R{i}{v}" for i, v in enumerate(ESCAPE_SHAPED)]


def test_an_excel_escape_in_typed_text_is_decoded(tmp_path: Path) -> None:
    """Excel saves a typed "_x0041_" as "_x005F_x0041_" and a tab as "_x0009_"; openpyxl hands
    both back as stored."""
    path = write(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Cases"]["I3"] = "before_x005F_x0041_after_x0009_end"
    wb.save(path)
    upload = read_fieldwork_workbook(path, AUDIT, test_template())
    assert upload.rows[0].answers["note"] == "before_x0041_after\tend"


@pytest.mark.parametrize("force", ["G&G Police", "&[Picture] constabulary", "&" * 300, EMOJI * 200 + "&G",
                                   "Norfolk & Suffolk"])
def test_the_header_is_kept_whatever_the_force_is_called(tmp_path: Path, force: str) -> None:
    data = replace(sheet_data(), force=force)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # XlsxWriter warns when it drops a header
        path = write(tmp_path, data)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet2.xml").decode()
    assert "<oddHeader>" in sheet and "<oddFooter>" in sheet
    wb = openpyxl.load_workbook(path)
    for ws in (wb["Cases"], wb["Instructions"]):
        assert ws.oddHeader is not None and ws.oddHeader.left is not None and ws.oddHeader.center is not None
        left = ws.oddHeader.left.text
        assert left and utf16_units(left) <= 60
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE"


def test_rows_of_long_text_are_no_taller_than_excel_allows(tmp_path: Path) -> None:
    data = sheet_data()
    long_question = "\n".join(f"line {i}" for i in range(200))
    data = replace(data, criteria=tuple(replace(c, question=long_question) for c in data.criteria))
    path = write(tmp_path, data)
    wb = openpyxl.load_workbook(path)
    heights = [d.height for ws in wb.worksheets for d in ws.row_dimensions.values() if d.height]
    assert heights and max(heights) <= 409


def test_another_writers_sweep_leaves_the_row_files_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two exports to one folder at once: each sweeps the private folder of what no live writer owns."""
    real = fieldwork_workbook.xlsxwriter.Workbook.add_worksheet
    swept: list[list[str]] = []

    def add_worksheet(self: Any, *args: Any, **kwargs: Any) -> Any:
        sweep_partial(tmp_path)  # as another export starting in the same folder would
        swept.append(sorted(p.name for p in (tmp_path / PARTIAL_DIR).iterdir()))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(fieldwork_workbook.xlsxwriter.Workbook, "add_worksheet", add_worksheet)
    path = write(tmp_path)
    me = f"{os.getpid()}-"
    assert swept and all(len(names) == 1 and names[0].startswith(me) for names in swept)  # the row folder
    assert read_fieldwork_workbook(path, AUDIT, test_template()).rows
    assert [p.name for p in tmp_path.iterdir()] == ["fieldwork.xlsx"]


def test_negative_zero_huge_numbers_and_an_empty_force_name(tmp_path: Path) -> None:
    data = replace(_with_fields([-0.0, 0.0, 10**400, -(2**70), 7]), force="")
    upload = read_fieldwork_workbook(write(tmp_path, data), AUDIT, test_template())
    assert len(upload.rows) == 5
    ws = openpyxl.load_workbook(tmp_path / "fieldwork.xlsx")["Cases"]
    assert ws.oddHeader is not None and ws.oddHeader.center is not None
    assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE"  # no empty left section before it


def test_a_full_disk_while_packaging_is_a_typed_error_and_leaves_nothing(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from xlsxwriter.exceptions import FileCreateError

    from workbench.errors import WorkbenchError

    def full(_self: Any) -> None:
        raise FileCreateError(OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(fieldwork_workbook.xlsxwriter.Workbook, "close", full)
    with pytest.raises(WorkbenchError, match="No space left"):
        write(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_minus_zero_is_zero_in_answers_and_digests() -> None:
    from workbench.reports.fieldwork_format import token_digest
    from workbench.services.fieldwork import canonical_answer

    assert token_digest(-0.0) == token_digest(0.0) == token_digest(0) == token_digest("0")
    number = next(c for c in test_template().criteria if c.answer == "number")
    assert canonical_answer(number, "-0") == "0" and canonical_answer(number, -0.0) == "0"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is a POSIX matter")
def test_a_forked_writer_owns_its_partial_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A child forked after import is another writer: another process's sweep must not take its
    files for a dead one's (it would, were they named with the parent's start time)."""
    from workbench import files

    monkeypatch.setattr(files, "_PROCESS_START", files._PROCESS_START - 3600)  # an app open for an hour
    private = tmp_path / PARTIAL_DIR
    private.mkdir()
    to_parent, from_child = os.pipe()
    to_child, from_parent = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: make a scratch folder and wait
        try:
            with files.scratch_folder(private) as mine:
                os.write(from_child, mine.name.encode())
                os.read(to_child, 1)  # until the parent has swept
        finally:
            os._exit(0)
    name = os.read(to_parent, 200).decode()
    try:
        sweep_partial(tmp_path)  # as another export would
        assert (private / name).is_dir(), "a live forked writer's folder was swept"
    finally:
        os.write(from_parent, b"x")
        os.waitpid(pid, 0)
