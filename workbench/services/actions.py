"""The action plan: what the force is doing about each finding, by whom and by when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from workbench.errors import InputError, NotFoundError
from workbench.services.access import require
from workbench.services.review_lock import require_removable
from workbench.store.models import Action, EvidenceLink, Finding
from workbench.store.uow import UnitOfWork, check_version, writes

ACTION_STATUSES = ("not started", "in progress", "done", "blocked")
EDITABLE = ("title", "owner", "due_date", "status", "progress_note")
MAX_OWNER = 120


@dataclass(frozen=True)
class ActionInfo:
    id: int
    version: int
    finding_id: int
    finding_ref: str
    title: str
    owner: str
    due_date: date | None
    status: str
    progress_note: str
    completed_on: date | None
    overdue: bool


def _info(uow: UnitOfWork, a: Action, today: date) -> ActionInfo:
    f = uow.session.get(Finding, a.finding_id)
    overdue = a.due_date is not None and a.due_date < today and a.status != "done"
    return ActionInfo(a.id, a.version, a.finding_id, f.ref if f else "", a.title, a.owner, a.due_date, a.status,
                      a.progress_note, a.completed_on, overdue)


def _check_status(status: object) -> str:
    if status not in ACTION_STATUSES:
        raise InputError(f"unknown action status '{status}'", f"choose one of: {', '.join(ACTION_STATUSES)}")
    return str(status)


def _check_date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise InputError(f"the due date must be a date, not '{value}'", "write it as YYYY-MM-DD")
    return value


def _check_title(title: object) -> str:
    text = str(title or "").strip()
    if not text:
        raise InputError("an action needs a title", "say what will be done, e.g. 'Weekly MASH triage meeting'")
    return text


def _check_owner(owner: object) -> str:
    text = str(owner or "").strip()
    if len(text) > MAX_OWNER:
        raise InputError(f"the owner '{text[:40]}…' is longer than {MAX_OWNER} characters",
                         "give a name or a role, e.g. 'DI Shaw'")
    return text


def add_action(uow: UnitOfWork, finding_id: int, title: str, owner: str = "", due_date: date | None = None,
               status: str = "not started") -> ActionInfo:
    require(uow.actor, "actions.edit")
    f = uow.session.get(Finding, finding_id)
    if f is None:
        raise NotFoundError(f"no finding with id {finding_id}", "see workbench findings for the references")
    a = Action(finding_id=f.id, title=_check_title(title), owner=_check_owner(owner), due_date=_check_date(due_date),
               status=_check_status(status))
    if a.status == "done":
        a.completed_on = date.today()
    uow.session.add(a)
    uow.session.flush()
    uow.log("action", a.id, "add", None, {"finding": f.ref, "title": a.title, "owner": a.owner,
                                          "due_date": a.due_date, "status": a.status})
    return _info(uow, a, date.today())


def update_action(uow: UnitOfWork, action_id: int, expected_version: int | None = None,
                  **changes: object) -> ActionInfo:
    """Change title, owner, due date, status or progress note; marking it done records the day."""
    require(uow.actor, "actions.edit")
    a = uow.session.get(Action, action_id)
    if a is None:
        raise NotFoundError(f"no action with id {action_id}", "see workbench actions list")
    check_version(a, expected_version, f"action {a.id} ({a.title})")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InputError(f"cannot change {', '.join(sorted(unknown))} of an action",
                         f"editable fields: {', '.join(EDITABLE)}")
    if "title" in changes:
        changes["title"] = _check_title(changes["title"])
    if "status" in changes:
        changes["status"] = _check_status(changes["status"])
    if "due_date" in changes:
        changes["due_date"] = _check_date(changes["due_date"])
    if "owner" in changes:
        changes["owner"] = _check_owner(changes["owner"])
    if "progress_note" in changes:
        changes["progress_note"] = str(changes["progress_note"] or "").strip()
    changes = {k: v for k, v in changes.items() if getattr(a, k) != v}
    if not changes:
        return _info(uow, a, date.today())
    if "status" in changes:
        completed = date.today() if changes["status"] == "done" else None
        if completed != a.completed_on:
            changes["completed_on"] = completed
    before = {k: getattr(a, k) for k in changes}
    for k, v in changes.items():
        setattr(a, k, v)
    uow.session.flush()
    uow.log("action", a.id, "update", before, dict(changes))
    return _info(uow, a, date.today())


def list_actions(uow: UnitOfWork, finding_id: int | None = None, today: date | None = None) -> list[ActionInfo]:
    """Actions in due-date order (undated last); `overdue` means due before `today` and not done."""
    require(uow.actor, "read")
    q = select(Action)
    if finding_id is not None:
        q = q.where(Action.finding_id == finding_id)
    rows = sorted(uow.session.scalars(q), key=lambda a: (a.due_date is None, a.due_date or date.max, a.id))
    day = today or date.today()
    return [_info(uow, a, day) for a in rows]


@writes
def remove_action(uow: UnitOfWork, action_id: int, expected_version: int | None = None) -> ActionInfo:
    """Remove an action from the plan; links of evidence to it go too (the evidence stays).

    Refused while the finding's self-assessment is with a reviewer or signed off
    (services/review_lock.py). The log keeps the whole action, so what was removed can be read back.
    """
    require(uow.actor, "actions.edit")
    a = uow.session.get(Action, action_id)
    if a is None:
        raise NotFoundError(f"no action with id {action_id}", "see workbench actions list")
    check_version(a, expected_version, f"action {a.id} ({a.title})")
    require_removable(uow, a.finding_id, f"remove action {a.id} ({a.title})")
    info = _info(uow, a, date.today())
    links = list(uow.session.scalars(select(EvidenceLink).where(EvidenceLink.action_id == a.id)))
    for li in links:
        uow.session.delete(li)
    uow.session.delete(a)
    uow.session.flush()
    uow.log("action", info.id, "remove", {
        "finding": info.finding_ref, "title": info.title, "owner": info.owner, "due_date": info.due_date,
        "status": info.status, "progress_note": info.progress_note,
        "evidence_unlinked": sorted(li.evidence_id for li in links)}, None)
    return info


def evidence_linked_to(uow: UnitOfWork, action_id: int) -> int:
    """How many evidence items are linked to an action (what removing it unlinks)."""
    require(uow.actor, "read")
    return len(list(uow.session.scalars(select(EvidenceLink.id).where(EvidenceLink.action_id == action_id))))
