"""Evidence requests that work offline: ask an action owner for evidence, by a date, in a workbook.

A request names a finding (and optionally one of its actions), whom it is addressed to (a name,
a role or an e-mail address, as the force writes it), what is needed and by when. Its status is
*open* until the owner's reply comes back (*returned*), then *accepted*; a request no longer
needed is *withdrawn*.

The open requests for one owner (or all) are exported to an Excel workbook
(`reports/request_workbook.py`); the owner types a reply and the names of the files they send
back, and the returned workbook and files (a folder or a zip) are imported here. Every row is
checked before anything is written: an unknown request id, a request already returned or closed,
a file named but missing, a file that came back but no row names, and a request row edited after
export (each row carries a keyed check, HMAC-SHA256 with a key derived from the workspace's
secret pseudonymisation key, which never leaves the workspace) are each reported with the sheet,
row and column; `preview_return` says what an import would do, `import_return` does all of it or
nothing. Each returned file becomes evidence (stored by SHA-256, linked to the finding and the
action), and the request records the reply and the evidence.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from workbench.errors import ConflictError, InputError, NotFoundError
from workbench.importers.fieldwork_xlsx import ImportProblem
from workbench.importers.request_return import (
    RequestImportError,
    ReturnedFiles,
    read_returned_workbook,
    returned_files,
)
from workbench.reports.request_workbook import (
    COLUMNS,
    DUE_COL,
    FILES_COL,
    ID_COL,
    NEEDED_COL,
    REF_COL,
    REQUESTS,
    RequestRow,
    RequestSheetData,
    row_check,
    write_request_workbook,
)
from workbench.services import evidence
from workbench.services.access import require
from workbench.services.settings import get_force_settings
from workbench.store.models import Action, EvidenceRequest, Finding, PseudonymKey, utcnow
from workbench.store.uow import UnitOfWork, check_version, writes

OPEN, RETURNED, ACCEPTED, WITHDRAWN = "open", "returned", "accepted", "withdrawn"
STATUSES = (OPEN, RETURNED, ACCEPTED, WITHDRAWN)
MAX_OWNER = 200
_KEY_LABEL = b"workbench evidence-request rows v1"


def _letter(col: int) -> str:
    return chr(ord("A") + col - 1)


@dataclass(frozen=True)
class RequestInfo:
    id: int
    version: int
    finding_id: int
    finding_ref: str
    finding_text: str
    action_id: int | None
    action_title: str
    owner: str
    what_needed: str
    due_on: date
    status: str
    reply: str
    returned_on: date | None
    evidence_ids: tuple[int, ...]
    created_by: str
    created_at: datetime
    overdue: bool


def _info(uow: UnitOfWork, r: EvidenceRequest, today: date) -> RequestInfo:
    f = uow.session.get(Finding, r.finding_id)
    a = uow.session.get(Action, r.action_id) if r.action_id is not None else None
    return RequestInfo(r.id, r.version, r.finding_id, f.ref if f else "", f.text if f else "", r.action_id,
                       a.title if a else "", r.owner, r.what_needed, r.due_on, r.status, r.reply, r.returned_on,
                       tuple(r.evidence_ids or ()), r.created_by, r.created_at,
                       r.status == OPEN and r.due_on < today)


def _get(uow: UnitOfWork, request_id: int) -> EvidenceRequest:
    r = uow.session.get(EvidenceRequest, request_id)
    if r is None:
        raise NotFoundError(f"no evidence request with id {request_id}", "see workbench requests list")
    return r


# -- the register of requests ----------------------------------------------------------------
def create_request(uow: UnitOfWork, finding_id: int, owner: str, what_needed: str, due_on: date,
                   action_id: int | None = None, today: date | None = None) -> RequestInfo:
    """Ask `owner` for evidence for a finding (and optionally one of its actions) by `due_on`."""
    require(uow.actor, "requests.edit")
    owner, what_needed = (owner or "").strip(), (what_needed or "").strip()
    f = uow.session.get(Finding, finding_id)
    if f is None:
        raise NotFoundError(f"no finding with id {finding_id}; nothing was created", "see workbench findings")
    if not owner:
        raise InputError("an evidence request needs someone to address it to",
                         "give the owner's name, role or e-mail address")
    if len(owner) > MAX_OWNER:
        raise InputError(f"whom the request is addressed to is longer than {MAX_OWNER} characters")
    if not what_needed:
        raise InputError("an evidence request needs to say what is needed",
                         "e.g. 'the May dip sample of DA risk assessments, with the supervisor's review'")
    if not isinstance(due_on, date) or isinstance(due_on, datetime):
        raise InputError("the request's due date must be a date (YYYY-MM-DD)")
    if action_id is not None:
        a = uow.session.get(Action, action_id)
        if a is None or a.finding_id != finding_id:
            raise InputError(f"action {action_id} is not an action of {f.ref}; nothing was created",
                             "see workbench actions list --finding")
    r = EvidenceRequest(finding_id=finding_id, action_id=action_id, owner=owner, what_needed=what_needed,
                        due_on=due_on, status=OPEN, reply="", evidence_ids=[], created_by=uow.username)
    uow.session.add(r)
    uow.session.flush()
    uow.log("evidence_request", r.id, "create", None, {
        "finding_id": finding_id, "finding": f.ref, "action_id": action_id, "owner": owner,
        "what_needed": what_needed, "due_on": due_on})
    return _info(uow, r, today or date.today())


def list_requests(uow: UnitOfWork, finding_id: int | None = None, owner: str | None = None,
                  overdue: bool = False, status: str | None = None, today: date | None = None) -> list[RequestInfo]:
    """Requests, soonest due first: for one finding, one owner (case ignored), only overdue ones
    (open past their due date) or in one status."""
    require(uow.actor, "read")
    day = today or date.today()
    q = select(EvidenceRequest)
    if finding_id is not None:
        q = q.where(EvidenceRequest.finding_id == finding_id)
    if status is not None:
        if status not in STATUSES:
            raise InputError(f"'{status}' is not a request status", f"use one of: {', '.join(STATUSES)}")
        q = q.where(EvidenceRequest.status == status)
    if overdue:
        q = q.where(EvidenceRequest.status == OPEN, EvidenceRequest.due_on < day)
    rows = [r for r in uow.session.scalars(q.order_by(EvidenceRequest.due_on, EvidenceRequest.id))
            if owner is None or r.owner.casefold() == owner.strip().casefold()]
    return [_info(uow, r, day) for r in rows]


def get_request(uow: UnitOfWork, request_id: int, today: date | None = None) -> RequestInfo:
    require(uow.actor, "read")
    return _info(uow, _get(uow, request_id), today or date.today())


def _close(uow: UnitOfWork, request_id: int, to: str, allowed: tuple[str, ...], note: str,
           expected_version: int | None, today: date | None) -> RequestInfo:
    require(uow.actor, "requests.edit")
    r = _get(uow, request_id)
    check_version(r, expected_version, f"evidence request {r.id}")
    if r.status not in allowed:
        raise ConflictError(f"evidence request {r.id} is {r.status}; it cannot be {to} now",
                            f"only a request that is {' or '.join(allowed)} can be {to}")
    before = {"status": r.status, "note": r.note}
    r.status, r.closed_by, r.updated_at = to, uow.username, utcnow()
    if note.strip():
        r.note = note.strip()
    uow.session.flush()
    uow.log("evidence_request", r.id, "withdraw" if to == WITHDRAWN else "accept", before,
            {"status": to, "note": r.note})
    return _info(uow, r, today or date.today())


def withdraw_request(uow: UnitOfWork, request_id: int, reason: str = "", expected_version: int | None = None,
                     today: date | None = None) -> RequestInfo:
    """The evidence is no longer needed from the owner (an open or returned request)."""
    return _close(uow, request_id, WITHDRAWN, (OPEN, RETURNED), reason, expected_version, today)


def accept_request(uow: UnitOfWork, request_id: int, note: str = "", expected_version: int | None = None,
                   today: date | None = None) -> RequestInfo:
    """What the owner returned is enough: the request is closed as accepted."""
    return _close(uow, request_id, ACCEPTED, (RETURNED,), note, expected_version, today)


# -- the workbook out ----------------------------------------------------------------------
def _row_key(uow: UnitOfWork, create: bool) -> bytes | None:
    """The key of the rows' checks, derived from the workspace's secret key (made on first export)."""
    if create:
        from workbench.services.packs import pseudonym_key

        secret = pseudonym_key(uow)
    else:
        row = uow.session.scalar(select(PseudonymKey).order_by(PseudonymKey.id).limit(1))
        if row is None:
            return None
        secret = row.key
    return hmac.new(bytes(secret), _KEY_LABEL, hashlib.sha256).digest()


@dataclass(frozen=True)
class RequestExport:
    path: Path
    workbook_id: str
    request_ids: tuple[int, ...]


@writes
def export_requests(uow: UnitOfWork, out_path: str | Path, owner: str | None = None,
                    today: date | None = None, overwrite: bool = False) -> RequestExport:
    """Write the open requests (for one owner, or all) to an Excel workbook; logged. An existing
    file is replaced only with `overwrite` (the GUI's save dialog has asked)."""
    require(uow.actor, "exports.create")
    require(uow.actor, "requests.edit")
    out = Path(out_path)
    rows = list_requests(uow, owner=owner, status=OPEN, today=today)
    if not rows:
        who = f" addressed to {owner}" if owner else ""
        raise InputError(f"there are no open evidence requests{who}; nothing was written",
                         "add one with workbench requests add")
    if out.exists() and not overwrite:
        raise InputError(f"{out} already exists; nothing was written", "choose another name or remove the file")
    settings = get_force_settings(uow)
    key = _row_key(uow, create=True)
    assert key is not None
    workbook_id = str(uuid.uuid4())
    data = RequestSheetData(
        workbook_id, settings.marking, settings.force_name, rows[0].owner if owner else "",
        utcnow().strftime("%Y-%m-%d %H:%M UTC"), uow.username,
        tuple(RequestRow(r.id, r.finding_ref, r.finding_text, r.action_title, r.owner, r.what_needed, r.due_on)
              for r in rows))
    uow.log("evidence_requests", workbook_id, "export", None, {
        "to": str(out), "owner": owner or "", "requests": [r.id for r in rows]})
    try:
        write_request_workbook(data, key, out)
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}; nothing was written") from None
    return RequestExport(out, workbook_id, tuple(r.id for r in rows))


