"""Finding a tracker row's source and finding in the register: by the row's remembered key, then by
reference, then by text (services/findings_matching.py's similarity), and what a row's words mean.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from workbench.services.findings_matching import TITLE_MATCH, similar, squash
from workbench.store.models import Finding, Inspection, TrackerRow
from workbench.store.uow import UnitOfWork


@dataclass(frozen=True)
class KnownFinding:
    id: int
    source_id: int
    source: str  # the source's programme or title
    ref: str
    kind: str
    title: str
    text: str
    owner: str
    target_date: date | None
    status: str
    notes: str
    version: int

    @property
    def label(self) -> str:
        return f"{self.source} / {self.ref}"


@dataclass(frozen=True)
class KnownSource:
    id: int
    title: str
    programme: str
    source_type: str

    @property
    def label(self) -> str:
        return self.programme or self.title


class Register:
    """What the register holds, read once for a whole preview."""

    def __init__(self, uow: UnitOfWork) -> None:
        s = uow.session
        self.sources = {i.id: KnownSource(i.id, i.title, i.programme or "", i.source_type or "peel")
                        for i in s.scalars(select(Inspection))}
        self.findings = {f.id: KnownFinding(f.id, f.inspection_id, self.sources[f.inspection_id].label, f.ref,
                                            f.kind, f.title or "", f.text or "", f.owner or "", f.target_date,
                                            f.status, f.notes or "", f.version)
                         for f in s.scalars(select(Finding))}
        self.keys = {t.row_key: (t.finding_id, dict(t.values or {})) for t in s.scalars(select(TrackerRow))}

    def source_named(self, name: str) -> list[KnownSource]:
        """Sources whose id, title or programme is `name` (letters and digits compared). Never a merely
        similar title: "... inspection 2024" and "... inspection 2025" are two inspections."""
        if name.strip().isdigit() and int(name) in self.sources:
            return [self.sources[int(name)]]
        key = squash(name)
        if not key:
            return []
        return [s for s in self.sources.values() if key in (squash(s.title), squash(s.programme))]

    def by_reference(self, ref: str, source_id: int | None) -> list[KnownFinding]:
        key = squash(ref)
        return [f for f in self.findings.values() if squash(f.ref) == key and key
                and (source_id is None or f.source_id == source_id)]

    def by_text(self, text: str, source_id: int | None) -> list[KnownFinding]:
        mine = squash(text[:400])
        if len(mine) < 12:
            return []  # too short to tell one finding from another
        hits = []
        for f in self.findings.values():
            if source_id is not None and f.source_id != source_id:
                continue
            if any(_may_match(mine, squash(theirs[:400])) and similar(text[:400], theirs[:400]) >= TITLE_MATCH
                   for theirs in (f.text, f.title)):
                hits.append(f)
        return hits


def _may_match(a: str, b: str) -> bool:
    """Whether two squashed texts could be similar enough at all (a cheap bound on the ratio)."""
    if not a or not b:
        return False
    return 2 * min(len(a), len(b)) / (len(a) + len(b)) >= TITLE_MATCH


def row_key(source: str, ref: str, text: str) -> str:
    """A tracker row's own key: its source and reference as written, or, without a reference, its text."""
    if squash(ref):
        return f"ref:{squash(source)[:120]}|{squash(ref)[:120]}"
    return "text:" + hashlib.sha256(squash(text).encode()).hexdigest()


# -- what a row's words mean -----------------------------------------------------------------------
_KIND_WORDS = (("cause_of_concern", ("cause of concern", "causes of concern", "coc")),
               ("afi", ("area for improvement", "areas for improvement", "afi")),
               ("recommendation", ("recommendation", "recommendations", "rec", "recs")))


def kind_of(kind_text: str, ref: str) -> tuple[str, str]:
    """(kind, how it was told): from the kind column, else the reference's words ("AFI 3", "R2")."""
    for text, how in ((kind_text, "the kind column"), (ref, "its reference")):
        low = " ".join(re.sub(r"[^a-z]+", " ", (text or "").lower()).split())
        for kind, words in _KIND_WORDS:
            if any(re.search(rf"\b{w}\b", low) for w in words):
                return kind, how
        if how == "its reference" and re.match(r"^r\s*\d", low + " " + re.sub(r"\D", "", text or "")):
            return "recommendation", how
    return "", ""


_SOURCE_TYPE_WORDS = (
    ("cdi", ("crime data integrity", "cdi")),
    ("engage", ("engage",)),
    ("cause_of_concern_letter", ("cause of concern letter", "cause of concern")),
    ("revisit_letter", ("revisit",)),
    ("joint", ("joint",)),
    ("national", ("state of policing", "national")),
    ("peel", ("peel",)),
    ("thematic", ("thematic",)),
)


def source_type_of(name: str) -> str:
    """The source type its name tells ("PEEL 2023-25" -> peel), or "" when it does not."""
    low = " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())
    for source_type, words in _SOURCE_TYPE_WORDS:
        if any(re.search(rf"\b{w}\b", low) for w in words):
            return source_type
    return ""


NOTES_HEAD = "From the tracker"


def notes_block(kept: list[tuple[str, str]]) -> str:
    """The finding's notes for the columns mapped to no field, one 'Column: value' line each."""
    if not kept:
        return ""
    lines = [f"{NOTES_HEAD}:"] + [f"{name}: {value}" for name, value in kept]
    return "\n".join(lines)


def merge_notes(notes: str, old_block: str, new_block: str) -> str:
    """The notes with the block from the last import replaced by the new one (appended otherwise)."""
    if not new_block or new_block in notes:
        return notes
    if old_block and old_block in notes:
        return notes.replace(old_block, new_block)
    return (notes.rstrip() + "\n\n" + new_block) if notes.strip() else new_block
