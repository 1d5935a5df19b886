"""Reading a tracker: CSV in any encoding with line breaks in quoted cells, workbooks with title rows and
merged cells, the values people type, and every hostile file refused with a typed error saying where."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.register.tracker_files import messy_tracker
from workbench.errors import WorkbenchError
from workbench.importers.tracker_columns import parse_map_options, suggest_mapping
from workbench.importers.tracker_read import TrackerError, read_tracker
from workbench.importers.tracker_values import rag_of_colour, read_date, read_rag


def test_a_workbook_with_a_title_row_and_merged_cells(tmp_path: Path) -> None:
    t = read_tracker(messy_tracker(tmp_path / "t.xlsx"))
    assert (t.kind, t.sheet, t.header_row) == ("xlsx", "Tracker", 3)
    assert t.headers[:3] == ("Ref", "Report", "Recommendation / AFI")
    by_row = {r.number: r for r in t.rows}
    assert by_row[8].text(1) == "Vetting, misconduct and misogyny thematic (2022)"  # from B7:B8
    assert by_row[8].cells[1].merged == by_row[7].cells[1].merged == "B7:B8"
    assert by_row[4].cells[1].merged == ""
    assert all(c.merged == "A10:J10" for c in by_row[10].cells)
    assert by_row[5].cells[6].fill == "FF00B050" and by_row[5].cells[4].value == datetime(2026, 4, 3)
    assert any("merged" in n for n in t.notes) and any("header is row 3" in n for n in t.notes)
    with pytest.raises(TrackerError, match="no header row found"):  # the other sheet holds no tracker
        read_tracker(tmp_path / "t.xlsx", sheet="Notes")


def test_a_merged_header_gives_each_column_its_own_name(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(["Ref", "Finding", "Owner", None, "Status"])
    ws.merge_cells("C1:D1")
    ws.append(["R1", "Text", "DI Cole", "DS Hart", "Open"])
    wb.save(tmp_path / "h.xlsx")
    t = read_tracker(tmp_path / "h.xlsx")
    assert t.headers == ("Ref", "Finding", "Owner", "Owner (2)", "Status")
    assert any("'Owner' is one merged cell (C1:D1)" in n for n in t.notes)
    assert t.rows[0].text(3) == "DS Hart"  # the data below keeps its own values


def test_csv_in_windows_1252_with_line_breaks_and_a_bare_cr_inside_quotes(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("Ref;Finding;Owner\r\nR1;\"Victims’ needs\r\nassessed\ron first contact\";DI Cole\r\n"
                     "R2;Crime is recorded – accurately;DS Hart\r\n".encode("cp1252"))
    t = read_tracker(path)
    assert t.headers == ("Ref", "Finding", "Owner")
    assert [r.text(0) for r in t.rows] == ["R1", "R2"]
    assert t.rows[0].text(1) == "Victims’ needs\nassessed\non first contact"
    assert t.rows[1].text(1) == "Crime is recorded – accurately" and t.rows[1].number == 3
    assert any("Windows-1252" in n for n in t.notes)


def test_utf16_and_bom_csv_read(tmp_path: Path) -> None:
    for name, data in (("a.csv", "\ufeffRef,Finding\nR1,Café\n".encode("utf-8")),
                       ("b.csv", "Ref\tFinding\nR1\tCafé\n".encode("utf-16"))):
        (tmp_path / name).write_bytes(data)
        t = read_tracker(tmp_path / name)
        assert t.headers == ("Ref", "Finding") and t.rows[0].text(1) == "Café"


def test_an_xlsx_named_csv_is_read_as_the_workbook_it_is(tmp_path: Path) -> None:
    src = messy_tracker(tmp_path / "t.xlsx")
    disguised = tmp_path / "tracker.csv"
    disguised.write_bytes(src.read_bytes())
    t = read_tracker(disguised)
    assert t.kind == "xlsx" and t.header_row == 3
    assert any("Excel workbook (named .csv)" in n for n in t.notes)


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"\r\n  \r\n", "the file is empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old binary Excel"),
    (b"%PDF-1.7\n%...", "not a tracker"),
    (b"\x00\x01\x02\x03binary" * 50, "not a tracker"),
    (b"PK\x03\x04 this is no zip at all", "not a readable Excel workbook"),
    (b"Ref,Finding,Owner\n", "a header but no rows"),
    (b"just one line of words\n", "no header row found"),
])
def test_hostile_files_give_a_typed_error_naming_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(content)
    with pytest.raises(TrackerError, match=message) as err:
        read_tracker(path)
    assert str(path) in str(err.value) and err.value.path == str(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    with pytest.raises(TrackerError, match="not a readable Excel workbook"):
        read_tracker(path)


def test_a_huge_cell_range_is_refused_naming_the_column_or_row(tmp_path: Path) -> None:
    wide = Workbook()
    wide.worksheets[0].append(["Ref", "Finding"])
    wide.worksheets[0].cell(row=2, column=2000, value="stray")
    wide.save(tmp_path / "wide.xlsx")
    with pytest.raises(TrackerError, match="column BXX") as err:
        read_tracker(tmp_path / "wide.xlsx")
    assert "wide.xlsx" in str(err.value)
    tall = Workbook()
    tall.worksheets[0].append(["Ref", "Finding"])
    tall.worksheets[0].cell(row=500_000, column=1, value="stray")
    tall.save(tmp_path / "tall.xlsx")
    with pytest.raises(TrackerError, match="uses 500,000 rows") as err:
        read_tracker(tmp_path / "tall.xlsx")
    assert err.value.row == 500_000


def test_a_broken_csv_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Ref,Finding\nR1,ok\nR2," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(TrackerError, match="row 3") as err:
        read_tracker(path)
    assert err.value.row == 3


def test_a_missing_sheet_names_the_sheets(tmp_path: Path) -> None:
    with pytest.raises(TrackerError, match="its sheets are: Tracker, Notes"):
        read_tracker(messy_tracker(tmp_path / "t.xlsx"), sheet="Actions")
    path = tmp_path / "t.csv"
    path.write_text("Ref,Finding\nR1,x\n", encoding="utf-8")
    with pytest.raises(TrackerError, match="a CSV file has no sheets"):
        read_tracker(path, sheet="Tracker")


@pytest.mark.parametrize("value, expected", [
    ("2025-04-03", date(2025, 4, 3)), ("2025-04-03 00:00:00", date(2025, 4, 3)),
    ("03/04/2025", date(2025, 4, 3)), ("3/4/25", date(2025, 4, 3)), ("03.04.2025", date(2025, 4, 3)),
    ("3 April 2025", date(2025, 4, 3)), ("3rd Apr 2025", date(2025, 4, 3)), ("April 3, 2025", date(2025, 4, 3)),
    ("03-Apr-25", date(2025, 4, 3)), (45750, date(2025, 4, 3)), ("45750", date(2025, 4, 3)),
    (datetime(2025, 4, 3, 9, 30), date(2025, 4, 3)), (date(2025, 4, 3), date(2025, 4, 3)),
])
def test_dates_in_the_formats_trackers_use(value: object, expected: date) -> None:
    assert read_date(value).value == expected and not read_date(value).problem


@pytest.mark.parametrize("value, problem", [
    ("31/02/2025", "not a real date"), ("04/13/2025", "month first"), ("April 2025", "names a month"),
    ("TBC", "is not a date"), (12, "is not a date"), ("2025-13-01", "not a real date"),
])
def test_dates_that_are_not_are_flagged(value: object, problem: str) -> None:
    reading = read_date(value)
    assert reading.value is None and problem in reading.problem


def test_rag_words_letters_and_colours() -> None:
    assert [read_rag(v)[0] for v in ("Amber", "A", "RAG: red", "Amber/Green", "g", "Blue", "BLACK")] == [
        "amber", "amber", "red", "amber", "green", "blue", "blue"]
    assert read_rag("Purple")[1].startswith("'Purple' is not a RAG rating")
    assert [rag_of_colour(c) for c in ("FFFF0000", "FFFFC000", "FF00B050", "FFC6EFCE", "FFFFEB9C", "FFFFFFFF",
                                       "FF808080", "FF0070C0", "theme")] == [
        "red", "amber", "green", "green", "amber", "", "", "blue", ""]
    assert read_rag(None, "FFFF0000") == ("red", "")


def test_the_mapping_is_suggested_from_contents_when_names_say_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Col A,Col B,Col C,Col D\n"
                    "AFI 1,The force should make sure that every investigation is supervised and recorded.,"
                    "31/03/2026,Ongoing\n"
                    "AFI 2,The force should make sure that victims are updated at least every 28 days.,"
                    "2026-06-30,Complete\n", encoding="utf-8")
    fields = {c.name: (c.field, c.why) for c in suggest_mapping(read_tracker(path))}
    assert fields == {"Col A": ("reference", "its values look like references"),
                      "Col B": ("text", "its values are long texts"),
                      "Col C": ("due_date", "its values are dates"), "Col D": ("status", "its values are statuses")}
    assert parse_map_options(["Col A=note", "Col B = Due date", "x=y=reference"]) == {
        "Col A": "", "Col B": "due_date", "x=y": "reference"}
    with pytest.raises(TrackerError, match="is not COLUMN=FIELD"):
        parse_map_options(["Owner"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(max_size=600),
    st.text(alphabet=st.sampled_from(list('ab,;\t"\r\n 1/-') + ["é", "\x00", "’"]), max_size=300)
    .map(lambda s: s.encode("utf-8")),
    st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=5), max_size=6)
    .map(lambda rows: "\n".join(",".join('"' + c.replace('"', '""') + '"' for c in r) for r in rows).encode()),
))
def test_fuzz_the_reader_reads_or_refuses_with_a_typed_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        t = read_tracker(path)
    except WorkbenchError as exc:
        assert isinstance(exc, TrackerError) and exc.path == str(path)
        return
    assert t.rows and all(len(r.cells) == len(t.headers) for r in t.rows)
    suggest_mapping(t)
