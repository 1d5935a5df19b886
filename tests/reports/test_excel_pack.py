"""The Excel pack read back with openpyxl: sheets, values, formats, panes, no formulas."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.reports.hostile import FORMULAS, LONG_WORD, SCRIPT, hostile_pack
from workbench.reports.excel_pack import write_excel_pack
from workbench.reports.excel_sheet import sheet_name
from workbench.reports.pack_data import CaseRow, PackError, sample_pack_data
from workbench.reports.safe_text import excel_text


@pytest.fixture(scope="module")
def sample_wb(tmp_path_factory: pytest.TempPathFactory):
    path = write_excel_pack(sample_pack_data(), tmp_path_factory.mktemp("xl") / "pack.xlsx")
    return load_workbook(path)


def _rows(ws, header_row: int) -> list[dict[str, object]]:
    header = [c.value for c in ws[header_row]]
    return [dict(zip(header, (c.value for c in row)))
            for row in ws.iter_rows(min_row=header_row + 1)]


def test_sheet_names(sample_wb) -> None:
    assert sample_wb.sheetnames == [
        "Summary", "Findings", "Baseline figures", "Audit results",
        "A1 Response attendance audit, q", "A2 Domestic abuse primary risk",
        "Criteria results", "Strata results", "Measures", "Actions", "Evidence index",
        "Methodology"]
    assert all(len(n) <= 31 for n in sample_wb.sheetnames)


def test_summary_values_formats_panes_and_print_setup(sample_wb) -> None:
    ws = sample_wb["Summary"]
    assert ws["A1"].value == "PEEL self-assessment: readiness pack \u2013 Norfolk Constabulary"
    assert ws["B2"].value == "OFFICIAL-SENSITIVE"
    assert ws.freeze_panes == "A13" and ws.auto_filter.ref == "A12:R17"
    row = _rows(ws, 12)[0]
    assert row["Ref"] == "AFI-2325-05" and row["Readiness"] == "Partly ready"
    assert (row["Compliant"], row["Sample"]) == (64, 82)
    assert row["Compliance"] == pytest.approx(64 / 82)
    assert row["Baseline"] == pytest.approx(49 / 82)
    assert row["Audit RAG"] == "Amber" and row["Actions overdue"] == 1
    assert ws["K13"].number_format == "0.0%" and ws["N13"].number_format == "0.0%"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    assert ws.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    assert ws.oddFooter.right.text == "Page &P of &N"
    ranges = {str(cf.sqref) for cf in ws.conditional_formatting}
    assert ranges == {"G13:G17", "P13:P17"}


def test_every_sheet_is_marked_frozen_and_filtered(sample_wb) -> None:
    for ws in sample_wb.worksheets:
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE", ws.title
        assert ws.freeze_panes is not None and ws.auto_filter.ref, ws.title


def test_case_sheet_holds_every_case(sample_wb) -> None:
    ws = sample_wb["A1 Response attendance audit, q"]
    rows = _rows(ws, 8)
    assert len(rows) == 82
    assert sum(r["Result"] == "Compliant" for r in rows) == 64
    assert ws.freeze_panes == "A9"
    assert "Call-to-arrival within the target for the grade and area" in rows[0]


def test_criteria_measures_actions_evidence(sample_wb) -> None:
    crit = _rows(sample_wb["Criteria results"], 1)
    within = next(r for r in crit if r["Key"] == "within_target")
    assert (within["Met"], within["Applicable"], within["Critical"]) == (69, 82, "Yes")
    assert sample_wb["Criteria results"]["G2"].number_format == "0.0%"
    measures = _rows(sample_wb["Measures"], 1)
    abandon = [r for r in measures if r["Measure"] == "101 abandonment rate"]
    assert abandon[0]["Value"] == 21.9 and abandon[0]["Target"] == 5.0
    assert sample_wb["Measures"]["G2"].is_date
    actions = _rows(sample_wb["Actions"], 1)
    assert sum(r["Overdue"] == "Overdue" for r in actions) == 3
    evidence = _rows(sample_wb["Evidence index"], 1)
    assert all(len(r["SHA-256"]) == 64 for r in evidence) and len(evidence) == 5


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
    cases = wb[wb.sheetnames[4]]
    assert cases.title.startswith("A1 ") and len(cases.title) <= 31


def test_excel_text_guard() -> None:
    assert excel_text("=1+1") == ("=1+1", True)
    assert excel_text("\r=CR()") == ("\n=CR()", True)
    assert excel_text("a\x00b") == ("ab", False)
    assert excel_text("x" * 40_000)[0].endswith("\u2026")
    assert len(excel_text("x" * 40_000)[0]) == 32_767


def test_sheet_names_are_sanitised_and_unique() -> None:
    used: set[str] = {"summary"}
    assert sheet_name("Summary", used) == "Summary (2)"
    assert sheet_name("a[b]:c*d?e/f\\g", used) == "a b c d e f g"
    long = sheet_name("x" * 40, used)
    assert len(long) == 31 and sheet_name("x" * 40, used) == "x" * 27 + " (2)"
    assert sheet_name("'''", used) == "Sheet" and sheet_name("History", used) == "History (pack)"


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
    ws = load_workbook(path, read_only=True)["A1 Response attendance audit, q"]
    assert sum(1 for _ in ws.iter_rows(values_only=True)) == 8 + 12_000
    assert calls[-1] == (12, 12) and len(calls) >= 12 + 2  # per sheet plus per 5,000 rows


def test_cancel_leaves_no_file_and_missing_folder_raises(tmp_path: Path) -> None:
    def cancel(done: int, total: int | None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_excel_pack(sample_pack_data(), tmp_path / "pack.xlsx", progress=cancel)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(PackError) as err:
        write_excel_pack(sample_pack_data(), tmp_path / "missing" / "pack.xlsx")
    assert "does not exist" in str(err.value)
