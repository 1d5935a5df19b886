"""An auditor's answers for drawn cases, so the demo's audit results come out as scripted.

Case fields are the template field keys with the values ``read_cases`` returns (choices as
their template label, times as ISO text).  Answers use the fieldwork vocabulary: 'yes', 'no',
'n/a', a grade label, a number or None (left blank).  Every 'no' carries the kind of comment
an auditor writes.

``choose_failures`` decides which cases fail a critical criterion that the auditor answers (a
computed criterion cannot be steered), so that exactly the wanted number are compliant, e.g.
49 of 82 to reproduce the inspection's finding.  The answer functions then write those cases'
answers with ``fail=True``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.demo.errors import DemoError, FieldworkTargetError
from workbench.stats import grade_agreement


@dataclass(frozen=True)
class Answer:
    value: str | float | None
    comment: str = ""


YES, NA = Answer("yes"), Answer("n/a")
NO = "no"
_GRADE_RANK = {"emergency": 0, "priority": 1, "scheduled": 2, "resolution without deployment": 3}
_ATTENDANCE_FAILURES = {
    "thrive_recorded": (0.45, (
        "Grade set with no THRIVE+ entry on the log; the call handler's notes record the caller's account only.",
        "THRIVE+ fields left blank; risk to the caller's children not considered at first contact.",
    )),
    "vulnerability_checks": (0.35, (
        "No research of previous calls: three earlier incidents at the address in the last month not noted.",
        "Address carries a domestic abuse marker that the log does not mention; repeat caller not identified.",
    )),
    "initial_grade_correct": (0.20, (
        "Caller reported a man with a knife outside; policy requires an emergency grade, given priority.",
        "Ongoing assault reported; graded priority instead of emergency.",
    )),
}


def _yes_or_no(rng: random.Random, p_yes: float, comment: str) -> Answer:
    """'yes' with probability ``p_yes``, else 'no' with the auditor's comment."""
    return YES if rng.random() < p_yes else Answer(NO, comment)


def _rank(grade: Any) -> int | None:
    return _GRADE_RANK.get(" ".join(str(grade or "").split()).casefold())


def _weighted(rng: random.Random, options: Mapping[str, tuple[float, tuple[str, ...]]]) -> str:
    keys = sorted(options)
    return rng.choices(keys, weights=[options[k][0] for k in keys])[0]


def attendance_answers(case_fields: Mapping[str, Any], rng: random.Random, *, fail: bool = False,
                       attended_in_time: bool | None = None) -> dict[str, Answer]:
    """Answers to the response-attendance criteria the auditor fills in (not the computed one).

    With ``fail`` one critical criterion (THRIVE+, vulnerability checks or initial grade) is
    'no' with a comment; otherwise all critical ones are 'yes'.  ``attended_in_time`` (the
    computed outcome, None for n/a) decides whether the caller should have been updated.
    """
    answers = {key: YES for key in _ATTENDANCE_FAILURES}
    if fail:
        key = _weighted(rng, _ATTENDANCE_FAILURES)
        answers[key] = Answer(NO, rng.choice(_ATTENDANCE_FAILURES[key][1]))
    initial, final = _rank(case_fields.get("initial_grade")), _rank(case_fields.get("final_grade"))
    reason = str(case_fields.get("downgrade_reason") or "")
    if initial is None or final is None or final <= initial:
        answers["downgrade_rationale"] = answers["downgrade_approved"] = NA
    else:
        if "resources available" in reason.casefold():
            answers["downgrade_rationale"] = Answer(
                NO, "Downgraded because no resources were free; risk not reassessed.")
        elif not reason.strip():
            answers["downgrade_rationale"] = Answer(NO, "Downgrade with no rationale on the log.")
        else:
            answers["downgrade_rationale"] = YES
        answers["downgrade_approved"] = _yes_or_no(
            rng, 0.8, "No supervisor approval recorded; caller not told of the change.")
    if attended_in_time is False:
        answers["caller_updated_on_delay"] = _yes_or_no(
            rng, 0.55, "No call-back to the caller during the delay; no fresh THRIVE+.")
    else:
        answers["caller_updated_on_delay"] = NA
    answers["minutes_to_arrival"] = Answer(None)
    return answers


