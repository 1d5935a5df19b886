"""Re-mapping findings' PEEL areas from one framework to the next (2023-25 to 2025-27).

The mapping is data (``resources/peel_areas.toml``, ``[[mapping]]``): each 2023-25 area has a
2025-27 successor and the basis for it. ``preview_mapping`` says what would change and writes
nothing; ``map_areas`` applies it in one unit of work, logging every finding it changes
(action ``map_area``: the area and its reason before and after) and one summary entry
(entity ``areas``, action ``map``) naming the run. ``undo_mapping`` puts back the areas of the
latest run not yet undone, from the log itself, except where someone has changed a finding's
area since (those are named and left alone).

A finding is re-mapped when its area is an area of the framework mapped from and its successor
has another name; the findings of inspections under the later programme are left as they are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from workbench.errors import InputError, NotFoundError
from workbench.importers.peel_areas import FRAMEWORKS, AreaMapping, framework_of, load_area_rules
from workbench.services.access import require
from workbench.store.models import ChangeLogEntry, Finding, Inspection
from workbench.store.uow import UnitOfWork, writes

MAP, UNMAP = "map", "unmap"


@dataclass(frozen=True)
class AreaRow:
    """One line of the mapping table: an area and its successor (None: no successor)."""

    from_area: str
    to_area: str | None
    basis: str


@dataclass(frozen=True)
class AreaChange:
    finding_id: int
    inspection: str
    ref: str
    old_area: str
    new_area: str
    basis: str


@dataclass(frozen=True)
class MappingResult:
    """What a run changed (or, for a preview, would change). ``skipped``: findings left alone,
    with the reason (an area changed by hand since the run being undone)."""

    from_framework: str
    to_framework: str
    changes: tuple[AreaChange, ...]
    unchanged: int
    applied: bool
    run: str = ""
    skipped: tuple[str, ...] = ()


def _check(framework: str) -> str:
    if framework not in FRAMEWORKS:
        raise InputError(f"unknown PEEL framework '{framework}'", f"use one of {', '.join(FRAMEWORKS)}")
    return framework


def _source_of(to_framework: str) -> str:
    index = FRAMEWORKS.index(_check(to_framework))
    if index == 0:
        raise InputError(f"there is no framework before {to_framework} to map from",
                         f"map to {FRAMEWORKS[-1]}, or undo the last mapping with --undo")
    return FRAMEWORKS[index - 1]


def mapping_table(uow: UnitOfWork, to_framework: str = "2025-27") -> list[AreaRow]:
    """Each area of the framework before ``to_framework`` with its successor and why."""
    require(uow.actor, "read")
    source = _source_of(to_framework)
    rows = []
    for entry in load_area_rules().mapping_table(source, to_framework):
        if isinstance(entry, AreaMapping):
            rows.append(AreaRow(entry.from_area, entry.to_area, entry.basis))
        else:
            rows.append(AreaRow(entry[0], None, "no successor: the area is left as it is"))
    return rows


def _plan(uow: UnitOfWork, to_framework: str, inspection_id: int | None) -> MappingResult:
    source = _source_of(to_framework)
    rules = load_area_rules()
    query = select(Finding, Inspection).join(Inspection, Finding.inspection_id == Inspection.id)
    if inspection_id is not None:
        if uow.session.get(Inspection, inspection_id) is None:
            raise NotFoundError(f"no inspection with id {inspection_id}", "see workbench findings")
        query = query.where(Finding.inspection_id == inspection_id)
    changes, unchanged = [], 0
    for finding, insp in uow.session.execute(query.order_by(Finding.id)):
        if framework_of(insp.programme) == to_framework or finding.area not in rules.names_in(source):
            unchanged += 1
            continue
        successor = rules.successor(finding.area, source, to_framework)
        if successor is None or successor.to_area == finding.area:
            unchanged += 1
            continue
        changes.append(AreaChange(finding.id, insp.programme, finding.ref, finding.area, successor.to_area,
                                  successor.basis))
    return MappingResult(source, to_framework, tuple(changes), unchanged, False)


def preview_mapping(uow: UnitOfWork, to_framework: str = "2025-27",
                    inspection_id: int | None = None) -> MappingResult:
    """What ``map_areas`` would change; writes nothing (a read-only unit of work will do)."""
    require(uow.actor, "read")
    return _plan(uow, to_framework, inspection_id)


@writes
def map_areas(uow: UnitOfWork, to_framework: str = "2025-27", inspection_id: int | None = None) -> MappingResult:
    """Give each finding of the earlier framework its successor area, logged finding by finding."""
    require(uow.actor, "findings.edit")
    plan = _plan(uow, to_framework, inspection_id)
    run = uuid.uuid4().hex[:12]
    for change in plan.changes:
        finding = uow.session.get(Finding, change.finding_id)
        assert finding is not None
        before = {"area": finding.area, "area_reason": finding.area_reason}
        finding.area = change.new_area
        finding.area_reason = (f"mapped from '{change.old_area}' ({plan.from_framework}) to the {to_framework} "
                               f"area: {change.basis}")
        uow.session.flush()
        uow.log("finding", finding.id, "map_area", before,
                {"area": finding.area, "area_reason": finding.area_reason, "run": run,
                 "framework": to_framework})
    uow.log("areas", to_framework, MAP, None,
            {"run": run, "from": plan.from_framework, "to": to_framework, "findings": len(plan.changes),
             "inspection_id": inspection_id})
    return MappingResult(plan.from_framework, to_framework, plan.changes, plan.unchanged, True, run)


def _last_run(uow: UnitOfWork) -> ChangeLogEntry | None:
    entries = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.entity == "areas")
                                  .order_by(ChangeLogEntry.seq.desc())).all()
    undone = {(e.after or {}).get("run") for e in entries if e.action == UNMAP}
    return next((e for e in entries if e.action == MAP and (e.after or {}).get("run") not in undone), None)


def _undo_plan(uow: UnitOfWork) -> tuple[ChangeLogEntry, list[tuple[Finding, dict, AreaChange]], list[str]]:
    head = _last_run(uow)
    if head is None:
        raise InputError("no area mapping to undo", "workbench areas map --to 2025-27 maps the areas")
    run = head.after["run"]
    entries = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.entity == "finding",
                                                               ChangeLogEntry.action == "map_area")
                                  .order_by(ChangeLogEntry.seq)).all()
    todo, skipped = [], []
    for e in entries:
        if (e.after or {}).get("run") != run:
            continue
        finding = uow.session.get(Finding, int(e.entity_id))
        if finding is None:
            skipped.append(f"finding #{e.entity_id} no longer exists")
            continue
        if finding.area != e.after["area"]:
            skipped.append(f"{finding.ref}: its area was changed to '{finding.area}' since, so it is left as it is")
            continue
        todo.append((finding, e.before, AreaChange(finding.id, finding.inspection.programme, finding.ref,
                                                   finding.area, e.before["area"], "undo of the mapping")))
    return head, todo, skipped


def preview_undo(uow: UnitOfWork) -> MappingResult:
    """What ``undo_mapping`` would put back; writes nothing."""
    require(uow.actor, "read")
    head, todo, skipped = _undo_plan(uow)
    return MappingResult(head.after["to"], head.after["from"], tuple(c for _, _, c in todo), 0, False,
                         head.after["run"], tuple(skipped))


@writes
def undo_mapping(uow: UnitOfWork) -> MappingResult:
    """Put back the areas the latest mapping run changed (from the change log)."""
    require(uow.actor, "findings.edit")
    head, todo, skipped = _undo_plan(uow)
    run = head.after["run"]
    for finding, before, _ in todo:
        now = {"area": finding.area, "area_reason": finding.area_reason}
        finding.area, finding.area_reason = before["area"], before["area_reason"]
        uow.session.flush()
        uow.log("finding", finding.id, "unmap_area", now, {**before, "run": run})
    uow.log("areas", head.after["to"], UNMAP, None, {"run": run, "findings": len(todo), "skipped": len(skipped)})
    return MappingResult(head.after["to"], head.after["from"], tuple(c for _, _, c in todo), 0, True, run,
                         tuple(skipped))
