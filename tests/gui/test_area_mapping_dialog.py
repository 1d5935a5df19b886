"""Moving findings to the PEEL 2025–27 areas from the window: a preview finding by finding, a question
before the move, the move and its undo in the database."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN, ADMIN_PASS, noted
from tests.gui.conftest import wait_for_workers
from workbench.services import findings

pytestmark = pytest.mark.gui


def _areas(ws) -> dict[str, str | None]:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return {f.ref: f.area for f in findings.list_findings(uow) if f.inspection == "PEEL 2023-25"}


def test_findings_move_to_their_2025_27_areas_after_a_preview_and_back(
        qtbot, open_window, seeded_workspace, monkeypatch) -> None:
    from workbench.gui import confirm
    from workbench.gui.area_mapping_dialog import AreaMappingDialog

    ws = seeded_workspace
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        first = next(f for f in findings.list_findings(uow) if f.inspection == "PEEL 2023-25")
        findings.update_finding(uow, first.stored_id, None, area="Recording data about crime")
    before = _areas(ws)
    window = open_window(ws)
    dialog = AreaMappingDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    wait_for_workers(qtbot, window)
    rows = dialog.table.texts()
    assert [r[:3] for r in rows] == [[f"PEEL 2023-25 / {first.ref}", "Recording data about crime",
                                      "Quality of service"]]
    assert dialog.move_button.isEnabled() and not dialog.undo_button.isEnabled()
    assert dialog.move_button.text() == "Move 1 finding…"

    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda _p, _t, question, *_a, **_k: noted(asked, question, False))
    dialog.move_button.click()
    assert asked == ["Move 1 finding to the 2025-27 areas?"] and _areas(ws) == before  # asked, nothing moved

    monkeypatch.setattr(confirm, "ask", lambda *_a, **_k: True)
    dialog.move_button.click()
    wait_for_workers(qtbot, window)
    moved = _areas(ws)
    assert moved[first.ref] == "Quality of service"
    assert {k: v for k, v in moved.items() if k != first.ref} == {k: v for k, v in before.items() if k != first.ref}
    assert dialog.table.texts() == [] and not dialog.move_button.isEnabled() and dialog.undo_button.isEnabled()

    dialog.undo_button.click()
    wait_for_workers(qtbot, window)
    assert _areas(ws) == before


def test_a_viewer_sees_the_preview_but_cannot_move(qtbot, open_window, seeded_workspace) -> None:
    from workbench.gui.area_mapping_dialog import AreaMappingDialog
    from workbench.services import users

    ws = seeded_workspace
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "vera.viewer", "viewer")
        first = next(f for f in findings.list_findings(uow) if f.inspection == "PEEL 2023-25")
        findings.update_finding(uow, first.stored_id, None, area="Recording data about crime")
    window = open_window(ws, "vera.viewer")
    dialog = AreaMappingDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    wait_for_workers(qtbot, window)
    assert len(dialog.table.texts()) == 1
    assert not dialog.move_button.isEnabled() and dialog.move_button.toolTip()
