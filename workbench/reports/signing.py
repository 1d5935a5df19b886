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

import contextlib
import contextvars
import datetime as dt
import hashlib
import io
import logging
import re
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

from workbench.errors import WorkbenchError
from workbench.files import write_bytes_atomically
from workbench.reports.signing_cms import TrustAnchors
from workbench.reports.signing_keystore import KeyMaterial, KeyStoreError, material_from_pkcs12

__all__ = [
    "Appearance",
    "KeyMaterial",
    "SigningError",
    "as_anchors",
    "create_reviewer_material",
    "sign_pdf_bytes",
    "signed_info",
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
    chain: tuple[str, ...] = ()  # common names, signer first, up to the trust anchor

    @property
    def ok(self) -> bool:
        """Signed, intact, valid and not modified afterwards (trust is separate)."""
        return self.signed and self.intact and self.valid and not self.modified


# --------------------------------------------------------------------------
# Certificates and key stores
# --------------------------------------------------------------------------


def create_reviewer_material(
    common_name: str,
    organisation: str,
    valid_days: int = 825,
    *,
    key_type: str = "rsa",
    issuer: KeyMaterial | None = None,
    ca: bool = False,
    not_before: dt.datetime | None = None,
) -> KeyMaterial:
    """A new signing key and certificate: self-signed, or issued by ``issuer`` (a CA's key).

    A signing certificate carries digitalSignature and nonRepudiation and is not a CA; ``ca=True``
    makes a CA certificate (keyCertSign, cRLSign) such as a force's own CA. ``key_type`` is "rsa"
    (3072-bit, widest reader support) or "ec" (P-256).
    """
    common_name = (common_name or "").strip()
    organisation = (organisation or "").strip()
    if not common_name:
        raise SigningError("The reviewer's name is empty; give the name to put in the certificate.")
    if not organisation:
        raise SigningError("The organisation is empty; give the force name to put in the certificate.")
    if not 1 <= valid_days <= 3650:
        raise SigningError(f"valid_days={valid_days} is out of range; use 1 to 3650 days.")
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    if key_type == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    elif key_type == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        raise SigningError(f"Unknown key_type {key_type!r}; use 'rsa' or 'ec'.")
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
    ])
    start = not_before or dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=5)
    public_key = key.public_key()
    issuer_name = issuer.certificate.subject if issuer else name
    issuer_key = issuer.key if issuer else key
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                       critical=False)
        .sign(issuer_key, hashes.SHA256())
    )
    chain = (issuer.certificate, *issuer.chain) if issuer else ()
    return KeyMaterial(key, cert, chain)


def create_reviewer_certificate(
    common_name: str,
    organisation: str,
    passphrase: str,
    valid_days: int = 825,
    *,
    key_type: str = "rsa",
    issuer: KeyMaterial | None = None,
) -> bytes:
    """A PKCS#12 (.p12) file with a new signing key and certificate, encrypted with ``passphrase``
    (the format reviewers import; the workspace keeps keys in :mod:`signing_keystore` form)."""
    if not passphrase:
        raise SigningError("An empty passphrase would leave the signing key unprotected; choose one.")
    material = create_reviewer_material(common_name, organisation, valid_days, key_type=key_type, issuer=issuer)
    return to_pkcs12(material, passphrase)


def to_pkcs12(material: KeyMaterial, passphrase: str) -> bytes:
    name = material.certificate.subject.rfc4514_string().encode("utf-8")
    return pkcs12.serialize_key_and_certificates(
        name=name, key=material.key, cert=material.certificate, cas=list(material.chain) or None,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode("utf-8")))


def load_signer(pkcs12_bytes: bytes, passphrase: str) -> KeyMaterial:
    """Read a PKCS#12 store as key material; SigningError if that fails."""
    if not pkcs12_bytes:
        raise SigningError("The certificate file is empty; choose the reviewer's .p12/.pfx file.")
    try:
        return material_from_pkcs12(pkcs12_bytes, passphrase)
    except KeyStoreError as exc:
        raise SigningError(str(exc)) from None


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


@dataclass(frozen=True)
class Appearance:
    """A visible signature: where (0-based page, box x1, y1, x2, y2 in points) and what it says."""

    page: int
    box: tuple[float, float, float, float]
    role: str = "Reviewer"


