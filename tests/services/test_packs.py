"""Pack versions: build, four-eyes approval with a PAdES signature, immutability, bundles."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from tests.conftest import ADMIN_PASS
from tests.services.assurance_setup import (  # noqa: F401 - fixture
    OFFICER,
    REVIEWER,
    RITA_PASS,
    acting,
    fast_passphrase_hashing,
    setup_register,
)
from workbench.errors import InputError, PermissionDeniedError, WorkbenchError
from workbench.reports.bundle import verify_bundle
from workbench.reports.signing import validate_pdf_signature
from workbench.services import bundles, evidence, findings, packs, settings
from workbench.store.models import EvidenceBlob


def _prepare(ws, tmp_path: Path) -> list[findings.FindingInfo]:
    added = setup_register(ws)
    with ws.unit_of_work("admin.user", passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name="Norfolk Constabulary")
    doc = tmp_path / "minutes.txt"
    doc.write_text("Daily management meeting minutes: attendance reviewed <b>&</b> actions set.")
    with ws.unit_of_work(OFFICER) as uow:
        evidence.add_evidence(uow, doc, "Meeting minutes", finding_ids=[added[1].stored_id])
    return added


def _approved(ws, tmp_path: Path) -> packs.PackFiles:
    with ws.unit_of_work(OFFICER) as uow:
        built = packs.build_pack(uow, tmp_path / "draft")
        packs.submit_pack(uow, built.info.number)
    return packs.approve_pack(acting(ws, REVIEWER), built.info.number, RITA_PASS, tmp_path / "signed", "Agreed.")


def test_build_approve_sign_and_bundle(workspace, tmp_path: Path) -> None:
    _prepare(workspace, tmp_path)
    with workspace.unit_of_work(OFFICER) as uow:
        built = packs.build_pack(uow, tmp_path / "draft")
    assert built.info.state == "draft" and built.info.findings == 3
    text = "\n".join(p.extract_text() for p in PdfReader(built.pdf).pages)
    assert "The force should improve how it allocates crime" in text
    with pytest.raises(InputError, match="only a submitted"):
        packs.approve_pack(acting(workspace, REVIEWER), built.info.number, RITA_PASS, tmp_path)
    with workspace.unit_of_work(OFFICER) as uow:
        packs.submit_pack(uow, built.info.number)
    with pytest.raises(PermissionDeniedError):
        packs.approve_pack(acting(workspace, OFFICER), built.info.number, RITA_PASS, tmp_path)
    with pytest.raises(PermissionDeniedError, match="wrong sign-off passphrase"):
        packs.approve_pack(acting(workspace, REVIEWER), built.info.number, "not the passphrase", tmp_path)
    result = packs.approve_pack(acting(workspace, REVIEWER), built.info.number, RITA_PASS, tmp_path / "signed",
                                "Agreed.")
    check = validate_pdf_signature(result.pdf)
    assert check.signed and check.intact and check.valid and "Rita Reviewer" in check.signer
    pages = PdfReader(result.pdf).pages
    assert all("OFFICIAL-SENSITIVE" in p.extract_text() for p in pages)
    assert "Approved" in pages[0].extract_text()
    out = tmp_path / "bundle.zip"
    with workspace.unit_of_work(OFFICER) as uow:
        summary = bundles.build_evidence_bundle(uow, out)
    report = verify_bundle(out, [check.certificate_sha256])
    assert report.ok, report.problems
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert any(n.endswith("minutes.txt") for n in names) and summary.sha256


def test_approved_version_is_immutable_and_superseded(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    added = _prepare(ws, tmp_path)
    first = _approved(ws, tmp_path / "v1")
    with ws.unit_of_work(OFFICER) as uow:
        findings.update_finding(uow, added[0].stored_id, None, owner="DCI Someone")
        listed = {p.number: p for p in packs.list_packs(uow)}
    assert listed[1].state == "approved" and not listed[1].current  # data moved on since approval
    second = _approved(ws, tmp_path / "v2")
    with ws.unit_of_work(OFFICER, write=False) as uow:
        listed = {p.number: p for p in packs.list_packs(uow)}
    assert listed[1].state == "superseded" and listed[1].superseded_by == 2
    assert listed[2].state == "approved" and listed[2].current
    # the superseded version still verifies as signed, unchanged
    with ws.unit_of_work(OFFICER) as uow:
        pdf, _ = packs.export_pack_files(uow, 1, tmp_path / "export")
    assert pdf.read_bytes() == first.pdf.read_bytes()
    assert validate_pdf_signature(pdf).intact
    assert second.pdf != first.pdf


def test_tampered_evidence_stops_the_bundle_naming_the_file(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    _prepare(ws, tmp_path)
    _approved(ws, tmp_path)
    with ws.engine.begin() as conn:
        conn.execute(update(EvidenceBlob).where(EvidenceBlob.size < 200).values(data=b"altered bytes"))
    with pytest.raises(WorkbenchError, match="minutes.txt"), ws.unit_of_work(OFFICER) as uow:
        bundles.build_evidence_bundle(uow, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()


def test_pseudonymised_bundle_hides_case_references(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    _prepare(ws, tmp_path)
    _approved(ws, tmp_path)
    with pytest.raises(InputError, match="min-cell"), ws.unit_of_work(OFFICER) as uow:
        bundles.build_evidence_bundle(uow, tmp_path / "x.zip", pseudonymise=True, min_cell=3)
    with ws.unit_of_work(OFFICER) as uow:
        bundles.build_evidence_bundle(uow, tmp_path / "p.zip", pseudonymise=True, min_cell=5)
    report = verify_bundle(tmp_path / "p.zip")
    assert report.verdict == "untrusted" and report.manifest["release"]["pseudonymised"] is True
    with zipfile.ZipFile(tmp_path / "p.zip") as zf:
        assert any(n.endswith("-release.pdf") for n in zf.namelist())


def test_a_reviewer_who_wrote_a_self_assessment_in_the_pack_cannot_sign_it(workspace, tmp_path: Path) -> None:
    """Four eyes over every author: the pack's content includes its self-assessments."""
    from tests.services.assurance_setup import REVIEWER2, ROB_PASS
    from workbench.services import assessments

    added = _prepare(workspace, tmp_path)
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        assessments.save_assessment(uow, added[0].stored_id, "Rita's draft of the narrative.", "in progress")
    with workspace.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, added[0].stored_id, "Rita's draft, tidied by Olly.", "in progress")
        built = packs.build_pack(uow, tmp_path / "draft")
        packs.submit_pack(uow, built.info.number)
    with pytest.raises(PermissionDeniedError, match=f"wrote or edited the self-assessment of {added[0].ref}"):
        packs.approve_pack(acting(workspace, REVIEWER), built.info.number, RITA_PASS, tmp_path / "rita")
    assert not (tmp_path / "rita").exists()
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        assert [p.state for p in packs.list_packs(uow)] == ["submitted"]
    result = packs.approve_pack(acting(workspace, REVIEWER2), built.info.number, ROB_PASS, tmp_path / "rob")
    assert result.info.state == "approved"


