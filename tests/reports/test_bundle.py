from __future__ import annotations

import datetime as dt
import hashlib
import functools
import io
import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from openpyxl import Workbook, load_workbook
from reportlab.pdfgen import canvas

from workbench.reports.bundle import (
    BundleError,
    BundleFile,
    BundleMeta,
    build_bundle,
    verify_bundle,
)
from workbench.reports.safe_zip import ZipLimits, read_member, safe_entries
from workbench.reports.signing import create_reviewer_certificate, sign_pdf

PASS = "reviewer passphrase"
MARKER = b"PACK-BODY-TEXT"
WHEN = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.timezone.utc)


def _pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0, invariant=1)
    c.drawString(72, 720, MARKER.decode())
    c.showPage()
    c.save()
    return buf.getvalue()


@functools.cache
def _xlsx() -> bytes:
    """One workbook per run: openpyxl stamps the save time, so two saves can differ."""
    wb = Workbook()
    wb.active["A1"] = "Finding"
    wb.active["B1"] = 42
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def p12() -> bytes:
    return create_reviewer_certificate("Rev Iewer", "Test Constabulary", PASS, key_type="ec")


@pytest.fixture(scope="module")
def cert_der(p12) -> bytes:
    _, cert, _ = pkcs12.load_key_and_certificates(p12, PASS.encode())
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="module")
def signed_pdf_path(tmp_path_factory, p12) -> Path:
    out = tmp_path_factory.mktemp("pack") / "pack.pdf"
    return sign_pdf(_pdf(), out, p12, PASS, "Approved", "HQ", "Rev Iewer")


META = BundleMeta(
    force="Test Constabulary",
    marking="OFFICIAL-SENSITIVE",
    pack_version="3",
    built_by="Ann Analyst",
    built_at=WHEN,
    signed_by="Rev Iewer",
    signed_at=WHEN,
    tool_version="0.1.0",
    pseudonymised=True,
    personal_data_dropped=True,
    min_cell=5,
)


def _files(tmp_path: Path, pdf_path: Path) -> list[BundleFile]:
    ev = tmp_path / "audit sheet.csv"
    ev.write_text("case,result\nCASE-AAAA,met\n", encoding="utf-8")
    return [
        BundleFile("Self-assessment pack.pdf", "pack-pdf", path=pdf_path, title="Pack"),
        BundleFile("workbook.xlsx", "pack-xlsx", data=_xlsx(), title="Workbook"),
        BundleFile(
            "audit sheet.csv",
            "evidence",
            path=ev,
            finding_ref="AFI-1",
            title="Audit <script>alert(1)</script> & results",
            expected_sha256=hashlib.sha256(ev.read_bytes()).hexdigest(),
        ),
        BundleFile("../../etc/passwd", "evidence", data=b"not really", finding_ref="AFI 2/b"),
        BundleFile("notes.txt", "evidence", data=b"first", finding_ref="AFI-1"),
        BundleFile("NOTES.txt", "evidence", data=b"second", finding_ref="AFI-1"),
        BundleFile("C:\\temp\\photo.txt", "evidence", data=b"photo", finding_ref=None),
    ]


EXPECTED_PATHS = [
    "Self-assessment pack.pdf",
    "workbook.xlsx",
    "evidence/AFI-1/audit sheet.csv",
    "evidence/AFI 2_b/etc/passwd",
    "evidence/AFI-1/notes.txt",
    "evidence/AFI-1/NOTES (2).txt",
    "evidence/general/temp/photo.txt",
    "index.html",
    "README.txt",
    "SHA256SUMS",
]


@pytest.fixture()
def bundle(tmp_path, signed_pdf_path) -> Path:
    out = tmp_path / "out" / "bundle.zip"
    build_bundle(out, _files(tmp_path, signed_pdf_path), META)
    return out