STAMP_TEXT = ("Digitally signed by %(signer)s\n%(role)s\n%(ts)s\n"
              "Certificate SHA-256:\n%(fp1)s\n%(fp2)s")


def with_info(data: bytes, info: dict[str, str]) -> bytes:
    """The PDF with extra document-information entries (set before signing, so signed)."""
    from pypdf import PdfReader, PdfWriter

    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.add_metadata({(k if k.startswith("/") else "/" + k): v for k, v in info.items()})
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on bad PDFs
        raise SigningError(f"could not record the signing facts in the PDF: {exc}") from exc
    return out.getvalue()


def sign_pdf_bytes(
    data: bytes,
    key: KeyMaterial,
    reason: str,
    location: str,
    signer_name: str,
    *,
    info: dict[str, str] | None = None,
    appearance: Appearance | None = None,
) -> bytes:
    """A PAdES signature over ``data``; ``info`` entries are added first (so they are signed),
    ``appearance`` makes the signature visible with the signer, role, time and fingerprint."""
    if not bytes(data[:5]) == b"%PDF-":
        raise SigningError("the data to sign is not a PDF file (no %PDF- header).")
    if info:
        data = with_info(bytes(data), info)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=signer_name or None,
    )
    params = None
    if appearance is not None:
        spec = fields.SigFieldSpec(sig_field_name=SIGNATURE_FIELD, on_page=appearance.page,
                                   box=tuple(int(round(v)) for v in appearance.box))  # type: ignore[arg-type]
        fp = certificate_fingerprint(key.certificate)
        params = {"role": appearance.role, "fp1": fp[:32], "fp2": fp[32:]}
        style = TextStampStyle(stamp_text=STAMP_TEXT, border_width=1)
    else:
        spec = fields.SigFieldSpec(sig_field_name=SIGNATURE_FIELD)
        style = TextStampStyle(stamp_text="Signed by %(signer)s\n%(ts)s")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(bytes(data)), strict=False)
        pdf_signer = signers.PdfSigner(meta, key.signer(), new_field_spec=spec, stamp_style=style)
        out = pdf_signer.sign_pdf(writer, appearance_text_params=params)
    except SigningError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on bad PDFs
        raise SigningError(f"Could not sign the PDF: {exc}. If it already holds a signature in this field, "
                           "sign the unsigned pack instead.") from exc
    return bytes(out.getvalue())


def sign_pdf(
    pdf_in: Path | bytes,
    out_path: Path,
    key: KeyMaterial,
    reason: str,
    location: str,
    signer_name: str,
    *,
    info: dict[str, str] | None = None,
    appearance: Appearance | None = None,
) -> Path:
    """Sign a PDF (see :func:`sign_pdf_bytes`) and write it atomically to ``out_path``."""
    if isinstance(pdf_in, (bytes, bytearray)):
        data, source = bytes(pdf_in), "<pdf bytes>"
    else:
        source = str(pdf_in)
        try:
            data = Path(pdf_in).read_bytes()
        except OSError as exc:
            raise SigningError(f"Cannot read the PDF to sign: {exc}", file=source) from exc
    if not data.startswith(b"%PDF-"):
        raise SigningError(f"{source} is not a PDF file (no %PDF- header).", file=source)
    signed = sign_pdf_bytes(data, key, reason, location, signer_name, info=info, appearance=appearance)
    return _write_atomically(Path(out_path), signed)


