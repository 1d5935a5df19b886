"""Fieldwork: canonical answers, computed criteria and the clock setting, reserves, second review."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.audit_population import drawn_attendance_audit, incident_rows, quick_rows, write_csv
from workbench.errors import WorkbenchError
from workbench.services import audits, fieldwork, population, settings, users
from workbench.services.fieldwork import FieldworkError, canonical_answer
from workbench.store.models import Response, SampledCase
from workbench.templates import Criterion


@pytest.mark.parametrize("answer, value, stored", [
    ("yes_no_na", "Yes", "yes"), ("yes_no_na", " N ", "no"), ("yes_no_na", "N/A", "n/a"),
    ("yes_no_na", "not applicable", "n/a"), ("yes_no_na", True, "yes"), ("number", "1,234.50", "1234.5"),
    ("number", 12, "12"), ("number", "7.0", "7"), ("datetime", "05/03/2024 14:30", "2024-03-05T14:30:00"),
    ("datetime", "2024-03-05", "2024-03-05"), ("text", "  seen on BWV  ", "seen on BWV"),
])
def test_canonical_answers(answer, value, stored) -> None:
    assert canonical_answer(Criterion("k", "q?", answer), value) == stored


@pytest.mark.parametrize("answer, value, match", [
    ("yes_no_na", "maybe", "yes / no / not applicable"), ("number", "twelve", "not a number"),
    ("datetime", "31/02/2024 10:00", "not a real date"), ("number", "nan", "not a number"),
])
def test_bad_answers_are_refused(answer, value, match) -> None:
    with pytest.raises(FieldworkError, match=match):
        canonical_answer(Criterion("k", "q?", answer), value)
    choice = Criterion("grade", "q?", "choice", choices=("Standard", "Medium", "High"))
    assert canonical_answer(choice, " high ") == "High"
    with pytest.raises(FieldworkError, match="choose one of: Standard, Medium, High"):
        canonical_answer(choice, "severe")


def _clock_csv(path: Path) -> Path:
    rows = [
        ["INC-1", "01/10/2024 10:00", "01/10/2024 10:10", "01/10/2024 10:22", "Emergency", "Emergency", "Urban", "Norwich"],
        ["INC-2", "01/10/2024 10:00", "01/10/2024 10:02", "01/10/2024 10:19", "Emergency", "Emergency", "Rural", "Norwich"],
        ["INC-3", "01/10/2024 23:30", "02/10/2024 00:20", "02/10/2024 00:45", "Priority", "Priority", "Urban", "Norwich"],
        ["INC-4", "01/10/2024 09:00", "", "", "Emergency", "Emergency", "Urban", "Norwich"],
    ]
    return write_csv(path, rows)


def test_computed_attendance_follows_the_clock_setting(workspace, tmp_path) -> None:
    audit_id = drawn_attendance_audit(workspace, ADMIN, _clock_csv(tmp_path / "clock.csv"), size=4)

    def answers():
        with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
            cases = {c.id: c.ref for c in fieldwork.list_cases(uow, audit_id)}
            got = fieldwork.case_answers(uow, audit_id)
        return {cases[cid]: a["attended_within_target"] for cid, a in got.items()}

    by_call = answers()
    assert {ref: a.value for ref, a in by_call.items()} == {"INC-1": "no", "INC-2": "yes", "INC-3": "no",
                                                            "INC-4": "n/a"}
    assert by_call["INC-1"].computed and by_call["INC-1"].working == (
        "Call 10:00 to arrival 10:22 = 22 min; target for emergency/urban is 15 min; not met")
    assert by_call["INC-3"].working.startswith("Call 01/10/2024 23:30 to arrival 02/10/2024 00:45 = 75 min")
    assert by_call["INC-4"].working == "no arrival time recorded (arrival_time)"
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, clock_start="dispatch")  # answered again at once
        summary = fieldwork.evaluate_computed(uow, audit_id)
    assert (summary.evaluated, summary.changed, summary.yes, summary.no, summary.not_applicable) == (4, 0, 3, 0, 1)
    by_dispatch = answers()
    assert by_dispatch["INC-1"].value == "yes" and by_dispatch["INC-1"].working == (
        "Dispatch 10:10 to arrival 10:22 = 12 min; target for emergency/urban is 15 min; met")
    assert by_dispatch["INC-3"].value == "yes"  # dispatched 00:20, arrived 00:45: 25 min of 60
    assert by_dispatch["INC-4"].working == "no dispatch time recorded (dispatch_time)"


def test_computed_criteria_need_an_override_with_a_comment(workspace, tmp_path) -> None:
    audit_id = drawn_attendance_audit(workspace, ADMIN, _clock_csv(tmp_path / "clock.csv"), size=4)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        case = fieldwork.find_case(uow, audit_id, "INC-1")
        with pytest.raises(FieldworkError, match="INC-1 / criterion 'attended_within_target': this criterion is computed"):
            fieldwork.record_response(uow, case.id, "attended_within_target", "yes")
        with pytest.raises(FieldworkError, match="needs a comment"):
            fieldwork.record_response(uow, case.id, "attended_within_target", "yes", override=True)
        answer = fieldwork.record_response(uow, case.id, "attended_within_target", "yes", override=True,
                                           comment="log shows a unit on scene at 10:14; CAD arrival keyed late")
        assert answer is not None and not answer.computed and answer.value == "yes"
        assert answer.working.startswith("answered by hand, overriding the rule (was computed answer no: Call 10:00")
        summary = fieldwork.evaluate_computed(uow, audit_id)
        assert summary.overrides_kept == 1 and summary.evaluated == 3
        kept = fieldwork.case_answers(uow, audit_id)[case.id]["attended_within_target"]
        assert kept.value == "yes" and kept.comment.startswith("log shows")
        with pytest.raises(FieldworkError, match="no such criterion"):
            fieldwork.record_response(uow, case.id, "colour", "red")
        fieldwork.record_response(uow, case.id, "minutes_to_arrival", "14")
        assert fieldwork.record_response(uow, case.id, "minutes_to_arrival", "") is None  # cleared
        assert "minutes_to_arrival" not in fieldwork.case_answers(uow, audit_id)[case.id]


def test_optimistic_locking_on_answers(workspace, tmp_path) -> None:
    audit_id = drawn_attendance_audit(workspace, ADMIN, _clock_csv(tmp_path / "clock.csv"), size=4)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        case = fieldwork.find_case(uow, audit_id, "INC-2")
        first = fieldwork.record_response(uow, case.id, "thrive_recorded", "yes")
        assert first is not None
        fieldwork.record_response(uow, case.id, "thrive_recorded", "no", expected_version=first.version)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        with pytest.raises(WorkbenchError, match="changed by someone else"):
            fieldwork.record_response(uow, case.id, "thrive_recorded", "yes", expected_version=first.version)


def test_unusable_case_is_replaced_from_the_same_stratum(workspace, tmp_path) -> None:
    path = write_csv(tmp_path / "incidents.csv", quick_rows(300))
    audit_id = drawn_attendance_audit(workspace, ADMIN, path, size=30, reserve=3, method="stratified",
                                      stratify_by="district")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        cases = fieldwork.list_cases(uow, audit_id)
        reserves = {c.stratum: c.ref for c in cases if c.state == "reserve"}
        assert sorted(r or "" for r in reserves) == ["Breckland", "Broadland", "Norwich"]  # one reserve each
        norwich = [c for c in cases if c.stratum == "Norwich" and c.state == "active"]
        replacement = fieldwork.mark_unusable(uow, norwich[0].id, "incident log not found")
        assert (replacement.ref, replacement.stratum, replacement.state) == (reserves["Norwich"], "Norwich",
                                                                            "replacement")
        assert replacement.replaces_ref == norwich[0].ref
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        with pytest.raises(FieldworkError, match="no reserve case is left in stratum 'Norwich' to replace it; nothing was changed"):
            fieldwork.mark_unusable(uow, norwich[1].id, "duplicate of another incident")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        states = {c.ref: c.state for c in fieldwork.list_cases(uow, audit_id)}
        info = audits.get_audit(uow, audit_id)
    assert states[norwich[0].ref] == "unusable" and states[norwich[1].ref] == "active"
    assert (info.cases_active, info.cases_unusable, info.reserves_left) == (30, 1, 2)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        with pytest.raises(FieldworkError, match="the case is unusable"):
            fieldwork.record_response(uow, norwich[0].id, "thrive_recorded", "yes")


def test_second_review_is_four_eyes_and_agreement_is_reported(workspace, tmp_path) -> None:
    path = write_csv(tmp_path / "incidents.csv", quick_rows(300))
    audit_id = drawn_attendance_audit(workspace, ADMIN, path, size=10)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "bob.officer", "officer")
        cases = fieldwork.list_cases(uow, audit_id, include_reserves=False)
        for i, case in enumerate(cases):
            fieldwork.record_response(uow, case.id, "thrive_recorded", "yes" if i < 7 else "no")
        dip = fieldwork.second_review(uow, audit_id, [c.id for c in cases[:6]])
        assert [c.ref for c in dip] == [c.ref for c in cases[:6]]
        with pytest.raises(FieldworkError, match="you gave the primary answer"):
            fieldwork.record_response(uow, cases[0].id, "thrive_recorded", "yes", role="second")
    with workspace.unit_of_work("bob.officer") as uow:
        for i, case in enumerate(cases[:6]):
            fieldwork.record_response(uow, case.id, "thrive_recorded", "no" if i in (1, 4) else "yes", role="second")
        result = fieldwork.agreement(uow, audit_id)
    assert result.cases_reviewed == 6 and (result.pairs, result.agreed) == (6, 4)
    row = result.criteria[0]
    assert (row.key, row.pairs, row.agreed, row.rate) == ("thrive_recorded", 6, 4, 4 / 6)
    assert row.kappa == 0.0  # primary all "yes": chance agreement equals observed
    assert result.grades == ()
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        for role in ("primary", "second"):  # one case read alone is what the whole round gives for it
            whole = fieldwork.case_answers(uow, audit_id, role)
            assert all(fieldwork.answers_of_case(uow, c.id, role) == whole[c.id] for c in cases)
        assert fieldwork.answers_of_case(uow, cases[1].id, "second")["thrive_recorded"].value == "no"
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        fieldwork.mark_unusable(uow, cases[0].id, "log missing")
        assert fieldwork.answers_of_case(uow, cases[0].id) == {}  # set aside: not in the sample


DA_HEADERS = ["Occurrence Number", "Reported Date Time", "Risk Tool", "Risk Level", "DASH Ticks", "District"]


def test_da_grade_agreement_table_and_kappa(workspace, tmp_path) -> None:
    grades = ["Standard"] * 20 + ["Medium"] * 12 + ["High"] * 8
    path = tmp_path / "da.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(DA_HEADERS)
        for i, grade in enumerate(grades):
            w.writerow([f"DA-{i:04d}", f"{1 + i % 28:02d}/11/2024 1{i % 10}:15", "DASH", grade.lower(), i % 20,
                        "Norwich"])
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        audit = audits.create_audit(uow, "da-risk-assessment", "DA grading", size=40, reserve=0)
        population.draw_sample(uow, audit.id, path, seed=3)
        fieldwork.evaluate_computed(uow, audit.id)
        seen = {"Standard": 0, "Medium": 0, "High": 0}
        for case in fieldwork.list_cases(uow, audit.id):
            given = case.fields["risk_grade"]
            seen[given] += 1
            own = given
            if given == "Standard" and seen[given] <= 3:
                own = "Medium"  # under-graded by the officer
            elif given == "Medium" and seen[given] == 1:
                own = "High"
            elif given == "Medium" and seen[given] == 2:
                own = "Standard"  # over-graded
            fieldwork.record_response(uow, case.id, "auditor_grade", own.lower())
        result = fieldwork.agreement(uow, audit.id)
    (table,) = result.grades
    assert table.categories == ("Standard", "Medium", "High") and table.field_key == "risk_grade"
    assert table.matrix == ((17, 3, 0), (1, 10, 1), (0, 0, 8))
    assert (table.n, table.agreed, table.under_graded, table.over_graded, table.missing) == (40, 35, 4, 1, 0)
    po = 35 / 40
    pe = (20 * 18 + 12 * 13 + 8 * 9) / 40**2  # original margins 20/12/8, auditor margins 18/13/9
    assert table.kappa == pytest.approx((po - pe) / (1 - pe), abs=1e-12)
    assert table.kappa is not None and round(table.kappa, 4) == 0.8024
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        stored = uow.session.scalars(select(Response.value).join(SampledCase, SampledCase.id == Response.case_id)
                                     .where(Response.criterion_key == "auditor_grade")).all()
    assert set(stored) == {"Standard", "Medium", "High"}  # the template's labels, not what was typed


def test_incident_rows_are_uk_dated() -> None:
    assert incident_rows(1)[0][1][2] == "/"