def choose_failures(cases: Sequence[str], computed_ok: Mapping[str, bool], target_compliant: int,
                    rng: random.Random) -> set[str]:
    """References of the cases to fail on an auditor-answered critical criterion.

    ``cases`` lists the sampled references (their order fixes the choice for a given ``rng``);
    ``computed_ok[ref]`` is False when a computed critical criterion already fails the case
    (n/a counts as passing).  Exactly ``target_compliant`` cases are left compliant; raises
    FieldworkTargetError when fewer than that pass the computed criteria.
    """
    refs = list(cases)
    if len(set(refs)) != len(refs):
        raise DemoError("a reference appears more than once; give each sampled case once", field="cases")
    missing = [r for r in refs if r not in computed_ok]
    if missing:
        raise DemoError(f"no computed outcome for case {missing[0]} ({len(missing)} in all)", field="computed_ok")
    if isinstance(target_compliant, bool) or not isinstance(target_compliant, int) \
            or not 0 <= target_compliant <= len(refs):
        raise DemoError(f"expected a whole number from 0 to {len(refs)}, got {target_compliant!r}",
                        field="target_compliant")
    passing = [r for r in refs if computed_ok[r]]
    if len(passing) < target_compliant:
        raise FieldworkTargetError(target_compliant, len(passing))
    return set(rng.sample(passing, len(passing) - target_compliant))


# The auditor's own grade given the officer's: (standard, medium, high) weights.  Under-grading
# (the auditor grades higher) is the common disagreement, standard -> medium above all, and more
# so for repeat victims, as the inspection found.
_AUDITOR_GRADE = {
    "Standard": (0.86, 0.12, 0.02),
    "Medium": (0.08, 0.78, 0.14),
    "High": (0.0, 0.12, 0.88),
}
GRADES = ("Standard", "Medium", "High")


def _grade(value: Any) -> str | None:
    text = " ".join(str(value or "").split()).casefold()
    return next((g for g in GRADES if g.casefold() == text), None)


