"""The audit wizard from an empty audit list: template with its fields and criteria, findings and the
49-of-82 baseline, an extract with bad rows (mapped from names and contents, rows excluded with a reason),
the live sample-size planner, method, seed, draw — and a new round from the plan."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN
from tests.gui.conftest import wait_for_workers
from tests.services.audit_population import incident_rows, write_csv
from workbench.store.models import Audit, Response, SampledCase

pytestmark = pytest.mark.gui

HEADERS = ["Incident Number", "Log Opened", "Dispatched", "First Unit On Scene", "Opening Grade", "Closing Grade",
           "Urban/Rural", "District"]


def _extract(tmp_path, bad: bool = True):
    rows = incident_rows(400)
    if bad:
        rows[3][3] = "31/02/2024 10:00"  # row 5: no such date
        rows[8][1], rows[8][2], rows[8][3] = "14/03/2024 10:00", "14/03/2024 10:01", "14/03/2024 09:30"  # row 10
    return write_csv(tmp_path / "extract.csv", rows, HEADERS)


def _walk_to_population(page, qtbot, window, path, measure: str | None = None):
    wizard = page.plan_audit()
    t = wizard.template_page
    t.choice.setCurrentIndex(t.choice.findData("response-attendance"))
    assert "Call received" in t.details.toPlainText() and "attended within" not in t.details.toPlainText().lower() \
        or "computed from the extract" in t.details.toPlainText()
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()  # no title yet
    t.title_edit.setText("Attendance audit")
    wizard.next()
    f = wizard.findings_page
    for i in range(f.list.count()):
        if "attend calls" in f.list.item(i).text():
            f.list.item(i).setCheckState(f.list.item(i).checkState().Checked)
    assert f.baseline.currentText().startswith("49 of 82")
    f.target.setValue(75)
    if measure is not None:
        f.measure.setCurrentIndex(f.measure.findData(measure))
    wizard.next()
    pop = wizard.population_page
    assert not pop.isComplete()
    pop.load(path)
    wait_for_workers(qtbot, window)
    return wizard, pop


def test_the_wizard_plans_and_draws_with_bad_rows_left_out(qtbot, window, tmp_path, boxes) -> None:
    page = window.audits
    window.show_page("Audits")
    wait_for_workers(qtbot, window)  # the rounds are read in a worker
    assert page.heading.text() == "No audits yet" and "Plan an audit" in page.subheading.text()
    wizard, pop = _walk_to_population(page, qtbot, window, _extract(tmp_path), measure="attended_within_target")
    f = wizard.findings_page
    assert [f.measure.itemData(i) for i in range(2)] == ["case", "thrive_recorded"]  # case compliance, criteria
    assert "answered yes" in f.measure_words.text()
    mapping = pop.chosen_mapping()
    assert mapping["call_time"] == "Log Opened" and mapping["arrival_time"] == "First Unit On Scene"
    assert pop.verdict.text() == "3 problems" and not pop.isComplete()
    rows = {(pop.problems.item(r, 0).text(), pop.problems.item(r, 1).text()) for r in range(pop.problems.rowCount())}
    assert ("5", "First Unit On Scene") in rows and ("10", "First Unit On Scene") in rows
    assert any("is before Call received" in pop.problems.item(r, 3).text() for r in range(pop.problems.rowCount()))
    pop.exclude.setChecked(True)
    wait_for_workers(qtbot, window)
    assert not pop.isComplete()  # a reason is needed, and the badge says so (not a green "Ready to draw")
    assert pop.verdict.text() == "Give a reason" and pop.verdict.property("tone") == "amber"
    assert "Say why the rows with problems are left out" in pop.summary.text()
    pop.reason.setText("times garbled by the CAD export")
    assert pop.isComplete() and "2 rows with problems will be left out" in pop.summary.text()
    assert pop.verdict.text() == "Ready to draw"
    wizard.next()

    size = wizard.size_page
    assert size.result.text() == "55 cases of 398"  # hypergeometric: fewer than the 59 of the tables
    size.tolerable.setValue(10.0)
    assert size.result.text() == "28 cases of 398"
    size.expected.setValue(2.0)
    assert "no more than 1 deviation" in size.explain.text()
    size.fixed.setChecked(True)
    size.fixed_size.setValue(40)
    assert size.result.text() == "40 cases of 398"
    wizard.next()
    wizard.method_page.method.setCurrentIndex(wizard.method_page.method.findData("simple"))
    wizard.next()
    draw = wizard.draw_page
    draw.seed.setText("twelve")
    assert not draw.isComplete() and "not a whole number" in draw.problem.text()
    rule = "a seed is a whole number between 1 and 9,007,199,254,740,991"
    for typed in ("²", "12²"):  # isdigit() is true for these, int() refuses them
        draw.seed.setText(typed)
        assert not draw.isComplete() and draw.problem.text() == f"“{typed}” is not a whole number: {rule}, such as 20250114."
        assert draw.seed_value() is None
    for typed, shown in (("0", "0"), ("9007199254740992", "9,007,199,254,740,992")):
        draw.seed.setText(typed)  # refused here, in the words of the service's own check
        assert not draw.isComplete() and draw.problem.text() == f"{shown} is out of range: {rule}."
    draw.seed.setText("12")
    assert draw.isComplete() and draw.problem.text() == ""
    assert "times garbled by the CAD export" in draw.summary.text()
    assert "compared with criterion: Was the incident attended within" in draw.summary.text()
    wizard.button(wizard.WizardButton.FinishButton).click()
    wait_for_workers(qtbot, window)
    assert wizard.drawn is not None and not wizard.isVisible()
    assert boxes[-1].title.startswith("Cases ready") and "Drew 40 cases" in boxes[-1].text
    with window.ctx.ws.unit_of_work(ADMIN, write=False) as uow:
        audit = uow.session.scalar(select(Audit))
        assert audit.seed == 12 and audit.target == 0.75 and audit.plan["exclusions"]["invalid_rows"] == 2
        assert audit.plan["exclusions"]["reason"] == "times garbled by the CAD export"
        assert audit.baseline_measure == "attended_within_target"
        audit_id = audit.id
        computed = uow.session.scalar(select(func.count()).select_from(Response).where(Response.computed.is_(True)))
    assert computed == 40
    assert page.current is not None and page.current.info.id == audit_id
    assert page.tabs.currentIndex() == 1 and page.cases.model.rowCount() == 40

    # a new round starts from the plan: same template, findings, size, mapping
    page.plan_next_round()  # the plan is read in a worker, then the wizard opens
    wait_for_workers(qtbot, window)
    again = page.wizard
    assert again.template_page.title_edit.text() == "Attendance audit" and not again.template_page.choice.isEnabled()
    assert again.findings_page.finding_ids() and again.findings_page.baseline.currentText().startswith("49 of 82")
    again.next()
    assert again.findings_page.measure.currentData() == "attended_within_target"  # the round inherits it
    again.next()
    again.population_page.load(_extract(tmp_path, bad=False))
    wait_for_workers(qtbot, window)
    assert again.population_page.isComplete()
    again.next()
    assert again.size_page.fixed.isChecked() and again.size_page.fixed_size.value() == 40
    again.next()
    again.next()
    summary = again.draw_page.summary.text()
    assert "Round 2 of “Attendance audit” (after round 1, drawn " in summary and "series-" not in summary
    again.button(again.WizardButton.FinishButton).click()
    wait_for_workers(qtbot, window)
    with window.ctx.ws.unit_of_work(ADMIN, write=False) as uow:
        rounds = [(a.round, a.baseline_measure) for a in uow.session.scalars(select(Audit).order_by(Audit.id))]
        assert uow.session.scalar(select(func.count()).select_from(SampledCase)) > 80
    assert rounds == [(1, "attended_within_target"), (2, "attended_within_target")]


def test_a_file_that_is_not_an_extract_is_said_in_place(qtbot, window, tmp_path) -> None:
    window.show_page("Audits")
    wait_for_workers(qtbot, window)
    bad = tmp_path / "notes.csv"
    bad.write_bytes(b"")
    wizard, pop = _walk_to_population(window.audits, qtbot, window, bad)
    assert pop.verdict.text() == "Cannot use this file" and "empty" in pop.summary.text()
    assert not pop.isComplete()
    wizard.reject()


def test_an_audit_planned_but_not_drawn_is_drawn_in_the_window(qtbot, window, tmp_path, boxes) -> None:
    from workbench.services import audits, findings

    ws = window.ctx.ws
    with ws.unit_of_work(ADMIN) as uow:  # as `workbench audit new` (or the assurance plan) makes it
        fid = next(f.stored_id for f in findings.list_findings(uow) if "attend calls" in f.title)
        planned = audits.create_audit(uow, "response-attendance", "Attendance (from the plan)", [fid], size=30,
                                      target=0.75, baseline_figure_id=audits.baseline_figure_of(uow, fid),
                                      baseline_measure="attended_within_target")
    window.show_page("Audits")
    wait_for_workers(qtbot, window)
    page = window.audits
    assert page.select_audit(planned.id)
    wait_for_workers(qtbot, window)
    page.tabs.setCurrentIndex(1)
    cases = page.cases
    assert cases.draw_button.isVisibleTo(page) and cases.draw_button.isEnabled()
    note = cases.undrawn_note.text()
    assert "planned but not drawn yet" in note and "Load population and draw…" in note
    assert not cases.table.isVisibleTo(page) and not cases.record.isVisibleTo(page)
    assert page.draw_planned.isVisibleTo(page) and not page.new_round.isEnabled()  # not another round
    assert "not drawn yet" in page.new_round.toolTip()

    cases.draw_button.click()  # the plan is read in a worker, then the wizard opens on it
    wait_for_workers(qtbot, window)
    wizard = page.wizard
    assert wizard.windowTitle() == "Load population and draw — Attendance (from the plan)"
    t = wizard.template_page
    assert t.choice.currentData() == "response-attendance" and not t.choice.isEnabled()
    assert t.title_edit.isReadOnly() and t.title_edit.text() == "Attendance (from the plan)"
    wizard.next()
    f = wizard.findings_page
    assert f.finding_ids() == (fid,) and not f.list.isEnabled() and not f.baseline.isEnabled()
    assert f.baseline.currentText().startswith("49 of 82") and f.measure.currentData() == "attended_within_target"
    assert f.target.value() == 75
    wizard.next()
    pop = wizard.population_page
    pop.load(_extract(tmp_path, bad=False))
    wait_for_workers(qtbot, window)
    assert pop.isComplete()
    wizard.next()
    size = wizard.size_page
    assert size.result.text() == "30 cases of 400" and not size.fixed_size.isEnabled() and not size.attribute.isEnabled()
    wizard.next()
    assert not wizard.method_page.method.isEnabled()
    wizard.next()
    draw = wizard.draw_page
    assert "Round 1 of “Attendance (from the plan)”, planned " in draw.summary.text()
    draw.seed.setText("77")
    wizard.button(wizard.WizardButton.FinishButton).click()
    wait_for_workers(qtbot, window)
    assert wizard.drawn is not None and wizard.drawn.audit.id == planned.id and not wizard.isVisible()
    assert boxes[-1].title.startswith("Cases ready") and "Drew 30 cases" in boxes[-1].text
    with ws.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Audit)) == 1  # that audit, not a new one
        audit = uow.session.get(Audit, planned.id)
        assert audit.seed == 77 and audit.baseline_measure == "attended_within_target" and audit.target == 0.75
        computed = uow.session.scalar(select(func.count()).select_from(Response).where(Response.computed.is_(True)))
    assert computed == 30
    assert page.current is not None and page.current.info.id == planned.id and page.cases.model.rowCount() == 30
    assert not cases.draw_button.isVisibleTo(page) and not page.draw_planned.isVisibleTo(page)
    assert cases.table.isVisibleTo(page) and page.export.isVisibleTo(page)
    assert page.new_round.isEnabled()


def test_a_planned_audit_without_a_baseline_is_shown_without_one(qtbot, window) -> None:
    """The wizard on a planned audit shows the audit's own plan: with no baseline stored it says "No
    baseline", never the first figure its finding cites (which the audit would not be compared with)."""
    from workbench.gui.audit_wizard import NO_BASELINE
    from workbench.services import audits, findings

    ws = window.ctx.ws
    with ws.unit_of_work(ADMIN) as uow:  # as Register ▸ Start as a new round makes one with no earlier audit
        fid = next(f.stored_id for f in findings.list_findings(uow) if "attend calls" in f.title)
        planned = audits.create_audit(uow, "response-attendance", "Attendance (plan)", [fid], size=30)
    window.show_page("Audits")
    wait_for_workers(qtbot, window)
    page = window.audits
    assert page.select_audit(planned.id)
    wait_for_workers(qtbot, window)
    page.tabs.setCurrentIndex(1)
    page.cases.draw_button.click()
    wait_for_workers(qtbot, window)
    wizard = page.wizard
    wizard.next()
    f = wizard.findings_page
    assert f.finding_ids() == (fid,) and f.baseline.count() > 1  # the finding cites 49 of 82
    assert f.baseline.currentText() == NO_BASELINE and f.baseline_id() is None
    wizard.reject()


