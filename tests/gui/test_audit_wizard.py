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


def _walk_to_population(page, qtbot, window, path):
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
    wizard, pop = _walk_to_population(page, qtbot, window, _extract(tmp_path))
    mapping = pop.chosen_mapping()
    assert mapping["call_time"] == "Log Opened" and mapping["arrival_time"] == "First Unit On Scene"
    assert pop.verdict.text() == "3 problem(s)" and not pop.isComplete()
    rows = {(pop.problems.item(r, 0).text(), pop.problems.item(r, 1).text()) for r in range(pop.problems.rowCount())}
    assert ("5", "First Unit On Scene") in rows and ("10", "First Unit On Scene") in rows
    assert any("is before Call received" in pop.problems.item(r, 3).text() for r in range(pop.problems.rowCount()))
    pop.exclude.setChecked(True)
    wait_for_workers(qtbot, window)
    assert not pop.isComplete()  # a reason is needed
    pop.reason.setText("times garbled by the CAD export")
    assert pop.isComplete() and "2 row(s) with problems will be left out" in pop.summary.text()
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
    draw.seed.setText("12")
    assert "times garbled by the CAD export" in draw.summary.text()
    wizard.button(wizard.WizardButton.FinishButton).click()
    wait_for_workers(qtbot, window)
    assert wizard.drawn is not None and not wizard.isVisible()
    assert boxes[-1].title.startswith("Cases ready") and "Drew 40 cases" in boxes[-1].text
    with window.ctx.ws.unit_of_work(ADMIN, write=False) as uow:
        audit = uow.session.scalar(select(Audit))
        assert audit.seed == 12 and audit.target == 0.75 and audit.plan["exclusions"]["invalid_rows"] == 2
        assert audit.plan["exclusions"]["reason"] == "times garbled by the CAD export"
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
    again.next()
    again.population_page.load(_extract(tmp_path, bad=False))
    wait_for_workers(qtbot, window)
    assert again.population_page.isComplete()
    again.next()
    assert again.size_page.fixed.isChecked() and again.size_page.fixed_size.value() == 40
    again.next()
    again.next()
    again.button(again.WizardButton.FinishButton).click()
    wait_for_workers(qtbot, window)
    with window.ctx.ws.unit_of_work(ADMIN, write=False) as uow:
        rounds = [a.round for a in uow.session.scalars(select(Audit).order_by(Audit.id))]
        assert uow.session.scalar(select(func.count()).select_from(SampledCase)) > 80
    assert rounds == [1, 2]


def test_a_file_that_is_not_an_extract_is_said_in_place(qtbot, window, tmp_path) -> None:
    window.show_page("Audits")
    wait_for_workers(qtbot, window)
    bad = tmp_path / "notes.csv"
    bad.write_bytes(b"")
    wizard, pop = _walk_to_population(window.audits, qtbot, window, bad)
    assert pop.verdict.text() == "Cannot use this file" and "empty" in pop.summary.text()
    assert not pop.isComplete()
    wizard.reject()
