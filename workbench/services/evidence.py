"""Evidence files, stored inside the workspace by SHA-256, and what they support.

The bytes live once per distinct content (EvidenceBlob, keyed by its SHA-256); each upload is an
Evidence record with its own title, evidence date (when the evidence was produced, not when it was
uploaded), source and classification. Evidence is linked to findings, audits, cases or actions.
Reading evidence back re-hashes the stored bytes, so a blob altered in the database is caught.

Evidence may carry an expiry date (`expires_on`: a policy due for review, a certificate, a
training record): from that day it is *expired* and no longer shows the finding is met; within the
attention window before it, *expiring*. `expiry_state` is the one rule; lists, the overview and
packs ask it.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from workbench.errors import InputError, NotFoundError, WorkbenchError
from workbench.files import FileWriteError, write_bytes_atomically
from workbench.services.access import require
from workbench.services.review_lock import require_removable
from workbench.services.settings import get_force_settings
from workbench.store.models import Action, Audit, Evidence, EvidenceBlob, EvidenceLink, Finding, SampledCase
from workbench.store.uow import UnitOfWork, check_version, insert_or_ignore, writes

DEFAULT_CLASSIFICATION = "OFFICIAL-SENSITIVE"
_CHUNK = 1024 * 1024

#: office formats the platform's own tables may lack (same answer on every desktop)
_OFFICE_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".msg": "application/vnd.ms-outlook",
    ".eml": "message/rfc822",
}
MAX_CLASSIFICATION = 60
#: how many days before its expiry date evidence counts as expiring (the overview's window)
EXPIRING_DAYS = 30
EXPIRED, EXPIRING = "expired", "expiring"

#: link kind -> (EvidenceLink column, model, what users call it)
_TARGETS = {
    "finding": ("finding_id", Finding, "finding"),
    "audit": ("audit_id", Audit, "audit"),
    "case": ("case_id", SampledCase, "sampled case"),
    "action": ("action_id", Action, "action"),
}


class EvidenceError(WorkbenchError):
    """An evidence file cannot be stored, read back or exported; `file` names it."""

    def __init__(self, message: str, hint: str = "", *, file: str | None = None) -> None:
        super().__init__(message, hint)
        self.file = file


@dataclass(frozen=True)
class EvidenceInfo:
    id: int
    version: int
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    evidence_date: date | None
    uploaded_at: datetime
    uploaded_by: str
    source: str
    classification: str
    finding_refs: tuple[str, ...] = ()
    finding_ids: tuple[int, ...] = ()
    audit_ids: tuple[int, ...] = ()
    case_ids: tuple[int, ...] = ()
    action_ids: tuple[int, ...] = ()
    expires_on: date | None = None

    def expiry(self, today: date | None = None) -> str:
        """"expired", "expiring" or "" (see `expiry_state`)."""
        return expiry_state(self.expires_on, today or date.today())


def expiry_state(expires_on: date | None, today: date, days: int = EXPIRING_DAYS) -> str:
    """"expired" from the expiry date on, "expiring" in the `days` before it, else ""."""
    if expires_on is None:
        return ""
    if expires_on <= today:
        return EXPIRED
    if expires_on <= today + timedelta(days=days):
        return EXPIRING
    return ""


# -- reading --------------------------------------------------------------------------------
def _links(uow: UnitOfWork, evidence_id: int) -> list[EvidenceLink]:
    return list(uow.session.scalars(
        select(EvidenceLink).where(EvidenceLink.evidence_id == evidence_id).order_by(EvidenceLink.id)))


def _info(uow: UnitOfWork, e: Evidence) -> EvidenceInfo:
    links = _links(uow, e.id)
    ids = {kind: tuple(getattr(li, col) for li in links if getattr(li, col) is not None)
           for kind, (col, _, _) in _TARGETS.items()}
    refs = []
    for fid in ids["finding"]:
        f = uow.session.get(Finding, fid)
        if f is not None:
            refs.append(f.ref)
    return EvidenceInfo(
        e.id, e.version, e.title, e.filename, e.media_type, e.size, e.sha256, e.evidence_date, e.uploaded_at,
        e.uploaded_by, e.source, e.classification, tuple(refs), ids["finding"], ids["audit"], ids["case"],
        ids["action"], e.expires_on,
    )


def _get(uow: UnitOfWork, evidence_id: int) -> Evidence:
    e = uow.session.get(Evidence, evidence_id)
    if e is None:
        raise NotFoundError(f"no evidence with id {evidence_id}", "see workbench evidence list")
    return e


def list_evidence(uow: UnitOfWork, finding_id: int | None = None) -> list[EvidenceInfo]:
    """All evidence, or the evidence linked to one finding, newest evidence date first."""
    require(uow.actor, "read")
    q = select(Evidence)
    if finding_id is not None:
        q = q.where(Evidence.id.in_(
            select(EvidenceLink.evidence_id).where(EvidenceLink.finding_id == finding_id)))
    rows = sorted(uow.session.scalars(q), key=lambda e: (e.evidence_date or date.min, e.id), reverse=True)
    return [_info(uow, e) for e in rows]


def get_evidence(uow: UnitOfWork, evidence_id: int) -> EvidenceInfo:
    require(uow.actor, "read")
    return _info(uow, _get(uow, evidence_id))


def evidence_bytes(uow: UnitOfWork, evidence_id: int) -> bytes:
    """The stored bytes, re-hashed: raises EvidenceError naming the file if they no longer match."""
    require(uow.actor, "read")
    e = _get(uow, evidence_id)
    blob = uow.session.get(EvidenceBlob, e.sha256)
    where = f"evidence {e.id} '{e.filename}' ({e.title})"
    if blob is None:
        raise EvidenceError(f"the stored bytes of {where} are missing from the workspace",
                            "restore the workspace from a backup or upload the file again", file=e.filename)
    data = bytes(blob.data)
    actual = hashlib.sha256(data).hexdigest()
    if actual != e.sha256 or len(data) != e.size:
        raise EvidenceError(
            f"the stored bytes of {where} do not match the SHA-256 recorded at upload "
            f"(recorded {e.sha256[:16]}…, now {actual[:16]}…, {len(data):,} bytes): the file was altered "
            "inside the workspace",
            "restore the workspace from a backup or upload the original file again", file=e.filename)
    return data


# -- storing --------------------------------------------------------------------------------
def media_type_of(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return _OFFICE_TYPES.get(suffix) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def store_blob(uow: UnitOfWork, data: bytes, sha256: str | None = None) -> bool:
    """Keep bytes in the workspace's content store once; True if they were not there yet."""
    sha = sha256 or hashlib.sha256(data).hexdigest()
    if uow.session.get(EvidenceBlob, sha) is not None:
        return False
    # one atomic statement: two people uploading the same new file at once both succeed
    return insert_or_ignore(uow, EvidenceBlob, {"sha256": sha, "size": len(data), "data": data})


