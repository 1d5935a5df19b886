from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from workbench.force_settings import ForceSettings
from workbench.importers.population import (
    PopulationError,
    iter_keys,
    read_cases,
    read_headers,
    scan_population,
    suggest_mapping,
)
from workbench.templates import builtin_templates, evaluate

TEMPLATE = next(t for t in builtin_templates() if t.key == "response-attendance")
HEADERS = ["Incident No", "Call Date Time", "Dispatched", "Arrived", "Opening Grade", "Closing Grade", "Area Type", "Address"]
MAPPING = {
    "incident_ref": "Incident No",
    "call_time": "Call Date Time",
    "dispatch_time": "Dispatched",
    "arrival_time": "Arrived",
    "initial_grade": "Opening Grade",
    "final_grade": "Closing Grade",
    "area": "Area Type",
    "location": "Address",
}


def _rows(n: int, seed: int = 7) -> list[list[str]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        call = datetime(2024, 1, 1) + timedelta(minutes=rnd.randrange(500_000))
        grade = rnd.choice(["Emergency", "Priority", "Scheduled"])
        out.append([
            f"INC{i:06d}",
            call.strftime("%d/%m/%Y %H:%M"),
            (call + timedelta(minutes=3)).strftime("%d/%m/%Y %H:%M"),
            (call + timedelta(minutes=rnd.randint(5, 70))).strftime("%d/%m/%Y %H:%M"),
            grade,
            grade,
            rnd.choice(["Urban", "Rural"]),
            f"{rnd.randint(1, 99)} High Street",
        ])
    return out


def _write_csv(path: Path, rows: list[list[str]], headers=HEADERS, delimiter=",", preamble: str = "",
               encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(preamble)
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def test_headers_and_suggested_mapping(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "a.csv", _rows(3))
    headers = read_headers(path)
    assert headers == HEADERS
    mapping = suggest_mapping(headers, TEMPLATE)
    assert {k: v for k, v in mapping.items() if v} == MAPPING
    assert mapping["district"] is None
    fuzzy = suggest_mapping(["incident_no.", "CALL DATE/TIME", "arival date time", "Closing grade"], TEMPLATE)
    assert fuzzy["incident_ref"] == "incident_no."
    assert fuzzy["call_time"] == "CALL DATE/TIME"
    assert fuzzy["arrival_time"] == "arival date time"


def test_messy_csv_problems_with_row_numbers(tmp_path: Path) -> None:
    text = (
        "\ufeffIncident extract produced 01/04/2024;;;;;;;\n"
        ";;;;;;;\n"
        + ";".join(HEADERS) + "\n"
        "INC1;14/03/2024 14:02;14/03/2024 14:05;14/03/2024 14:21;Emergency;emergency ;URBAN;1 High St\n"
        "INC2;31/02/2024 10:00;;;Priority;Priority;Rural;2 Mill Rd\n"
        "INC3;2024-03-01T10:00:00;01-03-24 10:05;;Grade 9;Priority;Urban;\"3 Station Rd\nFlat 2\"\n"
        "INC1;14/03/2024 15:00;;;Emergency;Emergency;Urban;4 The Green\n"
        ";;;;;;;\n"
        "INC4;;;;;;Urban\n"
        "INC5;14/03/2024 09:00;;14/03/2024;Priority;Priority;urban;5 Market Pl\n"
        ";14/03/2024 09:00;;;Priority;Priority;Rural;6 Mill Rd\n"
    )
    path = tmp_path / "messy.csv"
    path.write_text(text, encoding="utf-8")
    scan = scan_population(path, TEMPLATE, MAPPING, stratify_by="final_grade")
    assert scan.header_row == 3
    assert scan.rows == 6  # the blank row and the short row are not data rows
    found = {(p.row, p.field, p.message.split(" (")[0]) for p in scan.problems}
    assert (5, "call_time", "not a date and time") in found
    assert (6, "initial_grade", "not one of: Emergency, Priority, Scheduled, Resolution without deployment") in found
    assert (7, "incident_ref", "reference INC1 repeats row 4") in found
    assert (9, None, "has 7 cells where the header has 8; row skipped") in found
    assert (10, "arrival_time", "has a date but no time") in found
    assert (11, "incident_ref", "required value is empty") in found
    assert scan.problem_total == len(scan.problems) == 6
    assert scan.duplicates[0].reference == "INC1" and scan.duplicates[0].rows == (4, 7)
    assert scan.duplicate_total == 1
    assert not scan.ok
    # cases: distinct non-empty references; strata split them by canonical grade
    assert scan.cases == 4
    assert scan.strata == {"Emergency": 1, "Priority": 3}
    assert list(iter_keys(path, TEMPLATE, MAPPING, "final_grade")) == [
        ("INC1", "Emergency"), ("INC2", "Priority"), ("INC3", "Priority"), ("INC5", "Priority"),
    ]


def test_read_cases_returns_only_asked_refs_as_json_values(tmp_path: Path) -> None:
    rows = _rows(50)
    rows[10][3] = ""
    path = _write_csv(tmp_path / "c.csv", rows)
    cases = read_cases(path, TEMPLATE, MAPPING, {"INC000003", "INC000010", "NOT-THERE"})
    assert set(cases) == {"INC000003", "INC000010"}
    case = cases["INC000003"]
    assert case["call_time"] == datetime.strptime(rows[3][1], "%d/%m/%Y %H:%M").isoformat()
    assert case["final_grade"] == rows[3][5]
    assert case["district"] is None  # template field not mapped
    assert cases["INC000010"]["arrival_time"] is None
    out = evaluate(TEMPLATE.criterion("attended_within_target"), cases["INC000010"], ForceSettings())
    assert out.answer == "n/a"


def test_fingerprint_ignores_row_order_and_sees_one_changed_cell(tmp_path: Path) -> None:
    rows = _rows(300)
    a = scan_population(_write_csv(tmp_path / "a.csv", rows), TEMPLATE, MAPPING)
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    b = scan_population(_write_csv(tmp_path / "b.csv", shuffled, delimiter=";", preamble="Extract\n\n"), TEMPLATE, MAPPING)
    assert a.ok and b.ok
    assert a.fingerprint == b.fingerprint
    changed = [r[:] for r in rows]
    changed[123][6] = "Urban" if changed[123][6] == "Rural" else "Rural"
    c = scan_population(_write_csv(tmp_path / "c.csv", changed), TEMPLATE, MAPPING)
    assert c.fingerprint != a.fingerprint
    # same values spelt differently (case, padding, date style) are the same population
    respelt = [r[:] for r in rows]
    respelt[5][5] = "  " + respelt[5][5].upper()
    respelt[6][1] = datetime.strptime(respelt[6][1], "%d/%m/%Y %H:%M").strftime("%Y-%m-%dT%H:%M:%S")
    d = scan_population(_write_csv(tmp_path / "d.csv", respelt), TEMPLATE, MAPPING)
    assert d.fingerprint == a.fingerprint
    # a dropped row changes it too
    e = scan_population(_write_csv(tmp_path / "e.csv", rows[:-1]), TEMPLATE, MAPPING)
    assert e.fingerprint != a.fingerprint


def _write_xlsx(path: Path, rows: list[list[object]], title: str | None = None) -> Path:
    wb = Workbook()
    ws = wb.worksheets[0]
    if title:
        ws.append([title])
        ws.append([])
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_with_real_dates_serial_numbers_and_text(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["INC1", datetime(2024, 3, 14, 14, 2), "14/03/2024 14:05", 45365.59791666667, "Emergency", "Emergency", "Urban", "1 High St"],
        ["INC2", "31/02/2024 10:00", None, None, "Priority", "priority", "Rural", "2 Mill Rd"],
        [3, datetime(2024, 3, 15, 9, 0), None, datetime(2024, 3, 15, 9, 30), "Priority", "Priority", "Rural", None],
        ["INC1", datetime(2024, 3, 16, 9, 0), None, None, "Priority", "Priority", "Rural", None],
    ]
    path = _write_xlsx(tmp_path / "p.xlsx", rows, title="Incidents March 2024")
    assert read_headers(path) == HEADERS
    scan = scan_population(path, TEMPLATE, MAPPING, stratify_by="area")
    assert scan.file_kind == "xlsx" and scan.header_row == 3
    assert scan.rows == 4 and scan.cases == 3
    assert scan.strata == {"Rural": 2, "Urban": 1}
    found = {(p.row, p.field) for p in scan.problems}
    assert found == {(5, "call_time"), (7, "incident_ref")}
    assert scan.duplicates[0].rows == (4, 7)
    cases = read_cases(path, TEMPLATE, MAPPING, {"INC1", "3"})
    # 45365.59791666667 is the Excel serial for 14/03/2024 14:21
    assert cases["INC1"]["arrival_time"] == "2024-03-14T14:21:00"
    assert cases["INC1"]["call_time"] == "2024-03-14T14:02:00"
    assert cases["3"]["final_grade"] == "Priority"
    out = evaluate(TEMPLATE.criterion("attended_within_target"), cases["INC1"], ForceSettings())
    assert out.answer == "no" and "= 19 min" in out.working


def test_csv_and_xlsx_of_same_data_share_fingerprint(tmp_path: Path) -> None:
    rows = _rows(40)
    a = scan_population(_write_csv(tmp_path / "a.csv", rows), TEMPLATE, MAPPING)
    typed = [[r[0], datetime.strptime(r[1], "%d/%m/%Y %H:%M"), *r[2:]] for r in rows]
    b = scan_population(_write_xlsx(tmp_path / "a.xlsx", typed), TEMPLATE, MAPPING)
    assert a.fingerprint == b.fingerprint


def test_larger_file_streams_in_batches(tmp_path: Path) -> None:
    rows = _rows(50_000, seed=11)
    rows[49_000][1] = "32/01/2024 10:00"
    rows[20_000][0] = rows[100][0]
    path = _write_csv(tmp_path / "big.csv", rows)
    seen: list[tuple[int, int | None]] = []
    scan = scan_population(path, TEMPLATE, MAPPING, stratify_by="final_grade",
                           progress=lambda done, total: seen.append((done, total)), _block_size=64 * 1024)
    assert scan.rows == 50_000 and scan.cases == 49_999
    assert sum(scan.strata.values()) == 49_999
    assert {(p.row, p.field) for p in scan.problems} == {(49_002, "call_time"), (20_002, "incident_ref")}
    assert scan.duplicates[0].rows == (102, 20_002)
    assert len(seen) > 1 and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    keys = list(iter_keys(path, TEMPLATE, MAPPING))
    assert len(keys) == 49_999 and keys[0] == ("INC000000", None)


def test_progress_can_cancel(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "a.csv", _rows(2_000))

    class Cancelled(Exception):
        pass

    def stop(done: int, total: int | None) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        scan_population(path, TEMPLATE, MAPPING, progress=stop, _block_size=4096)


def test_problem_list_is_capped_but_total_counts_all(tmp_path: Path) -> None:
    rows = _rows(1_500)
    for r in rows:
        r[6] = "Suburban"
    scan = scan_population(_write_csv(tmp_path / "a.csv", rows), TEMPLATE, MAPPING)
    assert len(scan.problems) == 1000
    assert scan.problem_total == 1500
    assert scan.problems[0].row == 2 and scan.problems[0].value == "Suburban"


def test_cp1252_file_is_read(tmp_path: Path) -> None:
    rows = _rows(5)
    rows[2][7] = "1 Caf\u00e9 Row, King\u2019s Lynn"
    path = _write_csv(tmp_path / "w.csv", rows, encoding="cp1252")
    cases = read_cases(path, TEMPLATE, MAPPING, {"INC000002"})
    assert cases["INC000002"]["location"] == "1 Caf\u00e9 Row, King\u2019s Lynn"


def test_rule_warnings_follow_clock_start(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "a.csv", _rows(5))
    mapping = {k: v for k, v in MAPPING.items() if k != "dispatch_time"}
    assert scan_population(path, TEMPLATE, mapping).warnings == ()
    warned = scan_population(path, TEMPLATE, mapping, settings=ForceSettings(clock_start="dispatch")).warnings
    assert any("“Was the incident attended within" in w and "“First resource dispatched” is not mapped" in w
               for w in warned)  # the criterion and the field in words, not their keys


# ------------------------------------------------------------------------------ errors


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(PopulationError, match="empty") as info:
        read_headers(path)
    assert info.value.path == str(path)


def test_header_but_no_data_rows(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "h.csv", [])
    with pytest.raises(PopulationError, match="no data rows") as info:
        scan_population(path, TEMPLATE, MAPPING)
    assert info.value.row == 1


def test_mapped_column_missing(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "a.csv", _rows(3))
    with pytest.raises(PopulationError) as info:
        scan_population(path, TEMPLATE, {**MAPPING, "area": "Rurality"})
    assert info.value.column == "Rurality" and info.value.field == "area"
    assert "not in the file" in str(info.value)


def test_reference_unmapped(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "a.csv", _rows(3))
    with pytest.raises(PopulationError, match="reference field is not mapped") as info:
        scan_population(path, TEMPLATE, {**MAPPING, "incident_ref": None})
    assert info.value.field == "incident_ref"


def test_not_csv_or_xlsx(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\x00\x01binary")
    with pytest.raises(PopulationError, match="not a CSV or XLSX"):
        read_headers(pdf)
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(PopulationError, match=r"\.xls"):
        read_headers(xls)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(PopulationError, match="XLSX"):
        read_headers(broken)
