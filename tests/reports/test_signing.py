from __future__ import annotations

import io
from typing import Any, cast

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from workbench.reports.signing import (
    Appearance,
    SigningError,
    certificate_fingerprint,
    create_reviewer_certificate,
    load_signer,
    sign_pdf,
    signed_info,
    validate_pdf_signature,
)

PASS = "correct horse battery staple"
MARKER = b"SELF-ASSESSMENT-PACK-TEXT"


def small_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0, invariant=1)
    c.drawString(72, 720, MARKER.decode())
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def p12() -> bytes:
    return create_reviewer_certificate("Jane Reviewer", "Test Constabulary", PASS, key_type="ec")


def _certificate(store: bytes) -> x509.Certificate:
    _, cert, _ = pkcs12.load_key_and_certificates(store, PASS.encode())
    assert cert is not None
    return cert


@pytest.fixture(scope="module")
def cert_der(p12: bytes) -> bytes:
    return _certificate(p12).public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="module")
def signed_pdf(tmp_path_factory, p12: bytes) -> bytes:
    out = tmp_path_factory.mktemp("sig") / "signed.pdf"
    path = sign_pdf(small_pdf(), out, load_signer(p12, PASS), "Approved for inspection", "Force HQ", "Jane Reviewer")
    return path.read_bytes()


def test_certificate_has_signing_key_usage(p12, cert_der):
    cert = x509.load_der_x509_certificate(cert_der)
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment
    assert not ku.key_cert_sign
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "Jane Reviewer"
    assert cert.subject == cert.issuer


def test_rsa_certificate_by_default_signs_and_validates(tmp_path):
    store = create_reviewer_certificate("R S A", "Test Constabulary", PASS)
    key = _certificate(store).public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 3072
    out = sign_pdf(small_pdf(), tmp_path / "rsa.pdf", load_signer(store, PASS), "ok", "HQ", "R S A")
    check = validate_pdf_signature(out)
    assert check.intact and check.valid and check.signer == "R S A"


def test_signed_pdf_validates_intact_and_valid(signed_pdf, cert_der):
    check = validate_pdf_signature(signed_pdf)
    assert check.signed and check.intact and check.valid
    assert not check.modified and check.ok
    assert check.trusted is False  # self-signed, no trust root given
    assert check.signer == "Jane Reviewer"
    assert check.certificate_sha256 == certificate_fingerprint(cert_der)
    assert check.signed_at is not None and check.signed_at.tzinfo is not None
    assert check.problems == ()
    # the original page text is still there and the PDF is readable by others
    reader = PdfReader(io.BytesIO(signed_pdf))
    assert MARKER.decode() in reader.pages[0].extract_text()
    sig_field = (reader.get_fields() or {})["ReviewerSignature"]
    assert sig_field["/FT"] == "/Sig"
    sig = sig_field["/V"]
    assert sig["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig["/Reason"] == "Approved for inspection"
    assert sig["/Location"] == "Force HQ"
    assert sig["/Name"] == "Jane Reviewer"


def test_trusted_only_with_certificate_as_root(signed_pdf, cert_der):
    assert validate_pdf_signature(signed_pdf, [cert_der]).trusted is True
    pem = x509.load_der_x509_certificate(cert_der).public_bytes(serialization.Encoding.PEM)
    assert validate_pdf_signature(signed_pdf, [pem]).trusted is True
    fingerprint = certificate_fingerprint(cert_der)
    colon_print = ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()
    assert validate_pdf_signature(signed_pdf, [colon_print]).trusted is True

    other = create_reviewer_certificate("Mallory", "Elsewhere", PASS, key_type="ec")
    other_cert = _certificate(other)
    check = validate_pdf_signature(
        signed_pdf, [other_cert.public_bytes(serialization.Encoding.DER)]
    )
    assert check.trusted is False
    assert check.intact and check.valid
    assert any("not one of the trusted certificates" in p for p in check.problems)


def test_flipping_a_signed_byte_breaks_integrity(signed_pdf):
    pos = signed_pdf.index(MARKER)
    tampered = bytearray(signed_pdf)
    tampered[pos] ^= 0x01  # 'S' -> 'R', inside the signed byte range
    check = validate_pdf_signature(bytes(tampered))
    assert check.signed
    assert check.intact is False
    assert not check.ok
    assert any("signed bytes were changed" in p for p in check.problems)


def test_incremental_update_after_signing_is_reported(signed_pdf):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page[generic.NameObject("/Rotate")] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    check = validate_pdf_signature(out.getvalue())
    assert check.intact and check.valid  # the signed revision itself is untouched
    assert check.modified is True
    assert not check.ok
    assert any("added after signing" in p for p in check.problems)


def test_unsigned_pdf_and_garbage_are_reported_not_raised():
    check = validate_pdf_signature(small_pdf())
    assert (check.signed, check.intact, check.valid) == (False, False, False)
    assert check.problems == ("the PDF is not signed",)
    junk = validate_pdf_signature(b"%PDF-1.4 this is not really a pdf")
    assert junk.signed is False and junk.problems


def test_wrong_passphrase_raises_signing_error(p12, tmp_path):
    with pytest.raises(SigningError, match="wrong passphrase"):
        load_signer(p12, "not the passphrase")


def test_bad_key_store_raises_signing_error():
    with pytest.raises(SigningError, match="PKCS#12"):
        load_signer(b"definitely not a pkcs12 file", PASS)
    with pytest.raises(SigningError, match="empty"):
        load_signer(b"", PASS)


def test_visible_signature_says_who_in_what_role_when_and_the_fingerprint(tmp_path, p12):
    key = load_signer(p12, PASS)
    out = sign_pdf(small_pdf(), tmp_path / "v.pdf", key, "Approved", "HQ", "Jane Reviewer",
                   appearance=Appearance(0, (72, 72, 372, 172), "Reviewer (approver)"),
                   info={"WorkbenchLogAnchor": "7:" + "a" * 64})
    reader = PdfReader(str(out))
    annot = [a.get_object() for a in cast(Any, reader.pages[0]["/Annots"])][0]
    assert [round(float(v)) for v in annot["/Rect"]] == [72, 72, 372, 172]
    stream = annot["/AP"]["/N"].get_object().get_data()
    fp = certificate_fingerprint(key.certificate)
    for text in (b"Jane Reviewer", rb"Reviewer \050approver\051", fp[:32].encode(), fp[32:].encode()):
        assert text in stream
    assert validate_pdf_signature(out).ok
    assert signed_info(out.read_bytes())["WorkbenchLogAnchor"] == "7:" + "a" * 64


def test_empty_passphrase_refused():
    with pytest.raises(SigningError, match="passphrase"):
        create_reviewer_certificate("A", "B", "")


def test_sign_from_path_overwrites_atomically(tmp_path, p12):
    src = tmp_path / "pack.pdf"
    src.write_bytes(small_pdf())
    out = sign_pdf(src, src, load_signer(p12, PASS), "Approved", "HQ", "Jane Reviewer")
    assert out == src
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.pdf"]
    widget = (PdfReader(str(out)).get_fields() or {})["ReviewerSignature"]
    assert widget["/V"]["/Name"] == "Jane Reviewer"
    assert validate_pdf_signature(out).ok


def test_not_a_pdf_is_refused(tmp_path, p12):
    with pytest.raises(SigningError, match="not a PDF"):
        sign_pdf(b"hello", tmp_path / "x.pdf", load_signer(p12, PASS), "r", "l", "n")