# -- the workbook back ---------------------------------------------------------------------
@dataclass(frozen=True)
class ReturnRow:
    """What importing one row would do: `outcome` is "returned" or "no reply" (stays open)."""

    row: int
    request_id: int
    finding_ref: str
    owner: str
    outcome: str
    reply: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class ReturnPreview:
    workbook: str
    workbook_id: str
    rows: tuple[ReturnRow, ...]
    problems: tuple[ImportProblem, ...]
    unnamed_files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def returned(self) -> int:
        return sum(r.outcome == RETURNED for r in self.rows)


def _at(row: int, col: int, message: str) -> ImportProblem:
    return ImportProblem(message, REQUESTS, row, _letter(col))


def _plan(uow: UnitOfWork, workbook: Path, files: ReturnedFiles, limit: int
          ) -> tuple[ReturnPreview, dict[int, EvidenceRequest]]:
    book = read_returned_workbook(workbook)
    key = _row_key(uow, create=False)
    problems: list[ImportProblem] = []
    plan: list[ReturnRow] = []
    found: dict[int, EvidenceRequest] = {}
    named: set[str] = set()
    seen: dict[int, int] = {}
    for row in book.rows:
        try:
            request_id = int(row.request_id)
        except ValueError:
            problems.append(_at(row.row, ID_COL, f"'{row.request_id[:40]}' is not a request id"))
            continue
        if request_id in seen:
            problems.append(_at(row.row, ID_COL, f"request {request_id} is also on row {seen[request_id]}; "
                                                 "keep one row per request"))
            continue
        seen[request_id] = row.row
        r = uow.session.get(EvidenceRequest, request_id)
        if r is None:
            problems.append(_at(row.row, ID_COL, f"unknown request id {request_id}: no such request in this "
                                                 "workspace (was the workbook exported from another one?)"))
            continue
        f = uow.session.get(Finding, r.finding_id)
        expected = row_check(key, book.workbook_id, row.request_id, row.finding_ref, row.what_needed,
                             row.due) if key is not None else ""
        if not key or not hmac.compare_digest(expected, row.check):
            changed = [h for (h, _), col, now, then in (
                (COLUMNS[REF_COL - 1], REF_COL, row.finding_ref, f.ref if f else ""),
                (COLUMNS[NEEDED_COL - 1], NEEDED_COL, row.what_needed, r.what_needed),
                (COLUMNS[DUE_COL - 1], DUE_COL, row.due, r.due_on.isoformat())) if now != then]
            what = f" ({', '.join(changed)} differ from the request)" if changed else ""
            problems.append(_at(row.row, ID_COL, f"request {request_id}'s row was changed after export{what}; "
                                                 "only 'Your reply' and 'Files returned' may be filled in"))
            continue
        for name in row.files:
            named.add(name.casefold())
        if r.status != OPEN:
            if row.reply or row.files:
                problems.append(_at(row.row, ID_COL, f"request {request_id} is already {r.status}"
                                                     f"{' by ' + r.closed_by if r.closed_by else ''}; "
                                                     "its reply cannot be taken in again"))
            continue
        for name in row.files:
            hit = files.get(name)
            if files.is_ambiguous(name):
                problems.append(_at(row.row, FILES_COL, f"two returned files are named '{name}' (in different "
                                                        "folders); rename one and name both"))
            elif hit is None:
                where = f"in {Path(files.source).name}" if files.source else "(no folder or zip was given)"
                problems.append(_at(row.row, FILES_COL, f"'{name}' is named here but no file of that name came "
                                                        f"back {where}"))
            elif hit.size == 0:
                problems.append(_at(row.row, FILES_COL, f"'{name}' is empty"))
            elif hit.size > limit:
                problems.append(_at(row.row, FILES_COL, f"'{name}' is larger than the workspace limit of "
                                                        f"{limit // (1024 * 1024):,} MB"))
        outcome = RETURNED if (row.reply or row.files) else "no reply"
        found[request_id] = r
        plan.append(ReturnRow(row.row, request_id, f.ref if f else "", r.owner, outcome, row.reply, row.files))
    unnamed = tuple(sorted(n for n in files.names() if n.casefold() not in named))
    problems += [ImportProblem(f"the returned file '{n}' is not named in any row's 'Files returned'; name it "
                               "in the row it belongs to, or take it out") for n in unnamed]
    return ReturnPreview(str(workbook), book.workbook_id, tuple(plan), tuple(problems), unnamed), found


