"""The attention panel shows the service's items and opens a record in one click."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.services import actions, findings, register

pytestmark = pytest.mark.gui


def test_panel_lists_items_and_a_click_opens_the_record(qtbot, sqlite_workspace) -> None:
    from workbench.gui.attention_panel import AttentionPanel
    from workbench.gui.qt import Qt

    ws = sqlite_workspace
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        src = register.add_source(uow, "thematic", "Stalking thematic", date(2025, 1, 10))
        fid = register.add_finding(uow, src.id, "recommendation", "R1", "Forces should appoint a stalking lead.",
                                   addressed_to="all forces")
        act = actions.add_action(uow, fid, "Appoint a stalking lead", owner="DCI Shah", due_date=date(2025, 2, 28))
        findings.update_finding(uow, fid, None, status="in progress")

    def read(fn):
        with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
            return fn(uow)

    panel = AttentionPanel(read, today=lambda: date(2025, 3, 3))
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.refresh()
    texts = panel.table.texts()
    assert [r[0] for r in texts] == ["Overdue · Action", "Due · PCC response"]
    assert "Appoint a stalking lead" in texts[0][2] and "DCI Shah" in texts[0][3]
    assert "1 overdue, 1 due" in panel.summary.text()
    with qtbot.waitSignal(panel.open_record, timeout=2000) as blocker:
        item = panel.table.item(0, 2)
        assert item is not None
        rect = panel.table.visualItemRect(item)
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["action", act.id]
    panel.show()
    panel.grab().save("/tmp/attention_panel.png")

