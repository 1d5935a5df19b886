"""The demo's audits: attendance rounds 1 and 2, DA risk grading, use of force — drawn from the
synthetic extracts and answered as an auditor would, so the results come out as scripted."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from workbench.demo import FieldworkTargetError
from workbench.demo.fieldwork import (
    Answer,
    attendance_answers,
    auditor_grades,
    choose_failures,
    da_answers,
    uof_answers,
)
from workbench.services import audits, fieldwork, population
from workbench.store.workspace import Workspace

AnswerFn = Callable[[Mapping[str, Any], random.Random, bool], dict[str, Answer]]


def _cases(ws: Workspace, user: str, audit_id: int) -> dict[int, fieldwork.CaseInfo]:
    with ws.unit_of_work(user, write=False) as uow:
        return {c.id: c for c in fieldwork.list_cases(uow, audit_id, include_reserves=False)
                if c.state in ("active", "replacement")}


def _computed_ok(ws: Workspace, user: str, audit_id: int) -> dict[int, dict[str, str]]:
    with ws.unit_of_work(user) as uow:
        fieldwork.evaluate_computed(uow, audit_id)
    with ws.unit_of_work(user, write=False) as uow:
        answers = fieldwork.case_answers(uow, audit_id)
    return {cid: {k: a.value or "" for k, a in per.items() if a.computed} for cid, per in answers.items()}


def run_round(ws: Workspace, user: str, audit_id: int, extract: Path, target_compliant: int | None,
              answer: AnswerFn, first_seed: int, unusable: int = 0) -> int:
    """Draw (trying seeds from `first_seed` until the target is reachable) and record the answers.
    Returns the seed used."""
    for seed in range(first_seed, first_seed + 40):
        with ws.unit_of_work(user) as uow:
            population.draw_sample(uow, audit_id, extract, seed=seed)
        cases = _cases(ws, user, audit_id)
        for case in list(cases.values())[:unusable]:
            with ws.unit_of_work(user) as uow:
                fieldwork.mark_unusable(uow, case.id, "Log purged under retention schedule; record not available")
        cases = _cases(ws, user, audit_id)
        computed = _computed_ok(ws, user, audit_id)
        ok = {c.ref: all(v != "no" for v in computed.get(cid, {}).values()) for cid, c in cases.items()}
        rng = random.Random(seed)
        try:
            failures = (choose_failures(list(ok), ok, target_compliant, rng)
                        if target_compliant is not None else set())
        except FieldworkTargetError:
            continue
        with ws.unit_of_work(user) as uow:
            for cid, case in cases.items():
                for key, ans in answer(case.fields | {"_computed": computed.get(cid, {})}, rng,
                                       case.ref in failures).items():
                    fieldwork.record_response(uow, cid, key, ans.value, ans.comment)
        return seed
    raise RuntimeError("no seed in range gave a reachable compliance target")  # pragma: no cover


def _attendance(fields: Mapping[str, Any], rng: random.Random, fail: bool) -> dict[str, Answer]:
    in_time = {"yes": True, "no": False}.get(fields["_computed"].get("attended_within_target", ""))
    return attendance_answers(fields, rng, fail=fail, attended_in_time=in_time)


def attendance_audits(ws: Workspace, officer: str, finding_id: int, baseline_figure_id: int | None,
                      round1: Path, round2: Path) -> tuple[int, int]:
    """Round 1 reproduces the inspection's 49 of 82; round 2, a year on, 66 of 82."""
    with ws.unit_of_work(officer) as uow:
        first = audits.create_audit(
            uow, "response-attendance", "Response attendance and grading", [finding_id],
            method="simple", size=82, reserve=10, target=0.75, baseline_figure_id=baseline_figure_id,
            baseline_measure="attended_within_target" if baseline_figure_id is not None else None)
    run_round(ws, officer, first.id, round1, 49, _attendance, 11, unusable=1)
    with ws.unit_of_work(officer) as uow:
        second = audits.create_audit(
            uow, "response-attendance", "Response attendance and grading", [finding_id],
            method="simple", size=82, reserve=10, target=0.75, baseline_figure_id=baseline_figure_id,
            series=first.series)
    run_round(ws, officer, second.id, round2, 66, _attendance, 31)
    return first.id, second.id


def da_audit(ws: Workspace, officer: str, finding_ids: list[int], extract: Path) -> int:
    """A stratified DA risk-grading audit with the auditor's own grades (agreement table, kappa)."""
    with ws.unit_of_work(officer) as uow:
        audit = audits.create_audit(
            uow, "da-risk-assessment", "DA primary risk assessment — grading dip sample", finding_ids,
            method="stratified", size=80, reserve=12, stratify_by="risk_grade", target=0.8)
    with ws.unit_of_work(officer) as uow:
        population.draw_sample(uow, audit.id, extract, stratify_by="risk_grade", seed=2405)
    cases = _cases(ws, officer, audit.id)
    grades = auditor_grades({c.ref: c.fields for c in cases.values()}, seed=17)
    rng = random.Random(2405)
    fails = {c.ref for c in cases.values() if rng.random() < 0.18}
    _computed_ok(ws, officer, audit.id)
    with ws.unit_of_work(officer) as uow:
        for cid, case in cases.items():
            for key, ans in da_answers(case.fields, rng, fail=case.ref in fails, grade=grades[case.ref]).items():
                fieldwork.record_response(uow, cid, key, ans.value, ans.comment)
    return audit.id


def _uof(fields: Mapping[str, Any], rng: random.Random, fail: bool) -> dict[str, Answer]:
    return uof_answers(fields, rng, fail=fail)


def use_of_force_audit(ws: Workspace, officer: str, finding_id: int, extract: Path) -> int:
    with ws.unit_of_work(officer) as uow:
        audit = audits.create_audit(
            uow, "use-of-force", "Use-of-force recording — arrests dip sample", [finding_id],
            method="systematic", confidence=0.95, tolerable=0.1, expected=0.02, target=0.9)
    run_round(ws, officer, audit.id, extract, None, _uof, 5)
    return audit.id
