"""Approval happens whole: a failure or Cancel at any step leaves the pack submitted and no signed file;
the builder, approver and sealer are each named; the snapshot is checked; anchors are read back."""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (  # noqa: F401 - fixture
    OFFICER,
    REVIEWER,
    RITA_PASS,
    acting,
    fast_passphrase_hashing,
)
from tests.services.test_packs import _prepare
from workbench.errors import InputError, PermissionDeniedError
from workbench.reports.bundle import VERIFIED, verify_bundle
from workbench.reports.signing import validate_pdf_signature
from workbench.services import bundles, pack_approval, packs, signing_identity
from workbench.services.pack_anchors import PackAnchor, signed_pack_anchors
from workbench.store import changelog
from workbench.store.models import ChangeLogEntry, EvidenceBlob, PackVersion
from workbench.store.uow import UnitOfWork


class Injected(Exception):
    pass


def _submitted(ws, tmp_path: Path) -> int:
    with ws.unit_of_work(OFFICER) as uow:
        built = packs.build_pack(uow, tmp_path / "draft")
        packs.submit_pack(uow, built.info.number)
    return built.info.number


def _state(ws, number: int) -> str:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return packs.find_version(uow, number).state


def _blobs(ws) -> int:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(EvidenceBlob)) or 0)


@pytest.fixture(autouse=True)
def _private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Approval stages its files in the temporary folder; a private one keeps other processes' files out of the count."""
    private = tmp_path / "tempdir"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))


def _leftovers() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "workbench-approval-*")))


def _raise(*_a, **_k):
    raise Injected("injected failure")


def test_a_failure_or_cancel_at_any_step_leaves_the_pack_submitted_and_no_signed_file(
        sqlite_workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = sqlite_workspace
    _prepare(ws, tmp_path)
    with ws.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:  # the reviewer's certificate exists before the attempts
        signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)
    number = _submitted(ws, tmp_path)
    blobs, leftovers = _blobs(ws), _leftovers()
    original_log = UnitOfWork.log

    def log_fails_on_approve(self, entity, entity_id, action, before=None, after=None):
        if action == "approve":
            raise Injected("the log entry failed")
        return original_log(self, entity, entity_id, action, before, after)

    steps = {
        "unlock the key": (signing_identity, "unlock_signer"),
        "redact the release copy": (pack_approval, "redact_pack"),
        "render a workbook": (pack_approval, "write_excel_pack"),
        "render a PDF": (pack_approval, "write_pdf_pack"),
        "sign a PDF": (pack_approval, "sign_pdf_bytes"),
        "sign the manifests": (pack_approval, "sign_detached"),
        "store the files": (pack_approval, "store_blob"),
        "save the key": (signing_identity, "save_unlocked"),
    }
    for label, (module, name) in steps.items():
        with monkeypatch.context() as m:
            m.setattr(module, name, _raise)
            out = tmp_path / f"out-{name}"
            with pytest.raises(Injected):
                packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, out)
        assert _state(ws, number) == "submitted", label
        assert not out.exists() or list(out.iterdir()) == [], label
        assert _blobs(ws) == blobs and _leftovers() == leftovers, label
    with monkeypatch.context() as m:
        m.setattr(UnitOfWork, "log", log_fails_on_approve)
        with pytest.raises(Injected):
            packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / "out-log")
    assert _state(ws, number) == "submitted" and _blobs(ws) == blobs and not (tmp_path / "out-log").exists()

    # Cancel: the progress callback raises at each step before the commit
    for stop_at in range(1, pack_approval.STEPS):
        def progress(done: int, total: int | None, stop_at: int = stop_at) -> None:
            if done >= stop_at:
                raise Injected(f"cancelled at step {done} of {total}")

        with pytest.raises(Injected):
            packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / f"cancel-{stop_at}",
                               progress=progress)
        assert _state(ws, number) == "submitted" and _blobs(ws) == blobs
        assert not (tmp_path / f"cancel-{stop_at}").exists()

    # Cancel in the middle of rendering a PDF (the renderer reports each section)
    calls: list[int] = []

    def cancel_mid_render(done: int, total: int | None) -> None:
        calls.append(done)
        if calls.count(done) == 3:  # the step's own report, then two sections into the render
            raise Injected("cancelled while rendering")

    with pytest.raises(Injected):
        packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / "cancel-render",
                           progress=cancel_mid_render)
    assert _state(ws, number) == "submitted" and _blobs(ws) == blobs and _leftovers() == leftovers

    # and then it is approved in one go, the files written only from the stored copies
    seen: list[tuple[int, int | None]] = []
    result = packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / "signed",
                                progress=lambda d, t: seen.append((d, t)))
    assert _state(ws, number) == "approved" and seen[-1] == (pack_approval.STEPS, pack_approval.STEPS)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        pv = packs.find_version(uow, number)
        assert packs.stored_bytes(uow, pv.signed_pdf_sha256, "pdf") == result.pdf.read_bytes()
        assert result.release_pdf is not None
        assert packs.stored_bytes(uow, pv.release_pdf_sha256, "pdf") == result.release_pdf.read_bytes()
    assert _leftovers() == leftovers


