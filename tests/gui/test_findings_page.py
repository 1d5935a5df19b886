"""The findings register page: model contract, filters, sorting, detail, link decisions, edits, conflicts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.gui.conftest import show, wait_settled
from workbench.services import findings
from workbench.store.models import ChangeLogEntry, FindingLink

pytestmark = pytest.mark.gui


@pytest.fixture
def window(open_window, seeded_workspace):
    """The window on the Findings page, read (in a worker) and filled."""
    w = open_window(seeded_workspace)
    show(w, "Findings")
    return w


def _visible_refs(page) -> list[str]:
    from workbench.gui.findings_model import INSPECTION, REF

    return [f"{page.proxy.index(r, INSPECTION).data()} / {page.proxy.index(r, REF).data()}"
            for r in range(page.proxy.rowCount())]


def _finding(ws, inspection: str, ref: str):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return findings.find_by_ref(uow, f"{inspection} / {ref}")


def test_model_passes_the_model_tester(qtmodeltester, window) -> None:
    page = window.findings
    assert page.model.rowCount() == 15
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)


def test_columns_and_values(window) -> None:
    from workbench.gui.findings_model import COLUMNS
    from workbench.gui.qt import Qt

    model = window.findings.model
    assert [model.headerData(c, Qt.Orientation.Horizontal)
            for c in range(len(COLUMNS))] == ["Inspection", "Ref", "Kind", "Area", "Status", "Owner",
                                              "Target date", "Title"]
    row = next(r for r in range(15) if model.finding(r).ref == "AFI 6" and model.finding(r).inspection == "PEEL 2023-25")
    values = [model.index(row, c).data() for c in range(len(COLUMNS))]
    assert values[:5] == ["PEEL 2023-25", "AFI 6", "AFI", "Responding to the public", "awaiting allocation"]
    assert "abandons" in values[7]


def test_text_and_inspection_filters(window) -> None:
    page = window.findings
    page.search.setText("abandon")
    assert _visible_refs(page) == ["PEEL 2023-25 / AFI 6"]
    assert page.count.text() == "1 of 15 findings"
    page.search.setText("crime  ALLOCAT")  # every word, any case, anywhere in the finding
    assert "PEEL 2023-25 / AFI 7" in _visible_refs(page) and "PEEL 2018 / AFI 2" in _visible_refs(page)
    page.search.clear()
    page.inspection.setCurrentText("PEEL 2018")
    assert _visible_refs(page) == ["PEEL 2018 / AFI 1", "PEEL 2018 / AFI 2", "PEEL 2018 / AFI 3"]
    page.search.setText("supervision")
    assert _visible_refs(page) == ["PEEL 2018 / AFI 3"]
    page.inspection.setCurrentIndex(0)
    page.search.clear()
    assert page.proxy.rowCount() == 15 and page.count.text() == "15 findings"


def test_sorting_by_ref_is_natural_and_by_date_puts_undated_last(window, seeded_workspace) -> None:
    from datetime import date

    from workbench.gui.findings_model import REF, TARGET
    from workbench.gui.qt import Qt

    afi3 = _finding(seeded_workspace, "PEEL 2023-25", "AFI 3")
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        findings.update_finding(uow, afi3.id, target_date=date(2025, 3, 31))
    window.refresh()  # a change made elsewhere shows after View > Refresh
    wait_settled(window)
    page = window.findings
    page.inspection.setCurrentText("PEEL 2023-25")
    page.table.sortByColumn(REF, Qt.SortOrder.AscendingOrder)
    assert _visible_refs(page)[8:11] == ["PEEL 2023-25 / AFI 9", "PEEL 2023-25 / AFI 10", "PEEL 2023-25 / AFI 11"]
    page.table.sortByColumn(TARGET, Qt.SortOrder.AscendingOrder)
    assert _visible_refs(page)[0] == "PEEL 2023-25 / AFI 3"
    assert page.proxy.index(0, TARGET).data() == "31 Mar 2025"


def test_selecting_afi_5_shows_its_figures(qtbot, window) -> None:
    page = window.findings
    assert page.select_ref("PEEL 2023-25", "AFI 5")
    qtbot.waitUntil(lambda: "49 of 82 (59.8%)" in page.detail.text())  # new labels show at the next event turn
    text = page.detail.text()
    assert "49" in text and "82" in text
    assert "49 of 82 (59.8%)" in text
    assert "attend calls for service" in text and "Responding to the public" in text


def test_a_figure_missing_in_the_source_is_flagged(qtbot, window) -> None:
    from workbench.gui.qt import QLabel

    page = window.findings
    assert page.select_ref("PEEL 2023-25", "AFI 12")
    qtbot.waitUntil(lambda: "63:1" in page.detail.text())  # new labels show at the next event turn
    missing = page.detail.findChildren(QLabel, "missingFigure")
    assert len(missing) == 1 and missing[0].text() == "Not stated in the report"
    assert missing[0].property("tone") == "amber"
    assert "caseload of more than offenders" in page.detail.text()
    assert "63:1" in page.detail.text()


def test_accepting_a_link_with_the_button_is_saved(qtbot, window, seeded_workspace) -> None:
    from workbench.gui.qt import QPushButton, Qt

    page = window.findings
    assert page.select_ref("PEEL 2023-25", "AFI 7")
    link = page.detail.info.links[0]
    assert link.state == "suggested" and link.ref == "PEEL 2018 / AFI 2"
    qtbot.mouseClick(page.detail.findChild(QPushButton, f"accept-link-{link.id}"), Qt.MouseButton.LeftButton)
    wait_settled(window)
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        row = uow.session.get(FindingLink, link.id)
        assert (row.state, row.decided_by) == ("accepted", ADMIN)
    assert page.selected_id() == page.detail.info.id  # the selection survives the refresh
    assert page.detail.info.links[0].state == "accepted"
    assert not page.detail.findChild(QPushButton, f"accept-link-{link.id}").isEnabled()
    assert page.detail.findChild(QPushButton, f"reject-link-{link.id}").isEnabled()
    show(window, "Overview")  # a hidden page reads again when shown
    assert window.overview.stats["links"].value.text() == "4"


def test_status_edit_saves_with_the_version_it_read(qtbot, window, seeded_workspace) -> None:
    from workbench.gui.qt import Qt

    page = window.findings
    assert page.select_ref("PEEL 2023-25", "AFI 5")
    before = page.detail.info
    form = page.detail.form
    assert not form.save.isEnabled()
    form.status.setCurrentText("in progress")
    form.owner.setText("Supt Jones")
    form.has_target.setChecked(True)
    assert form.save.isEnabled()
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    wait_settled(window)
    after = _finding(seeded_workspace, "PEEL 2023-25", "AFI 5")
    assert (after.status, after.owner, after.version) == ("in progress", "Supt Jones", before.version + 1)
    assert after.target_date is not None
    assert not form.save.isEnabled()  # saved: nothing left to save
    row = page.model.row_of(after.id)
    assert page.model.finding(row).status == "in progress"
    assert "In progress" in page.detail.text().splitlines()  # the pane's status tag says what was saved
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        entry = uow.session.scalars(select(ChangeLogEntry).where(ChangeLogEntry.action == "update")).one()
        assert entry.after["status"] == "in progress" and entry.actor == ADMIN


def test_a_stale_edit_shows_the_conflict_and_overwrites_nothing(qtbot, window, seeded_workspace, boxes) -> None:
    from workbench.gui.qt import Qt

    page = window.findings
    assert page.select_ref("PEEL 2023-25", "AFI 5")
    shown = page.detail.info
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:  # someone else, meanwhile
        findings.update_finding(uow, shown.id, shown.version, owner="Ch Insp Other")
    page.detail.form.status.setCurrentText("in progress")
    qtbot.mouseClick(page.detail.form.save, Qt.MouseButton.LeftButton)
    assert len(boxes) == 1
    assert boxes[0].title.startswith("Changed by someone else")
    assert "changed by someone else" in boxes[0].text and "nothing was saved" in boxes[0].text
    now = _finding(seeded_workspace, "PEEL 2023-25", "AFI 5")
    assert (now.status, now.owner) == ("awaiting allocation", "Ch Insp Other")
    assert page.detail.form.owner.text() == "Ch Insp Other"  # their version under the form
    assert page.detail.form.status.currentText() == "in progress"  # what was typed is kept on top of it
    assert "“awaiting allocation”" in page.detail.form.kept_note.text()  # and what they saved is said


def test_the_detail_pane_fits_its_width_at_1024(qtbot, window) -> None:
    """At 1024 × 700 nothing in a finding's detail is wider than the pane (it has no horizontal
    scroll bar, so anything wider is cut off)."""
    window.resize(1024, 700)
    page = window.findings
    assert page.select_ref("PEEL 2023-25", "AFI 5")
    qtbot.waitUntil(lambda: "49 of 82 (59.8%)" in page.detail.text())
    qtbot.wait(50)
    body = page.detail.widget()
    assert body.width() <= page.detail.viewport().width()
