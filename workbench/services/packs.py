"""Self-assessment packs: build a version, submit it, approve (sign) or return it, export bundles.

A pack version freezes the data it shows: its snapshot (the PackData as JSON) and the hash of its
content are stored with it, and its PDF/XLSX are kept in the workspace by SHA-256. Approval
(``pack_approval.py``) renders the snapshot again as "approved" with the sign-off page, signs the
PDF with the reviewer's certificate (PAdES), signs a release copy too (pseudonymised case
references, small cells suppressed) and signs the bundle manifests. A snapshot edited since it was
built is refused at approval and at every export. Later edits never change an approved version;
building a new one and approving it marks the old one superseded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from workbench import __version__
from workbench.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from workbench.files import discard, publish, staging_folder
from workbench.progress import Progress
from workbench.reports.pack_codec import canonical_json, content_sha256, pack_from_json, to_plain
from workbench.reports.pack_data import PackData
from workbench.reports.pseudonymise import new_pseudonym_key
from workbench.services.access import require
from workbench.services.authorship import authors_of
from workbench.services.evidence import store_blob, write_file_atomically
from workbench.services.pack_snapshot import collect_pack_content, collect_pack_data
from workbench.services.read_memo import memo_for
from workbench.store.models import (
    Action,
    ChangeLogEntry,
    EvidenceBlob,
    Finding,
    Inspection,
    PackVersion,
    PseudonymKey,
    SignOff,
    utcnow,
)
from workbench.store.uow import AfterCommit, UnitOfWork, writes

DEFAULT_MIN_CELL = 5


@dataclass(frozen=True)
class PackVersionInfo:
    number: int
    version: int
    state: str
    built_by: str
    built_at: datetime
    findings: int
    content_sha256: str
    pdf_sha256: str | None
    xlsx_sha256: str | None
    signed_pdf_sha256: str | None
    release_pdf_sha256: str | None
    release_min_cell: int | None
    approved_by: str | None
    approved_at: datetime | None
    superseded_by: int | None
    current: bool  # the workspace's data still says what this version says


@dataclass(frozen=True)
class PackFiles:
    info: PackVersionInfo
    pdf: Path
    xlsx: Path
    release_pdf: Path | None = None
    release_xlsx: Path | None = None
    html: Path | None = None  # the accessible HTML version (approved packs)
    release_html: Path | None = None


def _info(uow: UnitOfWork, pv: PackVersion, current_sha: str | None = None) -> PackVersionInfo:
    return PackVersionInfo(
        pv.number, pv.version, pv.state, pv.built_by, pv.built_at, len(pv.scope or []), pv.content_sha256,
        pv.pdf_sha256, pv.xlsx_sha256, pv.signed_pdf_sha256, pv.release_pdf_sha256, pv.release_min_cell,
        pv.approved_by, pv.approved_at, pv.superseded_by,
        current=current_sha is None or current_sha == pv.content_sha256,
    )


def find_version(uow: UnitOfWork, number: int | None, states: Sequence[str] | None = None) -> PackVersion:
    q = select(PackVersion)
    if number is not None:
        q = q.where(PackVersion.number == number)
    elif states:
        q = q.where(PackVersion.state.in_(states))
    pv = uow.session.scalars(q.order_by(PackVersion.number.desc()).limit(1)).first()
    if pv is None:
        what = f"pack version {number}" if number is not None else f"{'/'.join(states or ['any'])} pack"
        raise NotFoundError(f"no {what} in this workspace", "build one with: workbench pack build OUT_DIR")
    return pv


def stored_bytes(uow: UnitOfWork, sha: str | None, what: str) -> bytes:
    row = uow.session.get(EvidenceBlob, sha) if sha else None
    if row is None:
        raise NotFoundError(f"the {what} is not stored in the workspace")
    if hashlib.sha256(row.data).hexdigest() != sha:
        raise InputError(f"the stored {what} no longer matches its SHA-256 {row.sha256[:12]}…; the workspace was altered",
                         "restore the workspace from a backup")
    return row.data


#: what turns a pack's data into its PDF and workbook, called as
#: `render(data, folder, stem, progress, snapshot)` (`snapshot`: the data's canonical JSON):
#: `render_pack`, or a caller's wrapper of `render_snapshot` (the window renders in another process,
#: sending it the snapshot: gui/child_process)
Renderer = Callable[..., tuple[Path, Path]]


def render_snapshot(snapshot: str, out_dir: Path, stem: str, progress: Progress | None = None) -> tuple[Path, Path]:
    """`render_pack` of the pack data a snapshot holds (as an approved pack is rendered again)."""
    return render_pack(pack_from_json(snapshot), out_dir, stem, progress)


def render_pack(data: PackData, out_dir: Path, stem: str, progress: Progress | None = None,
                snapshot: str | None = None) -> tuple[Path, Path]:
    """Write `stem`.pdf and `stem`.xlsx for `data` into `out_dir`; the two paths (`snapshot` unused)."""
    from workbench.reports.excel_pack import write_excel_pack  # reportlab and openpyxl only when rendering
    from workbench.reports.pdf_pack import write_pdf_pack

    out_dir.mkdir(parents=True, exist_ok=True)
    pdf = write_pdf_pack(data, out_dir / f"{stem}.pdf", progress=progress)
    xlsx = write_excel_pack(data, out_dir / f"{stem}.xlsx")
    return pdf, xlsx


def _store(uow: UnitOfWork, path: Path) -> str:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    store_blob(uow, data, sha)
    return sha


# -- building ----------------------------------------------------------------------------------
#: PostgreSQL advisory lock taken while a pack version number is chosen and stored
PACK_NUMBER_LOCK = 0x5742_5041_434B  # "WBPACK"


def _next_number(uow: UnitOfWork) -> int:
    """The next version number, chosen under a lock held until commit: builds running at the same
    time get consecutive numbers instead of colliding (SQLite: the write lock already serialises)."""
    if uow.session.get_bind().dialect.name == "postgresql":
        uow.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PACK_NUMBER_LOCK})
    return (uow.session.scalar(select(func.max(PackVersion.number))) or 0) + 1


def build_pack(uow: UnitOfWork, out_dir: Path, finding_ids: Sequence[int] | None = None,
               progress: Progress | None = None, render: Renderer = render_pack) -> PackFiles:
    """Snapshot the register (all findings, or those given) as a new draft pack version.

    `render` writes the files (`render_pack` unless the caller gives its own, see `Renderer`).
    """
    require(uow.actor, "packs.build")
    number = _next_number(uow)
    data = collect_pack_data(uow, finding_ids, number, status="draft", tool_version=__version__)
    plain = to_plain(data)
    snapshot = canonical_json(plain)
    # rendered into a private staging folder; the final files appear only once the version is stored
    staging = staging_folder(Path(out_dir))
    try:
        staged_pdf, staged_xlsx = render(data, staging, f"self-assessment-pack-v{number}", progress, snapshot)
    except BaseException:
        discard(staging)
        raise
    pdf, xlsx = Path(out_dir) / staged_pdf.name, Path(out_dir) / staged_xlsx.name

    def _publish() -> None:
        publish(staged_pdf, pdf)
        publish(staged_xlsx, xlsx)
        discard(staging)

    AfterCommit(uow).add(_publish, lambda: discard(staging))
    pdf_sha, xlsx_sha = _store(uow, staged_pdf), _store(uow, staged_xlsx)
    pv = PackVersion(
        number=number, state="draft", scope=[f.ref for f in data.findings],
        snapshot=snapshot, snapshot_sha256=hashlib.sha256(snapshot.encode()).hexdigest(),
        content_sha256=content_sha256(plain), pdf_sha256=pdf_sha, xlsx_sha256=xlsx_sha,
        built_by=uow.username, built_at=data.built_at,
    )
    uow.session.add(pv)
    try:
        uow.session.flush()
    except IntegrityError:
        raise ConflictError(f"pack version {number} was stored by someone else at the same moment; nothing was saved",
                            "build the pack again: it will become the next version") from None
    built = {"findings": len(data.findings), "content_sha256": pv.content_sha256,
             "pdf_sha256": pv.pdf_sha256, "xlsx_sha256": pv.xlsx_sha256}
    if finding_ids:  # findings chosen by the preparer: "changed since" rebuilds these, not the default scope
        built[CHOSEN] = list(finding_ids)
    uow.log("pack", number, "build", None, built)
    return PackFiles(_info(uow, pv), pdf, xlsx)


#: the key of a pack build's log entry that lists the findings chosen for it (absent: the default scope)
CHOSEN = "finding_ids"


#: change-log entities that never alter what a pack says: packs themselves, bundles, signing
#: identities, people, the pseudonym key, backups and anchors
NOT_CONTENT = ("pack", "bundle", "certificate", "force_ca", "pseudonym_key", "user", "workspace", "change_log")
#: actions that only read data out (exports are logged, but change nothing)
NOT_CONTENT_ACTIONS = ("export", "fieldwork_export", "export-files", "anchor-export")


def list_packs(uow: UnitOfWork) -> list[PackVersionInfo]:
    """Every pack version, each saying whether the data has changed since it was built.

    "Changed since" is read from the change log, not by rebuilding the pack: every write is logged
    in the same transaction, so a version is unchanged when no entry that can alter a pack's content
    follows its build entry and no open action has become overdue since its build day (the one
    thing time alone changes). When such an entry exists, the pack's content is rebuilt and its hash
    compared, so only a change to what the pack says counts. What is rebuilt is the version's own
    scope: the findings chosen for it (as its build entry lists them), or else the default scope as
    it is now (a finding added to the latest inspection since is a change). Each scope is rebuilt
    once; its hash is kept in the open workspace's memo "pack_content" (`services/read_memo.py`)
    for later reads that day, until an entry that can alter a pack's content is logged. A version
    without a build entry (none should lack one) is compared with the default scope.
    """
    require(uow.actor, "read")
    rows = uow.session.scalars(select(PackVersion).order_by(PackVersion.number)).all()
    if not rows:
        return []
    latest = select(func.max(ChangeLogEntry.seq)).where(
        ChangeLogEntry.entity == "pack", ChangeLogEntry.action == "build").group_by(ChangeLogEntry.entity_id)
    built = {number: (seq, after) for number, seq, after in uow.session.execute(
        select(ChangeLogEntry.entity_id, ChangeLogEntry.seq, ChangeLogEntry.after)
        .where(ChangeLogEntry.seq.in_(latest)))}
    rebuilt: dict[tuple[int, ...] | None, str] = {}

    def current_sha(chosen: tuple[int, ...] | None) -> str:  # the slow way, once per scope, open workspace and day
        if chosen not in rebuilt:
            memo = memo_for(uow, "pack_content", frozenset(NOT_CONTENT), frozenset(NOT_CONTENT_ACTIONS))
            key = (chosen or "every finding", utcnow().date())  # what the content is compared with, as of today
            sha = memo.get(key) if memo is not None else None
            if sha is None:
                try:
                    sha = collect_pack_content(uow, chosen).sha256()
                except NotFoundError:  # a finding chosen for it is gone: the data no longer says that
                    sha = ""
                if memo is not None:
                    memo.keep(key, sha)
            rebuilt[chosen] = sha
        return rebuilt[chosen]

    out = []
    for pv in rows:
        seq, after = built.get(str(pv.number), (None, None))
        if seq is None:
            out.append(_info(uow, pv, current_sha(None)))
            continue
        # nothing logged since that can alter a pack: unchanged, without rebuilding anything; otherwise
        # the pack's content is rebuilt once and compared (a thematic report registered since, or a
        # value edited and edited back, leaves the pack as it was)
        out.append(_info(uow, pv, pv.content_sha256 if _unchanged_since(uow, seq, pv.built_at.date())
                         else current_sha(_chosen(after))))
    return out


def _chosen(built: object) -> tuple[int, ...] | None:
    """The findings a build entry says were chosen for the pack, in order (None: the default scope)."""
    ids = built.get(CHOSEN) if isinstance(built, dict) else None
    if isinstance(ids, list) and ids and all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return tuple(ids)
    return None


def changed_since(uow: UnitOfWork, number: int) -> bool:
    """Whether the workspace's data has moved on since pack version `number` was built."""
    return not next(p for p in list_packs(uow) if p.number == number).current


