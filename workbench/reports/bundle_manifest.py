"""The signed bundle manifests made at approval, and the bundle files rendered from them.

At approval the reviewer signs one manifest per kind of bundle the pack can be sealed into
(``full``, ``full-without-personal``, ``release``, ``release-without-personal``). Each lists every
file that bundle holds (role, title, finding, SHA-256, size), the builder, the approver, the pack
version, the times, the signer's certificate fingerprint and the change-log anchor. A manifest
cannot hold the hash of the PDF that is signed after it, so the PDF holds the manifest's: its
signed document information records the SHA-256 of each manifest it belongs to, its role, its
pack version, the change-log anchor and its own evidence index.

README.txt, index.html and SHA256SUMS are rendered from the signed manifest alone (plus the
verified PDF's hash), so ``verify`` renders them again and compares every byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from .bundle_format import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    GENERATED_NAMES,
    INDEX_NAME,
    MANIFEST_NAME,
    README_NAME,
    ROLE_WORDS,
    SIGNATURE_NAME,
    SUMS_NAME,
    ManifestEntry,
    sanitise_arcname,
    sanitise_component,
)

__all__ = ["ApprovalFacts", "EvidenceFile", "approval_manifests", "pdf_info", "render_generated"]

# document-information keys the signed PDF carries
INFO_ROLE, INFO_MANIFESTS, INFO_VERSION, INFO_ANCHOR, INFO_EVIDENCE = (
    "WorkbenchPackRole", "WorkbenchManifestSHA256", "WorkbenchPackVersion", "WorkbenchLogAnchor",
    "WorkbenchEvidence")


@dataclass(frozen=True)
class EvidenceFile:
    finding: str
    filename: str
    title: str
    sha256: str
    size: int
    case_linked: bool = False


@dataclass(frozen=True)
class ApprovalFacts:
    """What the approval covers, as plain data (all of it goes into the signed manifests)."""

    force: str
    marking: str
    pack_version: int
    built_by: str
    built_by_name: str
    built_at: dt.datetime
    approved_by: str
    approved_by_name: str
    approved_at: dt.datetime
    comment: str
    tool_version: str
    signer: str
    certificate_sha256: str
    anchor_seq: int
    anchor_hash: str
    min_cell: int
    workbook_sha256: str
    workbook_size: int
    release_workbook_sha256: str
    release_workbook_size: int
    evidence: tuple[EvidenceFile, ...] = ()
    release_evidence: tuple[EvidenceFile, ...] = ()
    #: the reviewer's comment as the release copy prints it (scrubbed of case references and names)
    release_comment: str = ""
    #: the accessible HTML version of each pack (listed when given)
    html_sha256: str = ""
    html_size: int = 0
    release_html_sha256: str = ""
    release_html_size: int = 0

    @property
    def stem(self) -> str:
        return f"self-assessment-pack-v{self.pack_version}"


def canonical(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _when(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def place_evidence(evidence: Sequence[EvidenceFile]) -> list[str]:
    """Member names for evidence files: evidence/<finding ref>/<file>, sanitised and unique."""
    taken = {n.casefold() for n in GENERATED_NAMES}
    out: list[str] = []
    for ev in evidence:
        ref = sanitise_component(ev.finding or "", fallback="general")
        name = f"evidence/{ref}/" + sanitise_arcname(PurePosixPath(ev.filename.replace("\\", "/")).name)
        name = _unique(name, taken)
        taken.add(name.casefold())
        out.append(name)
    return out


def _unique(name: str, taken: set[str]) -> str:
    if name.casefold() not in taken:
        return name
    path = PurePosixPath(name)
    n = 2
    while True:
        candidate = str(path.with_name(f"{path.stem} ({n}){path.suffix}"))
        if candidate.casefold() not in taken:
            return candidate
        n += 1


def _manifest(facts: ApprovalFacts, variant: str) -> dict[str, Any]:
    release = variant.startswith("release")
    drop = variant.endswith("without-personal")
    stem = facts.stem + ("-release" if release else "")
    evidence = facts.release_evidence if release else facts.evidence
    if drop:
        evidence = tuple(e for e in evidence if not e.case_linked)
    entries = [
        ManifestEntry(f"{stem}.pdf", "release-copy" if release else "approved-pack",
                      "Self-assessment pack, release copy (signed)" if release else
                      "Self-assessment pack (signed)", None, None),
        ManifestEntry(f"{stem}.xlsx", "release-workbook" if release else "workbook",
                      "Self-assessment workbook" + (", release copy" if release else ""),
                      facts.release_workbook_sha256 if release else facts.workbook_sha256,
                      facts.release_workbook_size if release else facts.workbook_size),
    ]
    html_sha, html_size = ((facts.release_html_sha256, facts.release_html_size) if release
                           else (facts.html_sha256, facts.html_size))
    if html_sha:
        entries.append(ManifestEntry(f"{stem}.html", "release-html" if release else "html-pack",
                                     "Self-assessment pack, accessible HTML version"
                                     + (", release copy" if release else ""), html_sha, html_size))
    for ev, name in zip(evidence, place_evidence(evidence), strict=True):
        entries.append(ManifestEntry(name, "evidence", ev.title, ev.sha256, ev.size, ev.finding, ev.case_linked))
    return {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "variant": variant,
        "pack": {
            "force": facts.force, "marking": facts.marking, "version": facts.pack_version,
            "built_by": facts.built_by, "built_by_name": facts.built_by_name, "built_at": _when(facts.built_at),
            "approved_by": facts.approved_by, "approved_by_name": facts.approved_by_name,
            "approved_at": _when(facts.approved_at), "comment": facts.release_comment if release else facts.comment, "tool_version": facts.tool_version,
        },
        "release": {"pseudonymised": release, "personal_data_dropped": drop,
                    "min_cell": facts.min_cell if release else None},
        "signer": {"name": facts.signer, "certificate_sha256": facts.certificate_sha256},
        "change_log_anchor": {"seq": facts.anchor_seq, "hash": facts.anchor_hash},
        "files": [e.to_json() for e in entries],
    }


def approval_manifests(facts: ApprovalFacts) -> dict[str, bytes]:
    """The four manifests (canonical JSON bytes, to be signed) keyed by variant."""
    from .bundle_format import VARIANTS

    return {variant: canonical(_manifest(facts, variant)) for variant in VARIANTS}


def pdf_info(facts: ApprovalFacts, release: bool, manifests: dict[str, bytes]) -> dict[str, str]:
    """The document information a pack PDF carries into its signature."""
    shas = [hashlib.sha256(data).hexdigest() for variant, data in sorted(manifests.items())
            if variant.startswith("release") == release]
    evidence = facts.release_evidence if release else facts.evidence
    return {
        INFO_ROLE: "release-copy" if release else "approved-pack",
        INFO_MANIFESTS: " ".join(shas),
        INFO_VERSION: str(facts.pack_version),
        INFO_ANCHOR: f"{facts.anchor_seq}:{facts.anchor_hash}",
        INFO_EVIDENCE: json.dumps(sorted([e.finding, e.sha256] for e in evidence)),
    }


# --------------------------------------------------------------------------
# Files rendered from the signed manifest
# --------------------------------------------------------------------------


def _sums(manifest: dict[str, Any], pdf_sha: str) -> bytes:
    lines = []
    for entry in manifest["files"]:
        sha = pdf_sha if entry["sha256"] is None else entry["sha256"]
        lines.append(f"{sha}  {entry['path']}\n")
    return "".join(lines).encode("utf-8")


def _variant_words(manifest: dict[str, Any]) -> str:
    rel = manifest["release"]
    if not rel["pseudonymised"]:
        words = "the approved pack"
    else:
        words = f"the release copy (case references pseudonymised, counts below {rel['min_cell']} shown as <{rel['min_cell']})"
    return words + (", evidence attached to single cases left out" if rel["personal_data_dropped"] else "")


def how_to_check(manifest: dict[str, Any]) -> list[str]:
    """Five lines that tell a stranger how to check the bundle."""
    return [
        "1. Ask the force by phone or e-mail (never from this bundle) for the reviewer's or the force CA's "
        "certificate SHA-256 fingerprint.",
        "2. Run: workbench verify THIS-BUNDLE.zip --trust FINGERPRINT   (the Inspection Readiness Workbench; "
        "no force systems needed).",
        "3. VERIFIED (exit 0): every file is exactly what the reviewer signed. INTACT BUT UNTRUSTED (exit 3): "
        "the signer is not the one you trust. FAILED (exit 1): the named files were changed.",
        f"4. Without the Workbench: sha256sum -c {SUMS_NAME}; then openssl cms -verify -binary -inform DER "
        f"-in {SIGNATURE_NAME} -content {MANIFEST_NAME} -noverify -out /dev/null",
        "5. and open the pack PDF's signature panel: valid, unchanged since signing, certificate fingerprint "
        f"{manifest['signer']['certificate_sha256']}.",
    ]


def _facts(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    pack, anchor = manifest["pack"], manifest["change_log_anchor"]
    return [
        ("Force", pack["force"]),
        ("Pack version", str(pack["version"])),
        ("This bundle holds", _variant_words(manifest)),
        ("Built (prepared) by", f"{pack['built_by_name']} ({pack['built_by']}) at {pack['built_at']}"),
        ("Approved and signed by", f"{pack['approved_by_name']} ({pack['approved_by']}) at {pack['approved_at']}"),
        ("Signer's certificate SHA-256", manifest["signer"]["certificate_sha256"]),
        ("Change-log anchor", f"entry {anchor['seq']}, hash {anchor['hash']}"),
        ("Tool version", pack["tool_version"]),
    ]


def _readme(manifest: dict[str, Any]) -> bytes:
    marking = manifest["pack"]["marking"]
    lines = [marking, "", f"Self-assessment evidence bundle - {manifest['pack']['force']} - pack version "
             f"{manifest['pack']['version']}", "", "HOW TO CHECK THIS BUNDLE", *how_to_check(manifest), ""]
    lines += [f"{k}: {v}" for k, v in _facts(manifest)]
    lines += ["", "FILES (all listed in the signed manifest.json)"]
    for entry in manifest["files"]:
        lines.append(f"  {entry['path']}  [{ROLE_WORDS.get(entry['role'], entry['role'])}]"
                     + (f"  finding {entry['finding']}" if entry.get("finding") else ""))
    lines += ["", f"Handle this bundle according to its marking ({marking}).", "", marking, ""]
    return "\n".join(lines).encode("utf-8")


def _index(manifest: dict[str, Any], pdf_sha: str) -> bytes:
    e = html.escape
    marking = e(manifest["pack"]["marking"])
    facts = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in _facts(manifest))
    steps = "".join(f"<li>{e(line[3:])}</li>" for line in how_to_check(manifest))
    rows = []
    for entry in manifest["files"]:
        sha = pdf_sha if entry["sha256"] is None else entry["sha256"]
        rows.append(f"<tr><td><a href=\"{e(quote(entry['path']))}\">{e(entry['path'])}</a></td>"
                    f"<td>{e(entry['title'])}</td><td>{e(entry.get('finding') or '')}</td>"
                    f"<td>{e(ROLE_WORDS.get(entry['role'], entry['role']))}</td><td><code>{e(sha)}</code></td></tr>")
    text = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{marking} - Evidence bundle - {e(manifest['pack']['force'])}</title>
<style>
body{{font-family:sans-serif;margin:2em}} .mark{{text-align:center;font-weight:bold;color:#b00}}
table{{border-collapse:collapse}} td,th{{border:1px solid #999;padding:4px 8px;text-align:left;
vertical-align:top}} code{{font-size:90%;word-break:break-all}}
</style></head>
<body>
<p class="mark">{marking}</p>
<h1>Self-assessment evidence bundle</h1>
<h2>How to check it</h2>
<ol>{steps}</ol>
<table>{facts}</table>
<h2>Files</h2>
<table><tr><th>File</th><th>Title</th><th>Finding</th><th>Role</th><th>SHA-256</th></tr>
{''.join(rows)}
</table>
<p>Every file above is listed in the signed <code>{MANIFEST_NAME}</code> (signature:
<code>{SIGNATURE_NAME}</code>) and in <code>{SUMS_NAME}</code>. See <code>{README_NAME}</code>.</p>
<p class="mark">{marking}</p>
</body></html>
"""
    return text.encode("utf-8")


def render_generated(manifest: dict[str, Any], pdf_sha: str) -> dict[str, bytes]:
    """README.txt, index.html and SHA256SUMS for a bundle, from its signed manifest only."""
    return {README_NAME: _readme(manifest), INDEX_NAME: _index(manifest, pdf_sha),
            SUMS_NAME: _sums(manifest, pdf_sha)}
