"""Planning, drawing and evaluating in one unit of work (the audit wizard's services); computed
criteria kept fresh on replacement and when their inputs change."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN
from tests.services.audit_population import attendance_finding, incident_rows, write_csv
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
