"""Fieldwork offline: export an audit's cases to an Excel workbook and import the answers back.

The export records, per case, the version and hashes of every answer as it stood (in the
workbook's hidden ``_meta`` sheet). The import then decides per answer:

- the workbook value equals the database value: unchanged;
- the database did not change since the export: the workbook value is recorded;
- the database changed but the workbook kept the exported value: the database value is kept;
- the database changed and the workbook differs from both: a **conflict**.

Any conflict or problem means nothing is written; otherwise every change is recorded through
``fieldwork.record_responses`` (the rules of ``record_response``, the answers read and written at
once) in the caller's one unit of work (all or nothing), and logged as one entry that lists each
answer with its value before. A dry run reports the same without writing. Importing the same workbook again changes nothing.

The comment column holds the case's comment: the distinct comments of its hand-given answers.
An edited comment is set on every answer of the case; new answers otherwise get no comment.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from workbench.errors import InputError, WorkbenchError
from workbench.importers.fieldwork_xlsx import (
    FieldworkImportError,
    FieldworkUpload,
    ImportProblem,
    UploadRow,
    read_fieldwork_workbook,
)
from workbench.reports.fieldwork_workbook import (
    FieldworkSheetData,
    SheetCase,
    SheetCriterion,
    SheetField,
    write_fieldwork_workbook,
)
from workbench.services.access import require
from workbench.services.audits import ACTIVE_STATES, get_audit_row
from workbench.services.fieldwork import AnswerWrite, record_responses
from workbench.services.settings import get_force_settings
from workbench.services.templates import get_template
from workbench.store.models import Response, SampledCase, utcnow
from workbench.store.uow import UnitOfWork, writes
from workbench.templates import Template


@dataclass(frozen=True)
class FieldworkConflict:
    case_ref: str
    criterion: str  # a criterion key, or "comment"
    cell: str  # e.g. "Cases!F7"
    database_value: str | None
    changed_by: str
    changed_at: datetime | None
    workbook_value: str | None


@dataclass(frozen=True)
class FieldworkChange:
    case_ref: str
    criterion: str
    cell: str
    before: str | None
    after: str | None
    comment: str | None  # the new comment, when it changes


@dataclass(frozen=True)
class FieldworkImportResult:
    audit_id: int
    changed: int
    unchanged: int
    conflicts: tuple[FieldworkConflict, ...]
    problems: tuple[ImportProblem, ...]
    problem_total: int = 0
    kept_database: int = 0  # changed in the database since the export, left as they are in the workbook
    changes: tuple[FieldworkChange, ...] = ()
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.problems


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def value_digest(value: str | None) -> str:
    """Hash of a canonical answer; a date at midnight equals the date alone."""
    if value is None or (isinstance(value, str) and len(value) <= 200):  # short answers recur down a column: reckoned once each
        return _short_value_digest(value)
    return _value_digest(value)


@functools.lru_cache(maxsize=4096)
def _short_value_digest(value: str | None) -> str:
    return _value_digest(value)


def _value_digest(value: str | None) -> str:
    norm = None if value is None else value.removesuffix("T00:00:00")
    return _digest(json.dumps(norm))


def _stamp(r: StoredAnswer) -> str:
    when = r.answered_at.isoformat() if r.answered_at else ""
    return _digest(f"{r.answered_by}|{when}|{r.comment}")


def _hand_keys(template: Template) -> list[str]:
    return [c.key for c in template.criteria if c.rule is None]


class Answered(Protocol):
    """A stored response or an answer read from a service: its value and comment."""

    @property
    def value(self) -> str | None: ...
    @property
    def comment(self) -> str: ...


def case_comment(responses: Mapping[str, Answered], hand: list[str]) -> str:
    """The case's comment: the distinct comments of its hand-given answers, in criterion order."""
    seen = dict.fromkeys(r.comment.strip() for k in hand if (r := responses.get(k)) is not None
                         and r.value is not None and r.comment and r.comment.strip())
    return "\n".join(seen)


