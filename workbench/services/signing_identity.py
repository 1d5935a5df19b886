"""A reviewer's signing identity: their sign-off passphrase and signing certificate.

A reviewer either imports their own PKCS#12 (.p12/.pfx) certificate, or is given a self-signed
*workspace certificate* the first time they need one. Either way the key store is kept in the
workspace encrypted under the reviewer's sign-off passphrase, so only they can sign with it. The
public certificate is kept in the content store under its SHA-256 fingerprint, for inspectors.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select

from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.reports.signing import SigningError, certificate_fingerprint, create_reviewer_certificate
from workbench.services import users
from workbench.services.access import require
from workbench.services.evidence import EvidenceError, store_blob, write_file_atomically
from workbench.services.settings import get_force_settings
from workbench.store.models import EvidenceBlob, Inspection, ReviewerCertificate, User
from workbench.store.uow import UnitOfWork, writes

MAX_PKCS12_BYTES = 1024 * 1024


@dataclass(frozen=True)
class CertificateInfo:
    username: str
    source: str  # workspace | imported
    fingerprint: str  # SHA-256 of the certificate (DER), what inspectors compare
    subject: str
    not_valid_after: datetime
    created_at: datetime


# -- proving who you are ---------------------------------------------------------------------
def confirm_passphrase(uow: UnitOfWork, passphrase: str, entity: str, entity_id: object, action: str) -> None:
    """The actor proves it is them with their sign-off passphrase.

    A refusal is logged and that log entry is committed at once, so it survives the refused
    action's rollback: call this before writing anything else in the unit of work.
    """
    user = uow.session.scalar(select(User).where(User.username == uow.username))
    has_passphrase = user is not None and user.passphrase_hash is not None
    if has_passphrase and users.check_passphrase(uow, uow.username, passphrase):
        return
    reason = "wrong sign-off passphrase" if has_passphrase else "no sign-off passphrase set"
    uow.log(entity, entity_id, f"{action}-refused", None, {"reason": reason})
    uow.session.commit()
    if not has_passphrase:
        raise PermissionDeniedError(f"{uow.username} has no sign-off passphrase; {action} refused",
                                    "set one first with: workbench users passphrase")
    raise PermissionDeniedError(f"wrong sign-off passphrase for {uow.username}; {action} refused "
                                "(the attempt was logged)", "re-enter it (it is case-sensitive)")


def _require_self(uow: UnitOfWork, username: str) -> User:
    require(uow.actor, "assessment.review")
    if uow.username != username:
        raise PermissionDeniedError(f"only {username} can use or change {username}'s signing certificate",
                                    "sign in as that reviewer")
    user = uow.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user '{username}' in this workspace", "see workbench users list")
    return user


# -- reading ---------------------------------------------------------------------------------
def _latest(uow: UnitOfWork, user_id: int) -> ReviewerCertificate | None:
    return uow.session.scalar(select(ReviewerCertificate).where(ReviewerCertificate.user_id == user_id)
                              .order_by(ReviewerCertificate.id.desc()).limit(1))


def _public_certificate(uow: UnitOfWork, row: ReviewerCertificate) -> x509.Certificate:
    blob = uow.session.get(EvidenceBlob, row.certificate_sha256)
    if blob is None or hashlib.sha256(bytes(blob.data)).hexdigest() != row.certificate_sha256:
        raise SigningError(f"the stored public certificate {row.certificate_sha256[:16]}… is missing or was "
                           "altered inside the workspace; import the certificate again")
    return x509.load_der_x509_certificate(bytes(blob.data))


def _info(username: str, row: ReviewerCertificate, cert: x509.Certificate) -> CertificateInfo:
    return CertificateInfo(username, row.source, row.certificate_sha256, cert.subject.rfc4514_string(),
                           cert.not_valid_after_utc, row.created_at)


def _user(uow: UnitOfWork, username: str) -> User:
    user = uow.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user '{username}' in this workspace", "see workbench users list")
    return user


def certificate_info(uow: UnitOfWork, username: str) -> CertificateInfo | None:
    """The reviewer's current signing certificate, or None if they have none yet."""
    require(uow.actor, "read")
    row = _latest(uow, _user(uow, username).id)
    return None if row is None else _info(username, row, _public_certificate(uow, row))


def reviewer_certificate_pem(uow: UnitOfWork, username: str) -> str:
    """The reviewer's public certificate (PEM), for inspectors to trust their signatures."""
    require(uow.actor, "read")
    row = _latest(uow, _user(uow, username).id)
    if row is None:
        raise NotFoundError(f"{username} has no signing certificate yet",
                            "the reviewer creates one with: workbench certificate create, or imports theirs")
    return _public_certificate(uow, row).public_bytes(serialization.Encoding.PEM).decode("ascii")


@writes
def export_reviewer_certificate(uow: UnitOfWork, username: str, out_path: Path) -> Path:
    """Write the reviewer's public certificate (PEM) to a file, atomically; logged."""
    pem = reviewer_certificate_pem(uow, username)
    out = Path(out_path)
    if out.exists():
        raise EvidenceError(f"{out} already exists; nothing was written", "choose another name", file=str(out))
    if not out.parent.is_dir():
        raise EvidenceError(f"folder {out.parent} does not exist; nothing was written", file=str(out))
    row = _latest(uow, _user(uow, username).id)
    assert row is not None
    uow.log("certificate", username, "export", None, {"to": str(out), "fingerprint": row.certificate_sha256})
    return write_file_atomically(out, pem.encode("ascii"))


