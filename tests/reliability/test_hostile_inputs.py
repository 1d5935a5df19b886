"""Each crash class once seen in the importers, from a generated input: a typed error naming the
file (and row or line where there is one), or, for a valid file, the right reading."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.reliability.fuzz_targets import (
    HEADERS,
    MAPPING,
    TARGETS,
    fieldwork_seeds,
    population_rows,
    population_template,
    xlsx_seeds,
)
from workbench.errors import WorkbenchError
from workbench.importers.fieldwork_xlsx import FieldworkImportError
from workbench.importers.population import PopulationError, read_cases, read_headers, scan_population
from workbench.importers.report_source import ReportImportError, read_report
from workbench.importers.xlsx_guard import XlsxLimits, check_xlsx
from workbench.limits import MAX_LINE_CHARS
from workbench.reports.bundle_verify import BROKEN, verify_bundle
from workbench.templates import load_template
from workbench.templates.schema import TemplateError


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_cr_inside_a_quoted_field_is_read_not_refused(tmp_path: Path) -> None:
    """A valid CSV (once a _csv.Error): CR, LF and CRLF inside quotes, in the header and the data."""
    rows = population_rows(6)
    header = ",".join(f'"{h}"' if h != "Address" else '"Add\rress"' for h in HEADERS)
    lines = [header] + [",".join(f'"{v}"' if "\r" not in v else '"' + v.replace('"', '""') + '"' for v in row)
                        for row in rows]
    path = tmp_path / "quoted.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    assert read_headers(path)[-1] == "Add ress"  # header names are tidied; the record stays one column
    mapping = dict(MAPPING, location="Add ress")
    scan = scan_population(path, population_template(), mapping)
    assert scan.rows == 6 and scan.ok, scan.problems[:3]
    cases = read_cases(path, population_template(), mapping, {"INC000000", "INC000002"})
    assert [cases[r]["location"] for r in ("INC000000", "INC000002")] == ['0 "High"\r Street', '2 "High"\r Street']


def test_undecodable_bytes_deep_in_a_csv_name_the_row(tmp_path: Path) -> None:
    """UnicodeDecodeError: cp1252 has no character for 0x81/0x9d; the head decides the encoding."""
    rows = population_rows(40)
    body = "\n".join(",".join(r).replace("\r", " ") for r in rows)
    head = ",".join(HEADERS) + "\n" + body.replace("High", "Hi\u00e9gh", 1)
    data = head.encode("cp1252") + b"\n" + b"INC9,\x81\x9d" * 200_000 + b"\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    try:
        scan_population(path, population_template(), MAPPING)
    except PopulationError as exc:
        assert str(path) in str(exc) and exc.hint
    # reading on (latin-1 fallback) is acceptable too: what matters is no traceback


def test_xlsx_named_csv_is_read_by_content(tmp_path: Path) -> None:
    """InvalidFileException: openpyxl refused the name; the content decides."""
    path = tmp_path / "extract.csv"
    path.write_bytes(xlsx_seeds()[0])
    assert read_headers(path) == HEADERS
    assert scan_population(path, population_template(), MAPPING).rows == 12


@pytest.mark.parametrize("damage", ["zlib", "xml", "eof", "index", "version", "patched"])
def test_damaged_xlsx_parts_are_typed_errors(tmp_path: Path, damage: str) -> None:
    """zlib.error, ParseError, EOFError, IndexError, NotImplementedError (zip version, flag bit 5)."""
    good = xlsx_seeds()[0]
    members = _members(good)
    sheet = "xl/worksheets/sheet1.xml"
    data: bytes | bytearray
    if damage == "zlib":
        data = bytearray(good)
        start = good.index(sheet.encode()) + len(sheet) + 40
        data[start:start + 30] = b"\xff" * 30  # compressed bytes of the sheet made invalid
        data = bytes(data)
    elif damage == "xml":
        members[sheet] = members[sheet].replace(b"</sheetData>", b"<row><c r=")
        data = _zip(members)
    elif damage == "eof":
        data = good[: len(good) // 2]
    elif damage == "index":
        members[sheet] = members[sheet].replace(b'r="A3"', b'r="A"', 1)
        data = _zip(members)
    elif damage == "version":
        data = bytearray(good)
        cd = good.rindex(b"PK\x01\x02")
        data[cd + 6:cd + 8] = (99).to_bytes(2, "little")  # "version needed to extract" 9.9
        data = bytes(data)
    else:
        data = bytearray(good)
        cd = good.rindex(b"PK\x01\x02")
        data[cd + 8] |= 0x20  # flag bit 5: compressed patched data
        data = bytes(data)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(data)
    try:
        read_headers(path)
        scan_population(path, population_template(), MAPPING)
    except PopulationError as exc:
        assert str(path) in str(exc) and exc.hint
    fw = tmp_path / "fieldwork.xlsx"
    fw.write_bytes(data)
    with pytest.raises(FieldworkImportError) as info:
        TARGETS["fieldwork-workbook"].run(fw)
    assert "fieldwork.xlsx" in str(info.value) and info.value.hint


def test_fieldwork_workbook_with_a_bad_zip_version_is_refused(tmp_path: Path) -> None:
    data = bytearray(fieldwork_seeds()[0])
    cd = bytes(data).rindex(b"PK\x01\x02")
    data[cd + 6:cd + 8] = (99).to_bytes(2, "little")
    path = tmp_path / "fieldwork.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(FieldworkImportError, match="zip version|readable"):
        TARGETS["fieldwork-workbook"].run(path)


def test_a_zip_bomb_xlsx_is_refused_before_expanding(tmp_path: Path) -> None:
    """A small file whose text table would expand a thousand times is refused from the directory alone."""
    members = _members(xlsx_seeds()[0])
    members["xl/sharedStrings.xml"] = b"<sst>" + b"<si><t>A</t></si>" * 1_500_000 + b"</sst>"
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_zip(members))
    assert path.stat().st_size < 200_000
    with pytest.raises(PopulationError, match="zip bomb") as info:
        read_headers(path)
    assert info.value.hint
    with pytest.raises(PopulationError, match="over the"):
        check_xlsx(path, lambda m, h: PopulationError(m, path=path, hint=h),
                   XlsxLimits(max_ratio=1e9, max_total_size=10_000_000))


def test_a_cell_in_column_xfd_is_refused_at_once(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(HEADERS)
    for row in population_rows(5):
        ws.append(row)
    ws["XFD3"] = "stray"
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    with pytest.raises(PopulationError, match="column XFD") as info:
        read_headers(path)
    assert "stray cells" in info.value.hint


def test_a_far_cell_without_a_dimension_is_read_sparsely(tmp_path: Path) -> None:
    """Without a <dimension>, only the header's columns are read, whatever lies far to the right."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(HEADERS)
    for row in population_rows(5):
        ws.append(row)
    ws["XFD3"] = "stray"
    buf = io.BytesIO()
    wb.save(buf)
    members = _members(buf.getvalue())
    sheet = "xl/worksheets/sheet1.xml"
    import re

    members[sheet] = re.sub(rb"<dimension[^>]*/>", b"", members[sheet])
    path = tmp_path / "wide.xlsx"
    path.write_bytes(_zip(members))
    started = time.process_time()
    headers = read_headers(path)
    scan = scan_population(path, population_template(), MAPPING)
    assert headers[:8] == HEADERS and scan.rows == 5
    del started  # no assertion on time: the read is bounded by the header width by construction


