"""The assurance plan: a yearly plan of audits that recur (quarterly, six-monthly, annual) and
rotate across crime types or districts; a planned audit starts as a new round in one step.

An occurrence is one month of a planned audit ("2025-07"); it is due by the end of that month.
Starting it creates the audit: the next round of the plan's last audit (or of the audit the plan
was based on), carrying its plan forward (services/audit_planning.next_round), else a first round.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from workbench.errors import InputError, NotFoundError
from workbench.services import audit_planning, audits
from workbench.services.access import require
from workbench.services.templates import template_row
from workbench.store.models import Audit, Finding, PlannedAudit
from workbench.store.uow import UnitOfWork, check_version, writes

RECURRENCES = {"quarterly": 3, "six-monthly": 6, "annual": 12}
ROTATION_KINDS = ("", "crime type", "district")


@dataclass(frozen=True)
class Occurrence:
    plan_id: int
    key: str  # "2025-07"
    month: date  # the first of the month
    due: date  # the last day of the month
    focus: str  # the rotation's crime type or district for this occurrence, or ""
    audit_id: int | None  # the audit started from it

    def state(self, today: date) -> str:
        if self.audit_id is not None:
            return "started"
        if self.due < today:
            return "overdue"
        if self.month <= today:
            return "due"
        return "planned"


@dataclass(frozen=True)
class PlannedAuditInfo:
    id: int
    version: int
    year: int
    title: str
    template_key: str
    finding_refs: tuple[str, ...]
    owner: str
    month_due: int
    recurrence: str
    rotation_kind: str
    rotation: tuple[str, ...]
    based_on_audit_id: int | None
    occurrences: tuple[Occurrence, ...]


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + d.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def occurrences_of(p: PlannedAudit) -> tuple[Occurrence, ...]:
    step = RECURRENCES[p.recurrence]
    first = date(p.year, p.month_due, 1)
    rotation = list(p.rotation or [])
    started = dict(p.started or {})
    out = []
    for k in range(12 // step):
        month = _add_months(first, k * step)
        key = f"{month:%Y-%m}"
        due = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        focus = rotation[k % len(rotation)] if rotation else ""
        out.append(Occurrence(p.id, key, month, due, focus, started.get(key)))
    return tuple(out)


def _info(uow: UnitOfWork, p: PlannedAudit) -> PlannedAuditInfo:
    refs = []
    for fid in p.finding_ids or ():
        f = uow.session.get(Finding, fid)
        refs.append(f.ref if f is not None else f"#{fid}")
    return PlannedAuditInfo(p.id, p.version, p.year, p.title, p.template_key, tuple(refs), p.owner, p.month_due,
                            p.recurrence, p.rotation_kind, tuple(p.rotation or ()), p.based_on_audit_id,
                            occurrences_of(p))


def _get(uow: UnitOfWork, plan_id: int) -> PlannedAudit:
    p = uow.session.get(PlannedAudit, plan_id)
    if p is None:
        raise NotFoundError(f"no planned audit with id {plan_id}", "see workbench plan list")
    return p


@writes
def add_planned_audit(uow: UnitOfWork, year: int, title: str, template_key: str, month_due: int, recurrence: str,
                      *, finding_ids: tuple[int, ...] = (), owner: str = "", rotation_kind: str = "",
                      rotation: tuple[str, ...] = (), based_on_audit_id: int | None = None) -> PlannedAuditInfo:
    """Add an audit to the year's plan."""
    require(uow.actor, "audits.edit")
    title = (title or "").strip()
    if not title:
        raise InputError("a planned audit needs a title", "give it a title, e.g. 'DA risk grading dip sample'")
    template_row(uow, template_key)  # a NotFoundError naming the templates if unknown
    if not 1 <= int(month_due) <= 12:
        raise InputError(f"month {month_due} is not a month", "give 1 (January) to 12 (December)")
    if not 2000 <= int(year) <= 2100:
        raise InputError(f"{year} is not a plan year", "e.g. 2025")
    if recurrence not in RECURRENCES:
        raise InputError(f"unknown recurrence '{recurrence}'", f"choose one of: {', '.join(RECURRENCES)}")
    if rotation_kind not in ROTATION_KINDS:
        raise InputError(f"unknown rotation '{rotation_kind}'", "rotate across 'crime type' or 'district'")
    rotation = tuple(r.strip() for r in rotation if r and r.strip())
    if bool(rotation) != bool(rotation_kind):
        raise InputError("a rotation needs both its kind and its list",
                         "give both, e.g. district: Breckland, Norwich (or no rotation and no turns)")
    for fid in finding_ids:
        if uow.session.get(Finding, fid) is None:
            raise NotFoundError(f"no finding with id {fid}")
    if based_on_audit_id is not None and uow.session.get(Audit, based_on_audit_id) is None:
        raise NotFoundError(f"no audit with id {based_on_audit_id}", "see workbench audit list")
    p = PlannedAudit(year=int(year), title=title, template_key=template_key, finding_ids=list(finding_ids),
                     owner=(owner or "").strip(), month_due=int(month_due), recurrence=recurrence,
                     rotation_kind=rotation_kind, rotation=list(rotation), based_on_audit_id=based_on_audit_id,
                     started={}, created_by=uow.username)
    uow.session.add(p)
    uow.session.flush()
    uow.log("planned_audit", p.id, "create", None,
            {"year": p.year, "title": title, "template": template_key, "month_due": p.month_due,
             "recurrence": recurrence, "rotation_kind": rotation_kind, "rotation": list(rotation),
             "finding_ids": list(finding_ids), "owner": p.owner, "based_on_audit_id": based_on_audit_id})
    return _info(uow, p)