# -- creating and importing -------------------------------------------------------------------
def _store(uow: UnitOfWork, user: User, p12: bytes, cert: x509.Certificate, source: str,
           note: str) -> CertificateInfo:
    der = cert.public_bytes(serialization.Encoding.DER)
    fingerprint = certificate_fingerprint(cert)
    store_blob(uow, der, fingerprint)
    row = ReviewerCertificate(user_id=user.id, pkcs12=p12, certificate_sha256=fingerprint, source=source,
                              note=note)
    uow.session.add(row)
    uow.session.flush()
    info = _info(user.username, row, cert)
    uow.log("certificate", user.username, "create" if source == "workspace" else "import", None,
            {"source": source, "fingerprint": fingerprint, "subject": info.subject,
             "not_valid_after": info.not_valid_after, "note": note})
    return info


def _force_name(uow: UnitOfWork) -> str:
    name = get_force_settings(uow).force_name.strip()
    if not name:  # the force named in the most recently imported report
        name = uow.session.scalar(select(Inspection.force_name).where(Inspection.force_name != "")
                                  .order_by(Inspection.id.desc()).limit(1)) or ""
    if not name:
        raise InputError("the force name is not set, so a signing certificate cannot name the force",
                         "an admin sets it with: workbench settings set force_name NAME (or import a report that names the force)")
    return name


def _create_workspace_certificate(uow: UnitOfWork, user: User, passphrase: str) -> CertificateInfo:
    p12 = create_reviewer_certificate(user.display_name or user.username, _force_name(uow), passphrase)
    _, cert, _ = pkcs12.load_key_and_certificates(p12, passphrase.encode("utf-8"))
    assert cert is not None
    return _store(uow, user, p12, cert, "workspace", "self-signed workspace certificate")


def reviewer_signer(uow: UnitOfWork, username: str, passphrase: str) -> tuple[bytes, str]:
    """The reviewer's PKCS#12 key store and the passphrase that opens it (their sign-off passphrase).

    Only the reviewer themselves, with their sign-off passphrase. A reviewer with no certificate is
    given a workspace certificate (logged); an expired workspace certificate is renewed the same way.
    """
    user = _require_self(uow, username)
    confirm_passphrase(uow, passphrase, "certificate", username, "sign")
    row = _latest(uow, user.id)
    if row is None:
        _create_workspace_certificate(uow, user, passphrase)
        row = _latest(uow, user.id)
        assert row is not None
        return bytes(row.pkcs12), passphrase
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(bytes(row.pkcs12), passphrase.encode("utf-8"))
    except ValueError:
        raise SigningError(
            f"{username}'s signing certificate is locked with an earlier sign-off passphrase; import the "
            "certificate again (workbench certificate import) so it is protected by the current one") from None
    if key is None or cert is None or certificate_fingerprint(cert) != row.certificate_sha256:
        raise SigningError(f"{username}'s stored signing certificate is damaged or was replaced; import it again")
    if cert.not_valid_after_utc <= datetime.now(UTC):
        if row.source != "workspace":
            raise SigningError(f"{username}'s imported signing certificate expired on "
                               f"{cert.not_valid_after_utc:%d %B %Y}; import a current one")
        _create_workspace_certificate(uow, user, passphrase)
        row = _latest(uow, user.id)
        assert row is not None
    return bytes(row.pkcs12), passphrase


def import_reviewer_certificate(uow: UnitOfWork, username: str, pkcs12_path: Path, pkcs12_passphrase: str,
                                signoff_passphrase: str) -> CertificateInfo:
    """Store the reviewer's own PKCS#12, re-encrypted under their sign-off passphrase."""
    user = _require_self(uow, username)
    confirm_passphrase(uow, signoff_passphrase, "certificate", username, "import")
    path = Path(pkcs12_path)
    try:
        if path.stat().st_size > MAX_PKCS12_BYTES:
            raise SigningError(f"{path} is too large to be a PKCS#12 certificate file", file=str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read {path}: {exc.strerror}", file=str(path)) from None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, pkcs12_passphrase.encode("utf-8") or None)
    except ValueError:
        raise SigningError(f"{path} could not be opened: wrong passphrase for the certificate file, or not a "
                           "PKCS#12 (.p12/.pfx) file", file=str(path)) from None
    if key is None or cert is None:
        raise SigningError(f"{path} holds no private key and certificate pair; export it again with the "
                           "private key", file=str(path))
    if cert.not_valid_after_utc <= datetime.now(UTC):
        raise SigningError(f"the certificate in {path} expired on {cert.not_valid_after_utc:%d %B %Y}",
                           file=str(path))
    name = cert.subject.rfc4514_string().encode("utf-8")
    p12 = pkcs12.serialize_key_and_certificates(
        name=name, key=key, cert=cert, cas=extra or None,  # type: ignore[arg-type]
        encryption_algorithm=serialization.BestAvailableEncryption(signoff_passphrase.encode("utf-8")))
    return _store(uow, user, p12, cert, "imported", f"imported from {path.name}")
