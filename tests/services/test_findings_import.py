"""Importing real HMICFRS publications into the register: one publication, one inspection; the
inspectorate's status kept apart from the force's; encodings; user corrections applied and logged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN
from workbench.errors import InputError
from workbench.services import findings
from workbench.services.findings import Correction
from workbench.store.models import ChangeLogEntry, Finding, Inspection

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "reports"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared reports corpus is not beside the repository")
LETTER = CORPUS / "gloucestershire-2024-letter.txt"
LIST = CORPUS / "westmercia-2018-19-findings-list.txt"
TABLE = CORPUS / "greatermanchester-2020-coc-table.txt"


def _import(ws, path, **kw):
    with ws.unit_of_work(ADMIN) as uow:
        return findings.import_report(uow, path, **kw)


def _count(ws, model) -> int:
    with ws.unit_of_work(ADMIN, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


@needs_corpus
@pytest.mark.parametrize("first, second", [
    ("gloucestershire-2024-letter.txt", "gloucestershire-2024-letter.html"),
    ("gloucestershire-2024-letter.txt", "gloucestershire-2024-letter.pdf"),
    ("westmercia-2018-19-findings-list.pdf", "westmercia-2018-19-findings-list.txt"),
    ("staffordshire-2022-accelerated-coc.txt", "staffordshire-2022-accelerated-coc-cp1252.txt"),
    ("staffordshire-2018-detailed-findings.txt", "staffordshire-2018-detailed-findings-pdfcopy.txt"),
])
def test_the_same_publication_in_another_format_is_one_inspection(workspace, first, second) -> None:
    a = _import(workspace, CORPUS / first)
    assert a.new_inspection and a.added
    dry = _import(workspace, CORPUS / second, dry_run=True)
    assert not dry.new_inspection and dry.added == () and dry.same_publication
    assert dry.inspection.id == a.inspection.id
    if dry.same_publication != "the same text":  # another format: the user is told
        assert any("same publication" in w for w in dry.warnings)
    b = _import(workspace, CORPUS / second)
    assert b.added == () and len(b.unchanged) == len(a.added) and not b.new_inspection
    assert _count(workspace, Inspection) == 1 and _count(workspace, Finding) == len(a.added)


@needs_corpus
def test_inspectorate_status_is_kept_apart_from_the_forces(workspace) -> None:
    result = _import(workspace, LIST)
    assert [f.inspectorate_status for f in result.added][:3] == ["Completed", "Completed", "Superseded"]
    assert all(f.status == "awaiting allocation" for f in result.added)  # the force's own status is untouched
    letter = _import(workspace, LETTER)
    coc = letter.added[0]
    assert (coc.kind, coc.inspectorate_status, str(coc.inspectorate_status_date)) == \
        ("cause_of_concern", "Closed", "2024-12-09")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        row = uow.session.get(Finding, coc.id)
        assert row.inspectorate_status == "Closed" and row.status == "awaiting allocation"
        assert "closing the cause of concern" in row.inspectorate_status_note
        recs = [f for f in findings.list_findings(uow) if f.parent_ref == coc.ref and f.inspection == coc.inspection]
        assert len(recs) == 2


@needs_corpus
def test_a_letter_closing_a_registered_cause_of_concern_records_a_status_not_a_finding(workspace, tmp_path) -> None:
    raising = tmp_path / "raising.txt"
    raising.write_text(
        "Gloucestershire Constabulary PEEL 2021/22\nPublished on: 1 March 2022\n\nCause of concern\n\n"
        "The constabulary needs to improve the time it takes to answer emergency and non-emergency calls\n\n"
        "Too many 999 calls wait.\n", encoding="utf-8")
    first = _import(workspace, raising)
    assert [f.kind for f in first.added] == ["cause_of_concern"]
    letter = _import(workspace, LETTER)
    assert letter.added == () and letter.status_updates == ("CoC 1: Closed",)
    assert _count(workspace, Finding) == 1 and _count(workspace, Inspection) == 1
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        row = uow.session.scalars(select(Finding)).one()
        assert row.inspectorate_status == "Closed" and str(row.inspectorate_status_date) == "2024-12-09"
        entry = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.action == "inspectorate status")).one()
        assert entry.after["inspectorate_status"] == "Closed"


@needs_corpus
def test_windows_1252_detected_and_encoding_can_be_given(workspace) -> None:
    path = CORPUS / "gloucestershire-2024-letter-cp1252.txt"
    dry = _import(workspace, path, dry_run=True)
    assert any("read as Windows-1252" in w for w in dry.warnings)
    given = _import(workspace, path, dry_run=True, encoding="cp1252")
    assert not any("read as" in w for w in given.warnings)
    assert [f.title for f in given.added] == [f.title for f in dry.added]
    with pytest.raises(InputError.__mro__[1]) as err:  # WorkbenchError: unknown codec
        _import(workspace, path, dry_run=True, encoding="no-such-codec")
    assert "unknown text encoding" in str(err.value)


@needs_corpus
def test_corrections_change_what_is_imported_and_are_logged(workspace) -> None:
    dry = _import(workspace, TABLE, dry_run=True)
    keys = {f.ref: f.key for f in dry.added}
    assert all(f.source_text for f in dry.added)
    corrections = [
        Correction("title", keys["CoC 1"], "The force does not record all reported crimes"),
        Correction("kind", keys["CoC 2"], "afi"),
        Correction("attach", keys["CoC 2 R1"], other=keys["CoC 1"]),
        Correction("drop_figure", keys["CoC 1 R1"], 0),
    ]
    preview = findings.corrected_preview(dry, corrections)
    assert [(f.ref, f.kind, f.parent_ref) for f in preview.added] == [
        ("CoC 1", "cause_of_concern", None), ("CoC 1 R1", "recommendation", "CoC 1"),
        ("AFI 1", "afi", None), ("CoC 1 R2", "recommendation", "CoC 1")]
    assert preview.added[0].title == "The force does not record all reported crimes"
    assert preview.added[1].figures == ()
    result = _import(workspace, TABLE, corrections=corrections)
    assert [(f.ref, f.kind, f.parent_ref) for f in result.added] == \
        [(f.ref, f.kind, f.parent_ref) for f in preview.added]
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        entry = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.action == "import corrections")).one()
        assert len(entry.after["corrections"]) == 4 and "title set to" in entry.after["described"][0]
        assert uow.session.scalar(select(Finding).where(Finding.ref == "CoC 1")).title.startswith("The force does not")


def test_split_and_merge_corrections(workspace, tmp_path) -> None:
    path = tmp_path / "two.txt"
    path.write_text("Kent Police PEEL 2021/22\n\nAreas for improvement\n\n"
                    "- The force should improve how it records crime. The force should review its 101 service.\n"
                    "- The force should train its supervisors.\n", encoding="utf-8")
    dry = _import(workspace, path, dry_run=True)
    first, second = dry.added
    split = findings.corrected_preview(dry, [Correction("split", first.key, "The force should review")])
    assert [f.title for f in split.added] == ["The force should improve how it records crime",
                                              "The force should review its 101 service",
                                              "The force should train its supervisors"]
    assert [f.ref for f in split.added] == ["AFI 1", "AFI 2", "AFI 3"]
    merged = findings.corrected_preview(dry, [Correction("merge", first.key, other=second.key)])
    assert len(merged.added) == 1 and merged.added[0].text.endswith("train its supervisors.")
    with pytest.raises(InputError, match="no finding"):
        findings.corrected_preview(dry, [Correction("title", "#99", "x")])
    with pytest.raises(InputError, match="not a correction"):
        findings.correction_from_dict(json.loads('{"op": "explode", "key": "#1"}'))
    _import(workspace, path, corrections=[Correction("split", first.key, "The force should review")])
    assert _count(workspace, Finding) == 3


def test_a_force_given_on_reimport_fills_an_inspection_that_named_none(workspace, tmp_path) -> None:
    """The report named no force; importing it again with --force records it (logged); a different
    force on an inspection that names one is not applied, and the import says so."""
    report = tmp_path / "afis.txt"
    report.write_text("Areas for improvement\n\n- The force should review how it grades calls for service.\n",
                      encoding="utf-8")
    _import(workspace, report)
    again = _import(workspace, report, force="Norfolk Constabulary")
    assert any("now recorded as its force" in w for w in again.warnings)
    other = _import(workspace, report, force="Suffolk Constabulary")
    assert any("was not applied" in w and "Suffolk Constabulary" in w for w in other.warnings)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalars(select(Inspection.force_name)).all() == ["Norfolk Constabulary"]
        assert uow.session.scalar(select(func.count()).select_from(ChangeLogEntry).where(
            ChangeLogEntry.entity == "inspection", ChangeLogEntry.action == "set force")) == 1


def test_a_revisit_letter_is_registered_as_one(workspace, tmp_path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("Cleveland Police: Causes of concern revisit letter\n\nCause of concern\n\n"
                      "The force does not supervise investigations well enough.\n\nRecommendations\n\n"
                      "- Within three months, the force should review open investigations.\n", encoding="utf-8")
    result = _import(workspace, letter)
    assert any("registered as a revisit letter" in w for w in result.warnings)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalars(select(Inspection.source_type)).all() == ["revisit_letter"]