def rewrite(src: Path, dst: Path, replace=None, drop=(), add=None) -> Path:
    """Copy a zip, replacing/dropping/adding members (as a tamperer would)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = replace.get(info.filename, zin.read(info))
            zout.writestr(info.filename, data)
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json"))


# ---------------------------------------------------------------- build


def test_build_writes_manifest_index_readme_and_sums(tmp_path, signed_pdf_path, cert_der):
    out = tmp_path / "b.zip"
    steps: list[tuple[int, int | None]] = []
    summary = build_bundle(out, _files(tmp_path, signed_pdf_path), META, progress=lambda d, t: steps.append((d, t)))
    assert summary.path == out
    assert summary.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert steps[0] == (0, 11) and steps[-1] == (11, 11)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit sheet.csv", "b.zip"]

    manifest = manifest_of(out)
    assert manifest["format_version"] == 1
    assert [f["path"] for f in manifest["files"]] == EXPECTED_PATHS
    assert [f.path for f in summary.files] == EXPECTED_PATHS
    assert manifest["meta"]["force"] == "Test Constabulary"
    assert manifest["meta"]["built_at"] == "2025-03-14T09:30:00+00:00"
    assert manifest["meta"]["min_cell"] == 5 and manifest["meta"]["pseudonymised"] is True
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == sorted(EXPECTED_PATHS + ["manifest.json"])
        for entry in manifest["files"]:
            data = zf.read(entry["path"])
            assert len(data) == entry["size"]
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert zf.read("Self-assessment pack.pdf") == signed_pdf_path.read_bytes()
        assert zf.read("evidence/AFI-1/NOTES (2).txt") == b"second"
        assert load_workbook(io.BytesIO(zf.read("workbook.xlsx"))).active["B1"].value == 42
        index = zf.read("index.html").decode()
        readme = zf.read("README.txt").decode()
        sums = zf.read("SHA256SUMS").decode().splitlines()
    assert hashlib.sha256(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode() + b"\n"
    ).hexdigest() == summary.manifest_sha256
    pdf_entry = manifest["files"][0]
    assert pdf_entry["role"] == "pack-pdf"
    assert pdf_entry["signature"]["signer"] == "Rev Iewer"
    assert pdf_entry["signature"]["certificate_sha256"] == hashlib.sha256(cert_der).hexdigest()
    audit = manifest["files"][2]
    assert (audit["role"], audit["finding"]) == ("evidence", "AFI-1")

    assert "<script>" not in index
    assert "Audit &lt;script&gt;alert(1)&lt;/script&gt; &amp; results" in index
    assert index.count("OFFICIAL-SENSITIVE") >= 2
    assert "evidence/AFI%202_b/etc/passwd" in index
    assert readme.startswith("OFFICIAL-SENSITIVE")
    assert "sha256sum -c SHA256SUMS" in readme
    assert "1 to 4 shown as <5" in readme
    assert len(sums) == 9  # every member but SHA256SUMS itself and the manifest
    assert sums[0] == f"{pdf_entry['sha256']}  Self-assessment pack.pdf"


def test_build_is_deterministic(tmp_path, signed_pdf_path):
    a = build_bundle(tmp_path / "a.zip", _files(tmp_path, signed_pdf_path), META)
    b = build_bundle(tmp_path / "b.zip", _files(tmp_path, signed_pdf_path), META)
    assert a.sha256 == b.sha256


def test_source_changed_since_recorded_is_refused(tmp_path, signed_pdf_path):
    ev = tmp_path / "statement.txt"
    ev.write_text("original")
    expected = hashlib.sha256(b"original").hexdigest()
    ev.write_text("altered!")
    files = [
        BundleFile("pack.pdf", "pack-pdf", path=signed_pdf_path),
        BundleFile("statement.txt", "evidence", path=ev, finding_ref="AFI-3", expected_sha256=expected),
    ]
    out = tmp_path / "out.zip"
    with pytest.raises(BundleError) as info:
        build_bundle(out, files, META)
    assert info.value.file == str(ev)
    assert str(ev) in str(info.value) and "changed" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statement.txt"]  # no zip, no temp


def test_missing_source_and_reserved_name_and_cancel(tmp_path, signed_pdf_path):
    with pytest.raises(BundleError, match="Cannot read"):
        build_bundle(tmp_path / "x.zip", [BundleFile("gone.txt", "evidence", path=tmp_path / "gone.txt")], META)
    with pytest.raises(BundleError, match="reserved"):
        build_bundle(tmp_path / "x.zip", [BundleFile("manifest.json", "index", data=b"{}")], META)

    def cancel(done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_bundle(tmp_path / "x.zip", _files(tmp_path, signed_pdf_path), META, progress=cancel)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit sheet.csv"]


def test_bundle_file_needs_one_source_and_known_role():
    with pytest.raises(BundleError):
        BundleFile("a", "evidence")
    with pytest.raises(BundleError):
        BundleFile("a", "evidence", data=b"x", path=Path("a"))
    with pytest.raises(BundleError, match="unknown role"):
        BundleFile("a", "secret", data=b"x")  # type: ignore[arg-type]


def test_broken_pack_signature_is_refused_at_build(tmp_path, signed_pdf_path):
    data = bytearray(signed_pdf_path.read_bytes())
    data[data.index(MARKER)] ^= 1
    with pytest.raises(BundleError, match="signature does not verify"):
        build_bundle(tmp_path / "x.zip", [BundleFile("p.pdf", "pack-pdf", data=bytes(data))], META)


# ---------------------------------------------------------------- verify


def test_verify_passes_on_fresh_bundle(bundle, cert_der):
    steps = []
    report = verify_bundle(bundle, progress=lambda d, t: steps.append((d, t)))
    assert report.problems == ()
    assert report.ok is True
    assert report.checked == len(EXPECTED_PATHS)
    assert steps[-1] == (10, 10)
    assert report.manifest_meta["force"] == "Test Constabulary"
    assert report.signature is not None
    assert report.signature.intact and report.signature.valid and not report.signature.trusted
    assert report.signature.signer == "Rev Iewer"

    trusted = verify_bundle(bundle, trust_roots=[hashlib.sha256(cert_der).hexdigest()])
    assert trusted.ok and trusted.signature.trusted


def test_verify_untrusted_signer_names_the_pdf(bundle):
    other = create_reviewer_certificate("Someone Else", "Elsewhere", PASS, key_type="ec")
    _, cert, _ = pkcs12.load_key_and_certificates(other, PASS.encode())
    report = verify_bundle(bundle, trust_roots=[cert.public_bytes(serialization.Encoding.PEM)])
    assert not report.ok
    assert [p.path for p in report.problems] == ["Self-assessment pack.pdf"]
    assert "not one of the trusted certificates" in report.problems[0].what


def test_one_changed_byte_in_evidence_names_that_file(bundle, tmp_path):
    name = "evidence/AFI-1/audit sheet.csv"
    with zipfile.ZipFile(bundle) as zf:
        data = bytearray(zf.read(name))
    data[5] ^= 0x20
    bad = rewrite(bundle, tmp_path / "bad.zip", replace={name: bytes(data)})
    report = verify_bundle(bad)
    assert not report.ok
    assert [p.path for p in report.problems] == [name]
    assert "SHA-256" in report.problems[0].what and "changed" in report.problems[0].what
    assert report.checked == len(EXPECTED_PATHS)


def test_missing_file_is_named(bundle, tmp_path):
    name = "evidence/AFI-1/notes.txt"
    report = verify_bundle(rewrite(bundle, tmp_path / "bad.zip", drop={name}))
    assert [(p.path, p.what) for p in report.problems] == [
        (name, "is listed in the manifest but missing from the bundle")
    ]
    assert report.checked == len(EXPECTED_PATHS) - 1


def test_extra_file_is_named(bundle, tmp_path):
    report = verify_bundle(rewrite(bundle, tmp_path / "bad.zip", add={"evidence/AFI-1/planted.txt": b"x"}))
    assert [(p.path, p.what) for p in report.problems] == [
        ("evidence/AFI-1/planted.txt", "is in the bundle but not listed in the manifest")
    ]


def test_edited_manifest_entry_is_named(bundle, tmp_path):
    manifest = manifest_of(bundle)
    manifest["files"][1]["size"] += 1
    manifest["files"][1]["sha256"] = "0" * 64
    edited = json.dumps(manifest).encode()
    report = verify_bundle(rewrite(bundle, tmp_path / "bad.zip", replace={"manifest.json": edited}))
    assert {p.path for p in report.problems} == {"workbook.xlsx"}
    whats = " | ".join(p.what for p in report.problems)
    assert "manifest says" in whats and "bytes" in whats and "SHA-256" in whats


@pytest.mark.parametrize(
    "payload,expect",
    [
        (b"{not json", "not valid JSON"),
        (b'{"format": "x", "format": "y"}', "twice"),
        (b"[]", "not a JSON object"),
        (b'{"format": "something-else"}', "does not describe"),
    ],
)
def test_unreadable_manifest_is_reported(bundle, tmp_path, payload, expect):
    report = verify_bundle(rewrite(bundle, tmp_path / "bad.zip", replace={"manifest.json": payload}))
    assert not report.ok
    assert len(report.problems) == 1
    assert report.problems[0].path == "manifest.json"
    assert expect in report.problems[0].what


def test_manifest_missing_and_not_a_zip(bundle, tmp_path):
    report = verify_bundle(rewrite(bundle, tmp_path / "bad.zip", drop={"manifest.json"}))
    assert [p.path for p in report.problems] == ["manifest.json"]
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 garbage")
    report = verify_bundle(junk)
    assert not report.ok and "not a readable zip" in report.problems[0].what
    assert not verify_bundle(tmp_path / "nope.zip").ok


def test_resigned_or_broken_pdf_is_named(bundle, tmp_path):
    """A tamperer changes the PDF and fixes up every hash: the signature still catches it."""
    name = "Self-assessment pack.pdf"
    with zipfile.ZipFile(bundle) as zf:
        pdf = bytearray(zf.read(name))
    pdf[pdf.index(MARKER)] ^= 1
    manifest = manifest_of(bundle)
    entry = next(f for f in manifest["files"] if f["path"] == name)
    entry["sha256"] = hashlib.sha256(pdf).hexdigest()
    bad = rewrite(
        bundle,
        tmp_path / "bad.zip",
        replace={name: bytes(pdf), "manifest.json": json.dumps(manifest).encode()},
    )
    report = verify_bundle(bad)
    assert not report.ok
    assert {p.path for p in report.problems} == {name}
    assert any("signed bytes were changed" in p.what for p in report.problems)
    assert report.signature is not None and report.signature.intact is False


def test_pdf_replaced_by_one_signed_with_another_key_is_named(bundle, tmp_path):
    other = create_reviewer_certificate("Rev Iewer", "Test Constabulary", PASS, key_type="ec")
    forged = sign_pdf(_pdf(), tmp_path / "forged.pdf", other, PASS, "Approved", "HQ", "Rev Iewer").read_bytes()
    name = "Self-assessment pack.pdf"
    manifest = manifest_of(bundle)
    entry = next(f for f in manifest["files"] if f["path"] == name)
    entry["sha256"], entry["size"] = hashlib.sha256(forged).hexdigest(), len(forged)
    bad = rewrite(bundle, tmp_path / "bad.zip", replace={name: forged, "manifest.json": json.dumps(manifest).encode()})
    report = verify_bundle(bad)
    assert [p.path for p in report.problems] == [name]
    assert "recorded when the bundle was built" in report.problems[0].what


# ---------------------------------------------------------------- safe zip


def _hostile_zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data)
    return path


@pytest.mark.parametrize(
    "name,what",
    [
        ("../evil", "'..'"),
        ("/etc/passwd", "absolute"),
        ("C:/Windows/evil.dll", "drive letter"),
        ("evidence\\..\\evil", "backslash"),
        ("a/./b", "'.'"),
        ("bell\x07name", "control"),
    ],
)
def test_unsafe_names_are_refused(tmp_path, name, what):
    path = _hostile_zip(tmp_path / "h.zip", [("ok.txt", b"fine"), (name, b"bad")])
    with zipfile.ZipFile(path) as zf:
        with pytest.raises(BundleError) as info:
            safe_entries(zf)
    assert info.value.entry == zipfile.ZipInfo(name).filename
    assert what in str(info.value)


def test_verify_names_every_unsafe_entry_and_extracts_nothing(tmp_path):
    before = set(tmp_path.iterdir())
    path = _hostile_zip(
        tmp_path / "h.zip",
        [("manifest.json", b"{}"), ("../evil", b"x"), ("/abs/evil", b"y")],
    )
    report = verify_bundle(path)
    assert not report.ok and report.checked == 0
    assert [p.path for p in report.problems] == ["../evil", "/abs/evil"]
    assert set(tmp_path.iterdir()) == before | {path}
    assert not (tmp_path.parent / "evil").exists()


def test_symlink_duplicate_and_encrypted_are_refused(tmp_path):
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as zf:
        link = zipfile.ZipInfo("link")
        link.create_system = 3
        link.external_attr = (0o120777) << 16
        zf.writestr(link, "/etc/passwd")
    with zipfile.ZipFile(path) as zf, pytest.raises(BundleError, match="symbolic link"):
        safe_entries(zf)

    dup = _hostile_zip(tmp_path / "d.zip", [("Notes.txt", b"a"), ("notes.TXT", b"b")])
    with zipfile.ZipFile(dup) as zf, pytest.raises(BundleError, match="duplicates") as info:
        safe_entries(zf)
    assert info.value.entry == "notes.TXT"

    enc = tmp_path / "e.zip"
    with zipfile.ZipFile(enc, "w") as zf:
        zf.writestr("secret.txt", b"data")
    raw = bytearray(enc.read_bytes())
    # set the "encrypted" flag bit in both the local and the central header
    raw[6] |= 1
    central = raw.index(b"PK\x01\x02")
    raw[central + 8] |= 1
    enc.write_bytes(bytes(raw))
    with zipfile.ZipFile(enc) as zf, pytest.raises(BundleError, match="encrypted"):
        safe_entries(zf)


def test_zip_bombs_are_refused(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * (4 * 1024 * 1024))
    with zipfile.ZipFile(bomb) as zf:
        with pytest.raises(BundleError, match="expands") as info:
            safe_entries(zf)
        assert info.value.entry == "zeros.bin"
        small = ZipLimits(max_member_size=1024, max_ratio=1e9)
        with pytest.raises(BundleError, match="over the 1024-byte limit"):
            safe_entries(zf, small)
        with pytest.raises(BundleError, match="over the 100-byte limit"):
            read_member(zf, "zeros.bin", ZipLimits(max_ratio=1e9), max_size=100)
        total = ZipLimits(max_total_size=1000, max_ratio=1e9)
        with pytest.raises(BundleError, match="in all"):
            safe_entries(zf, total)


def test_member_lying_about_its_size_is_stopped(tmp_path):
    path = tmp_path / "lie.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.txt", b"0123456789")
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("a.txt")
        info.file_size = 4  # the central directory claims fewer bytes than stored
        with pytest.raises(BundleError) as err:
            read_member(zf, info)
    assert err.value.entry == "a.txt"


def test_overlapping_members_are_refused(tmp_path):
    path = tmp_path / "overlap.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.txt", b"A" * 100)
        zf.writestr("b.txt", b"B" * 100)
    raw = bytearray(path.read_bytes())
    second = raw.index(b"PK\x01\x02", raw.index(b"PK\x01\x02") + 4)
    raw[second + 42 : second + 46] = (0).to_bytes(4, "little")  # b.txt -> a.txt's data
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as zf, pytest.raises(BundleError, match="overlaps") as info:
        safe_entries(zf)
    assert info.value.entry in {"a.txt", "b.txt"}
