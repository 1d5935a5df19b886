"""Scope and applicability: screening questions, dependent criteria, like-with-like baselines,
and sizing that agrees with rating — checked at the scoring service."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from tests.conftest import ADMIN
from tests.services.audit_population import (
    answer_cases,
    attendance_finding,
    drawn_attendance_audit,
    quick_rows,
    write_csv,
)
from workbench.errors import InputError
from workbench.services import audits, fieldwork, population, scoring

UOF_HEADERS = ["Custody Number", "Arrest Date Time", "Force Used", "UoF Form", "UoF Submitted", "District"]


def uof_rows(count: int = 200, seed: int = 3) -> list[list[str]]:
    """Arrests: every other one with force used; of those, most with a form, one form late."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        arrested = datetime(2024, 6, 1) + timedelta(minutes=rng.randrange(0, 60 * 24 * 60))
        force = i % 2 == 0
        form = force and i % 10 != 0
        late = form and i % 14 == 0
        submitted = arrested + timedelta(hours=30 if late else 5)
        rows.append([f"CU-{i + 1:05d}", arrested.strftime("%d/%m/%Y %H:%M"), "Yes" if force else "No",
                     f"UOF-{i + 1:05d}" if form else "", submitted.strftime("%d/%m/%Y %H:%M") if form else "",
                     "North" if i % 3 else "South"])
    return rows


@pytest.fixture
def uof_audit(workspace, tmp_path):
    path = write_csv(tmp_path / "arrests.csv", uof_rows(), UOF_HEADERS)
    with workspace.unit_of_work(ADMIN) as uow:
        audit = audits.create_audit(uow, "use-of-force", "Use of force", size=30, target=0.9)
        population.draw_sample(uow, audit.id, path, seed=9)
        fieldwork.evaluate_computed(uow, audit.id)
    return audit.id


def _answer(workspace, audit_id, screen=True):
    with workspace.unit_of_work(ADMIN) as uow:
        cases = fieldwork.list_cases(uow, audit_id, include_reserves=False)
        for case in cases:
            force = case.fields.get("force_used") == "Yes"
            if screen:
                fieldwork.record_response(uow, case.id, "force_indicated", "yes" if force else "no")
            for key in ("all_tactics_recorded", "injury_recorded"):
                fieldwork.record_response(uow, case.id, key, "yes" if force else "n/a")
            if not force:  # an auditor's stray answer where nothing applies: never counted
                fieldwork.record_response(uow, case.id, "form_in_time", "yes", comment="auditor override",
                                          override=True)
        return {c.ref: c.fields for c in cases}


def test_out_of_scope_cases_are_not_counted_compliant(workspace, uof_audit) -> None:
    fields = _answer(workspace, uof_audit)
    forced = {ref for ref, f in fields.items() if f.get("force_used") == "Yes"}
    with_form = {ref for ref in forced if fields[ref].get("uof_form_ref")}
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        score = scoring.score_audit(uow, uof_audit)
        assert score.headline is not None and score.measure is not None
    assert score.out_of_scope == 30 - len(forced) > 0
    assert score.complete == len(forced) and score.compliant == len(with_form)
    assert (score.headline.successes, score.headline.n) == (len(with_form), len(forced))
    assert all(c.status == "out of scope" for c in score.cases if c.ref not in forced)
    assert "force_indicated" not in {c.key for c in score.criteria}  # the screening question is not scored
    assert score.scope[0].key == "force_indicated" and score.scope[0].out_of_scope == 30 - len(forced)
    assert score.scope_text.startswith(f"{30 - len(forced)} of 30 cases out of scope")
    in_time = next(c for c in score.criteria if c.key == "form_in_time")
    assert in_time.applicable == len(with_form)  # only where a form exists, never the 30 or the forced count
    assert in_time.applies_if == "form_exists = yes"
    assert any("form_in_time" in c.set_aside for c in score.cases if c.ref not in forced) is False  # out of scope


def test_dependent_answers_where_the_parent_fails_are_set_aside(workspace, uof_audit) -> None:
    fields = _answer(workspace, uof_audit)
    no_form = [ref for ref, f in fields.items() if f.get("force_used") == "Yes" and not f.get("uof_form_ref")]
    with workspace.unit_of_work(ADMIN) as uow:
        for case in fieldwork.list_cases(uow, uof_audit, include_reserves=False):
            if case.ref in no_form:
                fieldwork.record_response(uow, case.id, "form_in_time", "yes", comment="auditor override",
                                          override=True)
        score = scoring.score_audit(uow, uof_audit)
        assert score.headline is not None and score.measure is not None
    flagged = [c for c in score.cases if "form_in_time" in c.set_aside]
    assert {c.ref for c in flagged} == set(no_form) and flagged


