"""Sizing and drawing the sample from a population extract; verifying a redraw; refusals."""

from __future__ import annotations

from typing import Any, cast

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.audit_population import HEADERS, incident_rows, incidents_csv, write_csv
from workbench.errors import WorkbenchError
from workbench.importers.population import PopulationError
from workbench.services import audits, fieldwork, population
from workbench.services.population import DrawRefusedError
from workbench.stats import attribute_sample_size
from workbench.store.models import Audit, ChangeLogEntry, SampledCase


def _plan(ws, **kw) -> int:
    kw.setdefault("title", "Attendance")
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        return audits.create_audit(uow, "response-attendance", kw.pop("title"), **kw).id


def _draw(ws, audit_id, path, **kw):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        return population.draw_sample(uow, audit_id, path, **kw)


def _nothing_drawn(ws, audit_id) -> None:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(SampledCase).where(SampledCase.audit_id == audit_id)) == 0
        audit = s.get(Audit, audit_id)
        assert audit.seed is None and audit.population_fingerprint == "" and audit.status == "planned"
        assert s.scalar(select(func.count()).select_from(ChangeLogEntry).where(ChangeLogEntry.action == "draw")) == 0


def test_draw_ignores_row_order_and_depends_on_the_seed(workspace, tmp_path) -> None:
    plain = incidents_csv(tmp_path / "plain.csv")
    shuffled = incidents_csv(tmp_path / "shuffled.csv", shuffle=99)
    assert plain.read_text() != shuffled.read_text()
    plan = dict(method="stratified", stratify_by="district", tolerable=0.05, expected=0.01)
    first, second, third = _plan(workspace, **plan), _plan(workspace, **plan), _plan(workspace, **plan)
    a = _draw(workspace, first, plain, seed=20240923)
    b = _draw(workspace, second, shuffled, seed=20240923)
    c = _draw(workspace, third, plain, seed=20240924)
    assert a.size == attribute_sample_size(0.95, 0.05, 0.01, 3000) == b.size
    assert a.sizing_text.endswith(f"population 3,000 → {a.size} cases, allowing 1 deviation")
    assert a.fingerprint == b.fingerprint and a.selected == b.selected and a.reserves == b.reserves
    assert set(c.selected) != set(a.selected)
    assert {k: v["population"] for k, v in a.strata.items()} == {"Breckland": 1200, "Broadland": 900, "Norwich": 900}
    assert sum(v["sample"] for v in a.strata.values()) == a.size
    assert a.reserve == max(5, -(-a.size // 10))
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        info = audits.get_audit(uow, first)
        cases = fieldwork.list_cases(uow, first)
    assert (info.status, info.seed, info.population_size, info.cases_sampled) == ("drawn", 20240923, 3000, a.size)
    assert [c.ref for c in cases if not c.reserve] == list(a.selected)
    assert cases[0].fields["call_time"].count("T") == 1 and cases[0].fields["district"] == cases[0].stratum


def test_verify_draw_true_on_the_same_rows_false_on_an_edited_extract(workspace, tmp_path) -> None:
    plain = incidents_csv(tmp_path / "plain.csv")
    audit_id = _plan(workspace, size=40, method="systematic")
    _draw(workspace, audit_id, plain, seed=77)
    rows = incident_rows()
    rows[1234][3] = "01/01/2025 00:00"  # one arrival time changed
    edited = write_csv(tmp_path / "edited.csv", rows)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        same, why = population.verify_draw(uow, audit_id, plain)
        assert same and "redraws the same 40 cases" in why
        assert why.startswith("the same rows in the mapped columns") and "it is the very file" in why
        same, why = population.verify_draw(uow, audit_id, incidents_csv(tmp_path / "shuffled.csv", shuffle=3))
        assert same and "it is not the same file as plain.csv" in why  # same rows, another file
        same, why = population.verify_draw(uow, audit_id, edited)
        assert not same and "does not hold the rows the sample was drawn from" in why
        fewer = write_csv(tmp_path / "fewer.csv", incident_rows()[:2900])
        same, why = population.verify_draw(uow, audit_id, fewer)
        assert not same and "2,900 cases now, 3,000 then" in why and "selects a different sample" in why


def test_audits_drawn_under_the_earlier_fingerprint_stay_verifiable(workspace, tmp_path) -> None:
    from workbench.importers.population import scan_population
    from workbench.services.templates import get_template
    from workbench.store.models import Audit

    plain = incidents_csv(tmp_path / "plain.csv")
    audit_id = _plan(workspace, size=40)
    _draw(workspace, audit_id, plain, seed=77)
    with workspace.unit_of_work(ADMIN) as uow:
        audit = uow.session.get(Audit, audit_id)
        assert audit.fingerprint_scheme == "population-v2" and len(audit.population_file_sha256) == 64
        scan = scan_population(plain, get_template(uow, audit.template_id), audit.column_mapping)
        assert scan.fingerprint != scan.fingerprint_v1
        # as an audit recorded before the change: the v1 fingerprint, no file hash
        audit.population_fingerprint, audit.fingerprint_scheme = scan.fingerprint_v1, "population-v1"
        audit.population_file_sha256 = ""
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        same, why = population.verify_draw(uow, audit_id, plain)
    assert same and "scheme population-v1" in why and "was not recorded" in why


def test_fingerprint_is_sha256_over_sorted_row_hashes(tmp_path) -> None:
    """Recomputed from docs/sampling.md's definition with hashlib only."""
    import hashlib

    from tests.services.audit_population import HEADERS
    from workbench.importers.population import scan_population, suggest_mapping
    from workbench.templates import builtin_templates

    rows = [["INC-1", "01/03/2025 10:00", "01/03/2025 10:02", "01/03/2025 10:12", "Emergency", "Emergency",
             "urban", " Norwich "],
            ["INC-2", "02/03/2025 11:30", "02/03/2025 11:31", "02/03/2025 12:10", "Priority", "Priority", "Rural",
             "Breckland"]]
    path = write_csv(tmp_path / "two.csv", rows)
    template = next(t for t in builtin_templates() if t.key == "response-attendance")
    mapping = suggest_mapping(HEADERS, template)
    scan = scan_population(path, template, mapping)
    keys = [f.key for f in template.fields if mapping.get(f.key)]
    assert keys == ["incident_ref", "call_time", "dispatch_time", "arrival_time", "initial_grade", "final_grade",
                    "area", "district"]
    canonical = [["INC-1", "2025-03-01 10:00:00", "2025-03-01 10:02:00", "2025-03-01 10:12:00", "Emergency",
                  "Emergency", "Urban", "Norwich"],  # trimmed, date-times "yyyy-mm-dd hh:mm:ss", choices their template label
                 ["INC-2", "2025-03-02 11:30:00", "2025-03-02 11:31:00", "2025-03-02 12:10:00", "Priority",
                  "Priority", "Rural", "Breckland"]]
    row_hashes = sorted(hashlib.sha256("\x1f".join(row).encode()).digest() for row in canonical)
    want = hashlib.sha256(f"population-v2|{','.join(keys)}|2|".encode() + b"".join(row_hashes)).hexdigest()
    assert scan.fingerprint == want


def test_preview_writes_nothing_and_reports_problems(workspace, tmp_path) -> None:
    rows = incident_rows(200)
    rows[4][1] = "31/02/2024 10:00"
    rows[9][1] = "yesterday"
    rows[20][0] = rows[19][0]
    path = write_csv(tmp_path / "messy.csv", rows)
    audit_id = _plan(workspace, size=20, stratify_by="district")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        scan = population.preview_population(uow, audit_id, path)
    assert not scan.ok and scan.rows == 200 and scan.cases == 199
    assert [(p.row, p.column) for p in scan.problems] == [(6, "Call Date Time"), (11, "Call Date Time"),
                                                          (22, "Incident Number")]
    assert set(scan.strata) == {"Breckland", "Broadland", "Norwich"} and sum(scan.strata.values()) == 199
    _nothing_drawn(workspace, audit_id)
    with pytest.raises(DrawRefusedError) as err:
        _draw(workspace, audit_id, path)
    message = str(err.value)
    assert "3 problems" in message and "row 6, column 'Call Date Time'" in message and "row 11" in message
    assert "'31/02/2024 10:00'" in message and len(err.value.problems) == 3
    _nothing_drawn(workspace, audit_id)


def _refused(ws, tmp_path, rows, headers=HEADERS, error=WorkbenchError, match="", **plan) -> None:
    path = write_csv(tmp_path / "extract.csv", rows, headers)
    audit_id = _plan(ws, **plan)
    with pytest.raises(error, match=match):
        _draw(ws, audit_id, path)
    _nothing_drawn(ws, audit_id)


def test_unmappable_columns_are_refused(workspace, tmp_path) -> None:
    headers = ["Ref No Thing", "When", "Other"]
    _refused(workspace, tmp_path, [["a", "b", "c"]], headers, PopulationError,
             "reference field is not mapped", size=1)


def test_empty_population_is_refused(workspace, tmp_path) -> None:
    _refused(workspace, tmp_path, [], HEADERS, PopulationError, "no data rows", size=1)


def test_sample_larger_than_population_is_refused(workspace, tmp_path) -> None:
    _refused(workspace, tmp_path, incident_rows(50), HEADERS, DrawRefusedError,
             r"sample size \(60\) is larger than the population \(50 cases\)", size=60)


def test_stratum_with_no_rows_is_refused(workspace, tmp_path) -> None:
    _refused(workspace, tmp_path, incident_rows(300), HEADERS, DrawRefusedError,
             "stratum 'Kings Lynn' has no rows in the population", size=30, method="stratified",
             stratify_by="district", strata=["Breckland", "Broadland", "Kings Lynn", "Norwich"])


def test_blank_stratum_and_too_small_a_stratified_sample_are_refused(workspace, tmp_path) -> None:
    rows = incident_rows(300)
    rows[7][7] = ""
    _refused(workspace, tmp_path, rows, HEADERS, DrawRefusedError, "1 case has no District",
             size=30, method="stratified", stratify_by="district")
    _refused(workspace, tmp_path, incident_rows(300), HEADERS, DrawRefusedError,
             "a sample of 2 cannot give each of the 3 strata", size=2, method="stratified", stratify_by="district")


def test_redraw_after_responses_is_refused_and_keeps_the_sample(workspace, tmp_path) -> None:
    path = incidents_csv(tmp_path / "plain.csv", count=400)
    audit_id = _plan(workspace, size=25)
    first = _draw(workspace, audit_id, path, seed=9)
    again = _draw(workspace, audit_id, path, seed=10)  # no answers yet: a redraw is allowed
    assert again.selected != first.selected
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        case = fieldwork.list_cases(uow, audit_id)[0]
        fieldwork.record_response(uow, case.id, "thrive_recorded", "yes")
    with pytest.raises(DrawRefusedError, match="already has 1 fieldwork answer"):
        _draw(workspace, audit_id, path, seed=11)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        info = audits.get_audit(uow, audit_id)
        assert info.seed == 10 and [c.ref for c in fieldwork.list_cases(uow, audit_id) if not c.reserve] == list(
            again.selected)


def test_plan_errors(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        for kwargs, match in [
            (dict(), "no sample size given"),
            (dict(size=10, tolerable=0.05), "either a fixed sample size or sizing inputs"),
            (dict(tolerable=0.05, expected=0.06), "sample sizing"),
            (dict(size=10, method="stratified"), "needs a field to stratify by"),
            (dict(size=10, stratify_by="postcode"), "no field 'postcode'"),
            (dict(size=10, target=75), "between 0 and 1"),
            (dict(size=10, rag_rule="vibes"), "unknown RAG rule"),
        ]:
            with pytest.raises(WorkbenchError, match=match):
                audits.create_audit(uow, "response-attendance", "A", **cast("dict[str, Any]", kwargs))
        with pytest.raises(WorkbenchError, match="no audit template 'nope'"):
            audits.create_audit(uow, "nope", "A", size=3)


def test_draw_reports_progress_and_a_cancel_writes_nothing(workspace, tmp_path) -> None:
    path = incidents_csv(tmp_path / "plain.csv", count=500)
    audit_id = _plan(workspace, size=20)
    seen: list[tuple[int, int | None]] = []

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int | None) -> None:
        seen.append((done, total))
        if done >= 1000:  # the scan is finished; stop during the draw
            raise Cancelled

    with pytest.raises(Cancelled):
        _draw(workspace, audit_id, path, progress=cancel)
    assert seen[-1][0] >= 1000 and all(total == 2000 for _, total in seen)
    _nothing_drawn(workspace, audit_id)
    seen.clear()
    _draw(workspace, audit_id, path, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (2000, 2000) and [d for d, _ in seen] == sorted(d for d, _ in seen)