def _write_atomically(out_path: Path, data: bytes) -> Path:
    out_path.parent.mkdir(parents=True, exist_ok=True)
    return write_bytes_atomically(out_path, data)


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def as_anchors(trust_roots: TrustAnchors | Iterable[TrustRoot] | None) -> TrustAnchors:
    """Trust anchors from certificates (DER/PEM bytes) and hex SHA-256 fingerprints."""
    if isinstance(trust_roots, TrustAnchors):
        return trust_roots
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
    return TrustAnchors(tuple(certs), frozenset(prints))


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
    trust_roots: TrustAnchors | Sequence[TrustRoot] | None = None,
) -> SignatureCheck:
    """Check every signature in a PDF; report on the last (the approval).

    ``trust_roots`` are trust anchors (certificates or SHA-256 fingerprints of the signer or of a
    CA above it). The result is ``trusted`` only if the signer's certificate chains to one of
    them; ``intact``/``valid`` are reported either way. The certificate is checked at the signing
    time the signature records. Never raises for a bad or hostile PDF: problems are listed
    instead. A malformed trust root (not a certificate, not 64 hex digits) raises SigningError.
    """
    try:
        data = pdf if isinstance(pdf, (bytes, bytearray)) else Path(pdf).read_bytes()
    except OSError as exc:
        return _unsigned(f"cannot read the PDF: {exc}")
    anchors = as_anchors(trust_roots)
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
    chain: tuple[str, ...] = ()
    for index, sig in enumerate(embedded, start=1):
        label = f"signature {index} ({sig.field_name})" if len(embedded) > 1 else "the signature"
        try:
            cert = sig.signer_cert
            fp = certificate_fingerprint(cert)
            carried = list(sig.other_embedded_certs)
            moment = sig.self_reported_timestamp
            vc = ValidationContext(trust_roots=anchors.roots_for([cert, *carried]), other_certs=carried,
                                   allow_fetching=False, moment=moment, best_signature_time=moment)
            with quiet_validation_logs():
                status = _pyhanko_validate(sig, vc)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{label} could not be checked: {exc}")
            intact = valid = trusted = False
            continue
        last_signer = _signer_name(cert)
        last_time = status.signer_reported_dt
        last_print = fp
        chain = (last_signer,)
        if status.trusted and status.validation_path is not None:
            chain = tuple(_signer_name(c) for c in reversed(list(status.validation_path.iter_certs(True))))
        if not status.intact:
            intact = False
            problems.append(f"{label} does not match the document: the signed bytes were changed")
        if not status.valid:
            valid = False
            problems.append(f"{label} is cryptographically invalid")
        if not status.trusted:
            trusted = False
            if anchors:
                problems.append(
                    f"{label}'s certificate ({last_signer}, SHA-256 {fp}) is not one of the "
                    "trusted certificates given"
                )
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE and index == len(embedded):
            modified = True
            problems.append(
                f"{label} does not cover the whole file: content was added after signing "
                "(an incremental update appended to the signed PDF)"
            )
        if status.docmdp_ok is False:
            problems.append(f"{label}: later changes break the document's modification policy")
    return SignatureCheck(
        signed=True,
        intact=intact,
        valid=valid,
        trusted=trusted and bool(anchors),
        signer=last_signer,
        signed_at=last_time,
        certificate_sha256=last_print,
        problems=tuple(problems),
        modified=modified,
        chain=chain,
    )


def signed_info(pdf: bytes) -> dict[str, str]:
    """The document-information entries of a signed PDF whose last signature covers the whole
    file (so every entry returned is covered by it); {} for any other PDF."""
    try:
        reader = PdfFileReader(io.BytesIO(bytes(pdf)), strict=False)
        embedded = list(reader.embedded_regular_signatures)
        if not embedded:
            return {}
        with quiet_validation_logs():
            status = _pyhanko_validate(embedded[-1], ValidationContext(trust_roots=[], allow_fetching=False))
        if not (status.intact and status.valid) or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            return {}
        info = reader.trailer_view.get("/Info")
        if info is None:
            return {}
        return {str(k).lstrip("/"): str(v) for k, v in info.get_object().items()}
    except Exception:  # noqa: BLE001 - hostile input: nothing is vouched for
        return {}


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


for _name in ("pyhanko.sign.validation.generic_cms", "pyhanko.sign.validation.pdf_embedded",
              "pyhanko_certvalidator"):
    _cms_logger = logging.getLogger(_name)
    if not any(isinstance(f, _DropUntrustedChainWarnings) for f in _cms_logger.filters):
        _cms_logger.addFilter(_DropUntrustedChainWarnings())


@contextlib.contextmanager
def quiet_validation_logs() -> Iterator[None]:
    token = _EXPECTED_TRUST_FAILURE.set(True)
    try:
        yield
    finally:
        _EXPECTED_TRUST_FAILURE.reset(token)