def test_builder_approver_and_sealer_are_each_named(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    _prepare(ws, tmp_path)
    number = _submitted(ws, tmp_path)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        head = changelog.head(uow.session)
    result = packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / "signed", "Agreed.")
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:  # the admin seals it: neither the builder nor the approver
        summary = bundles.build_evidence_bundle(uow, tmp_path / "b.zip")
    check = validate_pdf_signature(result.pdf)
    report = verify_bundle(summary.path, [check.certificate_sha256])
    assert report.verdict == VERIFIED, report.problems
    pack = report.manifest["pack"]
    assert (pack["built_by"], pack["approved_by"]) == (OFFICER, REVIEWER)
    assert (pack["built_by_name"], pack["approved_by_name"]) == ("Olly Officer", "Rita Reviewer")
    assert report.seal["sealed_by"] == ADMIN
    assert report.manifest["change_log_anchor"] == {"seq": head.seq, "hash": head.hash}
    text = PdfReader(result.pdf).pages[-1].extract_text()
    assert "Olly Officer (olly.officer)" in text and "Rita Reviewer (rita.reviewer)" in text
    assert f"entry {head.seq}" in text and check.certificate_sha256 in text.replace("\n", "")
    # the visible signature sits on the sign-off page
    last = PdfReader(result.pdf).pages[-1]
    assert any(a.get_object().get("/FT") == "/Sig" for a in last.get("/Annots", []))


def test_a_reviewer_signs_the_seal_and_nobody_else_can(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    _prepare(ws, tmp_path)
    number = _submitted(ws, tmp_path)
    result = packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / "signed", "Agreed.")
    fingerprint = validate_pdf_signature(result.pdf).certificate_sha256
    with ws.unit_of_work(OFFICER) as uow, pytest.raises(InputError, match="holds no signing key"):
        bundles.build_evidence_bundle(uow, tmp_path / "officer.zip", seal_passphrase="anything at all here")
    assert not (tmp_path / "officer.zip").exists()
    with ws.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow, pytest.raises(PermissionDeniedError):
        bundles.build_evidence_bundle(uow, tmp_path / "wrong.zip", seal_passphrase="not the passphrase at all")
    assert not (tmp_path / "wrong.zip").exists()
    with ws.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        summary = bundles.build_evidence_bundle(uow, tmp_path / "signed.zip", seal_passphrase=RITA_PASS)
    report = verify_bundle(summary.path, [fingerprint])
    assert report.verdict == VERIFIED, report.problems
    assert report.seal["sealed_by"] == REVIEWER and report.seal["confirmed"] is True
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        entry = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.entity == "bundle")
                                    .order_by(ChangeLogEntry.seq.desc())).first()
        assert entry is not None and entry.actor == REVIEWER
        assert entry.after["seal_signed_by_certificate"] == fingerprint


def test_anchors_are_read_from_signed_packs_only(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    _prepare(ws, tmp_path)
    number = _submitted(ws, tmp_path)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        head = changelog.head(uow.session)
        assert signed_pack_anchors(uow) == []
    packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / "signed")
    with ws.unit_of_work(OFFICER, write=False) as uow:
        anchors = signed_pack_anchors(uow)
    assert anchors == [PackAnchor(head.seq, head.hash, f"pack version {number}, signed by Rita Reviewer")]
    # a PDF whose anchor is not covered by a valid signature gives no anchor
    from tests.reports.signed_bundles import pdf_bytes
    from workbench.reports.signing import with_info

    forged = with_info(pdf_bytes("forged", []), {"WorkbenchLogAnchor": f"{head.seq + 5}:{'c' * 64}"})
    import hashlib

    sha = hashlib.sha256(forged).hexdigest()
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        uow.session.add(EvidenceBlob(sha256=sha, size=len(forged), data=forged))
        uow.session.flush()
        uow.session.execute(update(PackVersion).values(release_pdf_sha256=sha))
    with ws.unit_of_work(OFFICER, write=False) as uow:
        assert signed_pack_anchors(uow) == anchors


def test_an_edited_snapshot_is_refused_at_approval_and_at_every_export(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    _prepare(ws, tmp_path)
    number = _submitted(ws, tmp_path)

    def edit() -> str:
        with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
            original = packs.find_version(uow, number).snapshot
        with ws.engine.begin() as conn:
            conn.execute(update(PackVersion).values(snapshot=original.replace("Norfolk", "Norfalk")))
        return original

    original = edit()
    with pytest.raises(InputError, match="snapshot of pack version 1 was changed"):
        packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / "signed")
    assert _state(ws, number) == "submitted" and not (tmp_path / "signed").exists()
    with ws.engine.begin() as conn:
        conn.execute(update(PackVersion).values(snapshot=original))
    packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / "signed")
    edit()
    with pytest.raises(InputError, match="snapshot"), ws.unit_of_work(OFFICER) as uow:
        packs.export_pack_files(uow, number, tmp_path / "export")
    with pytest.raises(InputError, match="snapshot"), ws.unit_of_work(OFFICER) as uow:
        bundles.build_evidence_bundle(uow, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()


def test_a_pack_is_not_signed_over_data_changed_outside_the_application(sqlite_workspace, tmp_path: Path) -> None:
    """Approval runs the whole log check: a finding edited in the database (or a broken chain)
    refuses the signature, naming the problem; put right, the same pack is signed."""
    from sqlalchemy import text

    ws = sqlite_workspace
    _prepare(ws, tmp_path)
    number = _submitted(ws, tmp_path)
    with ws.engine.begin() as conn:
        before = conn.execute(text("select title from findings where id = 1")).scalar_one()
        conn.execute(text("update findings set title = 'edited behind the log' where id = 1"))
    with pytest.raises(InputError, match="cannot be signed: the change log does not check out") as refused:
        packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / "signed")
    assert "finding 1" in refused.value.message
    assert _state(ws, number) == "submitted" and not (tmp_path / "signed").exists()
    with ws.engine.begin() as conn:
        conn.execute(text("update findings set title = :t where id = 1"), {"t": before})
    packs.approve_pack(acting(ws, REVIEWER), number, RITA_PASS, tmp_path / "signed")
    assert _state(ws, number) == "approved"