def test_screening_unanswered_makes_a_case_incomplete(workspace, uof_audit) -> None:
    _answer(workspace, uof_audit, screen=False)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        score = scoring.score_audit(uow, uof_audit)
        assert score.headline is not None and score.measure is not None
    assert score.complete == 0 and score.incomplete == 30
    assert all(c.missing == ("force_indicated",) for c in score.cases)
    assert score.rag is None and score.rag_reason.startswith("insufficient evidence")


def test_all_cases_out_of_scope_is_insufficient_evidence(workspace, uof_audit) -> None:
    with workspace.unit_of_work(ADMIN) as uow:
        for case in fieldwork.list_cases(uow, uof_audit, include_reserves=False):
            fieldwork.record_response(uow, case.id, "force_indicated", "no")
        score = scoring.score_audit(uow, uof_audit)
        assert score.headline is not None and score.measure is not None
    assert score.out_of_scope == 30 and score.estimate is None and score.rag is None
    assert score.rag_reason == ("insufficient evidence: no case in scope is complete yet, so there is nothing "
                                "to rate")


def test_baseline_compared_with_the_criterion_that_counts_the_same_thing(workspace, tmp_path) -> None:
    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    extract = write_csv(tmp_path / "incidents.csv", quick_rows(600))
    audit_id = drawn_attendance_audit(workspace, ADMIN, extract, finding_ids=[finding_id], target=0.75,
                                      baseline_figure_id=figure_id, baseline_measure="attended_within_target")
    answer_cases(workspace, ADMIN, audit_id, compliant=40)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        score = scoring.score_audit(uow, audit_id)
        assert score.headline is not None and score.measure is not None
        info = audits.get_audit(uow, audit_id)
    assert info.baseline_measure == "attended_within_target"
    assert (score.headline.successes, score.headline.n) == (40, 82)  # case compliance: all critical criteria
    assert (score.measure.successes, score.measure.n) == (82, 82)  # attendance alone, as the inspection counted
    assert score.comparison.startswith("'Was the incident attended within the force's target for its grade and "
                                       "area?' (82 of 82) against the inspection's 49 of 82: improved")
    # the headline is case compliance (40 of 82), so the reason names the figure it rated
    assert score.rag == "green" and score.rag_reason.startswith(
        "rated on 'Was the incident attended within the force's target for its grade and area?' (82 of 82), the "
        "measure compared with the inspection: the lower 95 % bound")
    assert [(p.round, p.compliant, p.n) for p in score.trend] == [(1, 82, 82)]


def test_a_baseline_mapped_to_another_audits_criterion_is_refused(workspace) -> None:
    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    with workspace.unit_of_work(ADMIN) as uow, pytest.raises(InputError) as err:
        audits.create_audit(uow, "response-attendance", "A", size=10, baseline_figure_id=figure_id,
                            baseline_measure="form_exists")
    assert "not a criterion of this audit's template 'response-attendance'" in str(err.value)
    assert "use-of-force" in str(err.value)
    with workspace.unit_of_work(ADMIN) as uow, pytest.raises(InputError, match="not a scored"):
        audits.create_audit(uow, "use-of-force", "B", size=10, baseline_figure_id=figure_id,
                            baseline_measure="force_indicated")


def test_a_sample_that_meets_its_plan_meets_its_target(workspace, tmp_path) -> None:
    extract = write_csv(tmp_path / "incidents.csv", quick_rows(600))
    with workspace.unit_of_work(ADMIN) as uow:
        audit = audits.create_audit(uow, "response-attendance", "Sized", confidence=0.95, tolerable=0.05,
                                    expected=0.0, target=0.95)
        population.draw_sample(uow, audit.id, extract, seed=4)
        fieldwork.evaluate_computed(uow, audit.id)
        size = audits.get_audit(uow, audit.id).plan["drawn_size"]
    answer_cases(workspace, ADMIN, audit.id, compliant=size)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        score = scoring.score_audit(uow, audit.id)
        assert score.headline is not None and score.measure is not None
    assert score.compliant == size and score.rag == "green"  # the Wilson bound alone would rate it amber
    assert "the plan allows 0 deviations in" in score.plan_text and "above 95 %" in score.plan_text
    answer_cases(workspace, ADMIN, audit.id, compliant=size - 1)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert scoring.score_audit(uow, audit.id).rag == "amber"


def test_a_census_says_so(workspace, tmp_path) -> None:
    extract = write_csv(tmp_path / "incidents.csv", quick_rows(40))
    audit_id = drawn_attendance_audit(workspace, ADMIN, extract, size=40, target=0.9, reserve=0)
    answer_cases(workspace, ADMIN, audit_id, compliant=37)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        score = scoring.score_audit(uow, audit_id)
        assert score.headline is not None and score.measure is not None
    bounds = score.measure.bounds
    assert bounds is not None and bounds.census and bounds.lower == pytest.approx(37 / 40)
    assert score.rag == "green" and "a census" in score.rag_reason and "a census" in score.plan_text


