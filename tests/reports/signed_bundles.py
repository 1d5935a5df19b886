"""Genuine approvals and bundles made with the reports layer alone, and the tools to forge them."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen import canvas

from workbench.reports.bundle import ApprovalFacts, EvidenceFile, SealInfo, approval_manifests, build_bundle, pdf_info
from workbench.reports.signing import (
    Appearance,
    KeyMaterial,
    certificate_fingerprint,
    create_reviewer_material,
    sign_pdf_bytes,
)
from workbench.reports.signing_cms import sign_detached

ANCHOR_HASH = "ab" * 32
WHEN = dt.datetime(2026, 11, 30, 14, 5, tzinfo=dt.UTC)
EVIDENCE = {
    "minutes.txt": b"Daily management meeting minutes: attendance reviewed.",
    "case-note.txt": b"Note attached to a single case (personal).",
}


def pdf_bytes(title: str, evidence: list[EvidenceFile]) -> bytes:
    """A small pack PDF whose printed evidence index lists each file's SHA-256."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.drawString(72, 760, title)
    for n, ev in enumerate(evidence):
        c.drawString(72, 700 - 14 * n, f"{ev.finding} {ev.title} {ev.sha256}")
    c.showPage()
    c.save()
    return buf.getvalue()


@dataclass(frozen=True)
class Approval:
    key: KeyMaterial
    manifests: dict[str, bytes]
    signatures: dict[str, bytes]
    pdf: bytes
    release_pdf: bytes
    xlsx: bytes
    release_xlsx: bytes
    html: bytes = b""
    release_html: bytes = b""

    def members(self, variant: str) -> dict[str, bytes]:
        manifest = json.loads(self.manifests[variant])
        out = {}
        for e in manifest["files"]:
            if e["role"] == "approved-pack":
                out[e["path"]] = self.pdf
            elif e["role"] == "release-copy":
                out[e["path"]] = self.release_pdf
            elif e["role"] == "workbook":
                out[e["path"]] = self.xlsx
            elif e["role"] == "release-workbook":
                out[e["path"]] = self.release_xlsx
            elif e["role"] == "html-pack":
                out[e["path"]] = self.html
            elif e["role"] == "release-html":
                out[e["path"]] = self.release_html
            else:
                out[e["path"]] = EVIDENCE[e["path"].rsplit("/", 1)[1]]
        return out


def evidence_files(release: bool) -> list[EvidenceFile]:
    return [EvidenceFile("AFI-1", name, ("Minutes" if "minutes" in name else
                                         ("Case note" if not release else "Case note (PSEUDO-1)")),
                         hashlib.sha256(data).hexdigest(), len(data), case_linked="case" in name)
            for name, data in EVIDENCE.items()]


def approve(key: KeyMaterial, *, anchor_seq: int = 41) -> Approval:
    from workbench.reports.signing import certificate_fingerprint

    xlsx, release_xlsx = b"PK-full-workbook-bytes", b"PK-release-workbook-bytes"
    html = b'<!DOCTYPE html><html lang="en-GB"><title>Pack</title><h1>Approved pack</h1></html>'
    release_html = b'<!DOCTYPE html><html lang="en-GB"><title>Pack</title><h1>Release copy</h1></html>'
    facts = ApprovalFacts(
        force="Test Constabulary", marking="OFFICIAL-SENSITIVE", pack_version=3, built_by="olly.officer",
        built_by_name="Olly Officer", built_at=WHEN, approved_by="rita.reviewer", approved_by_name="Rita Reviewer",
        approved_at=WHEN, comment="Agreed.", tool_version="test", signer="Rita Reviewer",
        certificate_sha256=certificate_fingerprint(key.certificate), anchor_seq=anchor_seq, anchor_hash=ANCHOR_HASH,
        min_cell=5, workbook_sha256=hashlib.sha256(xlsx).hexdigest(), workbook_size=len(xlsx),
        release_workbook_sha256=hashlib.sha256(release_xlsx).hexdigest(), release_workbook_size=len(release_xlsx),
        evidence=tuple(evidence_files(False)), release_evidence=tuple(evidence_files(True)),
        html_sha256=hashlib.sha256(html).hexdigest(), html_size=len(html),
        release_html_sha256=hashlib.sha256(release_html).hexdigest(), release_html_size=len(release_html),
    )
    manifests = approval_manifests(facts)
    pdfs = []
    for release in (False, True):
        raw = pdf_bytes("Release copy" if release else "Approved pack", evidence_files(release))
        pdfs.append(sign_pdf_bytes(raw, key, "Approved", "HQ", "Rita Reviewer",
                                   info=pdf_info(facts, release, manifests),
                                   appearance=Appearance(0, (72, 72, 372, 172), "Reviewer (approver)")))
    signer = key.signer()
    signatures = {v: sign_detached(m, signer) for v, m in manifests.items()}
    return Approval(key, manifests, signatures, pdfs[0], pdfs[1], xlsx, release_xlsx, html, release_html)


def seal(approval: Approval, variant: str, out: Path, sealer: KeyMaterial | None = None) -> Path:
    """Seal as the officer (an unsigned seal), or as the holder of ``sealer`` (a signed seal)."""
    if sealer is None:
        info = SealInfo("olly.officer", "Olly Officer", WHEN, "test")
    else:
        info = SealInfo("rita.reviewer", "Rita Reviewer", WHEN, "test", certificate_fingerprint(sealer.certificate))
    build_bundle(out, approval.manifests[variant], approval.signatures[variant], approval.members(variant),
                 info, seal_signer=sealer.signer() if sealer else None)
    return out


def new_key(name: str = "Rita Reviewer", **kw: object) -> KeyMaterial:
    return create_reviewer_material(name, "Test Constabulary", key_type="ec", **kw)  # type: ignore[arg-type]


# -- forging ------------------------------------------------------------------------------------------
def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def forge(src: Path, dst: Path, replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = (),
          add: dict[str, bytes] | None = None, fix_hashes: bool = True) -> Path:
    """Rewrite a bundle as a forger would: replace, drop or add members, then fix up the hashes in
    manifest.json and SHA256SUMS (the signature file cannot be fixed up without the key)."""
    members = members_of(src)
    for name in drop:
        members.pop(name)
    members.update(replace or {})
    members.update(add or {})
    if fix_hashes and "manifest.json" in members and "manifest.json" not in (replace or {}):
        manifest = json.loads(members["manifest.json"])
        for entry in manifest["files"]:
            if entry["path"] in members and entry["sha256"] is not None:
                entry["sha256"] = hashlib.sha256(members[entry["path"]]).hexdigest()
                entry["size"] = len(members[entry["path"]])
        members["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True)
                                    + "\n").encode()
        members["SHA256SUMS"] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                                        for name, data in members.items()
                                        if name not in ("manifest.json", "manifest.json.p7s", "SHA256SUMS",
                                                        "seal.json")).encode()
    return write_zip(dst, members)
