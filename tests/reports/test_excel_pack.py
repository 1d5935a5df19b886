"""The Excel pack read back with openpyxl: one table per sheet with its header at row 1, values
stored as numbers and dates, column names in words, sheet names shortened by whole words, print
set-up, fonts, every case of every audit, and no formulas from user text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.reports.hostile import FORMULAS, LONG_WORD, SCRIPT, hostile_pack
from workbench.reports.excel_names import key_words, sheet_name, table_name
from workbench.reports.excel_pack import write_excel_pack
from workbench.reports.excel_values import answer_value, figure_value, whole_number
from workbench.reports.pack_data import CaseRow, PackError, sample_pack_data
from workbench.reports.safe_text import excel_text

SHEETS = ["About", "Summary", "Findings", "Baseline figures", "Audit results",
          "A1 Response attendance audit", "A2 Domestic abuse primary risk",
          "Criteria results", "Strata results", "Trend", "Grading agreement", "Measures", "Actions",
          "Evidence index", "Methodology"]
RAW_KEY = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
NUMBER_AS_TEXT = re.compile(r"^\s*-?\d[\d,]*(\.\d+)?\s*%?\s*$")


@pytest.fixture(scope="module")
def sample_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_excel_pack(sample_pack_data(), tmp_path_factory.mktemp("xl") / "pack.xlsx")


@pytest.fixture(scope="module")
def sample_wb(sample_path: Path):
    return load_workbook(sample_path)


def _rows(ws) -> list[dict[str, Any]]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def _cell(ws, header: str, row: int = 2):
    col = [c.value for c in ws[1]].index(header) + 1
    return ws.cell(row, col)


def test_sheet_names_are_shortened_by_whole_words(sample_wb) -> None:
    assert sample_wb.sheetnames == SHEETS
    titles = [a.title for a in sample_pack_data().audits()]
    for name, title in zip(sample_wb.sheetnames[5:7], titles, strict=True):
        words = name.split(" ")[1:]
        assert len(name) <= 31 and words == title.replace(",", "").split(" ")[:len(words)], (name, title)


def test_every_sheet_is_one_table_with_its_header_at_row_1(sample_wb) -> None:
    names = set()
    for ws in sample_wb.worksheets:
        assert len(ws.tables) == 1, ws.title
        table = next(iter(ws.tables.values()))
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", table.name) and table.name.lower() not in names
        names.add(table.name.lower())
        first, last = table.ref.split(":")
        assert first == "A1" and int(re.sub(r"\D", "", last)) == max(ws.max_row, 2), ws.title
        header = [c.value for c in ws[1]]
        assert [c.name for c in table.tableColumns] == header, ws.title
        assert all(isinstance(h, str) and h for h in header) and len(set(h.lower() for h in header)) == len(header)
        assert ws.freeze_panes in ("A2", "B2") and not ws.auto_filter.ref, ws.title
        for h in header:  # column names in words, never raw keys
            assert not RAW_KEY.match(h), (ws.title, h)


def test_numbers_and_dates_are_values(sample_wb) -> None:
    about = {r["Item"]: r["Value"] for r in _rows(sample_wb["About"])}
    assert about["Pack version"] == sample_pack_data().pack_version and isinstance(about["Built"], datetime)
    assert about["Protective marking"] == "OFFICIAL-SENSITIVE"
    assert "Sheet: A1 Response attendance audit" in about
    row = _rows(sample_wb["Summary"])[0]
    assert row["Ref"] == "AFI-2325-05" and row["Readiness"] == "Partly ready"
    assert (row["Cases compliant"], row["Cases scored"]) == (64, 82)
    assert row["Compliance"] == pytest.approx(64 / 82) and row["Baseline"] == pytest.approx(49 / 82)
    assert row["Audit RAG"] == "Amber" and row["Actions overdue"] == 1
    assert _cell(sample_wb["Summary"], "Compliance").number_format == "0.0%"
    audit = _rows(sample_wb["Audit results"])[0]
    assert isinstance(audit["Seed"], int) and f"{audit['Seed']:,}".replace(",", " ") == audit["Seed as recorded"]
    assert audit["Template version"] is None and audit["Template version as recorded"] == "1.2"  # not whole
    assert isinstance(audit["Round"], int)
    assert _cell(sample_wb["Audit results"], "Seed").number_format == "0"
    figures = _rows(sample_wb["Baseline figures"])
    share = next(r for r in figures if r["Figure"] == "101 abandonment rate")
    assert share["Value"] == pytest.approx(0.219) and share["Value as cited"] == "21.9 %"
    examined = next(r for r in figures if r["Figure"] == "Cases examined")
    assert examined["Value"] == 82 and isinstance(examined["Value"], int)
    ws = sample_wb["Baseline figures"]
    cell = next(c for c in ws["D"] if c.value == pytest.approx(0.219))
    assert cell.number_format == "0.0%"
    crit = _rows(sample_wb["Criteria results"])
    within = next(r for r in crit if r["Criterion key"] == "within_target")
    assert (within["Met"], within["Applicable"], within["Critical"]) == (69, 82, "Yes")
    assert _cell(sample_wb["Criteria results"], "Rate").number_format == "0.0%"
    measures = _rows(sample_wb["Measures"])
    abandon = [r for r in measures if r["Measure"] == "101 abandonment rate"]
    assert abandon[0]["Value"] == 21.9 and abandon[0]["Target"] == 5.0
    assert _cell(sample_wb["Measures"], "Date").is_date
    actions = _rows(sample_wb["Actions"])
    assert sum(r["Overdue"] == "Overdue" for r in actions) == 3
    assert all(isinstance(r["Due"], (date, datetime)) for r in actions if r["Due"] is not None)
    evidence = _rows(sample_wb["Evidence index"])
    assert all(len(r["SHA-256"]) == 64 and isinstance(r["Size (bytes)"], int) for r in evidence)
    assert len(evidence) == 5


def test_no_number_is_stored_as_text_outside_display_columns(sample_wb) -> None:
    display = ("as cited", "as recorded", "Ref", "Case", "Finding", "Point", "Value")
    for ws in sample_wb.worksheets:
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for h, c in zip(header, row, strict=True):
                if isinstance(c.value, str) and NUMBER_AS_TEXT.match(c.value):
                    assert h.endswith(display) or ws.title == "About", (ws.title, h, c.value)


def test_every_case_of_every_audit_is_listed(sample_wb) -> None:
    data = sample_pack_data()
    for audit, name in zip(data.audits(), SHEETS[5:7], strict=True):
        rows = _rows(sample_wb[name])
        assert [r["Case"] for r in rows] == [c.ref for c in audit.cases]
        assert sum(r["Result"] == "Compliant" for r in rows) == sum(bool(c.compliant) for c in audit.cases)
        assert sum(r["Compliant (1 yes, 0 no)"] for r in rows) == sum(bool(c.compliant) for c in audit.cases)
    rows = _rows(sample_wb[SHEETS[5]])
    assert "Call-to-arrival within the target for the grade and area" in rows[0]
    assert all(isinstance(r["Minutes to arrival"], int) for r in rows)  # an answer that is a number
    assert [r["Stratum"] for r in rows].count("Emergency") == 41
    grades = _rows(sample_wb["Grading agreement"])
    assert sum(r["Cases"] for r in grades) == 50 and {r["Direction"] for r in grades} == {
        "agreed", "under-graded", "over-graded"}


def test_print_setup_fonts_and_row_heights(sample_wb) -> None:
    for ws in sample_wb.worksheets:
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE" and ws.oddFooter.center.text == "OFFICIAL-SENSITIVE"
        assert ws.oddFooter.right.text == "Page &P of &N"
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        else:  # too wide for one page width: printed at a readable scale, first column repeated
            assert ws.page_setup.scale >= 75 and ws.print_title_cols == "$A:$A", ws.title
        for row in ws.iter_rows(max_row=6):
            for c in row:
                if c.value is not None:
                    assert c.font.name == "Arial", (ws.title, c.coordinate)
    summary = sample_wb["Summary"]
    assert not summary.sheet_properties.pageSetUpPr.fitToPage  # not squeezed onto one page width
    assert summary["A1"].font.b and summary["A1"].style == "Pack header"
    assert _cell(summary, "Compliance").style == "Pack percentage"
    findings = sample_wb["Findings"]
    long_row = next(r for r in range(2, findings.max_row + 1)
                    if len(str(_cell(findings, "Self-assessment narrative", r).value or "")) > 200)
    assert findings.row_dimensions[long_row].height >= 3 * 12.75
    assert findings.row_dimensions[1].height is None or findings.row_dimensions[1].height < 60
    ranges = {str(cf.sqref) for cf in summary.conditional_formatting}
    assert ranges == {"G2:G6", "S2:S6"}


def test_release_copy_says_so_and_drops_case_notes(tmp_path: Path) -> None:
    data = replace(sample_pack_data(), release_min_cell=5)
    wb = load_workbook(write_excel_pack(data, tmp_path / "release.xlsx"))
    about = {r["Item"]: r["Value"] for r in _rows(wb["About"])}
    assert "shown as <5" in about["Release copy"]
    assert "Auditor's notes" not in [c.value for c in wb[SHEETS[5]][1]]


def test_hostile_text_never_becomes_a_formula(tmp_path: Path) -> None:
    path = write_excel_pack(hostile_pack(), tmp_path / "hostile.xlsx")
    wb = load_workbook(path)
    seen: set[str] = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    seen.add(cell.value)
                    if cell.value[:1] in ("=", "+", "-", "@", "\t"):
                        assert cell.quotePrefix, f"{ws.title}!{cell.coordinate} not quoted"
    for text in ("=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", FORMULAS[0], "=1+1"):
        assert text in seen
    assert LONG_WORD in seen and any(SCRIPT in s for s in seen)
    cases = wb[wb.sheetnames[5]]
    assert cases.title.startswith("A1 ") and len(cases.title) <= 31


def test_excel_text_guard() -> None:
    assert excel_text("=1+1") == ("=1+1", True)
    assert excel_text("\r=CR()") == ("\n=CR()", True)
    assert excel_text("a\x00b") == ("ab", False)
    assert excel_text("x" * 40_000)[0].endswith("\u2026")
    assert len(excel_text("x" * 40_000)[0]) == 32_767


def test_values_from_text() -> None:
    assert whole_number("7 311 904 552") == 7_311_904_552 and whole_number("1.2") is None
    assert whole_number("9" * 16) is None  # Excel would not keep every digit: stays text
    assert answer_value("9") == 9 and answer_value("2.5") == 2.5 and answer_value("0123") == "0123"
    assert answer_value("2025-03-01") == date(2025, 3, 1) and answer_value("yes") == "yes"
    assert answer_value("2025-02-30") == "2025-02-30"
    assert figure_value("8,341").value == 8341 and figure_value("8.5 %").value == pytest.approx(0.085)
    v = figure_value("49 of 82 (59.8 %)")
    assert (v.numerator, v.denominator, v.kind) == (49, 82, "proportion")
    assert figure_value("63:1").value == 63 and figure_value("around 400").kind == ""


def test_sheet_names_follow_the_rule() -> None:
    used: set[str] = {"summary"}
    assert sheet_name("Summary", used) == "Summary (2)"
    assert sheet_name("a[b]:c*d?e/f\\g", used) == "a b c d e f g"
    assert sheet_name("A1 Use-of-force recording \u2014 arrests dip sample", used) == "A1 Use-of-force recording"
    assert sheet_name("A2 Response attendance and grading", used) == "A2 Response attendance grading"
    again = sheet_name("A2 Response attendance and grading", used)
    assert again == "A2 Response attendance (2)" and len(again) <= 31
    assert len(sheet_name("x" * 40, used)) == 31  # one word longer than the limit: nothing else to do
    assert sheet_name("'''", used) == "Sheet" and sheet_name("History", used) == "History (pack)"
    tables: set[str] = set()
    assert table_name("A1 Use-of-force recording", tables) == "T_A1_Use_of_force_recording"
    assert table_name("A1 Use-of-force recording", tables) == "T_A1_Use_of_force_recording_2"
    assert key_words("auditor_grade") == "Auditor grade" and key_words("bwv_reviewed") == "BWV reviewed"


def test_large_audit_streams_and_reports_progress(tmp_path: Path) -> None:
    base = sample_pack_data()
    audit = base.findings[0].audits[0]
    cases = tuple(CaseRow(f"C{i:06d}", "Emergency", i % 3 != 0, {"within_target": "yes"})
                  for i in range(12_000))
    big = replace(base, findings=(replace(base.findings[0],
                                          audits=(replace(audit, cases=cases),)),)
                  + base.findings[1:])
    calls: list[tuple[int, int | None]] = []
    path = write_excel_pack(big, tmp_path / "big.xlsx",
                            progress=lambda d, t: calls.append((d, t)))
    ws = load_workbook(path, read_only=True)[SHEETS[5]]
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 1 + 12_000 and rows[-1][0] == "C011999"
    assert calls[-1] == (15, 15) and len(calls) >= 15 + 2  # per sheet plus per 5,000 rows


def test_cancel_leaves_no_file_and_missing_folder_raises(tmp_path: Path) -> None:
    def cancel(done: int, total: int | None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_excel_pack(sample_pack_data(), tmp_path / "pack.xlsx", progress=cancel)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(PackError) as err:
        write_excel_pack(sample_pack_data(), tmp_path / "missing" / "pack.xlsx")
    assert "does not exist" in str(err.value)


def test_a_criterion_question_like_a_formula_is_a_quoted_header(tmp_path: Path) -> None:
    base = sample_pack_data()
    audit = base.findings[0].audits[0]
    criteria = (replace(audit.criteria[0], question="=HYPERLINK(\"http://x\")"),) + audit.criteria[1:]
    data = replace(base, findings=(replace(base.findings[0], audits=(replace(audit, criteria=criteria),)),)
                   + base.findings[1:])
    ws = load_workbook(write_excel_pack(data, tmp_path / "q.xlsx"))[SHEETS[5]]
    cell = next(c for c in ws[1] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.quotePrefix and cell.font.b
    table = next(iter(ws.tables.values()))
    assert table.tableColumns[[c.value for c in ws[1]].index(cell.value)].name == cell.value