def test_pack_data_labels_what_each_figure_counts(workspace, tmp_path) -> None:
    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    extract = write_csv(tmp_path / "incidents.csv", quick_rows(600))
    drawn_attendance_audit(workspace, ADMIN, extract, finding_ids=[finding_id], target=0.75,
                           baseline_figure_id=figure_id, baseline_measure="attended_within_target")
    arrests = write_csv(tmp_path / "arrests.csv", uof_rows(), UOF_HEADERS)
    with workspace.unit_of_work(ADMIN) as uow:
        uof = audits.create_audit(uow, "use-of-force", "Use of force", [finding_id], size=30, target=0.9)
        population.draw_sample(uow, uof.id, arrests, seed=9)
        fieldwork.evaluate_computed(uow, uof.id)
    first = next(a for a in _all_audits(workspace) if a != uof.id)
    answer_cases(workspace, ADMIN, first, compliant=40)
    fields = _answer(workspace, uof.id)
    forced = sum(1 for f in fields.values() if f.get("force_used") == "Yes")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        attendance, force = scoring.audit_results_for_pack(uow, finding_id)
    assert attendance.compliance.successes == 40 and attendance.compliance_label.startswith("Cases compliant")
    assert (attendance.measure.successes, attendance.measure.n) == (82, 82)
    assert attendance.measure_label.startswith("Was the incident attended")
    assert "within the required" in attendance.baseline_measures
    assert attendance.trend_label.startswith("Rate of 'Was the incident attended")
    assert force.compliance.n == forced and force.scope_text.startswith(f"{30 - forced} of 30 cases out of scope")
    assert not force.weighted and "weighted" not in force.compliance_label
    row = next(c for c in force.criteria if c.key == "form_in_time")
    assert row.applies_if.startswith("counted only where the answer to 'Where force was used, is there a use-of-force")


def _all_audits(workspace):
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        return [a.id for a in audits.list_audits(uow)]


def test_a_colour_given_before_the_fieldwork_is_finished_is_provisional(workspace, tmp_path) -> None:
    """The attendance criterion is computed at the draw, so the round can be rated on it before any
    case is complete; the rating says it may change, and readiness does not count it as met."""
    from workbench.services import readiness

    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    extract = write_csv(tmp_path / "incidents.csv", quick_rows(600))
    audit_id = drawn_attendance_audit(workspace, ADMIN, extract, finding_ids=[finding_id], target=0.75,
                                      baseline_figure_id=figure_id, baseline_measure="attended_within_target")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        score = scoring.score_audit(uow, audit_id)
        ready = readiness.assess_readiness(uow, finding_id)
    assert score.complete == 0 and score.incomplete == 82 and score.rag == "green" and score.provisional
    assert score.rag_reason.startswith("provisional: 82 of the 82 cases in scope are not complete yet")
    audit_reasons = [r for r in ready.reasons if "round 1" in r]
    assert audit_reasons and ready.rating != "ready", ready
    answer_cases(workspace, ADMIN, audit_id, compliant=82)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        done = scoring.score_audit(uow, audit_id)
    assert done.rag == "green" and not done.provisional and not done.rag_reason.startswith("provisional")


def test_a_case_not_yet_screened_does_not_count_for_a_criterion(workspace, tmp_path) -> None:
    """Whether a case is in scope is known only once its screening question is answered: until then its
    computed answers count for no measure (they may belong to a case out of scope)."""
    path = write_csv(tmp_path / "arrests.csv", uof_rows(), UOF_HEADERS)
    _, figure_id = attendance_finding(workspace, ADMIN)  # any key figure: what it is compared with
    with workspace.unit_of_work(ADMIN) as uow:
        audit = audits.create_audit(uow, "use-of-force", "Use of force", size=30, target=0.9,
                                    baseline_figure_id=figure_id, baseline_measure="form_exists")
        population.draw_sample(uow, audit.id, path, seed=9)
        fieldwork.evaluate_computed(uow, audit.id)
        score = scoring.score_audit(uow, audit.id)
    assert score.measure is not None and score.measure.key == "form_exists"
    assert score.measure.n == 0 and score.rag is None  # computed for all 30, but none screened yet
    fields = _answer(workspace, audit.id)
    forced = sum(1 for f in fields.values() if f.get("force_used") == "Yes")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        measure = scoring.score_audit(uow, audit.id).measure
    assert measure is not None and measure.n == forced  # the screened cases in scope, and only those