def test_another_template_after_loading_an_extract_suggests_its_own_mapping(qtbot, window, tmp_path) -> None:
    from tests.services.audit_population import HEADERS as NAMED
    from workbench.gui.qt import Qt

    window.show_page("Audits")
    wait_for_workers(qtbot, window)
    path = write_csv(tmp_path / "named.csv", incident_rows(120), NAMED)
    wizard, pop = _walk_to_population(window.audits, qtbot, window, path)
    assert pop.chosen_mapping()["call_time"] == "Call Date Time"
    wizard.back()
    wizard.back()
    t = wizard.template_page
    t.choice.setCurrentIndex(t.choice.findData("crime-data-integrity"))
    wizard.next()
    wizard.next()
    wait_for_workers(qtbot, window)
    mapping = pop.chosen_mapping()
    assert mapping["incident_ref"] == "Incident Number" and mapping["incident_time"] == "Call Date Time"
    assert mapping["district"] == "District"
    assert pop.verdict.text() != "Cannot use this file"
    reasons = {pop.mapping.item(r, 0).data(Qt.ItemDataRole.UserRole): pop.mapping.item(r, 2).text()
               for r in range(pop.mapping.rowCount())}
    assert reasons["incident_ref"].startswith("its name matches")
    wizard.reject()


def test_rows_are_left_out_by_number_or_from_a_file_and_reasons_stay(qtbot, window, tmp_path, monkeypatch,
                                                                     boxes) -> None:
    from workbench.gui.qt import QFileDialog, QItemSelectionModel

    window.show_page("Audits")
    wait_for_workers(qtbot, window)
    headers = [*HEADERS, "Regrade Reason"]
    rows = incident_rows(400)
    rows[3][3] = "31/02/2024 10:00"  # row 5: no such date
    rows[8][1], rows[8][2], rows[8][3] = "14/03/2024 10:00", "14/03/2024 10:01", "14/03/2024 09:30"  # row 10
    rows = [r + [f"caller said it was sorted, log {i}"] for i, r in enumerate(rows)]
    wizard, pop = _walk_to_population(window.audits, qtbot, window, write_csv(tmp_path / "x.csv", rows, headers))
    before = {r: pop.mapping.item(r, 2).text() for r in range(pop.mapping.rowCount())}
    assert any("contents" in why for why in before.values())
    pop.reload.click()  # a re-check with the mapping as shown: nobody chose anything
    wait_for_workers(qtbot, window)
    assert {r: pop.mapping.item(r, 2).text() for r in range(pop.mapping.rowCount())} == before
    assert not any(why.startswith("chosen") for why in before.values())

    # the problem rows picked in the report, with their own reason
    assert pop.verdict.text() == "3 problems"
    pop.problems.clearSelection()
    for r in range(pop.problems.rowCount()):
        if pop.problems.item(r, 0).text() in ("5", "10"):
            pop.problems.selectionModel().select(pop.problems.model().index(r, 0),
                                                 QItemSelectionModel.SelectionFlag.Select
                                                 | QItemSelectionModel.SelectionFlag.Rows)
    assert pop.row_numbers.text() == "5, 10"
    pop.row_reason.setText("garbled by the CAD export")
    pop.leave_rows.click()
    wait_for_workers(qtbot, window)
    assert pop.row_exclusions == {5: "garbled by the CAD export", 10: "garbled by the CAD export"}
    assert pop.verdict.text() == "Ready to draw" and pop.isComplete()
    assert "2 rows left out by number" in pop.summary.text()
    # and rows that pass the checks, from the exclusions file the command line takes
    rows_file = tmp_path / "rows.csv"
    rows_file.write_text("row,reason\n20,test incident\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(rows_file), ""))
    pop.load_rows.click()
    wait_for_workers(qtbot, window)
    assert pop.excluded.rowCount() == 3 and pop.excluded.item(2, 1).text() == "test incident"
    assert pop.isComplete()
    wizard.next()
    wizard.next()
    method = wizard.method_page
    method.method.setCurrentIndex(method.method.findData("stratified"))
    offered = [method.stratify.itemData(i) for i in range(method.stratify.count())]
    assert "district" in offered and "initial_grade" in offered
    assert "downgrade_reason" not in offered  # free text: every case its own stratum
    method.method.setCurrentIndex(method.method.findData("simple"))
    wizard.next()
    assert "3 rows left out by number" in wizard.draw_page.summary.text()
    wizard.draw_page.seed.setText("5")
    wizard.button(wizard.WizardButton.FinishButton).click()
    wait_for_workers(qtbot, window)
    assert wizard.drawn is not None
    with window.ctx.ws.unit_of_work(ADMIN, write=False) as uow:
        plan = uow.session.get(Audit, wizard.drawn.audit.id).plan
    assert plan["exclusions"]["rows"] == {"5": "garbled by the CAD export", "10": "garbled by the CAD export",
                                          "20": "test incident"}
    assert plan["exclusions"]["exclude_invalid"] is False and wizard.drawn.draw.population_cases == 397