def preview_return(uow: UnitOfWork, workbook: str | Path, files_from: str | Path | None = None) -> ReturnPreview:
    """What importing the returned workbook (and the folder or zip of files) would do; writes nothing."""
    require(uow.actor, "read")
    workbook = Path(workbook)
    with returned_files(files_from, workbook) as files:
        return _plan(uow, workbook, files, evidence.max_file_bytes(uow))[0]


@writes
def import_return(uow: UnitOfWork, workbook: str | Path, files_from: str | Path | None = None,
                  today: date | None = None) -> ReturnPreview:
    """Take in a returned workbook and its files: all of it, or nothing (RequestImportError)."""
    require(uow.actor, "requests.edit")
    require(uow.actor, "evidence.edit")
    workbook = Path(workbook)
    day = today or date.today()
    with returned_files(files_from, workbook) as files:
        preview, found = _plan(uow, workbook, files, evidence.max_file_bytes(uow))
        if preview.problems:
            raise RequestImportError(str(workbook), list(preview.problems))
        for row in preview.rows:
            if row.outcome != RETURNED:
                continue
            r = found[row.request_id]
            ids = []
            for name in row.files:
                hit = files.get(name)
                assert hit is not None
                info = evidence.add_evidence_bytes(
                    uow, hit.read(), hit.name, f"{hit.name} (returned for request {r.id})",
                    source=f"evidence request {r.id}, returned by {r.owner}", finding_ids=[r.finding_id],
                    action_ids=[r.action_id] if r.action_id is not None else [])
                ids.append(info.id)
            before = {"status": r.status}
            r.status, r.reply, r.returned_on, r.evidence_ids, r.updated_at = RETURNED, row.reply, day, ids, utcnow()
            uow.session.flush()
            uow.log("evidence_request", r.id, "return", before, {
                "status": RETURNED, "reply": row.reply, "returned_on": day, "evidence_ids": ids,
                "workbook_id": preview.workbook_id, "workbook": workbook.name})
    return preview
