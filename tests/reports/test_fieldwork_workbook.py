"""The fieldwork workbook, read back with openpyxl."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.reports.fieldwork_data import HOSTILE, sheet_data, shown_style, test_template, write
from workbench.reports import fieldwork_workbook

# layout for the test template: ref, stratum, 2 fields, 5 answers, computed + working, comment
COLUMNS = {"ref": "A", "stratum": "B", "call_time": "C", "district": "D", "plan_recorded": "E", "grade": "F",
           "minutes": "G", "reviewed_at": "H", "note": "I", "district_known": "J", "working": "K", "comment": "L"}


def _validations(ws) -> dict[str, Any]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_sheets_header_and_rows(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write(tmp_path))
    assert wb.sheetnames == ["Instructions", "Cases", "_lists", "_meta"]
    assert wb["_meta"].sheet_state == "hidden" and wb["_lists"].sheet_state == "hidden"
    assert wb["Cases"].sheet_state == "visible"
    assert wb.active is not None and wb.active.title == "Cases"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Cases"]
    ws = wb["Cases"]
    assert [c.value for c in ws[1]] == [
        "Case reference", "Stratum", "Call received", "District", "plan_recorded (critical)", "grade", "minutes",
        "reviewed_at", "note", "district_known", "district_known: working", "Comment"]
    assert ws.freeze_panes == "B3"
    assert ws.max_row == 2 + 4
    assert ws["A3"].value == "INC-0001" and ws["B3"].value == "South"
    assert ws["C3"].value == datetime(2024, 3, 1, 9, 15)  # a real date cell
    assert ws["E3"].value == "yes" and ws["G3"].value == 12.5
    assert ws["H3"].value == datetime(2024, 3, 14, 14, 2)
    assert ws["J3"].value == "yes" and ws["K3"].value.startswith("district is recorded")
    assert ws["E4"].value is None
    # no personal field (caller name) and no reference field column
    assert "Caller name" not in [c.value for c in ws[1]]


def test_answer_columns_have_drop_downs_and_type_checks(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write(tmp_path))
    dvs = _validations(wb["Cases"])
    assert set(dvs) == {"E3:E6", "F3:F6", "G3:G6", "H3:H6"}  # no validation on text or locked columns
    yes_no, choice = dvs["E3:E6"], dvs["F3:F6"]
    assert yes_no.type == "list" and choice.type == "list"
    lists = wb["_lists"]

    def items(formula: str) -> list[str]:
        area = formula.split("!")[1].replace("$", "")
        return [c.value for row in lists[area] for c in row]

    assert items(yes_no.formula1) == ["yes", "no", "n/a"]
    assert items(choice.formula1) == ["Standard", "Medium", "High"]
    assert dvs["G3:G6"].type == "decimal" and dvs["H3:H6"].type == "date"
    assert all(dv.showErrorMessage for dv in dvs.values())


def test_protection_locks_ids_and_computed_but_not_answers(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write(tmp_path))
    ws = wb["Cases"]
    assert ws.protection.sheet is True and not ws.protection.password
    for key in ("ref", "stratum", "call_time", "district", "district_known", "working"):
        cell = shown_style(ws, f"{COLUMNS[key]}4")
        assert cell.protection.locked is True, key
        assert cell.fill.fgColor.rgb.endswith("D9D9D9"), key
    for key in ("plan_recorded", "grade", "minutes", "reviewed_at", "note", "comment"):
        for row in (3, 4):  # answered (row 3) and not (row 4: no cell, the column's format)
            shown = shown_style(ws, f"{COLUMNS[key]}{row}")
            assert shown.protection.locked is False, (key, row)
            assert shown.fill.fgColor.rgb.endswith("FFFFFF"), (key, row)
    assert not ws["E4"].has_style and ws["E3"].has_style  # the empty answer is the column's
    assert shown_style(ws, f"{COLUMNS['reviewed_at']}4").number_format == "dd/mm/yyyy hh:mm"
    assert ws["A1"].protection.locked is True
    assert wb["_meta"].protection.sheet is True and wb["Instructions"].protection.sheet is True


def test_meta_holds_audit_template_and_case_state(tmp_path: Path) -> None:
    data = sheet_data()
    wb = openpyxl.load_workbook(write(tmp_path, data))
    rows: list[tuple[Any, ...]] = list(wb["_meta"].iter_rows(values_only=True))
    pairs = {r[0]: r[1] for r in rows if r[0] and r[0] != "case"}
    template = test_template()
    assert pairs["audit_id"] == 7 and pairs["audit_title"] == "Response =1+1 audit"
    assert (pairs["template_key"], pairs["template_version"], pairs["template_sha256"]) == (
        "fieldwork-test", 3, template.sha256)
    assert pairs["exported_by"] == "ann.officer" and pairs["exported_at"].startswith("2025-01-02T10:30")
    cases = [r for r in rows if r[0] == "case" and r[1] != "case_id"]
    assert [(r[1], r[2], r[3]) for r in cases] == [(100 + i, 3 + i, c.ref) for i, c in enumerate(data.cases)]
    assert json.loads(cases[0][4]) == {"r": {"plan_recorded": [1, "x", "y"]}}
    assert set(json.loads(cases[0][5])) == {"A", "B", "C", "D", "J", "K"}  # the locked cells


def test_user_text_never_becomes_a_formula(tmp_path: Path) -> None:
    path = write(tmp_path)
    wb = openpyxl.load_workbook(path)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} = {cell.value!r}"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
                    seen.add(cell.value)
    assert {"=1+1", "+SUM(A1)", "@SUM(A1) comment"} <= seen
    cases = wb["Cases"]
    assert cases["A4"].value == HOSTILE[1] and cases["D3"].value == HOSTILE[0]
    # and nothing was evaluated: read with cached values the text is still there
    assert openpyxl.load_workbook(path, data_only=True)["Cases"]["A4"].value == HOSTILE[1]


def test_marking_in_header_footer_and_instructions(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write(tmp_path))
    for name in ("Instructions", "Cases"):
        ws = wb[name]
        assert ws.oddHeader is not None and ws.oddFooter is not None
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE"
        assert ws.oddFooter.center.text == "OFFICIAL-SENSITIVE"
        assert ws.oddHeader.left.text == "Norfolk && Suffolk"
    text = "\n".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    assert "Audit" in text and "7: Response =1+1 audit" in text
    assert "fieldwork-test version 3" in text and "Grey columns are locked" in text
    assert "Standard, Medium, High" in text and "yes / no / n/a" in text


def test_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "fieldwork.xlsx"
    target.write_bytes(b"old")
    write(tmp_path)
    assert openpyxl.load_workbook(target)["Cases"]["A3"].value == "INC-0001"
    assert [p.name for p in tmp_path.iterdir()] == ["fieldwork.xlsx"]


def test_a_write_that_fails_half_way_leaves_the_old_file_and_nothing_else(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "fieldwork.xlsx"
    target.write_bytes(b"old")

    def fail(*_args: object) -> None:  # after the Cases sheet's rows went to their temporary file
        raise RuntimeError("disk gone")

    monkeypatch.setattr(fieldwork_workbook, "_meta", fail)
    with pytest.raises(RuntimeError, match="disk gone"):
        write(tmp_path)
    assert target.read_bytes() == b"old"
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")] == ["fieldwork.xlsx"]


def test_memory_is_flat_in_cases_rows_go_to_disk_as_they_are_written(tmp_path: Path) -> None:
    # constant memory: the Cases sheet keeps no cells once a row is done, whatever the number of cases
    data = sheet_data()
    many = replace(data, cases=tuple(replace(data.cases[i % len(data.cases)], case_id=1000 + i, ref=f"INC-{i:05d}")
                                     for i in range(300)))
    ws = openpyxl.load_workbook(write(tmp_path, many), read_only=True)["Cases"]
    refs = [row[0] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert refs == [f"INC-{i:05d}" for i in range(300)]
    seen: list[int] = []
    real_close = fieldwork_workbook.xlsxwriter.Workbook.close

    def close(self: Any) -> None:
        seen.extend(len(sheet.table) for sheet in self.worksheets())  # cells still held in memory per sheet
        real_close(self)

    fieldwork_workbook.xlsxwriter.Workbook.close = close
    try:
        write(tmp_path, many, name="again.xlsx")
    finally:
        fieldwork_workbook.xlsxwriter.Workbook.close = real_close
    assert seen and max(seen) <= 1  # at most the last row of a sheet is still in memory


def test_one_case_only_and_no_strata(tmp_path: Path) -> None:
    data = sheet_data(cases=1)
    data = replace(data, cases=(replace(data.cases[0], stratum=None),))
    ws = openpyxl.load_workbook(write(tmp_path, data))["Cases"]
    assert ws["B1"].value == "Call received"  # no stratum column when nothing is stratified
    assert {str(dv.sqref) for dv in ws.data_validations.dataValidation} == {"D3", "E3", "F3", "G3"}


def test_a_case_row_is_as_tall_as_its_wrapped_working_and_comment(tmp_path: Path) -> None:
    data = sheet_data(cases=3)
    long = "the call was graded as an emergency and attended " * 4  # about five lines at the column's width
    data = replace(data, cases=(replace(data.cases[0], working={"district_known": long}),
                                replace(data.cases[1], comment="first line\nsecond line\nthird line"),
                                data.cases[2]))
    ws = openpyxl.load_workbook(write(tmp_path, data))["Cases"]
    assert ws.row_dimensions[3].height >= 4 * fieldwork_workbook.LINE_HEIGHT
    assert ws.row_dimensions[4].height >= 3 * fieldwork_workbook.LINE_HEIGHT
    assert ws.row_dimensions[5].height is None  # one line: the sheet's own height
