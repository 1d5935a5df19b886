"""Reviewers' signing certificates kept in the workspace, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography import x509
from reportlab.pdfgen import canvas
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    OFFICER,
    REVIEWER,
    REVIEWER2,
    RITA_PASS,
    ROB_PASS,
    count,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.reports.signing import (
    SigningError,
    certificate_fingerprint,
    create_reviewer_certificate,
    sign_pdf,
    validate_pdf_signature,
)
from workbench.reports.signing_keystore import MAGIC, KeyStoreError, is_sealed, open_key_store
from workbench.services import settings, signing_identity
from workbench.store.models import ChangeLogEntry, ReviewerCertificate

FORCE = "Norfolk Constabulary"


def _pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Self-assessment pack")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def team(workspace):
    setup_register(workspace)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name=FORCE)
    return workspace


def test_workspace_certificate_is_created_once_and_signs_a_valid_pdf(team, tmp_path: Path) -> None:
    ws = team
    with ws.unit_of_work(REVIEWER, passphrase=RITA_PASS, write=False) as uow:
        assert signing_identity.certificate_info(uow, REVIEWER) is None
    with ws.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        key = signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)
    with ws.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        key_again = signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)
    assert certificate_fingerprint(key_again.certificate) == certificate_fingerprint(key.certificate)
    assert count(ws, ReviewerCertificate) == 1
    with ws.unit_of_work(OFFICER, write=False) as uow:  # anyone may read the public certificate
        pem = signing_identity.reviewer_certificate_pem(uow, REVIEWER)
        info = signing_identity.certificate_info(uow, REVIEWER)
    cert = x509.load_pem_x509_certificate(pem.encode())
    assert info is not None and info.source == "workspace" and info.fingerprint == certificate_fingerprint(cert)
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "Rita Reviewer"
    assert cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)[0].value == FORCE
    out = sign_pdf(_pdf(), tmp_path / "signed.pdf", key, "Approved", "Norwich", "Rita Reviewer")
    check = validate_pdf_signature(out, trust_roots=[pem.encode()])
    assert check.ok and check.trusted and check.signer == "Rita Reviewer"
    assert check.certificate_sha256 == info.fingerprint
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        created = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.entity == "certificate")).all()
        assert [(e.actor, e.action, e.after["fingerprint"]) for e in created] == [
            (REVIEWER, "create", info.fingerprint)]


def test_only_the_reviewer_with_their_passphrase_gets_the_signer(team) -> None:
    ws = team
    with pytest.raises(PermissionDeniedError, match="only rita.reviewer"), ws.unit_of_work(REVIEWER2, passphrase=ROB_PASS) as uow:
        signing_identity.reviewer_signer(uow, REVIEWER, ROB_PASS)
    with pytest.raises(PermissionDeniedError, match="assessment.review"), ws.unit_of_work(OFFICER) as uow:
        signing_identity.reviewer_signer(uow, OFFICER, "whatever passphrase")
    with pytest.raises(PermissionDeniedError, match="wrong sign-off passphrase"), ws.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        signing_identity.reviewer_signer(uow, REVIEWER, ROB_PASS)
    assert count(ws, ReviewerCertificate) == 0
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        refused = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.action == "sign-refused")).one()
        assert refused.actor == REVIEWER
        with pytest.raises(NotFoundError, match="no signing certificate yet"):
            signing_identity.reviewer_certificate_pem(uow, REVIEWER)


def test_imported_certificate_is_rewrapped_under_the_signoff_passphrase(team, tmp_path: Path) -> None:
    ws = team
    own = create_reviewer_certificate("Rob Reviewer", "Norfolk Constabulary PKI", "p12 secret", key_type="ec")
    p12_file = tmp_path / "rob.p12"
    p12_file.write_bytes(own)
    with pytest.raises(SigningError, match="could not be opened"), ws.unit_of_work(REVIEWER2, passphrase=ROB_PASS) as uow:
        signing_identity.import_reviewer_certificate(uow, REVIEWER2, p12_file, "wrong", ROB_PASS)
    with ws.unit_of_work(REVIEWER2, passphrase=ROB_PASS) as uow:
        info = signing_identity.import_reviewer_certificate(uow, REVIEWER2, p12_file, "p12 secret", ROB_PASS)
    with ws.unit_of_work(REVIEWER2, passphrase=ROB_PASS) as uow:
        key = signing_identity.reviewer_signer(uow, REVIEWER2, ROB_PASS)
        stored = uow.session.scalars(select(ReviewerCertificate)).one().pkcs12
    assert info.source == "imported" and is_sealed(stored) and own not in stored
    out = sign_pdf(_pdf(), tmp_path / "signed.pdf", key, "Approved", "Norwich", "Rob Reviewer")
    check = validate_pdf_signature(out, trust_roots=[info.fingerprint])
    assert check.ok and check.trusted and check.certificate_sha256 == info.fingerprint
    assert count(ws, ReviewerCertificate) == 1
    pem_out = tmp_path / "rob.pem"
    with ws.unit_of_work(OFFICER) as uow:
        signing_identity.export_reviewer_certificate(uow, REVIEWER2, pem_out)
    assert certificate_fingerprint(pem_out.read_bytes()) == info.fingerprint


def test_a_certificate_needs_the_force_name(workspace) -> None:
    setup_register(workspace)  # the 2018 report names the force, so that is the fallback
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)
        org = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.entity == "certificate")).one()
        assert "O=Norfolk Constabulary" in org.after["subject"]


def test_no_force_name_anywhere_is_a_clear_error(sqlite_workspace) -> None:
    from workbench.services import users

    with sqlite_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, REVIEWER, "reviewer", "Rita Reviewer", RITA_PASS)
    with pytest.raises(InputError, match="force name is not set"), sqlite_workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)


def test_a_changed_passphrase_says_how_to_unlock_the_certificate(team) -> None:
    from workbench.services import users

    with team.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)
        users.set_passphrase(uow, REVIEWER, "a brand new passphrase")
    with pytest.raises(SigningError, match="earlier sign-off passphrase"), \
            team.unit_of_work(REVIEWER, passphrase="a brand new passphrase") as uow:
        signing_identity.reviewer_signer(uow, REVIEWER, "a brand new passphrase")


def test_key_store_is_argon2id_sealed_with_no_fast_check_beside_it(team) -> None:
    with team.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)
        row = uow.session.scalars(select(ReviewerCertificate)).one()
    data = bytes(row.pkcs12)
    assert data.startswith(MAGIC) and b'"kdf": "argon2id"' in data
    assert open_key_store(data, RITA_PASS).certificate is not None
    with pytest.raises(KeyStoreError, match="wrong passphrase"):
        open_key_store(data, ROB_PASS)


def test_an_old_pkcs12_store_is_resealed_on_the_next_unlock(team) -> None:
    from workbench.services.signing_identity import _user

    old = create_reviewer_certificate("Rita Reviewer", FORCE, RITA_PASS, key_type="ec")
    from cryptography.hazmat.primitives.serialization import pkcs12

    cert = pkcs12.load_key_and_certificates(old, RITA_PASS.encode())[1]
    with team.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:  # as a workspace written before this version holds it
        uow.session.add(ReviewerCertificate(user_id=_user(uow, REVIEWER).id, pkcs12=old,
                                            certificate_sha256=certificate_fingerprint(cert), source="workspace"))
    with team.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        key = signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)
    assert certificate_fingerprint(key.certificate) == certificate_fingerprint(cert)
    with team.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        row = uow.session.scalars(select(ReviewerCertificate)).one()
        assert is_sealed(row.pkcs12) and count(team, ReviewerCertificate) == 1
        assert uow.session.scalars(select(ChangeLogEntry.action).where(ChangeLogEntry.entity == "certificate")
                                   ).all() == ["rekey"]


def test_changing_the_passphrase_reencrypts_the_signing_key(team) -> None:
    new = "a brand new long passphrase"
    with team.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        first = signing_identity.reviewer_signer(uow, REVIEWER, RITA_PASS)
    with pytest.raises(PermissionDeniedError, match="wrong sign-off passphrase"), team.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        signing_identity.change_signoff_passphrase(uow, REVIEWER, "not it", new)
    with team.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        assert signing_identity.change_signoff_passphrase(uow, REVIEWER, RITA_PASS, new) == 1
    with team.unit_of_work(REVIEWER, passphrase=new) as uow:  # the sign-in passphrase changed with it
        again = signing_identity.reviewer_signer(uow, REVIEWER, new)
        stored = bytes(uow.session.scalars(select(ReviewerCertificate)).one().pkcs12)
    assert certificate_fingerprint(again.certificate) == certificate_fingerprint(first.certificate)
    with pytest.raises(KeyStoreError):
        open_key_store(stored, RITA_PASS)


def test_force_ca_is_imported_by_an_admin_and_joins_the_chain(team, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    from workbench.reports.signing import create_reviewer_material, to_pkcs12

    ca = create_reviewer_material("Norfolk Constabulary CA", FORCE, ca=True, key_type="ec")
    rob = create_reviewer_material("Rob Reviewer", FORCE, issuer=ca, key_type="ec")
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(PermissionDeniedError), team.unit_of_work(REVIEWER2, passphrase=ROB_PASS) as uow:
        signing_identity.import_force_ca(uow, ca_file)
    not_ca = tmp_path / "rob.pem"
    not_ca.write_bytes(rob.certificate.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(SigningError, match="not a CA"), team.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        signing_identity.import_force_ca(uow, not_ca)
    with team.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        signing_identity.import_force_ca(uow, ca_file)
    from workbench.reports.signing_keystore import KeyMaterial

    p12 = tmp_path / "rob.p12"
    p12.write_bytes(to_pkcs12(KeyMaterial(rob.key, rob.certificate), "p12 secret"))  # no chain inside
    with team.unit_of_work(REVIEWER2, passphrase=ROB_PASS) as uow:
        signing_identity.import_reviewer_certificate(uow, REVIEWER2, p12, "p12 secret", ROB_PASS)
    with team.unit_of_work(REVIEWER2, passphrase=ROB_PASS) as uow:
        key = signing_identity.reviewer_signer(uow, REVIEWER2, ROB_PASS)
    assert [certificate_fingerprint(c) for c in key.chain] == [certificate_fingerprint(ca.certificate)]
    out = sign_pdf(_pdf(), tmp_path / "signed.pdf", key, "Approved", "Norwich", "Rob Reviewer")
    check = validate_pdf_signature(out, [certificate_fingerprint(ca.certificate)])
    assert check.trusted and check.chain == ("Rob Reviewer", "Norfolk Constabulary CA")
