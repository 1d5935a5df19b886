"""XLSX extracts read whole by python-calamine only when a grid of their used range is safe to build,
with the same values as the streaming openpyxl reader; and sheets opened without a full parse."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from workbench.importers import population_source
from workbench.importers.population_source import detect_layout, iter_batches
from workbench.importers.xlsx_dense import fits_dense

CELLS = b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="L1"><v>1</v></c></row></sheetData>'


class _Trickle(io.BytesIO):
    """A part read a few bytes at a time: every tag is cut by a block's end somewhere."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(5)


@pytest.mark.parametrize(("edit", "fits"), [
    ((b"", b""), True),
    ((b'"L1"', b'"M1"'), False),  # a column past the 12 read
    ((b'"L1"', b'"m1"'), False),  # lower case, as readers take it
    ((b'"L1"', b'"l1"'), True),
    ((b'"L1"', b'"AA1"'), False),
    ((b'"L1"', b"'XFD1'"), False),  # single quotes
    ((b'"L1"', b'"L1048577"'), False),  # past Excel's last row
    ((b'<c r="L1">', b"<c>"), False),  # a cell that does not say where it is
    ((b'<c r="L1">', b'<c s="1">'), False),
    ((b'<c r="L1">', b'<c\ts="1">'), False),
    ((b'<c r="L1"><v>1</v></c>', b"<c/>"), False),
    ((b'<c r="L1">', b'<c s="1" r="L1">'), True),  # the reference need not come first
    ((b'<c r="L1">', b'<x:c r="L1">'), True),  # a namespace prefix
    ((b'<c r="L1">', b'<x:c s="2">'), False),
])
def test_every_cell_must_lie_within_the_columns_read_and_say_where_it_is(edit: tuple[bytes, bytes],
                                                                         fits: bool) -> None:
    xml = CELLS.replace(*edit) if edit[0] else CELLS
    assert fits_dense(io.BytesIO(xml), 12) is fits
    assert fits_dense(_Trickle(xml), 12) is fits


def test_the_rows_allowed_shrink_as_the_sheet_widens() -> None:
    assert fits_dense(io.BytesIO(CELLS.replace(b'"L1"', b'"L99"')), 12, cells=12 * 99)
    assert not fits_dense(io.BytesIO(CELLS.replace(b'"L1"', b'"L100"')), 12, cells=12 * 99)
    assert fits_dense(io.BytesIO(CELLS.replace(b'"L1"', b'"AMJ1"')), 1024)
    assert not fits_dense(io.BytesIO(CELLS.replace(b'"L1"', b'"AMK1"')), 1024)