class StoredAnswer(Protocol):
    """A primary response as read for a workbook (a row, not an ORM object: thousands of cases)."""

    @property
    def case_id(self) -> int: ...
    @property
    def criterion_key(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def value(self) -> str | None: ...
    @property
    def comment(self) -> str: ...
    @property
    def working(self) -> str: ...
    @property
    def answered_by(self) -> str: ...
    @property
    def answered_at(self) -> datetime: ...


def _responses(uow: UnitOfWork, audit_id: int, case_ids: list[int]) -> dict[int, dict[str, StoredAnswer]]:
    """The primary answers of the audit's cases among `case_ids`, by case and criterion (read by the
    audit, not by a list of thousands of ids)."""
    out: dict[int, dict[str, StoredAnswer]] = {cid: {} for cid in case_ids}
    if case_ids:
        for r in uow.session.execute(select(
                Response.case_id, Response.criterion_key, Response.version, Response.value, Response.comment,
                Response.working, Response.answered_by, Response.answered_at)
                .join(SampledCase, SampledCase.id == Response.case_id)
                .where(SampledCase.audit_id == audit_id, Response.role == "primary")):
            if (mine := out.get(r.case_id)) is not None:
                mine[r.criterion_key] = r
    return out


def _sheet_data(uow: UnitOfWork, audit_id: int) -> FieldworkSheetData:
    audit = get_audit_row(uow, audit_id)
    template = get_template(uow, audit.template_id)
    settings = get_force_settings(uow)
    # the columns the sheet shows, as rows (thousands of cases: no ORM object each)
    cases = uow.session.execute(select(SampledCase.id, SampledCase.ref, SampledCase.stratum, SampledCase.fields).where(
        SampledCase.audit_id == audit.id, SampledCase.state.in_(ACTIVE_STATES)).order_by(SampledCase.order)).all()
    if not cases:
        raise InputError(f"audit {audit.id} has no cases to export", "draw the sample first")
    responses = _responses(uow, audit.id, [c.id for c in cases])
    hand = _hand_keys(template)
    computed = {c.key for c in template.criteria if c.rule is not None}
    fields = tuple(SheetField(f.key, f.label, f.type) for f in template.fields if not f.personal and not f.reference)
    criteria = tuple(SheetCriterion(c.key, c.question, c.answer, c.choices, c.critical, c.rule is not None,
                                    c.guidance) for c in template.criteria)
    rows = []
    keys = [f.key for f in fields]
    for case in cases:
        mine = responses[case.id]
        comment = case_comment(mine, hand)
        state = {"r": {k: [r.version, value_digest(r.value), _stamp(r)] for k, r in sorted(mine.items())},
                 "c": _digest(comment)}
        given = case.fields or {}
        rows.append(SheetCase(
            case.id, case.ref, case.stratum, {k: given.get(k) for k in keys},
            {k: r.value for k, r in mine.items()},
            {k: r.working for k, r in mine.items() if k in computed and r.working},
            comment, state))
    return FieldworkSheetData(
        audit.id, audit.title, template.key, template.version, template.sha256, template.name,
        settings.marking, settings.force_name, utcnow(), uow.username, fields, criteria, tuple(rows))


@writes
def export_fieldwork(uow: UnitOfWork, audit_id: int, out_path: str | Path) -> Path:
    """Write the fieldwork workbook of the audit's cases in use to ``out_path``; logged."""
    require(uow.actor, "fieldwork.record")
    out_path = Path(out_path)
    if not out_path.parent.is_dir():
        raise InputError(f"the folder {out_path.parent} does not exist", "give a path in an existing folder")
    if out_path.suffix.lower() != ".xlsx":
        raise InputError(f"{out_path.name}: the fieldwork workbook must be saved as .xlsx",
                         f"e.g. {out_path.with_suffix('.xlsx').name}")
    data = _sheet_data(uow, audit_id)
    out = write_fieldwork_workbook(data, out_path)
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    uow.log("audit", audit_id, "fieldwork_export", None, {
        "file": out.name, "sha256": sha, "cases": len(data.cases), "exported_at": data.exported_at.isoformat(),
        "template": f"{data.template_key} v{data.template_version}"})
    return out


@dataclass
class _Plan:
    writes: list[AnswerWrite]
    changes: list[FieldworkChange]
    conflicts: list[FieldworkConflict]
    problems: list[ImportProblem]
    unchanged: int = 0
    kept: int = 0


def _conflict(row: UploadRow, key: str, db_value: str | None, r: StoredAnswer | None, wb: str | None) -> FieldworkConflict:
    return FieldworkConflict(row.ref, key, row.cells.get(key, ""), db_value, r.answered_by if r else "",
                             r.answered_at if r else None, wb)


def _plan_case(plan: _Plan, row: UploadRow, state: dict[str, Any], mine: dict[str, StoredAnswer],
               hand: list[str]) -> None:
    exported: dict[str, Any] = state.get("r") or {}
    final: dict[str, str | None] = {}
    changed: dict[str, str | None] = {}
    for key in hand:
        if key not in row.answers:
            continue
        wb, r = row.answers[key], mine.get(key)
        db_value = r.value if r else None
        exp = exported.get(key) or [None, value_digest(None), None]
        now = [r.version, value_digest(db_value), _stamp(r)] if r else [None, value_digest(None), None]
        final[key] = db_value
        if value_digest(wb) == value_digest(db_value):
            plan.unchanged += 1
        elif list(exp) == now:
            changed[key], final[key] = wb, wb
        elif value_digest(wb) == exp[1]:
            plan.kept += 1
        else:
            plan.conflicts.append(_conflict(row, key, db_value, r, wb))
    db_comment = case_comment(mine, hand)
    target: str | None = None
    if row.comment != db_comment:
        if _digest(db_comment) == state.get("c"):
            target = row.comment
        elif _digest(row.comment) != state.get("c"):
            last = max((r for r in mine.values() if r.criterion_key in hand), default=None,
                       key=lambda r: r.answered_at)
            plan.conflicts.append(_conflict(row, "comment", db_comment, last, row.comment))
    if target and not any(v is not None for v in final.values()):
        plan.problems.append(_at(row.cells.get("comment", ""), row.row, f"case {row.ref} has a comment but "
                                 "no answer to keep it with; answer at least one criterion"))
        return
    for key in hand:
        r = mine.get(key)
        if key in changed:
            comment = target if target is not None else (r.comment if r else "")
            plan.writes.append((row.case_id, key, changed[key], comment, r.version if r else None))
            plan.changes.append(FieldworkChange(row.ref, key, row.cells.get(key, ""), r.value if r else None,
                                                changed[key], target))
        elif target is not None and r is not None and r.value is not None and r.comment != target:
            plan.writes.append((row.case_id, key, r.value, target, r.version))
            plan.changes.append(FieldworkChange(row.ref, key, row.cells.get("comment", ""), r.value, r.value,
                                                target))


def _at(cell: str, row: int, message: str) -> ImportProblem:
    """A problem at a cell given as "Cases!F7"."""
    sheet, _, ref = cell.partition("!")
    return ImportProblem(message, sheet or "Cases", row, ref.rstrip("0123456789") or None)


def _differs_from_export(row: UploadRow, state: dict[str, Any]) -> bool:
    exported = state.get("r") or {}
    for key, wb in row.answers.items():
        if value_digest(wb) != (exported.get(key) or [None, value_digest(None)])[1]:
            return True
    return _digest(row.comment) != state.get("c")


def _plan(uow: UnitOfWork, audit_id: int, upload: FieldworkUpload, template: Template) -> _Plan:
    plan = _Plan([], [], [], [])
    hand = _hand_keys(template)
    states = {c.case_id: c.state for c in upload.meta.cases}
    responses = _responses(uow, audit_id, [row.case_id for row in upload.rows])
    cases = {c.id: c for c in uow.session.execute(select(SampledCase.id, SampledCase.audit_id, SampledCase.ref,
                                                         SampledCase.state).where(SampledCase.audit_id == audit_id))}
    for row in upload.rows:
        case = cases.get(row.case_id)
        state = states.get(row.case_id, {})
        if case is None or case.audit_id != audit_id or case.ref != row.ref:
            plan.problems.append(ImportProblem(f"case {row.ref} is not a case of audit {audit_id}",
                                               "Cases", row.row, "A"))
            continue
        if case.state not in ACTIVE_STATES:
            if _differs_from_export(row, state):
                plan.problems.append(ImportProblem(
                    f"case {row.ref} was set aside as {case.state} since the export, so its answers cannot be "
                    "recorded; answer its replacement in a fresh export", "Cases", row.row, "A"))
            continue
        _plan_case(plan, row, state, responses[row.case_id], hand)
    return plan


def import_fieldwork(uow: UnitOfWork, audit_id: int, path: str | Path, dry_run: bool = False) -> FieldworkImportResult:
    """Import a filled-in fieldwork workbook: all answers or none (see the module notes)."""
    require(uow.actor, "fieldwork.record")
    audit = get_audit_row(uow, audit_id)
    template = get_template(uow, audit.template_id)
    try:
        upload = read_fieldwork_workbook(path, audit.id, template)
    except FieldworkImportError as exc:
        return FieldworkImportResult(audit.id, 0, 0, (), exc.problems, exc.total, dry_run=dry_run)
    plan = _plan(uow, audit.id, upload, template)

    def result(written: bool, problems: list[ImportProblem]) -> FieldworkImportResult:
        return FieldworkImportResult(audit.id, len(plan.writes), plan.unchanged, tuple(plan.conflicts),
                                     tuple(problems), len(problems), plan.kept, tuple(plan.changes), dry_run,
                                     written)

    if plan.conflicts or plan.problems or dry_run or not plan.writes:
        return result(False, plan.problems)
    try:
        with uow.session.begin_nested():
            answers = record_responses(uow, audit.id, plan.writes)
    except WorkbenchError as exc:
        return result(False, [ImportProblem(f"nothing was imported: {exc}")])
    uow.log("audit", audit.id, "fieldwork_import", None, {
        "file": Path(path).name, "sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
        "exported_at": upload.meta.exported_at, "exported_by": upload.meta.exported_by,
        "changed": len(plan.writes), "unchanged": plan.unchanged, "kept_database": plan.kept,
        "answers": answers})
    return result(True, [])
