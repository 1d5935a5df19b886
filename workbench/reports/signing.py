"""Digital signatures on self-assessment packs (PAdES, via pyHanko).

A reviewer signs an approved pack PDF with a PKCS#12 key store. A reviewer
without a certificate of their own can be issued a self-signed *workspace
certificate* (:func:`create_reviewer_certificate`); inspectors then trust it
only by comparing its SHA-256 fingerprint, received out of band, with the one
reported by :func:`validate_pdf_signature` (or by passing it as a trust root).

Trust is never taken from the operating system: with no trust roots the
signature is still checked for integrity and cryptographic validity, but
``trusted`` is False.
"""

from __future__ import annotations

from workbench.errors import WorkbenchError
import contextlib
import contextvars
import datetime as dt
import hashlib
import io
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature as _pyhanko_validate
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

__all__ = [
    "SigningError",
    "SignatureCheck",
    "TrustRoot",
    "certificate_fingerprint",
    "create_reviewer_certificate",
    "load_signer",
    "sign_pdf",
    "validate_pdf_signature",
]

SIGNATURE_FIELD = "ReviewerSignature"
_FINGERPRINT_RE = re.compile(r"^[0-9a-f]{64}$")

# A trust root: a certificate (DER or PEM bytes) or the hex SHA-256
# fingerprint of a certificate (colons and spaces allowed).
TrustRoot = bytes | str


class SigningError(WorkbenchError, ValueError):
    """Signing or loading a signing key failed; ``str()`` says why and what to do."""

    def __init__(self, message: str, *, file: str | None = None) -> None:
        super().__init__(message)
        self.file = file


@dataclass(frozen=True)
class SignatureCheck:
    """Outcome of checking the signature(s) of one PDF.

    ``intact``: the signed bytes are unchanged. ``valid``: the cryptographic
    signature verifies against the embedded certificate. ``trusted``: the
    certificate chains to one of the given trust roots. ``modified``: bytes
    were appended after the signed revision (an incremental update).
    """

    signed: bool
    intact: bool
    valid: bool
    trusted: bool
    signer: str
    signed_at: dt.datetime | None
    certificate_sha256: str
    problems: tuple[str, ...]
    modified: bool = False

    @property
    def ok(self) -> bool:
        """Signed, intact, valid and not modified afterwards (trust is separate)."""
        return self.signed and self.intact and self.valid and not self.modified


# --------------------------------------------------------------------------
# Certificates and key stores
# --------------------------------------------------------------------------