def list_plan(uow: UnitOfWork, year: int | None = None) -> list[PlannedAuditInfo]:
    require(uow.actor, "read")
    q = select(PlannedAudit).order_by(PlannedAudit.year, PlannedAudit.month_due, PlannedAudit.id)
    if year is not None:
        q = q.where(PlannedAudit.year == year)
    return [_info(uow, p) for p in uow.session.scalars(q)]


def calendar_of(uow: UnitOfWork, year: int) -> dict[int, list[tuple[PlannedAuditInfo, Occurrence]]]:
    """Month (1-12) of `year` -> the occurrences falling in it (from plans of that year or the one before)."""
    require(uow.actor, "read")
    months: dict[int, list[tuple[PlannedAuditInfo, Occurrence]]] = {m: [] for m in range(1, 13)}
    for plan in list_plan(uow):
        for occ in plan.occurrences:
            if occ.month.year == year:
                months[occ.month.month].append((plan, occ))
    return months


def all_occurrences(uow: UnitOfWork) -> list[tuple[PlannedAudit, Occurrence]]:
    """For the attention service: every occurrence of every plan line."""
    return [(p, o) for p in uow.session.scalars(select(PlannedAudit)) for o in occurrences_of(p)]


@writes
def start_planned_audit(uow: UnitOfWork, plan_id: int, key: str | None = None, *,
                        expected_version: int | None = None) -> audits.AuditInfo:
    """Start an occurrence as an audit in one step (default: the earliest not yet started)."""
    require(uow.actor, "audits.edit")
    p = _get(uow, plan_id)
    check_version(p, expected_version, f"planned audit {p.title}")
    occs = occurrences_of(p)
    if key is None:
        waiting = [o for o in occs if o.audit_id is None]
        if not waiting:
            raise InputError(f"every occurrence of '{p.title}' has been started", "plan next year's audits")
        occ = waiting[0]
    else:
        occ = next((o for o in occs if o.key == key), None)  # type: ignore[assignment]
        if occ is None:
            raise InputError(f"'{p.title}' has no occurrence {key}",
                             f"its occurrences: {', '.join(o.key for o in occs)}")
        if occ.audit_id is not None:
            raise InputError(f"{key} of '{p.title}' was already started as audit {occ.audit_id}",
                             f"see workbench audit show {occ.audit_id}")
    title = f"{p.title}{' — ' + occ.focus if occ.focus else ''} ({occ.month:%b %Y})"
    previous = [o.audit_id for o in occs if o.audit_id is not None]
    carry = previous[-1] if previous else p.based_on_audit_id
    if carry is not None:
        spec = audit_planning.next_round(uow, carry)
        findings = tuple(dict.fromkeys((*spec.finding_ids, *(p.finding_ids or ()))))
        made = audits.create_audit(uow, spec.template_key, title, findings, **spec.create_args())
    else:
        made = audits.create_audit(uow, p.template_key, title, tuple(p.finding_ids or ()), tolerable=0.05)
    before = dict(p.started or {})
    p.started = {**before, occ.key: made.id}
    uow.session.flush()
    uow.log("planned_audit", p.id, "start", {"started": before},
            {"started": p.started, "occurrence": occ.key, "audit_id": made.id, "carried_from": carry,
             "focus": occ.focus})
    return made
