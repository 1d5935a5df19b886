"""Sealed evidence bundles: an approved pack, its evidence files and a manifest of SHA-256 hashes.

The bundle is built from an approved pack version's snapshot, so it holds exactly the evidence the
signed pack lists. Each evidence file is re-hashed as it is written; a file whose bytes no longer
match its recorded SHA-256 stops the export, naming the file. `--pseudonymise` uses the release copy
signed at approval (case references as keyed pseudonyms, case notes removed, small cells
suppressed); `--drop-personal` leaves out evidence attached to individual cases. Personal case fields
(names, addresses: the templates mark them) never appear in packs. Every export is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from workbench import __version__
from workbench.errors import InputError
from workbench.reports.bundle import BundleFile, BundleMeta, BundleSummary, build_bundle
from workbench.reports.pack_codec import pack_from_json
from workbench.services.access import require
from workbench.services.packs import find_version, stored_bytes
from workbench.services.settings import get_force_settings
from workbench.store.models import Evidence, EvidenceLink, utcnow
from workbench.store.uow import UnitOfWork, writes


@writes
def build_evidence_bundle(
    uow: UnitOfWork, out: Path, number: int | None = None, pseudonymise: bool = False,
    drop_personal: bool = False, min_cell: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> BundleSummary:
    require(uow.actor, "exports.create")
    pv = find_version(uow, number) if number is not None else find_version(uow, None, ("approved",))
    if pv.state not in ("approved", "superseded"):
        raise InputError(f"pack version {pv.number} is {pv.state}; only an approved (signed) pack is bundled",
                         "submit it and have a reviewer approve it: workbench pack submit / approve")
    if pseudonymise and min_cell is not None and min_cell != pv.release_min_cell:
        raise InputError(
            f"the release copy of pack version {pv.number} was signed with small cells suppressed below "
            f"{pv.release_min_cell}, not {min_cell}",
            f"use --min-cell {pv.release_min_cell}, or change the setting release_min_cell and approve a new version")
    if min_cell is not None and not pseudonymise:
        raise InputError("--min-cell applies to pseudonymised bundles", "add --pseudonymise")
    snapshot = pack_from_json(pv.snapshot)
    pdf_sha = pv.release_pdf_sha256 if pseudonymise else pv.signed_pdf_sha256
    xlsx_sha = pv.release_xlsx_sha256 if pseudonymise else pv.xlsx_sha256
    stem = f"self-assessment-pack-v{pv.number}" + ("-release" if pseudonymise else "")
    files = [
        BundleFile(f"{stem}.pdf", "pack-pdf", data=stored_bytes(uow, pdf_sha, "signed pack PDF"),
                   title="Self-assessment pack (signed)", expected_sha256=pdf_sha),
        BundleFile(f"{stem}.xlsx", "pack-xlsx", data=stored_bytes(uow, xlsx_sha, "pack workbook"),
                   title="Self-assessment workbook", expected_sha256=xlsx_sha),
    ]
    case_linked = set(uow.session.scalars(
        select(Evidence.sha256).join(EvidenceLink, EvidenceLink.evidence_id == Evidence.id)
        .where(EvidenceLink.case_id.is_not(None))))
    left_out = 0
    for section in snapshot.findings:
        for ev in section.evidence:
            if drop_personal and ev.sha256 in case_linked:
                left_out += 1
                continue
            files.append(BundleFile(ev.filename, "evidence", data=_evidence_bytes(uow, ev.sha256, ev.filename),
                                    finding_ref=section.ref, title=ev.title, expected_sha256=ev.sha256))
    settings = get_force_settings(uow)
    meta = BundleMeta(
        force=snapshot.force, marking=settings.marking, pack_version=str(pv.number), built_by=uow.username,
        built_at=utcnow(), signed_by=pv.approved_by, signed_at=pv.approved_at, tool_version=__version__,
        pseudonymised=pseudonymise, personal_data_dropped=drop_personal,
        min_cell=pv.release_min_cell if pseudonymise else None,
    )
    summary = build_bundle(Path(out), files, meta, progress=progress)
    uow.log("bundle", pv.number, "export", None,
            {"path": str(summary.path), "sha256": summary.sha256, "files": len(summary.files),
             "pseudonymised": pseudonymise, "personal_data_dropped": drop_personal, "evidence_left_out": left_out})
    return summary


def _evidence_bytes(uow: UnitOfWork, sha: str, filename: str) -> bytes:
    try:
        return stored_bytes(uow, sha, f"evidence file {filename}")
    except InputError as exc:
        raise InputError(f"evidence file {filename}: {exc.message}", exc.hint) from None