def create_reviewer_certificate(
    common_name: str,
    organisation: str,
    passphrase: str,
    valid_days: int = 825,
    *,
    key_type: str = "rsa",
) -> bytes:
    """Create a PKCS#12 store with a self-signed signing key and certificate.

    The certificate carries the digitalSignature and nonRepudiation key usages
    and is not a CA. ``key_type`` is "rsa" (3072-bit, widest reader support)
    or "ec" (P-256). The store is encrypted with ``passphrase``.
    """
    common_name = (common_name or "").strip()
    organisation = (organisation or "").strip()
    if not common_name:
        raise SigningError("The reviewer's name is empty; give the name to put in the certificate.")
    if not organisation:
        raise SigningError("The organisation is empty; give the force name to put in the certificate.")
    if not passphrase:
        raise SigningError("An empty passphrase would leave the signing key unprotected; choose one.")
    if not 1 <= valid_days <= 3650:
        raise SigningError(f"valid_days={valid_days} is out of range; use 1 to 3650 days.")

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    if key_type == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    elif key_type == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        raise SigningError(f"Unknown key_type {key_type!r}; use 'rsa' or 'ec'.")

    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
        ]
    )
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    public_key = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=common_name.encode("utf-8"),
        key=key,
        cert=cert,
        cas=None,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def load_signer(pkcs12_bytes: bytes, passphrase: str) -> signers.SimpleSigner:
    """Load a pyHanko signer from a PKCS#12 store; SigningError if that fails."""
    if not pkcs12_bytes:
        raise SigningError("The certificate file is empty; choose the reviewer's .p12/.pfx file.")
    pw = passphrase.encode("utf-8") if passphrase else None
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(pkcs12_bytes, pw)
    except ValueError as exc:
        text = str(exc).lower()
        if "password" in text or "decrypt" in text or "mac" in text:
            raise SigningError(
                "Wrong passphrase for the signing certificate; re-enter it "
                "(it is case-sensitive)."
            ) from exc
        raise SigningError(
            "The certificate file could not be read as PKCS#12 (.p12/.pfx); "
            "check that the right file was chosen."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure means a bad file
        raise SigningError(
            "The certificate file could not be read as PKCS#12 (.p12/.pfx); "
            "check that the right file was chosen."
        ) from exc
    if key is None or cert is None:
        raise SigningError(
            "The PKCS#12 file holds no private key and certificate pair; "
            "export it again including the private key."
        )
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(pkcs12_bytes, other_certs=[], passphrase=pw)
    except ValueError as exc:
        raise SigningError(f"The signing key could not be used: {exc}") from exc
    return signer


def certificate_fingerprint(cert: asn1_x509.Certificate | x509.Certificate | bytes) -> str:
    """Lower-case hex SHA-256 of a certificate's DER encoding."""
    if isinstance(cert, x509.Certificate):
        der = cert.public_bytes(serialization.Encoding.DER)
    elif isinstance(cert, asn1_x509.Certificate):
        der = cert.dump()
    else:
        der = _cert_der(cert)
    return hashlib.sha256(der).hexdigest()


def _cert_der(data: bytes) -> bytes:
    if asn1_pem.detect(data):
        _, _, der = asn1_pem.unarmor(data)
        return der
    return data


# --------------------------------------------------------------------------
# Signing
# --------------------------------------------------------------------------


def sign_pdf(
    pdf_in: Path | bytes,
    out_path: Path,
    pkcs12_bytes: bytes,
    passphrase: str,
    reason: str,
    location: str,
    signer_name: str,
    *,
    visible: bool = False,
    page: int = 0,
    box: tuple[int, int, int, int] = (36, 36, 276, 96),
) -> Path:
    """Sign a PDF with a PAdES signature and write it atomically to ``out_path``.

    ``visible`` puts a signature box (points, ``box`` = x1, y1, x2, y2) on
    ``page`` (0-based; -1 for the last page); otherwise the field is invisible.
    """
    signer = load_signer(pkcs12_bytes, passphrase)
    if isinstance(pdf_in, (bytes, bytearray)):
        data = bytes(pdf_in)
        source = "<pdf bytes>"
    else:
        source = str(pdf_in)
        try:
            data = Path(pdf_in).read_bytes()
        except OSError as exc:
            raise SigningError(f"Cannot read the PDF to sign: {exc}", file=source) from exc
    if not data.startswith(b"%PDF-"):
        raise SigningError(f"{source} is not a PDF file (no %PDF- header).", file=source)

    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=signer_name or None,
    )
    if visible:
        spec = fields.SigFieldSpec(sig_field_name=SIGNATURE_FIELD, on_page=page, box=box)
    else:
        spec = fields.SigFieldSpec(sig_field_name=SIGNATURE_FIELD, on_page=page)
    style = TextStampStyle(stamp_text="Signed by %(signer)s\n%(ts)s")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        pdf_signer = signers.PdfSigner(meta, signer, new_field_spec=spec, stamp_style=style)
        out = pdf_signer.sign_pdf(writer)
    except SigningError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on bad PDFs
        raise SigningError(
            f"Could not sign {source}: {exc}. If the PDF already holds a "
            "signature in this field, sign the unsigned pack instead.",
            file=source,
        ) from exc
    signed = out.getvalue()
    return _write_atomically(Path(out_path), signed)


def _write_atomically(out_path: Path, data: bytes) -> Path:
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".signing-", suffix=".tmp", dir=out_path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return out_path


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def _split_roots(
    trust_roots: Iterable[TrustRoot] | None,
) -> tuple[list[asn1_x509.Certificate], set[str]]:
    certs: list[asn1_x509.Certificate] = []
    prints: set[str] = set()
    for root in trust_roots or ():
        if isinstance(root, str):
            fp = re.sub(r"[\s:]", "", root).lower()
            if not _FINGERPRINT_RE.match(fp):
                raise SigningError(
                    f"Trust root {root!r} is not a SHA-256 fingerprint (64 hex digits)."
                )
            prints.add(fp)
        elif isinstance(root, (bytes, bytearray)):
            der = _cert_der(bytes(root))
            try:
                cert = asn1_x509.Certificate.load(der)
                cert.native  # noqa: B018 - parses lazily; force it here
            except Exception as exc:  # noqa: BLE001
                raise SigningError("A trust root is not a DER or PEM certificate.") from exc
            certs.append(cert)
        else:
            raise SigningError(f"Unsupported trust root type {type(root).__name__}.")
    return certs, prints


