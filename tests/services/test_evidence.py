"""Evidence stored by SHA-256 inside the workspace, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    OFFICER,
    VIEWER,
    count,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.services import actions, evidence, settings
from workbench.services.evidence import EvidenceError
from workbench.store.models import ChangeLogEntry, Evidence, EvidenceBlob, EvidenceLink

PDF_BYTES = b"%PDF-1.4\n% MASH backlog report, May 2024\n" + bytes(range(256)) * 40


@pytest.fixture
def register(workspace):
    return setup_register(workspace)


def _file(tmp_path: Path, name: str, data: bytes = PDF_BYTES) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_same_bytes_are_stored_once_with_separate_records(workspace, register, tmp_path) -> None:
    f1, f2, _ = register
    a = _file(tmp_path, "mash-may.pdf")
    b = _file(tmp_path, "copy of backlog.PDF")
    with workspace.unit_of_work(OFFICER) as uow:
        first = evidence.add_evidence(uow, a, "MASH backlog, May 2024", date(2024, 5, 31), "MASH dashboard",
                                      finding_ids=[f1.id])
        second = evidence.add_evidence(uow, b, "Same report, sent by email", finding_ids=[f2.id, f1.id])
    digest = hashlib.sha256(PDF_BYTES).hexdigest()
    assert first.sha256 == second.sha256 == digest
    assert (first.size, first.media_type, first.filename) == (len(PDF_BYTES), "application/pdf", "mash-may.pdf")
    assert first.evidence_date == date(2024, 5, 31) and second.evidence_date is None
    assert first.uploaded_at.date() == date.today() and first.uploaded_by == OFFICER
    assert first.classification == "OFFICIAL-SENSITIVE" and first.source == "MASH dashboard"
    assert first.finding_refs == (f1.ref,) and set(second.finding_ids) == {f1.id, f2.id}
    assert count(workspace, EvidenceBlob) == 1 and count(workspace, Evidence) == 2
    with workspace.unit_of_work(VIEWER, write=False) as uow:
        assert [e.id for e in evidence.list_evidence(uow, finding_id=f2.id)] == [second.id]
        assert {e.id for e in evidence.list_evidence(uow, finding_id=f1.id)} == {first.id, second.id}
        assert evidence.evidence_bytes(uow, second.id) == PDF_BYTES
        entries = [(e.actor, e.action, e.after) for e in uow.session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == "evidence").order_by(ChangeLogEntry.seq))]
    assert [e[:2] for e in entries] == [(OFFICER, "add"), (OFFICER, "add")]
    assert entries[0][2]["stored_new_blob"] is True and entries[1][2]["stored_new_blob"] is False
    assert entries[0][2]["evidence_date"] == "2024-05-31" and entries[0][2]["links"] == {"finding": [f1.id]}


def test_over_the_size_limit_is_refused_before_reading_and_writes_nothing(
        workspace, register, tmp_path, monkeypatch) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, evidence_max_file_mb=1)
    big = _file(tmp_path, "big.csv", b"x" * (1024 * 1024 + 1))
    before = count(workspace, ChangeLogEntry)

    def no_reading(*a, **k):
        raise AssertionError("the file was opened although it is over the limit")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(EvidenceError) as info, workspace.unit_of_work(OFFICER) as uow:
        evidence.add_evidence(uow, big, "Too big", finding_ids=[register[0].id])
    monkeypatch.undo()
    assert "big.csv" in str(info.value) and "1 MB" in str(info.value) and info.value.file == str(big)
    assert count(workspace, EvidenceBlob) == 0 and count(workspace, Evidence) == 0
    assert count(workspace, EvidenceLink) == 0 and count(workspace, ChangeLogEntry) == before
    with workspace.unit_of_work(OFFICER) as uow:  # at the limit is fine
        ok = evidence.add_evidence(uow, _file(tmp_path, "fits.XLSX", b"y" * 1024 * 1024), "Fits")
    assert ok.size == 1024 * 1024
    assert ok.media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_tampered_blob_is_caught_naming_the_file(workspace, register, tmp_path) -> None:
    with workspace.unit_of_work(OFFICER) as uow:
        info = evidence.add_evidence(uow, _file(tmp_path, "dash-audit.xlsx"), "DASH audit workbook")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:  # someone edits the database by hand
        uow.session.execute(update(EvidenceBlob).where(EvidenceBlob.sha256 == info.sha256)
                            .values(data=PDF_BYTES.replace(b"May", b"Jun")))
    with pytest.raises(EvidenceError) as err, workspace.unit_of_work(OFFICER, write=False) as uow:
        evidence.evidence_bytes(uow, info.id)
    assert "dash-audit.xlsx" in str(err.value) and "altered" in str(err.value)
    out = tmp_path / "out.xlsx"
    with pytest.raises(EvidenceError), workspace.unit_of_work(OFFICER) as uow:
        evidence.export_evidence(uow, info.id, out)
    assert not out.exists() and list(tmp_path.glob(".*.tmp")) == []


def test_export_writes_the_exact_bytes_and_is_logged(workspace, register, tmp_path) -> None:
    src = _file(tmp_path, "policy.pdf")
    with workspace.unit_of_work(OFFICER) as uow:
        info = evidence.add_evidence(uow, src, "Policy")
    outdir = tmp_path / "out"
    outdir.mkdir()
    with workspace.unit_of_work(OFFICER) as uow:
        written = evidence.export_evidence(uow, info.id, outdir)
    assert written == outdir / "policy.pdf" and written.read_bytes() == PDF_BYTES
    with pytest.raises(EvidenceError, match="already exists"), workspace.unit_of_work(OFFICER) as uow:
        evidence.export_evidence(uow, info.id, written)
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work(VIEWER) as uow:
        evidence.export_evidence(uow, info.id, outdir / "v.pdf")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        entry = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.action == "export")).one()
        assert entry.actor == OFFICER and entry.after == {"to": str(written), "sha256": info.sha256,
                                                          "size": len(PDF_BYTES)}


def test_links_to_findings_and_actions(workspace, register, tmp_path) -> None:
    f1, f2, f3 = register
    with workspace.unit_of_work(OFFICER) as uow:
        act = actions.add_action(uow, f3.id, "Crime allocation policy rewrite")
        info = evidence.add_evidence(uow, _file(tmp_path, "note.txt", b"minutes"), "Minutes",
                                     action_ids=[act.id])
        info = evidence.link_evidence(uow, info.id, finding_ids=[f1.id, f3.id])
        info = evidence.link_evidence(uow, info.id, finding_ids=[f1.id])  # already linked: no duplicate
        assert info.finding_ids == (f1.id, f3.id) and info.action_ids == (act.id,)
        info = evidence.unlink_evidence(uow, info.id, finding_ids=[f1.id])
    assert info.finding_ids == (f3.id,) and info.media_type == "text/plain"
    assert count(workspace, EvidenceLink) == 2
    with pytest.raises(NotFoundError, match="not linked"), workspace.unit_of_work(OFFICER) as uow:
        evidence.unlink_evidence(uow, info.id, finding_ids=[f2.id])
    with pytest.raises(NotFoundError, match="no finding with id 999"), workspace.unit_of_work(OFFICER) as uow:
        evidence.add_evidence(uow, _file(tmp_path, "n.txt", b"new bytes"), "Orphan", finding_ids=[999])
    assert count(workspace, EvidenceBlob) == 1 and count(workspace, Evidence) == 1


def test_bad_input_and_permissions(workspace, register, tmp_path) -> None:
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work(VIEWER) as uow:
        evidence.add_evidence(uow, _file(tmp_path, "a.txt", b"a"), "A")
    for path, message in ((tmp_path / "missing.pdf", "does not exist"), (tmp_path, "not a file"),
                          (_file(tmp_path, "empty.txt", b""), "is empty")):
        with pytest.raises(EvidenceError, match=message), workspace.unit_of_work(OFFICER) as uow:
            evidence.add_evidence(uow, path, "Something")
    with pytest.raises(InputError, match="longer than 60"), workspace.unit_of_work(OFFICER) as uow:
        evidence.add_evidence(uow, _file(tmp_path, "b.txt", b"b"), "B", classification="SECRET " * 10)
    with pytest.raises(NotFoundError), workspace.unit_of_work(OFFICER, write=False) as uow:
        evidence.evidence_bytes(uow, 12345)
    assert count(workspace, Evidence) == 0