def test_the_next_pack_shows_who_was_made_able_to_sign(workspace, tmp_path: Path) -> None:
    """A reviewer created (or a passphrase reset, a certificate imported) shows on the next pack."""
    _prepare(workspace, tmp_path)  # adds two reviewers
    first = _approved(workspace, tmp_path / "one")
    text = "\n".join(p.extract_text() for p in PdfReader(first.pdf).pages)
    assert f"added {REVIEWER} as reviewer" in text
    with workspace.unit_of_work("admin.user", passphrase=ADMIN_PASS) as uow:
        from workbench.services import users

        users.add_user(uow, "new.reviewer", "reviewer", "New Reviewer", "a new reviewer's long passphrase")
    with workspace.unit_of_work(OFFICER) as uow:
        second = packs.build_pack(uow, tmp_path / "two")
    text = "\n".join(p.extract_text() for p in PdfReader(second.pdf).pages)
    assert "added new.reviewer as reviewer" in text
    assert f"{REVIEWER} created a workspace signing certificate" in text  # when signing the first pack
    assert f"added {REVIEWER} as reviewer" not in text  # before the previous pack: not repeated


def test_a_bundle_replaces_a_file_only_when_told_to(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    _prepare(ws, tmp_path)
    _approved(ws, tmp_path)
    out = tmp_path / "kept.zip"
    out.write_bytes(b"someone else's file")
    with pytest.raises(WorkbenchError, match="already exists"), ws.unit_of_work(OFFICER) as uow:
        bundles.build_evidence_bundle(uow, out)
    assert out.read_bytes() == b"someone else's file"
    with ws.unit_of_work(OFFICER) as uow:
        bundles.build_evidence_bundle(uow, out, replace=True)
    assert zipfile.is_zipfile(out)
