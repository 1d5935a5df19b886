"""A reviewer's signing identity: their sign-off passphrase and signing certificate.

A reviewer either imports their own PKCS#12 (.p12/.pfx) certificate (issued, for instance, by the
force's CA, which an admin imports), or is given a self-signed *workspace certificate* the first
time they need one. Either way the key is kept in the workspace encrypted (AES-256-GCM) under a key
derived from the reviewer's sign-off passphrase with argon2id (``reports/signing_keystore.py``), so
only they can sign with it; changing the passphrase re-encrypts it. The public certificate is kept
in the content store under its SHA-256 fingerprint, for inspectors.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.limits import read_input
from workbench.reports.signing import SigningError, certificate_fingerprint, create_reviewer_material
from workbench.reports.signing_keystore import (
    KeyMaterial,
    KeyStoreError,
    material_from_pkcs12,
    open_key_store,
    seal_key_store,
)
from workbench.services import users
from workbench.services.access import require
from workbench.services.evidence import EvidenceError, store_blob, write_file_atomically
from workbench.services.settings import get_force_settings
from workbench.store.models import EvidenceBlob, ForceCaCertificate, Inspection, ReviewerCertificate, User, utcnow
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
def _no_passphrase(username: str, action: str) -> PermissionDeniedError:
    return PermissionDeniedError(f"user {username} has no sign-off passphrase; {action} refused",
                                 "set one first with: workbench users passphrase (in the app: File > Change my "
                                 "passphrase)")


def check_has_passphrase(uow: UnitOfWork, action: str) -> None:
    """The actor has a sign-off passphrase to sign with (`confirm_passphrase` refuses otherwise, with
    this reason): for the window's controls, before it asks for one."""
    user = uow.session.scalar(select(User).where(User.username == uow.username))
    if user is None or user.passphrase_hash is None:
        raise _no_passphrase(uow.username, action)


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
        raise _no_passphrase(uow.username, action)
    raise PermissionDeniedError(f"wrong sign-off passphrase for {uow.username}; {action} refused "
                                "(the attempt was logged)", "re-enter it (it is case-sensitive)")


def spaces_note(secret: str, what: str = "what you typed") -> str:
    """What to add when a refused passphrase has spaces at its ends (easy to type or paste by
    mistake; a passphrase is never set with them: `users.check_strength`). "" when it has none.
    The one wording of it: the sign-in and sign-off dialogs and the command line all say this
    (`what`: where the passphrase came from, e.g. "$WORKBENCH_PASSPHRASE")."""
    if not secret or secret == secret.strip():
        return ""
    if secret[:1].isspace() and secret[-1:].isspace():
        where = "start and at its end"
    else:
        where = "start" if secret[:1].isspace() else "end"
    return f"Note: {what} has a space at its {where}; passphrases have none there."


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


# -- creating, unlocking and importing ---------------------------------------------------------
def _store(uow: UnitOfWork, user: User, key_store: bytes, cert: x509.Certificate, source: str,
           note: str) -> CertificateInfo:
    der = cert.public_bytes(serialization.Encoding.DER)
    fingerprint = certificate_fingerprint(cert)
    store_blob(uow, der, fingerprint)
    row = ReviewerCertificate(user_id=user.id, pkcs12=key_store, certificate_sha256=fingerprint, source=source,
                              note=note)
    uow.session.add(row)
    uow.session.flush()
    info = _info(user.username, row, cert)
    uow.log("certificate", user.username, "create" if source == "workspace" else "import", None,
            {"source": source, "fingerprint": fingerprint, "subject": info.subject,
             "not_valid_after": info.not_valid_after, "note": note,
             "chain": [c.subject.rfc4514_string() for c in _chain_of(uow, cert)]})
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


@dataclass(frozen=True)
class Unlocked:
    """A reviewer's signing key, unlocked in memory. ``new_store`` is what must be saved when the
    action commits: a new workspace certificate (``row_id`` None) or the key re-sealed in the
    current format (a store from before argon2id)."""

    username: str
    material: KeyMaterial
    fingerprint: str
    source: str
    row_id: int | None
    new_store: bytes | None = None


