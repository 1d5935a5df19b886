"""The quarterly committee report and the action plan, read back from Word and PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
from pypdf import PdfReader

from tests.services.assurance_setup import (
    OFFICER,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.services import actions, assurance_plan, committee_report, register, register_status
from workbench.store.models import ChangeLogEntry


def _workspace_with_a_quarter(ws) -> None:
    afis = setup_register(ws)
    with ws.unit_of_work(OFFICER) as uow:
        src = register.add_source(uow, "thematic", "Police response to VAWG", date(2025, 2, 1))
        rec = register.add_finding(uow, src.id, "recommendation", "Recommendation 3",
                                   "Chief constables should review DA risk assessments <at once> & record it.",
                                   addressed_to="all forces", on=date(2025, 2, 3))
        register_status.move(uow, rec, "force", "in progress", on=date(2025, 2, 10), comment="allocated")
        register_status.move(uow, afis[0].stored_id, "force", "in progress", on=date(2024, 12, 1))  # before the quarter
        actions.add_action(uow, rec, "Train supervisors", owner="DCI Shah", due_date=date(2025, 3, 1))
        done = actions.add_action(uow, afis[0].stored_id, "Publish policy", owner="Supt Jones", due_date=date(2025, 1, 15))
        actions.update_action(uow, done.id, status="done")
        assurance_plan.add_planned_audit(uow, 2025, "DA dip sample", "da-risk-assessment", 3, "annual",
                                         owner="Insp Cole")


def test_committee_report_as_word_and_pdf(workspace, tmp_path: Path) -> None:
    _workspace_with_a_quarter(workspace)
    with workspace.unit_of_work(OFFICER) as uow:
        out = committee_report.write_committee_report(uow, tmp_path, date(2025, 3, 31), since=date(2025, 1, 1))
    r = out.data
    assert dict((k, n) for k, n, _ in r.by_source) == {"PEEL inspection": 3, "Thematic inspection": 1}
    assert dict(r.by_status) == {"awaiting allocation": 2, "in progress": 2}
    assert [(c.finding, c.to_status) for c in r.changes] == [
        ("Thematic inspection / Recommendation 3", "awaiting allocation"),
        ("Thematic inspection / Recommendation 3", "in progress")]  # the December move is before the quarter
    assert [a.what for a in r.overdue_actions] == ["Thematic inspection / Recommendation 3: Train supervisors"]
    assert [(a.what, a.overdue) for a in r.audits] == [("DA dip sample (Mar 2025)", False)]
    assert [p.what for p in r.pcc_responses] == ["Police response to VAWG"]  # due 29 March, not responded
    plan = {(a.action, a.percent_complete, a.on_track) for a in r.action_plan}
    assert plan == {("Train supervisors", 0, False), ("Publish policy", 100, True)}

    document = docx.Document(str(out.docx))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Changes since the last report" in text and "Force action plan" in text
    assert "Train supervisors" in cells and "off track" in cells and "100 %" in cells
    for section in document.sections:
        assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
        assert section.footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"

    pages = PdfReader(str(out.pdf)).pages
    assert len(pages) >= 2
    for page in pages:
        assert page.extract_text().count("OFFICIAL-SENSITIVE") >= 2  # header and footer
    whole = "\n".join(p.extract_text() for p in pages)
    assert "Train supervisors" in whole and "off track" in whole and "Police response to VAWG" in whole
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        entry = uow.session.query(ChangeLogEntry).filter_by(entity="committee_report").one()
        assert entry.after["pdf"] == out.pdf.name and entry.actor == OFFICER


def test_the_committee_report_is_private_appears_only_once_logged_and_follows_no_planted_link(workspace,
                                                                                             tmp_path: Path) -> None:
    """The files are the user's own (0600, like every export); they appear only when the export
    is committed; a link planted where a temporary file would be written is not followed."""
    import os
    import stat

    import pytest

    _workspace_with_a_quarter(workspace)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    for suffix in (".docx.part", ".pdf.part"):
        (out_dir / f"committee-report-2025-03-31{suffix}").symlink_to(victim)

    class Stop(Exception):
        pass

    with pytest.raises(Stop), workspace.unit_of_work(OFFICER) as uow:
        committee_report.write_committee_report(uow, out_dir, date(2025, 3, 31), since=date(2025, 1, 1))
        raise Stop  # the transaction fails after the files were written: nothing appears
    assert not list(out_dir.glob("committee-report-2025-03-31.*[xf]"))
    with workspace.unit_of_work(OFFICER) as uow:
        out = committee_report.write_committee_report(uow, out_dir, date(2025, 3, 31), since=date(2025, 1, 1))
    assert victim.read_text() == "keep"
    for path in (out.docx, out.pdf):
        assert not path.is_symlink() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert PdfReader(out.pdf).pages and docx.Document(str(out.docx)).paragraphs
