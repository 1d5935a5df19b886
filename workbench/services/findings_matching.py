"""One publication, one inspection: recognise a report already registered (in another format, or
copied again) and the findings it shares with the register, and record the inspectorate's status.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from sqlalchemy import select

from workbench.importers.report_text import ParsedFinding, ParsedReport
from workbench.store.models import Finding, Inspection
from workbench.store.uow import UnitOfWork

TITLE_MATCH = 0.9      # normalised titles this similar name the same finding
SAME_FINDINGS = 0.8    # share of findings matching for two texts to be one publication


def squash(text: str | None) -> str:
    """Lower case letters and digits only: what survives every format and copy."""
    return re.sub(r"[^a-z0-9]+", "", (text or "").lower())


def similar(a: str, b: str) -> float:
    a, b = squash(a), squash(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _match(pf: ParsedFinding, known: list[Finding]) -> Finding | None:
    """The registered finding of the same kind whose title (or text) matches ``pf``'s."""
    best, score = None, 0.0
    for f in known:
        if f.kind != pf.kind:
            continue
        s = similar(pf.title, f.title)
        if s < TITLE_MATCH and pf.text and f.text:
            s = max(s, similar(pf.text[:400], f.text[:400]))
        if s > score:
            best, score = f, s
    return best if score >= TITLE_MATCH else None


def same_publication(uow: UnitOfWork, parsed: ParsedReport, found: tuple[ParsedFinding, ...]
                     ) -> tuple[Inspection | None, str | None]:
    """(inspection, why) when ``parsed`` is a publication already registered, else (None, None)."""
    s = uow.session
    exact = s.scalar(select(Inspection).where(Inspection.text_fingerprint == parsed.text_fingerprint))
    if exact is not None:
        return exact, "the same text"
    candidates = list(s.scalars(select(Inspection)))
    force = squash(parsed.force)
    for insp in candidates:
        if force and insp.force_name and squash(insp.force_name) != force:
            continue
        same_title = bool(parsed.title) and squash(insp.title) == squash(parsed.title)
        same_date = parsed.published is not None and insp.published == parsed.published
        if same_title and same_date:
            return insp, f"same title and publication date ({parsed.published:%d %B %Y})"
        if not found or not insp.findings:
            continue
        known = list(insp.findings)
        hits = sum(1 for pf in found if _match(pf, known) is not None)
        if hits / max(len(found), len(known)) >= SAME_FINDINGS:
            return insp, f"{hits} of {len(found)} findings match"
    return None, None


def _closed_elsewhere(uow: UnitOfWork, pf: ParsedFinding, force: str | None) -> Finding | None:
    """A registered cause of concern of the same force that this letter closes or discharges."""
    if pf.kind != "cause_of_concern" or pf.inspectorate_status not in ("Closed", "Discharged"):
        return None
    rows = uow.session.scalars(select(Finding).join(Inspection).where(Finding.kind == "cause_of_concern"))
    pool = [f for f in rows if not force or not f.inspection.force_name
            or squash(f.inspection.force_name) == squash(force)]
    return _match(pf, pool)


def _record_status(uow: UnitOfWork, f: Finding, pf: ParsedFinding) -> None:
    before = {"inspectorate_status": f.inspectorate_status,
              "inspectorate_status_date": f.inspectorate_status_date}
    f.inspectorate_status = pf.inspectorate_status or ""
    f.inspectorate_status_date = pf.inspectorate_status_date
    f.inspectorate_status_note = pf.inspectorate_status_note
    uow.session.flush()
    uow.log("finding", f.id, "inspectorate status", before,
            {"inspectorate_status": f.inspectorate_status, "inspectorate_status_date": f.inspectorate_status_date,
             "note": f.inspectorate_status_note})
