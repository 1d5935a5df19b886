"""Sealed evidence bundles: an approved pack, its evidence files and a manifest of SHA-256 hashes.

A bundle is sealed from one of the manifests the reviewer signed at approval (full or release copy,
with or without evidence attached to single cases), so it holds exactly the files the reviewer
signed; the sealer adds only ``seal.json`` (who sealed it, when). Each file is re-hashed against the
signed manifest; a file whose bytes no longer match stops the export, naming the file. `--pseudonymise` uses the release copy
signed at approval (case references as keyed pseudonyms, case notes removed, small cells
suppressed); `--drop-personal` leaves out evidence attached to individual cases. Personal case fields
(names, addresses: the templates mark them) never appear in packs. Every export is logged.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench import __version__
from workbench.errors import InputError
from workbench.progress import Progress
from workbench.reports.bundle import BundleSummary, SealInfo, build_bundle
from workbench.reports.pack_codec import pack_from_json
from workbench.reports.signing import certificate_fingerprint
from workbench.services import access, signing_identity
from workbench.services.access import require
from workbench.services.packs import check_sealable, check_snapshot, find_version, stored_bytes
from workbench.store.models import utcnow
from workbench.store.uow import UnitOfWork, writes


@writes
def build_evidence_bundle(
    uow: UnitOfWork, out: Path, number: int | None = None, pseudonymise: bool = False,
    drop_personal: bool = False, min_cell: int | None = None,
    progress: Progress | None = None, seal_passphrase: str | None = None, replace: bool = False,
) -> BundleSummary:
    """Seal the bundle at ``out``. With ``seal_passphrase`` (the sealer's sign-off passphrase) the
    sealer signs ``seal.json`` with their signing key, so `verify` can confirm who sealed it. A file
    already at ``out`` is replaced only with ``replace`` (the user said so)."""
    require(uow.actor, "exports.create")
    if (Path(out).exists() or Path(out).is_symlink()) and not replace:
        raise InputError(f"{out} already exists; nothing was written",
                         "choose another name, or give --replace to replace that file")
    pv = find_version(uow, number) if number is not None else find_version(uow, None, ("approved",))
    check_sealable(pv)  # the reason packs' decisions give the window (services/pack_decisions.py)
    check_snapshot(pv)
    if pseudonymise and min_cell is not None and min_cell != pv.release_min_cell:
        raise InputError(
            f"the release copy of pack version {pv.number} was signed with small cells suppressed below "
            f"{pv.release_min_cell}, not {min_cell}",
            f"use --min-cell {pv.release_min_cell}, or change the setting release_min_cell and approve a new version")
    if min_cell is not None and not pseudonymise:
        raise InputError("--min-cell applies to pseudonymised bundles", "add --pseudonymise")
    variant = ("release" if pseudonymise else "full") + ("-without-personal" if drop_personal else "")
    stored = pv.signed_manifests[variant]
    manifest_bytes = stored_bytes(uow, stored["manifest"], "signed bundle manifest")
    signature = stored_bytes(uow, stored["signature"], "manifest signature")
    manifest = json.loads(manifest_bytes)
    members: dict[str, bytes] = {}
    for entry in manifest["files"]:
        if entry["role"] == "approved-pack":
            members[entry["path"]] = stored_bytes(uow, pv.signed_pdf_sha256, "signed pack PDF")
        elif entry["role"] == "release-copy":
            members[entry["path"]] = stored_bytes(uow, pv.release_pdf_sha256, "signed release copy")
        else:
            members[entry["path"]] = _evidence_bytes(uow, entry["sha256"], entry["path"])
    seal_signer, seal_fingerprint = None, ""
    if seal_passphrase is not None:
        if not access.can(uow.actor, "assessment.review"):
            raise InputError(f"{uow.username} holds no signing key, so cannot sign the seal: only reviewers do",
                             "seal without signing (verify then reports the sealer as unconfirmed), or ask a "
                             "reviewer to seal and sign the bundle")
        material = signing_identity.reviewer_signer(uow, uow.username, seal_passphrase)
        seal_signer, seal_fingerprint = material.signer(), certificate_fingerprint(material.certificate)
    seal = SealInfo(uow.username, (uow.actor.display_name if uow.actor else "") or uow.username, utcnow(),
                    __version__, seal_fingerprint)
    summary = build_bundle(Path(out), manifest_bytes, signature, members, seal, progress=progress,
                           seal_signer=seal_signer)
    left_out = sum(1 for f in pack_from_json(pv.snapshot).findings for _ in f.evidence) - sum(
        1 for e in manifest["files"] if e["role"] == "evidence")
    uow.log("bundle", pv.number, "export", None,
            {"path": str(summary.path), "sha256": summary.sha256, "files": len(summary.files),
             "manifest_sha256": summary.manifest_sha256, "variant": variant,
             "pseudonymised": pseudonymise, "seal_signed_by_certificate": seal_fingerprint or None, "personal_data_dropped": drop_personal, "evidence_left_out": left_out})
    return summary


def _evidence_bytes(uow: UnitOfWork, sha: str, filename: str) -> bytes:
    try:
        return stored_bytes(uow, sha, f"evidence file {filename}")
    except InputError as exc:
        raise InputError(f"evidence file {filename}: {exc.message}", exc.hint) from None
