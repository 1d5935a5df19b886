"""Fieldwork: answers per case and criterion, computed criteria, unusable cases, second review.

Answers are stored in a canonical text form (``canonical_answer``):
yes_no_na -> "yes" / "no" / "n/a"; choice -> the template's choice label; number -> decimal
text ("12", "7.5"); datetime -> ISO 8601 ("2024-03-14T14:02:00", or "2024-03-14" for a date
without a time); text -> the text, trimmed.

Computed criteria (those with a rule) are answered by ``evaluate_computed`` from the case
fields and the force settings, with the working in words: on every draw
(``fieldwork_flow.draw_and_evaluate``, the audit wizard's ``plan_and_draw``), for a reserve as soon
as it replaces a case set aside (``mark_unusable``), and again for every drawn audit when a force
setting changes (``fieldwork_flow.refresh_after_settings``). They cannot be answered by hand
unless ``override=True`` with a comment saying why; an override keeps the computed working
for reference, is marked not computed, and is left alone by later evaluations.

A second reviewer's answers (role "second") are for the second-review dip; the same person
may not give both the primary and the second answer to a criterion (four eyes).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import InvalidOperation
from typing import Any, cast

from sqlalchemy import insert, select

from workbench.errors import InputError, NotFoundError
from workbench.services.access import ALLOWED, Decision, allowed, require
from workbench.services.agreement import Agreement, agreement  # noqa: F401  (part of this module's API)
from workbench.services.audits import ACTIVE_STATES, get_audit_row
from workbench.services.settings import get_force_settings
from workbench.services.templates import get_template
from workbench.store.models import Audit, Response, SampledCase, utcnow
from workbench.store.uow import UnitOfWork, check_version
from workbench.templates import Criterion, Template, evaluate
from workbench.templates.values import match_choice, number_text, parse_datetime, parse_number

ROLES = ("primary", "second")
_YES = {"yes", "y", "true", "1", "met"}
_NO = {"no", "n", "false", "0", "not met"}
_NA = {"n/a", "na", "n.a.", "not applicable", "-"}


class FieldworkError(InputError):
    """An answer cannot be recorded; ``case`` and ``criterion`` say where."""

    def __init__(self, message: str, hint: str = "", case: str | None = None,
                 criterion: str | None = None) -> None:
        self.case = case
        self.criterion = criterion
        where = " / ".join(x for x in (f"case {case}" if case else "",
                                       f"criterion '{criterion}'" if criterion else "") if x)
        super().__init__(f"{where}: {message}" if where else message, hint)


@dataclass(frozen=True)
class Answer:
    value: str | None
    computed: bool
    working: str
    comment: str
    answered_by: str
    answered_at: datetime | None
    version: int = 1


@dataclass(frozen=True)
class CaseInfo:
    id: int
    version: int
    audit_id: int
    ref: str
    stratum: str | None
    order: int
    reserve: bool
    state: str  # active | unusable | reserve | replacement
    unusable_reason: str
    replaces_ref: str | None
    fields: dict[str, Any]
    answered: int  # criteria with a primary answer
    second_review: bool


@dataclass(frozen=True)
class EvaluationSummary:
    cases: int
    evaluated: int
    changed: int
    yes: int
    no: int
    not_applicable: int
    overrides_kept: int


def canonical_answer(criterion: Criterion, value: Any) -> str:
    """The stored form of an answer, or FieldworkError (ValueError) saying what is accepted."""
    kind = criterion.answer
    text = "" if value is None else str(value).strip()
    if kind == "yes_no_na":
        if isinstance(value, bool):
            return "yes" if value else "no"
        low = text.casefold()
        for canonical, words in (("yes", _YES), ("no", _NO), ("n/a", _NA)):
            if low in words:
                return canonical
        raise FieldworkError(f"{text!r} is not an answer to a yes / no / not applicable question",
                             "answer yes, no or n/a", criterion=criterion.key)
    if kind == "choice":
        found = match_choice(text, criterion.choices)
        if found is None:
            raise FieldworkError(f"{text!r} is not one of the choices", "choose one of: " +
                                 ", ".join(criterion.choices), criterion=criterion.key)
        return found
    if kind == "number":
        try:
            number = parse_number(value if not isinstance(value, str) else text)
            if number is None or (isinstance(number, float) and not math.isfinite(number)):
                raise ValueError(f"{text!r} is not a number")
            return number_text(number)
        except (ValueError, InvalidOperation):
            raise FieldworkError(f"{text!r} is not a number", "give a number such as 12 or 7.5",
                                 criterion=criterion.key) from None
    if kind == "datetime":
        try:
            parsed = parse_datetime(value if not isinstance(value, str) else text)
        except ValueError as exc:
            raise FieldworkError(str(exc), "give dd/mm/yyyy hh:mm or yyyy-mm-ddThh:mm",
                                 criterion=criterion.key) from None
        if parsed is None:
            raise FieldworkError("no date given", "give dd/mm/yyyy hh:mm", criterion=criterion.key)
        moment, has_time = parsed
        return moment.isoformat(timespec="seconds") if has_time else moment.date().isoformat()
    return text


def _case(uow: UnitOfWork, case_id: int) -> SampledCase:
    case = uow.session.get(SampledCase, case_id)
    if case is None:
        raise NotFoundError(f"no sampled case with id {case_id}")
    return case


def _criterion(template: Template, key: str, case_ref: str | None = None) -> Criterion:
    try:
        return template.criterion(key)
    except KeyError:
        raise FieldworkError(f"template '{template.key}' has no such criterion",
                             "criteria: " + ", ".join(c.key for c in template.criteria),
                             case=case_ref, criterion=key) from None


def _response(uow: UnitOfWork, case_id: int, key: str, role: str) -> Response | None:
    return uow.session.scalar(select(Response).where(Response.case_id == case_id, Response.criterion_key == key,
                                                     Response.role == role))


def _second_review_ids(audit: Audit) -> list[int]:
    return list((audit.plan or {}).get("second_review") or [])


def _add_second_review(audit: Audit, case_ids: list[int]) -> None:
    current = _second_review_ids(audit)
    merged = sorted(set(current) | set(case_ids))
    if merged != current:
        audit.plan = {**(audit.plan or {}), "second_review": merged}


def _mark_fieldwork(audit: Audit) -> None:
    if audit.status == "drawn":
        audit.status = "fieldwork"


def record_response(uow: UnitOfWork, case_id: int, criterion_key: str, value: Any, comment: str = "",
                    role: str = "primary", expected_version: int | None = None,
                    override: bool = False) -> Answer | None:
    """Record (or, with value None / "", clear) one answer. Returns the stored answer (None if cleared)."""
    require(uow.actor, "fieldwork.record")
    if role not in ROLES:
        raise InputError(f"unknown role '{role}'", "use primary or second")
    case = _case(uow, case_id)
    audit = get_audit_row(uow, case.audit_id)
    template = get_template(uow, audit.template_id)
    written = _set_answer(uow, audit, template, case, criterion_key, value, comment, role, expected_version,
                          override, lambda r: _response(uow, case.id, criterion_key, r))
    if written is None:
        return None
    row, action, before, after = written
    uow.session.flush()
    uow.log("response", row.id, action, before, after)
    return None if action == "clear" else _answer(row)


#: one answer of a batch: case id, criterion key, value (None or "" clears it), comment, the
#: version the caller saw (None: there was no answer)
AnswerWrite = tuple[int, str, Any, str, "int | None"]


def record_responses(uow: UnitOfWork, audit_id: int, writes: list[AnswerWrite]) -> list[dict[str, Any]]:
    """Record many primary answers of one audit under the same rules as `record_response`, reading
    the cases and answers once and writing them in one flush. Nothing is logged here: the caller
    logs the batch once with the returned changes (what `record_response` would have logged each)."""
    require(uow.actor, "fieldwork.record")
    audit = get_audit_row(uow, audit_id)
    template = get_template(uow, audit.template_id)
    cases = {c.id: c for c in uow.session.scalars(select(SampledCase).where(SampledCase.audit_id == audit.id))}
    rows = {(r.case_id, r.criterion_key): r for r in uow.session.scalars(
        select(Response).join(SampledCase, Response.case_id == SampledCase.id)
        .where(SampledCase.audit_id == audit.id, Response.role == "primary"))}
    seen: set[tuple[int, str]] = set()
    for case_id, key, *_rest in writes:  # one write per answer: the rows are flushed only at the end
        if (case_id, key) in seen:
            ref = cases[case_id].ref if case_id in cases else str(case_id)
            raise FieldworkError("the same answer is given twice", "give each case's answer once (a case "
                                 "listed twice?); export a fresh workbook", case=ref, criterion=key)
        seen.add((case_id, key))
    changes = []
    new: list[Response] = []  # answers not given before: inserted together, after the loop
    for case_id, key, value, comment, version in writes:
        case = cases.get(case_id)
        if case is None:
            raise NotFoundError(f"no sampled case with id {case_id} in audit {audit.id}")
        def current(_role: str, at: tuple[int, str] = (case.id, key)) -> Response | None:
            return rows.get(at)

        written = _set_answer(uow, audit, template, case, key, value, comment, "primary", version, False, current,
                              new.append)
        if written is not None:
            row, action, before, after = written
            rows[(case.id, key)] = row
            changes.append({"action": action, **after, "before": before})
            if action == "clear":
                del rows[(case.id, key)]
    uow.session.flush()  # the changed and cleared answers first
    if new:
        # thousands of rows from a workbook: one bulk INSERT, not a unit-of-work flush of each object
        # (the ids it returns tell the change log which rows to record, store/log_audit.py::RowTracker)
        uow.session.execute(insert(Response).returning(Response.id), [_insert_values(r) for r in new])
    uow.changed.add("response")
    return changes


_INSERTED = ("case_id", "criterion_key", "role", "value", "computed", "working", "comment", "answered_by",
             "answered_at")


class _NewAnswer:
    """An answer a batch will insert in bulk: the columns `_set_answer` sets, without the ORM's
    instrumentation (thousands of them from one workbook, never added to the session)."""

    __slots__ = (*_INSERTED, "id", "version")

    def __init__(self, case_id: int, criterion_key: str, role: str) -> None:
        self.case_id, self.criterion_key, self.role = case_id, criterion_key, role
        self.id, self.version = None, 1


def _insert_values(row: Response) -> dict[str, Any]:
    return {"version": 1, **{name: getattr(row, name) for name in _INSERTED}}


def _set_answer(uow: UnitOfWork, audit: Audit, template: Template, case: SampledCase, criterion_key: str,
                value: Any, comment: str, role: str, expected_version: int | None, override: bool,
                current: Callable[[str], Response | None],
                add: Callable[[Response], None] | None = None) -> tuple[Response, str, Any, dict[str, Any]] | None:
    """The rules of one answer, applied to the session (not flushed, not logged): the row, the
    action ("record" or "clear"), its before and after as the log keeps them; None if nothing to clear.
    A new row goes to `add` (the session's, unless the caller inserts new rows itself)."""
    criterion = _criterion(template, criterion_key, case.ref)
    if case.state not in ACTIVE_STATES:
        raise FieldworkError(f"the case is {case.state}, not in the sample", "answer the cases in use "
                             "(workbench audit show lists them)", case=case.ref)
    comment = (comment or "").strip()
    if criterion.rule is not None and role == "primary" and not override:
        raise FieldworkError("this criterion is computed from the case fields",
                             "run the computed evaluation, or override it with a comment saying why",
                             case=case.ref, criterion=criterion.key)
    if override and not comment:
        raise FieldworkError("an override of a computed answer needs a comment saying why",
                             case=case.ref, criterion=criterion.key)
    row = current(role)
    if row is not None:
        check_version(row, expected_version, f"the answer to {criterion.key} for case {case.ref}")
    if role == "second":
        primary = current("primary")
        if primary is not None and not primary.computed and primary.answered_by == uow.username:
            raise FieldworkError("you gave the primary answer, so you cannot also give the second review",
                                 "ask another reviewer to re-check this case", case=case.ref,
                                 criterion=criterion.key)
    before = None if row is None else {"value": row.value, "comment": row.comment, "computed": row.computed}
    if value is None or (isinstance(value, str) and not value.strip()):
        if row is None:
            return None
        uow.session.delete(row)
        return row, "clear", before, {"case": case.ref, "criterion": criterion.key, "role": role}
    canonical = canonical_answer(criterion, value)
    working = ""
    if criterion.rule is not None and role == "primary":
        previous = f"computed answer {row.value}: {row.working}" if row is not None and row.computed else ""
        working = "answered by hand, overriding the rule" + (f" (was {previous})" if previous else "")
    if row is None and add is not None:  # inserted by the caller, in bulk
        row = cast(Response, _NewAnswer(case.id, criterion.key, role))
        add(row)
    elif row is None:
        row = Response(case_id=case.id, criterion_key=criterion.key, role=role)
        uow.session.add(row)
    row.value, row.comment, row.computed, row.working = canonical, comment, False, working
    row.answered_by, row.answered_at = uow.username, utcnow()
    _mark_fieldwork(audit)
    if role == "second":
        _add_second_review(audit, [case.id])
    return row, "record", before, {
        "case": case.ref, "criterion": criterion.key, "role": role, "value": canonical, "comment": comment,
        "override": bool(criterion.rule is not None and role == "primary")}


def _answer(r: Response) -> Answer:
    return Answer(r.value, r.computed, r.working, r.comment, r.answered_by, r.answered_at, r.version)


def _active_cases(uow: UnitOfWork, audit_id: int) -> list[SampledCase]:
    return list(uow.session.scalars(select(SampledCase).where(
        SampledCase.audit_id == audit_id, SampledCase.state.in_(ACTIVE_STATES)).order_by(SampledCase.order)))


def evaluate_computed(uow: UnitOfWork, audit_id: int, why: str | None = None) -> EvaluationSummary:
    """Answer every computed criterion for every case in use, from its fields and the force settings
    (`why`, e.g. "settings", is kept in the change log when it was not asked for by hand)."""
    require(uow.actor, "fieldwork.record")
    audit = get_audit_row(uow, audit_id)
    return _evaluate(uow, audit, _active_cases(uow, audit.id), why)


def _evaluate(uow: UnitOfWork, audit: Audit, cases: list[SampledCase],
              reason: str | None = None) -> EvaluationSummary:
    """Answer the computed criteria of `cases` (hand overrides kept) and log it for the audit."""
    template = get_template(uow, audit.template_id)
    settings = get_force_settings(uow)
    rules = [c for c in template.criteria if c.rule is not None]
    existing = {(r.case_id, r.criterion_key): r for r in uow.session.scalars(
        select(Response).where(Response.case_id.in_([c.id for c in cases]), Response.role == "primary"))}
    counts = {"yes": 0, "no": 0, "n/a": 0}
    evaluated = changed = kept = 0
    for case in cases:
        for criterion in rules:
            row = existing.get((case.id, criterion.key))
            if row is not None and not row.computed:
                kept += 1
                continue
            outcome = evaluate(criterion, case.fields or {}, settings)
            evaluated += 1
            counts[outcome.answer] += 1
            if row is not None and row.value == outcome.answer and row.working == outcome.working:
                continue
            if row is None:
                row = Response(case_id=case.id, criterion_key=criterion.key, role="primary")
                uow.session.add(row)
            row.value, row.working, row.computed, row.comment = outcome.answer, outcome.working, True, ""
            row.answered_by, row.answered_at = uow.username, utcnow()
            changed += 1
    if changed:
        _mark_fieldwork(audit)
    uow.session.flush()
    summary = EvaluationSummary(len(cases), evaluated, changed, counts["yes"], counts["no"], counts["n/a"], kept)
    if rules or reason != "replacement":  # a replacement with nothing to compute leaves no entry
        uow.log("audit", audit.id, "evaluate", None, {
            "criteria": [c.key for c in rules], "evaluated": evaluated, "changed": changed,
            "clock_start": settings.clock_start, "overrides_kept": kept,
            **({"cases": [c.ref for c in cases]} if reason == "replacement" else {}),
            **({"why": reason} if reason else {})})
    uow.changed.add("response")
    return summary


def case_answers(uow: UnitOfWork, audit_id: int, role: str = "primary") -> dict[int, dict[str, Answer]]:
    """Answers of every case in use (sample cases still usable and replacements), by case id."""
    require(uow.actor, "read")
    cases = _active_cases(uow, audit_id)
    out: dict[int, dict[str, Answer]] = {c.id: {} for c in cases}
    if not cases:
        return out
    for r in uow.session.scalars(select(Response).where(Response.case_id.in_(list(out)), Response.role == role)):
        out[r.case_id][r.criterion_key] = _answer(r)
    return out


def answers_of_case(uow: UnitOfWork, case_id: int, role: str = "primary") -> dict[str, Answer]:
    """One case's answers (as `case_answers` gives them for it: none for a case set aside)."""
    require(uow.actor, "read")
    case = _case(uow, case_id)
    if case.state not in ACTIVE_STATES:
        return {}
    rows = uow.session.scalars(select(Response).where(Response.case_id == case.id, Response.role == role))
    return {r.criterion_key: _answer(r) for r in rows}


def second_review_decisions(uow: UnitOfWork, audit_id: int) -> dict[int, Decision]:
    """Whether this user may give the second answers of each case in use (four eyes: not someone who
    gave any of the case's first answers by hand), with the reason a person reads when not."""
    require(uow.actor, "read")
    role = allowed(uow.actor, "fieldwork.record")
    cases = _active_cases(uow, get_audit_row(uow, audit_id).id)
    if not role:
        return {c.id: role for c in cases}
    mine: dict[int, int] = {}
    for case_id in uow.session.scalars(select(Response.case_id).join(SampledCase, SampledCase.id == Response.case_id)
                                       .where(SampledCase.audit_id == audit_id, Response.role == "primary",
                                              Response.computed.is_(False), Response.answered_by == uow.username)):
        mine[case_id] = mine.get(case_id, 0) + 1
    out = {}
    for c in cases:
        n = mine.get(c.id, 0)
        out[c.id] = ALLOWED if not n else Decision(
            False, f"You gave {n} of the first answer{'s' if n != 1 else ''} to case {c.ref}, so its second "
                   "review must be someone else's (four eyes). Ask another reviewer to re-check this case.")
    return out


def second_review_decision(uow: UnitOfWork, case_id: int) -> Decision:
    """`second_review_decisions` for one case (a case set aside cannot be reviewed)."""
    case = _case(uow, case_id)
    decisions = second_review_decisions(uow, case.audit_id)
    return decisions.get(case.id, Decision(False, f"Case {case.ref} is {case.state}, not in the sample."))


def _case_info(uow: UnitOfWork, c: SampledCase, second: set[int], answered: dict[int, int]) -> CaseInfo:
    replaced = uow.session.get(SampledCase, c.replaces_id) if c.replaces_id else None
    return CaseInfo(c.id, c.version, c.audit_id, c.ref, c.stratum, c.order, c.reserve, c.state,
                    c.unusable_reason, replaced.ref if replaced else None, dict(c.fields or {}),
                    answered.get(c.id, 0), c.id in second)


def _answered_counts(uow: UnitOfWork, case_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for case_id in uow.session.scalars(select(Response.case_id).where(
            Response.case_id.in_(case_ids), Response.role == "primary", Response.value.is_not(None))):
        counts[case_id] = counts.get(case_id, 0) + 1
    return counts


def list_cases(uow: UnitOfWork, audit_id: int, include_reserves: bool = True) -> list[CaseInfo]:
    """The audit's cases in draw order: the sample, then the reserve list."""
    require(uow.actor, "read")
    audit = get_audit_row(uow, audit_id)
    q = select(SampledCase).where(SampledCase.audit_id == audit.id).order_by(SampledCase.order)
    if not include_reserves:
        q = q.where(SampledCase.state != "reserve")
    cases = list(uow.session.scalars(q))
    counts = _answered_counts(uow, [c.id for c in cases])
    second = set(_second_review_ids(audit))
    return [_case_info(uow, c, second, counts) for c in cases]


def find_case(uow: UnitOfWork, audit_id: int, ref: str) -> CaseInfo:
    require(uow.actor, "read")
    case = uow.session.scalar(select(SampledCase).where(SampledCase.audit_id == audit_id,
                                                        SampledCase.ref == ref.strip()))
    if case is None:
        raise NotFoundError(f"audit {audit_id} has no case '{ref}'", "workbench audit show lists its cases")
    audit = get_audit_row(uow, audit_id)
    return _case_info(uow, case, set(_second_review_ids(audit)), _answered_counts(uow, [case.id]))


def mark_unusable(uow: UnitOfWork, case_id: int, reason: str, expected_version: int | None = None) -> CaseInfo:
    """Set a case aside as unusable and bring in the next reserve (same stratum when stratified),
    whose computed criteria are answered at once.

    Returns the replacement. With no reserve left, nothing changes and an error says so.
    """
    return set_aside(uow, case_id, reason, expected_version)[0]


def set_aside(uow: UnitOfWork, case_id: int, reason: str,
              expected_version: int | None = None) -> tuple[CaseInfo, EvaluationSummary]:
    """``mark_unusable``, with the evaluation of the replacement's computed criteria."""
    require(uow.actor, "fieldwork.record")
    if not reason or not reason.strip():
        raise InputError("say why the case is unusable (e.g. record not found, wrong incident type)")
    case = _case(uow, case_id)
    check_version(case, expected_version, f"case {case.ref}")
    if case.state not in ACTIVE_STATES:
        raise FieldworkError(f"the case is {case.state}, not in the sample", case=case.ref)
    audit = get_audit_row(uow, case.audit_id)
    stratified = (audit.plan or {}).get("method") == "stratified"
    q = select(SampledCase).where(SampledCase.audit_id == audit.id, SampledCase.state == "reserve")
    if stratified:
        q = q.where(SampledCase.stratum == case.stratum)
    replacement = uow.session.scalar(q.order_by(SampledCase.order).limit(1))
    if replacement is None:
        where = f" in stratum '{case.stratum}'" if stratified else ""
        raise FieldworkError(f"no reserve case is left{where} to replace it; nothing was changed",
                             "draw a larger reserve in a new audit, or keep the case and answer what you can",
                             case=case.ref)
    case.state, case.unusable_reason = "unusable", reason.strip()
    replacement.state, replacement.replaces_id = "replacement", case.id
    uow.session.flush()
    uow.log("case", case.id, "unusable", {"state": "active"}, {
        "ref": case.ref, "reason": case.unusable_reason, "replacement": replacement.ref,
        "stratum": case.stratum})
    summary = _evaluate(uow, audit, [replacement], "replacement")
    audit_second = set(_second_review_ids(audit))
    return _case_info(uow, replacement, audit_second, _answered_counts(uow, [replacement.id])), summary


def second_review(uow: UnitOfWork, audit_id: int, case_ids: list[int]) -> tuple[CaseInfo, ...]:
    """Add cases to the second-review dip; returns the whole dip."""
    require(uow.actor, "fieldwork.record")
    audit = get_audit_row(uow, audit_id)
    for case_id in case_ids:
        case = _case(uow, case_id)
        if case.audit_id != audit.id:
            raise InputError(f"case {case.ref} belongs to audit {case.audit_id}, not {audit.id}")
        if case.state not in ACTIVE_STATES:
            raise FieldworkError(f"the case is {case.state}, not in the sample", case=case.ref)
    before = _second_review_ids(audit)
    _add_second_review(audit, list(case_ids))
    uow.session.flush()
    uow.log("audit", audit.id, "second_review", {"cases": before}, {"cases": _second_review_ids(audit)})
    return tuple(c for c in list_cases(uow, audit.id) if c.second_review)
