"""The Register page: sources, both status lines, moves offered by the state machine, closure in two steps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.services import evidence, register, register_status

pytestmark = pytest.mark.gui


def _settle(qtbot, page) -> None:
    """The page reads in a worker: wait for the latest read to be shown."""
    qtbot.waitUntil(lambda: not page.reading, timeout=30000)


def _accept_with(monkeypatch, cls, fill) -> None:
    from workbench.gui.qt import QDialog

    def fake_exec(dialog) -> int:
        fill(dialog)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(cls, "exec", fake_exec)


def test_register_page_moves_a_thematic_recommendation_to_a_closure_proposal(
        qtbot, window, seeded_workspace, monkeypatch, tmp_path: Path) -> None:
    from workbench.gui.qt import QDate
    from workbench.gui.register_dialogs import MoveDialog, ProposeClosureDialog

    ws = seeded_workspace
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        src = register.add_source(uow, "thematic", "Police response to VAWG", date(2024, 3, 12))
        fid = register.add_finding(uow, src.id, "recommendation", "Recommendation 3",
                                   "Chief constables should review every DA risk assessment.",
                                   addressed_to="all forces")
        proof = tmp_path / "dip.txt"
        proof.write_text("58 of 60", encoding="utf-8")
        evidence.add_evidence(uow, proof, "DA dip sample", finding_ids=[fid])
    window.show_page("Register")
    page = window.register
    page.refresh()
    _settle(qtbot, page)
    assert ["Thematic inspection", "Police response to VAWG"] in [r[:2] for r in page.sources.texts()]
    assert page.select("Recommendation 3")
    assert page.move_force.isEnabled() and not page.authorise.isEnabled()

    seen: list[str] = []

    def move(d: MoveDialog) -> None:
        seen.extend(d.to.itemText(i) for i in range(d.to.count()))
        d.to.setCurrentText("in progress")
        d.on.setDate(QDate(2024, 4, 2))
        d.comment.setPlainText("allocated to the safeguarding lead")

    _accept_with(monkeypatch, MoveDialog, move)
    page.move_force.click()
    _settle(qtbot, page)
    assert page.select("Recommendation 3")
    assert seen == ["in progress"]  # only what the state machine allows from "awaiting allocation"

    def propose(d: ProposeClosureDialog) -> None:
        d.rationale.setPlainText("Every DA risk assessment is reviewed within 24 hours")
        d.period_from.setDate(QDate(2024, 4, 1))
        d.period_to.setDate(QDate(2024, 9, 30))

    _accept_with(monkeypatch, ProposeClosureDialog, propose)
    page.propose.click()
    _settle(qtbot, page)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        st = register_status.status(uow, fid)
    assert st.force_status == "proposed for closure" and st.closure is not None
    assert st.history[1].comment == "allocated to the safeguarding lead" and st.history[1].on == date(2024, 4, 2)
    assert page.select("Recommendation 3")
    row = page.table.currentRow()
    assert page.table.item(row, 4).text() == "proposed for closure"
    assert page.table.item(row, 3).text() == "all forces"
    assert "Closure proposed" in page.summary.text() and page.authorise.isEnabled()
    assert page.history.texts()[0][3] == "proposed for closure"
    window.resize(1300, 900)
    page.grab().save("/tmp/register_page.png")
