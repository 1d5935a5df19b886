"""Planning, drawing and evaluating in one unit of work (the audit wizard's services); computed
criteria kept fresh on replacement and when their inputs change."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN
from tests.services.audit_population import HEADERS, attendance_finding, incident_rows, write_csv
from workbench.errors import InputError
from workbench.services import audit_planning, fieldwork, fieldwork_flow, population, settings
from workbench.services.audit_planning import PlanSpec
from workbench.services.population_exclusions import Exclusions
from workbench.store.models import Audit, Response


def _spec(**kw) -> PlanSpec:
    kw.setdefault("title", "Attendance audit")
    return PlanSpec("response-attendance", size=kw.pop("size", 30), tolerable=None, confidence=None, expected=None,
                    **kw)


def test_check_extract_needs_no_audit_and_says_when_a_file_is_unusable(workspace, tmp_path) -> None:
    path = write_csv(tmp_path / "x.csv", incident_rows(80))
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        check = audit_planning.check_extract(uow, "response-attendance", path)
        assert check.scan is not None and check.scan.ok and check.scan.cases == 80
        assert check.suggestion is not None and check.suggestion.mapping["arrival_time"] == "Arrived"
        (tmp_path / "empty.csv").write_text("", encoding="utf-8")
        empty = audit_planning.check_extract(uow, "response-attendance", tmp_path / "empty.csv")
        assert empty.scan is None and "empty" in empty.error
        assert uow.session.scalar(select(func.count()).select_from(Audit)) == 0


def test_plan_and_draw_evaluates_and_writes_nothing_when_refused(workspace, tmp_path) -> None:
    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    rows = incident_rows(200)
    rows[4][1] = "nonsense"
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(population.DrawRefusedError):
        with workspace.unit_of_work(ADMIN) as uow:
            audit_planning.plan_and_draw(uow, _spec(finding_ids=(finding_id,)), path, seed=2)
    with pytest.raises(InputError, match="seed"):
        with workspace.unit_of_work(ADMIN) as uow:
            audit_planning.plan_and_draw(uow, _spec(), path, seed=-1)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Audit)) == 0
        choices = audit_planning.baseline_choices(uow, [finding_id])
    assert choices[0].figure_id == figure_id and choices[0].text.startswith("49 of 82")

    with workspace.unit_of_work(ADMIN) as uow:
        done = audit_planning.plan_and_draw(uow, _spec(finding_ids=(finding_id,), baseline_figure_id=figure_id),
                                            path, seed=2, exclusions=Exclusions("unreadable call time", True))
    assert done.audit.cases_sampled == 30 and done.evaluation.evaluated == 30
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        computed = uow.session.scalar(select(func.count()).select_from(Response).where(Response.computed.is_(True)))
        assert computed == 30
        spec = audit_planning.next_round(uow, done.audit.id)
    assert spec.series == done.audit.series and spec.finding_ids == (finding_id,) and spec.size == 30
    assert spec.baseline_figure_id == figure_id and spec.mapping["call_time"] == "Call Date Time"
    with workspace.unit_of_work(ADMIN) as uow:
        second = audit_planning.plan_and_draw(uow, spec, path, seed=3, exclusions=Exclusions("unreadable", True))
    assert second.audit.round == 2 and second.audit.series == done.audit.series


def test_a_replacement_is_evaluated_and_a_settings_change_answers_again(workspace, tmp_path) -> None:
    path = write_csv(tmp_path / "x.csv", incident_rows(200))
    with workspace.unit_of_work(ADMIN) as uow:
        audit_id = audit_planning.plan_and_draw(uow, _spec(size=10, reserve=3), path, seed=9).audit.id
    with workspace.unit_of_work(ADMIN) as uow:
        first = fieldwork.list_cases(uow, audit_id)[0]
        swap = fieldwork_flow.replace_unusable(uow, first.id, "log not found", first.version)
    assert swap.evaluation.cases == 1 and swap.evaluation.evaluated == 1
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        answers = fieldwork.case_answers(uow, audit_id)[swap.replacement.id]
        assert answers["attended_within_target"].computed
        assert fieldwork_flow.stale_computed(uow, audit_id) == 0
    with workspace.unit_of_work(ADMIN) as uow:
        settings.update_force_settings(uow, clock_start="dispatch")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert fieldwork_flow.stale_computed(uow, audit_id) == 0
        now = fieldwork_flow.computed_now(uow, swap.replacement.id)["attended_within_target"]
        stored = fieldwork.case_answers(uow, audit_id)[swap.replacement.id]["attended_within_target"]
    assert now.working.startswith("Dispatch") and stored.working == now.working
    with workspace.unit_of_work(ADMIN) as uow:
        assert fieldwork_flow.refresh_computed(uow, audit_id) is None


# -- the wizard's reviewer findings: drawing a planned audit, the baseline measure, one seed rule ----
def test_an_audit_planned_earlier_is_drawn_from_its_own_plan_not_as_a_new_one(workspace, tmp_path) -> None:
    from workbench.services import audits
    from workbench.services.population_exclusions import methodology_text

    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    path = write_csv(tmp_path / "x.csv", incident_rows(200))
    with workspace.unit_of_work(ADMIN) as uow:  # as `workbench audit new` plans it
        planned = audits.create_audit(uow, "response-attendance", "From the plan", [finding_id], size=25,
                                      baseline_figure_id=figure_id, baseline_measure="attended_within_target")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        spec = audit_planning.plan_of(uow, planned.id)
    assert (spec.size, spec.finding_ids, spec.baseline_figure_id) == (25, (finding_id,), figure_id)
    assert spec.baseline_measure == "attended_within_target"
    with pytest.raises(InputError, match="between 1 and 9,007,199,254,740,991"):
        with workspace.unit_of_work(ADMIN) as uow:
            audit_planning.draw_planned(uow, planned.id, path, seed=0)
    with pytest.raises(InputError, match="row 7 is excluded without a reason"):
        with workspace.unit_of_work(ADMIN) as uow:
            audit_planning.draw_planned(uow, planned.id, path, seed=4, exclusions=Exclusions("", False, {7: ""}))
    with workspace.unit_of_work(ADMIN) as uow:
        done = audit_planning.draw_planned(uow, planned.id, path, seed=4,
                                           exclusions=Exclusions("", False, {7: "test incident"}))
    assert done.audit.id == planned.id and done.audit.cases_sampled == 25 and done.evaluation.evaluated == 25
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Audit)) == 1  # no new audit
        audit = uow.session.get(Audit, planned.id)
        assert audit.seed == 4 and audit.plan["exclusions"]["rows"] == {"7": "test incident"}  # as the CLI records it
        assert methodology_text(audit.plan) == "Left out of the population before the draw: row 7 (test incident)."
        computed = uow.session.scalar(select(func.count()).select_from(Response).where(Response.computed.is_(True)))
    assert computed == 25
    with pytest.raises(InputError, match="drawn already"):
        with workspace.unit_of_work(ADMIN) as uow:
            audit_planning.draw_planned(uow, planned.id, path, seed=5)


def test_a_planned_round_starts_from_the_mapping_of_its_series(workspace, tmp_path) -> None:
    from workbench.services import audits

    path = write_csv(tmp_path / "x.csv", incident_rows(200))
    with workspace.unit_of_work(ADMIN) as uow:
        first = audit_planning.plan_and_draw(uow, _spec(size=10), path, seed=9).audit
        second = audits.create_audit(uow, "response-attendance", "Round two", series=first.series, size=10)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        spec = audit_planning.plan_of(uow, second.id)
        words = audit_planning.round_words(uow, second.id, drawing=True)
        next_words = audit_planning.round_words(uow, first.id)
    assert spec.mapping["call_time"] == "Call Date Time" and spec.series == first.series
    assert words.startswith("Round 2 of “Round two”") and "series-" not in words
    assert next_words.startswith("Round 3 of “Round two” (after round 2, not drawn yet)")


def test_the_baseline_measure_is_planned_and_inherited(workspace, tmp_path) -> None:
    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    path = write_csv(tmp_path / "x.csv", incident_rows(200))
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        measures = audit_planning.baseline_measures(uow, "response-attendance")
    keys = [m.key for m in measures]
    assert keys[0] == audit_planning.CASE_COMPLIANCE and "attended_within_target" in keys
    assert "minutes_to_arrival" not in keys  # a number is not a rate
    assert "every critical criterion" in measures[0].words
    attended = measures[keys.index("attended_within_target")]
    assert "answered yes" in attended.words and "attended within" in attended.label
    with workspace.unit_of_work(ADMIN) as uow:
        done = audit_planning.plan_and_draw(uow, _spec(finding_ids=(finding_id,), baseline_figure_id=figure_id,
                                                       baseline_measure="attended_within_target"), path, seed=2)
    assert done.audit.baseline_measure == "attended_within_target"
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        spec = audit_planning.next_round(uow, done.audit.id)
    assert spec.baseline_measure == "attended_within_target"
    with workspace.unit_of_work(ADMIN) as uow:
        again = audit_planning.plan_and_draw(uow, spec, path, seed=3)
        back = audit_planning.plan_and_draw(uow, replace(spec, baseline_measure=audit_planning.CASE_COMPLIANCE),
                                            path, seed=4)
    assert again.audit.baseline_measure == "attended_within_target"
    assert back.audit.baseline_measure is None  # a round may go back to the case compliance


def test_one_seed_rule_for_the_page_and_the_draw(workspace, tmp_path) -> None:
    rule = audit_planning.SEED_RULE
    assert rule == "a seed is a whole number between 1 and 9,007,199,254,740,991"
    assert audit_planning.seed_problem("") == "" and audit_planning.parse_seed(" ") is None
    assert audit_planning.parse_seed("20,250,114") == 20250114
    for text in ("²", "12²", "١٢", "twelve", "-3", "1.5"):
        assert audit_planning.seed_problem(text) == f"“{text}” is not a whole number: {rule}, such as 20250114."
        with pytest.raises(InputError, match="is not a whole number"):
            audit_planning.parse_seed(text)
    assert audit_planning.seed_problem("0") == f"0 is out of range: {rule}."
    assert audit_planning.seed_problem("9007199254740992") == f"9,007,199,254,740,992 is out of range: {rule}."
    assert audit_planning.seed_problem("9007199254740991") == ""
    for bad in (0, 2**53, True):
        with pytest.raises(InputError, match=rule if bad is not True else "not a whole number"):
            audit_planning.check_seed(bad)
    path = write_csv(tmp_path / "x.csv", incident_rows(60))
    with pytest.raises(InputError, match=rule):
        with workspace.unit_of_work(ADMIN) as uow:
            audit_planning.plan_and_draw(uow, _spec(), path, seed=0)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Audit)) == 0


def test_row_numbers_and_an_exclusions_file_read_as_the_command_line_reads_them(tmp_path) -> None:
    assert audit_planning.parse_row_numbers("14, 27-29 31") == [14, 27, 28, 29, 31]
    for bad in ("x", "30-27", ""):
        with pytest.raises(InputError):
            audit_planning.parse_row_numbers(bad)
    (tmp_path / "rows.csv").write_text("row,reason\n14,test incident\n20,duplicate, of 19\n", encoding="utf-8")
    assert audit_planning.read_exclusions_file(tmp_path / "rows.csv") == {14: "test incident", 20: "duplicate, of 19"}
    (tmp_path / "bad.csv").write_text("14\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.csv line 1: row 14 has no reason"):
        audit_planning.read_exclusions_file(tmp_path / "bad.csv")


def test_a_recheck_keeps_the_reasons_of_columns_the_user_did_not_change(tmp_path) -> None:
    from workbench.importers.population_suggest import suggest_columns
    from workbench.templates import builtin_templates

    template = next(t for t in builtin_templates() if t.key == "response-attendance")
    headers = ["Incident Number", "Log Opened", "T2", "First Unit On Scene", "Opening Grade", "Cat", "U", "District"]
    path = write_csv(tmp_path / "odd.csv", incident_rows(100), headers)
    first = suggest_columns(path, template)
    again = suggest_columns(path, template, first.mapping)  # the mapping as shown, checked again
    assert again.mapping == first.mapping and again.reasons == first.reasons
    assert "chosen" not in again.reasons.values() and "contents" in again.reasons["arrival_time"]
    changed = suggest_columns(path, template, {**first.mapping, "district": "U", "area": None})
    assert changed.reasons["district"] == "chosen" and changed.reasons["area"] == "left unmapped"
    assert changed.reasons["arrival_time"] == first.reasons["arrival_time"]


def test_strata_are_offered_from_choices_and_few_distinct_values(workspace, tmp_path) -> None:
    rows = [r + [f"caller said it was resolved at {i}"] for i, r in enumerate(incident_rows(100))]
    path = write_csv(tmp_path / "x.csv", rows, [*HEADERS, "Downgrade Rationale"])
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        check = audit_planning.check_extract(uow, "response-attendance", path)
        template = audit_planning.get_template(uow, audit_planning.template_row(uow, "response-attendance").id)
    assert check.suggestion is not None and check.suggestion.mapping["downgrade_reason"] == "Downgrade Rationale"
    offered = {f.key: f.why for f in audit_planning.strata_fields(template, check)}
    assert "downgrade_reason" not in offered  # free text: a stratum per case
    assert offered["district"] == "3 distinct values in the first rows"
    assert offered["initial_grade"] == "its choices" and "incident_ref" not in offered


def test_an_unmapped_input_of_a_computed_criterion_is_named_by_its_label(workspace, tmp_path) -> None:
    rows = [[r[0], r[1], r[2], r[4], r[5], r[6], r[7]] for r in incident_rows(40)]
    path = write_csv(tmp_path / "x.csv", rows, [h for h in HEADERS if h != "Arrived"])
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        check = audit_planning.check_extract(uow, "response-attendance", path)
    assert check.scan is not None
    note = next(w for w in check.scan.warnings if "cannot be worked out" in w)
    assert "“First resource arrived” is not mapped to a column" in note
    assert "Was the incident attended within" in note
    assert "arrival_time" not in note and "attended_within_target" not in note
