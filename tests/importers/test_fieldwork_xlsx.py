"""Reading a filled-in fieldwork workbook back, including hostile and mistaken files."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.reports.fieldwork_data import sheet_data, test_template, write
from workbench.errors import WorkbenchError
from workbench.importers.fieldwork_xlsx import MAX_PROBLEMS, FieldworkImportError, read_fieldwork_workbook

AUDIT = 7


def _fill(path: Path, cells: dict[str, Any], sheet: str = "Cases") -> Path:
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)
    return path


def _problems(path: Path, audit_id: int = AUDIT, template=None) -> FieldworkImportError:
    with pytest.raises(FieldworkImportError) as info:
        read_fieldwork_workbook(path, audit_id, template or test_template())
    return info.value


def test_untouched_workbook_reads_back_the_exported_answers(tmp_path: Path) -> None:
    upload = read_fieldwork_workbook(write(tmp_path), AUDIT, test_template())
    assert upload.meta.audit_id == AUDIT and upload.meta.template_version == 3
    assert [r.case_id for r in upload.rows] == [100, 101, 102, 103]
    first = upload.rows[0]
    assert first.answers == {"plan_recorded": "yes", "grade": None, "minutes": "12.5",
                             "reviewed_at": "2024-03-14T14:02:00", "note": None}
    assert first.comment == "@SUM(A1) comment"
    assert first.cells["minutes"] == "Cases!G3" and first.cells["comment"] == "Cases!L3"
    assert upload.rows[1].ref == "+SUM(A1)"
    assert upload.meta.cases[0].state == {"r": {"plan_recorded": [1, "x", "y"]}}


def test_answers_filled_as_an_auditor_would(tmp_path: Path) -> None:
    path = _fill(write(tmp_path), {
        "E4": "No", "F4": "high", "G4": 7, "H4": datetime(2024, 5, 1, 8, 30), "I4": "  =not a formula ",
        "L4": "line one\r\nline two", "E5": "N/A", "G5": "1,204", "H5": "02/06/2024", "H6": datetime(2024, 6, 3),
        "E3": None})
    rows = read_fieldwork_workbook(path, AUDIT, test_template()).rows
    assert rows[1].answers == {"plan_recorded": "no", "grade": "High", "minutes": "7",
                               "reviewed_at": "2024-05-01T08:30:00", "note": "=not a formula"}
    assert rows[1].comment == "line one\nline two"
    assert rows[2].answers["plan_recorded"] == "n/a" and rows[2].answers["minutes"] == "1204"
    assert rows[2].answers["reviewed_at"] == "2024-06-02"
    assert rows[3].answers["reviewed_at"] == "2024-06-03"  # a date typed without a time
    assert rows[0].answers["plan_recorded"] is None  # cleared


def test_invalid_answers_are_named_by_cell(tmp_path: Path) -> None:
    path = _fill(write(tmp_path), {"E4": "maybe", "F5": "Extreme", "G3": "twelve", "H6": "31/02/2024"})
    err = _problems(path)
    cells = {p.cell: p.message for p in err.problems}
    assert set(cells) == {"Cases!E4", "Cases!F5", "Cases!G3", "Cases!H6"}
    assert "'maybe' is not in the drop-down list (yes, no, n/a)" in cells["Cases!E4"]
    assert "Standard, Medium, High" in cells["Cases!F5"]
    assert "'twelve' is not a number" in cells["Cases!G3"]
    assert "not a valid date" in cells["Cases!H6"]
    assert err.total == 4 and "nothing was imported" in str(err) and "Cases!E4" in str(err)
    assert isinstance(err, WorkbenchError)


def test_edited_locked_cells_are_named(tmp_path: Path) -> None:
    path = _fill(write(tmp_path), {"A4": "INC-9999", "J5": "no", "C6": datetime(2024, 1, 1), "K3": "",
                                   "E2": "my heading"})
    cells = {p.cell: p.message for p in _problems(path).problems}
    assert set(cells) == {"Cases!A4", "Cases!J5", "Cases!C6", "Cases!K3", "Cases!E2"}
    assert "case reference was changed" in cells["Cases!A4"] and "'+SUM(A1)'" in cells["Cases!A4"]
    assert "computed answer 'district_known'" in cells["Cases!J5"]
    assert "case field 'call_time'" in cells["Cases!C6"]
    assert "heading" in cells["Cases!E2"]


def test_rows_added_or_removed(tmp_path: Path) -> None:
    path = write(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Cases"]
    ws["A7"] = "INC-NEW"
    ws["E7"] = "yes"
    ws["M3"] = "stray"
    ws.delete_rows(6)  # the last case's row is gone (the new row moves up into its place)
    wb.save(path)
    cells = {p.cell: p.message for p in _problems(path).problems}
    assert "Cases!A6" in cells and "'INC-NEW'" in cells["Cases!A6"]
    assert "Cases!M3" in cells and "beyond the last column" in cells["Cases!M3"]
    path2 = write(tmp_path, name="deleted.xlsx")
    wb = openpyxl.load_workbook(path2)
    wb["Cases"].delete_rows(6)
    wb.save(path2)
    cells = {p.cell: p.message for p in _problems(path2).problems}
    assert cells == {"Cases!A6": "the row of case @cmd is missing"}


def test_workbook_of_another_audit_says_which(tmp_path: Path) -> None:
    path = write(tmp_path, sheet_data(audit_id=12, title="DA risk round 2"))
    err = _problems(path, audit_id=AUDIT)
    assert "from audit 12 ('DA risk round 2'), not audit 7" in str(err)


def test_other_template_version_is_refused(tmp_path: Path) -> None:
    template = test_template()
    newer = replace(template, version=4)
    err = _problems(write(tmp_path), template=newer)
    assert "template 'fieldwork-test' version 3" in str(err) and "version 4" in str(err)
    edited = replace(template, name="Fieldwork test (edited)")
    assert "has different content" in str(_problems(write(tmp_path, name="b.xlsx"), template=edited))


@pytest.mark.parametrize("content, words", [
    (b"", "the file is empty"),
    (b"Incident,Grade\nINC-1,Emergency\n", "not an Excel workbook"),
    (b"PK\x03\x04 truncated garbage", "not a readable Excel workbook"),
])
def test_not_a_workbook(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "answers.xlsx"
    path.write_bytes(content)
    err = _problems(path)
    assert words in str(err) and "answers.xlsx" in str(err)


def test_a_zip_that_is_not_a_workbook_and_a_plain_workbook(tmp_path: Path) -> None:
    path = tmp_path / "bundle.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert "not a readable Excel workbook" in str(_problems(path))
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.worksheets[0]["A1"] = "Case reference"
    wb.save(plain)
    assert "not a fieldwork workbook exported by the workbench (it has no _meta sheet)" in str(_problems(plain))


def test_damaged_meta(tmp_path: Path) -> None:
    path = _fill(write(tmp_path), {"E16": "{not json"}, sheet="_meta")
    assert "_meta sheet is damaged (case list)" in str(_problems(path))
    path = _fill(write(tmp_path, name="b.xlsx"), {"B1": "something-else"}, sheet="_meta")
    assert "not a fieldwork workbook" in str(_problems(path))


def test_problem_list_is_capped_with_a_total(tmp_path: Path) -> None:
    path = write(tmp_path, sheet_data(cases=40))
    _fill(path, {f"{col}{row}": "bad" for row in range(3, 43) for col in "EG"})
    err = _problems(path)
    assert len(err.problems) == MAX_PROBLEMS and err.total == 80
    assert "(and 75 more)" in str(err)


def test_a_formula_without_a_saved_value_is_a_problem(tmp_path: Path) -> None:
    path = _fill(write(tmp_path), {"L4": "=HYPERLINK(\"http://evil.example\")", "I5": "=1+1"})
    cells = {p.cell: p.message for p in _problems(path).problems}
    assert set(cells) == {"Cases!L4", "Cases!I5"} and "formula with no saved value" in cells["Cases!L4"]