def _unchanged_since(uow: UnitOfWork, build_seq: int, built_day: date) -> bool:
    later = uow.session.scalar(
        select(ChangeLogEntry.seq)
        .where(ChangeLogEntry.seq > build_seq, ChangeLogEntry.entity.not_in(NOT_CONTENT),
               ChangeLogEntry.action.not_in(NOT_CONTENT_ACTIONS))
        .order_by(ChangeLogEntry.seq).limit(1))
    if later is not None:
        return False
    today = utcnow().date()
    if today <= built_day:
        return True
    overdue_since = uow.session.scalar(
        select(func.count()).select_from(Action)
        .where(Action.status != "done", Action.due_date >= built_day, Action.due_date < today))
    return not overdue_since


# -- the pack's state machine: each check raises with the reason `pack_decisions` reports ------------
#: the states a pack version is submitted from, reviewed in, and sealed into a bundle from
SUBMITTABLE = ("draft", "returned")
REVIEWABLE = ("submitted",)
SEALABLE = ("approved", "superseded")

_NEXT_STEP = {
    "submitted": "it waits for a reviewer, who approves or returns it",
    "approved": "it is signed and cannot change; build a new version to show what the register says now",
    "superseded": "a later approved version replaced it; build a new version to show what the register says now",
}


def check_submittable(pv: PackVersion) -> None:
    """Only a draft or returned version is submitted for review."""
    if pv.state not in SUBMITTABLE:
        raise InputError(f"pack version {pv.number} is {pv.state}; only a draft or returned pack can be submitted",
                         _NEXT_STEP.get(pv.state, ""))


