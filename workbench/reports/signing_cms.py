"""Detached CMS signatures over bundle manifests, and the trust anchors an inspector keeps.

The reviewer who approves a pack signs each bundle manifest with the same key and certificate as
the pack PDF: a detached CMS SignedData (made and checked by pyHanko; no hand-written ASN.1).
Trust never comes from the operating system or from the bundle: it comes from *trust anchors*
the inspector holds, certificates (the reviewer's own, or the force's CA) or SHA-256 fingerprints
of one, given with ``--trust`` or kept in a trust list file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import cms
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

from workbench.errors import InputError
from workbench.limits import read_input

__all__ = ["CmsCheck", "TrustAnchors", "load_trust_file", "parse_trust_value", "sign_detached",
           "verify_detached"]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
MAX_TRUST_FILE = 4 * 1024 * 1024


@dataclass(frozen=True)
class TrustAnchors:
    """Certificates (asn1crypto) and SHA-256 fingerprints the inspector trusts."""

    certificates: tuple[asn1_x509.Certificate, ...] = ()
    fingerprints: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.certificates or self.fingerprints)

    def __add__(self, other: TrustAnchors) -> TrustAnchors:
        return TrustAnchors(self.certificates + other.certificates, self.fingerprints | other.fingerprints)

    def roots_for(self, candidates: Iterable[asn1_x509.Certificate]) -> list[asn1_x509.Certificate]:
        """Trust roots for a validation: the anchor certificates, and each candidate (the signer or a
        certificate it carries) whose fingerprint is an anchor."""
        roots = list(self.certificates)
        for cert in candidates:
            if hashlib.sha256(cert.dump()).hexdigest() in self.fingerprints:
                roots.append(cert)
        return roots

    def describe(self) -> list[str]:
        out = [f"certificate {_common_name(c)} (SHA-256 {hashlib.sha256(c.dump()).hexdigest()})"
               for c in self.certificates]
        return out + [f"fingerprint {fp}" for fp in sorted(self.fingerprints)]


def _common_name(cert: asn1_x509.Certificate) -> str:
    try:
        return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)
    except Exception:  # noqa: BLE001
        return "(unnamed)"


def _fingerprint(text: str) -> str | None:
    fp = re.sub(r"[\s:]", "", text).lower().removeprefix("sha256")
    return fp if _HEX64.match(fp) else None


def _certificates(data: bytes, where: str) -> list[asn1_x509.Certificate]:
    try:
        ders = [der for _, _, der in asn1_pem.unarmor(data, multiple=True)] if asn1_pem.detect(data) else [data]
    except ValueError:  # a BEGIN line without its END, or damaged base64
        raise InputError(f"{where} holds a PEM block that is cut short or damaged",
                         "give the .pem/.cer file exactly as the force sent it, or its 64-hex-digit SHA-256") from None
    out = []
    for der in ders:
        try:
            cert = asn1_x509.Certificate.load(der)
            cert.native  # noqa: B018 - asn1crypto parses lazily; force it here
        except Exception as exc:  # noqa: BLE001 - any parser failure means "not a certificate"
            raise InputError(f"{where} is not a certificate (PEM or DER) or holds a damaged one",
                             "give the .pem/.cer file the force sent, or its 64-hex-digit SHA-256") from exc
        out.append(cert)
    return out


def parse_trust_value(value: str) -> TrustAnchors:
    """One ``--trust`` value: a SHA-256 fingerprint, a certificate file, or a trust list file."""
    fp = _fingerprint(value.strip())
    if fp is not None:
        return TrustAnchors(fingerprints=frozenset({fp}))
    path = Path(value)
    if not path.is_file():
        raise InputError(f"--trust {value}: neither a file nor a SHA-256 fingerprint (64 hex digits)",
                         "give the certificate or trust list file, or the fingerprint the force sent you")
    return load_trust_file(path)


def load_trust_file(path: Path) -> TrustAnchors:
    """A certificate (PEM/DER) file, or a trust list: lines of SHA-256 fingerprints and/or PEM
    certificates, with ``#`` comments. Anything else is refused naming the file and line."""
    try:
        data = read_input(path, MAX_TRUST_FILE)
    except OSError as exc:
        raise InputError(f"cannot read trust file {path}: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(f"trust file {path} is empty", "put one SHA-256 fingerprint or PEM certificate in it")
    if not asn1_pem.detect(data):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return TrustAnchors(certificates=tuple(_certificates(data, f"trust file {path}")))
    else:
        text = data.decode("utf-8", errors="replace")
    certs = tuple(_certificates(data, f"trust file {path}")) if asn1_pem.detect(data) else ()
    prints: set[str] = set()
    in_pem = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.split("#", 1)[0].strip()
        if line.startswith("-----BEGIN"):
            in_pem = True
        if in_pem or not stripped:
            in_pem = in_pem and not line.startswith("-----END")
            continue
        fp = _fingerprint(stripped.split()[0])
        if fp is None:
            raise InputError(f"trust file {path}, line {number}: {stripped[:40]!r} is not a SHA-256 fingerprint "
                             "or a PEM certificate", "each line holds one 64-hex-digit fingerprint; # starts a comment")
        prints.add(fp)
    if not certs and not prints:
        raise InputError(f"trust file {path} holds no fingerprint or certificate")
    return TrustAnchors(certs, frozenset(prints))


# --------------------------------------------------------------------------
# Signing and checking
# --------------------------------------------------------------------------


def sign_detached(data: bytes, signer: Any) -> bytes:
    """A detached CMS SignedData (DER) over ``data``, signing time included, chain embedded."""
    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    content_info = asyncio.run(signer.async_sign_general_data(
        data, "sha256", detached=True, signed_attr_settings=PdfCMSSignedAttributes(signing_time=now)))
    return bytes(content_info.dump())


@dataclass(frozen=True)
class CmsCheck:
    """Outcome of checking a detached CMS signature. ``ok``: parsed, intact and valid."""

    ok: bool
    trusted: bool
    signer: str = ""
    certificate_sha256: str = ""
    signed_at: dt.datetime | None = None
    chain: tuple[str, ...] = ()  # common names, signer first, up to the trust anchor
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


def _load_signed_data(cms_der: bytes) -> cms.SignedData:
    info = cms.ContentInfo.load(cms_der)
    if info["content_type"].native != "signed_data":
        raise ValueError(f"it holds {info['content_type'].native!r}, not signed data")
    signed = info["content"]
    signed.native  # noqa: B018 - parse it all now, so a truncation is found here
    if len(signed["signer_infos"]) != 1:
        raise ValueError(f"it holds {len(signed['signer_infos'])} signatures, not one")
    return signed


def _signer_certificate(signed: cms.SignedData) -> asn1_x509.Certificate:
    sid = signed["signer_infos"][0]["sid"]
    for choice in signed["certificates"] or ():
        cert = choice.chosen
        if not isinstance(cert, asn1_x509.Certificate):
            continue
        if sid.name == "issuer_and_serial_number":
            if (cert.issuer == sid.chosen["issuer"] and cert.serial_number == sid.chosen["serial_number"].native):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    raise ValueError("it does not carry the signer's certificate")


def verify_detached(data: bytes, cms_der: bytes, anchors: TrustAnchors) -> CmsCheck:
    """Check a detached CMS signature over ``data``; never raises for hostile input."""
    try:
        signed = _load_signed_data(cms_der)
        cert = _signer_certificate(signed)
        carried = [c.chosen for c in signed["certificates"] or () if isinstance(c.chosen, asn1_x509.Certificate)]
    except Exception as exc:  # noqa: BLE001 - truncated, corrupted or foreign bytes
        return CmsCheck(False, False, problems=(f"the signature file cannot be read as CMS ({exc}): it is "
                                                "damaged, truncated or not a signature",))
    fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    name = _common_name(cert)
    signed_at = _signing_time(signed)
    problems: list[str] = []
    notes: list[str] = []
    not_before, not_after = cert["tbs_certificate"]["validity"]["not_before"].native, \
        cert["tbs_certificate"]["validity"]["not_after"].native
    moment = signed_at
    if signed_at is None:
        problems.append("the signature carries no signing time")
        moment = dt.datetime.now(dt.UTC)
    elif not not_before <= signed_at <= not_after:
        problems.append(f"it was made on {signed_at:%d %B %Y %H:%M} UTC, when the signer's certificate was not "
                        f"valid (valid {not_before:%d %B %Y} to {not_after:%d %B %Y}): the certificate had expired "
                        "or was not yet issued")
    elif not_after < dt.datetime.now(dt.UTC):
        notes.append(f"the signer's certificate has expired since (on {not_after:%d %B %Y}); the signature was "
                     "made while it was valid")
    roots = anchors.roots_for([cert, *carried])
    try:
        vc = ValidationContext(trust_roots=roots, other_certs=carried, allow_fetching=False, moment=moment,
                               best_signature_time=moment)
        from workbench.reports.signing import quiet_validation_logs

        with quiet_validation_logs():
            status = asyncio.run(async_validate_detached_cms(data, signed, signer_validation_context=vc))
    except Exception as exc:  # noqa: BLE001
        return CmsCheck(False, False, name, fingerprint, signed_at,
                        problems=(*problems, f"the signature could not be checked: {exc}"))
    if not status.intact:
        problems.append("it does not match the manifest: the manifest was changed after signing")
    elif not status.valid:
        problems.append("it is cryptographically invalid")
    chain: tuple[str, ...] = (name,)
    trusted = bool(status.trusted) and bool(anchors) and not problems
    if trusted and status.validation_path is not None:
        chain = tuple(_common_name(c) for c in reversed(list(status.validation_path.iter_certs(True))))
    return CmsCheck(not problems, trusted, name, fingerprint, signed_at, chain, tuple(problems), tuple(notes))


def _signing_time(signed: cms.SignedData) -> dt.datetime | None:
    for attr in signed["signer_infos"][0]["signed_attrs"] or ():
        if attr["type"].native == "signing_time":
            value = attr["values"][0].native
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return None