@pytest.mark.parametrize("text", ["key = " + "[" * 3000 + "]" * 3000, "a = " + "{b = " * 3000 + "1" + "}" * 3000])
def test_deeply_nested_toml_is_a_template_error(text: str) -> None:
    """RecursionError in tomllib."""
    with pytest.raises(TemplateError, match="nested") as info:
        load_template(text + "\n")
    assert info.value.hint


def test_deeply_nested_manifest_is_reported_by_verify(tmp_path: Path) -> None:
    """RecursionError in json, in verify: a FAILED verdict naming the manifest, no traceback."""
    path = tmp_path / "bundle.zip"
    path.write_bytes(_zip({"manifest.json": b"[" * 100_000 + b"]" * 100_000, "manifest.json.p7s": b"0"}))
    report = verify_bundle(path, ())
    assert report.verdict == BROKEN
    assert any(p.path == "manifest.json" and "deep" in p.what for p in report.problems)


def test_a_report_line_over_the_limit_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Areas for improvement\n" + "x" * (MAX_LINE_CHARS + 1) + "\n")
    with pytest.raises(ReportImportError) as info:
        read_report(path)
    assert info.value.line == 2 and "report.txt, line 2" in str(info.value) and info.value.hint


def test_every_importer_error_has_a_hint(tmp_path: Path) -> None:
    """Garbage to each importer: a WorkbenchError with a hint, whatever the kind."""
    for name, target in TARGETS.items():
        if name == "bundle":
            continue  # verify reports, it does not raise
        path = tmp_path / f"garbage{target.suffixes[0]}"
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 64 if target.zipped else b"\x01\x02 not it \xff" * 10)
        with pytest.raises(WorkbenchError) as info:
            target.run(path)
        assert info.value.hint, (name, str(info.value))