def check_reviewable(uow: UnitOfWork, pv: PackVersion, doing: str = "sign it off") -> None:
    """A submitted version, reviewed by someone who neither built it nor wrote any self-assessment in it
    (four eyes). `doing` names the step in the refusal ("sign it off", "return it")."""
    if pv.state not in REVIEWABLE:
        hint = (f"the preparer submits it first (Submit for review, or: workbench pack submit {pv.number})"
                if pv.state in SUBMITTABLE else _NEXT_STEP.get(pv.state, ""))
        raise InputError(f"pack version {pv.number} is {pv.state}; only a submitted pack can be reviewed", hint)
    if pv.built_by == uow.username or uow.username in authors_of(uow, "pack", pv.number):
        raise PermissionDeniedError(
            f"user {uow.username} built pack version {pv.number} and cannot also {doing} (four-eyes rule)",
            "another reviewer must review it")
    in_pack = set(pv.scope or [])  # the findings' references as the pack names them
    wrote = [ref for ref in _assessments_in_pack(uow, in_pack) if uow.username in authors_of(uow, "assessment", ref[0])]
    if wrote:
        refs = ", ".join(name for _, name in wrote)
        raise PermissionDeniedError(
            f"user {uow.username} wrote or edited the self-assessment of {refs} in pack version {pv.number} and "
            f"cannot also {doing} (four-eyes rule: nobody reviews what they authored)",
            "another reviewer must review it")


