"""Change-log anchors held in signed packs.

At approval the change-log head (entry number and hash) is written into the pack PDF's document
information before it is signed, printed on its sign-off page and recorded in the signed bundle
manifests. Rewriting the log afterwards cannot change what the signature covers, so each anchor
read back here pins one entry of the chain as it was when the pack was approved.

Only anchors from PDFs whose signature is intact, cryptographically valid and covers the whole
file (no incremental update after signing, so the document information read is the signed one)
are returned. What an anchor does not prove: that entries *after* it are genuine, or that the
signer was entitled to sign; see docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import select

from workbench.reports.bundle_manifest import INFO_ANCHOR
from workbench.reports.signing import signed_info, validate_pdf_signature
from workbench.services.access import require
from workbench.store.models import EvidenceBlob, PackVersion
from workbench.store.uow import UnitOfWork

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


@dataclass(frozen=True)
class PackAnchor:
    """One change-log entry pinned by a signed pack: entry ``seq`` had hash ``hash``."""

    seq: int
    hash: str
    source: str  # e.g. "pack version 3, signed by Helen Marsh"


def anchor_from_pdf(pdf: bytes) -> tuple[int, str, str] | None:
    """(seq, hash, signer) from a signed pack PDF whose signature validates and covers the anchor."""
    check = validate_pdf_signature(pdf)
    if not check.ok:
        return None
    match = _ANCHOR.match(signed_info(pdf).get(INFO_ANCHOR, ""))
    if match is None:
        return None
    return int(match.group(1)), match.group(2), check.signer


def signed_pack_anchors(uow: UnitOfWork) -> list[PackAnchor]:
    """Every anchor held in the workspace's signed packs (approved and superseded), oldest entry
    first; one per distinct (seq, hash), named by the first pack that holds it."""
    require(uow.actor, "read")
    rows = uow.session.scalars(select(PackVersion).where(PackVersion.state.in_(("approved", "superseded")))
                               .order_by(PackVersion.number)).all()
    found: dict[tuple[int, str], PackAnchor] = {}
    for pv in rows:
        for sha, what in ((pv.signed_pdf_sha256, ""), (pv.release_pdf_sha256, " (release copy)")):
            blob = uow.session.get(EvidenceBlob, sha) if sha else None
            if blob is None or hashlib.sha256(bytes(blob.data)).hexdigest() != sha:
                continue
            anchor = anchor_from_pdf(bytes(blob.data))
            if anchor is None:
                continue
            seq, digest, signer = anchor
            found.setdefault((seq, digest), PackAnchor(seq, digest, f"pack version {pv.number}{what}, signed by "
                                                                    f"{signer}"))
    return sorted(found.values(), key=lambda a: (a.seq, a.hash))