def _count(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def auditor_grade(case_fields: Mapping[str, Any], rng: random.Random) -> str:
    """The auditor's grade for a case: agrees with the officer's about 83 % of the time."""
    officer = _grade(case_fields.get("risk_grade")) or "Standard"
    weights = list(_AUDITOR_GRADE[officer])
    if officer == "Standard" and _count(case_fields.get("previous_incidents_12m")) >= 3:
        weights = [0.55, 0.40, 0.05]  # repeat incidents not weighed: the report's concern
    return rng.choices(GRADES, weights=weights)[0]


def auditor_grades(cases: Mapping[str, Mapping[str, Any]], seed: int,
                   kappa_range: tuple[float, float] = (0.6, 0.75), tries: int = 200) -> dict[str, str]:
    """The auditor's grade for each case (by reference), redrawn until Cohen's kappa between
    the officers' and the auditor's grades falls in ``kappa_range`` (a sample of 60-80 cases
    varies widely around the population's ~0.65).  Deterministic for a given ``seed``.
    """
    refs = list(cases)
    if not refs:
        raise DemoError("no cases given", field="cases")
    officers = [_grade(cases[r].get("risk_grade")) or "Standard" for r in refs]
    low, high = kappa_range
    for attempt in range(tries):
        rng = random.Random(seed * 1_000_003 + attempt)
        grades = [auditor_grade(cases[r], rng) for r in refs]
        kappa = grade_agreement(officers, grades, order=GRADES).kappa
        if kappa is not None and low <= kappa <= high:
            return dict(zip(refs, grades, strict=True))
    raise DemoError(f"no draw in {tries} tries gave a kappa from {low} to {high}; widen the range",
                    field="kappa_range")


def da_answers(case_fields: Mapping[str, Any], rng: random.Random, *, fail: bool = False,
               grade: str | None = None) -> dict[str, Answer]:
    """Answers to the DA risk-assessment criteria the auditor fills in, including their own grade.

    Critical criteria are 'no' only with ``fail``: then the one that fits the case (the
    rationale where the auditor grades higher, else children or incomplete answers).  Where the
    auditor grades higher, the history research (not critical) is usually found wanting.
    ``grade`` fixes the auditor's grade (e.g. from ``auditor_grades``); else it is drawn.
    """
    officer = _grade(case_fields.get("risk_grade")) or "Standard"
    mine = _grade(grade) if grade is not None else auditor_grade(case_fields, rng)
    if mine is None:
        raise DemoError(f"expected one of {', '.join(GRADES)}, got {grade!r}", field="grade")
    under = GRADES.index(mine) > GRADES.index(officer)
    previous = _count(case_fields.get("previous_incidents_12m"))
    children = str(case_fields.get("children_present") or "").strip().casefold()
    answers: dict[str, Answer] = {"auditor_grade": Answer(mine), "answers_complete": YES,
                                  "rationale_recorded": YES,
                                  "children_identified": NA if children == "no" else YES}
    if fail:
        if under:
            answers["rationale_recorded"] = Answer(NO, (
                f"Rationale repeats the tick count only; {previous} previous incidents and the victim's fear "
                "not weighed." if previous else "Rationale repeats the tick count only; escalation not weighed."))
        elif children != "no" and rng.random() < 0.5:
            answers["children_identified"] = Answer(NO, (
                "Two children at the address; no referral to the MASH." if children == "yes"
                else "Household not asked about children; recorded as unknown."))
        else:
            answers["answers_complete"] = Answer(
                NO, "Four questions left blank rather than recorded as refused; victim's own words not captured.")
    tool = str(case_fields.get("risk_tool") or "").strip().casefold()
    if tool in ("", "none"):
        answers["completed_in_person"] = NA
    else:
        answers["completed_in_person"] = _yes_or_no(
            rng, 0.86, "Completed by telephone the next day; no reason recorded.")
    if previous == 0:
        answers["history_researched"] = YES
    elif under and rng.random() < 0.7:
        answers["history_researched"] = Answer(NO, f"{previous} DA incidents in the last 12 months not referred to.")
    else:
        answers["history_researched"] = _yes_or_no(rng, 0.9, "No record of research on the suspect.")
    return answers


def uof_answers(case_fields: Mapping[str, Any], rng: random.Random, *, fail: bool = False) -> dict[str, Answer]:
    """Answers to the use-of-force criteria the auditor fills in.

    Where there is no form the form-based criteria are n/a (the computed 'form exists' fails
    the case).  With ``fail`` the form omits a tactic the custody record shows (critical).
    """
    force = str(case_fields.get("force_used") or "").strip().casefold()
    has_form = bool(str(case_fields.get("uof_form_ref") or "").strip())
    silent = "Custody record shows no force used." if force == "no" else "Custody record silent on force."
    answers: dict[str, Answer] = {"force_indicated": YES if force == "yes" else Answer(NO, silent)}
    if not has_form:
        return answers | {k: NA for k in ("all_tactics_recorded", "injury_recorded", "justification_recorded",
                                          "bwv_reviewed")}
    answers["all_tactics_recorded"] = (
        Answer(NO, "Custody record shows leg restraints; the form records handcuffing only.") if fail else YES
    )
    answers["injury_recorded"] = YES
    answers["justification_recorded"] = _yes_or_no(
        rng, 0.85, "Account says 'force used as necessary' with no circumstances.")
    answers["bwv_reviewed"] = _yes_or_no(rng, 0.75, "Body-worn video not captured; no reason given.")
    return answers