def check_sealable(pv: PackVersion) -> None:
    """Only a signed version, whose bundle manifests were signed at approval, is sealed into a bundle."""
    if pv.state not in SEALABLE:
        raise InputError(f"pack version {pv.number} is {pv.state}; only an approved (signed) pack is bundled",
                         "submit it and have a reviewer approve it (workbench pack submit / approve)"
                         if pv.state in SUBMITTABLE else f"a reviewer approves it first (workbench pack approve "
                         f"{pv.number})" if pv.state in REVIEWABLE else "")
    if not pv.signed_manifests:
        raise InputError(f"pack version {pv.number} was approved before bundle manifests were signed, so it "
                         "cannot be sealed into a bundle an inspector can verify",
                         "build a new pack version and have it approved")


def submit_pack(uow: UnitOfWork, number: int) -> PackVersionInfo:
    require(uow.actor, "packs.build")
    pv = find_version(uow, number)
    check_submittable(pv)
    before, pv.state = pv.state, "submitted"
    uow.session.flush()
    uow.log("pack", number, "submit", {"state": before}, {"state": "submitted"})
    return _info(uow, pv)


def return_pack(uow: UnitOfWork, number: int, comment: str) -> PackVersionInfo:
    require(uow.actor, "assessment.review")
    pv = find_version(uow, number)
    check_reviewable(uow, pv, "return it")
    if not comment.strip():
        raise InputError("say why the pack is returned", "give --comment with what must change")
    pv.state = "returned"
    uow.session.add(SignOff(pack_version_id=pv.id, reviewer=uow.username, decision="returned", comment=comment))
    uow.session.flush()
    uow.log("pack", number, "return", {"state": "submitted"}, {"state": "returned", "comment": comment})
    return _info(uow, pv)