def _extract(path: Path, first_row: int = 1, stray: str | None = None) -> Path:
    """An extract with text, real dates, numbers, a boolean, blank cells and blank rows, its header
    on `first_row` (a title above it), and optionally one stray cell far away."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if first_row > 1:
        ws.cell(row=1, column=2, value="Incidents, March 2024")
    ws.append([]) if first_row > 2 else None
    ws.cell(row=first_row, column=1, value="Ref")
    for col, name in enumerate(("Called", "Arrived", "Minutes", "Flag", "Note"), start=2):
        ws.cell(row=first_row, column=col, value=name)
    for i in range(1, 301):
        row = first_row + i + (i > 150)  # one blank row in the middle
        ws.cell(row=row, column=1, value=f"INC-{i:05d}")
        ws.cell(row=row, column=2, value=datetime(2024, 3, 1 + i % 28, 9, i % 60))
        ws.cell(row=row, column=3, value=date(2024, 3, 1 + i % 28) if i % 7 else None)
        ws.cell(row=row, column=4, value=(i * 1.5) if i % 2 else i)
        ws.cell(row=row, column=5, value=bool(i % 3))
        ws.cell(row=row, column=6, value="" if i % 5 == 0 else f"note {i}")
    if stray:
        ws[stray] = "stray"
    wb.save(path)
    return path


def _batches(path: Path) -> list[tuple[list[int], dict[str, list[str]]]]:
    layout = detect_layout(path)
    out = []
    for batch in iter_batches(path, layout, list(layout.headers), ["Called", "Arrived"]):
        out.append((batch.rows.to_pylist(), {k: v.to_pylist() for k, v in batch.columns.items()}))
    return out


@pytest.mark.parametrize("first_row", [1, 3])
def test_the_grid_reader_gives_what_the_streaming_reader_gives(tmp_path: Path, first_row: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = _extract(tmp_path / "extract.xlsx", first_row)
    read: list[str] = []
    real = population_source._dense_rows

    def dense(*args: object, **kwargs: object) -> object:
        rows = real(*args, **kwargs)  # type: ignore[arg-type]
        read.append("grid" if rows is not None else "stream")
        return rows

    monkeypatch.setattr(population_source, "_dense_rows", dense)
    by_grid = _batches(path)
    monkeypatch.setattr(population_source, "_dense_rows", lambda *a, **k: read.append("stream"))
    streamed = _batches(path)
    assert read == ["grid", "stream"]
    assert by_grid == streamed
    rows, columns = by_grid[0]
    assert rows[0] == first_row + 1 and columns["Ref"][0] == "INC-00001"
    assert columns["Called"][0] == "2024-03-02T09:01:00" and columns["Minutes"][:2] == ["1.5", "2"]


def test_a_stray_cell_far_away_is_streamed_not_read_as_a_grid(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = _extract(tmp_path / "stray.xlsx", stray="AZ5000")
    read: list[bool] = []
    real = population_source._dense_rows
    monkeypatch.setattr(population_source, "_dense_rows",
                        lambda *a, **k: read.append((rows := real(*a, **k)) is not None) or rows)  # type: ignore[func-returns-value]
    batches = _batches(path)
    assert read == [False]
    assert batches[0][1]["Ref"][0] == "INC-00001"


def _lying_dimension(src: Path, out: Path) -> Path:
    """The sheet's dimension says it spans its data, but it holds a cell at XFD1048576 too: a grid of
    it would need half a terabyte (the grid reader would end the process)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
                                    b"</sheetData>")
            zout.writestr(info, data)
    return out


def test_a_sheet_whose_dimension_lies_is_checked_without_ending_the_process(tmp_path: Path) -> None:
    plain = _extract(tmp_path / "plain.xlsx")
    hostile = _lying_dimension(plain, tmp_path / "hostile.xlsx")
    probe = ("import sys\n"
             "from workbench.importers.population_source import detect_layout, iter_batches\n"
             "layout = detect_layout(sys.argv[1])\n"
             "print(sum(len(b.rows) for b in iter_batches(sys.argv[1], layout, list(layout.headers))))\n")
    done = subprocess.run([sys.executable, "-c", probe, str(hostile)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    # streamed, up to the last row the sheet declares: the plain extract's rows
    assert int(done.stdout.split()[-1]) == sum(len(rows) for rows, _ in _batches(plain))


def test_a_sheet_without_a_dimension_is_opened_without_reading_it_all(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.worksheet import _reader

    from workbench.errors import InputError
    from workbench.importers.xlsx_guard import open_xlsx

    wb = openpyxl.Workbook(write_only=True)  # openpyxl's write-only mode writes no <dimension>
    ws = wb.create_sheet("Data")
    for i in range(2000):
        ws.append([f"INC-{i:05d}", i])
    wb.save(tmp_path / "unsized.xlsx")
    sized = _extract(tmp_path / "sized.xlsx")
    parsed: list[str] = []
    real = _reader.WorkSheetParser.parse_dimensions
    monkeypatch.setattr(_reader.WorkSheetParser, "parse_dimensions",
                        lambda self: parsed.append("whole sheet") or real(self))  # type: ignore[func-returns-value]

    def fail(message: str, hint: str) -> Exception:
        return InputError(message, hint)

    unsized = open_xlsx(tmp_path / "unsized.xlsx", fail)
    try:
        assert unsized.book["Data"].max_row is None  # unsized, as openpyxl says of it
    finally:
        unsized.close()
    handle = open_xlsx(sized, fail)
    try:
        assert handle.book.worksheets[0].max_row == 302 and handle.book.worksheets[0].max_column == 6
    finally:
        handle.close()
    assert parsed == []
