"""A stored pack version's PDF, read back for viewing in the application (checked against its hash).

Reading is not exporting: nothing leaves the workspace, so nothing is logged. Opening the file in
another program or printing goes through `packs.export_pack_files` / the print log entry below.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.errors import InputError
from workbench.services.access import require
from workbench.services.packs import check_snapshot, find_version, stored_bytes
from workbench.store.uow import UnitOfWork, writes


@dataclass(frozen=True)
class PackPdf:
    number: int
    state: str
    signed: bool
    release: bool
    filename: str
    data: bytes


def pack_pdf(uow: UnitOfWork, number: int, release: bool = False) -> PackPdf:
    """The PDF of pack version `number` (the signed one once approved; `release`: the pseudonymised copy)."""
    require(uow.actor, "read")
    pv = find_version(uow, number)
    check_snapshot(pv)
    if release and pv.release_pdf_sha256 is None:
        raise InputError(f"pack version {pv.number} has no release copy", "release copies are made on approval")
    sha = pv.release_pdf_sha256 if release else (pv.signed_pdf_sha256 or pv.pdf_sha256)
    signed = bool(pv.signed_pdf_sha256)
    stem = f"self-assessment-pack-v{pv.number}" + ("-release" if release else "") + ("-signed" if signed else "")
    return PackPdf(pv.number, pv.state, signed, release, f"{stem}.pdf", stored_bytes(uow, sha, "pack PDF"))


@writes
def record_print(uow: UnitOfWork, number: int, pages: int, printer: str, release: bool = False) -> None:
    """Log that a pack version was printed (a copy left the workspace on paper)."""
    require(uow.actor, "exports.create")
    pv = find_version(uow, number)
    uow.log("pack", pv.number, "print", None, {"pages": pages, "printer": printer, "release": release})