def unlock_signer(uow: UnitOfWork, username: str, passphrase: str) -> Unlocked:
    """Unlock the reviewer's signing key without writing anything (the caller has already checked
    the sign-off passphrase). A reviewer with no certificate, or whose workspace certificate
    expired, gets a new workspace certificate, saved by :func:`save_unlocked`."""
    user = _require_self(uow, username)
    row = _latest(uow, user.id)
    if row is None:
        return _new_workspace_key(uow, user, passphrase)
    try:
        material = open_key_store(bytes(row.pkcs12), passphrase)
    except KeyStoreError as exc:
        if exc.damaged:
            raise SigningError(f"{username}'s stored signing key is corrupted ({exc.message}); nothing was signed; "
                               "import the certificate again (workbench certificate import)") from None
        raise SigningError(
            f"{username}'s signing key does not open with the current sign-off passphrase: it is locked with an "
            "earlier sign-off passphrase (after a reset), or its encrypted bytes were altered; import the certificate "
            "again (workbench certificate import) so it is protected by the current passphrase") from None
    if certificate_fingerprint(material.certificate) != row.certificate_sha256:
        raise SigningError(f"{username}'s stored signing certificate is damaged or was replaced; import it again")
    if material.certificate.not_valid_after_utc <= datetime.now(UTC):
        if row.source != "workspace":
            raise SigningError(f"{username}'s imported signing certificate expired on "
                               f"{material.certificate.not_valid_after_utc:%d %B %Y}; import a current one")
        return _new_workspace_key(uow, user, passphrase)
    new_store = seal_key_store(material, passphrase) if material.legacy else None
    return Unlocked(username, material, row.certificate_sha256, row.source, row.id, new_store)


def _new_workspace_key(uow: UnitOfWork, user: User, passphrase: str) -> Unlocked:
    material = create_reviewer_material(user.display_name or user.username, _force_name(uow))
    return Unlocked(user.username, material, certificate_fingerprint(material.certificate), "workspace", None,
                    seal_key_store(material, passphrase))


def save_unlocked(uow: UnitOfWork, unlocked: Unlocked) -> None:
    """Save what unlocking produced (in the action's write unit of work); logged."""
    if unlocked.new_store is None:
        return
    user = _require_self(uow, unlocked.username)
    if unlocked.row_id is None:
        _store(uow, user, unlocked.new_store, unlocked.material.certificate, "workspace",
               "self-signed workspace certificate")
        return
    row = uow.session.get(ReviewerCertificate, unlocked.row_id)
    if row is None or row.certificate_sha256 != unlocked.fingerprint:
        raise SigningError(f"{unlocked.username}'s signing certificate changed while signing; try again")
    row.pkcs12 = unlocked.new_store
    uow.session.flush()
    uow.log("certificate", user.username, "rekey", {"store": "pkcs12"}, {"store": "argon2id+aes-256-gcm",
                                                                         "fingerprint": row.certificate_sha256})


def reviewer_signer(uow: UnitOfWork, username: str, passphrase: str) -> KeyMaterial:
    """The reviewer's unlocked signing key (their sign-off passphrase opens it), in a write unit of
    work: a reviewer with no certificate is given a workspace certificate (logged)."""
    _require_self(uow, username)
    confirm_passphrase(uow, passphrase, "certificate", username, "sign")
    unlocked = unlock_signer(uow, username, passphrase)
    save_unlocked(uow, unlocked)
    return unlocked.material


def change_signoff_passphrase(uow: UnitOfWork, username: str, old: str, new: str) -> int:
    """The user changes their own sign-off passphrase; every signing key of theirs is re-encrypted
    under the new one. Returns how many key stores were re-encrypted."""
    if uow.username != username:
        raise PermissionDeniedError(f"only {username} can change {username}'s sign-off passphrase here",
                                    "an admin resets it with: workbench users passphrase USER (their signing "
                                    "key then has to be imported or created again)")
    confirm_passphrase(uow, old, "user", username, "change-passphrase")
    user = _user(uow, username)
    rows = uow.session.scalars(select(ReviewerCertificate).where(ReviewerCertificate.user_id == user.id)).all()
    resealed = 0
    for row in rows:
        try:
            material = open_key_store(bytes(row.pkcs12), old)
        except KeyStoreError:
            continue  # locked under an even older passphrase: unusable either way
        row.pkcs12 = seal_key_store(material, new)
        resealed += 1
    users.set_passphrase(uow, username, new)
    uow.session.flush()
    uow.log("certificate", username, "rekey", None, {"key_stores": resealed, "reason": "passphrase changed"})
    return resealed


