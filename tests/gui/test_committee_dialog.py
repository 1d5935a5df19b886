"""The committee's report from the Register page: built in a worker as Word and PDF in the chosen
folder (the marking on every page, the export logged), then previewed in the app; an existing report
is never overwritten and the dialog says nothing was saved."""

from __future__ import annotations

from datetime import date
from typing import Any

import docx
import pypdf
import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.gui.conftest import wait_for_workers
from tests.services.assurance_setup import fast_passphrase_hashing  # noqa: F401 (autouse)
from workbench.services import actions, assurance_plan, findings, register, settings
from workbench.store.models import ChangeLogEntry

pytestmark = pytest.mark.gui

TODAY = date(2025, 4, 9)


def _quarter(ws) -> None:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.set_value(uow, "marking", "OFFICIAL-SENSITIVE")
        src = register.add_source(uow, "thematic", "Police response to VAWG", date(2025, 2, 1))
        rec = register.add_finding(uow, src.id, "recommendation", "Recommendation 3",
                                   "Chief constables should review every DA risk assessment.",
                                   addressed_to="all forces", on=date(2025, 2, 3))
        actions.add_action(uow, rec, "Train supervisors", owner="DCI Shah", due_date=date(2025, 3, 1))
        afi = findings.find_by_ref(uow, "PEEL 2023-25 / AFI 5")
        actions.add_action(uow, afi.stored_id, "Review attendance times", owner="Supt Jones", due_date=date(2025, 6, 30))
        assurance_plan.add_planned_audit(uow, 2025, "DA dip sample", "da-risk-assessment", 3, "annual",
                                         owner="Insp Cole")


def test_the_committee_report_is_built_in_a_worker_and_previewed(qtbot, window, seeded_workspace, tmp_path,
                                                                 monkeypatch, boxes) -> None:
    from workbench.gui.committee_dialog import CommitteeReportDialog, ReportPreviewDialog
    from workbench.gui.qt import QDate, QFileDialog, Qt

    ws = seeded_workspace
    _quarter(ws)
    out = tmp_path / "committee"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    window.show_page("Register")
    page = window.register
    page._today = lambda: TODAY
    seen: dict[str, Any] = {}

    def preview(d: ReportPreviewDialog) -> int:
        seen["pages"] = len(d.pages)
        seen["title"] = d.windowTitle()
        d.resize(1000, 800)
        d.grab().save("/tmp/committee_preview.png")
        return 0

    def run(d: CommitteeReportDialog) -> int:
        assert d.period_end.date().toString("yyyy-MM-dd") == "2025-03-31"  # the last quarter that ended
        assert d.since.date().toString("yyyy-MM-dd") == "2024-12-31"  # the quarter before
        d.period_end.setDate(QDate(2025, 6, 30))
        assert d.since.date().toString("yyyy-MM-dd") == "2025-03-31"
        d.period_end.setDate(QDate(2025, 3, 31))
        assert d.since.date().toString("yyyy-MM-dd") == "2024-12-31"
        qtbot.mouseClick(d.browse, Qt.MouseButton.LeftButton)
        assert d.folder.text() == str(out)
        qtbot.mouseClick(d.build, Qt.MouseButton.LeftButton)
        assert not d.build.isEnabled()  # one build at a time
        wait_for_workers(qtbot, window)
        seen["state"] = d.state.text()
        seen["buttons"] = [b.isEnabled() for b in (d.preview, d.open_pdf, d.open_docx, d.open_folder)]
        d.resize(700, 320)
        d.grab().save("/tmp/committee_dialog.png")
        monkeypatch.setattr(ReportPreviewDialog, "exec", preview)
        qtbot.mouseClick(d.preview, Qt.MouseButton.LeftButton)
        # the same quarter again: refused, nothing overwritten
        qtbot.mouseClick(d.build, Qt.MouseButton.LeftButton)
        wait_for_workers(qtbot, window)
        seen["again"] = d.state.text()
        return 0

    monkeypatch.setattr(CommitteeReportDialog, "exec", run)
    qtbot.mouseClick(page.committee, Qt.MouseButton.LeftButton)

    word, pdf = out / "committee-report-2025-03-31.docx", out / "committee-report-2025-03-31.pdf"
    assert word.is_file() and pdf.is_file()
    assert "Saved committee-report-2025-03-31.docx and committee-report-2025-03-31.pdf" in seen["state"]
    assert "2 actions, 1 status move since 31 Dec 2024, 1 overdue action." in seen["state"]
    assert seen["buttons"] == [True, True, True, True]
    reader = pypdf.PdfReader(pdf)
    assert seen["pages"] == len(reader.pages) and seen["title"] == f"{pdf.name} — preview"
    assert all("OFFICIAL-SENSITIVE" in p.extract_text() for p in reader.pages)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "period 1 January 2025 to 31 March 2025" in text and "1 status change since the last report" in text
    assert "Train supervisors" in text and "DCI Shah" in text and "DA dip sample" in text
    document = docx.Document(str(word))
    assert all("OFFICIAL-SENSITIVE" in s.header.paragraphs[0].text for s in document.sections)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Review attendance times" in cells and "Supt Jones" in cells
    assert "already exists" in boxes[-1].text and seen["again"] == "Nothing was saved."
    with ws.unit_of_work(ADMIN, write=False) as uow:
        logged = uow.session.scalars(select(ChangeLogEntry.entity_id).where(
            ChangeLogEntry.entity == "committee_report", ChangeLogEntry.action == "export")).all()
    assert logged == ["2025-03-31"]


def test_quarter_end_before() -> None:
    from workbench.gui.committee_dialog import quarter_end_before

    assert quarter_end_before(date(2025, 4, 9)) == date(2025, 3, 31)
    assert quarter_end_before(date(2025, 6, 30)) == date(2025, 6, 30)
    assert quarter_end_before(date(2025, 2, 1)) == date(2024, 12, 31)
