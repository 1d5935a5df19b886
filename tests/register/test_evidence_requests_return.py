"""A returned evidence-request workbook that is wrong: each problem named, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.register.request_setup import TODAY, export, files_folder, fill, make_requests
from tests.services.assurance_setup import (
    OFFICER,
    count,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
)
from workbench.reports.request_workbook import DUE_COL, NEEDED_COL
from workbench.services import evidence_requests as er
from workbench.store.models import Evidence, EvidenceBlob, EvidenceRequest


@pytest.fixture
def exported(sqlite_workspace, tmp_path: Path):  # noqa: ANN201
    ids = make_requests(sqlite_workspace)
    out = export(sqlite_workspace, tmp_path / "requests.xlsx")
    return sqlite_workspace, ids, out.path


def _refused(ws, book: Path, files: Path | None) -> list[tuple[str | None, int | None, str]]:
    """Import must fail whole: the problems as (column, row, message), and nothing written."""
    with ws.unit_of_work(OFFICER, write=False) as uow:
        preview = er.preview_return(uow, book, files)
        before = {(r.id, r.status, r.version) for r in uow.session.query(EvidenceRequest)}
    with ws.unit_of_work(OFFICER) as uow, pytest.raises(er.RequestImportError) as err:
        er.import_return(uow, book, files, today=TODAY)
    assert [str(p) for p in err.value.problems] == [str(p) for p in preview.problems]
    assert "nothing was imported" in err.value.message
    assert count(ws, Evidence) == 0 and count(ws, EvidenceBlob) == 0
    with ws.unit_of_work(OFFICER, write=False) as uow:
        assert {(r.id, r.status, r.version) for r in uow.session.query(EvidenceRequest)} == before
    return [(p.column, p.row, p.message) for p in preview.problems]


def test_a_file_named_but_missing(exported, tmp_path: Path) -> None:
    ws, ids, book = exported
    rows = fill(book, {ids["a"]: ("see files", "register.xlsx\nmissing.pdf"), ids["b"]: ("ok", "")})
    folder = files_folder(tmp_path, {"register.xlsx": b"x"})
    problems = _refused(ws, book, folder)
    assert problems == [("I", rows[ids["a"]], "'missing.pdf' is named here but no file of that name came "
                                              "back in returned")]


def test_a_file_not_named(exported, tmp_path: Path) -> None:
    ws, ids, book = exported
    fill(book, {ids["a"]: ("see files", "register.xlsx")})
    folder = files_folder(tmp_path, {"register.xlsx": b"x", "stray.docx": b"y"})
    problems = _refused(ws, book, folder)
    assert len(problems) == 1 and problems[0][:2] == (None, None) and "'stray.docx' is not named" in problems[0][2]


def test_an_unknown_request_id(exported, tmp_path: Path) -> None:
    ws, ids, book = exported
    rows = fill(book, {ids["a"]: ("x", None)})
    wb = load_workbook(book)
    wb["Requests"].cell(rows[ids["a"]], 1).value = 999
    wb.save(book)
    problems = _refused(ws, book, None)
    assert problems == [("A", rows[ids["a"]], "unknown request id 999: no such request in this workspace (was the "
                                              "workbook exported from another one?)")]


def test_a_request_already_closed(exported) -> None:
    ws, ids, book = exported
    rows = fill(book, {ids["c"]: ("too late", None)})
    with ws.unit_of_work(OFFICER) as uow:
        er.withdraw_request(uow, ids["c"], "no longer needed")
    problems = _refused(ws, book, None)
    assert problems[0][:2] == ("A", rows[ids["c"]]) and "already withdrawn" in problems[0][2]
    with ws.unit_of_work(OFFICER, write=False) as uow:
        assert uow.session.get(EvidenceRequest, ids["c"]).status == "withdrawn"


@pytest.mark.parametrize("col, value, named", [(NEEDED_COL, "Nothing at all", "What is needed"),
                                               (DUE_COL, "2026-01-01", "Due by")])
def test_a_tampered_request_row(exported, col: int, value: str, named: str) -> None:
    ws, ids, book = exported
    rows = fill(book, {ids["a"]: ("done", None)})
    wb = load_workbook(book)
    wb["Requests"].cell(rows[ids["a"]], col).value = value
    wb.save(book)
    problems = _refused(ws, book, None)
    assert problems[0][:2] == ("A", rows[ids["a"]])
    assert "changed after export" in problems[0][2] and named in problems[0][2]


def test_a_workbook_that_is_not_one_of_ours(exported, tmp_path: Path) -> None:
    ws, _, _ = exported
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    with ws.unit_of_work(OFFICER) as uow, pytest.raises(er.RequestImportError, match="not an evidence-request workbook"):
        er.import_return(uow, other)
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really")
    with ws.unit_of_work(OFFICER) as uow, pytest.raises(er.RequestImportError, match="not a readable Excel"):
        er.import_return(uow, garbage)


def test_an_unsafe_zip_is_refused(exported, tmp_path: Path) -> None:
    import zipfile

    ws, ids, book = exported
    fill(book, {ids["a"]: ("x", "a.txt")})
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../a.txt", b"escape")
    with ws.unit_of_work(OFFICER) as uow, pytest.raises(er.RequestImportError, match=r"climbs out"):
        er.import_return(uow, book, bad)
    assert count(ws, Evidence) == 0


def test_a_formula_typed_as_the_reply_stays_text(exported, tmp_path: Path) -> None:
    """An owner types =cmd|... (openpyxl saves it as a real formula): the words are kept, never run."""
    ws, ids, book = exported
    fill(book, {ids["a"]: ('=HYPERLINK("http://evil","x")', None), ids["b"]: ("@SUM(A1)", None)})
    with ws.unit_of_work(OFFICER) as uow:
        er.import_return(uow, book, None, today=TODAY)
    with ws.unit_of_work(OFFICER, write=False) as uow:
        assert uow.session.get(EvidenceRequest, ids["a"]).reply == '=HYPERLINK("http://evil","x")'
        assert uow.session.get(EvidenceRequest, ids["b"]).reply == "@SUM(A1)"