def _chain_of(uow: UnitOfWork, cert: x509.Certificate) -> list[x509.Certificate]:
    """The force CA certificates (imported by an admin) that issued ``cert``."""
    out = []
    for ca in force_ca_certificates(uow):
        try:
            cert.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature):
            continue
        out.append(ca)
    return out


def import_reviewer_certificate(uow: UnitOfWork, username: str, pkcs12_path: Path, pkcs12_passphrase: str,
                                signoff_passphrase: str) -> CertificateInfo:
    """Store the reviewer's own PKCS#12, re-encrypted under their sign-off passphrase; a force CA
    that issued it (imported by an admin) joins its chain."""
    user = _require_self(uow, username)
    confirm_passphrase(uow, signoff_passphrase, "certificate", username, "import")
    path = Path(pkcs12_path)
    try:
        data = read_input(path, MAX_PKCS12_BYTES)
    except OSError as exc:
        raise SigningError(f"cannot read {path}: {exc.strerror}", file=str(path)) from None
    try:
        material = material_from_pkcs12(data, pkcs12_passphrase, str(path))
    except KeyStoreError as exc:
        raise SigningError(exc.message, file=str(path)) from None
    cert = material.certificate
    if cert.not_valid_after_utc <= datetime.now(UTC):
        raise SigningError(f"the certificate in {path} expired on {cert.not_valid_after_utc:%d %B %Y}",
                           file=str(path))
    known = {certificate_fingerprint(c) for c in material.chain}
    chain = list(material.chain) + [ca for ca in _chain_of(uow, cert) if certificate_fingerprint(ca) not in known]
    material = KeyMaterial(material.key, cert, tuple(chain))
    return _store(uow, user, seal_key_store(material, signoff_passphrase), cert, "imported",
                  f"imported from {path.name}")


# -- the force's CA ----------------------------------------------------------------------------
def import_force_ca(uow: UnitOfWork, path: Path) -> CertificateInfo:
    """An admin imports the force's CA certificate (PEM/DER); logged and shown on later packs."""
    require(uow.actor, "users.manage")
    try:
        data = read_input(path, MAX_PKCS12_BYTES)
    except OSError as exc:
        raise SigningError(f"cannot read {path}: {exc.strerror}", file=str(path)) from None
    try:
        cert = (x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data
                else x509.load_der_x509_certificate(data))
    except ValueError:
        raise SigningError(f"{path} is not a certificate (PEM or DER)", file=str(path)) from None
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise SigningError(f"{path} is not a CA certificate (its basic constraints do not allow issuing); give the "
                           "force's certificate authority certificate, not a reviewer's", file=str(path))
    der = cert.public_bytes(serialization.Encoding.DER)
    fingerprint = certificate_fingerprint(cert)
    if uow.session.scalar(select(ForceCaCertificate).where(ForceCaCertificate.certificate_sha256 == fingerprint)):
        raise InputError(f"the CA certificate {fingerprint[:16]}… is already imported")
    store_blob(uow, der, fingerprint)
    uow.session.add(ForceCaCertificate(certificate_sha256=fingerprint, subject=cert.subject.rfc4514_string(),
                                       imported_by=uow.username))
    uow.session.flush()
    uow.log("force_ca", fingerprint, "import", None, {"subject": cert.subject.rfc4514_string(),
                                                      "not_valid_after": cert.not_valid_after_utc})
    return CertificateInfo("(force CA)", "force-ca", fingerprint, cert.subject.rfc4514_string(),
                           cert.not_valid_after_utc, utcnow())


def force_ca_certificates(uow: UnitOfWork) -> list[x509.Certificate]:
    rows = uow.session.scalars(select(ForceCaCertificate).order_by(ForceCaCertificate.id)).all()
    out = []
    for row in rows:
        blob = uow.session.get(EvidenceBlob, row.certificate_sha256)
        if blob is not None and hashlib.sha256(bytes(blob.data)).hexdigest() == row.certificate_sha256:
            out.append(x509.load_der_x509_certificate(bytes(blob.data)))
    return out