def _signer_name(cert: asn1_x509.Certificate) -> str:
    try:
        return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)
    except Exception:  # noqa: BLE001
        return ""


def _unsigned(problem: str) -> SignatureCheck:
    return SignatureCheck(
        signed=False,
        intact=False,
        valid=False,
        trusted=False,
        signer="",
        signed_at=None,
        certificate_sha256="",
        problems=(problem,),
    )


def validate_pdf_signature(
    pdf: Path | bytes,
    trust_roots: Sequence[TrustRoot] | None = None,
) -> SignatureCheck:
    """Check every signature in a PDF; report on the last (the approval).

    ``trust_roots`` are certificates (DER/PEM) or SHA-256 fingerprints. The
    result is ``trusted`` only if the signer's certificate chains to one of
    them; ``intact``/``valid`` are reported either way. Never raises for a
    bad or hostile PDF: problems are listed instead. A malformed trust root
    (not a certificate, not 64 hex digits) raises SigningError.
    """
    try:
        data = pdf if isinstance(pdf, (bytes, bytearray)) else Path(pdf).read_bytes()
    except OSError as exc:
        return _unsigned(f"cannot read the PDF: {exc}")
    root_certs, root_prints = _split_roots(trust_roots)
    try:
        reader = PdfFileReader(io.BytesIO(bytes(data)), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:  # noqa: BLE001 - hostile input must not crash
        return _unsigned(f"the PDF cannot be read: {exc}")
    if not embedded:
        return _unsigned("the PDF is not signed")

    problems: list[str] = []
    intact = valid = trusted = True
    modified = False
    last_signer = ""
    last_time: dt.datetime | None = None
    last_print = ""
    for index, sig in enumerate(embedded, start=1):
        label = f"signature {index} ({sig.field_name})" if len(embedded) > 1 else "the signature"
        try:
            cert = sig.signer_cert
            fp = certificate_fingerprint(cert)
            roots = list(root_certs)
            if fp in root_prints:
                roots.append(cert)
            vc = ValidationContext(trust_roots=roots, allow_fetching=False)
            with _quiet_validation_logs():
                status = _pyhanko_validate(sig, vc)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{label} could not be checked: {exc}")
            intact = valid = trusted = False
            continue
        last_signer = _signer_name(cert)
        last_time = status.signer_reported_dt
        last_print = fp
        if not status.intact:
            intact = False
            problems.append(f"{label} does not match the document: the signed bytes were changed")
        if not status.valid:
            valid = False
            problems.append(f"{label} is cryptographically invalid")
        if not status.trusted:
            trusted = False
            if root_certs or root_prints:
                problems.append(
                    f"{label}'s certificate ({last_signer}, SHA-256 {fp}) is not one of the "
                    "trusted certificates given"
                )
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE and index == len(embedded):
            modified = True
            problems.append(
                f"{label} does not cover the whole file: content was added after signing"
            )
        if status.docmdp_ok is False:
            problems.append(f"{label}: later changes break the document's modification policy")
    return SignatureCheck(
        signed=True,
        intact=intact,
        valid=valid,
        trusted=trusted and (bool(root_certs) or bool(root_prints)),
        signer=last_signer,
        signed_at=last_time,
        certificate_sha256=last_print,
        problems=tuple(problems),
        modified=modified,
    )


_EXPECTED_TRUST_FAILURE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "workbench_expected_trust_failure", default=False
)


class _DropUntrustedChainWarnings(logging.Filter):
    """Drop pyHanko's warning (with traceback) about an untrusted chain.

    Only while :func:`validate_pdf_signature` runs: the outcome is reported
    through :class:`SignatureCheck.trusted`, so the log lines only duplicate
    it (a self-signed workspace certificate always triggers one).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (_EXPECTED_TRUST_FAILURE.get() and record.levelno <= logging.WARNING)


_cms_logger = logging.getLogger("pyhanko.sign.validation.generic_cms")
if not any(isinstance(f, _DropUntrustedChainWarnings) for f in _cms_logger.filters):
    _cms_logger.addFilter(_DropUntrustedChainWarnings())


@contextlib.contextmanager
def _quiet_validation_logs() -> Iterator[None]:
    token = _EXPECTED_TRUST_FAILURE.set(True)
    try:
        yield
    finally:
        _EXPECTED_TRUST_FAILURE.reset(token)