def _assessments_in_pack(uow: UnitOfWork, in_pack: set[str]) -> list[tuple[int, str]]:
    """(finding id, reference) of each finding in the pack (named "REF", or "INSPECTION REF" when
    the pack covers several inspections)."""
    rows = uow.session.execute(select(Finding.id, Finding.ref, Inspection.programme, Inspection.title)
                               .join(Inspection, Inspection.id == Finding.inspection_id)).all()
    return [(fid, ref) for fid, ref, programme, title in rows
            if ref in in_pack or f"{programme or title} {ref}" in in_pack]


def check_snapshot(pv: PackVersion) -> None:
    """Refuse a pack version whose stored snapshot no longer matches its recorded SHA-256 (it was
    edited inside the workspace): it is neither signed nor exported."""
    text = pv.snapshot if isinstance(pv.snapshot, str) else json.dumps(pv.snapshot)
    if not pv.snapshot_sha256 or hashlib.sha256(text.encode()).hexdigest() != pv.snapshot_sha256:
        raise InputError(
            f"the stored snapshot of pack version {pv.number} was changed after the pack was built (its SHA-256 "
            "no longer matches the one recorded then); it is not signed or exported",
            "restore the workspace from a backup, or build a new pack version")


def approve_pack(open_uow: Callable[[bool], Any], number: int, passphrase: str, out_dir: Path,
                 comment: str = "", location: str = "", progress: Progress | None = None) -> PackFiles:
    """Approve and sign, whole: see :mod:`workbench.services.pack_approval`. ``open_uow(write)``
    opens a unit of work for the acting reviewer."""
    from workbench.services.pack_approval import approve_pack as approve

    return approve(open_uow, number, passphrase, out_dir, comment, location, progress)


def pseudonym_key(uow: UnitOfWork) -> bytes:
    """The workspace's pseudonymisation key (created on first use; never exported)."""
    row = uow.session.scalar(select(PseudonymKey).order_by(PseudonymKey.id).limit(1))
    if row is None:
        row = PseudonymKey(key=new_pseudonym_key())
        uow.session.add(row)
        uow.session.flush()
        uow.log("pseudonym_key", row.id, "create", None, {"created": True})
    return row.key


@writes
def export_pack_files(uow: UnitOfWork, number: int | None, out_dir: Path, release: bool = False
                      ) -> tuple[Path, Path]:
    """Write a stored pack version's PDF (signed when approved) and workbook, re-checking their hashes."""
    require(uow.actor, "exports.create")
    pv = find_version(uow, number) if number is not None else find_version(uow, None, ("approved",))
    check_snapshot(pv)
    if release and pv.release_pdf_sha256 is None:
        raise InputError(f"pack version {pv.number} has no release copy", "release copies are made on approval")
    pdf_sha = pv.release_pdf_sha256 if release else (pv.signed_pdf_sha256 or pv.pdf_sha256)
    xlsx_sha = pv.release_xlsx_sha256 if release else pv.xlsx_sha256
    stem = f"self-assessment-pack-v{pv.number}" + ("-release" if release else "")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    pdf = write_file_atomically(Path(out_dir) / f"{stem}{'-signed' if pv.signed_pdf_sha256 else ''}.pdf",
                                stored_bytes(uow, pdf_sha, "pack PDF"))
    xlsx = write_file_atomically(Path(out_dir) / f"{stem}.xlsx", stored_bytes(uow, xlsx_sha, "pack workbook"))
    uow.log("pack", pv.number, "export-files", None,
            {"pdf": str(pdf), "xlsx": str(xlsx), "release": release, "pdf_sha256": pdf_sha})
    return pdf, xlsx