def _read_file(path: Path, limit: int) -> tuple[bytes, str]:
    """Read a file while hashing it, refusing it (before reading) if it is over the limit."""
    name = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise EvidenceError(f"evidence file {name} does not exist", "check the path", file=name) from None
    except OSError as exc:
        raise EvidenceError(f"cannot read evidence file {name}: {exc.strerror}", file=name) from None
    if not path.is_file():
        raise EvidenceError(f"{name} is not a file", "choose a file, not a folder", file=name)
    too_big = EvidenceError(
        f"evidence file {name} is larger than the workspace limit of {limit // (1024 * 1024):,} MB; nothing was stored",
        "split or compress the file, or ask an admin to raise the setting evidence_max_file_mb", file=name)
    if st.st_size > limit:
        raise too_big
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    total = 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                total += len(chunk)
                if total > limit:  # the file grew while we read it
                    raise too_big
                digest.update(chunk)
                chunks.append(chunk)
    except OSError as exc:
        raise EvidenceError(f"cannot read evidence file {name}: {exc.strerror}", file=name) from None
    if total == 0:
        raise EvidenceError(f"evidence file {name} is empty; nothing was stored",
                            "choose the file that holds the evidence", file=name)
    return b"".join(chunks), digest.hexdigest()


def _target_ids(finding_ids: Iterable[int], audit_ids: Iterable[int], case_ids: Iterable[int],
                action_ids: Iterable[int]) -> dict[str, tuple[int, ...]]:
    return {"finding": tuple(dict.fromkeys(finding_ids)), "audit": tuple(dict.fromkeys(audit_ids)),
            "case": tuple(dict.fromkeys(case_ids)), "action": tuple(dict.fromkeys(action_ids))}


