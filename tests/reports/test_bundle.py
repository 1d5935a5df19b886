"""Sealed bundles: the genuine one verifies against a trust anchor; every forgery is named."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from tests.reports.signed_bundles import (
    ANCHOR_HASH,
    approve,
    evidence_files,
    forge,
    members_of,
    new_key,
    pdf_bytes,
    seal,
    write_zip,
)
from workbench.reports.bundle import BROKEN, UNTRUSTED, VERIFIED, BundleError, verify_bundle
from workbench.reports.signing import certificate_fingerprint
from workbench.reports.signing_cms import sign_detached

PDF = "self-assessment-pack-v3.pdf"
RPDF = "self-assessment-pack-v3-release.pdf"
EV = "evidence/AFI-1/minutes.txt"


@pytest.fixture(scope="module")
def ca():
    return new_key("Test Force CA", ca=True)


@pytest.fixture(scope="module")
def key(ca):
    return new_key(issuer=ca)


@pytest.fixture(scope="module")
def approval(key):
    return approve(key)


@pytest.fixture(scope="module")
def fp(key) -> str:
    return certificate_fingerprint(key.certificate)


@pytest.fixture()
def full(tmp_path, approval):
    return seal(approval, "full", tmp_path / "full.zip")


@pytest.fixture()
def release(tmp_path, approval):
    return seal(approval, "release", tmp_path / "release.zip")


def named(report) -> set[str]:
    return {p.path for p in report.problems}


# -- the genuine bundle ---------------------------------------------------------------------------------
def test_genuine_bundle_is_verified_only_against_a_trust_anchor(full, fp, key, ca):
    untrusted = verify_bundle(full)
    assert untrusted.verdict == UNTRUSTED and untrusted.exit_code == 3 and untrusted.intact
    assert untrusted.problems == () and untrusted.certificate_sha256 == fp
    assert "manifest.json.p7s" in {p.path for p in untrusted.trust_problems}
    by_print = verify_bundle(full, [fp])
    assert by_print.verdict == VERIFIED and by_print.exit_code == 0 and by_print.ok
    pem = key.certificate.public_bytes(serialization.Encoding.PEM)
    assert verify_bundle(full, [pem]).verdict == VERIFIED
    # the force's CA as the anchor: the chain is shown
    by_ca = verify_bundle(full, [certificate_fingerprint(ca.certificate)])
    assert by_ca.verdict == VERIFIED and by_ca.chain == ("Rita Reviewer", "Test Force CA")
    other = verify_bundle(full, [certificate_fingerprint(new_key("Somebody Else").certificate)])
    assert other.verdict == UNTRUSTED and "matches none" in other.trust_problems[0].what


def test_everything_reported_comes_from_the_signed_manifest(full, fp):
    report = verify_bundle(full, [fp])
    pack = report.manifest["pack"]
    assert (pack["built_by"], pack["approved_by"], pack["version"]) == ("olly.officer", "rita.reviewer", 3)
    assert report.manifest["change_log_anchor"] == {"seq": 41, "hash": ANCHOR_HASH}
    roles = {e["path"]: e["role"] for e in report.manifest["files"]}
    assert roles[PDF] == "approved-pack" and roles[EV] == "evidence"
    assert report.seal["sealed_by"] == "olly.officer"  # the sealer is reported apart from the builder
    readme = members_of(full)["README.txt"].decode()
    assert "Olly Officer (olly.officer)" in readme and "Rita Reviewer (rita.reviewer)" in readme
    steps = [line for line in readme.splitlines() if line[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert len(steps) == 5 and "--trust" in steps[1]
    assert "How to check it" in members_of(full)["index.html"].decode()


# -- who sealed it -------------------------------------------------------------------------------------
def test_unsigned_seal_is_reported_as_unconfirmed(full, fp):
    seal_facts = verify_bundle(full, [fp]).seal
    assert seal_facts["signed"] is False and seal_facts["confirmed"] is False
    assert "seal.json.p7s" not in members_of(full)


def test_signed_seal_is_confirmed_only_against_a_trust_anchor(tmp_path, approval, key, fp):
    out = seal(approval, "full", tmp_path / "signed.zip", sealer=key)
    assert "seal.json.p7s" in members_of(out)
    trusted = verify_bundle(out, [fp])
    assert trusted.verdict == VERIFIED
    assert trusted.seal["sealed_by"] == "rita.reviewer"
    assert trusted.seal["signed"] is True and trusted.seal["confirmed"] is True
    assert trusted.seal["certificate_sha256"] == fp
    untrusted = verify_bundle(out)
    assert untrusted.seal["signed"] is True and untrusted.seal["confirmed"] is False


def test_signed_seal_by_another_reviewer_is_not_confirmed_by_the_approver_alone(tmp_path, approval, fp):
    other = new_key("Sue Sealer")
    out = seal(approval, "full", tmp_path / "other.zip", sealer=other)
    report = verify_bundle(out, [fp])
    assert report.verdict == VERIFIED  # what the approver signed holds
    assert report.seal["signed"] is True and report.seal["confirmed"] is False
    both = verify_bundle(out, [fp, certificate_fingerprint(other.certificate)])
    assert both.seal["confirmed"] is True


@pytest.mark.parametrize("forgery", ["edited", "signature dropped", "signature of other bytes",
                                     "seal re-signed by an impostor", "seal dropped"])
def test_tampered_signed_seal_fails_naming_it(tmp_path, approval, key, fp, forgery):
    out = seal(approval, "full", tmp_path / "signed.zip", sealer=key)
    members = members_of(out)
    statement = json.loads(members["seal.json"])
    impostor = new_key("Rita Reviewer")
    replace: dict[str, bytes]
    drop: tuple[str, ...]
    if forgery == "edited":
        statement["sealed_by"] = "someone.else"
        replace, drop = {"seal.json": json.dumps(statement).encode()}, ()
    elif forgery == "signature dropped":
        replace, drop = {}, ("seal.json.p7s",)
    elif forgery == "signature of other bytes":
        replace, drop = {"seal.json.p7s": sign_detached(b"other", key.signer())}, ()
    elif forgery == "seal re-signed by an impostor":
        statement["sealed_by"] = "impostor"
        data = json.dumps(statement).encode()
        replace, drop = {"seal.json": data, "seal.json.p7s": sign_detached(data, impostor.signer())}, ()
    else:
        replace, drop = {}, ("seal.json",)
    report = verify_bundle(forge(out, tmp_path / "forged.zip", replace=replace, drop=drop), [fp])
    assert report.verdict == BROKEN
    assert named(report) & {"seal.json", "seal.json.p7s"}


def test_release_bundle_without_personal_evidence(tmp_path, approval, fp):
    out = seal(approval, "release-without-personal", tmp_path / "r.zip")
    report = verify_bundle(out, [fp])
    assert report.verdict == VERIFIED
    names = set(members_of(out))
    assert RPDF in names and not any("case-note" in n for n in names)


# -- forgeries named in the issue ----------------------------------------------------------------------
@pytest.mark.parametrize("member", [EV, "self-assessment-pack-v3.xlsx", "self-assessment-pack-v3.html",
                                    "README.txt", "index.html"])
def test_replaced_file_with_hashes_fixed_up_fails_naming_it(full, tmp_path, fp, member):
    forged = forge(full, tmp_path / "f.zip", replace={member: b"forged content"})
    for trust in (None, [fp]):
        report = verify_bundle(forged, trust)
        assert report.verdict == BROKEN and report.exit_code == 1
        assert "manifest.json.p7s" in named(report) or member in named(report)
    # without fixing the hashes the file itself is named
    plain = verify_bundle(forge(full, tmp_path / "g.zip", replace={member: b"forged"}, fix_hashes=False), [fp])
    assert member in named(plain)


def test_unsigned_pdf_relabelled_fails(full, tmp_path, fp):
    unsigned = pdf_bytes("An unsigned pack", evidence_files(False))
    members = members_of(full)
    manifest = json.loads(members["manifest.json"])
    for e in manifest["files"]:
        if e["path"] == PDF:
            e["role"], e["signed_by"] = "evidence", None
    forged = forge(full, tmp_path / "u.zip", replace={PDF: unsigned})
    assert PDF in named(verify_bundle(forged, [fp]))
    relabelled = forge(full, tmp_path / "r.zip", replace={"manifest.json": json.dumps(manifest).encode(),
                                                          PDF: unsigned})
    report = verify_bundle(relabelled, [fp])
    assert report.verdict == BROKEN and "manifest.json.p7s" in named(report)


def test_unpseudonymised_pdf_swapped_into_a_pseudonymised_bundle_fails(release, approval, tmp_path, fp):
    forged = forge(release, tmp_path / "s.zip", replace={RPDF: approval.pdf})
    report = verify_bundle(forged, [fp])
    assert report.verdict == BROKEN
    assert any(p.path == RPDF and "swapped" in p.what for p in report.problems)


def test_pdf_from_another_approval_fails(full, tmp_path, fp, key):
    other = approve(key, anchor_seq=99)
    report = verify_bundle(forge(full, tmp_path / "o.zip", replace={PDF: other.pdf}), [fp])
    assert any(p.path == PDF and "not signed together with this manifest" in p.what for p in report.problems)


def test_impostor_resigning_everything_is_never_verified(full, tmp_path, fp):
    impostor = new_key("Rita Reviewer")  # same name, self-signed, own key
    fake = approve(impostor)
    forged = seal(fake, "full", tmp_path / "impostor.zip")
    alone = verify_bundle(forged)
    assert alone.verdict == UNTRUSTED and not alone.ok and alone.certificate_sha256 != fp
    with_trust = verify_bundle(forged, [fp])
    assert with_trust.verdict == UNTRUSTED and not with_trust.ok
    # the impostor edits the manifest's fingerprint to the genuine one: the signature breaks
    members = members_of(forged)
    manifest = json.loads(members["manifest.json"])
    manifest["signer"]["certificate_sha256"] = fp
    edited = forge(forged, tmp_path / "edited.zip", replace={"manifest.json": json.dumps(manifest).encode()})
    report = verify_bundle(edited)
    assert report.verdict == BROKEN and "manifest.json.p7s" in named(report)


@pytest.mark.parametrize("change", ["add", "remove", "relabel", "edit"])
def test_added_removed_relabelled_files_and_manifest_edits_fail(full, tmp_path, fp, change):
    members = members_of(full)
    if change == "add":
        forged = forge(full, tmp_path / "x.zip", add={"evidence/AFI-1/extra.txt": b"extra"})
        expect = "evidence/AFI-1/extra.txt"
    elif change == "remove":
        forged = forge(full, tmp_path / "x.zip", drop=(EV,))
        expect = EV
    else:
        manifest = json.loads(members["manifest.json"])
        if change == "relabel":
            manifest["files"][2]["role"] = "workbook"
        else:
            manifest["pack"]["built_by"] = "rita.reviewer"
        forged = forge(full, tmp_path / "x.zip", replace={"manifest.json": json.dumps(manifest).encode()})
        expect = "manifest.json.p7s"
    report = verify_bundle(forged, [fp])
    assert report.verdict == BROKEN and expect in named(report)


# -- bad input ---------------------------------------------------------------------------------------------
def test_manifest_signature_from_another_certificate_fails(full, tmp_path, fp):
    other = sign_detached(members_of(full)["manifest.json"], new_key("Rob Reviewer").signer())
    report = verify_bundle(forge(full, tmp_path / "x.zip", replace={"manifest.json.p7s": other}), [fp])
    assert report.verdict == BROKEN and {"manifest.json.p7s", PDF} <= named(report)


@pytest.mark.parametrize("damage", ["truncate", "corrupt", "garbage", "empty"])
def test_truncated_or_corrupted_signature_is_one_clear_verdict(full, tmp_path, fp, damage):
    sig = members_of(full)["manifest.json.p7s"]
    bad = {"truncate": sig[: len(sig) // 2], "corrupt": sig[:200] + bytes([sig[200] ^ 0xFF]) + sig[201:],
           "garbage": b"not a signature at all", "empty": b""}[damage]
    report = verify_bundle(forge(full, tmp_path / "x.zip", replace={"manifest.json.p7s": bad}), [fp])
    assert report.verdict == BROKEN and "manifest.json.p7s" in named(report)


def test_missing_signature_and_format_1_bundle(full, tmp_path, fp):
    report = verify_bundle(forge(full, tmp_path / "n.zip", drop=("manifest.json.p7s",)), [fp])
    assert report.verdict == BROKEN and "manifest.json.p7s" in named(report)
    old = write_zip(tmp_path / "v1.zip", {"manifest.json": json.dumps(
        {"format": "inspection-readiness-evidence-bundle", "format_version": 1, "meta": {}, "files": []}).encode()})
    report = verify_bundle(old, [fp])
    assert report.verdict == BROKEN and "format 1" in report.problems[0].what


def test_expired_reviewer_certificate_is_refused(tmp_path):
    import datetime as dt

    expired = new_key(not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), valid_days=30)
    out = seal(approve(expired), "full", tmp_path / "exp.zip")
    report = verify_bundle(out, [certificate_fingerprint(expired.certificate)])
    assert report.verdict == BROKEN
    assert any(p.path == "manifest.json.p7s" and "not valid" in p.what for p in report.problems)


def test_two_manifests_fail_naming_the_second(full, tmp_path, fp):
    members = members_of(full)
    forged = forge(full, tmp_path / "two.zip", add={"evidence/AFI-1/manifest.json": members["manifest.json"]})
    report = verify_bundle(forged, [fp])
    assert report.verdict == BROKEN and named(report) == {"evidence/AFI-1/manifest.json"}


def test_incremental_update_appended_to_the_signed_pdf_is_reported_in_words(full, tmp_path, fp):
    pdf = members_of(full)[PDF]
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/Forged"] = generic.TextStringObject("added after signing")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    report = verify_bundle(forge(full, tmp_path / "inc.zip", replace={PDF: out.getvalue()}), [fp])
    assert report.verdict == BROKEN
    assert any(p.path == PDF and "incremental update" in p.what for p in report.problems)


def test_garbage_and_not_a_zip(tmp_path):
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    assert verify_bundle(tmp_path / "x.zip").verdict == BROKEN
    empty = write_zip(tmp_path / "e.zip", {"a.txt": b"a"})
    assert named(verify_bundle(empty)) == {"manifest.json"}
    bad = write_zip(tmp_path / "b.zip", {"manifest.json": b"{not json"})
    assert "not valid JSON" in verify_bundle(bad).problems[0].what


# -- sealing refuses what the signature does not cover ------------------------------------------------------
def test_sealing_checks_every_file_against_the_signed_manifest(tmp_path, approval):
    from tests.reports.signed_bundles import WHEN
    from workbench.reports.bundle import SealInfo, build_bundle

    members = approval.members("full")
    members[EV] = b"changed since approval"
    with pytest.raises(BundleError, match="minutes.txt") as info:
        build_bundle(tmp_path / "b.zip", approval.manifests["full"], approval.signatures["full"], members,
                     SealInfo("o", "O", WHEN, "t"))
    assert info.value.entry == EV and not (tmp_path / "b.zip").exists()
    members = approval.members("full")
    members[PDF] = approval.release_pdf
    with pytest.raises(BundleError, match="not signed with this manifest"):
        build_bundle(tmp_path / "b.zip", approval.manifests["full"], approval.signatures["full"], members,
                     SealInfo("o", "O", WHEN, "t"))
    assert list(tmp_path.iterdir()) == []


def test_sums_file_matches_sha256sum(full):
    members = members_of(full)
    for line in members["SHA256SUMS"].decode().splitlines():
        sha, name = line.split("  ", 1)
        assert hashlib.sha256(members[name]).hexdigest() == sha
    with zipfile.ZipFile(full) as zf:
        assert zf.namelist()[:2] == ["manifest.json", "manifest.json.p7s"]


def test_the_html_pack_is_listed_signed_and_checked(full, tmp_path, fp):
    html = "self-assessment-pack-v3.html"
    manifest = json.loads(members_of(full)["manifest.json"])
    entry = next(e for e in manifest["files"] if e["path"] == html)
    assert entry["role"] == "html-pack" and entry["sha256"] == hashlib.sha256(members_of(full)[html]).hexdigest()
    assert verify_bundle(full, [fp]).verdict == VERIFIED
    tampered = members_of(full)[html].replace(b"Approved pack", b"Approved, all green")
    report = verify_bundle(forge(full, tmp_path / "h.zip", replace={html: tampered}, fix_hashes=False), [fp])
    assert report.verdict == BROKEN and html in named(report)


def test_a_changed_pdf_alone_is_named_not_the_listings_left_as_they_were(full, tmp_path, fp):
    """Only the PDF's bytes changed: index.html and SHA256SUMS are as sealed, so they are not
    reported as changed (they list the signed PDF's hash, which no longer matches the PDF)."""
    members = members_of(full)
    pdf = bytearray(members[PDF])
    pdf[len(pdf) // 2] ^= 0x01
    report = verify_bundle(forge(full, tmp_path / "p.zip", replace={PDF: bytes(pdf)}, fix_hashes=False), [fp])
    assert report.verdict == BROKEN and PDF in named(report)
    assert not named(report) & {"index.html", "SHA256SUMS", "README.txt"}
    edited = forge(full, tmp_path / "s.zip", replace={"SHA256SUMS": members["SHA256SUMS"] + b"0" * 64 + b"  x\n"},
                   fix_hashes=False)
    assert "SHA256SUMS" in named(verify_bundle(edited, [fp]))  # a listing changed on its own still is



def test_listings_rewritten_round_a_genuine_pdf_are_named(full, tmp_path, fp):
    """The signed PDF untouched, the listings rendered again for another hash: not "the PDF was
    changed" alone; the problem names the listings too."""
    from workbench.reports.bundle_manifest import render_generated

    manifest = json.loads(members_of(full)["manifest.json"])
    forged = forge(full, tmp_path / "l.zip", replace=render_generated(manifest, "ab" * 32), fix_hashes=False)
    report = verify_bundle(forged, [fp])
    assert report.verdict == BROKEN
    assert any("SHA256SUMS" in p.what or p.path == "SHA256SUMS" for p in report.problems)
