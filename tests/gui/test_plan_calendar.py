"""The assurance plan as a calendar on the Register page: months × planned audits, each occurrence due,
overdue, planned, started or done with its rotation's focus; an occurrence started as a new round in
one step; the page reads in a worker."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import fast_passphrase_hashing  # noqa: F401 (autouse)
from workbench.services import assurance_plan, audits, findings, users
from workbench.store.models import Audit, PlannedAudit

pytestmark = pytest.mark.gui

TODAY = date(2025, 5, 2)


def _plan(ws) -> tuple[int, int]:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        afi = findings.find_by_ref(uow, "PEEL 2023-25 / AFI 5")
        first = audits.create_audit(uow, "response-attendance", "Response attendance", [afi.stored_id], size=40,
                                    target=0.75)
        quarterly = assurance_plan.add_planned_audit(
            uow, 2025, "Attendance dip sample", "response-attendance", 4, "quarterly", finding_ids=(afi.stored_id,),
            owner="Insp Cole", rotation_kind="district", rotation=("Breckland", "Norwich", "King's Lynn"),
            based_on_audit_id=first.id)
        assurance_plan.add_planned_audit(uow, 2025, "DA risk grading", "da-risk-assessment", 5, "annual",
                                         owner="DI Patel")
        users.add_user(uow, "vic.viewer", "viewer")
    return quarterly.id, first.id


def _page(qtbot, window):
    from workbench.gui.register_page import RegisterPage

    page = RegisterPage(window.ctx, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1400, 1000)
    page.show()
    _settle(qtbot, page)
    return page


def _settle(qtbot, page) -> None:
    qtbot.waitUntil(lambda: not page.reading, timeout=30000)


def _cells(model) -> dict[tuple[str, int], str]:
    return {(model.index(r, 0).data(), c): model.index(r, c).data()
            for r in range(model.rowCount()) for c in range(1, 13) if model.index(r, c).data()}


def test_the_calendar_shows_the_year_and_starts_an_occurrence_as_the_next_round(
        qtbot, qtmodeltester, window, seeded_workspace, boxes) -> None:
    from workbench.gui.qt import Qt

    ws = seeded_workspace
    plan_id, first_id = _plan(ws)
    page = _page(qtbot, window)
    cal = page.calendar
    qtmodeltester.check(cal.model)
    assert _cells(cal.model) == {
        ("Attendance dip sample", 4): "overdue\nBreckland", ("Attendance dip sample", 7): "planned\nNorwich",
        ("Attendance dip sample", 10): "planned\nKing's Lynn", ("DA risk grading", 5): "due"}
    assert cal.model.headerData(1, Qt.Orientation.Horizontal) == "Jan"
    row = next(r for r in range(cal.model.rowCount()) if cal.model.index(r, 0).data() == "Attendance dip sample")
    assert "rotates across district: Breckland, Norwich, King's Lynn" in cal.model.index(row, 0).data(
        Qt.ItemDataRole.ToolTipRole)
    assert cal.model.index(row, 4).data(Qt.ItemDataRole.BackgroundRole).name() == "#fbe9e7"  # red: overdue
    assert not cal.start.isEnabled()  # nothing selected yet

    assert cal.select(plan_id, "2025-04") and cal.start.isEnabled()
    qtbot.mouseClick(cal.start, Qt.MouseButton.LeftButton)
    with ws.unit_of_work(ADMIN, write=False) as uow:
        plan = uow.session.get(PlannedAudit, plan_id)
        started = plan.started["2025-04"]
        made = uow.session.get(Audit, started)
        first = uow.session.get(Audit, first_id)
        assert (made.series, made.round, made.target) == (first.series, 2, 0.75)
        assert made.title == "Attendance dip sample — Breckland (Apr 2025)"
    assert boxes[-1].title.startswith("Audit started") and "round 2" in boxes[-1].text
    _settle(qtbot, page)  # the change re-read the page in a worker
    assert cal.model.index(row, 4).data() == "started\nBreckland"
    assert cal.selected() is not None and cal.selected().key == "2025-04" and not cal.start.isEnabled()
    assert f"started as audit {started}" in cal.start.toolTip()

    cal.year.setValue(2026)
    _settle(qtbot, page)
    assert _cells(cal.model) == {("Attendance dip sample", 1): "planned\nBreckland"}
    cal.year.setValue(2027)
    _settle(qtbot, page)
    assert cal.model.rowCount() == 0 and "No audits are planned for 2027" in cal.empty.text()
    cal.year.setValue(2025)
    _settle(qtbot, page)
    page.grab().save("/tmp/register_calendar.png")


def test_a_started_round_with_every_case_recorded_is_done() -> None:
    from workbench.gui.plan_calendar import occurrence_state
    from workbench.services.assurance_plan import Occurrence

    occ = Occurrence(1, "2025-04", date(2025, 4, 1), date(2025, 4, 30), "", 7)
    assert occurrence_state(occ, TODAY, complete=False) == "started"
    assert occurrence_state(occ, TODAY, complete=True) == "done"
    waiting = Occurrence(1, "2025-07", date(2025, 7, 1), date(2025, 7, 31), "", None)
    assert occurrence_state(waiting, TODAY, complete=True) == "planned"


def test_a_viewer_sees_why_they_cannot_start_a_planned_audit(qtbot, open_window, seeded_workspace) -> None:
    plan_id, _ = _plan(seeded_workspace)
    window = open_window(seeded_workspace, "vic.viewer")
    page = _page(qtbot, window)
    assert page.calendar.select(plan_id, "2025-07")
    assert not page.calendar.start.isEnabled() and "viewer" in page.calendar.start.toolTip()
    with seeded_workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalars(select(PlannedAudit.started)).all() == [{}, {}]


def test_an_audit_is_added_to_the_plan_in_the_window(qtbot, window, seeded_workspace, monkeypatch) -> None:
    """What `workbench plan add` does, from the calendar: a refusal is said in place and keeps what was
    typed; once added the plan holds it with its findings, rotation and recurrence."""
    from workbench.gui import plan_dialog
    from workbench.gui.qt import Qt

    page = _page(qtbot, window)
    assert "Plan an audit" in page.calendar.empty.text() and "workbench plan" not in page.calendar.empty.text()
    seen: list[plan_dialog.PlanAuditDialog] = []

    def fill_and_add(dialog: plan_dialog.PlanAuditDialog) -> int:
        seen.append(dialog)
        dialog.template.setCurrentIndex(dialog.template.findData("response-attendance"))
        dialog.rotation_kind.setCurrentIndex(dialog.rotation_kind.findData("district"))
        dialog._add()  # no title: refused in place
        assert dialog.added is None and "title" in dialog.message.text()
        dialog.title.setText("Attendance dip sample")
        dialog._add()  # a rotation kind without its turns: refused, the title kept
        assert dialog.added is None and "rotation" in dialog.message.text()
        assert dialog.title.text() == "Attendance dip sample"
        dialog.rotation.setText("Breckland, Norwich")
        dialog.month.setCurrentIndex(3)
        dialog.recurrence.setCurrentIndex(dialog.recurrence.findData("six-monthly"))
        afi5 = next(i for i in range(dialog.findings.count()) if "AFI 5" in dialog.findings.item(i).text())
        dialog.findings.item(afi5).setCheckState(Qt.CheckState.Checked)
        dialog._add()
        return int(dialog.result())

    monkeypatch.setattr(plan_dialog.PlanAuditDialog, "exec", fill_and_add)
    page.calendar.add.click()  # what the dialog offers is read in a worker, then it opens
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert seen[0].added is not None
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        plan = uow.session.scalars(select(PlannedAudit)).one()
        assert (plan.title, plan.template_key, plan.month_due, plan.recurrence) == (
            "Attendance dip sample", "response-attendance", 4, "six-monthly")
        assert (plan.rotation_kind, plan.rotation) == ("district", ["Breckland", "Norwich"])
        assert plan.finding_ids == [findings.find_by_ref(uow, "PEEL 2023-25 / AFI 5").stored_id]
    _settle(qtbot, page)
    assert page.calendar.model.rowCount() == 1
