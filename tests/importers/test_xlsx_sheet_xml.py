"""What the raw sheet XML tells that a read-only openpyxl sheet does not: whether a cell holds a formula."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from workbench.errors import InputError
from workbench.importers.xlsx_guard import open_xlsx


def _fail(message: str, hint: str) -> Exception:
    return InputError(message, hint)


def _book(path: Path, formula: str | None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Cases"
    for row in range(1, 3000):  # a sheet larger than one read block once compressed away
        ws.append([f"INC-{row:06d}", "yes", "a long enough note to fill the sheet's XML " * 3])
    if formula:
        ws["D2999"] = formula
    wb.save(path)
    return path


def _with_sheet_xml(src_path: Path, out_path: Path, edit: Callable[[bytes], bytes]) -> Path:
    """A copy of the workbook with its first sheet's XML edited by hand."""
    with zipfile.ZipFile(src_path) as src, zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, edit(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return out_path


@pytest.mark.parametrize("formula", [None, "=1+1"])
def test_a_formula_anywhere_in_the_sheet_is_seen(tmp_path: Path, formula: str | None) -> None:
    handle = open_xlsx(_book(tmp_path / "b.xlsx", formula), _fail)
    try:
        assert handle.has_formulas("Cases") is (formula is not None)
    finally:
        handle.close()


def test_a_prefixed_formula_element_is_seen(tmp_path: Path) -> None:
    """Some writers put the sheet in a prefixed namespace (<x:f>), which is still a formula."""
    prefixed = _with_sheet_xml(_book(tmp_path / "plain.xlsx", None), tmp_path / "prefixed.xlsx", lambda data: data.replace(
        b"</sheetData>", b'<row r="3000"><c r="A3000"><x:f>1+1</x:f></c></row></sheetData>'))
    handle = open_xlsx(prefixed, _fail)
    try:
        assert handle.has_formulas("Cases")
    finally:
        handle.close()


@pytest.mark.parametrize("prefix", ["x", "my-ns", "a.b", "a_very_long_namespace_prefix_indeed"])
def test_any_namespace_prefix_and_a_tag_cut_by_a_block_are_seen(tmp_path: Path, prefix: str) -> None:
    def straddling(data: bytes) -> bytes:
        before, _, after = data.partition(b"</sheetData>")
        pad = (1 << 20) - len(before) - 20 - len(prefix)  # the tag straddles the first 1 MiB block
        return (before + b"<!--" + b" " * max(pad, 0) + b"-->" + f'<row r="3000"><c r="A3000"><{prefix}:f>1+1'
                f"</{prefix}:f></c></row>".encode() + b"</sheetData>" + after)

    odd = _with_sheet_xml(_book(tmp_path / "plain.xlsx", None), tmp_path / "odd.xlsx", straddling)
    handle = open_xlsx(odd, _fail)
    try:
        assert handle.has_formulas("Cases")
    finally:
        handle.close()