def _check_targets(uow: UnitOfWork, targets: dict[str, tuple[int, ...]]) -> None:
    for kind, ids in targets.items():
        _, model, word = _TARGETS[kind]
        for target_id in ids:
            if uow.session.get(model, target_id) is None:
                raise NotFoundError(f"no {word} with id {target_id} to link the evidence to; nothing was stored")


def _add_links(uow: UnitOfWork, e: Evidence, targets: dict[str, tuple[int, ...]], note: str = "") -> int:
    existing = {(kind, getattr(li, col)) for li in _links(uow, e.id)
                for kind, (col, _, _) in _TARGETS.items() if getattr(li, col) is not None}
    added = 0
    for kind, ids in targets.items():
        col = _TARGETS[kind][0]
        for target_id in ids:
            if (kind, target_id) in existing:
                continue
            uow.session.add(EvidenceLink(evidence_id=e.id, note=note, **{col: target_id}))
            added += 1
    uow.session.flush()
    return added


def add_evidence(
    uow: UnitOfWork, path: Path, title: str, evidence_date: date | None = None, source: str = "",
    classification: str | None = None, finding_ids: Iterable[int] = (), audit_ids: Iterable[int] = (),
    case_ids: Iterable[int] = (), action_ids: Iterable[int] = (), expires_on: date | None = None,
) -> EvidenceInfo:
    """Store a file as evidence (its bytes once per distinct content) and link it."""
    require(uow.actor, "evidence.edit")
    path = Path(path)
    evidence_date, expires_on = _day(evidence_date), _day(expires_on)
    _check_fields(path.name, title, evidence_date, classification, expires_on)
    targets = _target_ids(finding_ids, audit_ids, case_ids, action_ids)
    _check_targets(uow, targets)
    data, sha = _read_file(path, max_file_bytes(uow))
    return _store(uow, data, sha, path.name, title, evidence_date, source, classification, targets, expires_on)


def max_file_bytes(uow: UnitOfWork) -> int:
    """The workspace's limit on one evidence file (the force setting evidence_max_file_mb)."""
    return get_force_settings(uow).evidence_max_file_mb * 1024 * 1024


def add_evidence_bytes(
    uow: UnitOfWork, data: bytes, filename: str, title: str, evidence_date: date | None = None,
    source: str = "", finding_ids: Iterable[int] = (), action_ids: Iterable[int] = (),
    expires_on: date | None = None,
) -> EvidenceInfo:
    """Store bytes received from elsewhere (a returned evidence request) as evidence, as `add_evidence`."""
    require(uow.actor, "evidence.edit")
    name = Path(filename).name
    evidence_date, expires_on = _day(evidence_date), _day(expires_on)
    _check_fields(name, title, evidence_date, None, expires_on)
    if not data:
        raise EvidenceError(f"evidence file {name} is empty; nothing was stored", file=name)
    if len(data) > max_file_bytes(uow):
        raise EvidenceError(f"evidence file {name} is larger than the workspace limit of "
                            f"{max_file_bytes(uow) // (1024 * 1024):,} MB; nothing was stored",
                            "ask an admin to raise the setting evidence_max_file_mb", file=name)
    targets = _target_ids(finding_ids, (), (), action_ids)
    _check_targets(uow, targets)
    return _store(uow, data, hashlib.sha256(data).hexdigest(), name, title, evidence_date, source, None,
                  targets, expires_on)


