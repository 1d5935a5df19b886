"""Leaving invalid or chosen rows out of the population with a recorded reason; plausibility checks;
the mapping suggested from contents. Enforced at the service (a reason is required, nothing half-written)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN
from tests.services.audit_population import incident_rows, write_csv
from workbench.errors import InputError
from workbench.importers.population import PopulationError, scan_population
from workbench.importers.population_suggest import suggest_columns
from workbench.services import audits, population
from workbench.services.population import DrawRefusedError
from workbench.services.population_exclusions import Exclusions, methodology_text, parse_exclusions_file
from workbench.store.models import Audit, ChangeLogEntry, SampledCase
from workbench.templates import builtin_templates

TEMPLATE = next(t for t in builtin_templates() if t.key == "response-attendance")


def _plan(ws, **kw) -> int:
    with ws.unit_of_work(ADMIN) as uow:
        return audits.create_audit(uow, "response-attendance", "Attendance", size=20, **kw).id


def test_arrival_before_the_call_is_flagged_by_row_and_column(tmp_path) -> None:
    rows = incident_rows(50)
    rows[4][1] = "14/03/2024 10:00"
    rows[4][2] = "14/03/2024 10:02"
    rows[4][3] = "14/03/2024 09:40"
    path = write_csv(tmp_path / "x.csv", rows)
    scan = scan_population(path, TEMPLATE, suggest_columns(path, TEMPLATE).mapping)
    assert not scan.ok
    flagged = [p for p in scan.problems if p.row == 6]
    assert {p.column for p in flagged} == {"Arrived"}
    assert {p.message for p in flagged} == {"is before Call received (column 'Call Date Time'); check the recorded times",
                                            "is before First resource dispatched (column 'Dispatched'); check the "
                                            "recorded times"}


def test_invalid_rows_are_left_out_only_with_a_reason_and_the_reason_is_recorded(workspace, tmp_path) -> None:
    rows = incident_rows(300)
    rows[3][3] = "31/02/2024 10:00"  # row 5
    rows[6][1] = ""  # row 8
    rows[9][1], rows[9][2], rows[9][3] = "14/03/2024 10:00", "14/03/2024 10:01", "14/03/2024 09:00"  # row 11
    rows[12][0] = rows[11][0]  # row 14 repeats row 13
    path = write_csv(tmp_path / "bad.csv", rows)
    audit_id = _plan(workspace)
    with pytest.raises(DrawRefusedError):
        with workspace.unit_of_work(ADMIN) as uow:
            population.draw_sample(uow, audit_id, path, seed=3)
    with pytest.raises(InputError, match="needs a reason"):
        with workspace.unit_of_work(ADMIN) as uow:
            population.draw_sample(uow, audit_id, path, seed=3, exclusions=Exclusions("  ", True))
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalar(select(SampledCase.id).where(SampledCase.audit_id == audit_id)) is None
        scan = population.preview_population(uow, audit_id, path, exclusions=Exclusions("bad CAD times", True))
    assert scan.ok and scan.excluded_rows == (5, 8, 11, 14) and scan.problem_total == 5
    assert scan.rows == 297 and scan.cases == 296  # the repeat is read (and fingerprinted), never sampled

    with workspace.unit_of_work(ADMIN) as uow:
        result = population.draw_sample(uow, audit_id, path, seed=3,
                                        exclusions=Exclusions("bad CAD times", True, {20: "test incident"}))
    assert result.population_cases == 295
    bad_refs = {rows[i][0] for i in (3, 6, 9, 18)}
    assert not bad_refs & set(result.selected + result.reserves)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        audit = uow.session.get(Audit, audit_id)
        plan = dict(audit.plan)
        logged = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.action == "draw")).one().after
    saved = plan["exclusions"]
    assert saved["reason"] == "bad CAD times" and saved["invalid_rows"] == 4 and saved["rows"] == {"20": "test incident"}
    assert logged["exclusions"]["reason"] == "bad CAD times" and logged["exclusions"]["invalid_rows"] == 4
    text = methodology_text(plan)
    assert text == ("Left out of the population before the draw: 4 rows that failed the validation checks "
                    "(bad CAD times); row 20 (test incident).")

    with workspace.unit_of_work(ADMIN, write=False) as uow:
        same, why = population.verify_draw(uow, audit_id, write_csv(tmp_path / "again.csv", rows))
    assert same, why


def test_an_extract_with_only_bad_rows_says_so_and_draws_nothing(workspace, tmp_path) -> None:
    rows = incident_rows(5)
    for row in rows:
        row[1] = "not a time"
    path = write_csv(tmp_path / "all-bad.csv", rows)
    audit_id = _plan(workspace)
    with pytest.raises(PopulationError, match="every data row fails a check"):
        with workspace.unit_of_work(ADMIN) as uow:
            population.draw_sample(uow, audit_id, path, exclusions=Exclusions("unreadable", True))
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.get(Audit, audit_id).status == "planned"


def test_an_unmapped_required_field_is_not_cured_by_excluding_rows(workspace, tmp_path) -> None:
    path = write_csv(tmp_path / "x.csv", incident_rows(50))
    audit_id = _plan(workspace)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        scan = population.preview_population(uow, audit_id, path, {"call_time": None},
                                             exclusions=Exclusions("anything", True))
    assert not scan.ok and scan.blocking == 1


def test_exclusions_file_needs_a_row_and_a_reason() -> None:
    assert parse_exclusions_file("row,reason\n14,test incident\n20, duplicate, of 19\n") == {
        14: "test incident", 20: "duplicate, of 19"}
    with pytest.raises(InputError, match="line 2: row 14 has no reason"):
        parse_exclusions_file("row,reason\n14\n")
    with pytest.raises(InputError, match="not a row number"):
        parse_exclusions_file("14,a\nx,b\n")
    with pytest.raises(InputError, match="header is row 1"):
        Exclusions("", False, {1: "header"}).checked()


def test_call_and_arrival_columns_are_mapped_from_their_contents(tmp_path) -> None:
    headers = ["Incident Number", "Log Opened", "T2", "First Unit On Scene", "Opening Grade", "Cat", "U", "District"]
    path = write_csv(tmp_path / "odd.csv", incident_rows(100), headers)
    suggestion = suggest_columns(path, TEMPLATE)
    assert suggestion.mapping["arrival_time"] == "First Unit On Scene"
    assert suggestion.mapping["call_time"] in ("Log Opened",)
    assert suggestion.mapping["dispatch_time"] == "T2"
    assert suggestion.mapping["area"] == "U" and suggestion.mapping["final_grade"] == "Cat"
    assert "contents" in suggestion.reasons["arrival_time"]
    assert suggestion.samples["U"][0] in ("Urban", "Rural")