def _day(value: date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _check_fields(name: str, title: str, evidence_date: date | None, classification: str | None,
                  expires_on: date | None) -> None:
    if not (title or "").strip():
        raise InputError(f"evidence {name} needs a title", "say what the file shows, e.g. 'MASH backlog, May'")
    for what, value in (("evidence date", evidence_date), ("expiry date", expires_on)):
        if value is not None and not isinstance(value, date):
            raise InputError(f"the {what} of {name} must be a date")
    if len((classification or "").strip()) > MAX_CLASSIFICATION:
        raise InputError(f"the classification of {name} is longer than {MAX_CLASSIFICATION} characters",
                         "use the force's marking, e.g. OFFICIAL-SENSITIVE")


def _store(uow: UnitOfWork, data: bytes, sha: str, filename: str, title: str, evidence_date: date | None,
           source: str, classification: str | None, targets: dict[str, tuple[int, ...]],
           expires_on: date | None) -> EvidenceInfo:
    s = uow.session
    classification = (classification or "").strip() or DEFAULT_CLASSIFICATION
    new_blob = store_blob(uow, data, sha)
    media_type = media_type_of(filename)
    e = Evidence(
        sha256=sha, title=title.strip(), filename=filename, media_type=media_type, size=len(data),
        evidence_date=evidence_date, uploaded_by=uow.username, source=source.strip(),
        classification=classification, expires_on=expires_on,
    )
    s.add(e)
    s.flush()
    _add_links(uow, e, targets)
    after = {
        "title": e.title, "filename": e.filename, "sha256": sha, "size": e.size, "media_type": media_type,
        "evidence_date": evidence_date, "source": e.source, "classification": e.classification,
        "stored_new_blob": new_blob, "links": {k: list(v) for k, v in targets.items() if v},
    }
    if expires_on is not None:
        after["expires_on"] = expires_on
    uow.log("evidence", e.id, "add", None, after)
    return _info(uow, e)


def set_expiry(uow: UnitOfWork, evidence_id: int, expires_on: date | None,
               expected_version: int | None = None) -> EvidenceInfo:
    """Set (or with None clear) the date from which the evidence no longer counts; logged."""
    require(uow.actor, "evidence.edit")
    e = _get(uow, evidence_id)
    if expected_version is not None:
        check_version(e, expected_version, f"evidence {e.id} ({e.title})")
    if expires_on is not None and (not isinstance(expires_on, date) or isinstance(expires_on, datetime)):
        raise InputError("the expiry date must be a date")
    if expires_on is not None and e.evidence_date is not None and expires_on < e.evidence_date:
        raise InputError(f"evidence {e.id} ({e.title}) would expire on {expires_on:%d %b %Y}, before its "
                         f"evidence date {e.evidence_date:%d %b %Y}; nothing was changed",
                         "give an expiry date on or after the evidence date")
    if e.expires_on == expires_on:
        return _info(uow, e)
    before = e.expires_on
    e.expires_on = expires_on
    uow.session.flush()
    uow.log("evidence", e.id, "set_expiry" if expires_on else "clear_expiry", {"expires_on": before},
            {"expires_on": expires_on})
    return _info(uow, e)


def expired_for_findings(uow: UnitOfWork, finding_ids: Iterable[int], today: date) -> list[EvidenceInfo]:
    """Evidence linked to these findings (or their actions) that has expired by `today`."""
    require(uow.actor, "read")
    ids = list(finding_ids)
    if not ids:
        return []
    linked = select(EvidenceLink.evidence_id).where(
        (EvidenceLink.finding_id.in_(ids)) | (EvidenceLink.action_id.in_(select(Action.id).where(
            Action.finding_id.in_(ids)))))
    rows = uow.session.scalars(select(Evidence).where(Evidence.id.in_(linked), Evidence.expires_on.is_not(None),
                                                      Evidence.expires_on <= today).order_by(Evidence.id))
    return [_info(uow, e) for e in rows]


def link_evidence(uow: UnitOfWork, evidence_id: int, finding_ids: Iterable[int] = (),
                  audit_ids: Iterable[int] = (), case_ids: Iterable[int] = (),
                  action_ids: Iterable[int] = (), note: str = "") -> EvidenceInfo:
    """Link evidence to more findings, audits, cases or actions (existing links are kept)."""
    require(uow.actor, "evidence.edit")
    e = _get(uow, evidence_id)
    targets = _target_ids(finding_ids, audit_ids, case_ids, action_ids)
    _check_targets(uow, targets)
    if _add_links(uow, e, targets, note):
        uow.log("evidence", e.id, "link", None, {k: list(v) for k, v in targets.items() if v})
    return _info(uow, e)


def unlink_evidence(uow: UnitOfWork, evidence_id: int, finding_ids: Iterable[int] = (),
                    audit_ids: Iterable[int] = (), case_ids: Iterable[int] = (),
                    action_ids: Iterable[int] = ()) -> EvidenceInfo:
    """Remove links; the evidence itself stays (it may support other things, and the log keeps it)."""
    require(uow.actor, "evidence.edit")
    e = _get(uow, evidence_id)
    targets = _target_ids(finding_ids, audit_ids, case_ids, action_ids)
    for fid in targets["finding"]:
        require_removable(uow, fid, f"unlink evidence {e.id} ({e.title}) from its finding")
    links = _links(uow, e.id)
    for kind, ids in targets.items():
        col, _, word = _TARGETS[kind]
        for target_id in ids:
            found = [li for li in links if getattr(li, col) == target_id]
            if not found:
                raise NotFoundError(f"evidence {e.id} ({e.title}) is not linked to {word} {target_id}; "
                                    "nothing was changed")
            for li in found:
                uow.session.delete(li)
    uow.session.flush()
    uow.log("evidence", e.id, "unlink", {k: list(v) for k, v in targets.items() if v}, None)
    return _info(uow, e)


@dataclass(frozen=True)
class UnlinkOutcome:
    """What unlinking evidence from a finding left: the evidence and how much else still uses it."""

    evidence: EvidenceInfo
    other_links: int  # links to other findings, audits, cases or actions
    same_file_records: int  # other evidence records holding the same bytes


def unlink_consequence(uow: UnitOfWork, evidence_id: int, finding_id: int) -> UnlinkOutcome:
    """What unlinking would leave (read only), so a question can say what will happen."""
    require(uow.actor, "read")
    e = _get(uow, evidence_id)
    links = [li for li in _links(uow, e.id) if li.finding_id != finding_id]
    same = uow.session.scalars(select(Evidence.id).where(Evidence.sha256 == e.sha256, Evidence.id != e.id))
    return UnlinkOutcome(_info(uow, e), len(links), len(list(same)))


@writes
def unlink_from_finding(uow: UnitOfWork, evidence_id: int, finding_id: int) -> UnlinkOutcome:
    """Take evidence off one finding. The evidence record and its stored bytes stay in the
    workspace (other links, earlier packs and the change log refer to them); it can be linked again."""
    unlink_evidence(uow, evidence_id, finding_ids=[finding_id])
    return unlink_consequence(uow, evidence_id, finding_id)


@writes
def export_evidence(uow: UnitOfWork, evidence_id: int, out_path: Path, overwrite: bool = False) -> Path:
    """Write the evidence file out (checked against its hash), atomically; logged.

    `out_path` may be a folder: the file keeps its stored name there.
    """
    require(uow.actor, "exports.create")
    e = _get(uow, evidence_id)
    out = Path(out_path)
    if out.is_dir():
        out = out / (Path(e.filename).name or f"evidence-{e.id}")
    if out.exists() and not overwrite:
        raise EvidenceError(f"{out} already exists; nothing was written",
                            "choose another name or remove the file first", file=str(out))
    if not out.parent.is_dir():
        raise EvidenceError(f"folder {out.parent} does not exist; nothing was written",
                            "create it or choose another place", file=str(out))
    data = evidence_bytes(uow, evidence_id)
    uow.log("evidence", e.id, "export", None, {"to": str(out), "sha256": e.sha256, "size": e.size})
    return write_file_atomically(out, data)


def write_file_atomically(out: Path, data: bytes) -> Path:
    """Write the file whole or not at all (``workbench.files``: private partial file, then rename)."""
    try:
        return write_bytes_atomically(out, data)
    except FileWriteError as exc:
        raise EvidenceError(f"{exc.message}", file=str(out)) from None
